from typing import Any, ClassVar

from django.contrib.auth.models import AbstractUser, BaseUserManager
from django.db import models
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from debatte.accounts.validators import validate_display_name


class Badge(models.Model):
    """A label shown beside a reader's name: "Abonnent", "Redaktion", ..."""

    slug = models.SlugField(_("slug"), unique=True)
    label = models.CharField(_("label"), max_length=40)

    class Meta:
        verbose_name = _("badge")
        verbose_name_plural = _("badges")
        ordering = ["label"]

    def __str__(self) -> str:
        return self.label


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def _create_user(self, email: str | None, password: str | None, **extra_fields: Any) -> "User":
        email = self.normalize_email(email) if email else None
        user = self.model(email=email, **extra_fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(
        self, email: str | None = None, password: str | None = None, **extra_fields: Any
    ) -> "User":
        extra_fields.setdefault("is_staff", False)
        extra_fields.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra_fields)

    def create_superuser(
        self, email: str | None = None, password: str | None = None, **extra_fields: Any
    ) -> "User":
        extra_fields.setdefault("is_staff", True)
        extra_fields.setdefault("is_superuser", True)
        return self._create_user(email, password, **extra_fields)


class User(AbstractUser):
    """A reader, moderator or editor, known to others only by a unique display name."""

    username = None  # type: ignore[assignment]
    first_name = None  # type: ignore[assignment]
    last_name = None  # type: ignore[assignment]
    email = models.EmailField(  # type: ignore[assignment]
        _("e-mail address"), unique=True, null=True, blank=True
    )
    display_name = models.CharField(
        _("display name"),
        max_length=40,
        unique=True,
        validators=[validate_display_name],
        help_text=_("Shown with your comments. 2 to 40 letters, digits, spaces and . _ -"),
    )
    badges = models.ManyToManyField(Badge, blank=True, verbose_name=_("badges"))
    language = models.CharField(_("language"), max_length=8, blank=True)
    # Signature under moderation notes ("Die Redaktion/ab").
    initials = models.CharField(_("initials"), max_length=6, blank=True)
    # Bans, suspensions and pre-moderation are per site: moderation.Restriction. This flag only
    # spares posting a query for readers with no open restriction (kept by the moderation
    # services, which write the audit log).
    has_restrictions = models.BooleanField(_("has restrictions"), default=False)
    warning_count = models.PositiveSmallIntegerField(_("warnings"), default=0)
    # Readers of a publisher's site logged in by its signed token (SSO): the site and its id.
    sso_site = models.ForeignKey(
        "articles.Site", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    sso_subject = models.CharField(_("id at the publisher"), max_length=200, blank=True)
    may_comment = models.BooleanField(_("may comment"), default=True)
    # E-mail notifications the reader opted in to.
    notify_replies = models.BooleanField(_("e-mail me when someone replies"), default=False)
    notify_editor_pick = models.BooleanField(
        _("e-mail me when the editors recommend my comment"), default=False
    )

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS: ClassVar[list[str]] = ["display_name"]

    objects = UserManager()  # type: ignore[misc,assignment]

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        constraints = [
            models.UniqueConstraint(Lower("display_name"), name="unique_display_name_ci"),
            models.UniqueConstraint(
                fields=["sso_site", "sso_subject"],
                condition=~models.Q(sso_subject=""),
                name="unique_sso_subject_per_site",
            ),
        ]

    def __str__(self) -> str:
        return self.display_name

    def get_absolute_url(self) -> str:
        return reverse("profile", kwargs={"user_id": self.pk})

    @property
    def signature_initials(self) -> str:
        if self.initials:
            return self.initials
        return "".join(part[0] for part in self.display_name.split()[:2]).lower()

    def get_full_name(self) -> str:
        return self.display_name

    def get_short_name(self) -> str:
        return self.display_name
