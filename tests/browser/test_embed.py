"""The embed in a real browser: a publisher's plain HTML page on one 127.0.0.1 port embeds the
discussion from Debatte on another. The two are different origins but the same site, so the
iframe's Lax cookies work here; production needs SameSite=None; Secure (docs/embedding.md)."""

import uuid
from collections.abc import Callable, Iterator
from datetime import timedelta
from typing import Any

import jwt
import pytest
from django.utils import timezone
from publisher_pages import PublisherPages

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SECRET = "browser-test-secret-0123456789-abcdefghij"
SSO_ONLY = {"own_accounts": False}


@pytest.fixture
def stranger() -> Iterator[PublisherPages]:
    pages = PublisherPages()
    yield pages
    pages.stop()


@pytest.fixture
def debatte_url(live_server: Any) -> str:
    # The same host as the publisher's pages (127.0.0.1), another port: same site.
    return live_server.url.replace("localhost", "127.0.0.1")


@pytest.fixture
def site(publisher: PublisherPages) -> Any:
    from debatte.articles.models import Article, Site

    site = Site.objects.create(
        name="Beispiel",
        slug="beispiel",
        allowed_origins=publisher.origin,
        sso_secret=SECRET,
        own_accounts=False,
        rate_limit_per_minute=0,
    )
    Article.objects.create(site=site, key="beispiel:aelter", title="Älter", comment_count=42)
    return site


def sso_token(sub: str = "leser-1", name: str = "Paula Presse") -> str:
    now = timezone.now()
    return jwt.encode(
        {
            "sub": sub,
            "name": name,
            "email": f"{sub}@example.org",
            "badges": ["Abonnent"],
            "entitlements": ["may_comment"],
            "aud": "beispiel",
            "iat": int(now.timestamp()),
            "exp": int((now + timedelta(minutes=5)).timestamp()),
            "jti": uuid.uuid4().hex,
        },
        SECRET,
        algorithm="HS256",
    )


def article_token(origin: str, key: str = "nato-123") -> str:
    """The publisher's signed article: what lets the first embed create it."""
    claims = {
        "aud": "beispiel",
        "key": key,
        "title": "Nato betont Dialogbereitschaft",
        "url": f"{origin}/politik/nato.html",
    }
    return jwt.encode(claims, SECRET, algorithm="HS256")


def article_page(debatte_url: str, origin: str, *, token: str = "", lang: str = "de") -> str:
    sso = f' data-sso-token="{token}"' if token else ""
    sso += f' data-article-token="{article_token(origin)}"'
    return f"""<!DOCTYPE html>
<html lang="{lang}"><head><meta charset="utf-8"><title>Nato betont Dialogbereitschaft</title></head>
<body style="margin:0">
  <h1>Nato betont Dialogbereitschaft</h1>
  <p>Weitere Artikel: <a href="/alt.html"><span data-debatte-count data-article-key="aelter">
  </span></a></p>
  <div id="debatte" data-site="beispiel" data-article-key="nato-123"
       data-article-url="{origin}/politik/nato.html" data-title="Nato betont Dialogbereitschaft"
       {sso}></div>
  <p id="after-discussion">Ende der Seite</p>
  <script src="{debatte_url}/embed.js" async></script>
</body></html>"""


def frame_height(page: Any) -> float:
    return float(page.evaluate("() => document.querySelector('#debatte iframe').offsetHeight"))


def content_height(frame: Any) -> float:
    return float(
        frame.evaluate("() => document.getElementById('main').getBoundingClientRect().bottom")
    )


def embed_frame(page: Any) -> Any:
    page.wait_for_function("() => document.querySelector('#debatte iframe')")
    frame = page.frame_locator("#debatte iframe")
    frame.locator("#kommentare").wait_for()
    return next(f for f in page.frames if "/embed/beispiel/" in f.url)


def test_embedded_discussion_sso_reader_posts_and_iframe_follows_content(
    new_page: Callable[..., Any],
    publisher: PublisherPages,
    site: Any,
    debatte_url: str,
) -> None:
    from debatte.accounts.models import User
    from debatte.articles.models import Article

    publisher.pages["/politik/nato.html"] = article_page(
        debatte_url, publisher.origin, token=sso_token()
    )
    page = new_page()
    page.goto(f"{publisher.origin}/politik/nato.html")

    frame = embed_frame(page)
    # The SSO token signed the reader in; the iframe reloaded with the comment form.
    frame.locator("#comment-form textarea").wait_for()
    assert "Paula Presse" in frame.locator(".embed__bar").inner_text()
    article = Article.objects.get(key="beispiel:nato-123")
    assert article.canonical_url == f"{publisher.origin}/politik/nato.html"
    assert User.objects.get(sso_site=site, sso_subject="leser-1").display_name == "Paula Presse"
    # The comment count on the host page came from one request.
    count = page.locator("[data-debatte-count]")
    page.wait_for_function("() => document.querySelector('[data-debatte-count]').dataset.count")
    assert count.inner_text().strip() == "42 Kommentare"

    page.wait_for_function("() => document.querySelector('#debatte iframe').offsetHeight !== 320")
    before = frame_height(page)
    assert abs(before - content_height(frame)) <= 2

    frame.locator("#comment-form textarea").fill("Ein Kommentar aus dem eingebetteten Rahmen.")
    frame.locator("#comment-form button[type=submit]").click()
    frame = embed_frame(page)
    comment = page.frame_locator("#debatte iframe").locator("#kommentar-1")
    comment.wait_for()
    assert "Ein Kommentar aus dem eingebetteten Rahmen." in comment.inner_text()
    assert "abonnent" in comment.inner_text().lower()
    # Still inside the publisher's page, and the iframe grew with its content.
    assert page.url == f"{publisher.origin}/politik/nato.html"
    page.wait_for_function(
        f"() => document.querySelector('#debatte iframe').offsetHeight > {before}"
    )
    assert abs(frame_height(page) - content_height(frame)) <= 2
    # The page's own scrollbar does the scrolling, not the iframe.
    assert frame.evaluate("() => document.documentElement.scrollHeight") <= frame_height(page) + 2
    assert page.js_errors == []


def test_embedded_discussion_reply_and_language(
    new_page: Callable[..., Any],
    publisher: PublisherPages,
    site: Any,
    debatte_url: str,
) -> None:
    publisher.pages["/en.html"] = article_page(
        debatte_url, publisher.origin, token=sso_token(), lang="en"
    )
    page = new_page()
    page.goto(f"{publisher.origin}/en.html")
    frame_locator = page.frame_locator("#debatte iframe")
    frame_locator.locator("#comment-form textarea").wait_for()
    assert frame_locator.locator("html").get_attribute("lang") == "en"
    assert "Oldest first" in frame_locator.locator(".discussion__tools").inner_text()

    frame_locator.locator("#comment-form textarea").fill("Erster Beitrag.")
    frame_locator.locator("#comment-form button[type=submit]").click()
    frame_locator.locator("#kommentar-1 [data-reply]").click()
    frame_locator.locator(".embed__reply-form textarea").fill("Eine Antwort darauf.")
    frame_locator.locator(".embed__reply-form button[type=submit]").click()

    reply = frame_locator.locator("#kommentar-1-1")
    reply.wait_for()
    assert "Eine Antwort darauf." in reply.inner_text()
    assert page.url == f"{publisher.origin}/en.html"


def test_embedded_discussion_opens_the_comment_the_host_url_names(
    new_page: Callable[..., Any],
    publisher: PublisherPages,
    site: Any,
    debatte_url: str,
    make_user: Callable[..., Any],
) -> None:
    from debatte.articles.models import Article
    from debatte.discussions.services import post_comment

    article = Article.objects.create(
        site=site, key="beispiel:nato-123", title="Nato", canonical_url=publisher.origin + "/"
    )
    author = make_user("Schreiber")
    # The site admits only its own SSO readers (discussions/services/access.py).
    author.sso_site, author.sso_subject = site, "schreiber"
    author.save(update_fields=["sso_site", "sso_subject"])
    for n in range(1, 13):
        post_comment(article, author=author, body=f"Beitrag Nummer {n} mit etwas Text.")
    publisher.pages["/nato.html"] = article_page(debatte_url, publisher.origin)
    page = new_page(height=600)

    page.goto(f"{publisher.origin}/nato.html#kommentar-12")

    target = page.frame_locator("#debatte iframe").locator("#kommentar-12")
    target.wait_for()
    page.wait_for_function("() => window.scrollY > 300")
    box = page.evaluate(
        "() => document.querySelector('#debatte iframe').getBoundingClientRect().top"
    )
    inner = next(f for f in page.frames if "/embed/beispiel/" in f.url).evaluate(
        "() => document.getElementById('kommentar-12').getBoundingClientRect().top"
    )
    assert 0 <= box + inner <= 600  # the comment is on the screen


def test_embedded_discussion_refused_on_a_page_from_another_origin(
    new_page: Callable[..., Any],
    stranger: PublisherPages,
    site: Any,
    debatte_url: str,
) -> None:
    from debatte.articles.models import Article

    stranger.pages["/kopie.html"] = article_page(debatte_url, stranger.origin, token=sso_token())
    page = new_page()
    page.goto(f"{stranger.origin}/kopie.html")

    page.wait_for_function("() => document.querySelector('#debatte iframe')")
    page.wait_for_timeout(1000)
    for frame in page.frames[1:]:
        assert frame.locator("#kommentare").count() == 0
    assert page.locator("[data-debatte-count]").inner_text().strip() == ""
    assert not Article.objects.filter(key="beispiel:nato-123").exists()


def test_frame_opened_as_a_window_with_a_token_in_its_url_logs_nobody_in(
    new_page: Callable[..., Any],
    publisher: PublisherPages,
    site: Any,
    debatte_url: str,
) -> None:
    """Login CSRF: a link to the iframe page with `#sso=<the attacker's token>` opened as the
    whole window must not sign the victim in; the token stays unused."""
    from debatte.accounts.models import User
    from debatte.articles.models import Article
    from debatte.embed.sso import sign_in_with_token

    Article.objects.create(site=site, key="beispiel:nato-123", title="Nato")
    token = sso_token(sub="angreifer", name="Angreifer")
    page = new_page()
    sign_ins: list[str] = []
    page.on("request", lambda r: sign_ins.append(r.url) if "/anmelden/" in r.url else None)

    page.goto(f"{debatte_url}/embed/beispiel/artikel/nato-123/?host={publisher.origin}#sso={token}")
    page.locator("#kommentare").wait_for()
    page.wait_for_load_state("networkidle")

    assert sign_ins == []
    assert "#sso=" not in page.url
    assert page.locator(".embed__bar").count() == 0  # nobody is logged in
    assert page.locator("body").get_attribute("data-frame-ticket") == ""
    assert not User.objects.filter(sso_subject="angreifer").exists()
    assert sign_in_with_token(site, token).sso_subject == "angreifer"  # still unused
    assert page.js_errors == []


def test_publisher_token_never_replaces_a_debatte_accounts_session(
    new_page: Callable[..., Any],
    publisher: PublisherPages,
    site: Any,
    debatte_url: str,
    moderator: Any,
) -> None:
    from tests.browser.conftest import session_cookie

    publisher.pages["/politik/nato.html"] = article_page(
        debatte_url, publisher.origin, token=sso_token()
    )
    page = new_page()
    page.context.add_cookies([session_cookie(moderator, debatte_url)])

    page.goto(f"{publisher.origin}/politik/nato.html")

    frame = page.frame_locator("#debatte iframe")
    frame.locator(".embed__status").filter(has_text="Debatte").wait_for()
    assert moderator.display_name in frame.locator(".embed__bar").inner_text()
    assert "Paula Presse" not in frame.locator("body").inner_text()


def test_publisher_signs_the_reader_in_later_by_script(
    new_page: Callable[..., Any],
    publisher: PublisherPages,
    site: Any,
    debatte_url: str,
) -> None:
    publisher.pages["/politik/nato.html"] = article_page(debatte_url, publisher.origin)
    page = new_page()
    page.goto(f"{publisher.origin}/politik/nato.html")
    frame = page.frame_locator("#debatte iframe")
    frame.locator("#kommentare").wait_for()
    assert frame.locator(".embed__bar").count() == 0

    page.evaluate(f"() => window.Debatte.signIn({sso_token(name='Spaeter Da')!r})")

    frame.locator(".embed__bar").filter(has_text="Spaeter Da").wait_for()
    assert page.js_errors == []
