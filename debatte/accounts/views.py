from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.i18n import set_language

from debatte.accounts.forms import AccountDeleteForm, ProfileSettingsForm
from debatte.accounts.selectors import get_personal_data
from debatte.accounts.services import delete_account


class ProfileSettingsView(LoginRequiredMixin, View):
    template_name = "accounts/settings.html"

    def get(self, request: HttpRequest) -> HttpResponse:
        form = ProfileSettingsForm(instance=request.user)
        return render(request, self.template_name, {"form": form})

    def post(self, request: HttpRequest) -> HttpResponse:
        form = ProfileSettingsForm(request.POST, instance=request.user)
        if not form.is_valid():
            return render(request, self.template_name, {"form": form}, status=400)
        form.save()
        messages.success(request, _("Your settings are saved."))
        response = HttpResponseRedirect(reverse("profile-settings"))
        return response


class DataExportView(LoginRequiredMixin, View):
    """The "download my data" file: everything Debatte holds on the reader, as one JSON file."""

    def get(self, request: HttpRequest) -> HttpResponse:
        data = get_personal_data(request.user)  # type: ignore[arg-type]
        filename = f"debatte-meine-daten-{timezone.localdate():%Y-%m-%d}.json"
        response = JsonResponse(
            data, json_dumps_params={"indent": 2, "ensure_ascii": False}, encoder=DjangoJSONEncoder
        )
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        response["Cache-Control"] = "no-store"
        return response


class AccountDeleteView(LoginRequiredMixin, View):
    """Leaving Debatte: confirm with the password, choose what becomes of the comments."""

    template_name = "accounts/delete.html"

    def context(self, form: AccountDeleteForm) -> dict[str, object]:
        return {"form": form, "export_url": reverse("account-data-export")}

    def get(self, request: HttpRequest) -> HttpResponse:
        form = AccountDeleteForm(request.user)  # type: ignore[arg-type]
        return render(request, self.template_name, self.context(form))

    def post(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        form = AccountDeleteForm(user, request.POST)  # type: ignore[arg-type]
        if not form.is_valid():
            return render(request, self.template_name, self.context(form), status=400)
        delete_account(user, remove_comments=form.remove_comments)  # type: ignore[arg-type]
        logout(request)
        messages.success(request, _("Your account is deleted. Goodbye!"))
        return HttpResponseRedirect("/")


@csrf_exempt
def set_language_view(request: HttpRequest) -> HttpResponse:
    """Django's language switch, with CSRF checked for signed-in readers only.

    The switcher sits on every page, and pages for anonymous readers are cached and shared
    (`core.caching`), so they carry no CSRF token: one reader's token must never reach another.
    For an anonymous browser the switch only sets its own language cookie, which a forged
    request could at worst flip back and forth; a signed-in reader's switch stays protected.
    """
    if request.user.is_authenticated:
        return csrf_protect(set_language)(request)
    return set_language(request)
