"""The editors' article page in a real browser: an editor writes an article with the keyboard
alone, previews it, fixes what the form refuses and publishes it; the list fits a phone.
Run with `pytest tests/browser -m browser`."""

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from debatte.articles.models import Article
from debatte.moderation.models import AuditEntry

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SCREENSHOTS = Path("/tmp")  # noqa: S108 - looked at by hand, never read back


def test_an_editor_writes_previews_and_publishes_with_the_keyboard(
    new_page: Callable[..., Any], editor: Any
) -> None:
    from playwright.sync_api import expect

    page = new_page(user=editor)
    page.goto("/redaktion/artikel/neu/")

    # Tab from the kicker through the article's fields, typing as an editor would.
    page.locator("#id_kicker").focus()
    page.keyboard.type("Sicherheit")
    page.keyboard.press("Tab")
    expect(page.locator("#id_title")).to_be_focused()
    page.keyboard.type("Nato betont Dialogbereitschaft")
    page.keyboard.press("Tab")
    page.keyboard.type("Ein Vorspann.")
    page.keyboard.press("Tab")
    expect(page.locator("#id_body")).to_be_focused()
    page.keyboard.type("Erster Absatz.")
    page.keyboard.press("Enter")
    page.keyboard.press("Enter")
    page.keyboard.type("## Was nun?")
    page.keyboard.press("Enter")
    page.keyboard.press("Enter")
    page.keyboard.type("Zweiter Absatz.")
    page.locator("#id_topics").fill("Nato, Russland")
    page.locator("#id_key").fill("4711")
    page.locator("#id_canonical_url").fill("nicht eine Adresse")

    # Preview: refused, with the field marked; nothing is saved.
    page.locator("button[name=preview]").focus()
    page.keyboard.press("Enter")
    expect(page.locator(".field--error #id_canonical_url")).to_be_visible()
    expect(page.locator("[role=alert]")).to_be_visible()
    page.screenshot(path=str(SCREENSHOTS / "debatte-editor-error.png"), full_page=True)
    assert not Article.objects.exists()

    page.locator("#id_canonical_url").fill("https://www.example.org/politik/nato")
    page.locator("button[name=preview]").press("Enter")
    preview = page.locator(".editor-preview")
    expect(preview.locator(".article__title")).to_have_text("Nato betont Dialogbereitschaft")
    expect(preview.locator(".article__body h2")).to_have_text("Was nun?")
    expect(preview.locator(".topic")).to_have_text(["Nato", "Russland"])
    page.screenshot(path=str(SCREENSHOTS / "debatte-editor-preview.png"), full_page=True)
    assert not Article.objects.exists()

    page.locator(".editor-form__buttons button:not([name=preview])").press("Enter")
    expect(page.locator(".message")).to_be_visible()
    article = Article.objects.get(key="default:4711")
    assert [block["kind"] for block in article.body] == ["paragraph", "heading", "paragraph"]
    assert article.topics == ["Nato", "Russland"]
    assert AuditEntry.objects.filter(verb="article.create", actor=editor).exists()
    assert page.js_errors == []

    # Readers find it by its topic (without JavaScript: no live-update stream to wind down).
    reader = new_page(javascript=False)
    reader.goto(f"/artikel/{article.key}/")
    reader.get_by_role("link", name="Russland").click()
    expect(reader.locator(".teaser__title")).to_have_text(["Nato betont Dialogbereitschaft"])


def test_the_article_list_fits_a_phone(
    new_page: Callable[..., Any], editor: Any, make_article: Callable[..., Any]
) -> None:
    from playwright.sync_api import expect

    make_article(title="Ein Artikel aus dem Embed", listed=False)
    for n in range(3):
        make_article(title=f"Meldung mit einem recht langen Titel Nummer {n}")
    page = new_page(user=editor, width=390, height=844)
    page.goto("/redaktion/artikel/")

    expect(page.locator(".editor-waiting")).to_contain_text("Ein Artikel aus dem Embed")
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    page.screenshot(path=str(SCREENSHOTS / "debatte-editor-list-phone.png"), full_page=True)
    assert overflow <= 0
