"""Forms of the moderators' queue pages: the queue's filters, one item's decisions, bulk actions."""

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from debatte.articles.models import Site
from debatte.discussions.models import ReportReason
from debatte.moderation.models import Reason, ReasonKind
from debatte.moderation.selectors import Queue, QueueFilter, QueueOrder

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


class QueueFilterForm(forms.Form):
    """The query string of a queue page: ?queue=pending&site=1&section=&article=&reason=&order="""

    queue = forms.ChoiceField(choices=[(q.value, q.value) for q in QUEUE_TABS], required=False)
    site = forms.IntegerField(required=False, min_value=1, label=_("Site"))
    section = forms.IntegerField(required=False, min_value=1, label=_("Section"))
    article = forms.IntegerField(required=False, min_value=1, label=_("Article"))
    reason = forms.ChoiceField(choices=REASON_CHOICES, required=False, label=_("Reason"))
    order = forms.ChoiceField(
        choices=[
            (QueueOrder.RISK.value, _("Highest risk first")),
            (QueueOrder.AGE.value, _("Oldest first")),
        ],
        required=False,
        label=_("Sort"),
    )

    def queue_value(self) -> Queue:
        data = self.cleaned_data if self.is_valid() else {}
        return Queue(data.get("queue") or Queue.PENDING)

    def order_value(self) -> QueueOrder:
        data = self.cleaned_data if self.is_valid() else {}
        return QueueOrder(data.get("order") or QueueOrder.RISK)

    def scope(self) -> QueueFilter:
        if not self.is_valid():
            return QueueFilter()
        data = self.cleaned_data
        return QueueFilter(
            site_id=data.get("site"),
            section_id=data.get("section"),
            article_id=data.get("article"),
            reason=data.get("reason") or "",
        )


def active_reasons(site_id: int, kind: str) -> QuerySet[Reason]:
    return Reason.objects.filter(site_id=site_id, kind=kind, is_active=True)


class CommentDecisionForm(forms.Form):
    """Approve, reject with a reason, shorten with a reason, feature or unfeature one comment."""

    ACTIONS = ("approve", "reject", "shorten", "feature", "unfeature")

    action = forms.ChoiceField(choices=[(a, a) for a in ACTIONS])
    reason = forms.ModelChoiceField(queryset=Reason.objects.none(), required=False)
    body = forms.CharField(required=False, widget=forms.Textarea, strip=False)

    def __init__(self, *args: Any, site_id: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        action = self.data.get("action", "")
        kind = ReasonKind.SHORTEN if action == "shorten" else ReasonKind.REJECT
        self.fields["reason"].queryset = active_reasons(site_id, kind)  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        action = data.get("action")
        if action in ("reject", "shorten") and not data.get("reason"):
            raise forms.ValidationError(_("Please choose a reason."), code="reason")
        if action == "shorten" and not (data.get("body") or "").strip():
            raise forms.ValidationError(_("Please shorten the text."), code="body")
        return data


class AuthorActionForm(forms.Form):
    """Warn, suspend for N days, ban or always pre-moderate the author of a comment."""

    ACTIONS = ("warn", "suspend", "ban", "premoderate")

    action = forms.ChoiceField(choices=[(a, a) for a in ACTIONS])
    reason = forms.ModelChoiceField(queryset=Reason.objects.none(), required=False)
    note = forms.CharField(required=False, max_length=500, label=_("Explanation for the author"))
    days = forms.IntegerField(required=False, min_value=1, max_value=365, initial=7)
    remove = forms.BooleanField(required=False, label=_("Also remove the comment"))

    def __init__(self, *args: Any, site_id: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["reason"].queryset = active_reasons(  # type: ignore[attr-defined]
            site_id, ReasonKind.REJECT
        )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not data.get("reason") and not (data.get("note") or "").strip():
            raise forms.ValidationError(
                _("Please choose a reason or explain the decision."), code="reason"
            )
        if data.get("action") == "suspend" and not data.get("days"):
            raise forms.ValidationError(_("Suspend for 1 to 365 days."), code="days")
        return data

    def ground(self) -> str:
        """The text the author reads in the statement of reasons."""
        reason: Reason | None = self.cleaned_data.get("reason")
        parts = [reason.text if reason else "", (self.cleaned_data.get("note") or "").strip()]
        return " ".join(part for part in parts if part)


class BulkDecisionForm(forms.Form):
    """Approve or reject the checked comments; a rejection reason is chosen by its code."""

    action = forms.ChoiceField(choices=[("approve", "approve"), ("reject", "reject")])
    comments = forms.TypedMultipleChoiceField(coerce=int, choices=(), required=True)
    reason_code = forms.SlugField(required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Any ids: what the moderator may act on is decided by the view's scoped query.
        ids = self.data.getlist("comments") if hasattr(self.data, "getlist") else []
        self.fields["comments"].choices = [(i, i) for i in ids]  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("action") == "reject" and not data.get("reason_code"):
            raise forms.ValidationError(_("Please choose a reason."), code="reason")
        return data


ALL_SITES = "all"


class RestrictUserForm(forms.Form):
    """On the reader's page: warn, suspend, ban or pre-moderate on one site (or all sites)."""

    action = forms.ChoiceField(choices=[(a, a) for a in AuthorActionForm.ACTIONS])
    site = forms.ChoiceField(label=_("Site"))
    days = forms.IntegerField(required=False, min_value=1, max_value=365, initial=7)
    reason = forms.CharField(max_length=1000, label=_("Explanation for the reader"))

    def __init__(self, *args: Any, sites: list[Site], all_sites: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices = [(str(site.pk), site.name) for site in sites]
        if all_sites:
            choices.append((ALL_SITES, str(_("All sites (administrators)"))))
        self.fields["site"].choices = choices  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("action") == "suspend" and not data.get("days"):
            raise forms.ValidationError(_("Suspend for 1 to 365 days."), code="days")
        return data


class LiftRestrictionForm(forms.Form):
    restriction = forms.IntegerField(min_value=1)
    reason = forms.CharField(max_length=1000, label=_("Why it is lifted"))
