"""A reader's page for moderators: comments, decisions, restrictions, notes, linked accounts.

Everything is scoped to the sites the moderator moderates. POST form=restrict|lift|note|
note-delete; each write goes through one service and is audited there.
"""

from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.db.models import Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import URLPattern, path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View

from debatte.accounts.models import User
from debatte.articles.models import Site
from debatte.core.exceptions import ActionError, NotPermitted
from debatte.moderation.forms import ALL_SITES, LiftRestrictionForm, RestrictUserForm
from debatte.moderation.models import ModeratorNote, Restriction
from debatte.moderation.page_forms import DeleteNoteForm, ModeratorNoteForm
from debatte.moderation.services.notes import add_moderator_note, delete_moderator_note
from debatte.moderation.services.users import (
    ban_user,
    lift_restrictions,
    set_premoderation,
    suspend_user,
    warn_user,
)
from debatte.moderation.user_selectors import (
    linked_accounts_shown,
    list_linked_accounts,
    list_moderator_notes,
    list_reader_comments,
    list_reader_decisions,
    list_reader_statements,
)
from debatte.moderation.views.mixins import ModeratorRequiredMixin

HISTORY = 50
COMMENTS_PER_PAGE = 25


@dataclass
class Row:
    restriction: Restriction
    in_force: bool  # not lifted, and a suspension not yet over
    can_lift: bool


class ReaderView(ModeratorRequiredMixin, View):
    """GET the reader's page (?vor=<comment id> pages the comments); POST one of its forms."""

    template_name = "moderation/user.html"
    reader: User

    def get(self, request: HttpRequest, user_id: int) -> HttpResponse:
        self.reader = get_object_or_404(User, pk=user_id)
        return self.render_page(request, self.restrict_form(initial=self.initial(request)))

    def post(self, request: HttpRequest, user_id: int) -> HttpResponse:
        self.reader = get_object_or_404(User, pk=user_id)
        handlers = {"lift": self.lift, "note": self.add_note, "note-delete": self.delete_note}
        handler = handlers.get(request.POST.get("form", ""), self.restrict)
        try:
            return handler(request)
        except NotPermitted as error:
            return self.render_page(request, self.restrict_form(), error=str(error), status=403)
        except ActionError as error:
            return self.render_page(request, self.restrict_form(), error=str(error), status=400)

    def restrict(self, request: HttpRequest) -> HttpResponse:
        form = self.restrict_form(data=request.POST)
        if not form.is_valid():
            return self.render_page(request, form, status=400)
        data = form.cleaned_data
        site = None if data["site"] == ALL_SITES else Site.objects.get(pk=int(data["site"]))
        reader, moderator, reason = self.reader, self.moderator, data["reason"]
        action = data["action"]
        if action == "warn":
            warn_user(reader, moderator=moderator, reason=reason, site=site)
        elif action == "suspend":
            suspend_user(reader, moderator=moderator, reason=reason, days=data["days"], site=site)
        elif action == "ban":
            ban_user(reader, moderator=moderator, reason=reason, site=site)
        else:
            set_premoderation(reader, moderator=moderator, reason=reason, site=site)
        messages.success(request, _("The restriction applies now."))
        return self.done()

    def lift(self, request: HttpRequest) -> HttpResponse:
        form = LiftRestrictionForm(request.POST)
        if not form.is_valid():
            return self.render_page(request, self.restrict_form(), lift_form=form, status=400)
        row = self.visible().filter(pk=form.cleaned_data["restriction"]).first()
        if row is None:
            raise Http404(_("There is no such restriction."))
        lift_restrictions(
            self.reader,
            site=row.site,
            moderator=self.moderator,
            reason=form.cleaned_data["reason"],
            kinds=[row.kind],
            only=[row.pk],
        )
        messages.success(request, _("The restriction is lifted; the reader is told."))
        return self.done()

    def add_note(self, request: HttpRequest) -> HttpResponse:
        form = ModeratorNoteForm(request.POST, sites=self.sites)
        if not form.is_valid():
            return self.render_page(request, self.restrict_form(), note_form=form, status=400)
        site = next(s for s in self.sites if s.pk == int(form.cleaned_data["site"]))
        add_moderator_note(
            self.reader, site=site, moderator=self.moderator, text=form.cleaned_data["text"]
        )
        messages.success(request, _("The note is saved. Only moderators of the site see it."))
        return self.done("#notizen")

    def delete_note(self, request: HttpRequest) -> HttpResponse:
        form = DeleteNoteForm(request.POST)
        if not form.is_valid():
            return self.render_page(request, self.restrict_form(), status=400)
        note = ModeratorNote.objects.filter(
            pk=form.cleaned_data["note"], user=self.reader, site__in=self.sites
        ).first()
        if note is None:
            raise Http404(_("There is no such note."))
        delete_moderator_note(note, moderator=self.moderator)
        messages.success(request, _("The note is deleted."))
        return self.done("#notizen")

    def done(self, anchor: str = "") -> HttpResponse:
        return HttpResponseRedirect(reverse("moderation-user", args=[self.reader.pk]) + anchor)

    def initial(self, request: HttpRequest) -> dict[str, Any]:
        site = request.GET.get("site", "")
        return {"site": site} if site.isdigit() else {}

    def restrict_form(self, **kwargs: Any) -> RestrictUserForm:
        return RestrictUserForm(
            sites=self.sites, all_sites=self.moderator.is_superuser, prefix=None, **kwargs
        )

    def visible(self) -> QuerySet[Restriction]:
        """Restrictions on the moderator's sites and on all sites (which bind there too)."""
        rows = Restriction.objects.filter(user=self.reader)
        if not self.moderator.is_superuser:
            rows = rows.filter(Q(site__isnull=True) | Q(site__in=[s.pk for s in self.sites]))
        return rows

    def restriction_rows(self) -> list[Row]:
        now = timezone.now()
        rows = self.visible().select_related("site", "created_by", "lifted_by")
        moderated = {site.pk for site in self.sites}
        return [
            Row(
                row,
                in_force=row.is_in_force(now),
                can_lift=self.moderator.is_superuser or row.site_id in moderated,
            )
            for row in rows.order_by("-created_at", "-pk")[:HISTORY]
        ]

    def comments_page(self, request: HttpRequest, site_ids: list[int]) -> dict[str, Any]:
        before = request.GET.get("vor", "")
        cursor = int(before) if before.isdigit() else None
        rows = list_reader_comments(
            self.reader, site_ids=site_ids, before=cursor, limit=COMMENTS_PER_PAGE + 1
        )
        comments = rows[:COMMENTS_PER_PAGE]
        base = reverse("moderation-user", args=[self.reader.pk])
        older = f"{base}?vor={comments[-1].pk}#kommentare" if len(rows) > len(comments) else ""
        return {
            "comments": comments,
            "older_comments_url": older,
            "newest_comments_url": f"{base}#kommentare" if cursor else "",
        }

    def render_page(
        self,
        request: HttpRequest,
        form: RestrictUserForm,
        *,
        lift_form: LiftRestrictionForm | None = None,
        note_form: ModeratorNoteForm | None = None,
        error: str = "",
        status: int = 200,
    ) -> HttpResponse:
        site_ids = [site.pk for site in self.sites]
        admin = self.moderator.is_superuser
        shown = self.restriction_rows()
        show_linked = linked_accounts_shown()
        context = {
            "reader": self.reader,
            "sites": self.sites,
            "open_rows": [row for row in shown if row.restriction.lifted_at is None],
            "past_rows": [row for row in shown if row.restriction.lifted_at is not None],
            "form": form,
            "lift_form": lift_form,
            "note_form": note_form
            or ModeratorNoteForm(sites=self.sites, initial=self.initial(request)),
            "error": error,
            "decisions": list_reader_decisions(self.reader, site_ids=site_ids, all_sites=admin),
            "statements": list_reader_statements(self.reader, site_ids=site_ids, all_sites=admin),
            "notes": list_moderator_notes(self.reader, site_ids=site_ids),
            "show_linked": show_linked,
            "linked": list_linked_accounts(self.reader, site_ids=site_ids) if show_linked else [],
            "show_site": len(self.sites) > 1,
            **self.comments_page(request, site_ids),
        }
        return render(request, self.template_name, context, status=status)


urlpatterns: list[URLPattern] = [
    path("leser/<int:user_id>/", ReaderView.as_view(), name="moderation-user"),
]
