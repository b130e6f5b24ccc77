from datetime import datetime, timedelta

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class ReasonKind(models.TextChoices):
    REJECT = "reject", _("removal")
    SHORTEN = "shorten", _("shortening")


class Reason(models.Model):
    """An entry of the site's catalogue of reasons, tied to its Netiquette.

    Readers see "Entfernt. {text} Die Redaktion/{initials}" (or "Gekürzt. ...").
    """

    site = models.ForeignKey("articles.Site", on_delete=models.CASCADE, related_name="reasons")
    code = models.SlugField(_("code"))
    kind = models.CharField(_("used for"), max_length=10, choices=ReasonKind.choices)
    label = models.CharField(_("label"), max_length=80)
    text = models.CharField(_("text shown to readers"), max_length=300)
    is_active = models.BooleanField(_("active"), default=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("reason")
        verbose_name_plural = _("reasons")
        ordering = ["site", "kind", "position", "label"]
        constraints = [
            models.UniqueConstraint(fields=["site", "kind", "code"], name="unique_reason_code")
        ]

    def __str__(self) -> str:
        return self.label


class WordListKind(models.TextChoices):
    BANNED = "banned", _("banned: reject")
    SUSPECT = "suspect", _("suspect: hold for a moderator")


class WordListEntry(models.Model):
    """A word or phrase; `*` is a wildcard within a word ("idiot*", "*scheiß*")."""

    site = models.ForeignKey("articles.Site", on_delete=models.CASCADE, related_name="words")
    kind = models.CharField(_("list"), max_length=10, choices=WordListKind.choices)
    phrase = models.CharField(_("word or phrase"), max_length=120)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("word list entry")
        verbose_name_plural = _("word list entries")
        constraints = [
            models.UniqueConstraint(fields=["site", "kind", "phrase"], name="unique_word_entry")
        ]

    def __str__(self) -> str:
        return self.phrase


class AuditEntry(models.Model):
    """One state change of a comment, user or discussion: who, what, why, before and after.

    Actors and subjects are kept by name too, so the log survives deleted accounts.
    """

    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="audit_actions",
    )
    actor_name = models.CharField(_("actor"), max_length=80)  # "system" for the pipeline
    verb = models.CharField(_("action"), max_length=40, db_index=True)  # comment.reject
    site = models.ForeignKey(
        "articles.Site", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    comment = models.ForeignKey(
        "discussions.Comment",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="audit_entries",
    )
    subject_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="audit_entries",
    )
    article = models.ForeignKey(
        "articles.Article", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    subject = models.CharField(_("subject"), max_length=200)  # "#3.1 on nato-dialog by ZL19"
    reason = models.TextField(_("reason"), blank=True)
    status_before = models.CharField(_("before"), max_length=40, blank=True)
    status_after = models.CharField(_("after"), max_length=40, blank=True)
    details = models.JSONField(default=dict, blank=True)

    class Meta:
        verbose_name = _("audit log entry")
        verbose_name_plural = _("audit log")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.actor_name} {self.verb} {self.subject}"


APPEAL_WINDOW = timedelta(days=183)  # DSA Art. 20: at least six months


class StatementOfReasons(models.Model):
    """What the author of a restricted comment or a restricted account is told (DSA Art. 17).

    Kept when the author deletes their account, without them (user None): the platform's
    record of its decisions (DSA Art. 15, 24).
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="statements_of_reasons",
    )
    comment = models.ForeignKey(
        "discussions.Comment", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    site = models.ForeignKey(
        "articles.Site", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    decision = models.CharField(_("decision"), max_length=40)  # the audit verb
    decision_text = models.TextField(_("what was decided"))
    ground = models.TextField(_("ground"))
    facts = models.TextField(_("facts and circumstances"), blank=True)
    automated = models.BooleanField(_("automated means used"), default=False)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    appealable_until = models.DateTimeField()

    class Meta:
        verbose_name = _("statement of reasons")
        verbose_name_plural = _("statements of reasons")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.decision} ({self.created_at:%Y-%m-%d})"

    def can_be_appealed(self) -> bool:
        return timezone.now() <= self.appealable_until and not hasattr(self, "appeal")


class AppealStatus(models.TextChoices):
    OPEN = "open", _("open")
    UPHELD = "upheld", _("decision upheld")
    REVERSED = "reversed", _("decision reversed")
    WITHDRAWN = "withdrawn", _("withdrawn: the author deleted their account")


class NoticeCategory(models.TextChoices):
    """What kind of illegal content a notice alleges (DSA Art. 15(1)(b) counts by it)."""

    INSULT = "insult", _("Insult, defamation or slander")
    HATE = "hate", _("Incitement to hatred")
    THREAT = "threat", _("Threats or calls to violence")
    SYMBOLS = "symbols", _("Symbols of unconstitutional organisations")
    PRIVACY = "privacy", _("Violation of privacy or personal rights")
    COPYRIGHT = "copyright", _("Copyright infringement")
    OTHER = "other", _("Other illegal content")


class NoticeDecision(models.TextChoices):
    REMOVED = "removed", _("comment removed")
    SHORTENED = "shortened", _("comment shortened")
    KEPT = "kept", _("comment kept")


# The audit verb of the moderator's decision that decides a notice on the comment.
NOTICE_DECISIONS = {
    "comment.reject": NoticeDecision.REMOVED,
    "comment.shorten": NoticeDecision.SHORTENED,
    "comment.approve": NoticeDecision.KEPT,
}


class Notice(models.Model):
    """The DSA side of a notice of illegal content (Art. 16), a `Report` with reason "illegal":
    its category, and the decision the notifier is told about (Art. 16(5)) and may appeal.

    The notifier's name, address and words stay on the report (and go with their account).
    """

    report = models.OneToOneField(
        "discussions.Report", on_delete=models.CASCADE, related_name="notice"
    )
    site = models.ForeignKey(
        "articles.Site", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    category = models.CharField(
        _("kind of illegal content"),
        max_length=12,
        choices=NoticeCategory.choices,
        default=NoticeCategory.OTHER,
    )
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    language = models.CharField(max_length=10, blank=True)  # the notifier's, for the mails
    decision = models.CharField(
        _("decision"), max_length=10, choices=NoticeDecision.choices, blank=True
    )
    ground = models.TextField(_("ground"), blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True, db_index=True)
    # What the decision issued to the author, when it restricted the comment.
    statement = models.ForeignKey(
        StatementOfReasons,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="notices",
    )

    class Meta:
        verbose_name = _("notice of illegal content")
        verbose_name_plural = _("notices of illegal content")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"Notice {self.pk} ({self.decision or 'open'})"

    @property
    def appealable_until(self) -> datetime | None:
        return self.decided_at + APPEAL_WINDOW if self.decided_at is not None else None

    def can_be_appealed(self) -> bool:
        """A decision that did not remove the comment, within six months, not appealed yet."""
        until = self.appealable_until
        return (
            until is not None
            and self.decision != NoticeDecision.REMOVED
            and timezone.now() <= until
            and not hasattr(self, "appeal")
        )


class Appeal(models.Model):
    """A complaint about a decision (DSA Art. 20), decided by another moderator: the author's
    against a statement of reasons, or a notifier's against the decision on their notice."""

    statement = models.OneToOneField(
        StatementOfReasons,
        on_delete=models.CASCADE,
        related_name="appeal",
        null=True,
        blank=True,
    )
    notice = models.OneToOneField(
        Notice, on_delete=models.CASCADE, related_name="appeal", null=True, blank=True
    )
    text = models.TextField(_("why the decision is wrong"), max_length=5000)
    status = models.CharField(
        _("status"), max_length=10, choices=AppealStatus.choices, default=AppealStatus.OPEN
    )
    created_at = models.DateTimeField(default=timezone.now)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.TextField(_("answer to the author"), blank=True)

    class Meta:
        verbose_name = _("appeal")
        verbose_name_plural = _("appeals")
        ordering = ["created_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(statement__isnull=False, notice__isnull=True)
                | models.Q(statement__isnull=True, notice__isnull=False),
                name="appeal_against_statement_or_notice",
            )
        ]

    def __str__(self) -> str:
        return f"Appeal {self.pk} ({self.status})"


class RestrictionKind(models.TextChoices):
    BAN = "ban", _("ban")
    SUSPEND = "suspend", _("suspension")
    PREMODERATE = "premoderate", _("always pre-moderated")
    WARN = "warn", _("warning")


# One open ban, suspension or pre-moderation per reader and site (warnings add up).
EXCLUSIVE_KINDS = (RestrictionKind.BAN, RestrictionKind.SUSPEND, RestrictionKind.PREMODERATE)


class Restriction(models.Model):
    """A reader's ban, suspension, pre-moderation or warning on one site (no site: all sites).

    Open until lifted (`lifted_at`); a suspension also ends by itself at `until`.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="restrictions"
    )
    site = models.ForeignKey(
        "articles.Site",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("site"),
        help_text=_("Empty: all sites (administrators only)."),
    )
    kind = models.CharField(_("kind"), max_length=12, choices=RestrictionKind.choices)
    until = models.DateTimeField(_("until"), null=True, blank=True)
    reason = models.TextField(_("reason"), blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    lifted_at = models.DateTimeField(_("lifted at"), null=True, blank=True)
    lifted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    lift_reason = models.TextField(_("why it was lifted"), blank=True)
    # What the reader was told; a granted appeal lifts exactly this restriction.
    statement = models.OneToOneField(
        StatementOfReasons,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="restriction",
    )

    class Meta:
        verbose_name = _("restriction")
        verbose_name_plural = _("restrictions")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["user", "site"], name="restriction_user_site")]
        constraints = [
            # Two constraints because NULL sites are distinct in a unique index.
            models.UniqueConstraint(
                fields=["user", "site", "kind"],
                condition=models.Q(lifted_at__isnull=True, site__isnull=False)
                & ~models.Q(kind="warn"),
                name="one_open_restriction_per_site",
            ),
            models.UniqueConstraint(
                fields=["user", "kind"],
                condition=models.Q(lifted_at__isnull=True, site__isnull=True)
                & ~models.Q(kind="warn"),
                name="one_open_restriction_all_sites",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.user_id} @ {self.site_id or 'all'}"

    def is_in_force(self, now: datetime | None = None) -> bool:
        if self.lifted_at is not None:
            return False
        return self.until is None or self.until > (now or timezone.now())


class ModeratorNote(models.Model):
    """What moderators of a site note about a reader ("third warning by mail, 3 May").

    Internal: never shown to the reader nor in their data download; goes with the account.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="moderator_notes"
    )
    site = models.ForeignKey("articles.Site", on_delete=models.CASCADE, related_name="+")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    text = models.TextField(_("note"), max_length=2000)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("moderator note")
        verbose_name_plural = _("moderator notes")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["user", "site"], name="moderator_note_user_site")]

    def __str__(self) -> str:
        return f"note {self.pk} on {self.user_id} @ {self.site_id}"
