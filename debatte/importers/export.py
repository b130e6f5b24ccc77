"""`debatte export`: everything as JSON Lines that `debatte import` reads back losslessly.

Line 1 is a header (`{"type": "debatte.export", "version": 1, ...}`); then one line per row,
`{"type": "discussions.comment", "id": 17, "fields": {...}}`, model by model in an order where
every row comes after the rows it refers to (relations are the exported ids). Rows are read
with `.iterator()` and written one by one, so memory stays flat. The file holds personal data
(e-mail addresses, IP addresses, password hashes) and the sites' SSO secrets: it is created
readable by its owner only (0600); keep it like a database backup.
"""

import json
import os
from collections.abc import Iterator
from datetime import date, datetime
from pathlib import Path
from typing import IO, Any

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from django.contrib.auth.models import Group, Permission
from django.db import models
from django.db.models import Q, QuerySet
from django.utils import timezone

from debatte.accounts.models import Badge, User
from debatte.api.models import ApiToken
from debatte.articles.models import Article, Section, Site, SiteMembership
from debatte.discussions.models import Comment, CommentRevision, Recommendation, Report
from debatte.moderation.models import (
    Appeal,
    AuditEntry,
    Notice,
    Reason,
    Restriction,
    StatementOfReasons,
    WordListEntry,
)
from debatte.notifications.models import Webhook

FORMAT_VERSION = 1
# The order of the file: each model after those it refers to. Left out on purpose, as state
# that is passing or rebuilt: sessions, pending e-mail confirmations (a reader asks for a new
# link), webhook deliveries (the log and pending retries), used SSO token ids (replay guard of
# tokens that live minutes), the task queue, the worker heartbeat and the Django admin's log.
EXPORTED_MODELS: list[type[models.Model]] = [
    Badge,
    Site,
    Section,
    User,
    EmailAddress,  # verified addresses: without them every reader verifies again
    Authenticator,  # second factors (TOTP secrets, recovery codes)
    SiteMembership,
    ApiToken,  # only the hash is stored, so the tokens in use keep working
    Webhook,
    Reason,
    WordListEntry,
    Article,
    Comment,
    CommentRevision,
    Recommendation,
    Report,
    AuditEntry,
    StatementOfReasons,
    Notice,  # a notice of illegal content's category and decision (after its report, statement)
    Appeal,
    Restriction,
]
# Many-to-many targets that are not exported (rows created by migrations, ids differ between
# databases): named by their natural key instead.
NAMED_TARGETS: dict[type[models.Model], tuple[str, ...]] = {
    Permission: ("content_type__app_label", "codename"),
    Group: ("name",),
}
ORDERING: dict[type[models.Model], list[str]] = {Comment: ["article_id", "number", "reply_number"]}


def label(model: type[models.Model]) -> str:
    return model._meta.label_lower


def encode(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    return value


def row_fields(obj: models.Model) -> dict[str, Any]:
    """Every concrete field by name (relations as the related row's id), and many-to-many ids."""
    data: dict[str, Any] = {}
    for f in obj._meta.concrete_fields:
        if f.primary_key:
            continue
        data[f.name] = encode(getattr(obj, f.attname))
    for m2m in obj._meta.many_to_many:
        related = getattr(obj, m2m.name)
        named = NAMED_TARGETS.get(m2m.related_model)  # type: ignore[arg-type]
        if named:
            data[m2m.name] = sorted(".".join(row) for row in related.values_list(*named))
        else:
            data[m2m.name] = sorted(related.values_list("pk", flat=True))
    return data


def querysets(site: Site | None, article: Article | None) -> Iterator[QuerySet[Any]]:
    """What to export: everything, or one site's or one article's share of it."""
    articles = Article.objects.all()
    if article is not None:
        articles = articles.filter(pk=article.pk)
    elif site is not None:
        articles = articles.filter(site=site)
    sites = Site.objects.all()
    if article is not None:
        sites = sites.filter(articles=article)
    elif site is not None:
        sites = sites.filter(pk=site.pk)
    comments = Comment.objects.filter(article__in=articles)
    scoped = site is not None or article is not None
    users = User.objects.all()
    if scoped:
        users = User.objects.filter(
            Q(comments__in=comments)
            | Q(recommendations__comment__in=comments)
            | Q(site_memberships__site__in=sites)
            | Q(moderated_comments__in=comments)
        ).distinct()
    for model in EXPORTED_MODELS:
        qs: QuerySet[Any] = model._default_manager.all()
        if scoped:
            qs = _scope(model, qs, sites, articles, comments, users)
        yield qs.order_by(*ORDERING.get(model, ["pk"]))


def _scope(
    model: type[models.Model],
    qs: QuerySet[Any],
    sites: QuerySet[Site],
    articles: QuerySet[Article],
    comments: QuerySet[Comment],
    users: QuerySet[User],
) -> QuerySet[Any]:
    fixed: dict[type[models.Model], QuerySet[Any]] = {
        Site: sites,
        User: users,
        Article: articles,
        Comment: comments,
    }
    if model in fixed:
        return fixed[model]
    if model in (Section, SiteMembership, Reason, WordListEntry, ApiToken, Webhook):
        return qs.filter(site__in=sites)
    if model in (EmailAddress, Authenticator):
        return qs.filter(user__in=users)
    # The comments' statements, and those of the exported readers' restrictions on these sites.
    statements = StatementOfReasons.objects.filter(
        Q(comment__in=comments) | Q(comment__isnull=True, user__in=users, site__in=sites)
    )
    if model is StatementOfReasons:
        return statements
    if model is Restriction:
        # All-sites restrictions belong to no site's export.
        return qs.filter(
            Q(statement__isnull=True) | Q(statement__in=statements),
            user__in=users,
            site__in=sites,
        )
    if model is AuditEntry:
        return qs.filter(Q(comment__in=comments) | Q(article__in=articles))
    if model is Notice:
        return qs.filter(report__comment__in=comments)
    if model is Appeal:
        return qs.filter(
            Q(statement__comment__in=comments) | Q(notice__report__comment__in=comments)
        )
    if model is Badge:
        return qs
    return qs.filter(comment__in=comments)


def write_export(out: IO[str], *, site: Site | None = None, article: Article | None = None) -> int:
    """Write the export to `out`; returns the number of rows written."""
    header = {
        "type": "debatte.export",
        "version": FORMAT_VERSION,
        "exported_at": timezone.now().isoformat(),
        "scope": {"site": site.slug if site else None, "article": article.key if article else None},
    }
    out.write(json.dumps(header) + "\n")
    count = 0
    for qs in querysets(site, article):
        name = label(qs.model)
        prefetch = bool(qs.model._meta.many_to_many)
        rows = (
            qs.prefetch_related(*[m.name for m in qs.model._meta.many_to_many]) if prefetch else qs
        )
        for obj in rows.iterator(chunk_size=2000):
            line = {"type": name, "id": obj.pk, "fields": row_fields(obj)}
            out.write(json.dumps(line, ensure_ascii=False) + "\n")
            count += 1
    return count


def export_to_path(path: Path, *, site: Site | None = None, article: Article | None = None) -> int:
    """Write the export to `path`, readable by its owner only (it holds hashes and secrets)."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    # O_CREAT's mode only applies to a new file: an existing one is tightened before writing.
    os.fchmod(fd, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as out:
        return write_export(out, site=site, article=article)
