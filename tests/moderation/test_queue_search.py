"""Full-text search in the queues: PostgreSQL's German configuration or SQLite's FTS5 table,
whichever database the tests run on (make pytest-postgres runs this file on PostgreSQL)."""

import importlib
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection
from django.test import Client

from debatte.articles.models import Article, Site
from debatte.discussions.models import Comment
from debatte.moderation.queue_selectors import Queue, QueueFilter, get_queue_page
from debatte.moderation.search import fts5_query

pytestmark = pytest.mark.django_db

QUEUE_URL = "/moderation/"
migration = importlib.import_module("debatte.discussions.migrations.0005_comment_full_text_search")


def found(moderator: Any, text: str, queue: Queue = Queue.PENDING) -> list[int]:
    page = get_queue_page(moderator, queue=queue, scope=QueueFilter(search=text))
    return sorted(item.comment.pk for item in page.items)


def test_search_finds_words_of_the_text_in_any_case_and_inflection(
    mod: Any, article: Any, make_comment: Callable[..., Any]
) -> None:
    insult = make_comment(article, body="Das sind doch alles Idioten und Schwurbler!")
    calm = make_comment(article, body="Ich sehe das anders, aus guten Gründen.")
    assert found(mod, "Idiot") == [insult.pk]  # German stem (PostgreSQL), word start (SQLite)
    assert found(mod, "schwurbler") == [insult.pk]
    assert found(mod, "idioten schwurbler") == [insult.pk]  # every word
    assert found(mod, "idioten gründen") == []
    assert found(mod, "Gründen") == [calm.pk]
    assert found(mod, "Fußball") == []


def test_search_finds_part_of_the_authors_name(
    mod: Any, article: Any, reader: Any, other_reader: Any, make_comment: Callable[..., Any]
) -> None:
    by_martin = make_comment(article, author=other_reader, body="Ein Beitrag.")
    make_comment(article, author=reader, body="Noch ein Beitrag.")
    assert found(mod, "köster") == [by_martin.pk]
    assert found(mod, "Martin K") == [by_martin.pk]
    # The account's current display name counts too.
    other_reader.display_name = "Umbenannt"
    other_reader.save(update_fields=["display_name"])
    assert found(mod, "umbenannt") == [by_martin.pk]


def test_search_input_is_never_query_syntax(
    mod: Any, article: Any, make_comment: Callable[..., Any]
) -> None:
    comment = make_comment(article, body="Ein Kommentar über NEAR und OR.")
    for text in ('"', "*", "NEAR(", "a OR", "-x", "^", "')--", "body:x", "!!", "%", "\\"):
        found(mod, text)  # no database error
    assert found(mod, '"Kommentar" OR') == [comment.pk]
    assert fts5_query('ab"c d*') == '"ab"* "c"* "d"*'


def test_search_stays_within_the_moderators_sites_and_the_queue(
    mod: Any, article: Any, make_comment: Callable[..., Any], make_user: Callable[..., Any]
) -> None:
    away = Site.objects.create(name="Anderes Blatt", slug="anderes-blatt", moderation_mode="pre")
    away_article = Article.objects.create(site=away, key="anders", title="Anders", lead=".")
    make_comment(away_article, author=make_user("Zweite"), body="Schwurbler anderswo.")
    here = make_comment(article, body="Schwurbler hier.")
    published = make_comment(article, body="Schwurbler, schon veröffentlicht.")
    Comment.objects.filter(pk=published.pk).update(status="published")
    assert found(mod, "schwurbler") == [here.pk]


def test_search_follows_edits_and_deletions_of_the_text(
    mod: Any, article: Any, make_comment: Callable[..., Any]
) -> None:
    comment = make_comment(article, body="Zuerst stand hier Quatsch.")
    Comment.objects.filter(pk=comment.pk).update(body="Jetzt steht hier Unsinn.")
    assert found(mod, "quatsch") == []
    assert found(mod, "unsinn") == [comment.pk]
    other = make_comment(article, body="Auch Unsinn.")
    Comment.objects.filter(pk=other.pk).delete()
    assert found(mod, "unsinn") == [comment.pk]


def test_the_migration_indexes_comments_written_before_it(
    mod: Any, article: Any, make_comment: Callable[..., Any]
) -> None:
    statements = {"postgresql": migration.POSTGRESQL_BACKWARD, "sqlite": migration.SQLITE_BACKWARD}
    forward = {"postgresql": migration.POSTGRESQL_FORWARD, "sqlite": migration.SQLITE_FORWARD}
    with connection.cursor() as cursor:
        for sql in statements[connection.vendor]:
            cursor.execute(sql)
    older = make_comment(article, body="Geschrieben vor der Suche: Wortungetüm.")
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # The comment's deferred foreign-key checks would block CREATE INDEX in this
            # transaction (a real migration runs in a transaction of its own).
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        for sql in forward[connection.vendor]:
            cursor.execute(sql)
    assert found(mod, "wortungetüm") == [older.pk]


def test_the_search_index_exists_on_this_database(db: None) -> None:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT indexdef FROM pg_indexes WHERE indexname = 'comment_body_fts'")
            (definition,) = cursor.fetchone()
            assert "gin" in definition and "to_tsvector('german'" in definition
        else:
            cursor.execute(
                "SELECT count(*) FROM sqlite_master WHERE name LIKE 'discussions_comment_fts%%'"
            )
            assert cursor.fetchone()[0] >= 4  # the table, its shadow tables and triggers


def test_search_box_on_the_queue_page_keeps_the_words_in_the_tabs(
    mod: Any, article: Any, make_comment: Callable[..., Any]
) -> None:
    hit = make_comment(article, body="Ein Schwurbler schreibt.")
    make_comment(article, body="Jemand anderes schreibt.")
    client = Client()
    client.force_login(mod)
    response = client.get(QUEUE_URL, {"q": "Schwurbler"})
    assert [entry.comment.pk for entry in response.context["items"]] == [hit.pk]
    assert all("q=Schwurbler" in tab["url"] for tab in response.context["tabs"])
    assert response.context["tabs"][0]["count"] == 1
    assert 'value="Schwurbler"' in response.content.decode()
