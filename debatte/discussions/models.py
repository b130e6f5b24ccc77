from datetime import datetime, timedelta

from django.conf import settings
from django.db import models
from django.db.models import F, FloatField, Func, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class CommentStatus(models.TextChoices):
    PUBLISHED = "published", _("published")
    PENDING = "pending", _("awaiting approval")
    REJECTED = "rejected", _("removed")
    DELETED = "deleted", _("deleted by the author")


# What other readers see in a thread: removed and deleted comments stay as tombstones so that
# numbers and replies keep their place.
VISIBLE_STATUSES = (CommentStatus.PUBLISHED, CommentStatus.REJECTED, CommentStatus.DELETED)


class RiskOrZero(Func):
    """COALESCE(score, 0.0) with the 0.0 written into the SQL, not passed as a parameter:
    SQLite uses an index on an expression only for the very same expression, and a bound
    parameter is not the same as the index's literal."""

    function = "COALESCE"
    template = "%(function)s(%(expressions)s, 0.0)"
    output_field = FloatField()


class Comment(models.Model):
    """A comment or reply, numbered #N (top level) or #N.M (reply in thread N).

    `number` and `reply_number` are assigned once from counters on the article and on the
    thread's top-level comment (see services/posting.py) and never change.
    `parent` is the comment answered (kept even when the thread shows two levels only);
    `thread` is the top-level comment of the thread (null for top-level comments).
    """

    article = models.ForeignKey(
        "articles.Article", on_delete=models.CASCADE, related_name="comments"
    )
    parent = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="direct_replies"
    )
    thread = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="thread_replies"
    )
    # For a reply to a reply: the reply number answered ("Antwort auf #1.2"), kept on the row so
    # a page never needs to load parents to say so.
    parent_reply_number = models.PositiveIntegerField(null=True, blank=True, editable=False)
    number = models.PositiveIntegerField(_("number"))
    reply_number = models.PositiveIntegerField(_("reply number"), default=0)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="comments",
    )
    # Kept beside the author so the thread reads the same after the account is gone.
    author_name = models.CharField(_("author name"), max_length=80)
    body = models.TextField(_("text"), blank=True)
    status = models.CharField(
        _("status"), max_length=12, choices=CommentStatus.choices, default=CommentStatus.PUBLISHED
    )
    is_editor_pick = models.BooleanField(_("editor's recommendation"), default=False)
    # Counters kept by the services; `recount_discussions` recomputes them.
    last_reply_number = models.PositiveIntegerField(default=0, editable=False)
    reply_count = models.PositiveIntegerField(default=0, editable=False)
    recommendation_count = models.PositiveIntegerField(default=0, editable=False)
    created_at = models.DateTimeField(_("written at"), default=timezone.now)
    edited_at = models.DateTimeField(_("edited at"), null=True, blank=True)
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    # The id the comment had in the system it was imported from ("disqus:123"), so that running
    # the same import twice adds nothing.
    import_ref = models.CharField(max_length=200, blank=True)
    # What the moderation pipeline found: [{"code": ..., "phase": ..., "detail": ...}], and the
    # classifier's score with the words that drove it.
    flags = models.JSONField(_("flags"), default=list, blank=True)
    # The flag codes, space-separated, for filtering queues by reason on any database.
    flag_codes = models.CharField(max_length=300, blank=True)
    risk_score = models.FloatField(_("risk score"), null=True, blank=True, db_index=True)
    # How many of its reports wait for a decision: kept by database triggers on the reports
    # table (migration 0007), so every way of filing, resolving or deleting a report counts.
    # The queues' "highest risk" order reads it from an index instead of counting reports.
    open_report_count = models.PositiveIntegerField(default=0, editable=False)
    score_reasons = models.JSONField(default=list, blank=True)
    # The note readers see for a removed or shortened comment ("Entfernt. ... Die Redaktion/ab").
    moderation_note = models.CharField(_("moderation note"), max_length=500, blank=True)
    moderated_at = models.DateTimeField(_("moderated at"), null=True, blank=True)
    moderated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="moderated_comments",
    )
    # A moderator looking at the comment holds it until then; others skip it in the queue.
    claimed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="claimed_comments",
    )
    claimed_until = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("comment")
        verbose_name_plural = _("comments")
        constraints = [
            models.UniqueConstraint(
                fields=["article", "number", "reply_number"], name="unique_comment_number"
            ),
            models.UniqueConstraint(
                fields=["article", "import_ref"],
                condition=~Q(import_ref=""),
                name="unique_import_ref_per_article",
            ),
            models.CheckConstraint(
                condition=Q(reply_number=0, thread__isnull=True)
                | Q(reply_number__gt=0, thread__isnull=False),
                name="reply_number_matches_thread",
            ),
        ]
        indexes = [
            # Top-level pages, oldest and newest first (keyset on number).
            models.Index(fields=["article", "reply_number", "number"], name="comment_thread_order"),
            # Top-level pages, most recommended first.
            models.Index(
                fields=["article", "reply_number", "-recommendation_count", "number"],
                name="comment_recommended_order",
            ),
            models.Index(fields=["thread", "reply_number"], name="comment_replies_order"),
            models.Index(
                fields=["article", "number", "reply_number"],
                condition=Q(is_editor_pick=True),
                name="comment_editor_picks",
            ),
            models.Index(fields=["author", "-created_at"], name="comment_author_recent"),
            # Comments from one IP address lately (the rate limit, counted twice per post).
            models.Index(
                fields=["ip_address", "created_at"],
                condition=Q(ip_address__isnull=False),
                name="comment_ip_recent",
            ),
            # The pending queue by age. Partial, so that SQLite's planner never prefers it over
            # the thread indexes for thread pages (status IN (...) looked selective to it).
            models.Index(
                fields=["created_at"],
                condition=Q(status="pending"),
                name="comment_pending_age",
            ),
            # The pending queue, highest risk first (queue_selectors.SORT_KEYS["risk"]): its
            # first page reads 51 entries of this index, not every pending comment.
            models.Index(
                RiskOrZero("risk_score").desc(),
                F("open_report_count").desc(),
                F("created_at").asc(),
                F("id").asc(),
                condition=Q(status="pending"),
                name="comment_pending_risk",
            ),
            # The reported queue (published, with open reports) in the same order.
            models.Index(
                RiskOrZero("risk_score").desc(),
                F("open_report_count").desc(),
                F("created_at").asc(),
                F("id").asc(),
                condition=Q(status="published", open_report_count__gt=0),
                name="comment_reported_risk",
            ),
            # The moderators' "Recently decided" tab: newest decision first (keyset on
            # moderated_at, id), only the decided comments (queue_selectors.DECIDED_Q).
            models.Index(
                fields=["-moderated_at", "-id"],
                condition=Q(moderated_at__isnull=False),
                name="comment_decided_recent",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.label} {self.author_name}"

    def get_absolute_url(self) -> str:
        return reverse(
            "comment-permalink",
            kwargs={"article_key": self.article.key, "comment_label": self.url_label},
        )

    @property
    def is_reply(self) -> bool:
        return self.reply_number > 0

    @property
    def label(self) -> str:
        """ "#1" or "#1.1"."""
        if self.reply_number:
            return f"#{self.number}.{self.reply_number}"
        return f"#{self.number}"

    @property
    def url_label(self) -> str:
        """ "1" or "1.1", as the comment appears in URLs."""
        return self.label.lstrip("#")

    @property
    def anchor(self) -> str:
        """The fragment id: "kommentar-1" or "kommentar-1-1"."""
        if self.reply_number:
            return f"kommentar-{self.number}-{self.reply_number}"
        return f"kommentar-{self.number}"

    @property
    def parent_label(self) -> str | None:
        if self.parent_reply_number is None:
            return None
        return f"#{self.number}.{self.parent_reply_number}"

    @property
    def parent_anchor(self) -> str | None:
        if self.parent_reply_number is None:
            return None
        return f"kommentar-{self.number}-{self.parent_reply_number}"

    @property
    def is_shortened(self) -> bool:
        return self.status == CommentStatus.PUBLISHED and bool(self.moderation_note)

    @property
    def is_removed(self) -> bool:
        return self.status in (CommentStatus.REJECTED, CommentStatus.DELETED)

    @property
    def is_edited(self) -> bool:
        return self.edited_at is not None

    def editable_until(self) -> datetime:
        minutes = settings.DEBATTE["EDIT_WINDOW_MINUTES"]
        return self.created_at + timedelta(minutes=minutes)


class CommentRevision(models.Model):
    """An earlier text of a comment, kept when its author edits it or a moderator shortens it."""

    class Kind(models.TextChoices):
        EDIT = "edit", _("edited by the author")
        SHORTEN = "shorten", _("shortened by the moderators")

    comment = models.ForeignKey(Comment, on_delete=models.CASCADE, related_name="revisions")
    body = models.TextField(_("text"))
    kind = models.CharField(max_length=10, choices=Kind.choices)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("earlier version")
        verbose_name_plural = _("earlier versions")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.comment_id} {self.kind} {self.created_at:%Y-%m-%d %H:%M}"


class Recommendation(models.Model):
    """A reader's "Leserempfehlung": one per reader and comment."""

    comment = models.ForeignKey(Comment, on_delete=models.CASCADE, related_name="recommendations")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="recommendations"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("recommendation")
        verbose_name_plural = _("recommendations")
        constraints = [
            models.UniqueConstraint(fields=["comment", "user"], name="one_recommendation_per_user")
        ]
        indexes = [models.Index(fields=["user", "comment"], name="recommendation_by_user")]

    def __str__(self) -> str:
        return f"{self.user_id} → {self.comment_id}"


class ReportReason(models.TextChoices):
    INSULT = "insult", _("Insult or harassment")
    HATE = "hate", _("Hate speech or discrimination")
    SPAM = "spam", _("Spam or advertising")
    OFF_TOPIC = "off_topic", _("Off topic")
    MISINFORMATION = "misinformation", _("False claims")
    ILLEGAL = "illegal", _("Illegal content")
    OTHER = "other", _("Something else")


class Report(models.Model):
    """A reader's report of a comment, waiting for the moderators."""

    comment = models.ForeignKey(Comment, on_delete=models.CASCADE, related_name="reports")
    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="reports",
    )
    reason = models.CharField(_("reason"), max_length=20, choices=ReportReason.choices)
    explanation = models.TextField(_("explanation"), blank=True, max_length=2000)
    # Notices of illegal content (DSA Art. 16) may come from anyone, without an account.
    reporter_name = models.CharField(_("name"), max_length=120, blank=True)
    reporter_email = models.EmailField(_("e-mail address"), blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    resolved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("report")
        verbose_name_plural = _("reports")
        constraints = [
            models.UniqueConstraint(
                fields=["comment", "reporter"],
                condition=Q(reporter__isnull=False),
                name="one_report_per_reader",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_reason_display()} ({self.comment_id})"
