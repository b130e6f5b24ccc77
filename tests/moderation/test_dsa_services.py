import pytest
from django.core import mail

from debatte.core.exceptions import ActionError, NotPermitted
from debatte.discussions.models import CommentStatus, ReportReason
from debatte.discussions.services import post_comment
from debatte.moderation.models import AppealStatus, StatementOfReasons
from debatte.moderation.services.decisions import reject_comment
from debatte.moderation.services.dsa import (
    decide_appeal,
    submit_appeal,
    submit_illegal_content_notice,
)

pytestmark = pytest.mark.django_db


def test_anyone_can_notify_illegal_content_and_gets_confirmation(
    article, reader, django_capture_on_commit_callbacks
):
    comment = post_comment(article, author=reader, body="Volksverhetzung")
    with django_capture_on_commit_callbacks(execute=True):
        report = submit_illegal_content_notice(
            comment,
            explanation="Das ist nach § 130 StGB strafbar.",
            name="Eva Muster",
            email="eva@example.org",
        )
    assert report.reason == ReportReason.ILLEGAL and report.reporter is None
    assert mail.outbox[0].to == ["eva@example.org"]


def test_notice_needs_an_explanation(article, reader):
    comment = post_comment(article, author=reader, body="Hm")
    with pytest.raises(ActionError):
        submit_illegal_content_notice(comment, explanation="böse")


@pytest.fixture
def statement(article, reader, site_moderator, reject_reason):
    comment = post_comment(article, author=reader, body="Grenzfall")
    reject_comment(comment, moderator=site_moderator, reason=reject_reason)
    return StatementOfReasons.objects.get()


def test_author_appeals_once_and_another_moderator_reverses(
    statement, reader, site_moderator, second_moderator
):
    appeal = submit_appeal(statement, user=reader, text="Das war sachlich.")
    with pytest.raises(ActionError):
        submit_appeal(statement, user=reader, text="Nochmal")
    with pytest.raises(NotPermitted):
        decide_appeal(appeal, moderator=site_moderator, reverse=True, note="Selbst")
    decide_appeal(appeal, moderator=second_moderator, reverse=True, note="Sie haben recht.")
    appeal.refresh_from_db()
    statement.comment.refresh_from_db()
    assert appeal.status == AppealStatus.REVERSED
    assert statement.comment.status == CommentStatus.PUBLISHED
    assert statement.comment.moderation_note == ""


def test_only_the_author_may_appeal_and_moderators_of_other_sites_may_not_decide(
    statement, other_reader, reader, other_site_moderator
):
    with pytest.raises(NotPermitted):
        submit_appeal(statement, user=other_reader, text="Ich auch")
    appeal = submit_appeal(statement, user=reader, text="Bitte prüfen")
    with pytest.raises(NotPermitted):
        decide_appeal(appeal, moderator=other_site_moderator, reverse=False, note="Nein")
