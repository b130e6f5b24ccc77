"""A reader's restrictions for moderators: restrict on a site, lift with a reason."""

from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.db.models import Q
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
from debatte.moderation.models import Restriction
from debatte.moderation.services.users import (
    ban_user,
    lift_restrictions,
    set_premoderation,
    suspend_user,
    warn_user,
)
from debatte.moderation.views.mixins import ModeratorRequiredMixin

HISTORY = 50


@dataclass
class Row:
    restriction: Restriction
    in_force: bool  # not lifted, and a suspension not yet over
    can_lift: bool


class ReaderRestrictionsView(ModeratorRequiredMixin, View):
    """GET the reader's restrictions on the moderator's sites; POST form=restrict|lift."""

    template_name = "moderation/user.html"
    reader: User

    def get(self, request: HttpRequest, user_id: int) -> HttpResponse:
        self.reader = get_object_or_404(User, pk=user_id)
        return self.render_page(request, self.restrict_form(initial=self.initial(request)))

    def post(self, request: HttpRequest, user_id: int) -> HttpResponse:
        self.reader = get_object_or_404(User, pk=user_id)
        try:
            if request.POST.get("form") == "lift":
                return self.lift(request)
            return self.restrict(request)
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

    def done(self) -> HttpResponse:
        return HttpResponseRedirect(reverse("moderation-user", args=[self.reader.pk]))

    def initial(self, request: HttpRequest) -> dict[str, Any]:
        site = request.GET.get("site", "")
        return {"site": site} if site.isdigit() else {}

    def restrict_form(self, **kwargs: Any) -> RestrictUserForm:
        return RestrictUserForm(
            sites=self.sites, all_sites=self.moderator.is_superuser, prefix=None, **kwargs
        )

    def visible(self) -> Any:
        """Restrictions on the moderator's sites and on all sites (which bind there too)."""
        rows = Restriction.objects.filter(user=self.reader)
        if not self.moderator.is_superuser:
            rows = rows.filter(Q(site__isnull=True) | Q(site__in=[s.pk for s in self.sites]))
        return rows

    def render_page(
        self,
        request: HttpRequest,
        form: RestrictUserForm,
        *,
        lift_form: LiftRestrictionForm | None = None,
        error: str = "",
        status: int = 200,
    ) -> HttpResponse:
        now = timezone.now()
        rows = list(
            self.visible()
            .select_related("site", "created_by", "lifted_by")
            .order_by("-created_at", "-pk")[:HISTORY]
        )
        moderated = {site.pk for site in self.sites}
        shown = [
            Row(
                row,
                in_force=row.is_in_force(now),
                can_lift=self.moderator.is_superuser or row.site_id in moderated,
            )
            for row in rows
        ]
        context = {
            "reader": self.reader,
            "open_rows": [row for row in shown if row.restriction.lifted_at is None],
            "past_rows": [row for row in shown if row.restriction.lifted_at is not None],
            "form": form,
            "lift_form": lift_form,
            "error": error,
        }
        return render(request, self.template_name, context, status=status)


urlpatterns: list[URLPattern] = [
    path("leser/<int:user_id>/", ReaderRestrictionsView.as_view(), name="moderation-user"),
]
