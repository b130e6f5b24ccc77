"""A mail task that runs twice (its worker was killed and the task requeued) mails once."""

import pytest

from debatte.discussions.services import post_comment
from debatte.notifications.idempotency import message_id
from debatte.notifications.models import MailDispatch
from debatte.notifications.tasks import send_reply_mail

pytestmark = pytest.mark.django_db


@pytest.fixture
def reply(django_capture_on_commit_callbacks, make_user, article, other_reader):
    subscriber = make_user("ZL20", email="zl20@example.org", notify_replies=True)
    with django_capture_on_commit_callbacks(execute=False):  # no mail yet: the test sends
        parent = post_comment(article, author=subscriber, body="Ein erster Gedanke.")
        return post_comment(article, author=other_reader, body="Eine Antwort.", parent=parent)


def test_a_reply_mail_task_run_twice_sends_one_mail(smtp_inbox, reply):
    assert send_reply_mail.call(reply.pk) is True
    assert send_reply_mail.call(reply.pk) is False
    assert smtp_inbox.recipients() == ["zl20@example.org"]
    dispatch = MailDispatch.objects.get()
    assert dispatch.status == MailDispatch.Status.SENT
    assert dispatch.key == f"reply:{reply.pk}:{reply.parent.author_id}"


def test_an_interrupted_attempt_is_sent_again_under_the_same_message_id(smtp_inbox, reply):
    # The worker died after recording the key and before the SMTP server accepted the mail.
    key = f"reply:{reply.pk}:{reply.parent.author_id}"
    MailDispatch.objects.create(key=key)
    assert send_reply_mail.call(reply.pk) is True
    assert smtp_inbox.recipients() == ["zl20@example.org"]
    assert smtp_inbox.messages[0]["Message-ID"] == message_id(key)
    dispatch = MailDispatch.objects.get()
    assert (dispatch.status, dispatch.attempts) == (MailDispatch.Status.SENT, 2)
