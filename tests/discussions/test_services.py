from datetime import timedelta

import pytest
from django.utils import timezone

from debatte.articles.models import DiscussionStatus
from debatte.core.exceptions import ActionError, NotPermitted
from debatte.discussions.models import Comment, CommentStatus, Report
from debatte.discussions.services import (
    delete_comment,
    edit_comment,
    post_comment,
    recommend_comment,
    report_comment,
    set_editor_pick,
    withdraw_recommendation,
)

pytestmark = pytest.mark.django_db


def test_post_comment_numbers_top_level_comments_in_order_of_writing(article, reader):
    first = post_comment(article, author=reader, body="Erster")
    second = post_comment(article, author=reader, body="Zweiter")
    assert (first.label, second.label) == ("#1", "#2")
    article.refresh_from_db()
    assert article.last_comment_number == 2
    assert article.comment_count == 2


def test_reply_to_reply_gets_next_number_in_thread_and_keeps_real_parent(
    article, reader, other_reader
):
    top = post_comment(article, author=reader, body="Oben")
    reply = post_comment(article, author=other_reader, body="Antwort", parent=top)
    answer = post_comment(article, author=reader, body="Antwort auf Antwort", parent=reply)
    assert (reply.label, answer.label) == ("#1.1", "#1.2")
    assert answer.parent_id == reply.pk
    assert answer.thread_id == top.pk
    assert answer.parent_label == "#1.1"
    assert answer.parent_anchor == "kommentar-1-1"
    top.refresh_from_db()
    assert top.reply_count == 2
    assert top.last_reply_number == 2


def test_numbers_are_never_reused_after_deletion(article, reader):
    first = post_comment(article, author=reader, body="Eins")
    second = post_comment(article, author=reader, body="Zwei")
    delete_comment(second, actor=reader)
    third = post_comment(article, author=reader, body="Drei")
    assert third.number == 3
    first.refresh_from_db()
    assert first.number == 1


def test_post_comment_rejects_empty_and_too_long_text(article, reader, settings):
    settings.DEBATTE = {**settings.DEBATTE, "COMMENT_MAX_LENGTH": 20}
    with pytest.raises(ActionError) as empty:
        post_comment(article, author=reader, body="  \n ")
    assert empty.value.code == "empty"
    with pytest.raises(ActionError) as long:
        post_comment(article, author=reader, body="x" * 21)
    assert long.value.code == "too_long"
    assert "21" in long.value.message
    assert Comment.objects.count() == 0


def test_post_comment_keeps_paragraphs_and_normalises_line_endings(article, reader):
    comment = post_comment(
        article, author=reader, body="Zeile 1\r\nZeile 2\r\n\r\n\r\n\r\nAbsatz  "
    )
    assert comment.body == "Zeile 1\nZeile 2\n\nAbsatz"


@pytest.mark.parametrize("status", [DiscussionStatus.CLOSED, DiscussionStatus.NONE])
def test_post_comment_refused_when_discussion_closed_or_absent(make_article, reader, status):
    closed = make_article(discussion_status=status)
    with pytest.raises(ActionError):
        post_comment(closed, author=reader, body="Hallo")
    assert not Comment.objects.exists()


def test_inactive_reader_cannot_post(article, reader):
    reader.is_active = False
    with pytest.raises(NotPermitted):
        post_comment(article, author=reader, body="Hallo")


def test_reply_to_comment_of_other_article_is_refused(make_article, reader):
    one, two = make_article(), make_article()
    top = post_comment(one, author=reader, body="Hier")
    with pytest.raises(ActionError):
        post_comment(two, author=reader, body="Dort", parent=top)


def test_edit_comment_within_window_marks_it_edited(article, reader):
    comment = post_comment(article, author=reader, body="Tippfeler")
    edit_comment(comment, editor=reader, body="Tippfehler")
    comment.refresh_from_db()
    assert comment.body == "Tippfehler"
    assert comment.is_edited


def test_edit_comment_after_window_is_refused(article, reader):
    comment = post_comment(article, author=reader, body="Alt")
    Comment.objects.filter(pk=comment.pk).update(created_at=timezone.now() - timedelta(minutes=16))
    comment.refresh_from_db()
    with pytest.raises(ActionError) as error:
        edit_comment(comment, editor=reader, body="Neu")
    assert error.value.code == "edit_window"


def test_edit_comment_of_someone_else_is_refused(article, reader, other_reader):
    comment = post_comment(article, author=reader, body="Meins")
    with pytest.raises(NotPermitted):
        edit_comment(comment, editor=other_reader, body="Deins")


def test_delete_comment_leaves_tombstone_with_number_and_replies(article, reader, other_reader):
    top = post_comment(article, author=reader, body="Geheim")
    reply = post_comment(article, author=other_reader, body="Antwort", parent=top)
    delete_comment(top, actor=reader)
    top.refresh_from_db()
    reply.refresh_from_db()
    assert top.status == CommentStatus.DELETED
    assert top.body == ""
    assert top.number == 1
    assert reply.thread_id == top.pk
    with pytest.raises(ActionError):
        delete_comment(top, actor=reader)


def test_recommend_once_not_own_and_withdraw(article, reader, other_reader):
    comment = post_comment(article, author=reader, body="Gut")
    with pytest.raises(NotPermitted):
        recommend_comment(comment, user=reader)
    assert recommend_comment(comment, user=other_reader) is True
    assert recommend_comment(comment, user=other_reader) is False
    comment.refresh_from_db()
    assert comment.recommendation_count == 1
    assert withdraw_recommendation(comment, user=other_reader) is True
    assert withdraw_recommendation(comment, user=other_reader) is False
    comment.refresh_from_db()
    assert comment.recommendation_count == 0


def test_report_comment_once_with_reason(article, reader, other_reader):
    comment = post_comment(article, author=reader, body="Frech")
    report = report_comment(comment, reporter=other_reader, reason="insult")
    assert report.comment_id == comment.pk
    with pytest.raises(ActionError) as again:
        report_comment(comment, reporter=other_reader, reason="spam")
    assert again.value.code == "already_reported"
    with pytest.raises(ActionError):
        report_comment(comment, reporter=other_reader, reason="nonsense")
    assert Report.objects.count() == 1


def test_report_other_reason_needs_explanation(article, reader, other_reader):
    comment = post_comment(article, author=reader, body="Hm")
    with pytest.raises(ActionError) as error:
        report_comment(comment, reporter=other_reader, reason="other")
    assert error.value.code == "explanation_missing"


def test_set_editor_pick_marks_a_published_comment(article, reader, moderator):
    # The write only: who may pick (and the audit) is moderation's feature_comment, see
    # tests/moderation/test_editor_picks.py.
    comment = post_comment(article, author=reader, body="Klug")
    set_editor_pick(comment, actor=moderator)
    comment.refresh_from_db()
    assert comment.is_editor_pick


def test_every_change_bumps_discussion_version(article, reader, other_reader):
    versions = [article.version]
    comment = post_comment(article, author=reader, body="A")
    article.refresh_from_db()
    versions.append(article.version)
    recommend_comment(comment, user=other_reader)
    article.refresh_from_db()
    versions.append(article.version)
    delete_comment(comment, actor=reader)
    article.refresh_from_db()
    versions.append(article.version)
    assert versions == sorted(set(versions))


def test_reader_without_the_comment_entitlement_cannot_post(article, reader):
    reader.may_comment = False
    with pytest.raises(NotPermitted):
        post_comment(article, author=reader, body="Hallo")
