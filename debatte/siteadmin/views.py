"""The site admins' pages: thin views that check the role, parse a form, call one service."""

import copy
import math
from typing import Any

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views import View

from debatte.accounts.mfa import lacks_second_factor, second_factor_message
from debatte.accounts.models import User
from debatte.api.models import ApiToken
from debatte.articles.models import Site
from debatte.core.exceptions import ActionError
from debatte.notifications.models import DeliveryStatus, Webhook
from debatte.siteadmin import forms, selectors
from debatte.siteadmin.access import (
    administers_site,
    remember_administers,
    sites_administered_by,
)
from debatte.siteadmin.services import members, tokens, webhooks
from debatte.siteadmin.services.site_settings import update_site_settings


class SiteAdminMixin(LoginRequiredMixin):
    """The site named in the URL, for its admins and superusers; 404 for an unknown site, 403
    for everyone else. Sets `self.site`."""

    request: HttpRequest
    site: Site

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        self.site = get_object_or_404(Site, slug=kwargs["site_slug"])
        if not administers_site(request.user, self.site):
            raise PermissionDenied(_("You are not an admin of this site."))
        remember_administers(request)
        if lacks_second_factor(request.user, [self.site]):
            messages.warning(request, second_factor_message())
            return redirect("mfa_activate_totp")
        return super().dispatch(request, *args, **kwargs)  # type: ignore[no-any-return]

    @property
    def actor(self) -> User:
        return self.request.user  # type: ignore[return-value]

    def page(self, template: str, context: dict[str, Any], status: int = 200) -> HttpResponse:
        return render(self.request, template, {"site": self.site, **context}, status=status)

    def to(self, name: str, **kwargs: Any) -> HttpResponseRedirect:
        return HttpResponseRedirect(
            reverse(f"siteadmin:{name}", kwargs={"site_slug": self.site.slug, **kwargs})
        )


class SiteListView(LoginRequiredMixin, View):
    """/verwaltung/: the sites the user administers (straight to the one, if only one)."""

    def get(self, request: HttpRequest) -> HttpResponse:
        sites = list(sites_administered_by(request.user).order_by("name"))
        if not sites:
            raise PermissionDenied(_("You are not an admin of any site."))
        remember_administers(request)
        if len(sites) == 1:
            return redirect("siteadmin:settings", site_slug=sites[0].slug)
        return render(request, "siteadmin/sites.html", {"sites": sites})


class SettingsView(SiteAdminMixin, View):
    template = "siteadmin/settings.html"

    def get(self, request: HttpRequest, site_slug: str) -> HttpResponse:
        return self.show(forms.SiteSettingsForm(instance=copy.copy(self.site)))

    def post(self, request: HttpRequest, site_slug: str) -> HttpResponse:
        # The form changes its own copy; the service compares with the stored site.
        form = forms.SiteSettingsForm(request.POST, instance=copy.copy(self.site))
        if not form.is_valid():
            return self.show(form, status=400)
        changes = {name: getattr(form.instance, name) for name in forms.SETTINGS_FIELDS}
        changed = update_site_settings(self.site, actor=self.actor, changes=changes)
        if changed:
            messages.success(request, _("Settings saved."))
        else:
            messages.info(request, _("Nothing was changed."))
        return self.to("settings")

    def show(self, form: forms.SiteSettingsForm, status: int = 200) -> HttpResponse:
        context = {"form": form, "has_secret": bool(self.site.sso_secret)}
        return self.page(self.template, context, status=status)


class MembersView(SiteAdminMixin, View):
    template = "siteadmin/members.html"

    def get(self, request: HttpRequest, site_slug: str) -> HttpResponse:
        return self.show(forms.MemberAddForm())

    def post(self, request: HttpRequest, site_slug: str) -> HttpResponse:
        form = forms.MemberAddForm(request.POST)
        if form.is_valid():
            user = form.cleaned_data["person"]
            try:
                members.add_member(
                    self.site, actor=self.actor, user=user, role=form.cleaned_data["role"]
                )
            except ActionError as error:
                form.add_error("person", error.message)
            else:
                messages.success(request, _("%(name)s was added.") % {"name": user.display_name})
                return self.to("members")
        return self.show(form, status=400)

    def show(self, form: forms.MemberAddForm, status: int = 200) -> HttpResponse:
        context = {
            "form": form,
            "members": selectors.list_members(self.site),
            "roles": forms.SiteRole.choices,
        }
        return self.page(self.template, context, status=status)


class MemberActionView(SiteAdminMixin, View):
    """POST only: change a member's role, or remove them (`action` from the URL)."""

    action = "role"

    def post(self, request: HttpRequest, site_slug: str, user_id: int) -> HttpResponse:
        user = selectors.get_member(self.site, user_id)
        if user is None:
            raise Http404
        try:
            if self.action == "remove":
                members.remove_member(self.site, actor=self.actor, user=user)
                messages.success(request, _("%(name)s was removed.") % {"name": user.display_name})
            else:
                form = forms.MemberRoleForm(request.POST)
                if not form.is_valid():
                    raise ActionError(_("Choose one of the roles."))
                role = form.cleaned_data["role"]
                if members.change_member_role(self.site, actor=self.actor, user=user, role=role):
                    message = _("The role of %(name)s was changed.")
                    messages.success(request, message % {"name": user.display_name})
        except ActionError as error:
            messages.error(request, error.message)
        return self.to("members")


class ApiTokensView(SiteAdminMixin, View):
    template = "siteadmin/tokens.html"

    def get(self, request: HttpRequest, site_slug: str) -> HttpResponse:
        return self.show(forms.ApiTokenForm())

    def post(self, request: HttpRequest, site_slug: str) -> HttpResponse:
        form = forms.ApiTokenForm(request.POST)
        if not form.is_valid():
            return self.show(form, status=400)
        token, plain = tokens.create_api_token(self.site, actor=self.actor, **form.cleaned_data)
        # Shown in this answer only: the plain value is not stored anywhere.
        return self.show(forms.ApiTokenForm(), new_token=token, plain=plain)

    def show(self, form: forms.ApiTokenForm, status: int = 200, **extra: Any) -> HttpResponse:
        context = {"form": form, "tokens": selectors.list_api_tokens(self.site), **extra}
        response = self.page(self.template, context, status=status)
        response["Cache-Control"] = "no-store"
        return response


class ApiTokenRevokeView(SiteAdminMixin, View):
    def post(self, request: HttpRequest, site_slug: str, token_id: int) -> HttpResponse:
        token = get_object_or_404(ApiToken, pk=token_id, site=self.site)
        if tokens.revoke_api_token(token, actor=self.actor):
            messages.success(request, _("The token “%(name)s” was revoked.") % {"name": token.name})
        return self.to("tokens")


class WebhooksView(SiteAdminMixin, View):
    """The list and the form for a new webhook; its signing secret is shown once."""

    template = "siteadmin/webhooks.html"

    def get(self, request: HttpRequest, site_slug: str) -> HttpResponse:
        return self.show(forms.WebhookForm())

    def post(self, request: HttpRequest, site_slug: str) -> HttpResponse:
        form = forms.WebhookForm(request.POST)
        if not form.is_valid():
            return self.show(form, status=400)
        webhook = webhooks.create_webhook(self.site, actor=self.actor, **form.cleaned_data)
        return self.show(forms.WebhookForm(), shown_secret=webhook.secret, secret_of=webhook)

    def show(self, form: forms.WebhookForm, status: int = 200, **extra: Any) -> HttpResponse:
        context = {
            "form": form,
            "webhooks": selectors.list_webhooks(self.site),
            "test_seconds": math.ceil(webhooks.ping_timeout()),
            **extra,
        }
        response = self.page(self.template, context, status=status)
        response["Cache-Control"] = "no-store"
        return response


class WebhookMixin(SiteAdminMixin):
    webhook: Webhook

    def load(self, webhook_id: int) -> Webhook:
        self.webhook = get_object_or_404(Webhook, pk=webhook_id, site=self.site)
        return self.webhook


class WebhookEditView(WebhookMixin, View):
    template = "siteadmin/webhook_edit.html"

    def get(self, request: HttpRequest, site_slug: str, webhook_id: int) -> HttpResponse:
        webhook = self.load(webhook_id)
        form = forms.WebhookForm(instance=webhook)
        return self.page(self.template, {"form": form, "webhook": webhook})

    def post(self, request: HttpRequest, site_slug: str, webhook_id: int) -> HttpResponse:
        webhook = self.load(webhook_id)
        form = forms.WebhookForm(request.POST, instance=copy.copy(webhook))
        if not form.is_valid():
            return self.page(self.template, {"form": form, "webhook": webhook}, status=400)
        if webhooks.update_webhook(webhook, actor=self.actor, changes=form.cleaned_data):
            messages.success(request, _("The webhook was saved."))
        return self.to("webhooks")


class WebhookDeleteView(WebhookMixin, View):
    def post(self, request: HttpRequest, site_slug: str, webhook_id: int) -> HttpResponse:
        webhooks.delete_webhook(self.load(webhook_id), actor=self.actor)
        messages.success(request, _("The webhook was deleted."))
        return self.to("webhooks")


class WebhookSecretView(WebhookMixin, WebhooksView):
    """POST: a new signing secret, shown once on the list."""

    http_method_names = ["post"]

    def post(self, request: HttpRequest, site_slug: str, webhook_id: int) -> HttpResponse:  # type: ignore[override]
        webhook = self.load(webhook_id)
        secret = webhooks.rotate_webhook_secret(webhook, actor=self.actor)
        return self.show(forms.WebhookForm(), shown_secret=secret, secret_of=webhook)


class WebhookTestView(WebhookMixin, View):
    """POST: deliver a signed test event now and tell what the receiver answered."""

    def post(self, request: HttpRequest, site_slug: str, webhook_id: int) -> HttpResponse:
        delivery = webhooks.send_test_delivery(self.load(webhook_id), actor=self.actor)
        if delivery.status == DeliveryStatus.DELIVERED:
            messages.success(
                request,
                _("Test event delivered: the receiver answered HTTP %(code)s.")
                % {"code": delivery.last_status_code},
            )
        elif delivery.status == DeliveryStatus.REFUSED:
            messages.error(request, _("Not sent: %(error)s") % {"error": delivery.last_error})
        elif webhooks.timed_out(delivery):
            messages.error(
                request,
                _(
                    "The test event was not delivered: the receiver did not answer "
                    "within %(seconds)s seconds."
                )
                % {"seconds": math.ceil(webhooks.ping_timeout())},
            )
        else:
            messages.error(
                request,
                _("The test event was not delivered: %(error)s")
                % {"error": delivery.last_error[:300]},
            )
        return self.to("webhooks")
