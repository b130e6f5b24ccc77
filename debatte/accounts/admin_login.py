"""The Django admin behind allauth's login: its rate limits and second factor hold there too.

The admin's own login form checks passwords without any throttle and never asks for a code;
allauth's `secure_admin_login` sends everyone who is not signed in to the site's login instead
(counted per client address and per e-mail in the shared cache, ACCOUNT_RATE_LIMITS).
"""

from collections.abc import Callable
from functools import wraps
from typing import Any

from allauth.account.decorators import secure_admin_login
from django.contrib import messages
from django.contrib.admin import AdminSite
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect

from debatte.accounts.mfa import lacks_second_factor, second_factor_message

View = Callable[..., HttpResponse]


def secure_admin_site(site: AdminSite) -> None:
    """Call before `site.urls` is read: its views are wrapped as the URLs are built."""
    site.login = secure_admin_login(site.login)  # type: ignore[method-assign]
    admin_view = site.admin_view

    def guarded_admin_view(view: View, cacheable: bool = False) -> View:
        inner = admin_view(view, cacheable)

        @wraps(inner)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if lacks_second_factor(request.user):
                messages.warning(request, second_factor_message())
                return redirect("mfa_activate_totp")
            return inner(request, *args, **kwargs)

        return wrapper

    site.admin_view = guarded_admin_view  # type: ignore[method-assign,assignment]
