"""The moderators' page of a reader: comments, decisions, notes and linked accounts, each on
the moderator's sites only, in a fixed number of queries."""

from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from debatte.accounts.services import delete_account
from debatte.articles.models import Site, SiteMembership
from debatte.discussions.models import Comment
from debatte.discussions.services import post_comment
from debatte.moderation.models import AuditEntry, ModeratorNote
from debatte.moderation.services.decisions import reject_comment
from debatte.moderation.services.notes import add_moderator_note
from debatte.moderation.services.users import warn_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def article_b(make_article: Any, site_b: Site) -> Any:
    return make_article(site=site_b, key="anderswo")


def page(user: Any, query: str = "") -> str:
    return reverse("moderation-user", args=[user.pk]) + query


def logged_in(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def write(article: Any, author: Any, body: str, ip: str | None = None) -> Comment:
    return post_comment(article, author=author, body=body, ip_address=ip)


def test_the_page_shows_comments_on_the_moderators_sites_only(
    reader: Any, article: Any, article_b: Any, site_moderator: Any
) -> None:
    mine = write(article, reader, "Hier auf meiner Seite.")
    write(article_b, reader, "Dort auf der anderen Seite.")
    html = logged_in(site_moderator).get(page(reader)).content.decode()
    assert "Hier auf meiner Seite." in html
    assert reverse("moderation-queue-item", args=[mine.pk]) in html
    assert mine.get_absolute_url() in html
    assert "Dort auf der anderen Seite." not in html


def test_comments_are_paged_by_keyset_newest_first(
    reader: Any, article: Any, site_moderator: Any
) -> None:
    now = timezone.now()
    for n in range(30):
        comment = write(article, reader, f"Beitrag Nummer {n:02d}.")
        Comment.objects.filter(pk=comment.pk).update(created_at=now - timedelta(minutes=30 - n))
    client = logged_in(site_moderator)
    first = client.get(page(reader)).content.decode()
    assert "Beitrag Nummer 29." in first and "Beitrag Nummer 05." in first
    assert "Beitrag Nummer 04." not in first
    oldest_shown = Comment.objects.get(body="Beitrag Nummer 05.")
    assert f"?vor={oldest_shown.pk}" in first
    second = client.get(page(reader, f"?vor={oldest_shown.pk}")).content.decode()
    assert "Beitrag Nummer 04." in second and "Beitrag Nummer 00." in second
    assert "Beitrag Nummer 05." not in second and 'rel="next"' not in second


def test_a_cursor_that_is_no_number_shows_the_newest(
    reader: Any, article: Any, site_moderator: Any
) -> None:
    write(article, reader, "Neuester Beitrag.")
    response = logged_in(site_moderator).get(page(reader, "?vor=abc"))
    assert response.status_code == 200 and "Neuester Beitrag." in response.content.decode()


def test_decisions_and_statements_are_listed(
    reader: Any, article: Any, site_moderator: Any, reject_reason: Any, site: Site
) -> None:
    comment = write(article, reader, "Ein unsachlicher Beitrag.")
    reject_comment(comment, moderator=site_moderator, reason=reject_reason)
    warn_user(reader, moderator=site_moderator, reason="Ton beachten", site=site)
    html = logged_in(site_moderator).get(page(reader)).content.decode()
    assert "comment.reject" in html and "user.warn" in html
    assert "Ton beachten" in html


def test_decisions_on_another_site_stay_hidden(
    reader: Any, article_b: Any, site_b: Site, make_user: Any, site_moderator: Any
) -> None:
    other = make_user("Moderatorin B")
    SiteMembership.objects.create(site=site_b, user=other, role="moderator")
    warn_user(reader, moderator=other, reason="Nur auf Seite B", site=site_b)
    html = logged_in(site_moderator).get(page(reader)).content.decode()
    assert "Nur auf Seite B" not in html


def test_a_moderator_adds_a_note_and_it_is_audited(
    reader: Any, site: Site, site_moderator: Any
) -> None:
    client = logged_in(site_moderator)
    body = {"form": "note", "site": site.pk, "text": "Hat per Mail um Entschuldigung gebeten."}
    response = client.post(page(reader), body)
    assert response.status_code == 302
    note = ModeratorNote.objects.get()
    assert (note.user, note.site, note.author) == (reader, site, site_moderator)
    entry = AuditEntry.objects.get(verb="user.note_add")
    assert entry.subject_user == reader and entry.actor == site_moderator
    assert entry.site_id == site.pk and entry.details["note"] == note.pk
    html = client.get(page(reader)).content.decode()
    assert "Hat per Mail um Entschuldigung gebeten." in html


def test_a_note_shows_the_authors_initials(reader: Any, site: Site, site_moderator: Any) -> None:
    site_moderator.initials = "ab"
    site_moderator.save(update_fields=["initials"])
    add_moderator_note(reader, site=site, moderator=site_moderator, text="Notiz")
    html = logged_in(site_moderator).get(page(reader)).content.decode()
    assert "Die Redaktion/ab" in html or "The editors/ab" in html


@pytest.mark.parametrize("text", ["", "   ", "x" * 2001])
def test_an_empty_or_too_long_note_is_refused(
    reader: Any, site: Site, site_moderator: Any, text: str
) -> None:
    response = logged_in(site_moderator).post(
        page(reader), {"form": "note", "site": site.pk, "text": text}
    )
    assert response.status_code == 400
    assert 'role="alert"' in response.content.decode()
    assert not ModeratorNote.objects.exists() and not AuditEntry.objects.exists()


def test_a_note_cannot_be_written_for_another_site(
    reader: Any, site_b: Site, site_moderator: Any
) -> None:
    response = logged_in(site_moderator).post(
        page(reader), {"form": "note", "site": site_b.pk, "text": "Fremd"}
    )
    assert response.status_code == 400
    assert not ModeratorNote.objects.exists()


def test_notes_are_seen_and_deleted_by_moderators_of_their_site_only(
    reader: Any,
    site: Site,
    site_b: Site,
    site_moderator: Any,
    second_moderator: Any,
    make_user: Any,
) -> None:
    note = add_moderator_note(reader, site=site, moderator=site_moderator, text="Geheimnotiz")
    outsider = make_user("Moderatorin B")
    SiteMembership.objects.create(site=site_b, user=outsider, role="moderator")
    assert "Geheimnotiz" not in logged_in(outsider).get(page(reader)).content.decode()
    delete = {"form": "note-delete", "note": note.pk}
    assert logged_in(outsider).post(page(reader), delete).status_code == 404
    assert ModeratorNote.objects.exists()
    # Any moderator of the site may delete it, not only its author.
    assert logged_in(second_moderator).post(page(reader), delete).status_code == 302
    assert not ModeratorNote.objects.exists()
    entry = AuditEntry.objects.get(verb="user.note_delete")
    assert entry.actor == second_moderator and entry.details["note"] == note.pk


def test_the_reader_never_sees_notes(
    reader: Any, site: Site, site_moderator: Any, article: Any
) -> None:
    add_moderator_note(reader, site=site, moderator=site_moderator, text="Interne Sache")
    client = logged_in(reader)
    assert client.get(page(reader)).status_code == 403
    assert "Interne Sache" not in client.get(reverse("profile", args=[reader.pk])).content.decode()
    export = client.get(reverse("account-data-export")).content.decode()
    assert "Interne Sache" not in export


def test_notes_go_with_the_account_and_the_audit_keeps_no_text(
    reader: Any, site: Site, site_moderator: Any
) -> None:
    add_moderator_note(reader, site=site, moderator=site_moderator, text="Kapaster schreibt viel")
    delete_account(reader, remove_comments=True)
    assert not ModeratorNote.objects.exists()
    assert AuditEntry.objects.filter(verb="user.note_add").exists()
    assert not AuditEntry.objects.filter(details__icontains="schreibt viel").exists()
    assert not AuditEntry.objects.filter(reason__icontains="schreibt viel").exists()


def test_a_moderators_notes_stay_when_the_moderator_deletes_their_account(
    reader: Any, site: Site, site_moderator: Any, second_moderator: Any
) -> None:
    add_moderator_note(reader, site=site, moderator=site_moderator, text="Bleibt stehen")
    delete_account(site_moderator, remove_comments=True)
    note = ModeratorNote.objects.get()
    assert note.author is None
    html = logged_in(second_moderator).get(page(reader)).content.decode()
    assert "Bleibt stehen" in html


def test_linked_accounts_share_an_address_on_the_same_site(
    reader: Any,
    other_reader: Any,
    make_user: Any,
    article: Any,
    article_b: Any,
    site_moderator: Any,
) -> None:
    elsewhere = make_user("Nur Anderswo")
    write(article, reader, "Von der Adresse eins.", ip="203.0.113.7")
    write(article, other_reader, "Zweitkonto von derselben Adresse.", ip="203.0.113.7")
    write(article_b, reader, "Auf Seite B.", ip="198.51.100.1")
    write(article_b, elsewhere, "Auch auf Seite B.", ip="198.51.100.1")
    html = logged_in(site_moderator).get(page(reader)).content.decode()
    assert reverse("moderation-user", args=[other_reader.pk]) in html
    assert "Nur Anderswo" not in html
    assert "203.0.113.7" not in html  # the address itself is never shown


def test_linked_accounts_end_with_the_address_retention(
    reader: Any, other_reader: Any, article: Any, site_moderator: Any, settings: Any
) -> None:
    old = write(article, other_reader, "Vor langer Zeit.", ip="203.0.113.7")
    Comment.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(days=40))
    write(article, reader, "Heute.", ip="203.0.113.7")
    settings.DEBATTE = {**settings.DEBATTE, "IP_RETENTION_DAYS": 30}
    html = logged_in(site_moderator).get(page(reader)).content.decode()
    assert reverse("moderation-user", args=[other_reader.pk]) not in html


def test_linked_accounts_can_be_switched_off(
    reader: Any, other_reader: Any, article: Any, site_moderator: Any, settings: Any
) -> None:
    write(article, reader, "Eins.", ip="203.0.113.7")
    write(article, other_reader, "Zwei.", ip="203.0.113.7")
    settings.DEBATTE = {**settings.DEBATTE, "SHOW_LINKED_ACCOUNTS": False}
    html = logged_in(site_moderator).get(page(reader)).content.decode()
    assert 'id="verknuepft"' not in html
    assert reverse("moderation-user", args=[other_reader.pk]) not in html


def fill(
    reader: Any, other_reader: Any, article: Any, moderator: Any, site: Site, numbers: range
) -> None:
    for i in numbers:
        comment = write(article, reader, f"Text {i} von mir.", ip="203.0.113.7")
        write(article, other_reader, f"Text {i} vom Zweitkonto.", ip="203.0.113.7")
        add_moderator_note(reader, site=site, moderator=moderator, text=f"Notiz {i}")
        warn_user(reader, moderator=moderator, reason=f"Warnung {i}", comment=comment)


def test_the_page_reads_in_the_same_number_of_queries_however_much_there_is(
    reader: Any,
    other_reader: Any,
    article: Any,
    site_moderator: Any,
    site: Site,
    django_assert_num_queries: Any,
    django_assert_max_num_queries: Any,
) -> None:
    client = logged_in(site_moderator)
    fill(reader, other_reader, article, site_moderator, site, range(1))
    client.get(page(reader))  # warm caches (site, session)
    with django_assert_max_num_queries(60) as few:
        assert client.get(page(reader)).status_code == 200
    fill(reader, other_reader, article, site_moderator, site, range(1, 7))
    with django_assert_num_queries(len(few.captured_queries)):
        response = client.get(page(reader))
    assert response.content.decode().count('class="note__text"') == 7
