"""The word-list pages: per site, for its moderators; add, bulk import, delete, preview."""

import random
import string
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from debatte.articles.models import Article, Site
from debatte.core.exceptions import ActionError
from debatte.discussions.models import Comment
from debatte.discussions.services import post_comment
from debatte.moderation.models import AuditEntry, WordListEntry
from debatte.moderation.services.wordlist_admin import import_word_list, normalise_phrase
from debatte.moderation.wordlist_selectors import highlight, preview_word_list_entry
from debatte.moderation.wordlists import compile_word_list

pytestmark = pytest.mark.django_db


def url(site: Site, query: str = "") -> str:
    return reverse("moderation-wordlists", args=[site.pk]) + query


def logged_in(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def version(site: Site) -> int:
    site.refresh_from_db()
    return site.word_list_version


def test_only_the_sites_moderators_reach_its_word_lists(
    client: Client, site: Site, reader: Any, site_moderator: Any, other_site_moderator: Any
) -> None:
    assert client.get(url(site)).status_code == 302  # to the login
    assert logged_in(reader).get(url(site)).status_code == 403
    assert logged_in(other_site_moderator).get(url(site)).status_code == 403
    post = {"form": "add", "kind": "banned", "phrase": "idiot*"}
    assert logged_in(other_site_moderator).post(url(site), post).status_code == 403
    assert not WordListEntry.objects.exists()
    assert logged_in(site_moderator).get(url(site)).status_code == 200
    assert (
        logged_in(site_moderator).get(reverse("moderation-wordlists", args=[999])).status_code
        == 404
    )


def test_the_index_goes_to_the_moderators_first_site(site: Site, site_moderator: Any) -> None:
    response = logged_in(site_moderator).get(reverse("moderation-wordlists-index"))
    assert response.status_code == 302 and response["Location"] == url(site)


def test_adding_one_entry_is_normalised_audited_and_bumps_the_version(
    site: Site, site_moderator: Any
) -> None:
    before = version(site)
    response = logged_in(site_moderator).post(
        url(site), {"form": "add", "kind": "suspect", "phrase": "  Dumm**  Kopf "}
    )
    assert response.status_code == 302
    entry = WordListEntry.objects.get()
    assert (entry.kind, entry.phrase) == ("suspect", "dumm* kopf")
    assert version(site) == before + 1
    audit = AuditEntry.objects.get(verb="wordlist.add")
    assert audit.actor == site_moderator and audit.site_id == site.pk
    assert audit.details == {"kind": "suspect", "phrase": "dumm* kopf"}


@pytest.mark.parametrize(
    ("phrase", "message"),
    [
        ("***", "Platzhalter"),
        ("x" * 121, "120"),
        ("", "required"),
    ],
)
def test_bad_single_entries_are_refused_with_a_reason(
    site: Site, site_moderator: Any, phrase: str, message: str
) -> None:
    response = logged_in(site_moderator).post(
        url(site), {"form": "add", "kind": "banned", "phrase": phrase}
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert 'role="alert"' in html and (message in html or "erforderlich" in html), html
    assert not WordListEntry.objects.exists() and not AuditEntry.objects.exists()


def test_an_entry_already_listed_in_another_spelling_is_refused(
    site: Site, site_moderator: Any
) -> None:
    WordListEntry.objects.create(site=site, kind="banned", phrase="ärger")
    response = logged_in(site_moderator).post(
        url(site), {"form": "add", "kind": "banned", "phrase": "AERGER"}
    )
    assert response.status_code == 400
    assert WordListEntry.objects.count() == 1


def test_an_unknown_list_is_refused(site: Site, site_moderator: Any) -> None:
    response = logged_in(site_moderator).post(
        url(site), {"form": "add", "kind": "everything", "phrase": "x"}
    )
    assert response.status_code == 400 and not WordListEntry.objects.exists()


def five_thousand() -> list[str]:
    rng = random.Random(11)
    words = {
        "".join(rng.choices(string.ascii_lowercase, k=rng.randint(6, 14))) for _ in range(6000)
    }
    return sorted(words)[:5000]


def test_pasting_five_thousand_entries_takes_bounded_queries_and_one_version_bump(
    site: Site, site_moderator: Any, django_assert_max_num_queries: Any
) -> None:
    words = five_thousand()
    text = "\n".join([*words, "", "   ", words[0].upper(), "*", "y" * 200])
    client = logged_in(site_moderator)
    client.get(url(site))
    before = version(site)
    # One bulk_create: SQLite takes 249 rows an INSERT (its 999-variable limit), PostgreSQL all.
    with django_assert_max_num_queries(12 + 5000 // 249 + 1):
        response = client.post(url(site), {"form": "import", "kind": "banned", "text": text})
    assert response.status_code == 200
    assert WordListEntry.objects.filter(site=site, kind="banned").count() == 5000
    assert version(site) == before + 1
    html = response.content.decode()
    assert "5000" in html or "5.000" in html or "5,000" in html
    assert "listed twice" in html or "doppelt" in html
    audit = AuditEntry.objects.get(verb="wordlist.import")
    assert audit.details["added"] == 5000 and audit.details["skipped"] == 3
    assert len(audit.details["sample"]) == 50


def test_importing_again_adds_nothing_and_reports_what_is_listed(
    site: Site, site_moderator: Any
) -> None:
    import_word_list(site, kind="banned", text="eins\nzwei", moderator=site_moderator)
    before = version(site)
    result = import_word_list(
        site, kind="banned", text="Eins\nzwei\ndrei", moderator=site_moderator
    )
    assert result.added == 1
    assert [(s.line, s.problem) for s in result.skipped] == [(1, "listed"), (2, "listed")]
    assert version(site) == before + 1
    result = import_word_list(site, kind="banned", text="eins", moderator=site_moderator)
    assert result.added == 0 and version(site) == before + 1  # nothing new: no bump, no entry
    assert AuditEntry.objects.filter(verb="wordlist.import").count() == 2


def test_a_csv_file_names_the_list_per_line(site: Site, site_moderator: Any) -> None:
    data = "Begriff;Liste\nidiot*;gesperrt\ndummkopf;verdächtig\nhmm;irgendwas\nnormal\n"
    upload = SimpleUploadedFile("liste.csv", data.encode("utf-8-sig"), "text/csv")
    response = logged_in(site_moderator).post(
        url(site), {"form": "import", "kind": "banned", "file": upload}
    )
    assert response.status_code == 200
    rows = set(WordListEntry.objects.values_list("kind", "phrase"))
    assert rows == {("banned", "idiot*"), ("suspect", "dummkopf"), ("banned", "normal")}
    assert "hmm" in response.content.decode()  # reported as skipped, with its line


@pytest.mark.parametrize(
    ("content", "name"),
    [(b"\xff\xfe\x00a\x00b", "liste.txt"), ("wort\n".encode("latin-1") + b"\xe4rger", "l.txt")],
)
def test_a_file_that_is_no_utf8_text_is_refused(
    site: Site, site_moderator: Any, content: bytes, name: str
) -> None:
    upload = SimpleUploadedFile(name, content, "text/plain")
    response = logged_in(site_moderator).post(
        url(site), {"form": "import", "kind": "banned", "file": upload}
    )
    assert response.status_code == 400
    assert 'role="alert"' in response.content.decode()
    assert not WordListEntry.objects.exists()


def test_an_import_without_entries_says_so(site: Site, site_moderator: Any) -> None:
    response = logged_in(site_moderator).post(
        url(site), {"form": "import", "kind": "banned", "text": "  \n "}
    )
    assert response.status_code == 400
    assert 'role="alert"' in response.content.decode()


def test_bulk_delete_removes_the_chosen_entries_of_this_site_and_bumps_once(
    site: Site, site_moderator: Any, other_site_moderator: Any
) -> None:
    other = Site.objects.get(slug="andere")
    import_word_list(site, kind="banned", text="a1\nb1\nc1\nd1", moderator=site_moderator)
    foreign = WordListEntry.objects.create(site=other, kind="banned", phrase="fremd")
    before = version(site)
    ids = list(
        WordListEntry.objects.filter(site=site, phrase__in=["a1", "b1", "c1"]).values_list(
            "pk", flat=True
        )
    )
    response = logged_in(site_moderator).post(
        url(site), {"form": "delete", "entries": [*ids, foreign.pk], "liste": "banned"}
    )
    assert response.status_code == 302
    assert set(WordListEntry.objects.values_list("phrase", flat=True)) == {"d1", "fremd"}
    assert version(site) == before + 1
    audit = AuditEntry.objects.get(verb="wordlist.delete")
    assert audit.details["deleted"] == 3


@pytest.mark.parametrize("entries", [[], ["x"], ["999999"]])
def test_bulk_delete_of_nothing_says_so(
    site: Site, site_moderator: Any, entries: list[str]
) -> None:
    response = logged_in(site_moderator).post(url(site), {"form": "delete", "entries": entries})
    assert response.status_code == 400
    assert not AuditEntry.objects.exists()


def test_the_list_is_paged_and_searchable(
    site: Site, site_moderator: Any, django_assert_max_num_queries: Any
) -> None:
    import_word_list(
        site,
        kind="banned",
        text="\n".join(f"wort{n:03d}" for n in range(250)),
        moderator=site_moderator,
    )
    client = logged_in(site_moderator)
    first = client.get(url(site)).content.decode()
    assert "wort000" in first and "wort099" in first and "wort100" not in first
    with django_assert_max_num_queries(15):
        third = client.get(url(site, "?liste=banned&seite=3")).content.decode()
    assert "wort249" in third and "wort199" not in third
    found = client.get(url(site, "?liste=banned&suche=WORT12")).content.decode()
    assert "wort120" in found and "wort130" not in found
    assert client.get(url(site, "?liste=banned&seite=abc")).status_code == 200


def test_the_new_list_is_what_the_pipeline_uses(
    site: Site, site_moderator: Any, article: Any, reader: Any
) -> None:
    logged_in(site_moderator).post(
        url(site), {"form": "import", "kind": "banned", "text": "schwachkopf*\nidiot"}
    )
    fresh = Article.objects.get(pk=article.pk)  # the site as the next request reads it
    with pytest.raises(ActionError, match="schwachkopfs"):
        post_comment(fresh, author=reader, body="Des Schwachkopfs Rede!")


def test_preview_finds_recent_comments_and_highlights_the_match(
    site: Site, site_moderator: Any, article: Any, reader: Any, other_reader: Any
) -> None:
    post_comment(article, author=reader, body="Das ist doch Ärger pur, oder?")
    post_comment(article, author=other_reader, body="Kein Problem hier.")
    response = logged_in(site_moderator).get(url(site, "?eintrag=aerger"))
    html = response.content.decode()
    assert response.status_code == 200
    assert '<mark class="word-match">Ärger</mark>' in html
    assert "Kein Problem hier." not in html


def test_preview_uses_the_pipelines_matcher(site: Site, article: Any, reader: Any) -> None:
    bodies = ["Idioten überall", "Idiotie", "Ein Idiot.", "idiotisch", "Schwachkopf"]
    for body in bodies:
        post_comment(article, author=reader, body=body)
    preview = preview_word_list_entry(site, "Idiot*")
    matcher = compile_word_list(["idiot*"])
    expected = {b for b in bodies if matcher.find(b)}
    assert {m.comment.body for m in preview.matches} == expected == set(bodies[:4])
    assert preview.total == 4 and preview.scanned == 5


def test_preview_on_another_sites_comments_finds_nothing(
    site: Site, make_article: Any, reader: Any, other_site_moderator: Any
) -> None:
    other = Site.objects.get(slug="andere")
    post_comment(make_article(), author=reader, body="Idiot hier")
    assert preview_word_list_entry(other, "idiot").total == 0


@pytest.mark.parametrize("entry", ["*", "x" * 150])
def test_preview_of_a_bad_entry_says_why(site: Site, site_moderator: Any, entry: str) -> None:
    response = logged_in(site_moderator).get(url(site, f"?eintrag={entry}"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "wildcards" in html or "Platzhalter" in html or "120" in html


def test_highlight_keeps_the_original_spelling_across_folding() -> None:
    matcher = compile_word_list(["strasse", "*ärger*"])
    assert highlight(matcher, "Die Straße voller ÄRGERnis.") == [
        ("Die ", False),
        ("Straße", True),
        (" voller ", False),
        ("ÄRGERnis", True),
        (".", False),
    ]


def test_normalise_phrase() -> None:
    assert normalise_phrase(" Du  BIST **dumm ") == ("du bist *dumm", "")
    assert normalise_phrase("ab\x07c")[1] == "control"
    assert normalise_phrase("* *")[1] == "only_wildcards"


def test_comments_on_the_page_are_escaped(
    site: Site, site_moderator: Any, article: Any, reader: Any
) -> None:
    post_comment(article, author=reader, body="<script>alert(1)</script> idiot")
    html = logged_in(site_moderator).get(url(site, "?eintrag=idiot")).content.decode()
    assert "<script>alert(1)" not in html and "&lt;script&gt;" in html
    assert Comment.objects.count() == 1


def test_the_page_speaks_english_too(site: Site, site_moderator: Any) -> None:
    client = logged_in(site_moderator)
    html = client.get(url(site), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Import many entries" in html
    html = client.get(url(site), HTTP_ACCEPT_LANGUAGE="de").content.decode()
    assert "Viele Einträge importieren" in html
    response = client.post(
        url(site), {"form": "add", "kind": "banned", "phrase": "***"}, HTTP_ACCEPT_LANGUAGE="en"
    )
    assert "only wildcards" in response.content.decode()
