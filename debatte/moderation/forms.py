"""Forms of the moderators' decisions: one item's, its author's, bulk ones (the queue's filters:
queue_forms.py)."""

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from debatte.articles.models import Site
from debatte.moderation.models import Reason, ReasonKind


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
