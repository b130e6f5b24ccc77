"""Background work of the moderation: scoring each new comment with the full model."""

import logging

from django.conf import settings
from django_tasks import task

from debatte.discussions.models import Comment
from debatte.discussions.services.moderating import record_score
from debatte.moderation.scoring import load_scorer

logger = logging.getLogger(__name__)


@task()
def score_comment_fully(comment_id: int) -> float | None:
    """Score with the full model (sentence embeddings, tens of ms): too slow for the request
    that posts the comment, which used the fast path. Stores the score and its reasons."""
    path = settings.DEBATTE.get("FULL_SCORER") or ""
    comment = Comment.objects.select_related("article__site").filter(pk=comment_id).first()
    if not path or comment is None or not comment.body:
        return None
    result = load_scorer(path)(comment.body)
    score = float(result.score)
    flagged = score >= comment.article.site.risk_threshold
    record_score(comment, score=score, reasons=list(result.reasons), flagged=flagged)
    return score
