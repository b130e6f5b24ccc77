"""Forms of the moderators' reader page, word-list pages and reasons catalogue."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from debatte.articles.models import Site
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
