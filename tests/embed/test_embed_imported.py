"""An imported discussion and the embed on the same page share one article (articles.keys).

Through the real `import_comments` command and the embed's endpoints: before, the embed
created an empty article beside the imported one.
"""

import json
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import pytest
from django.core.management import call_command
from django.urls import reverse

from debatte.articles.models import Article, Site
from debatte.discussions.models import Comment
from tests.embed.conftest import SECRET, article_token
from tests.importers.conftest import realworld

pytestmark = pytest.mark.django_db

HOST = "https://www.example.org"

DISQUS = """<?xml version="1.0" encoding="utf-8"?>
<disqus xmlns="http://disqus.com" xmlns:dsq="http://disqus.com/disqus-internals">
  <thread dsq:id="900">
    <id>{identifier}</id>
    <link>{link}</link>
    <title>Nato betont Dialogbereitschaft</title>
    <createdAt>2024-03-01T10:00:00Z</createdAt>
  </thread>
  <post dsq:id="901">
    <message><![CDATA[<p>Aus Disqus mitgebracht.</p>]]></message>
    <createdAt>2024-03-01T11:00:00Z</createdAt>
    <author><name>Gast Eins</name><isAnonymous>true</isAnonymous></author>
    <thread dsq:id="900"/>
  </post>
  <post dsq:id="902">
    <message><![CDATA[<p>Eine Antwort darauf.</p>]]></message>
    <createdAt>2024-03-01T12:00:00Z</createdAt>
    <author><name>Gast Zwei</name><isAnonymous>true</isAnonymous></author>
    <thread dsq:id="900"/>
    <parent dsq:id="901"/>
  </post>
</disqus>
"""


def import_into_site(path: Path, site: str = "beispiel") -> None:
    call_command("import_comments", str(path), "--site", site, "--no-progress")


def disqus_file(tmp_path: Path, *, identifier: str = "", link: str = "") -> Path:
    path = tmp_path / "disqus.xml"
    path.write_text(DISQUS.format(identifier=identifier, link=link), encoding="utf-8")
    return path


def embed(client: Any, key: str, url: str, *, site: str = "beispiel", sign: bool = True) -> Any:
    """The iframe page as the site's page embeds it (signed article token by default)."""
    params = {"title": "Irgendein Titel", "url": url, "host": HOST}
    if sign:
        params["article"] = article_token(key, title="Irgendein Titel", url=url, site_slug=site)
    path = reverse("embed-discussion", kwargs={"site_slug": site, "external_key": key})
    return client.get(f"{path}?{urlencode(params)}", headers={"Referer": HOST + "/"})


def test_embed_finds_a_disqus_thread_imported_before_by_its_address(client: Any) -> None:
    """The real Disqus export of radio-t.com; its page embedded with the site's own key, at
    the address without trailing slash and with a tracking parameter."""
    site = Site.objects.create(
        name="Radio-T",
        slug="radiot",
        allowed_origins="https://radio-t.com\nhttps://www.radio-t.com\n" + HOST,
        sso_algorithm="HS256",
        sso_secret=SECRET,
        rate_limit_per_minute=0,
    )
    import_into_site(realworld("remark42-testdata/migrator__disqus.xml"), site="radiot")
    imported = Article.objects.get(key="disqus-247937687")
    assert imported.site == site and imported.comment_count > 0
    articles = Article.objects.count()

    url = "https://radio-t.com/p/2011/03/05/podcast-229?utm_source=feed"
    response = embed(client, "podcast-229", url, site="radiot")

    assert response.status_code == 200
    assert "Microsoft показал проводник Windows 8" in response.content.decode()
    assert Article.objects.count() == articles  # no empty duplicate
    # The iframe's own links name the imported article by its key.
    assert reverse("embed-discussion", args=["radiot", "disqus-247937687"]) in (
        response.content.decode()
    )


def test_import_into_a_site_keys_a_thread_by_the_pages_identifier(
    client: Any, embed_site: Any, reader: Any, tmp_path: Path
) -> None:
    path = disqus_file(tmp_path, identifier="nato-123", link=f"{HOST}/politik/nato-dialog")
    import_into_site(path)
    article = Article.objects.get(key="beispiel:nato-123")
    assert article.site == embed_site and article.comment_count == 2

    response = embed(client, "nato-123", f"{HOST}/woanders", sign=False)  # found by key

    assert response.status_code == 200
    assert "Aus Disqus mitgebracht." in response.content.decode()
    assert Article.objects.count() == 1
    client.force_login(reader)
    post_url = reverse("embed-comment-create", args=["beispiel", "nato-123"])
    assert client.post(post_url, {"body": "Neu im Embed."}).status_code == 302
    assert Comment.objects.get(body="Neu im Embed.").article == article
    counts = client.get(
        reverse("embed-counts") + "?site=beispiel&key=nato-123", headers={"Origin": HOST}
    )
    assert counts.json()["counts"]["nato-123"]["count"] == 3
    import_into_site(path)  # running it again adds nothing
    assert Comment.objects.count() == 3


def test_import_joins_the_discussion_the_embed_started(
    client: Any, embed_site: Any, reader: Any, tmp_path: Path
) -> None:
    assert embed(client, "nato-123", f"{HOST}/politik/nato-dialog").status_code == 200
    client.force_login(reader)
    post_url = reverse("embed-comment-create", args=["beispiel", "nato-123"])
    client.post(post_url, {"body": "Schon vor dem Import da."})

    link = "http://example.org/politik/nato-dialog/?utm_campaign=x"
    path = disqus_file(tmp_path, link=link)
    import_into_site(path)
    import_into_site(path)

    article = Article.objects.get()
    assert article.key == "beispiel:nato-123"
    comments = list(article.comments.order_by("number", "reply_number"))
    assert [c.label for c in comments] == ["#1", "#2", "#2.1"]
    assert comments[0].body == "Schon vor dem Import da."
    article.refresh_from_db()
    assert article.comment_count == 3


def test_a_new_key_at_a_known_address_is_a_new_article_of_the_site(
    client: Any, embed_site: Any
) -> None:
    """The site's own articles are their key: only imported ones are found by address."""
    url = f"{HOST}/politik/nato-dialog"
    assert embed(client, "nato-123", url).status_code == 200
    assert embed(client, "nato-124", url).status_code == 200

    assert set(Article.objects.values_list("key", flat=True)) == {
        "beispiel:nato-123",
        "beispiel:nato-124",
    }


def test_an_address_on_another_site_finds_nothing(client: Any, embed_site: Any) -> None:
    """An article imported into another site is not shown by this site's embed."""
    Site.objects.create(name="Andere", slug="andere", allowed_origins=HOST)
    Article.objects.create(
        key="disqus-1",
        title="Fremd",
        canonical_url=f"{HOST}/fremd",
        site=Site.objects.get(slug="andere"),
    )

    response = embed(client, "fremd", f"{HOST}/fremd", sign=False)

    assert response.status_code == 404


def test_an_isso_thread_known_by_its_path_is_found_on_the_sites_origin(
    client: Any, embed_site: Any, tmp_path: Path
) -> None:
    path = tmp_path / "isso.json"
    path.write_text(
        json.dumps(
            [
                {
                    "id": "/politik/nato-dialog/",
                    "title": "Nato",
                    "comments": [
                        {"id": 1, "author": "Gast", "text": "Aus Isso.", "created": "2024-03-01"}
                    ],
                }
            ]
        ),
        encoding="utf-8",
    )
    import_into_site(path)  # the command detects Isso
    imported = Article.objects.get()
    assert imported.canonical_url == f"{HOST}/politik/nato-dialog/"

    response = embed(client, "nato-123", f"{HOST}/politik/nato-dialog")

    assert "Aus Isso." in response.content.decode()
    assert Article.objects.count() == 1
