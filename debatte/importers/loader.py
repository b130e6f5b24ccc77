"""The one place imported records are written: numbering and counters are set here.

An article is written in one transaction: an import either stores it whole or not at all.
"""

from django.db import transaction
from django.utils.translation import gettext as _

from debatte.accounts.models import User
from debatte.articles.models import Article
from debatte.core.exceptions import ActionError
from debatte.discussions.models import Comment, CommentStatus
from debatte.importers.records import ArticleRecord


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
