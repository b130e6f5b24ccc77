"""The reader side in a real browser: rendering, layout, no-JS forms, JS enhancements, keyboard
use and inert user text. Run with `pytest tests/browser -m browser`."""

import os
import re
import shutil
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

DEKODER = "https://www.dekoder.org/de/article/russland-nato-sicherheitsgarantien-ultimatum"
DESK_RUSSIE = "https://en.desk-russie.eu/2021/12/24/what-does-the-russian-ultimatum-mean.html"


@pytest.fixture
def seed_discussion(
    article: Any, reader: Any, other_reader: Any, make_user: Callable[..., Any], make_comment: Any
) -> Any:
    """A discussion shaped like the seed page's, written six months ago."""
    from django.utils import timezone

    from debatte.discussions.models import Comment

    hapsch, zl19 = make_user("Hapsch"), make_user("ZL19")
    kontestation, silfur = make_user("kontestation"), make_user("Silfur_Berg")
    first = make_comment(
        article,
        author=reader,
        body="Wem immer noch nicht klar sein sollte, was Putin im Inland und bei seinen "
        "Nachbarn im Sinn hat, dem wird es in Kasachstan derzeit deutlich vor Augen geführt.",
    )
    make_comment(
        article,
        author=other_reader,
        parent=first,
        body='mhh ...\nzumindest lässt putin und seine clique nun "die hosen runter".\n'
        "damit fällt die letzte maske!",
    )
    second = make_comment(
        article, author=hapsch, body="Syrien, Kasachstan, Ukraine? Kasachstan mag klein sein."
    )
    make_comment(
        article,
        author=zl19,
        parent=second,
        body='"Kasachstan mag klein sein..."\nKasachstan ist der neuntgrößte Staat der Welt...',
    )
    third = make_comment(
        article,
        author=kontestation,
        body="wir sehen den beginn langfristiger vorbereitungen eines grösseren krieges.\n"
        f'"Revision der gegenwärtigen Ordnung"\n{DEKODER}\n...\n'
        f'"What does the Russian ultimatum to the West mean?"\n{DESK_RUSSIE}',
    )
    make_comment(
        article,
        author=silfur,
        parent=third,
        body="Die NATO ist heutzutage leider aktueller und wichtiger als in den letzten Jahren.",
    )
    Comment.objects.filter(article=article).update(created_at=timezone.now() - timedelta(days=190))
    return article


def no_horizontal_overflow(page: Any) -> tuple[int, int]:
    return page.evaluate(
        "() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]"
    )


def test_seed_like_discussion_renders(new_page: Callable[..., Any], seed_discussion: Any) -> None:
    page = new_page()
    page.goto(f"/artikel/{seed_discussion.key}/")

    assert page.locator("html").get_attribute("lang") == "de"
    assert page.locator("#kommentare-title").inner_text().startswith("Kommentare")
    first, reply = page.locator("#kommentar-1"), page.locator("#kommentar-1-1")
    assert first.locator(".comment__number").inner_text() == "#1"
    assert first.locator(".comment__author").inner_text() == "Kapaster d.J."
    assert reply.locator(".comment__number").inner_text() == "#1.1"
    assert reply.locator(".comment__author").inner_text() == "Martin Köster"
    # The reply sits in the first thread's reply list, one level down.
    assert page.locator("#antworten-1 > li #kommentar-1-1").count() == 1
    assert page.locator(".comment__number").all_inner_texts() == [
        "#1", "#1.1", "#2", "#2.1", "#3", "#3.1"
    ]  # fmt: skip

    time = first.locator(".comment__meta time")
    assert time.inner_text() == "vor 6 Monaten"
    assert re.match(r"\d{4}-\d\d-\d\dT\d\d:\d\d", time.get_attribute("datetime") or "")
    # Line breaks inside a paragraph are kept.
    assert reply.locator(".comment__body br").count() == 2

    links = page.locator("#kommentar-3 .comment__body a")
    assert links.count() == 2
    dekoder = links.nth(0)
    assert dekoder.get_attribute("href") == DEKODER
    assert dekoder.inner_text() == "https://www.dekoder.org/de/a…"
    assert links.nth(1).inner_text() == "https://en.desk-russie.eu/20…"
    for i in range(2):
        assert links.nth(i).get_attribute("rel") == "nofollow ugc noopener"
    assert not page.js_errors


@pytest.mark.parametrize("width", [1280, 390])
def test_article_page_fits_the_screen(
    new_page: Callable[..., Any],
    seed_discussion: Any,
    reader: Any,
    tmp_path: Path,
    width: int,
) -> None:
    for user in (None, reader):
        page = new_page(width=width, height=860, user=user)
        page.goto(f"/artikel/{seed_discussion.key}/")
        name = f"article-{width}-{'reader' if user else 'anonymous'}.png"
        page.screenshot(path=str(tmp_path / name), full_page=True)
        scroll_width, client_width = no_horizontal_overflow(page)
        assert scroll_width <= width, f"{name}: {scroll_width}px wide in a {width}px viewport"
        assert client_width <= width
        # The sort tabs stay on one line (scrolling sideways on a phone if need be).
        tops = page.locator(".tabs li").evaluate_all(
            "items => items.map(item => Math.round(item.getBoundingClientRect().top))"
        )
        assert len(set(tops)) == 1, f"{name}: sort tabs wrap onto {len(set(tops))} lines"
    # The reply page with its quoted comment, as a reader sees it.
    page.goto(f"/artikel/{seed_discussion.key}/kommentar/3/antworten/")
    page.screenshot(path=str(tmp_path / f"reply-{width}.png"), full_page=True)
    assert no_horizontal_overflow(page)[0] <= width
    keep_screenshots(tmp_path)


def keep_screenshots(tmp_path: Path) -> None:
    """Copy the screenshots to $DEBATTE_SCREENSHOT_DIR when set, to look at them."""
    target = os.environ.get("DEBATTE_SCREENSHOT_DIR")
    if target:
        Path(target).mkdir(parents=True, exist_ok=True)
        for png in tmp_path.glob("*.png"):
            shutil.copy(png, Path(target) / png.name)


def comment_body(article: Any, label: str) -> str:
    from debatte.discussions.selectors import get_comment_by_label

    comment = get_comment_by_label(article, label)
    assert comment is not None, f"no comment {label}"
    return comment.body


def test_reader_without_javascript_writes_replies_and_recommends(
    new_page: Callable[..., Any], article: Any, reader: Any, other_reader: Any, make_comment: Any
) -> None:
    from debatte.discussions.models import Comment

    theirs = make_comment(article, author=other_reader, body="Ein Kommentar von Martin.")
    page = new_page(user=reader, javascript=False)
    page.goto(f"/artikel/{article.key}/")
    assert page.locator(".char-count").count() == 0  # no script ran

    # A top-level comment through the form on the article page.
    form = page.locator("#comment-form")
    form.locator("textarea").fill("Erster Absatz.\n\nZweiter Absatz,\nmit Zeilenumbruch.")
    form.get_by_role("button", name="Kommentar veröffentlichen").click()
    page.wait_for_load_state()
    mine = page.locator("#kommentar-2")
    assert mine.locator(".comment__number").inner_text() == "#2"
    assert mine.locator(".comment__body p").count() == 2
    assert mine.locator(".comment__body br").count() == 1
    assert page.locator(".message").count() == 1

    # A reply through the reply page.
    theirs_on_page = page.locator("#kommentar-1")
    theirs_on_page.get_by_role("link", name="Antworten").click()
    page.wait_for_url(re.compile(r"/kommentar/1/antworten/$"))
    assert "Ein Kommentar von Martin." in page.locator(".quoted").inner_text()
    page.locator("form.comment-form textarea").fill("Da stimme ich zu.")
    page.locator("form.comment-form").get_by_role("button").click()
    page.wait_for_url(re.compile(r"#kommentar-1-1$"))
    reply = page.locator("#kommentar-1-1")
    assert reply.locator(".comment__number").inner_text() == "#1.1"
    assert reply.locator(".comment__body").inner_text() == "Da stimme ich zu."
    assert comment_body(article, "1.1") == "Da stimme ich zu."

    # A recommendation as a plain form POST, and taking it back.
    button = page.locator("#kommentar-1 .recommend-form button")
    assert button.get_attribute("aria-pressed") == "false"
    button.click()
    page.wait_for_load_state()
    button = page.locator("#kommentar-1 .recommend-form button")
    assert button.get_attribute("aria-pressed") == "true"
    assert button.locator(".recommend__count").inner_text() == "1"
    theirs.refresh_from_db()
    assert theirs.recommendation_count == 1
    # No recommending one's own comment: the button is not even offered.
    assert page.locator("#kommentar-2 .recommend-form").count() == 0
    button.click()
    page.wait_for_load_state()
    assert page.locator("#kommentar-1 .recommend__count").inner_text() == "0"
    assert Comment.objects.get(pk=theirs.pk).recommendation_count == 0


def test_javascript_recommends_in_place_and_expands_replies(
    new_page: Callable[..., Any],
    make_user: Callable[..., Any],
    article: Any,
    reader: Any,
    other_reader: Any,
    make_comment: Any,
) -> None:
    thread = make_comment(article, author=other_reader, body="Ein Thema mit vielen Antworten.")
    for n in range(1, 6):  # several authors: one reader may not post five times a minute
        author = make_user(f"Antwortende {n}")
        make_comment(article, author=author, parent=thread, body=f"Antwort Nummer {n}.")
    page = new_page(user=reader)
    page.goto(f"/artikel/{article.key}/")
    page.evaluate("window.__sameDocument = true")

    first = page.locator("#kommentar-1")
    button = first.locator(".recommend-form button")
    button.click()
    page.wait_for_function(
        "() => document.querySelector('#kommentar-1 .recommend__count').textContent === '1'"
    )
    assert button.get_attribute("aria-pressed") == "true"
    assert first.locator(".recommend__label").inner_text() == "Empfohlen"
    assert page.evaluate("window.__sameDocument") is True, "the page was reloaded"
    thread.refresh_from_db()
    assert thread.recommendation_count == 1

    # Three replies are shown, the other two come in place.
    replies = page.locator("#antworten-1 > li")
    assert replies.count() == 3
    more = page.locator("a.more-replies")
    assert more.inner_text().strip() == "2 weitere Antworten anzeigen"
    more.click()
    page.wait_for_function("() => document.querySelectorAll('#antworten-1 > li').length === 5")
    assert page.locator("a.more-replies").count() == 0
    # Focus moves to the first reply that was hidden (the link it was on is gone).
    assert page.evaluate("document.activeElement.id") == "kommentar-1-4"
    assert page.locator("#kommentar-1-5 .comment__body").inner_text() == "Antwort Nummer 5."
    assert page.evaluate("window.__sameDocument") is True, "the page was reloaded"
    # The recommend buttons of the new replies work in place too.
    page.locator("#kommentar-1-5 .recommend-form button").click()
    page.wait_for_function(
        "() => document.querySelector('#kommentar-1-5 .recommend__count').textContent === '1'"
    )
    assert page.evaluate("window.__sameDocument") is True
    assert not page.js_errors


FOCUSED = """() => {
  const el = document.activeElement;
  const style = getComputedStyle(el);
  const box = el.getBoundingClientRect();
  return {
    tag: el.tagName.toLowerCase(),
    cls: el.className,
    text: (el.innerText || el.value || '').trim(),
    outline: style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) >= 2,
    onScreen: box.right > 0 && box.left < innerWidth && box.width > 0 && box.height > 0,
  };
}"""


def test_keyboard_reaches_skip_link_form_and_buttons(
    new_page: Callable[..., Any], article: Any, reader: Any, other_reader: Any, make_comment: Any
) -> None:
    make_comment(article, author=other_reader, body="Bitte empfehlen.")
    page = new_page(user=reader)
    page.goto(f"/artikel/{article.key}/")

    page.keyboard.press("Tab")
    first = page.evaluate(FOCUSED)
    assert "skip-link" in first["cls"]
    assert first["text"] == "Zum Inhalt springen"
    assert first["onScreen"] and first["outline"], first
    page.keyboard.press("Enter")
    # following the link changes the URL after the key press returns: poll for it
    expect(page).to_have_url(re.compile(r"#main$"))

    seen: list[dict[str, Any]] = []
    for _ in range(40):
        page.keyboard.press("Tab")
        focused = page.evaluate(FOCUSED)
        seen.append(focused)
        if "recommend" in focused["cls"]:
            break
    tags = [(f["tag"], f["text"][:30]) for f in seen]
    textarea = next((f for f in seen if f["tag"] == "textarea"), None)
    assert textarea is not None, tags
    publish = next((f for f in seen if f["text"] == "Kommentar veröffentlichen"), None)
    assert publish is not None, tags
    recommend = next((f for f in seen if "recommend" in f["cls"]), None)
    assert recommend is not None, tags
    for focused in (textarea, publish, recommend):
        assert focused["outline"], f"no visible focus on {focused}"
    # Every stop is visible and marked.
    hidden = [f for f in seen if not (f["onScreen"] and f["outline"])]
    assert not hidden, hidden


XSS_BODY = (
    "<script>window.__xss=1</script>\n"
    '<img src=x onerror="window.__xss=1">\n'
    "javascript:window.__xss=1\n"
    '<a href="javascript:window.__xss=1">klick</a>'
)


def test_user_text_stays_inert(
    new_page: Callable[..., Any], article: Any, make_user: Callable[..., Any], make_comment: Any
) -> None:
    author = make_user('<img src=x onerror="window.__xss=1">')
    make_comment(article, author=author, body=XSS_BODY)
    page = new_page(user=make_user("Leserin"))
    for url in (f"/artikel/{article.key}/", f"/artikel/{article.key}/kommentar/1/antworten/"):
        page.goto(url)
        page.wait_for_load_state("load")
        assert page.evaluate("typeof window.__xss") == "undefined", url
        body = page.locator("#kommentar-1 .comment__body, .quoted").first
        text = body.inner_text()
        assert "<script>window.__xss=1</script>" in text, url
        assert '<img src=x onerror="window.__xss=1">' in text, url
        assert "javascript:window.__xss=1" in text, url
        assert body.locator("script, img, [onerror]").count() == 0, url
        assert page.locator('a[href^="javascript:"]').count() == 0, url
        assert page.locator("img[onerror]").count() == 0, url
    page.goto(f"/artikel/{article.key}/")
    author_name = page.locator("#kommentar-1 .comment__author").inner_text()
    assert author_name == '<img src=x onerror="window.__xss=1">'
    # Clicking everything that looks like a link in the comment does not run it either.
    for link in page.locator("#kommentar-1 .comment__body a").all():
        link.click(modifiers=["Control"])
    assert page.evaluate("typeof window.__xss") == "undefined"
    assert not page.js_errors
