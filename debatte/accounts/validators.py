import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

_ALLOWED = re.compile(r"^[\w][\w .\-]*[\w.]$")


def validate_display_name(value: str) -> None:
    if not 2 <= len(value) <= 40:
        raise ValidationError(_("A display name has 2 to 40 characters."), code="length")
    if not _ALLOWED.match(value) or "  " in value:
        raise ValidationError(
            _("Use letters, digits, single spaces and . _ - only."), code="characters"
        )


_INITIALS = re.compile(r"^[^\W\d_]{1,5}$")


def validate_initials(value: str) -> None:
    """A moderator's signature under notes ("Die Redaktion/ab"): 1 to 5 letters."""
    if not _INITIALS.match(value):
        raise ValidationError(_("Initials are 1 to 5 letters, nothing else."), code="initials")
