"""The seed page in and out: `debatte import-page` and `debatte export-page`."""

from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from debatte.accounts.models import User
from debatte.articles.models import Article
from debatte.discussions.models import Comment

pytestmark = pytest.mark.django_db
AS_OF = "2022-07-08"


def import_page(path: Path, key: str = "seed") -> str:
    out = StringIO()
    call_command("import_page", str(path), key=key, title="Nato", as_of=AS_OF, stdout=out)
    return out.getvalue()


def export_page(key: str = "seed", language: str = "de") -> str:
    out = StringIO()
    call_command("export_page", key, as_of=AS_OF, language=language, stdout=out)
    return out.getvalue()


@pytest.fixture
def seed_file(tmp_path, seed_text):
    path = tmp_path / "seed.txt"
    path.write_text(seed_text, encoding="utf-8")
    return path


def test_import_page_reads_article_structure(seed_file):
    message = import_page(seed_file)
    assert "8 comments in 4 threads, 3 subheadings" in message
    article = Article.objects.get(key="seed")
    assert article.lead.startswith("Die Nato hat ihre Bereitschaft zum Dialog mit Russland betont.")
    headings = [block["text"] for block in article.body if block["kind"] == "heading"]
    assert headings == [
        "Baerbock: Grundlage sind Kernprinzipien der europäischen Sicherheitsordnung",
        "Stoltenberg: Russland muss auch auf Sorgen der Alliierten eingehen",
        "US-Außenminister Blinken droht mit massiven Konsequenzen",
    ]
    paragraphs = [block["text"] for block in article.body if block["kind"] == "paragraph"]
    # Soft line breaks inside sentences are joined.
    assert paragraphs[2].startswith(
        "Hintergrund der Krisensitzung waren russische Forderungen nach neuen "
        "Sicherheitsvereinbarungen sowie"
    )
    assert paragraphs[3].startswith("Außenministerin Annalena Baerbock (Grüne) sagte:")


def test_import_page_builds_numbered_comment_tree(seed_file):
    import_page(seed_file)
    comments = list(Comment.objects.order_by("number", "reply_number"))
    assert [c.label for c in comments] == ["#1", "#1.1", "#2", "#2.1", "#3", "#3.1", "#4", "#4.1"]
    assert [c.author_name for c in comments[:3]] == ["Kapaster d.J.", "Martin Köster", "Hapsch"]
    assert comments[1].thread_id == comments[0].pk
    assert comments[1].body.startswith("mhh ...\nzumindest lässt putin")
    assert comments[1].body.endswith("ich jedenfalls nicht, ganz im gegenteil.")
    assert comments[6].body.splitlines()[2] == "https://www.dekoder.org/de/a…"
    assert User.objects.filter(display_name="ZL19").exists()
    article = Article.objects.get(key="seed")
    assert (article.last_comment_number, article.comment_count) == (4, 8)
    assert all(
        later.created_at > earlier.created_at
        for earlier, later in zip(comments, comments[1:], strict=False)
    )


def test_export_page_reproduces_seed_comments_byte_for_byte(seed_file, seed_text):
    import_page(seed_file)
    exported = export_page()
    start = seed_text.index("\nKommentare\n") + 1
    exported_start = exported.index("\nKommentare\n") + 1
    assert exported[exported_start:].rstrip("\n") == seed_text[start:].rstrip("\n")
    assert exported.split() == seed_text.split()


def test_export_page_in_english_uses_english_ages(seed_file):
    import_page(seed_file)
    assert "#1 — 6 months agoWem immer" in export_page(language="en")


def test_exported_page_imports_again_to_the_same_structure(seed_file, tmp_path):
    import_page(seed_file)
    again = tmp_path / "again.txt"
    again.write_text(export_page(), encoding="utf-8")
    import_page(again, key="again")
    first = Article.objects.get(key="seed")
    second = Article.objects.get(key="again")
    assert first.lead == second.lead
    assert first.body == second.body
    assert list(
        first.comments.order_by("number", "reply_number").values_list("body", flat=True)
    ) == list(second.comments.order_by("number", "reply_number").values_list("body", flat=True))


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("Nur ein Absatz ohne Kommentare.\n", 'no line "Kommentare"'),
        ("Absatz.\nKommentare\nIrgendein Text ohne Kommentar\n", "unknown text"),
        ("Absatz.\nKommentare\nAutor\n#1 — letzten DienstagText\n", "cannot read the age"),
        (
            "Absatz.\nKommentare\nAutor\n#1 — vor 2 TagenText\nZweiter\n#1.1 — vor 1 Tag",
            "without text",
        ),
        ("Absatz.\nKommentare\nAutor\n#2.1 — vor 2 TagenText\n", "has no comment #2"),
        ("Absatz.\nKommentare\nA\n#2 — vor 2 TagenX\nB\n#1 — vor 2 TagenY\n", "out of order"),
    ],
)
def test_import_page_refuses_broken_pages_and_imports_nothing(tmp_path, text, message):
    path = tmp_path / "broken.txt"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(CommandError) as error:
        import_page(path)
    assert message in str(error.value)
    assert (
        "line" in str(error.value) or "Nothing" in str(error.value) or "nothing" in str(error.value)
    )
    assert not Article.objects.exists()
    assert not Comment.objects.exists()


def test_import_page_with_heading_but_no_comments_imports_empty_discussion(tmp_path):
    path = tmp_path / "empty.txt"
    path.write_text("Ein Absatz.\nKommentare\n", encoding="utf-8")
    import_page(path)
    assert Article.objects.get(key="seed").comment_count == 0


@pytest.mark.parametrize("cut_after", ["#4.1 — vor 6", "#4.1 — vor 6 Monaten"])
def test_truncated_seed_page_is_refused(seed_text, tmp_path, cut_after):
    truncated = tmp_path / "truncated.txt"
    end = seed_text.rindex("#4.1") + len(cut_after)
    truncated.write_text(seed_text[:end], encoding="utf-8")
    with pytest.raises(CommandError, match="line 60"):
        import_page(truncated)
    assert not Article.objects.exists()
    assert not User.objects.exists()


def test_import_page_refuses_existing_key(seed_file):
    import_page(seed_file)
    with pytest.raises(CommandError) as error:
        import_page(seed_file)
    assert "exists already" in str(error.value)
    assert Comment.objects.count() == 8


def test_import_page_refuses_bad_date_and_missing_file(seed_file, tmp_path):
    with pytest.raises(CommandError, match="--as-of"):
        call_command("import_page", str(seed_file), key="x", title="t", as_of="08.07.2022")
    with pytest.raises(CommandError, match="cannot read"):
        call_command("import_page", str(tmp_path / "missing.txt"), key="x", title="t", as_of=AS_OF)


def test_export_page_of_unknown_article_is_an_error():
    with pytest.raises(CommandError, match="no article"):
        export_page("missing")
