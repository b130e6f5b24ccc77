"""One-click unsubscribe: a signed token names the reader and the kind of mail they leave.

The token never expires (a mail may be read years later) and carries no secret of the reader's;
it only lets its holder switch one notification off, which is what the mail's recipient may do.
"""

from dataclasses import dataclass

from django.core import signing
from django.urls import reverse

from debatte.accounts.models import User

SALT = "debatte.notifications.unsubscribe"

# Kind of mail → the User field that opts in to it.
KINDS = {"replies": "notify_replies", "editor_pick": "notify_editor_pick"}


@dataclass(frozen=True)
class Unsubscription:
    user_id: int
    kind: str

    @property
    def field(self) -> str:
        return KINDS[self.kind]


def make_token(user: User, kind: str) -> str:
    if kind not in KINDS:
        raise ValueError(f"unknown mail kind {kind!r}")
    return signing.dumps({"u": user.pk, "k": kind}, salt=SALT, compress=True)


def read_token(token: str) -> Unsubscription | None:
    """The unsubscription a token stands for, or None when it is forged or garbled."""
    try:
        data = signing.loads(token, salt=SALT)
    except signing.BadSignature:
        return None
    if (
        not isinstance(data, dict)
        or data.get("k") not in KINDS
        or not isinstance(data.get("u"), int)
    ):
        return None
    return Unsubscription(user_id=data["u"], kind=data["k"])


def unsubscribe_path(user: User, kind: str) -> str:
    return reverse("notifications-unsubscribe", kwargs={"token": make_token(user, kind)})


def unsubscribe(unsubscription: Unsubscription) -> bool:
    """Switch the notification off; False when the account no longer exists."""
    updated = User.objects.filter(pk=unsubscription.user_id).update(**{unsubscription.field: False})
    return bool(updated)
