"""A reader's browser on one app server sees comments posted on another arrive live."""

import os
import threading
import time
from collections.abc import Callable
from typing import Any

import pytest
from live_servers import Installation, Reader, channel_prefix

pytestmark = pytest.mark.browser

CHROMIUM = os.environ.get("DEBATTE_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]


def in_own_thread(scenario: Callable[[Any], None]) -> None:
    """Run `scenario(browser)` with its own Chromium in a thread of its own.

    Playwright's sync API refuses a thread with a running event loop, which the shared browser
    of tests/browser leaves in the main thread when it ran just before; a fresh thread has none.
    """
    if not os.path.exists(CHROMIUM):
        if os.environ.get("DEBATTE_REQUIRE_SERVICES") == "1":
            pytest.fail(f"Chromium is required in CI but missing at {CHROMIUM}")
        pytest.skip(f"Chromium is not installed at {CHROMIUM}")
    failures: list[BaseException] = []

    def run() -> None:
        from playwright.sync_api import sync_playwright

        try:
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(
                    executable_path=CHROMIUM, args=CHROMIUM_ARGS, timeout=30_000
                )
                try:
                    scenario(browser)
                finally:
                    browser.close()
        except BaseException as error:  # noqa: BLE001 - handed to the test's thread
            failures.append(error)

    worker = threading.Thread(target=run, daemon=True)
    worker.start()
    worker.join(timeout=60)
    assert not worker.is_alive(), "the browser scenario took longer than 60 s"
    if failures:
        raise failures[0]


def test_reader_sees_new_comments_and_recommendations_arrive_from_another_server(
    installation: Callable[..., Installation], redis_url: str
) -> None:
    site = installation(REDIS_URL=redis_url, DEBATTE_LIVE_CHANNEL_PREFIX=channel_prefix())
    key = site.article_key()
    writer_server, _reading_server = site.start_server(), site.start_server()
    author = Reader(writer_server, site.sessions[0])
    author.post_comment(key, "Schon vor dem Laden da.")
    in_own_thread(lambda chromium: reader_sees_updates(chromium, site, key, author))


def reader_sees_updates(chromium: Any, site: Installation, key: str, author: Reader) -> None:
    writer_server, reading_server = site.urls

    context = chromium.new_context(locale="de-DE")
    context.set_default_timeout(5_000)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(f"{reading_server}/artikel/{key}/")
    page.wait_for_function(
        "() => { const box = document.getElementById('live-updates');"
        " return box && box.debatteLive && box.debatteLive.readyState === 1; }"
    )
    button = page.locator("#live-updates button")
    assert button.is_hidden()

    author.post_comment(key, "Live dazugekommen.")  # published when the POST is answered
    published = time.monotonic()
    button.wait_for(state="visible", timeout=1_000)
    assert time.monotonic() - published < 1.0
    assert button.inner_text() == "1 neuer Kommentar"
    assert page.locator("#live-updates").get_attribute("aria-live") == "polite"

    author.post_comment(key, "Noch einer.")
    page.wait_for_function(
        "() => document.querySelector('#live-updates button').textContent === '2 neue Kommentare'",
        timeout=1_500,
    )
    assert page.locator(".discussion__count").inner_text() == "3"

    Reader(writer_server, site.sessions[1]).recommend(key, "1")
    page.wait_for_function(
        "() => /\\b1\\b/.test(document.querySelector('#kommentar-1 .recommend').textContent)",
        timeout=1_500,
    )

    button.click()  # opens the first new comment where it is
    page.wait_for_url(f"**/artikel/{key}/**#kommentar-2", timeout=5_000)
    assert page.locator("#kommentar-2").is_visible()
    assert errors == []
    context.close()
