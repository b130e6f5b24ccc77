"""Denormalised counters and the discussion version, kept in step by the services."""

from django.db.models import Count, F, Q

from debatte.articles.models import Article
from debatte.discussions.models import VISIBLE_STATUSES, Comment, CommentStatus


def bump_version(article_id: int, *, comments: int = 0) -> None:
    """Mark the discussion as changed (cache keys, ETags) and adjust its comment count."""
    Article.objects.filter(pk=article_id).update(
        version=F("version") + 1, comment_count=F("comment_count") + comments
    )


def adjust_reply_count(thread_id: int, delta: int) -> None:
    Comment.objects.filter(pk=thread_id).update(reply_count=F("reply_count") + delta)


def recount_article(article: Article) -> None:
    """Recompute every counter of one discussion from its rows (repair tool)."""
    comments = Comment.objects.filter(article=article)
    for thread in comments.filter(reply_number=0).annotate(
        visible=Count("thread_replies", filter=Q(thread_replies__status__in=VISIBLE_STATUSES)),
        highest=Count("thread_replies"),
    ):
        last = (
            Comment.objects.filter(thread=thread)
            .order_by("-reply_number")
            .values_list("reply_number", flat=True)
            .first()
        )
        Comment.objects.filter(pk=thread.pk).update(
            reply_count=thread.visible, last_reply_number=max(last or 0, thread.last_reply_number)
        )
    for comment in comments.annotate(recs=Count("recommendations")):
        if comment.recommendation_count != comment.recs:
            Comment.objects.filter(pk=comment.pk).update(recommendation_count=comment.recs)
    highest = comments.order_by("-number").values_list("number", flat=True).first() or 0
    Article.objects.filter(pk=article.pk).update(
        comment_count=comments.filter(status=CommentStatus.PUBLISHED).count(),
        last_comment_number=max(highest, article.last_comment_number),
        version=F("version") + 1,
    )
