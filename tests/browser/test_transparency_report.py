"""The DSA transparency report in a real browser, with the keyboard alone: a moderator picks a
period, reads the figures and downloads the CSV. Run with `pytest tests/browser -m browser`."""

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from debatte.articles.models import SiteMembership, default_site_id
from debatte.moderation.services.decisions import approve_comment
from debatte.moderation.services.dsa import submit_illegal_content_notice

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def tab_to(page: Any, text: str, limit: int = 60) -> None:
    """Press Tab until the element whose text (or name) is `text` has the focus."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        focused = page.evaluate(
            "document.activeElement.textContent.trim() || document.activeElement.name || ''"
        )
        if focused == text:
            return
    raise AssertionError(f"Tab never reached {text!r}")


def test_a_moderator_reads_and_downloads_the_report_with_the_keyboard(
    new_page: Callable[..., Any], moderator: Any, article: Any, make_comment: Callable[..., Any]
) -> None:
    from playwright.sync_api import expect

    SiteMembership.objects.create(site_id=default_site_id(), user=moderator, role="moderator")
    comment = make_comment(article, body="Ein gemeldeter Satz.")
    submit_illegal_content_notice(
        comment, explanation="Strafbar nach § 185 StGB.", category="insult", email="h@x.org"
    )
    approve_comment(comment, moderator=moderator)

    page = new_page(user=moderator, locale="en-US")
    page.goto("/moderation/transparenz/")
    expect(page.get_by_role("heading", name="Transparency report")).to_be_visible()
    tab_to(page, "This year so far")
    page.keyboard.press("Enter")
    page.wait_for_load_state()
    row = page.locator("#notices-by-category tr", has_text="Insult, defamation or slander")
    expect(row.locator("td")).to_have_text("1")
    kept = page.locator("#notice-decisions tr", has_text="comment kept")
    expect(kept.locator("td")).to_have_text("1")

    tab_to(page, "Download as CSV")
    with page.expect_download() as info:
        page.keyboard.press("Enter")
    download = info.value
    assert download.suggested_filename.startswith("transparenz-")
    text = Path(download.path()).read_text(encoding="utf-8")
    assert "notices_by_category,insult,1\n" in text and "notice_decisions,kept,1\n" in text
    assert page.js_errors == []
