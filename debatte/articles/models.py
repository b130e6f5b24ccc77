from datetime import datetime, timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from debatte.articles.sso_keys import SsoKeyError, load_sso_key

article_key_validator = RegexValidator(
    r"^[A-Za-z0-9][A-Za-z0-9._:~-]*$",
    _("Use letters, digits and . _ : ~ - only, starting with a letter or digit."),
)


class ModerationMode(models.TextChoices):
    POST = "post", _("post-moderation: publish at once")
    PRE = "pre", _("pre-moderation: hold every comment")
    RISK = "risk", _("risk-based: hold what the checks flag")


class SsoAlgorithm(models.TextChoices):
    HS256 = "HS256", "HS256"
    RS256 = "RS256", "RS256"
    ES256 = "ES256", "ES256"


class Site(models.Model):
    """A publication: its language, its moderation settings and (later) its embedding origins."""

    name = models.CharField(_("name"), max_length=100)
    slug = models.SlugField(_("slug"), unique=True)
    language = models.CharField(_("language"), max_length=8, default="de")
    netiquette_url = models.URLField(_("Netiquette URL"), blank=True)
    moderation_mode = models.CharField(
        _("moderation"), max_length=8, choices=ModerationMode.choices, default=ModerationMode.POST
    )
    risk_threshold = models.FloatField(
        _("classifier threshold"),
        default=0.8,
        help_text=_("Comments scored at or above this are held in risk-based moderation."),
    )
    hold_links = models.BooleanField(_("hold comments with links"), default=False)
    new_account_hold_count = models.PositiveSmallIntegerField(
        _("hold the first comments of new accounts"), default=0
    )
    rate_limit_per_minute = models.PositiveSmallIntegerField(
        _("comments per minute per reader or IP address"), default=5
    )
    auto_close_days = models.PositiveSmallIntegerField(
        _("close discussions after days"), null=True, blank=True
    )
    external_check_url = models.URLField(_("external check URL"), blank=True)
    external_check_timeout = models.FloatField(_("external check timeout (s)"), default=2.0)
    # Enforced by debatte.accounts.mfa in the moderation views, the moderation API and the admin.
    require_second_factor = models.BooleanField(
        _("moderators and admins must use a second factor"),
        default=False,
        help_text=_("Its moderators, editors and admins act only after setting up an app code."),
    )
    # Embedding on the publisher's own pages, and single sign-on for its readers.
    allowed_origins = models.TextField(
        _("allowed origins"),
        blank=True,
        help_text=_("One origin per line, e.g. https://www.example.org"),
    )
    sso_algorithm = models.CharField(
        _("SSO signature"), max_length=8, choices=SsoAlgorithm.choices, default="HS256"
    )
    sso_secret = models.CharField(_("SSO shared secret (HS256)"), max_length=200, blank=True)
    sso_public_key = models.TextField(_("SSO public key (RS256/ES256, PEM)"), blank=True)
    own_accounts = models.BooleanField(_("readers may also use Debatte accounts"), default=True)
    # Origin and Referer can be forged, so an unsigned first embed creates an article only
    # when the site allows it, and then unlisted until an editor accepts it.
    embed_creates_unlisted = models.BooleanField(
        _("unsigned embeds create articles (unlisted until accepted)"),
        default=False,
        help_text=_(
            "Off: a new article needs the page's signed article token. On: an embed without "
            "one creates the article too, hidden from listings until an editor accepts it."
        ),
    )
    # Advanced by every change to the site's word lists (moderation/signals.py); each process
    # compiles a list once per version. Kept in the database, not in a per-process cache, so a
    # word added through one app server holds on every other one at its next post.
    word_list_version = models.PositiveIntegerField(default=0, editable=False)

    class Meta:
        verbose_name = _("site")
        verbose_name_plural = _("sites")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def origin_list(self) -> list[str]:
        return [
            line.strip().rstrip("/") for line in self.allowed_origins.splitlines() if line.strip()
        ]

    def clean(self) -> None:
        """Refuse an SSO key that cannot verify tokens or is too weak (see sso_keys)."""
        super().clean()
        if not (self.sso_secret.strip() or self.sso_public_key.strip()):
            return  # no SSO
        if self.sso_algorithm == SsoAlgorithm.HS256 and not self.sso_secret.strip():
            raise ValidationError({"sso_secret": _("HS256 needs the shared secret.")})
        if self.sso_algorithm != SsoAlgorithm.HS256 and not self.sso_public_key.strip():
            raise ValidationError({"sso_public_key": _("RS256 and ES256 need the public key.")})
        try:
            load_sso_key(self.sso_algorithm, self.sso_secret, self.sso_public_key)
        except SsoKeyError as error:
            raise ValidationError({error.field: error.message}) from None


def default_site_id() -> int:
    site, _created = Site.objects.get_or_create(slug="default", defaults={"name": "Debatte"})
    return site.pk


class SiteRole(models.TextChoices):
    MODERATOR = "moderator", _("moderator")
    EDITOR = "editor", _("editor")
    ADMIN = "admin", _("admin")


class SiteMembership(models.Model):
    """A staff member's role on one site; moderators see only their sites' queues."""

    site = models.ForeignKey(Site, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(
        "accounts.User", on_delete=models.CASCADE, related_name="site_memberships"
    )
    role = models.CharField(_("role"), max_length=12, choices=SiteRole.choices)

    class Meta:
        verbose_name = _("site role")
        verbose_name_plural = _("site roles")
        constraints = [
            models.UniqueConstraint(fields=["site", "user", "role"], name="one_role_per_site_user")
        ]

    def __str__(self) -> str:
        return f"{self.user} ({self.get_role_display()}, {self.site})"


class Section(models.Model):
    site = models.ForeignKey(Site, on_delete=models.CASCADE, default=default_site_id)
    name = models.CharField(_("name"), max_length=80)
    slug = models.SlugField(_("slug"), unique=True)
    moderation_mode = models.CharField(
        _("moderation"),
        max_length=8,
        choices=ModerationMode.choices,
        blank=True,
        help_text=_("Empty: as the site."),
    )

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

    site = models.ForeignKey(
        Site, on_delete=models.PROTECT, default=default_site_id, related_name="articles"
    )
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
    # Off for articles an unsigned embed created: kept out of listings until an editor accepts.
    listed = models.BooleanField(
        _("listed"),
        default=True,
        help_text=_("Shown on the front page and in listings."),
    )
    published_at = models.DateTimeField(_("published at"), default=timezone.now, db_index=True)
    discussion_status = models.CharField(
        _("discussion"),
        max_length=10,
        choices=DiscussionStatus.choices,
        default=DiscussionStatus.OPEN,
    )
    moderation_mode = models.CharField(
        _("moderation"),
        max_length=8,
        choices=ModerationMode.choices,
        blank=True,
        help_text=_("Empty: as the section or site."),
    )
    discussion_opens_at = models.DateTimeField(_("discussion opens at"), null=True, blank=True)
    discussion_closes_at = models.DateTimeField(_("discussion closes at"), null=True, blank=True)
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
        return self.closed_reason() is None

    def closed_reason(self, now: datetime | None = None) -> str | None:
        """Why no one can post now (None: open). Opening hours and auto-close count too."""
        now = now or timezone.now()
        if self.discussion_status == DiscussionStatus.NONE:
            return "no_discussion"
        if self.discussion_status == DiscussionStatus.CLOSED:
            return "closed"
        if self.discussion_opens_at and now < self.discussion_opens_at:
            return "not_yet_open"
        if self.discussion_closes_at and now >= self.discussion_closes_at:
            return "closed"
        days = self.site.auto_close_days if self.site_id else None
        if days and now >= self.published_at + timedelta(days=days):
            return "closed"
        return None

    @property
    def closes_by_itself_at(self) -> datetime | None:
        """When an open discussion closes without anyone closing it (its closing time or the
        site's auto-close age, the earlier one); None when it never does or is closed."""
        if self.discussion_status != DiscussionStatus.OPEN:
            return None
        times = [self.discussion_closes_at] if self.discussion_closes_at else []
        days = self.site.auto_close_days if self.site_id else None
        if days:
            times.append(self.published_at + timedelta(days=days))
        return min(times, default=None)

    def effective_moderation_mode(self) -> str:
        """The article's mode, else its section's, else its site's."""
        if self.moderation_mode:
            return self.moderation_mode
        if self.section_id and self.section and self.section.moderation_mode:
            return self.section.moderation_mode
        return self.site.moderation_mode

    @property
    def paragraphs_and_headings(self) -> list[dict[str, Any]]:
        return [block for block in self.body if block.get("text")]
