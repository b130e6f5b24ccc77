"""DSA pages through the test client: notices (Art. 16), statements (Art. 17), appeals (Art. 20)."""

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from debatte.articles.models import Site, SiteMembership, default_site_id
from debatte.discussions.models import Comment, CommentStatus, Report, ReportReason
from debatte.moderation.models import Appeal, AppealStatus, Reason, StatementOfReasons
from debatte.moderation.services.decisions import reject_comment
from debatte.moderation.services.dsa import submit_appeal

pytestmark = pytest.mark.django_db

DECISIONS_URL = "/konto/entscheidungen/"
APPEALS_URL = "/moderation/appeals/"


def notice_url(comment: Comment) -> str:
    return reverse(
        "dsa-notice",
        kwargs={"article_key": comment.article.key, "comment_label": comment.url_label},
    )


def member(user: Any, site_id: int | None = None, role: str = "moderator") -> Any:
    SiteMembership.objects.create(site_id=site_id or default_site_id(), user=user, role=role)
    return user


@pytest.fixture
def site_moderator(moderator: Any) -> Any:
    return member(moderator)


@pytest.fixture
def stranger_moderator(make_user: Callable[..., Any]) -> Any:
    other = Site.objects.create(name="Anderes Blatt", slug="anderes-blatt")
    return member(make_user("Redaktion xy", staff=True), other.pk)


@pytest.fixture
def reject(
    article: Any, make_comment: Callable[..., Any], site_moderator: Any, reject_reason: Reason
) -> Callable[..., Comment]:
    def make(author: Any = None, body: str = "") -> Comment:
        comment = make_comment(article, author=author, body=body)
        assert comment.status == CommentStatus.PUBLISHED
        return reject_comment(comment, moderator=site_moderator, reason=reject_reason)

    return make


def statement_of(comment: Comment) -> StatementOfReasons:
    return StatementOfReasons.objects.get(comment=comment)


def valid_notice(**fields: str) -> dict[str, str]:
    data = {
        "name": "Erika Mustermann",
        "email": "erika@example.org",
        "explanation": "Dieser Kommentar ist Volksverhetzung nach § 130 StGB.",
        "category": "insult",
        "good_faith": "on",
    }
    data.update(fields)
    return data


# --- Notices of illegal content (Art. 16) -------------------------------------------------------


def test_anonymous_notice_succeeds_and_confirms_by_mail(
    client: Any,
    article: Any,
    make_comment: Callable[..., Any],
    django_capture_on_commit_callbacks: Any,
) -> None:
    comment = make_comment(article, body="Ein fragwürdiger Satz.")
    page = client.get(notice_url(comment))
    assert page.status_code == 200
    html = page.content.decode()
    assert 'name="name"' in html and 'name="email"' in html and 'name="explanation"' in html
    assert "Ein fragwürdiger Satz." in html

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(notice_url(comment), valid_notice())
    assert response.status_code == 302
    report = Report.objects.get()
    assert report.comment == comment
    assert report.reason == ReportReason.ILLEGAL
    assert report.reporter is None
    assert (report.reporter_name, report.reporter_email) == (
        "Erika Mustermann",
        "erika@example.org",
    )
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["erika@example.org"]
    assert "#1" in mail.outbox[0].subject

    confirmation = client.get(response["Location"], HTTP_ACCEPT_LANGUAGE="en")
    assert confirmation.status_code == 200
    html = confirmation.content.decode()
    assert "we received your notice" in html
    assert "erika@example.org" in html
    assert article.title in html


def test_invalid_notice_shows_errors_and_keeps_the_text(
    client: Any, article: Any, make_comment: Callable[..., Any]
) -> None:
    comment = make_comment(article)
    data = valid_notice(name="", email="keine-adresse", explanation="Zu <kurz>")
    del data["good_faith"]
    response = client.post(notice_url(comment), data, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    html = response.content.decode()
    assert html.count('class="field__errors"') == 4
    assert "Enter a valid email address." in html
    assert "Zu &lt;kurz&gt;</textarea>" in html
    assert 'value="keine-adresse"' in html
    assert not Report.objects.exists()
    assert not mail.outbox


def test_notice_refused_by_the_service_shows_its_message(
    client: Any, article: Any, make_comment: Callable[..., Any], other_reader: Any
) -> None:
    comment = make_comment(article)
    client.force_login(other_reader)
    assert client.post(notice_url(comment), valid_notice()).status_code == 302
    again = client.post(notice_url(comment), valid_notice(), HTTP_ACCEPT_LANGUAGE="en")
    assert again.status_code == 400
    assert "You have already reported this comment." in again.content.decode()
    assert Report.objects.get().reporter == other_reader


def test_logged_in_reader_gets_name_and_address_filled_in(
    client: Any, article: Any, make_comment: Callable[..., Any], other_reader: Any
) -> None:
    comment = make_comment(article)
    client.force_login(other_reader)
    html = client.get(notice_url(comment)).content.decode()
    assert f'value="{other_reader.email}"' in html
    assert 'value="Martin Köster"' in html


def test_notice_only_for_published_comments(
    client: Any, article: Any, make_comment: Callable[..., Any]
) -> None:
    comment = make_comment(article)
    Comment.objects.filter(pk=comment.pk).update(status=CommentStatus.PENDING)
    assert client.get(notice_url(comment)).status_code == 404
    assert client.post(notice_url(comment), valid_notice()).status_code == 404
    missing = reverse("dsa-notice", kwargs={"article_key": article.key, "comment_label": "99"})
    assert client.get(missing).status_code == 404
    assert not Report.objects.exists()


def test_confirmation_needs_a_valid_signed_notice(
    client: Any, article: Any, make_comment: Callable[..., Any]
) -> None:
    comment = make_comment(article)
    url = reverse(
        "dsa-notice-confirmation",
        kwargs={"article_key": article.key, "comment_label": comment.url_label},
    )
    assert client.get(url).status_code == 404
    assert client.get(url + "?notice=1:forged").status_code == 404


# --- Statements of reasons and appeals, the reader's side (Art. 17, 20) --------------------------


def test_decisions_page_needs_login(client: Any) -> None:
    response = client.get(DECISIONS_URL)
    assert response.status_code == 302
    assert "/konto/login/" in response["Location"]


def test_author_sees_the_statement_and_gets_it_by_mail(
    client: Any,
    reader: Any,
    reject: Callable[..., Comment],
    django_capture_on_commit_callbacks: Any,
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        comment = reject(body="Alle anderen sind Idioten.")
    statement = statement_of(comment)
    assert len(mail.outbox) == 1
    assert DECISIONS_URL in mail.outbox[0].body

    client.force_login(reader)
    response = client.get(DECISIONS_URL, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    html = response.content.decode()
    assert f'id="entscheidung-{statement.pk}"' in html
    assert statement.decision_text in html
    assert "#1 · Nato betont Dialogbereitschaft" in html  # which comment, also when removed
    assert "Bitte bleiben Sie sachlich." in html  # the ground
    assert "Alle anderen sind Idioten." in html  # the content concerned
    assert "no automated means" in html
    deadline = timezone.localtime(statement.appealable_until)
    assert "You can appeal until" in html and str(deadline.year) in html
    assert 'name="text"' in html and f'name="statement" value="{statement.pk}"' in html


def test_author_appeals_once(client: Any, reader: Any, reject: Callable[..., Comment]) -> None:
    statement = statement_of(reject())
    client.force_login(reader)
    data = {"statement": statement.pk, "text": "Das war sachliche Kritik."}
    response = client.post(DECISIONS_URL, data)
    assert response.status_code == 302
    assert response["Location"].endswith(f"#entscheidung-{statement.pk}")
    appeal = Appeal.objects.get(statement=statement)
    assert (appeal.status, appeal.text) == (AppealStatus.OPEN, "Das war sachliche Kritik.")

    html = client.get(DECISIONS_URL, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "You appealed on" in html
    assert 'name="text"' not in html

    again = client.post(DECISIONS_URL, data, HTTP_ACCEPT_LANGUAGE="en")
    assert again.status_code == 400
    assert "You have already appealed this decision." in again.content.decode()
    assert Appeal.objects.count() == 1


def test_no_appeal_after_the_window(
    client: Any, reader: Any, reject: Callable[..., Comment]
) -> None:
    statement = statement_of(reject())
    StatementOfReasons.objects.filter(pk=statement.pk).update(
        appealable_until=timezone.now() - timedelta(minutes=1)
    )
    client.force_login(reader)
    html = client.get(DECISIONS_URL, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "The time for an appeal ended" in html
    assert 'name="text"' not in html
    response = client.post(
        DECISIONS_URL, {"statement": statement.pk, "text": "Zu spät?"}, HTTP_ACCEPT_LANGUAGE="en"
    )
    assert response.status_code == 400
    assert "The time for an appeal is over." in response.content.decode()
    assert not Appeal.objects.exists()


def test_invalid_appeal_keeps_the_text(
    client: Any, reader: Any, reject: Callable[..., Comment]
) -> None:
    statement = statement_of(reject())
    client.force_login(reader)
    too_long = "<b>Einspruch</b> " + "x" * 5000
    response = client.post(DECISIONS_URL, {"statement": statement.pk, "text": too_long})
    assert response.status_code == 400
    html = response.content.decode()
    assert "&lt;b&gt;Einspruch&lt;/b&gt; xxx" in html
    assert 'class="field__errors"' in html
    assert not Appeal.objects.exists()


def test_reader_cannot_see_or_appeal_anothers_statement(
    client: Any, other_reader: Any, reject: Callable[..., Comment]
) -> None:
    statement = statement_of(reject())
    client.force_login(other_reader)
    html = client.get(DECISIONS_URL, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert f"entscheidung-{statement.pk}" not in html
    assert "There are no moderation decisions about you." in html
    response = client.post(DECISIONS_URL, {"statement": statement.pk, "text": "Ich auch!"})
    assert response.status_code == 404
    assert not Appeal.objects.exists()


def test_decisions_page_has_constant_queries(
    client: Any,
    reader: Any,
    reject: Callable[..., Comment],
    django_assert_num_queries: Any,
) -> None:
    first = statement_of(reject())
    submit_appeal(first, user=reader, text="Falsch entschieden.")
    client.force_login(reader)
    with CaptureQueriesContext(connection) as few:
        assert client.get(DECISIONS_URL).status_code == 200
    for _n in range(4):
        reject()
    assert StatementOfReasons.objects.filter(user=reader).count() == 5
    with django_assert_num_queries(len(few.captured_queries)):
        assert client.get(DECISIONS_URL).status_code == 200
    assert len(few.captured_queries) == 3  # session, user, statements with comments and appeals


# --- The appeals queue, the moderators' side ----------------------------------------------------


def appeal_for(reader: Any, comment: Comment, text: str = "Das war sachlich.") -> Appeal:
    return submit_appeal(statement_of(comment), user=reader, text=text)


def test_appeal_shows_to_another_moderator_not_the_deciding_one(
    client: Any, reader: Any, site_moderator: Any, colleague: Any, reject: Callable[..., Comment]
) -> None:
    appeal = appeal_for(reader, reject(), text="Meine Kritik war sachlich.")

    client.force_login(colleague)
    html = client.get(APPEALS_URL, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert f'id="widerspruch-{appeal.pk}"' in html
    assert "Meine Kritik war sachlich." in html
    assert "Redaktion ab" in html  # who decided

    client.force_login(site_moderator)
    html = client.get(APPEALS_URL, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert f"widerspruch-{appeal.pk}" not in html
    assert "No open appeals." in html
    response = client.post(
        APPEALS_URL, {"appeal": appeal.pk, "outcome": "uphold", "note": "Bleibt."}
    )
    assert response.status_code == 403
    appeal.refresh_from_db()
    assert appeal.status == AppealStatus.OPEN


def test_reversing_a_rejection_republishes_the_comment(
    client: Any, reader: Any, colleague: Any, reject: Callable[..., Comment]
) -> None:
    comment = reject()
    appeal = appeal_for(reader, comment)
    client.force_login(colleague)
    response = client.post(
        APPEALS_URL,
        {"appeal": appeal.pk, "outcome": "reverse", "note": "Sie haben recht."},
    )
    assert response.status_code == 302
    assert response["Location"] == APPEALS_URL
    comment.refresh_from_db()
    appeal.refresh_from_db()
    assert comment.status == CommentStatus.PUBLISHED
    assert comment.moderation_note == ""
    assert (appeal.status, appeal.decided_by) == (AppealStatus.REVERSED, colleague)

    client.force_login(reader)
    html = client.get(DECISIONS_URL, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "the decision has been reversed" in html
    assert "Sie haben recht." in html


def test_upholding_keeps_the_comment_removed(
    client: Any, reader: Any, colleague: Any, reject: Callable[..., Comment]
) -> None:
    comment = reject()
    appeal = appeal_for(reader, comment)
    client.force_login(colleague)
    response = client.post(
        APPEALS_URL, {"appeal": appeal.pk, "outcome": "uphold", "note": "Es bleibt dabei."}
    )
    assert response.status_code == 302
    comment.refresh_from_db()
    appeal.refresh_from_db()
    assert comment.status == CommentStatus.REJECTED
    assert appeal.status == AppealStatus.UPHELD
    client.force_login(reader)
    html = client.get(DECISIONS_URL, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "the decision stands" in html and "Es bleibt dabei." in html


def test_decision_without_note_shows_errors_and_keeps_input(
    client: Any, reader: Any, colleague: Any, reject: Callable[..., Comment]
) -> None:
    appeal = appeal_for(reader, reject())
    client.force_login(colleague)
    response = client.post(APPEALS_URL, {"appeal": appeal.pk, "outcome": "reverse", "note": " "})
    assert response.status_code == 400
    html = response.content.decode()
    assert 'class="field__errors"' in html
    assert 'value="reverse" id="outcome-' in html and " checked" in html
    appeal.refresh_from_db()
    assert appeal.status == AppealStatus.OPEN


def test_moderator_of_another_site_cannot_see_or_decide(
    client: Any, reader: Any, stranger_moderator: Any, reject: Callable[..., Comment]
) -> None:
    comment = reject()
    appeal = appeal_for(reader, comment)
    client.force_login(stranger_moderator)
    html = client.get(APPEALS_URL, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert f"widerspruch-{appeal.pk}" not in html
    response = client.post(
        APPEALS_URL, {"appeal": appeal.pk, "outcome": "reverse", "note": "Doch."}
    )
    assert response.status_code == 404
    appeal.refresh_from_db()
    comment.refresh_from_db()
    assert appeal.status == AppealStatus.OPEN
    assert comment.status == CommentStatus.REJECTED


def test_appeals_page_is_for_moderators_only(client: Any, reader: Any) -> None:
    response = client.get(APPEALS_URL)
    assert response.status_code == 302 and "/konto/login/" in response["Location"]
    client.force_login(reader)
    assert client.get(APPEALS_URL).status_code == 403
    assert (
        client.post(APPEALS_URL, {"appeal": 1, "outcome": "uphold", "note": "x"}).status_code == 403
    )


def test_appeals_page_has_constant_queries(
    client: Any,
    reader: Any,
    make_user: Callable[..., Any],
    colleague: Any,
    reject: Callable[..., Comment],
    django_assert_num_queries: Any,
) -> None:
    appeal_for(reader, reject(author=reader))
    client.force_login(colleague)
    with CaptureQueriesContext(connection) as few:
        assert client.get(APPEALS_URL).status_code == 200
    for n in range(4):
        author = make_user(f"Autorin {n}")
        appeal_for(author, reject(author=author))
    assert Appeal.objects.count() == 5
    with django_assert_num_queries(len(few.captured_queries)):
        response = client.get(APPEALS_URL)
    assert response.content.decode().count('class="appeal"') == 5
    # session, user, the moderator's sites, the header's site-admin link, the appeals
    assert len(few.captured_queries) == 5


def test_appeal_against_an_all_sites_ban_goes_to_administrators(
    client: Any,
    reader: Any,
    colleague: Any,
    make_user: Callable[..., Any],
) -> None:
    from debatte.moderation.restrictions import restriction_status
    from debatte.moderation.services.users import ban_user

    admin = make_user("Administratorin", staff=True, is_superuser=True)
    ban_user(reader, moderator=admin, reason="Wiederholte Beleidigungen.", site=None)
    statement = StatementOfReasons.objects.get(user=reader, decision="user.ban")
    assert statement.site_id is None
    appeal = submit_appeal(statement, user=reader, text="Ich habe niemanden beleidigt.")

    client.force_login(colleague)
    assert f"widerspruch-{appeal.pk}" not in client.get(APPEALS_URL).content.decode()

    other_admin = make_user("Administrator", staff=True, is_superuser=True)
    client.force_login(other_admin)
    assert f'id="widerspruch-{appeal.pk}"' in client.get(APPEALS_URL).content.decode()
    response = client.post(
        APPEALS_URL, {"appeal": appeal.pk, "outcome": "reverse", "note": "Aufgehoben."}
    )
    assert response.status_code == 302
    reader.refresh_from_db()
    assert not restriction_status(reader, default_site_id()).banned


def test_appeal_against_a_site_ban_goes_to_that_sites_moderators(
    client: Any,
    reader: Any,
    site_moderator: Any,
    colleague: Any,
    stranger_moderator: Any,
) -> None:
    """Issue: site restrictions had no site, so only administrators saw their appeals."""
    from debatte.moderation.models import AuditEntry
    from debatte.moderation.restrictions import restriction_status
    from debatte.moderation.services.users import ban_user

    site = Site.objects.get(pk=default_site_id())
    ban_user(reader, moderator=site_moderator, reason="Wiederholte Beleidigungen.", site=site)
    statement = StatementOfReasons.objects.get(user=reader, decision="user.ban")
    assert statement.site_id == site.pk
    appeal = submit_appeal(statement, user=reader, text="Ich habe niemanden beleidigt.")

    client.force_login(stranger_moderator)
    assert f"widerspruch-{appeal.pk}" not in client.get(APPEALS_URL).content.decode()
    client.force_login(colleague)
    assert f'id="widerspruch-{appeal.pk}"' in client.get(APPEALS_URL).content.decode()
    response = client.post(
        APPEALS_URL, {"appeal": appeal.pk, "outcome": "reverse", "note": "Aufgehoben."}
    )
    assert response.status_code == 302
    reader.refresh_from_db()
    assert not restriction_status(reader, site.pk).banned
    lifted = AuditEntry.objects.get(verb="user.unrestrict")
    assert (lifted.actor, lifted.site_id) == (colleague, site.pk)
    assert lifted.details == {"kinds": ["ban"]}
