"""Re-running, dry runs, numbering in order of writing, the command line and escaping."""

from datetime import UTC, datetime, timedelta
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from debatte.articles.models import Article
from debatte.discussions.models import Comment
from debatte.importers.authors import Authors
from debatte.importers.loader import import_article
from debatte.importers.records import ArticleRecord, CommentRecord
from tests.importers.conftest import realworld

pytestmark = pytest.mark.django_db


def at(day: int) -> datetime:
    return datetime(2024, 1, day, tzinfo=UTC)


def record(*comments: CommentRecord) -> ArticleRecord:
    return ArticleRecord(key="src-1", title="Quelle", ref="1", comments=list(comments))


def comment(ref: str, day: int, parent: str = "", body: str = "") -> CommentRecord:
    return CommentRecord(
        author_name="Gast", body=body or ref, created_at=at(day), import_ref=ref, parent_ref=parent
    )


def test_import_numbers_in_order_of_writing_not_file_order():
    rec = record(
        comment("c", 3),
        comment("a", 1),
        comment("a2", 5, "a"),
        comment("a1", 2, "a"),
        comment("a21", 4, "a2"),
        comment("b", 2),
    )
    import_article(rec, authors=Authors(dry_run=False))
    got = {c.import_ref: (c.label, c.parent_reply_number) for c in Comment.objects.all()}
    assert got == {
        "a": ("#1", None),
        "b": ("#2", None),
        "c": ("#3", None),
        "a1": ("#1.1", None),
        "a21": ("#1.2", 3),
        "a2": ("#1.3", None),
    }
    article = Article.objects.get(key="src-1")
    assert (article.last_comment_number, article.comment_count) == (3, 6)
    thread = Comment.objects.get(import_ref="a")
    assert (thread.last_reply_number, thread.reply_count) == (3, 3)


def test_ip_addresses_older_than_the_retention_period_are_not_imported():
    from dataclasses import replace

    from django.utils import timezone

    recent = timezone.now() - timedelta(days=2)
    rec = record(
        replace(comment("old", 1), ip_address="203.0.113.7"),
        replace(comment("new", 2), ip_address="203.0.113.8", created_at=recent),
    )
    import_article(rec, authors=Authors(dry_run=False))
    ips = dict(Comment.objects.values_list("import_ref", "ip_address"))
    assert ips == {"old": None, "new": "203.0.113.8"}


def test_reimport_adds_only_new_comments_with_next_numbers():
    import_article(record(comment("a", 1), comment("a1", 2, "a")), authors=Authors(dry_run=False))
    result = import_article(
        record(comment("a", 1), comment("a1", 2, "a"), comment("a2", 3, "a"), comment("b", 4)),
        authors=Authors(dry_run=False),
    )
    assert (result.added, result.skipped, result.created) == (2, 2, False)
    labels = dict(Comment.objects.values_list("import_ref", "number"))
    assert labels == {"a": 1, "a1": 1, "a2": 1, "b": 2}
    assert Comment.objects.get(import_ref="a2").reply_number == 2
    assert Comment.objects.get(import_ref="a").last_reply_number == 2


def test_reimporting_a_file_adds_nothing(import_file):
    import_file("wp-importer-wxr/theme-unit-test-data.xml")
    before = (Article.objects.count(), Comment.objects.count())
    report = import_file("wp-importer-wxr/theme-unit-test-data.xml")
    assert (report.comments_added, report.articles_created) == (0, 0)
    assert report.comments_skipped == 33
    assert (Article.objects.count(), Comment.objects.count()) == before


def test_dry_run_writes_nothing_and_reports_problems(import_file):
    report = import_file("remark42-testdata/migrator__disqus.xml", dry_run=True)
    assert (report.comments_added, report.articles_created, report.accounts_created) == (6, 2, 4)
    assert any("stray byte" in str(p) for p in report.problems)
    assert Article.objects.count() == Comment.objects.count() == 0
    from debatte.accounts.models import User

    assert not User.objects.exists()


def test_import_command_reports_summary_and_problems():
    out, err = StringIO(), StringIO()
    call_command(
        "import_comments",
        str(realworld("isso-tests/disqus.xml")),
        "--dry-run",
        stdout=out,
        stderr=err,
    )
    assert "would import 5 comments" in out.getvalue()
    assert "unknown thread '1337'" in err.getvalue()
    assert not Comment.objects.exists()
    call_command("import_comments", str(realworld("isso-tests/disqus.xml")), stdout=out, stderr=err)
    assert Comment.objects.count() == 5


def test_import_command_error_names_position():
    with pytest.raises(CommandError, match=r"line 90, column 2: not well-formed XML"):
        call_command("import_comments", str(realworld("wp-importer-wxr/malformed.xml")))


def test_xml_entity_bomb_is_refused(tmp_path):
    bomb = tmp_path / "bomb.xml"
    bomb.write_text(
        '<?xml version="1.0"?><!DOCTYPE d [<!ENTITY a "aaaa"><!ENTITY b "&a;&a;&a;">]>'
        "<disqus><post>&b;</post></disqus>"
    )
    with pytest.raises(CommandError, match="unsafe XML"):
        call_command("import_comments", str(bomb), "--format", "disqus")


def test_imported_markup_is_text_and_escaped_on_the_page(client, tmp_path):
    path = tmp_path / "xss.xml"
    path.write_text(
        '<?xml version="1.0"?><disqus xmlns:dsq="http://disqus.com/disqus-internals">'
        '<thread dsq:id="1"><title>&lt;script&gt;alert("t")&lt;/script&gt;</title></thread>'
        '<post dsq:id="2"><message><![CDATA[<p>Hallo <script>alert(1)</script>'
        "<img src=x onerror=alert(2)> &lt;script&gt;alert(3)&lt;/script&gt;</p>]]></message>"
        '<createdAt>2020-01-01T00:00:00Z</createdAt><thread dsq:id="1"/></post></disqus>',
        encoding="utf-8",
    )
    call_command("import_comments", str(path), stdout=StringIO())
    body = Comment.objects.get().body
    assert body == "Hallo x <script>alert(3)</script>"
    response = client.get(Article.objects.get().get_absolute_url())
    html = response.content.decode()
    assert response.status_code == 200
    assert "Hallo x &lt;script&gt;alert(3)&lt;/script&gt;" in html
    assert "<script>alert" not in html
    assert "onerror" not in html


def test_isso_database_with_pending_and_deleted_comments(tmp_path):
    import sqlite3

    path = tmp_path / "comments.db"
    db = sqlite3.connect(path)
    db.executescript(
        "CREATE TABLE threads (id INTEGER PRIMARY KEY, uri VARCHAR UNIQUE, title VARCHAR);"
        "CREATE TABLE comments (tid REFERENCES threads(id), id INTEGER PRIMARY KEY, parent INTEGER,"
        " created FLOAT, modified FLOAT, mode INTEGER, remote_addr VARCHAR, text VARCHAR,"
        " author VARCHAR, email VARCHAR, website VARCHAR, likes INTEGER, dislikes INTEGER,"
        " voters BLOB, notification INTEGER);"
        "INSERT INTO threads VALUES (1, '/blog/eins/', 'Eins');"
        "INSERT INTO comments (tid, id, parent, created, mode, text, author) VALUES"
        " (1, 1, NULL, 1600000000, 4, '', 'Anna'), (1, 2, 1, 1600000100, 1, 'Noch da', NULL),"
        " (1, 3, NULL, 1600000200, 2, 'Wartet', 'Bert');"
    )
    db.commit()
    db.close()
    call_command("import_comments", str(path), stdout=StringIO())
    got = {c.import_ref: (c.label, c.status, c.author_name) for c in Comment.objects.all()}
    assert got == {
        "isso:1": ("#1", "deleted", "Anna"),
        "isso:2": ("#1.1", "published", "Gast"),
        "isso:3": ("#2", "pending", "Bert"),
    }
