from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from debatte.discussions.models import ReportReason


class CommentForm(forms.Form):
    body = forms.CharField(
        label=_("Your comment"),
        widget=forms.Textarea(attrs={"rows": 5}),
        # The length rule lives in the posting service; the browser hint is only a courtesy.
        strip=False,
    )

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        limit = settings.DEBATTE["COMMENT_MAX_LENGTH"]
        self.fields["body"].widget.attrs["maxlength"] = str(limit)
        self.fields["body"].widget.attrs["data-max-length"] = str(limit)


class ReportForm(forms.Form):
    reason = forms.ChoiceField(
        label=_("What is wrong with this comment?"),
        choices=ReportReason.choices,
        widget=forms.RadioSelect,
    )
    explanation = forms.CharField(
        label=_("Explanation (optional, required for “Something else”)"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        max_length=2000,
    )
