"""The one place imported records are written: numbering and counters are set here.

An article is written in one transaction: an import either stores it whole or not at all.

`load_article` stores a page whose numbers are given (the seed page). `import_article` stores
a thread from another system: numbers follow the order of writing (top-level #N by creation
time, replies #N.M by creation time within their thread), the real parent is kept, comments
already imported (same `import_ref` on the same article) are skipped, so running an import
twice adds nothing. Authors with an e-mail address become accounts (found by address, else
created without a usable password so that the reader can claim it by resetting it); others are
named guests.
"""

import ipaddress
import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import timedelta

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from debatte.accounts.models import User
from debatte.accounts.services import ip_retention_days
from debatte.articles.models import Article, DiscussionStatus, Site
from debatte.core.exceptions import ActionError
from debatte.discussions.models import VISIBLE_STATUSES, Comment, CommentStatus
from debatte.importers.records import ArticleRecord, CommentRecord, Problem


def get_or_create_author(name: str, cache: dict[str, User]) -> User:
    """An imported author: the account with that display name, or a new one that cannot log
    in until someone claims it (no e-mail, unusable password)."""
    folded = name.casefold()
    if folded in cache:
        return cache[folded]
    user = User.objects.filter(display_name__iexact=name).first()
    if user is None:
        user = User(display_name=name[:40], email=None)
        user.set_unusable_password()
        user.save()
    cache[folded] = user
    return user


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
        _load_comments(article, record)
    return article


def _load_comments(article: Article, record: ArticleRecord) -> None:
    authors: dict[str, User] = {}
    threads: dict[int, Comment] = {}
    for item in record.comments:
        author = get_or_create_author(item.author_name, authors)
        comment = Comment(
            article=article,
            number=item.number,
            reply_number=item.reply_number,
            author=author,
            author_name=item.author_name,
            body=item.body,
            status=CommentStatus.PUBLISHED,
            created_at=item.created_at,
        )
        if item.reply_number:
            thread = threads[item.number]
            comment.thread = thread
            comment.parent = thread
            thread.last_reply_number = max(thread.last_reply_number, item.reply_number)
            thread.reply_count += 1
        else:
            threads[item.number] = comment
        comment.save()
    for thread in threads.values():
        Comment.objects.filter(pk=thread.pk).update(
            last_reply_number=thread.last_reply_number, reply_count=thread.reply_count
        )
    Article.objects.filter(pk=article.pk).update(
        last_comment_number=max(threads, default=0),
        comment_count=len(record.comments),
        version=1,
    )


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


class Authors:
    """Accounts by e-mail address, looked up once per import (and created unless dry)."""

    def __init__(self, *, dry_run: bool) -> None:
        self.dry_run = dry_run
        self.by_email: dict[str, int | None] = {}
        self.taken: set[str] = set()
        self.created = 0

    def user_id(self, name: str, email: str) -> int | None:
        # No address, or one longer than any real address (254, RFC 5321): a guest comment.
        if not email or len(email) > User._meta.get_field("email").max_length:  # type: ignore[operator]
            return None
        folded = email.casefold()
        if folded not in self.by_email:
            user = User.objects.filter(email__iexact=email).only("pk").first()
            self.by_email[folded] = user.pk if user else self._create(name, email)
        return self.by_email[folded]

    def _create(self, name: str, email: str) -> int | None:
        display_name = self._free_name(name)
        self.created += 1
        if self.dry_run:
            return None
        user = User(display_name=display_name, email=email)
        user.set_unusable_password()
        user.save()
        return user.pk

    def _free_name(self, name: str) -> str:
        base = _display_name_from(name)
        candidate, n = base, 1
        while candidate.casefold() in self.taken or (
            User.objects.filter(display_name__iexact=candidate).exists()
        ):
            n += 1
            candidate = f"{base[:36]} {n}"
        self.taken.add(candidate.casefold())
        return candidate


def _display_name_from(name: str) -> str:
    """A valid display name (2-40 letters, digits, single spaces and . _ -) from any name."""
    cleaned = re.sub(r"[^\w .\-]+", " ", name)
    cleaned = re.sub(r"\s+", " ", cleaned).strip(" .-")[:40].rstrip(" -")
    cleaned = re.sub(r"^[^\w]+", "", cleaned)
    return cleaned if len(cleaned) >= 2 else f"Leser {cleaned}".strip()


@dataclass
class _Existing:
    pk: int
    number: int
    reply_number: int
    root: str  # import_ref of its thread's top-level comment (itself when top level)
    last_reply_number: int


@dataclass
class _Planned:
    record: CommentRecord
    root: str
    parent: str
    depth: int
    number: int = 0
    reply_number: int = 0
    parent_reply_number: int | None = None
    last_reply_number: int = 0
    reply_count: int = 0


def import_article(
    record: ArticleRecord, *, site: Site | None = None, authors: Authors, dry_run: bool = False
) -> ArticleResult:
    """Store (or, dry, only plan) one thread from another system; see the module docstring."""
    result = ArticleResult(record.key)
    with transaction.atomic():
        article = Article.objects.select_for_update().filter(key=record.key).first()
        existing: dict[str, _Existing] = {}
        if article is None:
            article = _new_article(record, site, result)
            result.created = True
            if not dry_run:
                article.save()
        else:
            existing = _existing_comments(article)
        plan = plan_comments(
            record.comments, existing, article.last_comment_number, result.problems
        )
        result.skipped = len(record.comments) - len(plan)
        result.added = len(plan)
        user_ids = {
            p.record.import_ref: authors.user_id(p.record.author_name, p.record.author_email)
            for p in plan
        }
        if not dry_run and plan:
            _write_comments(article, plan, existing, user_ids)
    return result


def _new_article(record: ArticleRecord, site: Site | None, result: ArticleResult) -> Article:
    published = record.published_at or min(
        (c.created_at for c in record.comments), default=timezone.now()
    )
    article = Article(
        key=record.key,
        title=record.title or record.key,
        lead=record.lead,
        body=record.body,
        canonical_url=record.canonical_url,
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
            Problem(record.position, f"address {record.canonical_url!r} not valid: left out")
        )
        article.canonical_url = ""
    return article


def _existing_comments(article: Article) -> dict[str, _Existing]:
    rows = list(
        Comment.objects.filter(article=article)
        .exclude(import_ref="")
        .values_list("import_ref", "pk", "number", "reply_number", "thread_id", "last_reply_number")
    )
    ref_by_pk = {pk: ref for ref, pk, *_rest in rows}
    return {
        ref: _Existing(pk, number, reply, ref_by_pk.get(thread_id, ref) if thread_id else ref, last)
        for ref, pk, number, reply, thread_id, last in rows
    }


def plan_comments(
    records: Iterable[CommentRecord],
    existing: dict[str, _Existing],
    last_number: int,
    problems: list[Problem],
) -> list[_Planned]:
    """Numbers, threads and parents for the comments not imported yet."""
    new: dict[str, CommentRecord] = {}
    for item in records:
        if item.import_ref in existing:
            continue
        if item.import_ref in new:
            problems.append(
                Problem(item.position, f"{item.import_ref} listed twice: kept the first")
            )
            continue
        new[item.import_ref] = item
    parents = _parents(new, existing, problems)
    roots: dict[str, str] = {}
    planned = [
        _Planned(item, _root(ref, parents, existing, roots), parents[ref], 0)
        for ref, item in new.items()
    ]
    planned.sort(key=lambda p: p.record.created_at)  # stable: file order among equal times
    by_ref = {p.record.import_ref: p for p in planned}
    _number(planned, by_ref, existing, last_number)
    for p in planned:
        p.depth = _depth(p, by_ref)
    return planned


def _parents(
    new: dict[str, CommentRecord], existing: dict[str, _Existing], problems: list[Problem]
) -> dict[str, str]:
    parents: dict[str, str] = {}
    for ref, item in new.items():
        parent = item.parent_ref
        if parent and parent != ref and parent not in new and parent not in existing:
            problems.append(
                Problem(item.position, f"answers {parent}, which is missing: imported as top level")
            )
            parent = ""
        parents[ref] = "" if parent == ref else parent
    # Break cycles (a -> b -> a): the first comment met in a cycle becomes top level.
    for ref in new:
        seen = {ref}
        current = parents[ref]
        while current and current in parents:
            if current in seen:
                problems.append(Problem(new[ref].position, "parents form a cycle: made top level"))
                parents[ref] = ""
                break
            seen.add(current)
            current = parents[current]
    return parents


def _root(
    ref: str, parents: dict[str, str], existing: dict[str, _Existing], memo: dict[str, str]
) -> str:
    chain = []
    current = ref
    while current not in memo:
        if current in existing:
            memo[current] = existing[current].root
            break
        parent = parents.get(current, "")
        if not parent:
            memo[current] = current
            break
        chain.append(current)
        current = parent
    root = memo[current]
    for item in chain:
        memo[item] = root
    return root


def _number(
    planned: list[_Planned],
    by_ref: dict[str, _Planned],
    existing: dict[str, _Existing],
    last_number: int,
) -> None:
    for p in planned:
        if p.root == p.record.import_ref:
            last_number += 1
            p.number = last_number
    counters: dict[str, int] = defaultdict(int)
    for p in planned:
        if p.root == p.record.import_ref:
            continue
        root = by_ref.get(p.root)
        if root is None:
            old = existing[p.root]
            counters.setdefault(p.root, old.last_reply_number)
            p.number = old.number
        else:
            p.number = root.number
            root.last_reply_number += 1
            root.reply_count += p.record.status in VISIBLE_STATUSES
        counters[p.root] += 1
        p.reply_number = counters[p.root]
    for p in planned:
        parent = by_ref.get(p.parent)
        parent_reply = (
            parent.reply_number
            if parent
            else (existing[p.parent].reply_number if p.parent in existing else 0)
        )
        p.parent_reply_number = parent_reply or None


def _depth(p: _Planned, by_ref: dict[str, _Planned]) -> int:
    depth = 0
    current = by_ref.get(p.parent)
    while current is not None:
        depth += 1
        current = by_ref.get(current.parent)
    return depth


def _write_comments(
    article: Article,
    plan: list[_Planned],
    existing: dict[str, _Existing],
    user_ids: dict[str, int | None],
) -> None:
    """Insert level by level (a parent before its replies) with one executemany per level.

    The ORM's bulk_create spends most of its time compiling SQL per row; this writes the same
    columns (defaults taken from the model's fields) at several times the speed.
    """
    pks = {ref: row.pk for ref, row in existing.items()}
    levels: dict[int, list[_Planned]] = defaultdict(list)
    for p in plan:
        levels[p.depth].append(p)
    insert = _CommentInsert()
    groups = []
    for depth in sorted(levels):
        # Top-level comments first within a level, so their threads exist for the replies.
        groups.append([p for p in levels[depth] if not p.reply_number])
        groups.append([p for p in levels[depth] if p.reply_number])
    groups = [group for group in groups if group]
    for index, group in enumerate(groups):
        insert.run(article, group, pks, user_ids)
        if index + 1 < len(groups):  # the next group refers to these by primary key
            pks.update(_refs_to_pks(article))
    _update_counters(article, plan, existing)


def _refs_to_pks(article: Article) -> dict[str, int]:
    return dict(
        Comment.objects.filter(article=article)
        .exclude(import_ref="")
        .values_list("import_ref", "pk")
    )


class _CommentInsert:
    def __init__(self) -> None:
        # IP addresses older than the retention period are personal data the daily purge would
        # remove at once: they are not imported at all.
        self.ip_cutoff = timezone.now() - timedelta(days=ip_retention_days())
        self.fields = [f for f in Comment._meta.concrete_fields if not f.primary_key]
        self.defaults = {
            f.attname: f.get_db_prep_save(f.get_default(), connection) for f in self.fields
        }
        columns = ", ".join(connection.ops.quote_name(f.column) for f in self.fields)
        marks = ", ".join(["%s"] * len(self.fields))
        table = connection.ops.quote_name(Comment._meta.db_table)
        self.sql = f"INSERT INTO {table} ({columns}) VALUES ({marks})"  # noqa: S608

    def run(
        self,
        article: Article,
        group: list[_Planned],
        pks: dict[str, int],
        user_ids: dict[str, int | None],
    ) -> None:
        ops = connection.ops
        rows = []
        for p in group:
            item = p.record
            values = dict(self.defaults)
            values.update(
                article_id=article.pk,
                number=p.number,
                reply_number=p.reply_number,
                parent_id=pks[p.parent] if p.parent else None,
                thread_id=pks[p.root] if p.reply_number else None,
                parent_reply_number=p.parent_reply_number,
                author_id=user_ids.get(item.import_ref),
                author_name=item.author_name,
                body=item.body,
                status=item.status,
                created_at=ops.adapt_datetimefield_value(item.created_at),
                ip_address=ops.adapt_ipaddressfield_value(
                    _ip(item.ip_address) if item.created_at >= self.ip_cutoff else None
                ),
                import_ref=item.import_ref,
                last_reply_number=p.last_reply_number,
                reply_count=p.reply_count,
            )
            rows.append([values[f.attname] for f in self.fields])
        with connection.cursor() as cursor:
            for start in range(0, len(rows), 1000):
                cursor.executemany(self.sql, rows[start : start + 1000])


def _ip(value: str) -> str | None:
    try:
        return str(ipaddress.ip_address(value.strip())) if value.strip() else None
    except ValueError:
        return None


def _update_counters(
    article: Article, plan: list[_Planned], existing: dict[str, _Existing]
) -> None:
    grown: dict[str, list[_Planned]] = defaultdict(list)
    for p in plan:
        if p.reply_number and p.root in existing:
            grown[p.root].append(p)
    for root, replies in grown.items():
        Comment.objects.filter(pk=existing[root].pk).update(
            last_reply_number=max(r.reply_number for r in replies),
            reply_count=F("reply_count")
            + sum(r.record.status in VISIBLE_STATUSES for r in replies),
        )
    Article.objects.filter(pk=article.pk).update(
        last_comment_number=max([article.last_comment_number] + [p.number for p in plan]),
        comment_count=F("comment_count")
        + sum(p.record.status == CommentStatus.PUBLISHED for p in plan),
        version=F("version") + 1,
    )
