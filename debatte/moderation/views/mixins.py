from typing import Any

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.http.response import HttpResponseBase
from django.shortcuts import redirect
from django.utils.translation import gettext as _

from debatte.accounts.mfa import lacks_second_factor, second_factor_message
from debatte.accounts.models import User
from debatte.articles.models import Site
from debatte.moderation.services.permissions import sites_moderated_by


class ModeratorRequiredMixin(LoginRequiredMixin):
    """Logged-in users who moderate at least one site; everyone else gets 403.

    Sets `self.sites`, the sites the moderator may see, for the view to scope its reads. A
    moderator whose site requires a second factor and who has none is sent to set one up.
    """

    request: HttpRequest
    sites: list[Site]

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        self.sites = list(sites_moderated_by(self.moderator).order_by("name"))
        if not self.sites:
            raise PermissionDenied(_("You are not a moderator of any site."))
        if lacks_second_factor(self.moderator, self.sites):
            messages.warning(request, second_factor_message())
            return redirect("mfa_activate_totp")
        return super().dispatch(request, *args, **kwargs)  # type: ignore[no-any-return]

    @property
    def moderator(self) -> User:
        return self.request.user  # type: ignore[return-value]
