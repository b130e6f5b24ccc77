"""The word-list page in a real browser: a moderator imports entries, tries one in the preview
and deletes one, all with the keyboard. Run with `pytest tests/browser -m browser`."""

from collections.abc import Callable
from typing import Any

import pytest

from debatte.articles.models import SiteMembership, default_site_id
from debatte.discussions.services import post_comment
from debatte.moderation.models import WordListEntry

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def tab_to(page: Any, selector: str, limit: int = 80) -> None:
    """Press Tab until `selector` has the focus (fails if it never gets it)."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate("(s) => document.activeElement.matches(s)", selector):
            return
    raise AssertionError(f"{selector} is not reachable with Tab")


def test_a_moderator_keeps_the_word_list_with_the_keyboard_alone(
    new_page: Callable[..., Any], moderator: Any, reader: Any, article: Any
) -> None:
    from playwright.sync_api import expect

    site_id = default_site_id()
    SiteMembership.objects.create(site_id=site_id, user=moderator, role="moderator")
    post_comment(article, author=reader, body="So ein Ärger mit den Schwachköpfen.")
    page = new_page(user=moderator)
    page.goto(f"/moderation/wortlisten/{site_id}/")

    tab_to(page, "textarea[name=text]")
    page.keyboard.type("Idiot*\nidiot*\nÄrger\n***")
    tab_to(page, "#import button[type=submit]")
    page.keyboard.press("Enter")
    report = page.locator(".import-report")
    expect(report).to_contain_text("2")
    expect(report).to_contain_text("***")
    assert set(WordListEntry.objects.values_list("phrase", flat=True)) == {"idiot*", "ärger"}

    tab_to(page, "input[name=eintrag]")
    page.keyboard.type("aerger")
    page.keyboard.press("Enter")
    expect(page.locator("mark.word-match")).to_have_text("Ärger")

    tab_to(page, "input[name=entries]")
    page.keyboard.press("Space")
    tab_to(page, "#delete-form button[type=submit]")
    page.keyboard.press("Enter")
    expect(page.locator("#delete-form input[name=entries]")).to_have_count(1)
    assert WordListEntry.objects.count() == 1
    assert page.js_errors == []
