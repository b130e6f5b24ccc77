"""The embed through the client: origins, first-embed articles, the iframe page, posting, counts."""

from collections.abc import Callable
from typing import Any

import pytest
from django.urls import reverse

from debatte.discussions.models import Comment
from tests.embed.conftest import article_token, sso_sign_in

pytestmark = pytest.mark.django_db

HOST = "https://www.example.org"  # the embed_site fixture's first allowed origin
ARTICLE_URL = f"{HOST}/politik/nato-dialog"


def embed_url(key: str = "nato-123", site: str = "beispiel", **params: str) -> str:
    from urllib.parse import urlencode

    url = reverse("embed-discussion", kwargs={"site_slug": site, "external_key": key})
    return f"{url}?{urlencode(params)}" if params else url


def first_embed(
    client: Any, key: str = "nato-123", referer: str = HOST + "/", **params: str
) -> Any:
    params.setdefault("title", "Nato betont Dialogbereitschaft")
    params.setdefault("url", ARTICLE_URL)
    params.setdefault("host", HOST)
    if "article" not in params:  # the publisher signs what its page embeds
        params["article"] = article_token(key, title=params["title"], url=params["url"])
    return client.get(embed_url(key, **params), headers={"Referer": referer})


def test_embed_script_is_served_at_a_stable_url(client: Any) -> None:
    response = client.get("/embed.js")

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/javascript")
    assert b"data-article-key" in response.content


def test_embed_first_embed_creates_the_article(client: Any, embed_site: Any) -> None:
    from debatte.articles.models import Article

    response = first_embed(client)

    assert response.status_code == 200
    article = Article.objects.get(key="beispiel:nato-123")
    assert article.site == embed_site
    assert article.title == "Nato betont Dialogbereitschaft"
    assert article.canonical_url == ARTICLE_URL
    assert b'id="kommentare"' in response.content


def test_embed_second_embed_keeps_the_article(client: Any, embedded: Any) -> None:
    from debatte.articles.models import Article

    first_embed(client, title="Ein anderer Titel", url=f"{HOST}/neue-adresse")

    assert Article.objects.filter(key__startswith="beispiel:").count() == 1
    embedded.refresh_from_db()
    assert embedded.title == "Nato betont Dialogbereitschaft"


def test_embed_page_may_be_framed_only_by_the_sites_origins(client: Any, embedded: Any) -> None:
    response = first_embed(client)

    assert "frame-ancestors https://www.example.org https://m.example.org" in (
        response["Content-Security-Policy"].split("; ")
    )
    assert "script-src 'self'" in response["Content-Security-Policy"]
    assert "X-Frame-Options" not in response


def test_embed_refuses_a_page_from_another_origin(client: Any, embed_site: Any) -> None:
    from debatte.articles.models import Article

    response = first_embed(client, referer="https://evil.example.net/page")

    assert response.status_code == 403
    assert b'id="kommentare"' not in response.content
    assert not Article.objects.filter(key__startswith="beispiel:").exists()


def test_embed_refuses_an_unknown_site(client: Any, embed_site: Any) -> None:
    assert first_embed(client, key="x").status_code == 200
    response = client.get(embed_url(site="unbekannt"), headers={"Referer": HOST + "/"})
    assert response.status_code == 404


def test_embed_without_origin_shows_existing_articles_only(client: Any, embedded: Any) -> None:
    assert client.get(embed_url()).status_code == 200
    assert client.get(embed_url("noch-nie", title="T", url=ARTICLE_URL)).status_code == 404


@pytest.mark.parametrize(
    ("key", "params"),
    [
        ("bad key!", {}),
        ("x" * 200, {}),
        ("ok", {"title": "   "}),
        ("ok", {"url": "https://evil.example.net/copy"}),
        ("ok", {"url": "javascript:alert(1)"}),
    ],
)
def test_embed_refuses_invalid_article_data(
    client: Any, embed_site: Any, key: str, params: dict[str, str]
) -> None:
    from debatte.articles.models import Article

    response = first_embed(client, key=key, **params)

    assert response.status_code in {400, 404}
    assert not Article.objects.filter(site=embed_site).exists()


def test_embed_follows_the_pages_language(client: Any, embedded: Any) -> None:
    english = first_embed(client, lang="en").content.decode()
    german = first_embed(client, lang="de").content.decode()
    unknown = first_embed(client, lang="xx").content.decode()

    assert '<html lang="en">' in english and "Oldest first" in english
    assert '<html lang="de">' in german
    assert '<html lang="de">' in unknown  # the site's language


def test_embed_page_names_the_host_only_when_allowed(client: Any, embedded: Any) -> None:
    assert f'data-host="{HOST}"' in first_embed(client).content.decode()
    spoofed = first_embed(client, host="https://evil.example.net").content.decode()
    assert 'data-host=""' in spoofed


def test_embed_deep_link_opens_the_page_with_the_comment(
    client: Any, embedded: Any, make_comment: Callable[..., Any], settings: Any
) -> None:
    settings.DEBATTE = {**settings.DEBATTE, "COMMENTS_PER_PAGE": 2}
    comments = [make_comment(embedded) for _ in range(5)]
    reply = make_comment(embedded, parent=comments[3])

    response = first_embed(client, comment=reply.url_label)

    html = response.content.decode()
    assert f'data-target="{reply.anchor}"' in html
    assert f'id="{reply.anchor}"' in html
    assert f'id="{comments[0].anchor}"' not in html


def test_embed_posting_stays_in_the_iframe(client: Any, embedded: Any, reader: Any) -> None:
    client.force_login(reader)
    url = reverse("embed-comment-create", args=["beispiel", "nato-123"])

    response = client.post(f"{url}?lang=en&host={HOST}", {"body": "Aus dem iframe."})

    assert response.status_code == 302
    location = response["Location"]
    assert location.startswith(embed_url())
    assert "lang=en" in location and "host=https" in location
    assert location.endswith("#kommentar-1")
    assert Comment.objects.get(article=embedded).body == "Aus dem iframe."
    assert "X-Frame-Options" not in response


def test_embed_reply_is_stored_under_its_parent(
    client: Any, embedded: Any, reader: Any, other_reader: Any, make_comment: Callable[..., Any]
) -> None:
    first = make_comment(embedded, author=other_reader)
    client.force_login(reader)
    url = reverse("embed-comment-create", args=["beispiel", "nato-123"])

    response = client.post(url, {"body": "Eine Antwort.", "reply_to": "1"})

    assert response["Location"].endswith("#kommentar-1-1")
    assert Comment.objects.get(article=embedded, reply_number=1).parent == first


def test_embed_posting_needs_a_login(client: Any, embedded: Any) -> None:
    url = reverse("embed-comment-create", args=["beispiel", "nato-123"])

    response = client.post(url, {"body": "Anonym."})

    assert response.status_code == 302
    assert not Comment.objects.filter(article=embedded).exists()


def test_embed_posting_needs_the_entitlement(
    client: Any, embedded: Any, make_user: Callable[..., Any]
) -> None:
    client.force_login(make_user("Ohne Abo", may_comment=False))
    url = reverse("embed-comment-create", args=["beispiel", "nato-123"])

    response = client.post(url, {"body": "Darf ich?"})

    assert response.status_code == 403
    assert "embed--read-only" in response.content.decode()
    assert not Comment.objects.filter(article=embedded).exists()


def test_embed_posting_error_keeps_the_text(client: Any, embedded: Any, reader: Any) -> None:
    client.force_login(reader)
    url = reverse("embed-comment-create", args=["beispiel", "nato-123"])

    response = client.post(url, {"body": "x" * 5000})

    assert response.status_code == 400
    assert "x" * 5000 in response.content.decode()
    assert "frame-ancestors https://www.example.org" in response["Content-Security-Policy"]


def test_embed_sso_reader_is_shown_in_the_iframe(
    client: Any, embedded: Any, make_token: Callable[..., str]
) -> None:
    sso_sign_in(client, make_token())

    html = first_embed(client).content.decode()

    assert "Anna Abonnentin" in html
    assert 'id="comment-form"' in html
    assert 'data-sso-user="1"' in html


def counts_url(*keys: str, site: str = "beispiel", lang: str = "de") -> str:
    from urllib.parse import urlencode

    return (
        reverse("embed-counts") + "?" + urlencode({"site": site, "lang": lang, "key": keys}, True)
    )


def test_embed_counts_for_many_articles_in_one_query(
    client: Any,
    embed_site: Any,
    make_article: Callable[..., Any],
    django_assert_num_queries: Any,
) -> None:
    from debatte.articles.models import Article

    for n in range(30):
        make_article(key=f"beispiel:a{n}", site=embed_site)
    Article.objects.filter(key="beispiel:a1").update(comment_count=42)
    Article.objects.filter(key="beispiel:a2").update(comment_count=1)
    keys = [f"a{n}" for n in range(30)] + ["unbekannt"]

    with django_assert_num_queries(2):  # the site, then every count at once
        response = client.get(counts_url(*keys), headers={"Origin": HOST})

    assert response.status_code == 200
    counts = response.json()["counts"]
    assert counts["a1"] == {"count": 42, "label": "42 Kommentare"}
    assert counts["a2"]["label"] == "1 Kommentar"
    assert counts["unbekannt"]["count"] == 0
    assert response["Access-Control-Allow-Origin"] == HOST


def test_embed_counts_follow_the_language(
    client: Any, embed_site: Any, make_article: Callable[..., Any]
) -> None:
    make_article(key="beispiel:a", site=embed_site)
    response = client.get(counts_url("a", lang="en"), headers={"Origin": HOST})
    assert response.json()["counts"]["a"]["label"] == "0 comments"


def test_embed_counts_refuse_other_origins(client: Any, embed_site: Any) -> None:
    response = client.get(counts_url("a"), headers={"Origin": "https://evil.example.net"})

    assert response.status_code == 403
    assert response.json()["error"] == "origin_not_allowed"
    assert "Access-Control-Allow-Origin" not in response
    assert client.get(counts_url("a")).status_code == 403


def test_embed_counts_accept_the_referer(client: Any, embed_site: Any) -> None:
    response = client.get(counts_url("a"), headers={"Referer": f"{HOST}/seite"})
    assert response.status_code == 200


def test_embed_sign_out_ends_the_session(client: Any, embedded: Any, reader: Any) -> None:
    client.force_login(reader)
    next_url = embed_url()

    response = client.post(reverse("embed-sign-out", args=["beispiel"]), {"next": next_url})

    assert response["Location"] == next_url
    assert "_auth_user_id" not in client.session
