"""The authors of imported comments: accounts made by the accounts service's rules.

A foreign import's author with an e-mail address is the account with that address, or a new
one without a usable password (the reader claims it by resetting the password); authors
without a usable address are named guests. A seed page's author is the account with that
display name, or a new one.
"""

from debatte.accounts.creation import create_external_account, new_external_account
from debatte.accounts.creation import normalise_email as normalised
from debatte.accounts.models import User

FALLBACK_NAME = "Leser"


class Authors:
    """Accounts by e-mail address, looked up once per import (and created unless dry)."""

    def __init__(self, *, dry_run: bool) -> None:
        self.dry_run = dry_run
        self.by_email: dict[str, int | None] = {}
        self.taken: set[str] = set()  # names promised in a dry run
        self.created = 0

    def user_id(self, name: str, email: str) -> int | None:
        # No address, or not a valid one (longer than any real address included): a guest.
        address = normalised(email)
        if not address:
            return None
        if address not in self.by_email:
            user = User.objects.filter(email__iexact=address).only("pk").first()
            self.by_email[address] = user.pk if user else self._create(name, address)
        return self.by_email[address]

    def _create(self, name: str, email: str) -> int | None:
        self.created += 1
        if self.dry_run:
            new_external_account(name, fallback=FALLBACK_NAME, email=email, reserved=self.taken)
            return None
        return create_external_account(name, fallback=FALLBACK_NAME, email=email).pk


class PageAuthors:
    """A seed page's authors: the account with that display name, else a new one."""

    def __init__(self) -> None:
        self.by_name: dict[str, int] = {}

    def user_id(self, name: str) -> int:
        folded = name.casefold()
        if folded not in self.by_name:
            user = User.objects.filter(display_name__iexact=name).only("pk").first()
            if user is None:
                user = create_external_account(name, fallback=FALLBACK_NAME)
            self.by_name[folded] = user.pk
        return self.by_name[folded]
