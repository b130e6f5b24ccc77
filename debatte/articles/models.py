from typing import Any

from django.core.validators import RegexValidator
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

article_key_validator = RegexValidator(
    r"^[A-Za-z0-9][A-Za-z0-9._:~-]*$",
    _("Use letters, digits and . _ : ~ - only, starting with a letter or digit."),
)


class Section(models.Model):
    name = models.CharField(_("name"), max_length=80)
    slug = models.SlugField(_("slug"), unique=True)

    class Meta:
        verbose_name = _("section")
        verbose_name_plural = _("sections")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class DiscussionStatus(models.TextChoices):
    OPEN = "open", _("open")
    CLOSED = "closed", _("closed")
    NONE = "none", _("no discussion")


class BlockKind(models.TextChoices):
    PARAGRAPH = "paragraph", _("paragraph")
    HEADING = "heading", _("subheading")


class Article(models.Model):
    """A news article and the state of the discussion under it.

    `key` is the stable external key (the CMS's id): a discussion belongs to exactly one key,
    whatever URL the article is served under.
    """

    key = models.CharField(
        _("key"), max_length=200, unique=True, validators=[article_key_validator]
    )
    title = models.CharField(_("title"), max_length=300)
    kicker = models.CharField(_("kicker"), max_length=120, blank=True)
    lead = models.TextField(_("lead"), blank=True)
    # A list of {"kind": "paragraph" | "heading", "text": "..."}: plain text, never markup.
    body = models.JSONField(_("body"), default=list, blank=True)
    authors = models.CharField(_("authors"), max_length=300, blank=True)
    section = models.ForeignKey(
        Section, on_delete=models.SET_NULL, null=True, blank=True, verbose_name=_("section")
    )
    topics = models.JSONField(_("topics"), default=list, blank=True)
    canonical_url = models.URLField(_("canonical URL"), max_length=500, blank=True)
    published_at = models.DateTimeField(_("published at"), default=timezone.now, db_index=True)
    discussion_status = models.CharField(
        _("discussion"),
        max_length=10,
        choices=DiscussionStatus.choices,
        default=DiscussionStatus.OPEN,
    )
    # Counters kept by the discussion services (never derived by counting rows):
    last_comment_number = models.PositiveIntegerField(default=0, editable=False)
    comment_count = models.PositiveIntegerField(_("comments"), default=0, editable=False)
    # Bumped by every change to the discussion; part of cache keys and ETags.
    version = models.PositiveBigIntegerField(default=0, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("article")
        verbose_name_plural = _("articles")
        ordering = ["-published_at"]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("article", kwargs={"article_key": self.key})

    @property
    def has_discussion(self) -> bool:
        return self.discussion_status != DiscussionStatus.NONE

    @property
    def is_open_for_comments(self) -> bool:
        return self.discussion_status == DiscussionStatus.OPEN

    @property
    def paragraphs_and_headings(self) -> list[dict[str, Any]]:
        return [block for block in self.body if block.get("text")]
