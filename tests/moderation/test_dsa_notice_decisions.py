"""DSA Art. 16(5) and 20: the notifier learns the decision on their notice, may appeal it through
the link of that mail (no account), and whoever appealed learns the outcome by e-mail."""

import re
import time
from collections.abc import Callable
from typing import Any
from unittest import mock

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from debatte.core.exceptions import ActionError, NotPermitted
from debatte.discussions.models import Comment, CommentStatus
from debatte.moderation.models import (
    APPEAL_WINDOW,
    Appeal,
    AppealStatus,
    AuditEntry,
    Notice,
    NoticeDecision,
    StatementOfReasons,
)
from debatte.moderation.notice_tokens import notice_appeal_token
from debatte.moderation.services.decisions import approve_comment, reject_comment, shorten_comment
from debatte.moderation.services.dsa import (
    decide_appeal,
    submit_appeal,
    submit_illegal_content_notice,
    submit_notice_appeal,
)

pytestmark = pytest.mark.django_db

APPEALS_URL = "/moderation/appeals/"
LINK = re.compile(r"https?://[^\s\"<>]+/hinweise/einspruch/[^\s\"<>/]+/")


@pytest.fixture
def noticed(
    article: Any, make_comment: Callable[..., Any], django_capture_on_commit_callbacks: Any
) -> Comment:
    """A published comment with a notice of illegal content sent without an account."""
    comment = make_comment(article, body="Ein mutmaßlich strafbarer Satz.")
    # The notice keeps the language it was sent in: its mails are written in it.
    with django_capture_on_commit_callbacks(execute=True), translation.override("de"):
        submit_illegal_content_notice(
            comment,
            explanation="Das ist eine Beleidigung nach § 185 StGB.",
            category="insult",
            name="Erika Mustermann",
            email="erika@example.org",
        )
    mail.outbox.clear()  # the confirmation
    return comment


def notice_of(comment: Comment) -> Notice:
    return Notice.objects.select_related("report").get(report__comment=comment)


def test_removing_a_noticed_comment_decides_the_notice_and_mails_the_notifier(
    noticed: Comment,
    site_moderator: Any,
    reject_reason: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        reject_comment(noticed, moderator=site_moderator, reason=reject_reason)
    notice = notice_of(noticed)
    assert notice.decision == NoticeDecision.REMOVED
    assert notice.decided_by == site_moderator and notice.decided_at is not None
    assert notice.ground == "Bitte bleiben Sie sachlich."
    assert notice.statement == StatementOfReasons.objects.get(comment=noticed)
    assert notice.category == "insult"
    entry = AuditEntry.objects.get(verb="notice.decide")
    assert (entry.actor, entry.status_after, entry.details) == (
        site_moderator,
        "removed",
        {"notice": notice.pk},
    )
    to_notifier = [m for m in mail.outbox if m.to == ["erika@example.org"]]
    assert len(to_notifier) == 1
    message = to_notifier[0]
    assert message.subject == f"Unsere Entscheidung zu Ihrer Meldung zu Kommentar {noticed.label}"
    assert "Hallo Erika Mustermann," in message.body
    assert "Wir haben den Kommentar entfernt." in message.body
    assert "Bitte bleiben Sie sachlich." in message.body
    assert "Art. 21" in message.body  # out-of-court dispute settlement, the courts
    assert not LINK.search(message.body)  # removed as asked: nothing to appeal


def test_keeping_a_noticed_comment_offers_the_notifier_an_appeal_that_needs_no_account(
    client: Any,
    noticed: Comment,
    site_moderator: Any,
    second_moderator: Any,
    reject_reason: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        approve_comment(noticed, moderator=site_moderator)
    notice = notice_of(noticed)
    assert notice.decision == NoticeDecision.KEPT and notice.ground == ""
    (message,) = mail.outbox
    assert message.to == ["erika@example.org"]
    assert "behalten ihn" in message.body
    assert "html" in message.alternatives[0][1]
    link = LINK.search(message.body)
    assert link is not None
    path = "/" + link.group(0).split("/", 3)[3]

    page = client.get(path, HTTP_ACCEPT_LANGUAGE="en")
    assert page.status_code == 200
    html = page.content.decode()
    assert "We have examined the comment and keep it" in html
    assert 'name="text"' in html
    assert page["Referrer-Policy"] == "no-referrer"

    refused = client.post(path, {"text": ""}, HTTP_ACCEPT_LANGUAGE="en")
    assert refused.status_code == 400 and "This field is required." in refused.content.decode()
    response = client.post(path, {"text": "Das ist eindeutig eine Beleidigung."})
    assert response.status_code == 302
    appeal = Appeal.objects.get()
    assert (appeal.notice, appeal.statement, appeal.status) == (notice, None, AppealStatus.OPEN)
    again = client.get(path, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "You appealed on" in again and 'name="text"' not in again

    # The appeal is decided by another moderator; granting it removes the comment.
    client.force_login(second_moderator)
    queue = client.get(APPEALS_URL, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "notifier's appeal" in queue and "Das ist eindeutig eine Beleidigung." in queue
    assert f'<option value="{reject_reason.pk}">' in queue
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        decided = client.post(
            APPEALS_URL,
            {
                "appeal": appeal.pk,
                "outcome": "reverse",
                "note": "Sie haben recht.",
                "reason": reject_reason.pk,
            },
        )
    assert decided.status_code == 302
    appeal.refresh_from_db()
    noticed.refresh_from_db()
    assert appeal.status == AppealStatus.REVERSED and appeal.decided_by == second_moderator
    assert noticed.status == CommentStatus.REJECTED
    outcome = [m for m in mail.outbox if m.to == ["erika@example.org"]]
    assert len(outcome) == 1
    assert outcome[0].subject == "Über Ihre Beschwerde ist entschieden"
    assert "die Entscheidung zu Ihrer Meldung" in outcome[0].body
    assert "Sie haben recht." in outcome[0].body
    # The author of the comment is told in turn, with a statement they may appeal.
    assert StatementOfReasons.objects.filter(comment=noticed, user=noticed.author).exists()
    assert any(m.to == [noticed.author.email] for m in mail.outbox)
    assert AuditEntry.objects.filter(verb="appeal.reverse", actor=second_moderator).exists()


def test_granting_a_notifiers_appeal_needs_a_catalogue_reason(
    client: Any, noticed: Comment, site_moderator: Any, second_moderator: Any, make_user: Any
) -> None:
    approve_comment(noticed, moderator=site_moderator)
    appeal = submit_notice_appeal(notice_of(noticed), text="Bitte prüfen.")
    with pytest.raises(ActionError):
        decide_appeal(appeal, moderator=second_moderator, reverse=True, note="Ja.")
    client.force_login(second_moderator)
    data = {"appeal": appeal.pk, "outcome": "reverse", "note": "Ja.", "reason": 999999}
    response = client.post(APPEALS_URL, data, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    assert "choose a reason from this site" in response.content.decode()
    appeal.refresh_from_db()
    assert appeal.status == AppealStatus.OPEN


def test_the_moderator_who_decided_the_notice_cannot_decide_the_appeal(
    noticed: Comment, site_moderator: Any, reject_reason: Any
) -> None:
    approve_comment(noticed, moderator=site_moderator)
    appeal = submit_notice_appeal(notice_of(noticed), text="Bitte prüfen.")
    with pytest.raises(NotPermitted):
        decide_appeal(
            appeal, moderator=site_moderator, reverse=True, note="Selbst.", reason=reject_reason
        )


def test_only_a_moderator_of_the_site_decides_a_notice(
    noticed: Comment, other_site_moderator: Any
) -> None:
    with pytest.raises(NotPermitted):
        approve_comment(noticed, moderator=other_site_moderator)
    notice = notice_of(noticed)
    assert notice.decided_at is None and notice.decision == ""
    assert not mail.outbox


def test_shortening_decides_the_notice_and_can_be_appealed(
    noticed: Comment, site_moderator: Any, shorten_reason: Any
) -> None:
    shorten_comment(noticed, moderator=site_moderator, reason=shorten_reason, body="Ein Satz.")
    notice = notice_of(noticed)
    assert notice.decision == NoticeDecision.SHORTENED
    assert notice.can_be_appealed()


def test_a_removal_cannot_be_appealed_by_the_notifier(
    noticed: Comment, site_moderator: Any, reject_reason: Any
) -> None:
    reject_comment(noticed, moderator=site_moderator, reason=reject_reason)
    with pytest.raises(ActionError) as error:
        submit_notice_appeal(notice_of(noticed), text="Warum?")
    assert error.value.code == "removed"


def test_an_open_notice_cannot_be_appealed(noticed: Comment) -> None:
    with pytest.raises(ActionError) as error:
        submit_notice_appeal(notice_of(noticed), text="Warum?")
    assert error.value.code == "open"


def test_a_later_decision_does_not_decide_the_notice_again(
    noticed: Comment, site_moderator: Any, reject_reason: Any
) -> None:
    approve_comment(noticed, moderator=site_moderator)
    reject_comment(noticed, moderator=site_moderator, reason=reject_reason)
    assert notice_of(noticed).decision == NoticeDecision.KEPT
    assert AuditEntry.objects.filter(verb="notice.decide").count() == 1


def test_notice_appeal_link_forged_or_expired_shows_nothing(
    client: Any, noticed: Comment, site_moderator: Any
) -> None:
    approve_comment(noticed, moderator=site_moderator)
    notice = notice_of(noticed)
    token = notice_appeal_token(notice.pk)
    assert client.get(f"/hinweise/einspruch/{token}/").status_code == 200
    assert client.get(f"/hinweise/einspruch/{token}x/").status_code == 404
    assert client.post(f"/hinweise/einspruch/{token}x/", {"text": "x"}).status_code == 404
    later = time.time() + APPEAL_WINDOW.total_seconds() + 60
    with mock.patch("django.core.signing.time.time", return_value=later):
        assert client.get(f"/hinweise/einspruch/{token}/").status_code == 404
    assert not Appeal.objects.exists()


def test_an_undecided_notice_has_no_appeal_page(client: Any, noticed: Comment) -> None:
    token = notice_appeal_token(notice_of(noticed).pk)
    assert client.get(f"/hinweise/einspruch/{token}/").status_code == 404


def test_the_authors_appeal_outcome_is_mailed_to_them(
    article: Any,
    reader: Any,
    make_comment: Callable[..., Any],
    site_moderator: Any,
    second_moderator: Any,
    reject_reason: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    comment = make_comment(article, author=reader, body="Ein Grenzfall.")
    reject_comment(comment, moderator=site_moderator, reason=reject_reason)
    appeal = submit_appeal(StatementOfReasons.objects.get(), user=reader, text="Das war sachlich.")
    with django_capture_on_commit_callbacks(execute=True):
        decide_appeal(appeal, moderator=second_moderator, reverse=False, note="Es bleibt dabei.")
    (message,) = mail.outbox
    assert message.to == [reader.email]
    assert message.subject == "Über Ihre Beschwerde ist entschieden"
    assert "bestätigt: Ihre Beschwerde ist abgewiesen" in message.body
    assert "Es bleibt dabei." in message.body
    assert "/konto/entscheidungen/" in message.body


def test_the_notice_decision_mail_is_in_the_notifiers_language(
    client: Any,
    article: Any,
    make_comment: Callable[..., Any],
    site_moderator: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    comment = make_comment(article, body="Noch ein Satz.")
    url = f"/artikel/{article.key}/kommentar/{comment.url_label}/rechtswidrig/"
    data = {
        "name": "Jane Doe",
        "email": "jane@example.org",
        "explanation": "This is a criminal insult under German law.",
        "category": "insult",
        "good_faith": "on",
    }
    assert client.post(url, data, HTTP_ACCEPT_LANGUAGE="en").status_code == 302
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        approve_comment(comment, moderator=site_moderator)
    (message,) = mail.outbox
    assert message.subject == f"Our decision on your notice about comment {comment.label}"
    assert "Hello Jane Doe," in message.body
    assert "If you disagree, you can appeal this decision until" in message.body


def test_appeals_page_with_notifiers_appeals_has_constant_queries(
    client: Any,
    article: Any,
    make_comment: Callable[..., Any],
    site_moderator: Any,
    second_moderator: Any,
    reject_reason: Any,
    django_assert_num_queries: Any,
) -> None:
    def notifier_appeal(n: int) -> None:
        comment = make_comment(article, body=f"Satz Nummer {n}.")
        submit_illegal_content_notice(
            comment, explanation="Strafbar nach § 185 StGB.", category="insult", email=f"{n}@x.org"
        )
        approve_comment(comment, moderator=site_moderator)
        submit_notice_appeal(notice_of(comment), text="Bitte prüfen.")

    notifier_appeal(0)
    client.force_login(second_moderator)
    with CaptureQueriesContext(connection) as few:
        assert client.get(APPEALS_URL).status_code == 200
    for n in range(1, 4):
        notifier_appeal(n)
    with django_assert_num_queries(len(few.captured_queries)):
        response = client.get(APPEALS_URL)
    assert response.content.decode().count('class="appeal"') == 4


def test_a_signed_in_notifiers_appeal_loses_its_words_with_their_account(
    article: Any, make_comment: Callable[..., Any], other_reader: Any, site_moderator: Any
) -> None:
    from debatte.accounts.services import delete_account

    comment = make_comment(article, body="Ein gemeldeter Satz.")
    submit_illegal_content_notice(
        comment, explanation="Strafbar nach § 185 StGB.", category="insult", reporter=other_reader
    )
    approve_comment(comment, moderator=site_moderator)
    appeal = submit_notice_appeal(notice_of(comment), text="Meine Gründe, Quellwasser.")
    delete_account(other_reader, remove_comments=True)
    appeal.refresh_from_db()
    assert (appeal.text, appeal.status) == ("", AppealStatus.WITHDRAWN)


def test_a_signed_in_notifiers_data_export_holds_their_notices_and_appeals(
    client: Any,
    article: Any,
    make_comment: Callable[..., Any],
    other_reader: Any,
    site_moderator: Any,
) -> None:
    comment = make_comment(article, body="Ein gemeldeter Satz.")
    submit_illegal_content_notice(
        comment, explanation="Strafbar nach § 185 StGB.", category="hate", reporter=other_reader
    )
    approve_comment(comment, moderator=site_moderator)
    submit_notice_appeal(notice_of(comment), text="Das ist Hetze.")
    client.force_login(other_reader)
    data = client.get("/konto/meine-daten/").json()
    (notice,) = data["notices_of_illegal_content"]
    assert (notice["category"], notice["decision"]) == ("hate", "kept")
    assert notice["comment"]["number"] == comment.label
    assert notice["appeal"]["text"] == "Das ist Hetze."


def test_a_plain_report_of_illegal_content_is_decided_and_answered_as_a_notice(
    article: Any,
    make_comment: Callable[..., Any],
    other_reader: Any,
    site_moderator: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    from debatte.discussions.services import report_comment

    comment = make_comment(article, body="Ein Satz, gemeldet über das normale Formular.")
    report_comment(comment, reporter=other_reader, reason="illegal", explanation="Strafbar.")
    with django_capture_on_commit_callbacks(execute=True):
        approve_comment(comment, moderator=site_moderator)
    notice = notice_of(comment)
    assert (notice.category, notice.decision) == ("other", NoticeDecision.KEPT)
    (message,) = mail.outbox
    assert message.to == [other_reader.email]
    assert LINK.search(message.body)
