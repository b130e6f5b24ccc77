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
