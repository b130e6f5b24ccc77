"""Editors' writes to articles: create, change, accept; each checked against the editor's role
and written to the audit log. The editor's pages (siteadmin/editor_views.py) and the articles API
(api/articles.py) validate their input with the forms in articles/forms.py and call these.

A discussion's status and opening hours are written here too (`set_discussion_status`,
`set_discussion_hours`), for editors and for the moderators' close, reopen and schedule
(moderation/services/discussions.py checks the moderator's role, then calls these).
"""

from dataclasses import dataclass, field, fields
from datetime import UTC, datetime
from typing import Any

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from debatte.articles.models import Article, DiscussionStatus, Section, Site
from debatte.articles.roles import edits_site
from debatte.core.audit import record
from debatte.core.exceptions import ActionError, NotPermitted

# accounts.User (articles sit below accounts and do not import it).
User = Any

# The content an editor writes; saved as it is.
CONTENT_FIELDS = (
    "key",
    "title",
    "kicker",
    "lead",
    "body",
    "authors",
    "section",
    "topics",
    "canonical_url",
    "published_at",
    "moderation_mode",
)
# AuditEntry.status_before and status_after hold this much.
AUDIT_STATUS_LENGTH = 40
# Long values are named in the audit log, not copied into it.
SUMMARISED = frozenset({"lead", "body"})


@dataclass
class ArticleData:
    """An article as an editor's form or the API validated it (see articles/forms.py)."""

    key: str
    title: str
    kicker: str = ""
    lead: str = ""
    body: list[dict[str, str]] = field(default_factory=list)
    authors: str = ""
    section: Section | None = None
    topics: list[str] = field(default_factory=list)
    canonical_url: str = ""
    published_at: datetime | None = None
    moderation_mode: str = ""
    discussion_status: str = DiscussionStatus.OPEN
    discussion_opens_at: datetime | None = None
    discussion_closes_at: datetime | None = None

    @classmethod
    def from_cleaned(cls, cleaned: dict[str, Any]) -> "ArticleData":
        names = {f.name for f in fields(cls)}
        return cls(**{name: value for name, value in cleaned.items() if name in names})


def check_can_edit(editor: User, site_id: int | None) -> None:
    if not edits_site(editor, site_id):
        raise NotPermitted(_("You are not an editor of this site."))


def create_article(site: Site, *, editor: User, data: ArticleData) -> Article:
    """A new, listed article with its discussion as `data` sets it."""
    check_can_edit(editor, site.pk)
    content = {name: getattr(data, name) for name in CONTENT_FIELDS}
    content["published_at"] = data.published_at or timezone.now()
    with transaction.atomic():
        article = Article.objects.create(
            site=site,
            discussion_status=data.discussion_status,
            discussion_opens_at=data.discussion_opens_at,
            discussion_closes_at=data.discussion_closes_at,
            **content,
        )
        record(
            "article.create",
            actor=editor,
            article=article,
            after=data.discussion_status,
            details={
                "title": article.title,
                "discussion": data.discussion_status,
                "opens_at": _text(data.discussion_opens_at),
                "closes_at": _text(data.discussion_closes_at),
            },
        )
    return article


def update_article(article: Article, *, editor: User, data: ArticleData) -> Article:
    """Change what differs; content in one audited entry, the discussion by its services."""
    check_can_edit(editor, article.site_id)
    with transaction.atomic():
        changes = _content_changes(article, data)
        if changes:
            for name in changes:
                setattr(article, name, getattr(data, name))
            article.save(update_fields=[*changes, "updated_at"])
            _bump_version(article)
            record(
                "article.update",
                actor=editor,
                article=article,
                before=short(", ".join(changes)),
                details={"changes": changes},
            )
        _set_discussion(article, editor=editor, data=data)
    return article


def accept_article(article: Article, *, editor: User) -> bool:
    """Show an article an unsigned embed created on the front page; False: it already was."""
    check_can_edit(editor, article.site_id)
    with transaction.atomic():
        accepted = Article.objects.filter(pk=article.pk, listed=False).update(
            listed=True, updated_at=timezone.now(), version=F("version") + 1
        )
        if accepted:
            article.listed = True
            record(
                "article.accept", actor=editor, article=article, before="unlisted", after="listed"
            )
    return bool(accepted)


def _content_changes(article: Article, data: ArticleData) -> dict[str, list[str]]:
    """{field: [before, after]} of the content fields that differ (long ones summarised)."""
    changes: dict[str, list[str]] = {}
    for name in CONTENT_FIELDS:
        before, after = getattr(article, name), getattr(data, name)
        if name == "published_at" and after is None:
            continue  # left empty: keep the publication time
        if before != after:
            summarised = name in SUMMARISED
            changes[name] = [
                "…" if summarised else _text(before),
                "…" if summarised else _text(after),
            ]
    return changes


def _set_discussion(article: Article, *, editor: User, data: ArticleData) -> None:
    before, after = article.discussion_status, data.discussion_status
    if before != after:
        # Reopening ends a closing time, as the moderators' reopen does; the form's hours follow.
        reopened = after == DiscussionStatus.OPEN and before == DiscussionStatus.CLOSED
        set_discussion_status(
            article,
            actor=editor,
            status=after,
            verb=_status_verb(before, after),
            clear_closing_time=reopened,
        )
    hours = (data.discussion_opens_at, data.discussion_closes_at)
    if hours != (article.discussion_opens_at, article.discussion_closes_at):
        set_discussion_hours(article, actor=editor, opens_at=hours[0], closes_at=hours[1])


def _status_verb(before: str, after: str) -> str:
    if after == DiscussionStatus.CLOSED:
        return "discussion.close"
    if after == DiscussionStatus.NONE:
        return "discussion.disable"
    return "discussion.reopen" if before == DiscussionStatus.CLOSED else "discussion.enable"


def set_discussion_status(
    article: Article,
    *,
    actor: User | None,
    status: str,
    verb: str,
    reason: str = "",
    clear_closing_time: bool = False,
) -> Article:
    """The one write of a discussion's status, audited as `verb`; callers check the role."""
    before = article.discussion_status
    changes: dict[str, Any] = {"discussion_status": status}
    if clear_closing_time:
        changes["discussion_closes_at"] = None
    with transaction.atomic():
        Article.objects.filter(pk=article.pk).update(version=F("version") + 1, **changes)
        for name, value in changes.items():
            setattr(article, name, value)
        record(verb, actor=actor, article=article, before=before, after=status, reason=reason)
    return article


def set_discussion_hours(
    article: Article, *, actor: User | None, opens_at: datetime | None, closes_at: datetime | None
) -> Article:
    """Opening hours: comments are taken from `opens_at` until `closes_at` (audited)."""
    if opens_at and closes_at and closes_at <= opens_at:
        raise ActionError(_("The discussion must open before it closes."), code="schedule")
    with transaction.atomic():
        before = _hours(article.discussion_opens_at, article.discussion_closes_at)
        Article.objects.filter(pk=article.pk).update(
            discussion_opens_at=opens_at, discussion_closes_at=closes_at, version=F("version") + 1
        )
        article.discussion_opens_at, article.discussion_closes_at = opens_at, closes_at
        record(
            "discussion.schedule",
            actor=actor,
            article=article,
            before=before,
            after=_hours(opens_at, closes_at),
            details={"opens_at": _text(opens_at), "closes_at": _text(closes_at)},
        )
    return article


def short(text: str) -> str:
    """What fits the audit log's before and after (40 characters)."""
    return text if len(text) <= AUDIT_STATUS_LENGTH else text[: AUDIT_STATUS_LENGTH - 1] + "…"


def _hours(opens_at: datetime | None, closes_at: datetime | None) -> str:
    """ "2030-01-01 08:00–2030-01-02 20:00" (UTC; 33 characters at most)."""

    def minute(value: datetime | None) -> str:
        return value.astimezone(UTC).strftime("%Y-%m-%d %H:%M") if value else ""

    return f"{minute(opens_at)}–{minute(closes_at)}"


def _bump_version(article: Article) -> None:
    Article.objects.filter(pk=article.pk).update(version=F("version") + 1)
    article.refresh_from_db(fields=["version"])


def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, list):
        return ", ".join(str(item) for item in value)
    return str(value)[:200]
