"""Accounts Debatte creates on someone's behalf: one set of rules for every path.

Readers who sign up themselves choose their name on the sign-up form (`DisplayNameSignupForm`).
Every other account is made here: a publisher's reader signed in by its token (embed SSO), an
author of imported comments, the service account of a moderating API token. The rules:

- The display name is the wanted name made valid for `validate_display_name`: characters other
  than letters, digits, spaces and . _ - become spaces, spaces are single, at most 36 characters
  (room for a suffix); shorter than 2 characters, the caller's fallback ("Leser"). It is unique
  ignoring case: a taken name gets " 2", " 3", ...
- The e-mail address is stripped and lower-cased; one that is not a valid address is not kept.
- The password is unusable: the account logs in by its publisher's token, by a token of the
  API, or once claimed with a password reset to its address (imported authors).
- A publisher's reader is identified by the site and the publisher's id (`sso_site`,
  `sso_subject`), never by name or address.
"""

import re

from django.core.exceptions import ValidationError
from django.core.validators import validate_email

from debatte.accounts.models import User
from debatte.accounts.validators import validate_display_name

NAME_LENGTH = User._meta.get_field("display_name").max_length or 40
EMAIL_LENGTH = User._meta.get_field("email").max_length or 254
_BASE_LENGTH = NAME_LENGTH - 4  # room for " 999"
_NAME_JUNK = re.compile(r"[^\w .\-]+")
_SUFFIX = re.compile(r" \d+$")


def clean_display_name(name: str) -> str:
    """`name` as a valid display name without its suffix room, or "" when nothing usable is
    left (fewer than 2 characters)."""
    cleaned = " ".join(_NAME_JUNK.sub(" ", name).split())[:_BASE_LENGTH]
    cleaned = cleaned.lstrip(" .-").rstrip(" -")
    if len(cleaned) < 2:
        return ""
    try:
        validate_display_name(cleaned)
    except ValidationError:
        return ""
    return cleaned


def base_name(display_name: str) -> str:
    """A display name without the suffix that made it unique ("Anna 2" -> "Anna")."""
    return _SUFFIX.sub("", display_name)


def unique_display_name(
    wanted: str, *, exclude_pk: int | None = None, reserved: set[str] | None = None
) -> str:
    """`wanted`, or `wanted 2`, `wanted 3` ...: display names are unique ignoring case.

    `reserved`: names (case-folded) promised already without being saved (a dry import); the
    name chosen is added to it.
    """
    others = User.objects.exclude(pk=exclude_pk) if exclude_pk else User.objects.all()
    taken = {
        name.casefold()
        for name in others.filter(display_name__istartswith=wanted).values_list(
            "display_name", flat=True
        )
    }
    taken |= reserved or set()
    candidate, n = wanted, 1
    while candidate.casefold() in taken:
        n += 1
        candidate = f"{wanted} {n}"
    if reserved is not None:
        reserved.add(candidate.casefold())
    return candidate


def display_name_for(name: str, *, fallback: str, exclude_pk: int | None = None) -> str:
    """The unique valid display name an account created for `name` gets."""
    wanted = clean_display_name(name) or clean_display_name(fallback) or "Leser"
    return unique_display_name(wanted, exclude_pk=exclude_pk)


def normalise_email(value: str | None) -> str:
    """The address as stored (stripped, lower case), or "" when it is not a valid address."""
    address = (value or "").strip().lower()
    if not address or len(address) > EMAIL_LENGTH:
        return ""
    try:
        validate_email(address)
    except ValidationError:
        return ""
    return address


def email_taken(address: str, *, exclude_pk: int | None = None) -> bool:
    users = User.objects.filter(email__iexact=address)
    if exclude_pk is not None:
        users = users.exclude(pk=exclude_pk)
    return users.exists()


def new_external_account(
    name: str,
    *,
    fallback: str,
    email: str = "",
    sso_site_id: int | None = None,
    sso_subject: str = "",
    reserved: set[str] | None = None,
) -> User:
    """An account for someone who did not sign up here, not saved yet (see the module
    docstring). An address that another account has is not given to it."""
    wanted = clean_display_name(name) or clean_display_name(fallback) or "Leser"
    address = normalise_email(email)
    user = User(
        display_name=unique_display_name(wanted, reserved=reserved),
        email=address if address and not email_taken(address) else None,
        sso_site_id=sso_site_id,
        sso_subject=sso_subject if sso_site_id else "",
    )
    user.set_unusable_password()
    validate_display_name(user.display_name)
    return user


def create_external_account(
    name: str,
    *,
    fallback: str,
    email: str = "",
    sso_site_id: int | None = None,
    sso_subject: str = "",
    reserved: set[str] | None = None,
) -> User:
    """`new_external_account`, saved."""
    user = new_external_account(
        name,
        fallback=fallback,
        email=email,
        sso_site_id=sso_site_id,
        sso_subject=sso_subject,
        reserved=reserved,
    )
    user.save()
    return user
