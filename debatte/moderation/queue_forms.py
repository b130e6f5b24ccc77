"""The query string of the queue page: which queue, its filters, its sort and its page."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from debatte.discussions.models import ReportReason
from debatte.moderation.queue_selectors import Queue, QueueFilter, QueueOrder
from debatte.moderation.search import MAX_QUERY_LENGTH

# The tabs of the queue page (appeals have their own page).
QUEUE_TABS = (Queue.PENDING, Queue.REPORTED, Queue.FLAGGED, Queue.DECIDED)

# Why a comment waits: the pipeline's flag codes and the readers' report reasons.
FLAG_REASONS = [
    ("toxicity", _("Classifier: likely abusive")),
    ("not_scored", _("Not scored by the classifier")),
    ("suspect_words", _("Suspect words")),
    ("links", _("Links")),
    ("new_account", _("New account")),
    ("premoderated_user", _("Author is always pre-moderated")),
    ("external_hold", _("External check: hold")),
    ("external_reject", _("External check: reject")),
    ("phase_error", _("A check failed")),
    ("phase_timeout", _("A check timed out")),
]
REASON_CHOICES = [
    ("", _("Any reason")),
    (_("Flagged by the checks"), FLAG_REASONS),
    (_("Reported by readers"), list(ReportReason.choices)),
]
# Lazy labels, translated when a page is rendered.
REASON_LABELS: dict[str, Any] = {
    **dict(FLAG_REASONS),
    **{choice.value: choice.label for choice in ReportReason},
}

# The query-string keys that narrow a queue (kept by the tabs and the pager's links).
FILTER_KEYS = (
    "site",
    "section",
    "article",
    "author",
    "topic",
    "reason",
    "score_min",
    "score_max",
    "date_from",
    "date_to",
    "q",
    "order",
)
MAX_ID = 2**31 - 1


def _id_field(label: Any) -> forms.IntegerField:
    return forms.IntegerField(required=False, min_value=1, max_value=MAX_ID, label=label)


def _score_field(label: Any) -> forms.FloatField:
    widget = forms.NumberInput(attrs={"step": "0.01", "min": "0", "max": "1", "size": "4"})
    return forms.FloatField(
        required=False, min_value=0.0, max_value=1.0, label=label, widget=widget
    )


def _date_field(label: Any) -> forms.DateField:
    return forms.DateField(
        required=False, label=label, widget=forms.DateInput(attrs={"type": "date"})
    )


class QueueFilterForm(forms.Form):
    """?queue=pending&site=&section=&article=&author=&topic=&reason=&score_min=&score_max=
    &date_from=&date_to=&q=&order=&after=|before=. A field with a mistake is reported and left
    out of the filter; the others still apply."""

    queue = forms.ChoiceField(choices=[(q.value, q.value) for q in QUEUE_TABS], required=False)
    q = forms.CharField(required=False, max_length=MAX_QUERY_LENGTH, label=_("Search"))
    site = _id_field(_("Site"))
    section = _id_field(_("Section"))
    article = _id_field(_("Article"))
    author = _id_field(_("Author"))
    topic = forms.CharField(required=False, max_length=100, label=_("Topic"))
    reason = forms.ChoiceField(choices=REASON_CHOICES, required=False, label=_("Reason"))
    score_min = _score_field(_("Score from"))
    score_max = _score_field(_("Score to"))
    date_from = _date_field(_("Written from"))
    date_to = _date_field(_("Written until"))
    order = forms.ChoiceField(
        choices=[
            (QueueOrder.RISK.value, _("Highest risk first")),
            (QueueOrder.AGE.value, _("Oldest first")),
        ],
        required=False,
        label=_("Sort"),
    )
    after = forms.CharField(required=False, max_length=200)
    before = forms.CharField(required=False, max_length=200)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        low, high = data.get("score_min"), data.get("score_max")
        if low is not None and high is not None and low > high:
            self.add_error("score_max", _("The upper score must not be below the lower one."))
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and start > end:
            self.add_error("date_to", _("The end date must not be before the start date."))
        if data.get("after") and data.get("before"):
            self.add_error(None, _("A page is either after or before another one, not both."))
            data.pop("before", None)
        return data

    def _data(self) -> dict[str, Any]:
        """The values that passed validation (the whole form need not be valid)."""
        self.is_valid()
        return self.cleaned_data

    def queue_value(self) -> Queue:
        return Queue(self._data().get("queue") or Queue.PENDING)

    def order_value(self) -> QueueOrder:
        return QueueOrder(self._data().get("order") or QueueOrder.RISK)

    def cursors(self) -> tuple[str, str]:
        data = self._data()
        return data.get("after") or "", data.get("before") or ""

    def scope(self) -> QueueFilter:
        data = self._data()
        return QueueFilter(
            site_id=data.get("site"),
            section_id=data.get("section"),
            article_id=data.get("article"),
            reason=data.get("reason") or "",
            author_id=data.get("author"),
            topic=data.get("topic") or "",
            score_min=data.get("score_min"),
            score_max=data.get("score_max"),
            date_from=data.get("date_from"),
            date_to=data.get("date_to"),
            search=data.get("q") or "",
        )

    def error_messages(self) -> list[str]:
        """Each mistake as one sentence naming its field ("Score to: …")."""
        self.is_valid()
        lines: list[str] = []
        for name, errors in self.errors.items():
            field = self.fields.get(name)
            prefix = f"{field.label}: " if field is not None and field.label else ""
            lines.extend(f"{prefix}{error}" for error in errors)
        return lines
