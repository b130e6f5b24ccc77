from datetime import timedelta

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
    """What the author of a restricted comment or a restricted account is told (DSA Art. 17)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
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


class Appeal(models.Model):
    """An author's complaint about a decision (DSA Art. 20), decided by another moderator."""

    statement = models.OneToOneField(
        StatementOfReasons, on_delete=models.CASCADE, related_name="appeal"
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

    def __str__(self) -> str:
        return f"Appeal {self.pk} ({self.status})"
