"""Moderators' DSA pages under /moderation/: the appeals queue and the audit log."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import URLPattern, path, reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views import View

from debatte.core.exceptions import ActionError, NotPermitted
from debatte.moderation.dsa_forms import (
    AUDIT_VERB_SUGGESTIONS,
    AppealDecisionForm,
    AppealOutcome,
    AuditFilterForm,
)
from debatte.moderation.models import Appeal, Reason, ReasonKind
from debatte.moderation.selectors import list_audit_entries, list_open_appeals
from debatte.moderation.services.dsa import decide_appeal
from debatte.moderation.services.permissions import can_moderate
from debatte.moderation.views.mixins import ModeratorRequiredMixin

APPEALS_PER_PAGE = 50
AUDIT_ENTRIES_PER_PAGE = 100


class AppealsView(ModeratorRequiredMixin, View):
    """Open appeals of the moderator's sites, except those against their own decisions."""

    template_name = "moderation/appeals.html"

    def get(self, request: HttpRequest) -> HttpResponse:
        return self.render_page(request)

    def post(self, request: HttpRequest) -> HttpResponse:
        form = AppealDecisionForm(request.POST)
        if not form.is_valid():
            return self.render_page(request, form, status=400)
        appeal = (
            Appeal.objects.select_related(
                "statement__user",
                "statement__comment__article",
                "notice__report__comment__article",
                "notice__report__comment__author",
            )
            .filter(pk=form.cleaned_data["appeal"])
            .first()
        )
        site_id = _appeal_site_id(appeal) if appeal is not None else None
        # Another site's appeal is not there at all for this moderator.
        if appeal is None or not can_moderate(self.moderator, site_id):
            raise Http404(_("There is no such appeal."))
        reverse_decision = form.cleaned_data["outcome"] == AppealOutcome.REVERSE
        reason = None
        if appeal.notice is not None and form.cleaned_data["reason"]:
            reason = Reason.objects.filter(
                pk=form.cleaned_data["reason"],
                site_id=appeal.notice.site_id or 0,  # a deleted site has no catalogue
                kind=ReasonKind.REJECT,
                is_active=True,
            ).first()
            if reason is None:
                form.add_error("reason", _("Please choose a reason from this site's catalogue."))
                return self.render_page(request, form, status=400)
        try:
            decide_appeal(
                appeal,
                moderator=self.moderator,
                reverse=reverse_decision,
                note=form.cleaned_data["note"],
                reason=reason,
            )
        except NotPermitted as error:
            raise PermissionDenied(error.message) from None
        except ActionError as error:
            form.add_error(None, error.message)
            return self.render_page(request, form, status=400)
        if reverse_decision:
            messages.success(request, _("The decision is reversed; the author is told."))
        else:
            messages.success(request, _("The decision is upheld; the author is told."))
        return HttpResponseRedirect(reverse("moderation-appeals"))

    def render_page(
        self, request: HttpRequest, form: AppealDecisionForm | None = None, status: int = 200
    ) -> HttpResponse:
        appeals = list(list_open_appeals(self.moderator)[:APPEALS_PER_PAGE])
        failed_id = form.data.get("appeal") if form is not None else None
        reasons = _removal_reasons({a.notice.site_id for a in appeals if a.notice is not None})
        rows = [
            {
                "appeal": appeal,
                "form": form
                if form is not None and str(appeal.pk) == failed_id
                else AppealDecisionForm(initial={"appeal": appeal.pk}),
                "reasons": reasons.get(appeal.notice.site_id or 0, [])
                if appeal.notice is not None
                else [],
            }
            for appeal in appeals
        ]
        context = {
            "rows": rows,
            "form_errors": form.errors if form is not None and failed_id is None else None,
            "page_size": APPEALS_PER_PAGE,
        }
        return render(request, self.template_name, context, status=status)


def _appeal_site_id(appeal: Appeal) -> int | None:
    if appeal.notice is not None:
        return appeal.notice.site_id
    return appeal.statement.site_id if appeal.statement is not None else None


def _removal_reasons(site_ids: set[int | None]) -> dict[int, list[Reason]]:
    """The removal reasons of the sites of notifiers' appeals (granting one removes the
    comment), by site; no query when no such appeal is open."""
    by_site: dict[int, list[Reason]] = {}
    if not site_ids - {None}:
        return by_site
    rows = Reason.objects.filter(site_id__in=site_ids, kind=ReasonKind.REJECT, is_active=True)
    for reason in rows:
        by_site.setdefault(reason.site_id, []).append(reason)
    return by_site


class AuditLogView(ModeratorRequiredMixin, View):
    """The audit log of the moderator's sites, newest first, filtered and paged by keyset."""

    template_name = "moderation/audit.html"

    def get(self, request: HttpRequest) -> HttpResponse:
        form = AuditFilterForm(request.GET, sites=self.sites)
        entries = []
        older_url = newest_url = None
        status = 200
        if form.is_valid():
            data = form.cleaned_data
            rows = list_audit_entries(
                self.moderator,
                verb=data["verb"].strip(),
                actor=data["actor"].strip(),
                subject=data["subject"].strip(),
                site=form.selected_site(),
                limit=AUDIT_ENTRIES_PER_PAGE + 1,
                before_id=data["before"],
            )
            entries = rows[:AUDIT_ENTRIES_PER_PAGE]
            filters: dict[str, str | int] = {
                key: value
                for key in ("verb", "actor", "subject", "site")
                if (value := request.GET.get(key, "").strip())
            }
            if len(rows) > AUDIT_ENTRIES_PER_PAGE:
                older_url = f"{request.path}?{urlencode({**filters, 'before': entries[-1].pk})}"
            if data["before"]:
                newest_url = f"{request.path}?{urlencode(filters)}" if filters else request.path
        else:
            status = 400
        site_names = {site.pk: site.name for site in self.sites}
        context = {
            "form": form,
            "entries": [(entry, site_names.get(entry.site_id or 0, "")) for entry in entries],
            "older_url": older_url,
            "newest_url": newest_url,
            "verb_suggestions": AUDIT_VERB_SUGGESTIONS,
            "show_site": len(self.sites) > 1,
        }
        return render(request, self.template_name, context, status=status)


urlpatterns: list[URLPattern] = [
    path("appeals/", AppealsView.as_view(), name="moderation-appeals"),
    path("audit/", AuditLogView.as_view(), name="moderation-audit"),
]
