"""Forms of the EU Digital Services Act pages: notices (Art. 16), appeals (Art. 20), audit log."""

from collections.abc import Sequence
from datetime import date
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from debatte.articles.models import Site
from debatte.moderation.models import NoticeCategory

EXPLANATION_MIN_LENGTH = 10  # the notice service refuses shorter explanations


class IllegalContentNoticeForm(forms.Form):
    """A notice of illegal content; anyone may send one, with or without an account."""

    name = forms.CharField(label=_("Your name"), max_length=120)
    email = forms.EmailField(
        label=_("Your e-mail address"),
        help_text=_("We send you a confirmation and tell you what we decided."),
    )
    category = forms.ChoiceField(
        label=_("What kind of illegal content is it?"),
        choices=[("", "—"), *NoticeCategory.choices],
    )
    explanation = forms.CharField(
        label=_("Why is this comment illegal?"),
        help_text=_(
            "Please explain as precisely as you can which statement is illegal and why, "
            "for example which law it breaks."
        ),
        widget=forms.Textarea(attrs={"rows": 6}),
        min_length=EXPLANATION_MIN_LENGTH,
        max_length=2000,
    )
    good_faith = forms.BooleanField(
        label=_(
            "I confirm in good faith that the information and allegations in this notice "
            "are accurate and complete."
        ),
    )


class AppealForm(forms.Form):
    """An author's appeal against one statement of reasons (posted with the statement's id)."""

    statement = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    text = forms.CharField(
        label=_("Why is the decision wrong?"),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=5000,
    )


class NoticeAppealForm(forms.Form):
    """A notifier's appeal against the decision on their notice (reached by a signed link)."""

    text = forms.CharField(
        label=_("Why is the decision wrong?"),
        widget=forms.Textarea(attrs={"rows": 5}),
        max_length=5000,
    )


class AppealOutcome:
    UPHOLD = "uphold"
    REVERSE = "reverse"


class AppealDecisionForm(forms.Form):
    """A moderator's decision on an appeal: uphold or reverse, with a note for the author."""

    appeal = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    outcome = forms.ChoiceField(
        label=_("Decision"),
        choices=[
            (AppealOutcome.UPHOLD, _("Uphold the decision")),
            (AppealOutcome.REVERSE, _("Reverse the decision")),
        ],
        widget=forms.RadioSelect,
    )
    note = forms.CharField(
        label=_("Answer to the author"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=5000,
    )
    # A notifier's appeal granted removes the comment: the id of a reason of the site's
    # catalogue (the view looks it up on the appeal's site).
    reason = forms.IntegerField(
        label=_("Reason for removing the comment"), min_value=1, required=False
    )


# Offered as suggestions in the audit log's verb filter (a prefix such as "comment" matches all).
AUDIT_VERB_SUGGESTIONS = (
    "comment",
    "comment.approve",
    "comment.reject",
    "comment.shorten",
    "comment.hold",
    "comment.feature",
    "comment.unfeature",
    "comment.delete",
    "user",
    "user.warn",
    "user.suspend",
    "user.ban",
    "user.premoderate",
    "user.unpremoderate",
    "user.unrestrict",
    "discussion",
    "discussion.close",
    "discussion.reopen",
    "discussion.schedule",
    "discussion.auto_close",
    "appeal",
    "appeal.submit",
    "appeal.uphold",
    "appeal.reverse",
    "notice",
    "notice.decide",
    "user.note_add",
    "user.note_delete",
    "article",
    "article.create",
    "article.update",
    "article.accept",
    "site",
    "site.settings_change",
    "site.member_add",
    "site.member_role_change",
    "site.member_remove",
    "site.api_token_create",
    "site.api_token_revoke",
    "site.webhook_create",
    "site.webhook_update",
    "site.webhook_delete",
    "site.webhook_secret_rotate",
    "site.webhook_test",
    "wordlist",
    "wordlist.add",
    "wordlist.import",
    "wordlist.delete",
    "reason",
    "reason.create",
    "reason.update",
    "reason.deactivate",
    "reason.activate",
)


class AuditFilterForm(forms.Form):
    """The audit log's filters; `sites` are the sites the moderator may see (fetched once)."""

    verb = forms.CharField(label=_("Action"), max_length=40, required=False)
    actor = forms.CharField(label=_("Actor"), max_length=80, required=False)
    subject = forms.CharField(label=_("Subject"), max_length=200, required=False)
    site = forms.TypedChoiceField(label=_("Site"), coerce=int, required=False, empty_value=None)
    before = forms.IntegerField(widget=forms.HiddenInput, min_value=1, required=False)

    def __init__(self, *args: object, sites: Sequence[Site], **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.sites = {site.pk: site for site in sites}
        self.fields["site"].choices = [  # type: ignore[attr-defined]
            ("", _("All sites")),
            *((site.pk, site.name) for site in sites),
        ]
        self.fields["verb"].widget.attrs["list"] = "audit-verbs"

    def selected_site(self) -> Site | None:
        site_id = self.cleaned_data.get("site")
        return self.sites.get(site_id) if site_id else None


MAX_REPORT_DAYS = 5 * 366  # a report covers at most five years


def last_half_year(today: date) -> tuple[date, date]:
    """The last calendar half-year that has ended (the default period of the report)."""
    if today.month > 6:
        return date(today.year, 1, 1), date(today.year, 6, 30)
    return date(today.year - 1, 7, 1), date(today.year - 1, 12, 31)


def last_year(today: date) -> tuple[date, date]:
    return date(today.year - 1, 1, 1), date(today.year - 1, 12, 31)


class TransparencyPeriodForm(forms.Form):
    """The period and site of the transparency report; `sites` are the moderator's."""

    start = forms.DateField(label=_("From"), widget=forms.DateInput(attrs={"type": "date"}))
    end = forms.DateField(label=_("To (inclusive)"), widget=forms.DateInput(attrs={"type": "date"}))
    site = forms.TypedChoiceField(label=_("Site"), coerce=int, required=False, empty_value=None)

    def __init__(self, *args: object, sites: Sequence[Site], **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.sites = {site.pk: site for site in sites}
        self.fields["site"].choices = [  # type: ignore[attr-defined]
            ("", _("All my sites")),
            *((site.pk, site.name) for site in sites),
        ]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("start"), data.get("end")
        if start and end:
            if end < start:
                self.add_error("end", _("The end must not be before the start."))
            elif (end - start).days >= MAX_REPORT_DAYS:
                self.add_error("end", _("A report covers at most five years."))
        return data

    def selected_sites(self) -> list[Site]:
        site_id = self.cleaned_data.get("site")
        return [self.sites[site_id]] if site_id else list(self.sites.values())
