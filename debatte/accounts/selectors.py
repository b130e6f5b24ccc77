"""Reads about one reader: everything Debatte holds on them (GDPR Art. 15 and 20).

The account's own data is read here; what the reader wrote, recommended, reported and was told
comes from the apps that hold it (`accounts.forgetting`: discussions, moderation).
`get_personal_data` costs the same number of queries however much the reader wrote.
"""

from typing import Any

from allauth.account.models import EmailAddress
from django.utils import timezone

from debatte.accounts.forgetting import iso_time, parts
from debatte.accounts.models import User
from debatte.articles.models import SiteMembership

FORMAT = "debatte.personal-data/1"


def get_personal_data(user: User) -> dict[str, Any]:
    """Everything about `user` as plain JSON-ready data."""
    data: dict[str, Any] = {
        "format": FORMAT,
        "exported_at": timezone.now().isoformat(),
        "profile": _profile(user),
        "email_addresses": list(
            EmailAddress.objects.filter(user=user).values("email", "verified", "primary")
        ),
        "site_roles": [
            {"site": m.site.name, "role": m.role}
            for m in SiteMembership.objects.filter(user=user).select_related("site")
        ],
    }
    for part in parts():
        if part.export is not None:
            data.update(part.export(user))
    return data


def _profile(user: User) -> dict[str, Any]:
    return {
        "id": user.pk,
        "display_name": user.display_name,
        "email": user.email,
        "language": user.language,
        "date_joined": iso_time(user.date_joined),
        "last_login": iso_time(user.last_login),
        "badges": [badge.label for badge in user.badges.all()],
        "notify_replies": user.notify_replies,
        "notify_editor_pick": user.notify_editor_pick,
        "may_comment": user.may_comment,
        "warning_count": user.warning_count,
        "sso_subject": user.sso_subject,
    }
