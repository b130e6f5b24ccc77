"""allauth's hooks: the client's address as the rest of Debatte sees it."""

from typing import Any

from allauth.account.adapter import DefaultAccountAdapter
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest

from debatte.core.clientip import client_ip


class AccountAdapter(DefaultAccountAdapter):
    def get_client_ip(self, request: HttpRequest) -> str:
        # allauth's per-address limits (login, failed logins, sign-ups, resets) count the
        # reader behind a trusted proxy, not the proxy that all readers share.
        address = client_ip(request)
        if not address:
            raise PermissionDenied("Unable to determine the client's address")
        return address

    def _get_login_attempts_cache_key(self, request: HttpRequest, **credentials: Any) -> str:
        # allauth names failed logins by the request's host (with its port) and the login: two
        # app servers, or one reached as "localhost" and "127.0.0.1", would each allow the
        # full number of attempts. One installation is one site: the login alone is the key.
        # (A private hook of allauth's; tests/live/test_shared_state.py notices if it goes.)
        login = credentials.get("email", credentials.get("username", "")) or ""
        return f"debatte:{login.lower()}"
