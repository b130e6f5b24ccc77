"""Every comment export in ../shared/data/realworld/ imports with its threads and nesting."""

import re

import pytest

from debatte.accounts.models import User
from debatte.articles.models import Article
from debatte.discussions.models import Comment
from debatte.importers.records import ImportFormatError

pytestmark = pytest.mark.django_db


def labels(key: str) -> list[str]:
    return [
        c.label for c in Comment.objects.filter(article__key=key).order_by("number", "reply_number")
    ]


def test_isso_disqus_fixture_imports_threads_replies_and_tombstones(import_file):
    report = import_file("isso-tests/disqus.xml")
    assert report.format == "disqus"
    assert Article.objects.count() == 2  # threads 2 and 7; thread 3 has no posts
    assert Comment.objects.count() == 5  # the orphan of thread 1337 is skipped
    assert any("unknown thread '1337'" in str(p) for p in report.problems)
    assert labels("disqus-2") == ["#1", "#1.1", "#2", "#2.1"]
    deleted = Comment.objects.get(import_ref="disqus:9")
    assert deleted.status == "deleted"
    reply = Comment.objects.get(import_ref="disqus:11")
    assert (reply.parent, reply.thread, reply.body) == (deleted, deleted, "Hello, World.")
    empty = Article.objects.get(key="disqus-7")
    assert empty.title == "http://localhost:4000/blog/2013/02/12/redacted/index.html"
    assert empty.comments.get().body == "Message from thread with empty title and id"
    # Anonymous "peter" is a named guest; "user" (not anonymous, e-mail) an account.
    assert Comment.objects.get(import_ref="disqus:4").author is None
    assert Comment.objects.get(import_ref="disqus:5").author.email == "foo@bar.com"


def test_remark42_broken_disqus_fixture_imports_with_repairs_reported(import_file):
    report = import_file("remark42-testdata/migrator__disqus.xml")
    messages = " | ".join(str(p) for p in report.problems)
    assert "stray byte" in messages and "without quotes" in messages
    assert "unreadable date '2011-x09-30T22:48:43Z'" in messages
    assert "post without dsq:id" in messages
    assert Article.objects.count() == 2
    assert Comment.objects.count() == 6
    first = Comment.objects.get(import_ref="disqus:299619020")
    assert first.body == (
        "The quick brown fox jumps over the lazy dog.\n\nsome link (https://https://radio-t.com)"
    )
    assert Comment.objects.get(import_ref="disqus:299986073").status == "rejected"  # spam
    assert Article.objects.get(key="disqus-247937687").discussion_status == "closed"


def test_remark42_disqus_deleted_post_and_thread(import_file):
    import_file("remark42-testdata/migrator__disqus-deleted-post.xml")
    assert Comment.objects.get(import_ref="disqus:299619020").status == "deleted"
    Article.objects.all().delete()
    import_file("remark42-testdata/migrator__disqus-deleted-thread.xml")
    assert Article.objects.get(key="disqus-247937687").discussion_status == "none"


def test_isso_wordpress_fixture_keeps_nesting_and_german_bodies(import_file):
    report = import_file("isso-tests/wordpress.xml")
    assert report.format == "wxr"
    article = Article.objects.get()
    assert article.comments.count() == 7
    bodies = list(article.comments.values_list("body", flat=True))
    assert "Erster!1" in bodies
    replies = article.comments.filter(reply_number__gt=0)
    assert replies.exists()
    assert all(r.thread_id and r.parent_id for r in replies)


def test_theme_unit_test_data_keeps_ten_levels_as_two_with_real_parents(import_file):
    report = import_file("wp-importer-wxr/theme-unit-test-data.xml")
    assert Comment.objects.count() == 33
    assert report.articles_created == Article.objects.count()
    deepest = Comment.objects.get(body__startswith="Comment Depth 10")
    chain = 0
    current = deepest
    while current.parent_id:
        current = current.parent
        chain += 1
    assert chain == 9
    assert deepest.thread == current and deepest.number == current.number
    assert deepest.parent_reply_number == deepest.parent.reply_number
    assert Comment.objects.filter(status="pending").count() == 3  # comment_approved 0
    html_heavy = Comment.objects.get(body__contains="Headings")
    assert not re.search(r"<(h1|h2|table|tr|sup)\b", html_heavy.body)  # markup is gone
    assert "\n\n" in html_heavy.body
    assert Comment.objects.filter(author_name="John Γιάννης Doe Κάποιος").exists()


def test_a11y_unit_test_data_comment_without_date_or_parent(import_file):
    import_file("wp-importer-wxr/a11y-unit-test-data.xml")
    assert Comment.objects.count() == 29
    assert Comment.objects.filter(thread__isnull=False).count() > 0


@pytest.mark.parametrize(
    ("name", "articles", "comments"),
    [
        ("wp-importer-wxr/valid-wxr-1.0.xml", None, 1),
        ("wp-importer-wxr/valid-wxr-1.1.xml", None, 1),
        ("wp-importer-wxr/small-export.xml", None, 1),
        ("wp-importer-wxr/test-serialized-comment-meta.xml", 1, 1),
        ("wp-importer-wxr/crazy-cdata-escaped.xml", 1, 0),
    ],
)
def test_wxr_namespace_versions_import(import_file, name, articles, comments):
    report = import_file(name)
    assert Comment.objects.count() == comments
    assert report.articles_created == Article.objects.count() > 0
    if articles is not None:
        assert Article.objects.count() == articles


def test_wordpress_sample_with_newline_before_declaration_and_pingback(import_file):
    report = import_file("remark42-testdata/migrator__wordpress-sample.xml")
    assert any("blank line before the XML" in str(p) for p in report.problems)
    assert Comment.objects.count() == 4
    pingback = Comment.objects.get(import_ref="wp:13")
    assert pingback.author_name == "Wednesday Reading « Cynwise's Battlefield Manual"
    reply = Comment.objects.get(import_ref="wp:14")
    assert (reply.parent, reply.label) == (pingback, f"#{pingback.number}.1")
    assert Comment.objects.get(import_ref="wp:9").status == "pending"


def test_utf8_challenges_keep_bidi_and_zero_width_characters(import_file):
    import_file("wp-importer-wxr/wxr-utf-8-challenges.xml")
    titles = "".join(Article.objects.values_list("title", flat=True))
    bodies = "".join(
        block["text"] for body in Article.objects.values_list("body", flat=True) for block in body
    )
    assert "\u202e" in titles + bodies
    assert any(ch in titles + bodies for ch in "\u200b\u200c\u200d\u2060")


@pytest.mark.parametrize(
    ("name", "position"),
    [("wp-importer-wxr/crazy-cdata.xml", "line 18"), ("wp-importer-wxr/malformed.xml", "line 90")],
)
def test_malformed_xml_names_position_and_imports_nothing(import_file, name, position):
    with pytest.raises(ImportFormatError) as caught:
        import_file(name)
    assert caught.value.position.startswith(position)
    assert "not well-formed" in caught.value.reason
    assert Article.objects.count() == Comment.objects.count() == 0


def test_isso_generic_json(import_file):
    import_file("isso-tests/generic.json")
    assert Article.objects.count() == 2
    assert set(Article.objects.values_list("title", flat=True)) == {"Test post", "Nat & Miguel"}
    assert Comment.objects.get(author_name="Richard Crinshaw").body == "Ja-make-a me crazzy mon :)"


def test_commento_export_with_reply_and_anonymous(import_file):
    import_file("remark42-testdata/migrator__commento.json")
    assert Article.objects.count() == 2
    reply = Comment.objects.get(body="Great reply!")
    assert reply.parent.body == "Example 2 comment created by user."
    assert reply.author.display_name == "Saturnin Uf"
    anonymous = Comment.objects.get(body="Example comment created by user.")
    assert (anonymous.author, anonymous.author_name) == (None, "Anonymous")


def test_commento_empty_bodies_and_undefined_email(import_file):
    report = import_file("remark42-testdata/rest_api__commento.json")
    assert Comment.objects.count() == 7
    assert Comment.objects.filter(reply_number__gt=0).count() == 2
    assert sum("empty text" in str(p) for p in report.problems) == 7
    assert not User.objects.filter(email="undefined").exists()


def test_remark42_backup_missing_parent_and_read_only_post(import_file):
    report = import_file("remark42-testdata/migrator__native-backup-sample.jsonl")
    assert report.format == "remark42"
    assert Comment.objects.count() == 2 and Comment.objects.filter(reply_number=0).count() == 2
    assert any("remark42:1234, which is missing" in str(p) for p in report.problems)
    first = Comment.objects.get(import_ref="remark42:efbc17f177ee1a1c0ee6e1e025749966ec071adc")
    assert first.body == "some text, link (http://radio-t.com)"
    assert first.article.discussion_status == "closed"


def test_remark42_real_thread_of_58_comments(import_file):
    import_file("remark42-testdata/store_service__tree_bench.json")
    assert Comment.objects.count() == 58
    assert Comment.objects.filter(reply_number=0).count() == 27
    assert Comment.objects.get(import_ref="remark42:3665976683").body == (
        "Новая реклама - позор! Отписка, немедленно!!111"
    )
    assert "https://hyper.is/ который" in Comment.objects.get(import_ref="remark42:3665991835").body


def test_remark42_tree_with_deleted_parent_keeps_replies(import_file):
    import_file("remark42-testdata/store_service__tree_del.json")
    assert Comment.objects.count() == 9
    deleted = Comment.objects.filter(status="deleted")
    assert deleted.exists()
    assert Comment.objects.filter(parent__in=deleted).exists()


def test_remark42_tree(import_file):
    import_file("remark42-testdata/store_service__tree.json")
    assert Comment.objects.count() == 12
