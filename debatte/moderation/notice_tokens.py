"""The signed link in a notice's decision mail that lets the notifier appeal (DSA Art. 20),
with no account needed; it works as long as the decision can be appealed (six months)."""

from django.core import signing

from debatte.moderation.models import APPEAL_WINDOW

SALT = "debatte.dsa.notice-appeal"


def notice_appeal_token(notice_id: int) -> str:
    return signing.dumps(notice_id, salt=SALT)


def notice_id_from_token(token: str) -> int | None:
    """The notice the token names, or None when it is forged, broken or too old."""
    try:
        value = signing.loads(token, salt=SALT, max_age=APPEAL_WINDOW)
    except signing.BadSignature:
        return None
    return value if isinstance(value, int) and value > 0 else None
