from typing import Any

from django import forms
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from debatte.accounts.models import User
from debatte.accounts.validators import validate_display_name, validate_initials
from debatte.articles.models import SiteMembership
from debatte.articles.roles import MODERATING_ROLES


def is_staff_of_a_site(user: User) -> bool:
    """Moderators, editors and admins of a site, and superusers: they sign decisions."""
    if user.is_superuser:
        return True
    return SiteMembership.objects.filter(user=user, role__in=MODERATING_ROLES).exists()


def display_name_taken(name: str, *, exclude_pk: int | None = None) -> bool:
    users = User.objects.filter(display_name__iexact=name.strip())
    if exclude_pk is not None:
        users = users.exclude(pk=exclude_pk)
    return users.exists()


class DisplayNameSignupForm(forms.Form):
    """Extra field on allauth's sign-up form: the unique pseudonym a reader writes under."""

    display_name = forms.CharField(
        label=_("Display name"),
        max_length=40,
        validators=[validate_display_name],
        help_text=_("Shown with your comments. 2 to 40 letters, digits, spaces and . _ -"),
    )

    def clean_display_name(self) -> str:
        name = " ".join(self.cleaned_data["display_name"].split())
        if display_name_taken(name):
            raise forms.ValidationError(_("This display name is already taken."))
        return name

    def signup(self, request: HttpRequest, user: Any) -> None:
        user.display_name = self.cleaned_data["display_name"]
        user.save(update_fields=["display_name"])


class ProfileSettingsForm(forms.ModelForm):
    """What a reader may change about themselves: name, language and the mails they want;
    moderators also their initials, which sign their notes ("Die Redaktion/ab")."""

    class Meta:
        model = User
        fields = ["display_name", "language", "initials", "notify_replies", "notify_editor_pick"]
        widgets = {"language": forms.Select}
        help_texts = {
            "initials": _(
                'Moderators sign removal notes with them: "The editors/ab". 1 to 5 letters; '
                "empty: taken from your display name."
            )
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        from django.conf import settings

        if is_staff_of_a_site(self.instance):
            self.fields["initials"].validators.append(validate_initials)
            self.fields["initials"].widget.attrs.update({"maxlength": 5, "autocomplete": "off"})
        else:
            del self.fields["initials"]

        self.fields["language"].widget.choices = [
            ("", _("Browser language")),
            *settings.LANGUAGES,
        ]

    def clean_initials(self) -> str:
        return str(self.cleaned_data.get("initials", "")).strip()

    def clean_display_name(self) -> str:
        name = " ".join(self.cleaned_data["display_name"].split())
        if display_name_taken(name, exclude_pk=self.instance.pk):
            raise forms.ValidationError(_("This display name is already taken."))
        return name


class AccountDeleteForm(forms.Form):
    """Leaving Debatte: the reader confirms with their password and says what becomes of
    their comments."""

    KEEP = "keep"
    REMOVE = "remove"

    comments = forms.ChoiceField(
        label=_("Your comments"),
        choices=[
            (KEEP, _('Keep them, signed "gelöschter Nutzer" instead of my name')),
            (REMOVE, _("Remove their texts (the numbers stay so that threads still read)")),
        ],
        widget=forms.RadioSelect,
    )
    password = forms.CharField(
        label=_("Your password"), strip=False, widget=forms.PasswordInput(render_value=False)
    )

    def __init__(self, user: User, *args: Any, **kwargs: Any) -> None:
        self.user = user
        super().__init__(*args, **kwargs)
        if not user.has_usable_password():
            # Readers logged in by their publisher (SSO) have no password here: they confirm
            # by typing their display name instead.
            self.fields["password"] = forms.CharField(
                label=_("Type your display name to confirm"), strip=True
            )

    def clean_password(self) -> str:
        password: str = self.cleaned_data["password"]
        if not self.user.has_usable_password():
            if password != self.user.display_name:
                raise forms.ValidationError(_("This is not your display name."), code="wrong_name")
            return password
        if not self.user.check_password(password):
            raise forms.ValidationError(_("This password is not correct."), code="wrong_password")
        return password

    @property
    def remove_comments(self) -> bool:
        return self.cleaned_data["comments"] == self.REMOVE
