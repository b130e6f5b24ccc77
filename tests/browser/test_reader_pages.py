"""The reader side in a real browser: rendering, layout, no-JS forms, JS enhancements, keyboard
use and inert user text. Run with `pytest tests/browser -m browser`."""

import re
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

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
        body="mhh ...\nzumindest lässt putin und seine clique nun \"die hosen runter\".\n"
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
    Comment.objects.filter(article=article).update(
        created_at=timezone.now() - timedelta(days=190)
    )
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
    if (shots := Path(__import__("os").environ.get("DEBATTE_SCREENSHOT_DIR", ""))) != Path(""):
        shots.mkdir(parents=True, exist_ok=True)
        for png in tmp_path.glob("*.png"):
            (shots / png.name).write_bytes(png.read_bytes())
