"""Who may take part in a site's discussions: the one rule for posting, editing, recommending
and reporting, whichever interface the request came through (page, embed or API)."""

from django.utils.translation import gettext as _

from debatte.accounts.models import User
from debatte.articles.models import Site
from debatte.articles.roles import moderates_site
from debatte.core.exceptions import NotPermitted


def may_act_on_site(user: User, site: Site) -> bool:
    """A publisher's SSO readers act on that site only; a site without own accounts admits only
    its SSO readers (and its staff, who answer with their Debatte accounts)."""
    return _refusal(user, site) is None


def check_may_act_on_site(user: User, site: Site) -> None:
    refusal = _refusal(user, site)
    if refusal is not None:
        raise NotPermitted(refusal)


def _refusal(user: User, site: Site) -> str | None:
    if user.sso_site_id is not None:
        if user.sso_site_id == site.pk:
            return None
        return _("Your account belongs to another site and cannot take part in this discussion.")
    # Only plain accounts on SSO-only sites reach the query below. Staff means this site's
    # staff: `is_staff` (the Django admin, any site's) admits no one here.
    if site.own_accounts or moderates_site(user, site.pk):
        return None
    return _("Please log in with your account at %(site)s to take part in this discussion.") % {
        "site": site.name
    }
