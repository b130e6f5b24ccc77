"""Forms of the moderators' reader page, word-list pages and reasons catalogue."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from debatte.articles.models import Site
from debatte.moderation.models import Reason, ReasonKind, WordListKind
from debatte.moderation.services.notes import MAX_NOTE_LENGTH


class ModeratorNoteForm(forms.Form):
    site = forms.ChoiceField(label=_("Site"))
    text = forms.CharField(
        label=_("Note"),
        max_length=MAX_NOTE_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Only moderators of the site see it; never the reader."),
    )

    def __init__(self, *args: Any, sites: list[Site], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["site"].choices = [(str(site.pk), site.name) for site in sites]  # type: ignore[attr-defined]


class DeleteNoteForm(forms.Form):
    note = forms.IntegerField(min_value=1)


class WordEntryForm(forms.Form):
    kind = forms.ChoiceField(label=_("List"), choices=WordListKind.choices)
    phrase = forms.CharField(
        label=_("Word or phrase"),
        max_length=200,
        help_text=_("* stands for any letters within a word: idiot* matches Idioten."),
    )


class WordImportForm(forms.Form):
    kind = forms.ChoiceField(label=_("List"), choices=WordListKind.choices)
    text = forms.CharField(
        label=_("Entries, one a line"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 8, "spellcheck": "false"}),
    )
    file = forms.FileField(
        label=_("Or a file"),
        required=False,
        help_text=_(
            "Text (one entry a line) or CSV (the entry in the first column, optionally "
            "banned or suspect in the second), UTF-8, up to 2 MB."
        ),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not (data.get("text") or "").strip() and not data.get("file"):
            raise forms.ValidationError(_("Paste entries or choose a file."), code="empty")
        return data


class IdsField(forms.Field):
    """Checkbox values posted under one name: ids."""

    widget = forms.MultipleHiddenInput

    def to_python(self, value: Any) -> list[int]:
        values = value if isinstance(value, list | tuple) else ([value] if value else [])
        try:
            return [int(v) for v in values]
        except (TypeError, ValueError):
            raise forms.ValidationError(_("Choose the entries to delete."), code="ids") from None

    def validate(self, value: list[int]) -> None:
        if not value:
            raise forms.ValidationError(_("Choose the entries to delete."), code="required")


class WordDeleteForm(forms.Form):
    entries = IdsField()


class PreviewForm(forms.Form):
    eintrag = forms.CharField(label=_("Entry to try"), max_length=200)


class ReasonForm(forms.ModelForm):
    """A new reason of the catalogue; its code and kind are fixed once it exists."""

    class Meta:
        model = Reason
        fields = ["kind", "code", "label", "text", "position"]
        widgets = {"text": forms.Textarea(attrs={"rows": 3})}
        help_texts = {
            "code": _("Short, for the API and imports: letters, digits, - and _."),
            "text": _("Readers see it after “Removed.” or “Shortened.”, signed “The editors/ab”."),
            "position": _("Empty: after the last one."),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["position"].required = False
        self.fields["position"].initial = None
        kind = self.fields["kind"]
        kind.choices = ReasonKind.choices  # type: ignore[attr-defined]
        kind.initial = ReasonKind.REJECT


class ReasonEditForm(forms.Form):
    """Label, text and position of an existing reason (the service compares and audits)."""

    label = forms.CharField(label=_("label"), max_length=80)
    text = forms.CharField(
        label=_("text shown to readers"),
        max_length=300,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=ReasonForm.Meta.help_texts["text"],
    )
    position = forms.IntegerField(label=_("position"), min_value=0, max_value=32767)
