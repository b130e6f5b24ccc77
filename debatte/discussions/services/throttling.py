"""Limits on readers' actions (recommending, reporting, editing) per reader and per address.

Shared counters in the cache (core/throttle.py), so the limits hold across processes. Posting has
its own rate rule in the moderation pipeline. An address gets more than a reader: many readers
may share one (offices, mobile networks).
"""

from dataclasses import dataclass, replace
from math import ceil

from django.conf import settings
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from debatte.accounts.models import User
from debatte.core import throttle
from debatte.core.throttle import Limit, Throttled


@dataclass(frozen=True)
class ActionLimit:
    per_reader: int
    per_address: int
    seconds: int


# Overridable per action in settings.DEBATTE["ACTION_THROTTLES"], e.g.
# {"report": {"per_reader": 10}}; 0 switches a limit off.
DEFAULTS = {
    "recommend": ActionLimit(per_reader=60, per_address=300, seconds=600),
    "report": ActionLimit(per_reader=20, per_address=100, seconds=3600),
    "edit": ActionLimit(per_reader=30, per_address=150, seconds=3600),
}


def action_limit(action: str) -> ActionLimit:
    overrides = settings.DEBATTE.get("ACTION_THROTTLES", {}).get(action, {})
    return replace(DEFAULTS[action], **overrides)


def _too_many(action: str) -> str:
    return {
        "recommend": _("You have recommended very many comments in a short time."),
        "report": _("You have reported very many comments in a short time."),
        "edit": _("You have edited comments very often in a short time."),
    }[action]


def check_action_throttle(action: str, *, user: User, ip_address: str | None = None) -> None:
    """Count one `action` of `user` (and of their address); raise Throttled above a limit."""
    limit = action_limit(action)
    try:
        throttle.check(Limit(action, limit.per_reader, limit.seconds), f"user:{user.pk}")
        if ip_address:
            address = Limit(f"{action}-address", limit.per_address, limit.seconds)
            throttle.check(address, f"ip:{ip_address}")
    except Throttled as exc:
        minutes = max(1, ceil(exc.retry_after / 60))
        wait = ngettext(
            "Please try again in %(minutes)d minute.",
            "Please try again in %(minutes)d minutes.",
            minutes,
        ) % {"minutes": minutes}
        raise Throttled(f"{_too_many(action)} {wait}", retry_after=exc.retry_after) from None
