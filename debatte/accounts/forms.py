from typing import Any

from django import forms
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from debatte.accounts.models import User
from debatte.accounts.validators import validate_display_name


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
    """What a reader may change about themselves: their display name and language."""

    class Meta:
        model = User
        fields = ["display_name", "language"]
        widgets = {"language": forms.Select}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        from django.conf import settings

        self.fields["language"].widget.choices = [
            ("", _("Browser language")),
            *settings.LANGUAGES,
        ]

    def clean_display_name(self) -> str:
        name = " ".join(self.cleaned_data["display_name"].split())
        if display_name_taken(name, exclude_pk=self.instance.pk):
            raise forms.ValidationError(_("This display name is already taken."))
        return name
