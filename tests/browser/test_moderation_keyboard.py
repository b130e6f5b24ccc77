"""The moderation queue in a real browser: a moderator decides a queue with the keyboard alone,
and readers see the removal note. Run with `pytest tests/browser -m browser`."""

import re
from collections.abc import Callable
from typing import Any

import pytest

from debatte.articles.models import Site, SiteMembership, default_site_id
from debatte.discussions.models import Comment, CommentStatus
from debatte.moderation.models import Reason

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

NOTE = re.compile(
    r"(Entfernt|Removed)\. Bitte bleiben Sie beim Thema des Artikels\. "
    r"(Die Redaktion|The editors)/ab"
)


@pytest.fixture
def queue(
    moderator: Any, reader: Any, article: Any, make_comment: Callable[..., Any]
) -> dict[str, Any]:
    """Three held comments on a pre-moderated site, a moderator of that site and its reasons."""
    site_id = default_site_id()
    Site.objects.filter(pk=site_id).update(moderation_mode="pre")
    article.refresh_from_db()
    moderator.initials = "ab"
    moderator.save(update_fields=["initials"])
    SiteMembership.objects.create(site_id=site_id, user=moderator, role="moderator")
    Reason.objects.create(
        site_id=site_id,
        code="sachlich",
        kind="reject",
        label="Unsachlich",
        text="Bitte bleiben Sie sachlich.",
        position=1,
    )
    Reason.objects.create(
        site_id=site_id,
        code="thema",
        kind="reject",
        label="Off topic",
        text="Bitte bleiben Sie beim Thema des Artikels.",
        position=2,
    )
    comments = [
        make_comment(article, body="Ein sachlicher Beitrag zur Nato."),
        make_comment(article, body="Unsachliches Geschimpfe."),
        make_comment(article, body="Etwas ganz anderes: Fußball."),
    ]
    assert all(c.status == CommentStatus.PENDING for c in comments)
    return {"article": article, "comments": comments, "moderator": moderator}


def status(comment: Comment) -> str:
    return Comment.objects.get(pk=comment.pk).status


def test_a_moderator_works_through_the_pending_queue_with_the_keyboard_alone(
    new_page: Callable[..., Any], queue: dict[str, Any]
) -> None:
    from playwright.sync_api import expect

    first, second, third = queue["comments"]
    page = new_page(user=queue["moderator"])
    page.goto("/moderation/")
    item = {c.pk: page.locator(f"#queue-item-{c.pk}") for c in queue["comments"]}

    # The first comment has the focus (and is claimed) as soon as the page is ready.
    expect(item[first.pk]).to_be_focused()
    expect(item[first.pk]).to_have_class(re.compile("queue-item--current"))

    # A approves; the focus moves on to the next comment.
    page.keyboard.press("a")
    expect(item[first.pk]).to_have_class(re.compile("queue-item--done"))
    expect(item[second.pk]).to_be_focused()

    # J skips to the third; 2 picks "Off topic", R removes it; the focus goes back to the second.
    page.keyboard.press("j")
    expect(item[third.pk]).to_be_focused()
    page.keyboard.press("2")
    expect(item[third.pk].locator("select[data-reject-reason]")).to_have_value(
        str(Reason.objects.get(code="thema").pk)
    )
    page.keyboard.press("r")
    expect(item[third.pk]).to_have_class(re.compile("queue-item--done"))
    expect(item[second.pk]).to_be_focused()

    # R without a reason asks for one (focus in the list); Escape returns, 1 and R remove it.
    page.keyboard.press("r")
    expect(item[second.pk].locator(".queue-item__error")).to_be_visible()
    expect(item[second.pk].locator("select[data-reject-reason]")).to_be_focused()
    assert status(second) == CommentStatus.PENDING
    page.keyboard.press("Escape")
    expect(item[second.pk]).to_be_focused()
    page.keyboard.press("1")
    page.keyboard.press("r")
    expect(item[second.pk]).to_have_class(re.compile("queue-item--done"))
    expect(page.locator("#queue-live")).not_to_be_empty()

    assert status(first) == CommentStatus.PUBLISHED
    assert status(second) == CommentStatus.REJECTED
    assert status(third) == CommentStatus.REJECTED
    assert NOTE.fullmatch(Comment.objects.get(pk=third.pk).moderation_note)
    assert not Comment.objects.filter(claimed_by__isnull=False).exists()
    assert page.js_errors == []

    # Reloaded, the pending queue is empty.
    page.reload()
    expect(page.locator(".queue-empty")).to_be_visible()

    # Readers see the removed comment's number with its note, and the approved comment.
    reader_page = new_page()
    reader_page.goto(f"/artikel/{queue['article'].key}/")
    removed = reader_page.locator(f"#{third.anchor}")
    expect(removed.locator(".comment__moderation-note")).to_have_text(NOTE)
    expect(removed).not_to_contain_text("Fußball")
    expect(reader_page.locator(f"#{first.anchor}")).to_contain_text("Ein sachlicher Beitrag")


def test_feature_and_ban_from_the_keyboard(
    new_page: Callable[..., Any], queue: dict[str, Any], reader: Any
) -> None:
    from playwright.sync_api import expect

    first, second, _third = queue["comments"]
    page = new_page(user=queue["moderator"])
    page.goto("/moderation/")
    expect(page.locator(f"#queue-item-{first.pk}")).to_be_focused()
    page.keyboard.press("f")
    expect(page.locator(f"#queue-item-{second.pk}")).to_be_focused()
    first.refresh_from_db()
    assert first.is_editor_pick and first.status == CommentStatus.PUBLISHED

    # B asks first; dismissing the question changes nothing.
    page.keyboard.press("1")
    page.once("dialog", lambda dialog: dialog.dismiss())
    page.keyboard.press("b")
    expect(page.locator(f"#queue-item-{second.pk}")).to_be_focused()
    assert not reader.restrictions.filter(kind="ban").exists()
    page.once("dialog", lambda dialog: dialog.accept())
    page.keyboard.press("b")
    expect(page.locator(f"#queue-item-{second.pk}")).to_have_class(re.compile("queue-item--done"))
    assert reader.restrictions.filter(kind="ban", site=second.article.site_id).exists()
    assert status(second) == CommentStatus.REJECTED
    assert page.js_errors == []


def test_without_javascript_the_forms_decide(
    new_page: Callable[..., Any], queue: dict[str, Any]
) -> None:
    from playwright.sync_api import expect

    first, second, _third = queue["comments"]
    page = new_page(user=queue["moderator"], javascript=False)
    page.goto("/moderation/")
    page.locator(f"#queue-item-{first.pk} button[value=approve]").click()
    expect(page.locator(f"#queue-item-{first.pk}")).to_have_count(0)
    assert page.url.endswith(f"#queue-item-{second.pk}")
    reasons = page.locator(f"#queue-item-{second.pk} select[data-reject-reason]")
    reasons.select_option(label="2. Off topic")
    page.locator(f"#queue-item-{second.pk} button[value=reject]").click()
    assert status(first) == CommentStatus.PUBLISHED
    assert status(second) == CommentStatus.REJECTED


def test_the_item_page_claims_by_post_once_loaded_and_a_colleague_sees_it_locked(
    new_page: Callable[..., Any], queue: dict[str, Any], make_user: Callable[..., Any]
) -> None:
    from playwright.sync_api import expect

    first = queue["comments"][0]
    colleague = make_user("Redaktion cd")
    SiteMembership.objects.create(site_id=default_site_id(), user=colleague, role="moderator")
    page = new_page(user=queue["moderator"])
    with page.expect_response(lambda r: r.url.endswith("/claim/")) as claim:
        page.goto(f"/moderation/kommentar/{first.pk}/")
    assert claim.value.request.method == "POST" and claim.value.json()["claimed"] is True
    expect(page.locator(f"#queue-item-{first.pk}")).to_be_focused()
    assert Comment.objects.get(pk=first.pk).claimed_by_id == queue["moderator"].pk

    other = new_page(user=colleague)
    other.goto(f"/moderation/kommentar/{first.pk}/")
    expect(other.locator(".queue-locked-notice")).to_be_visible()
    assert Comment.objects.get(pk=first.pk).claimed_by_id == queue["moderator"].pk
    assert page.js_errors == [] and other.js_errors == []
