"""The queues' POST endpoints: claim and release an item, decide on it, restrict its author,
decide on many at once. Each answers JSON to moderation.js (fetch) and redirects a plain form
back to the queue; the decisions themselves are services."""

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.urls import URLPattern, path, reverse
from django.utils.translation import gettext as _
from django.views import View

from debatte.core.exceptions import ActionError, NotPermitted
from debatte.discussions.models import Comment
from debatte.moderation.forms import AuthorActionForm, BulkDecisionForm, CommentDecisionForm
from debatte.moderation.models import Reason
from debatte.moderation.services.author_actions import (
    AuthorActionResult,
    restrict_comment_author,
)
from debatte.moderation.services.bulk import decide_comments
from debatte.moderation.services.claims import claim_comment, release_comment
from debatte.moderation.services.decisions import (
    approve_comment,
    feature_comment,
    reject_comment,
    shorten_comment,
)
from debatte.moderation.views.queues import ModeratorMixin, safe_next


def wants_json(request: HttpRequest) -> bool:
    return "application/json" in request.headers.get("Accept", "")


class ClaimView(ModeratorMixin, View):
    """POST: claim a comment (moderation.js calls it when an item gets the focus)."""

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        comment = self.get_comment(pk)
        claimed = claim_comment(comment, moderator=self.moderator)
        if not wants_json(request):
            return HttpResponseRedirect(reverse("moderation-queue-item", args=[pk]))
        holder = comment.claimed_by.display_name if comment.claimed_by else ""
        return JsonResponse(
            {
                "claimed": claimed,
                "claimed_by": holder,
                "message": "" if claimed else locked_message(comment),
            }
        )


class ReleaseView(ModeratorMixin, View):
    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        comment = self.get_comment(pk)
        release_comment(comment, moderator=self.moderator)
        if wants_json(request):
            return JsonResponse({"released": True})
        return HttpResponseRedirect(safe_next(request, reverse("moderation-queue")))


def required(reason: Reason | None) -> Reason:
    if reason is None:
        raise ActionError(_("Please choose a reason."), code="reason")
    return reason


def locked_message(comment: Comment) -> str:
    name = comment.claimed_by.display_name if comment.claimed_by else _("another moderator")
    return _("%(name)s is working on %(label)s.") % {"name": name, "label": comment.label}


class DecisionMixin(ModeratorMixin):
    """Claim the comment, run one decision, answer with JSON (fetch) or a redirect."""

    def decide(self, request: HttpRequest, pk: int, form_class: type) -> HttpResponse:
        comment = self.get_comment(pk)
        fallback = reverse("moderation-queue")
        if not claim_comment(comment, moderator=self.moderator):
            return self.answer(
                request,
                comment,
                ok=False,
                message=locked_message(comment),
                status=409,
                fallback=fallback,
            )
        form = form_class(request.POST, site_id=comment.article.site_id)
        if not form.is_valid():
            errors = [str(error) for errors in form.errors.values() for error in errors]
            return self.answer(
                request, comment, ok=False, message=" ".join(errors), status=400, fallback=fallback
            )
        try:
            message = self.act(comment, form)
        except NotPermitted as error:
            return self.answer(
                request, comment, ok=False, message=error.message, status=403, fallback=fallback
            )
        except ActionError as error:
            return self.answer(
                request, comment, ok=False, message=error.message, status=400, fallback=fallback
            )
        release_comment(comment, moderator=self.moderator)
        return self.answer(request, comment, ok=True, message=message, fallback=fallback)

    def act(self, comment: Comment, form: Any) -> str:
        """Carry out the decision; each concrete view says which (abstract here)."""
        raise NotImplementedError

    def answer(
        self,
        request: HttpRequest,
        comment: Comment,
        *,
        ok: bool,
        message: str,
        fallback: str,
        status: int = 200,
    ) -> HttpResponse:
        if wants_json(request):
            return JsonResponse(
                {
                    "ok": ok,
                    "message": message,
                    "status": comment.status,
                    "status_label": comment.get_status_display(),
                    "featured": comment.is_editor_pick,
                },
                status=status,
            )
        if ok:
            messages.success(request, message)
        else:
            messages.error(request, message)
        return HttpResponseRedirect(safe_next(request, fallback))


class DecideView(DecisionMixin, View):
    """POST action=approve|reject|shorten|feature|unfeature (+ reason, body)."""

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        return self.decide(request, pk, CommentDecisionForm)

    def act(self, comment: Comment, form: Any) -> str:
        action: str = form.cleaned_data["action"]
        reason: Reason | None = form.cleaned_data.get("reason")
        label = comment.label
        if action == "approve":
            approve_comment(comment, moderator=self.moderator)
            return _("%(label)s approved.") % {"label": label}
        if action == "reject":
            reject_comment(comment, moderator=self.moderator, reason=required(reason))
            return _("%(label)s removed.") % {"label": label}
        if action == "shorten":
            shorten_comment(
                comment,
                moderator=self.moderator,
                reason=required(reason),
                body=form.cleaned_data["body"],
            )
            return _("%(label)s shortened.") % {"label": label}
        featured = action == "feature"
        feature_comment(comment, moderator=self.moderator, featured=featured)
        if featured:
            return _("%(label)s is an editor's recommendation.") % {"label": label}
        return _("%(label)s is no longer an editor's recommendation.") % {"label": label}


class AuthorActionView(DecisionMixin, View):
    """POST action=warn|suspend|ban|premoderate (+ reason, note, days, remove) for the author."""

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        return self.decide(request, pk, AuthorActionForm)

    def act(self, comment: Comment, form: AuthorActionForm) -> str:  # type: ignore[override]
        result = restrict_comment_author(
            comment,
            moderator=self.moderator,
            action=form.cleaned_data["action"],
            ground=form.ground(),
            days=form.cleaned_data.get("days"),
            reason=form.cleaned_data.get("reason"),
            remove=bool(form.cleaned_data.get("remove")),
        )
        return author_action_message(result, comment)


def author_action_message(result: AuthorActionResult, comment: Comment) -> str:
    name = result.author.display_name
    if result.action == "warn":
        message = _("%(name)s was warned.") % {"name": name}
    elif result.action == "suspend":
        message = _("%(name)s is suspended for %(days)d days.") % {
            "name": name,
            "days": result.days or 0,
        }
    elif result.action == "ban":
        message = _("%(name)s is banned.") % {"name": name}
    else:
        message = _("%(name)s is always pre-moderated now.") % {"name": name}
    if result.removed:
        message += " " + _("%(label)s removed.") % {"label": comment.label}
    return message


class BulkView(ModeratorMixin, View):
    """POST: approve or reject the checked comments; items others are working on are skipped."""

    def post(self, request: HttpRequest) -> HttpResponse:
        fallback = reverse("moderation-queue")
        form = BulkDecisionForm(request.POST)
        if not form.is_valid():
            errors = [str(error) for errors in form.errors.values() for error in errors]
            messages.error(request, " ".join(errors) or _("Please check some comments first."))
            return HttpResponseRedirect(safe_next(request, fallback))
        action: str = form.cleaned_data["action"]
        result = decide_comments(
            form.cleaned_data["comments"],
            moderator=self.moderator,
            action=action,
            reason_code=form.cleaned_data.get("reason_code") or "",
        )
        if action == "approve":
            messages.success(request, _("%(count)d comments approved.") % {"count": result.done})
        else:
            messages.success(request, _("%(count)d comments removed.") % {"count": result.done})
        if result.skipped:
            labels = ", ".join(result.skipped)
            messages.error(request, _("Skipped: %(labels)s.") % {"labels": labels})
        return HttpResponseRedirect(safe_next(request, fallback))


urlpatterns: list[URLPattern] = [
    path("bulk/", BulkView.as_view(), name="moderation-queue-bulk"),
    path("kommentar/<int:pk>/claim/", ClaimView.as_view(), name="moderation-claim"),
    path("kommentar/<int:pk>/release/", ReleaseView.as_view(), name="moderation-release"),
    path("kommentar/<int:pk>/decide/", DecideView.as_view(), name="moderation-decide"),
    path("kommentar/<int:pk>/author/", AuthorActionView.as_view(), name="moderation-author"),
]
