"""The site admins' forms: each validates its input and says what was wrong."""

import re
from typing import Any
from urllib.parse import urlsplit

from django import forms
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from debatte.accounts.models import User
from debatte.articles.admin import SiteForm
from debatte.articles.models import Site, SiteRole
from debatte.discussions.events import EVENTS
from debatte.embed.origins import origin_of
from debatte.notifications.models import Webhook
from debatte.siteadmin import selectors

SETTINGS_FIELDS = [
    "moderation_mode",
    "risk_threshold",
    "hold_links",
    "new_account_hold_count",
    "rate_limit_per_minute",
    "auto_close_days",
    "netiquette_url",
    "external_check_url",
    "external_check_timeout",
    "require_second_factor",
    "allowed_origins",
    "embed_creates_unlisted",
    "own_accounts",
    "sso_algorithm",
    "sso_secret",
    "sso_public_key",
]
MAX_CHECK_TIMEOUT = 10.0


def url_field_https(field: Any, **kwargs: Any) -> Any:
    """Model fields' form fields, URLs assumed https:// when typed without a scheme."""
    if isinstance(field, models.URLField):
        kwargs.setdefault("assume_scheme", "https")
    return field.formfield(**kwargs)


def origin_line(text: str) -> str | None:
    """The origin a line names, as the embed compares it (embed/origins.py); None when the line
    is more than an origin (a path, a query, a user name) or not http(s)."""
    try:
        parts = urlsplit(text)
    except ValueError:
        return None
    if parts.path not in ("", "/") or parts.query or parts.fragment or "@" in parts.netloc:
        return None
    origin = origin_of(text)
    return origin if origin and re.fullmatch(r"https?://[A-Za-z0-9.\-\[\]:]+", origin) else None


class SiteSettingsForm(SiteForm):
    """The settings a site's admins change themselves. The external check URL is guarded as in
    the Django admin (SiteForm); the SSO key is judged by Site.clean() (articles/sso_keys.py).

    The SSO secret is write-only: the field is always empty, and left empty keeps the secret.
    """

    sso_secret = forms.CharField(
        label=_("SSO shared secret (HS256)"),
        required=False,
        max_length=200,
        strip=True,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "new-password"}),
        help_text=_("Never shown again. Leave empty to keep the current secret."),
    )
    clear_sso_secret = forms.BooleanField(label=_("Remove the shared secret"), required=False)

    class Meta:
        model = Site
        fields = SETTINGS_FIELDS
        formfield_callback = url_field_https
        help_texts = {
            "netiquette_url": _(
                "Linked under the comment form and in every message that rejects a comment."
            ),
            "external_check_url": _(
                "Public http(s) addresses only; internal addresses are refused."
            ),
        }
        widgets = {
            "allowed_origins": forms.Textarea(attrs={"rows": 3}),
            "sso_public_key": forms.Textarea(attrs={"rows": 4, "spellcheck": "false"}),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.had_secret = bool(self.instance.sso_secret)
        self.initial["sso_secret"] = ""

    def clean_risk_threshold(self) -> float:
        value: float = self.cleaned_data["risk_threshold"]
        if not 0.0 <= value <= 1.0:
            raise ValidationError(_("Enter a number between 0 and 1."))
        return value

    def clean_external_check_timeout(self) -> float:
        value: float = self.cleaned_data["external_check_timeout"]
        if not 0.0 < value <= MAX_CHECK_TIMEOUT:
            raise ValidationError(
                _("Enter a number of seconds above 0 and at most %(max)d.")
                % {"max": MAX_CHECK_TIMEOUT}
            )
        return value

    def clean_allowed_origins(self) -> str:
        """One origin per line (scheme, host, port: no path), written as browsers send it."""
        origins: list[str] = []
        for line in self.cleaned_data["allowed_origins"].splitlines():
            text = line.strip()
            if not text:
                continue
            origin = origin_line(text)
            if origin is None:
                raise ValidationError(
                    _("“%(line)s” is not an origin like https://www.example.org (no path).")
                    % {"line": text[:100]}
                )
            if origin not in origins:
                origins.append(origin)
        return "\n".join(origins)

    def clean(self) -> dict[str, Any]:
        # Before the model is validated (_post_clean): an empty secret field keeps the secret.
        cleaned = super().clean() or self.cleaned_data
        if cleaned.get("clear_sso_secret"):
            cleaned["sso_secret"] = ""
        elif not cleaned.get("sso_secret"):
            cleaned["sso_secret"] = self.instance.sso_secret
        return cleaned


class MemberAddForm(forms.Form):
    person = forms.CharField(
        label=_("E-mail address or display name"),
        max_length=254,
        help_text=_("The person must already have an account."),
    )
    role = forms.ChoiceField(label=_("role"), choices=SiteRole.choices)

    def clean_person(self) -> User:
        user = selectors.find_user(self.cleaned_data["person"])
        if user is None:
            raise ValidationError(_("No active account has this e-mail address or display name."))
        return user


class MemberRoleForm(forms.Form):
    role = forms.ChoiceField(label=_("role"), choices=SiteRole.choices)


class ApiTokenForm(forms.Form):
    name = forms.CharField(
        label=_("name"),
        max_length=60,
        help_text=_("What the token is for, e.g. “CMS comment counts”."),
    )
    can_moderate = forms.BooleanField(
        label=_("may moderate"),
        required=False,
        help_text=_("Decisions made with the token are logged as its own moderator account."),
    )


class WebhookForm(forms.ModelForm):
    url = forms.URLField(
        label=_("URL"),
        max_length=500,
        assume_scheme="https",
        help_text=_("Public http(s) addresses only; internal addresses are refused."),
    )
    events = forms.MultipleChoiceField(
        label=_("events"),
        choices=[(event, event) for event in EVENTS],
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = Webhook
        fields = ["url", "events", "is_active"]
        formfield_callback = url_field_https
