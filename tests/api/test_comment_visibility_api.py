"""The API looks comments up with the same rule as the pages (discussions.selectors)."""

import pytest
from django.db import transaction

from debatte.discussions.models import Comment, CommentStatus, Recommendation, Report
from debatte.discussions.services.status import change_status

pytestmark = pytest.mark.django_db

THREAD = "/articles/nato-dialog/comments"


def set_status(comment: Comment, status: str) -> None:
    with transaction.atomic():
        change_status(comment, status)


def test_a_held_comment_is_not_found_for_every_operation_of_others(
    other_reader_api, reader_api, article, make_comment
):
    set_status(make_comment(article, body="Geheim."), CommentStatus.PENDING)

    for response in (
        other_reader_api.get(THREAD + "/1"),
        other_reader_api.patch(THREAD + "/1", {"body": "Fremd."}),
        other_reader_api.delete(THREAD + "/1"),
        other_reader_api.post(THREAD + "/1/replies", {"body": "Antwort."}),
        other_reader_api.post(THREAD + "/1/recommendation"),
        other_reader_api.delete(THREAD + "/1/recommendation"),
        other_reader_api.post(THREAD + "/1/reports", {"reason": "spam"}),
    ):
        assert response.status_code == 404, response.request["REQUEST_METHOD"]
        assert "Geheim" not in response.content.decode()
    assert reader_api.get(THREAD + "/1").json()["comment"]["body"] == "Geheim."


def test_a_removed_comment_shows_no_text_and_takes_no_answer(
    anonymous, other_reader_api, article, make_comment
):
    set_status(make_comment(article, body="Entfernter Text."), CommentStatus.REJECTED)

    shown = anonymous.get(THREAD + "/1")
    assert shown.status_code == 200 and shown.json()["comment"]["body"] == ""
    assert other_reader_api.post(THREAD + "/1/replies", {"body": "Hm."}).status_code == 404
    assert other_reader_api.post(THREAD + "/1/recommendation").status_code == 404
    assert other_reader_api.post(THREAD + "/1/reports", {"reason": "spam"}).status_code == 404
    assert not Report.objects.exists() and not Recommendation.objects.exists()
    assert Comment.objects.count() == 1
