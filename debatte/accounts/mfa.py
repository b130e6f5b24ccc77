"""Second factors (allauth's MFA): who must have one before they moderate or use the admin.

A site may require one of its moderators, editors and admins (`Site.require_second_factor`);
superusers act on every site, so any such site, or DEBATTE_REQUIRE_MFA_FOR_SUPERUSERS, requires
one of them. allauth asks for the code at every login of an account that has one, so having
an authenticator is what needs checking here.
"""

from collections.abc import Iterable
from typing import Any

from allauth.mfa.utils import is_mfa_enabled
from django.conf import settings
from django.utils.translation import gettext as _

from debatte.articles.models import Site, SiteMembership
from debatte.core.exceptions import NotPermitted


class SecondFactorRequired(NotPermitted):
    code = "second_factor_required"


def second_factor_required(user: Any, sites: Iterable[Site] | None = None) -> bool:
    """Whether `user` must have a second factor; `sites`: those they moderate, when known."""
    if not user.is_authenticated:
        return False
    if user.is_superuser and settings.DEBATTE.get("REQUIRE_MFA_FOR_SUPERUSERS"):
        return True
    if sites is not None:
        return any(site.require_second_factor for site in sites)
    if user.is_superuser:
        return Site.objects.filter(require_second_factor=True).exists()
    return SiteMembership.objects.filter(user=user, site__require_second_factor=True).exists()


def lacks_second_factor(user: Any, sites: Iterable[Site] | None = None) -> bool:
    """Required of `user` but not set up."""
    return second_factor_required(user, sites) and not is_mfa_enabled(user)


def second_factor_message() -> str:
    return _(
        "Your site requires moderators and admins to use a second factor. Please set up an "
        "authenticator app first (account settings, two-factor authentication)."
    )


def check_second_factor(user: Any, sites: Iterable[Site] | None = None) -> None:
    if lacks_second_factor(user, sites):
        raise SecondFactorRequired(second_factor_message())
