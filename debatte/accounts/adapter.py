"""allauth's hooks: the client's address as the rest of Debatte sees it."""

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
