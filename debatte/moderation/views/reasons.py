"""A site's catalogue of reasons: list, add, edit, deactivate and activate again."""

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.http.response import HttpResponseBase
from django.shortcuts import render
from django.urls import URLPattern, path, reverse
from django.utils.translation import gettext as _
from django.views import View

from debatte.core.exceptions import ActionError, NotPermitted
from debatte.moderation.models import Reason, ReasonKind
from debatte.moderation.page_forms import ReasonEditForm, ReasonForm
from debatte.moderation.services.reasons_catalogue import (
    create_reason,
    set_reason_active,
    update_reason,
)
from debatte.moderation.views.mixins import ModeratorRequiredMixin
from debatte.moderation.views.site_scope import SitePageMixin, first_site_redirect


class ReasonsIndexView(ModeratorRequiredMixin, View):
    def get(self, request: HttpRequest) -> HttpResponseBase:
        return first_site_redirect(self, "moderation-reasons")


class ReasonsView(SitePageMixin, View):
    """GET the catalogue; POST form=add (a new reason) or form=active (reason, active=0|1)."""

    template_name = "moderation/reasons.html"

    def get(self, request: HttpRequest, site_id: int) -> HttpResponse:
        self.site = self.find_site(site_id)
        return self.render_page(request, ReasonForm())

    def post(self, request: HttpRequest, site_id: int) -> HttpResponse:
        self.site = self.find_site(site_id)
        try:
            if request.POST.get("form") == "active":
                return self.toggle(request)
            return self.add(request)
        except NotPermitted as error:
            return self.render_page(request, ReasonForm(), error=str(error), status=403)
        except ActionError as error:
            return self.render_page(request, ReasonForm(request.POST), error=str(error), status=400)

    def add(self, request: HttpRequest) -> HttpResponse:
        form = ReasonForm(request.POST, instance=Reason(site=self.site))
        if not form.is_valid():
            return self.render_page(request, form, status=400)
        data = form.cleaned_data
        reason = create_reason(
            self.site,
            moderator=self.moderator,
            code=data["code"],
            kind=data["kind"],
            label=data["label"],
            text=data["text"],
            position=data.get("position"),
        )
        messages.success(request, _("“%(label)s” is in the catalogue.") % {"label": reason.label})
        return HttpResponseRedirect(self.url() + f"#grund-{reason.pk}")

    def toggle(self, request: HttpRequest) -> HttpResponse:
        reason = find_reason(self.site.pk, request.POST.get("reason", ""))
        active = request.POST.get("active") == "1"
        set_reason_active(reason, moderator=self.moderator, active=active)
        if active:
            messages.success(request, _("“%(label)s” is offered again.") % {"label": reason.label})
        else:
            messages.success(
                request,
                _("“%(label)s” is no longer offered; earlier decisions keep their note.")
                % {"label": reason.label},
            )
        return HttpResponseRedirect(self.url() + f"#grund-{reason.pk}")

    def url(self) -> str:
        return reverse("moderation-reasons", args=[self.site.pk])

    def render_page(
        self, request: HttpRequest, form: ReasonForm, *, error: str = "", status: int = 200
    ) -> HttpResponse:
        reasons = list(Reason.objects.filter(site=self.site).order_by("kind", "position", "label"))
        context = {
            "site": self.site,
            "sites": self.sites,
            "groups": [
                (label, [r for r in reasons if r.kind == kind])
                for kind, label in ReasonKind.choices
            ],
            "form": form,
            "error": error,
        }
        return render(request, self.template_name, context, status=status)


def find_reason(site_id: int, reason_id: object) -> Reason:
    text = str(reason_id)
    reason = (
        Reason.objects.filter(site_id=site_id, pk=int(text)).first() if text.isdigit() else None
    )
    if reason is None:
        raise Http404(_("There is no such reason."))
    return reason


class ReasonEditView(SitePageMixin, View):
    template_name = "moderation/reason_edit.html"

    def get(self, request: HttpRequest, site_id: int, reason_id: int) -> HttpResponse:
        self.site = self.find_site(site_id)
        reason = find_reason(self.site.pk, reason_id)
        form = ReasonEditForm(
            initial={"label": reason.label, "text": reason.text, "position": reason.position}
        )
        return self.render_page(request, reason, form)

    def post(self, request: HttpRequest, site_id: int, reason_id: int) -> HttpResponse:
        self.site = self.find_site(site_id)
        reason = find_reason(self.site.pk, reason_id)
        form = ReasonEditForm(request.POST)
        if not form.is_valid():
            return self.render_page(request, reason, form, status=400)
        try:
            update_reason(reason, moderator=self.moderator, **form.cleaned_data)
        except NotPermitted as error:
            return self.render_page(request, reason, form, error=str(error), status=403)
        messages.success(request, _("The reason is saved."))
        url = reverse("moderation-reasons", args=[self.site.pk])
        return HttpResponseRedirect(f"{url}#grund-{reason.pk}")

    def render_page(
        self,
        request: HttpRequest,
        reason: Reason,
        form: ReasonEditForm,
        *,
        error: str = "",
        status: int = 200,
    ) -> HttpResponse:
        context = {"site": self.site, "reason": reason, "form": form, "error": error}
        return render(request, self.template_name, context, status=status)


urlpatterns: list[URLPattern] = [
    path("gruende/", ReasonsIndexView.as_view(), name="moderation-reasons-index"),
    path("gruende/<int:site_id>/", ReasonsView.as_view(), name="moderation-reasons"),
    path(
        "gruende/<int:site_id>/<int:reason_id>/",
        ReasonEditView.as_view(),
        name="moderation-reason-edit",
    ),
]
