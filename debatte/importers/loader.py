"""The one place imported records are written: articles here, comments by `writing`.

An article is written in one transaction: an import either stores it whole or not at all.

`load_article` stores a page whose numbers are given (the seed page). `import_article` stores
a thread from another system, numbered as `planning` says; comments already imported (same
`import_ref` on the same article) are skipped, so running an import twice adds nothing. The
article is found (or named) by `debatte.articles.keys`: with a site named, a thread joins the
article the site's embed created for the same page. Authors become accounts by the accounts
service's rules (`authors`).
"""

from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from debatte.articles import keys
from debatte.articles.models import Article, DiscussionStatus, Site
from debatte.core.exceptions import ActionError
from debatte.discussions.models import Comment, CommentStatus
from debatte.importers.authors import Authors, PageAuthors
from debatte.importers.planning import Existing, existing_comments, plan_comments, plan_numbered
from debatte.importers.records import ArticleRecord, Problem
from debatte.importers.writing import write_comments


def load_article(record: ArticleRecord) -> Article:
    """Store an article and its whole discussion; refuses a key that already exists."""
    if Article.objects.filter(key=record.key).exists():
        raise ActionError(
            _("An article with the key %(key)s exists already.") % {"key": record.key},
            code="duplicate_key",
        )
    with transaction.atomic():
        article = Article(key=record.key, title=record.title, lead=record.lead, body=record.body)
        if record.published_at:
            article.published_at = record.published_at
        elif record.comments:
            article.published_at = min(c.created_at for c in record.comments)
        article.full_clean(exclude=["section"])
        article.save()
        plan = plan_numbered(record.comments)
        authors = PageAuthors()
        user_ids: dict[str, int | None] = {
            p.ref: authors.user_id(p.record.author_name) for p in plan
        }
        write_comments(article, plan, {}, user_ids)
    return article


def list_exportable_comments(article: Article) -> list[Comment]:
    """Published comments in thread order, as a flattened page shows them."""
    return list(
        Comment.objects.filter(article=article, status=CommentStatus.PUBLISHED).order_by(
            "number", "reply_number"
        )
    )


# --- imports from other systems ----------------------------------------------------------------


@dataclass
class ArticleResult:
    key: str
    created: bool = False
    added: int = 0
    skipped: int = 0  # imported before
    problems: list[Problem] = field(default_factory=list)


def import_article(
    record: ArticleRecord, *, site: Site | None = None, authors: Authors, dry_run: bool = False
) -> ArticleResult:
    """Store (or, dry, only plan) one thread from another system; see the module docstring."""
    result = ArticleResult(record.key)
    with transaction.atomic():
        article = _find_article(record, site)
        existing: dict[str, Existing] = {}
        if article is None:
            article = _new_article(record, site, result)
            result.created = True
            if not dry_run:
                article.save()
        else:
            existing = existing_comments(article.pk)
        plan = plan_comments(
            record.comments, existing, article.last_comment_number, result.problems
        )
        result.skipped = len(record.comments) - len(plan)
        result.added = len(plan)
        user_ids = {
            p.ref: authors.user_id(p.record.author_name, p.record.author_email) for p in plan
        }
        if not dry_run and plan:
            write_comments(article, plan, existing, user_ids)
    return result


def _find_article(record: ArticleRecord, site: Site | None) -> Article | None:
    if site is None:
        return Article.objects.select_for_update().filter(key=record.key).first()
    return keys.find_import_target(
        site, record.key, page_id=record.page_id, url=_page_url(record, site)
    )


def _page_url(record: ArticleRecord, site: Site | None) -> str:
    """The page's address; a path alone (Isso) on the site's first allowed origin."""
    if record.canonical_url or site is None or not record.page_path.startswith("/"):
        return record.canonical_url
    origins = site.origin_list()
    return f"{origins[0]}{record.page_path}" if origins else ""


def _new_article(record: ArticleRecord, site: Site | None, result: ArticleResult) -> Article:
    published = record.published_at or min(
        (c.created_at for c in record.comments), default=timezone.now()
    )
    article = Article(
        key=keys.import_key(site, record.key, page_id=record.page_id),
        title=record.title or record.key,
        lead=record.lead,
        body=record.body,
        canonical_url=_page_url(record, site),
        published_at=published,
        discussion_status=record.discussion_status or DiscussionStatus.OPEN,
    )
    if site is not None:
        article.site = site
    try:
        article.full_clean(exclude=["section", "site"])
    except ValidationError as error:
        if set(error.message_dict) - {"canonical_url"}:
            raise ActionError(f"{record.position or record.key}: {error.messages}") from None
        result.problems.append(
            Problem(record.position, f"address {article.canonical_url!r} not valid: left out")
        )
        article.canonical_url = ""
    return article
