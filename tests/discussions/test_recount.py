from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from debatte.articles.models import Article
from debatte.discussions.models import Comment
from debatte.discussions.services import post_comment, recommend_comment

pytestmark = pytest.mark.django_db


def test_recount_discussions_repairs_broken_counters(article, reader, other_reader):
    top = post_comment(article, author=reader, body="Oben")
    post_comment(article, author=other_reader, body="Antwort", parent=top)
    recommend_comment(top, user=other_reader)
    Comment.objects.update(reply_count=7, recommendation_count=9)
    Article.objects.update(comment_count=0)
    call_command("recount_discussions", stdout=StringIO(), stderr=StringIO())
    top.refresh_from_db()
    article.refresh_from_db()
    assert (top.reply_count, top.recommendation_count) == (1, 1)
    assert article.comment_count == 2
    assert article.last_comment_number == 1


def test_recount_discussions_names_unknown_keys():
    with pytest.raises(CommandError, match="nope"):
        call_command("recount_discussions", "nope", stdout=StringIO())
