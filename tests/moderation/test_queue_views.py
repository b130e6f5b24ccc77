"""Queue pages through the test client: tabs, scopes, decisions, claims, bulk, roles, queries."""

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from debatte.articles.models import Section, Site, SiteMembership, default_site_id
from debatte.discussions.models import Comment, CommentStatus, Report, ReportReason
from debatte.discussions.services.moderating import record_score
from debatte.moderation.models import AuditEntry, Reason
from debatte.moderation.restrictions import restriction_status

pytestmark = pytest.mark.django_db

QUEUE_URL = "/moderation/"
JSON: dict[str, Any] = {"Accept": "application/json"}


def decide_url(comment: Comment) -> str:
    return reverse("moderation-decide", args=[comment.pk])


def author_url(comment: Comment) -> str:
    return reverse("moderation-author", args=[comment.pk])


def item_url(comment: Comment) -> str:
    return reverse("moderation-queue-item", args=[comment.pk])


def claim_url(comment: Comment) -> str:
    return reverse("moderation-claim", args=[comment.pk])


def reload(comment: Comment) -> Comment:
    return Comment.objects.get(pk=comment.pk)


def premoderate(site_id: int) -> None:
    Site.objects.filter(pk=site_id).update(moderation_mode="pre")


@pytest.fixture
def home_site(db: None) -> Site:
    site = Site.objects.get(pk=default_site_id())
    premoderate(site.pk)
    return site


@pytest.fixture
def away_site(db: None) -> Site:
    return Site.objects.create(name="Anderes Blatt", slug="anderes-blatt", moderation_mode="pre")


@pytest.fixture
def mod(moderator: Any, home_site: Site) -> Any:
    moderator.initials = "ab"
    moderator.language = "en"  # the page strings asserted below are the English ones
    moderator.save(update_fields=["initials", "language"])
    SiteMembership.objects.create(site=home_site, user=moderator, role="moderator")
    return moderator


@pytest.fixture
def colleague(make_user: Callable[..., Any], home_site: Site) -> Any:
    user = make_user("Redaktion cd", staff=True)
    SiteMembership.objects.create(site=home_site, user=user, role="moderator")
    return user


@pytest.fixture
def away_mod(make_user: Callable[..., Any], away_site: Site) -> Any:
    user = make_user("Redaktion xy", staff=True)
    SiteMembership.objects.create(site=away_site, user=user, role="moderator")
    return user


@pytest.fixture
def reasons(home_site: Site) -> dict[str, Reason]:
    return {
        "off_topic": Reason.objects.create(
            site=home_site,
            code="thema",
            kind="reject",
            label="Off topic",
            text="Bitte bleiben Sie beim Thema des Artikels.",
            position=1,
        ),
        "sachlich": Reason.objects.create(
            site=home_site,
            code="sachlich",
            kind="reject",
            label="Unsachlich",
            text="Bitte bleiben Sie sachlich.",
            position=2,
        ),
        "inactive": Reason.objects.create(
            site=home_site,
            code="alt",
            kind="reject",
            label="Veraltet",
            text="Alt.",
            is_active=False,
        ),
        "shorten": Reason.objects.create(
            site=home_site,
            code="unterstellung",
            kind="shorten",
            label="Unterstellung",
            text="Bitte verzichten Sie auf Unterstellungen.",
        ),
    }


@pytest.fixture
def pending(
    home_site: Site, article: Any, make_comment: Callable[..., Any]
) -> Callable[..., list[Comment]]:
    def make(count: int = 3, on: Any = None, **kwargs: Any) -> list[Comment]:
        comments = [make_comment(on or article, **kwargs) for _ in range(count)]
        assert all(c.status == CommentStatus.PENDING for c in comments)
        return comments

    return make


def logged_in(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


# --- Access -------------------------------------------------------------------------------------


def test_anonymous_users_are_sent_to_the_login(client: Client, home_site: Site) -> None:
    response = client.get(QUEUE_URL)
    assert response.status_code == 302
    assert "/konto/login/" in response["Location"]


@pytest.mark.parametrize("staff", [False, True])
def test_users_who_moderate_no_site_get_403_everywhere(
    make_user: Callable[..., Any], pending: Callable[..., list[Comment]], staff: bool
) -> None:
    (comment,) = pending(1)
    client = logged_in(make_user("Neugierig", staff=staff))
    assert client.get(QUEUE_URL).status_code == 403
    assert client.get(item_url(comment)).status_code == 403
    assert client.post(decide_url(comment), {"action": "approve"}).status_code == 403
    assert client.post(claim_url(comment)).status_code == 403
    assert (
        client.post(
            "/moderation/bulk/", {"action": "approve", "comments": [comment.pk]}
        ).status_code
        == 403
    )
    assert reload(comment).status == CommentStatus.PENDING


def test_a_moderator_of_one_site_neither_sees_nor_acts_on_another_sites_items(
    mod: Any,
    away_mod: Any,
    away_site: Site,
    reasons: dict[str, Reason],
    pending: Callable[..., list[Comment]],
    make_article: Callable[..., Any],
) -> None:
    (home,) = pending(1, body="Zuhause geschrieben.")
    (away,) = pending(1, on=make_article(site=away_site), body="Anderswo geschrieben.")
    client = logged_in(mod)

    page = client.get(QUEUE_URL).content.decode()
    assert "Zuhause geschrieben." in page
    assert "Anderswo geschrieben." not in page
    assert client.get(QUEUE_URL, {"site": away_site.pk}).status_code == 404
    assert "Anderswo" not in client.get(QUEUE_URL, {"article": away.article_id}).content.decode()

    assert client.get(item_url(away)).status_code == 404
    assert client.post(claim_url(away), headers=JSON).status_code == 404
    assert client.post(decide_url(away), {"action": "approve"}).status_code == 404
    assert (
        client.post(
            decide_url(away), {"action": "reject", "reason": reasons["off_topic"].pk}
        ).status_code
        == 404
    )
    assert client.post(author_url(away), {"action": "ban", "note": "x"}).status_code == 404
    client.post("/moderation/bulk/", {"action": "approve", "comments": [away.pk, home.pk]})
    assert reload(away).status == CommentStatus.PENDING
    assert reload(away).claimed_by_id is None
    assert reload(home).status == CommentStatus.PUBLISHED

    other = logged_in(away_mod).get(QUEUE_URL).content.decode()
    assert "Anderswo geschrieben." in other
    assert "Zuhause geschrieben." not in other


# --- The queue page -------------------------------------------------------------------------------


def test_pending_queue_shows_comment_context_history_and_reasons(
    mod: Any,
    reader: Any,
    other_reader: Any,
    home_site: Site,
    article: Any,
    reasons: dict[str, Reason],
    make_comment: Callable[..., Any],
) -> None:
    Site.objects.filter(pk=home_site.pk).update(moderation_mode="post")
    parent = make_comment(article, author=other_reader, body="Der Elternkommentar mit Kontext.")
    reply = make_comment(
        article,
        author=reader,
        parent=parent,
        body="Siehe https://www.dekoder.org/de/article/russland-nato <b>fett</b>",
    )
    Comment.objects.filter(pk=reply.pk).update(
        status=CommentStatus.PENDING,
        risk_score=0.93,
        score_reasons=["dumm", "idiot"],
        flags=[{"code": "suspect_words", "phase": "suspect_words", "detail": "idiot*"}],
        flag_codes="suspect_words",
    )
    response = logged_in(mod).get(QUEUE_URL)
    assert response.status_code == 200
    page = response.content.decode()
    assert article.title in page
    assert "Der Elternkommentar mit Kontext." in page
    assert reply.label in page
    assert 'rel="nofollow ugc noopener"' in page  # rendered with comment_text
    assert "&lt;b&gt;fett&lt;/b&gt;" in page and "<b>fett</b>" not in page
    assert "0.93" in page or "0,93" in page
    assert "dumm, idiot" in page
    assert "idiot*" in page
    assert "Kapaster d.J." in page
    # The site's active reject reasons, numbered for the keyboard; never another kind or inactive.
    assert "1. Off topic" in page and "2. Unsachlich" in page
    assert "Veraltet" not in page
    assert "Unterstellung" in page  # in the shorten form
    assert 'data-queue-tab="pending"' in page


def test_a_classifier_flag_and_the_score_are_said_once(
    mod: Any, reader: Any, home_site: Site, article: Any, make_comment: Callable[..., Any]
) -> None:
    Site.objects.filter(pk=home_site.pk).update(moderation_mode="post")
    comment = make_comment(article, author=reader, body="Du Vollpfosten.")
    record_score(comment, score=0.97, reasons=["vollpfosten"], flagged=True)
    page = logged_in(mod).get(QUEUE_URL + "?queue=flagged").content.decode()
    assert page.count("vollpfosten") == 1
    assert "0.97" in page or "0,97" in page
    # below the site's threshold there is no flag: the score is still shown, once
    record_score(comment, score=0.41, reasons=["vollpfosten"], flagged=False)
    Comment.objects.filter(pk=comment.pk).update(status=CommentStatus.PENDING)
    page = logged_in(mod).get(QUEUE_URL).content.decode()
    assert page.count("vollpfosten") == 1
    assert "0.41" in page or "0,41" in page


def test_tabs_show_counts_and_each_queue_its_items(
    mod: Any,
    home_site: Site,
    article: Any,
    reader: Any,
    other_reader: Any,
    pending: Callable[..., list[Comment]],
    make_comment: Callable[..., Any],
) -> None:
    held = pending(2)
    Site.objects.filter(pk=home_site.pk).update(risk_threshold=0.5)
    reported = make_comment(article, body="Ein gemeldeter Kommentar.")
    Comment.objects.filter(pk=reported.pk).update(status=CommentStatus.PUBLISHED)
    Report.objects.create(comment=reported, reporter=other_reader, reason=ReportReason.INSULT)
    flagged = make_comment(article, body="Ein riskanter Kommentar.")
    Comment.objects.filter(pk=flagged.pk).update(status=CommentStatus.PUBLISHED, risk_score=0.7)
    client = logged_in(mod)

    response = client.get(QUEUE_URL)
    counts = {tab["queue"]: tab["count"] for tab in response.context["tabs"]}
    assert counts == {"pending": 2, "reported": 1, "flagged": 1, "decided": None}
    assert [e.comment.pk for e in response.context["items"]] == [c.pk for c in held]

    reported_page = client.get(QUEUE_URL, {"queue": "reported"})
    assert [e.comment.pk for e in reported_page.context["items"]] == [reported.pk]
    assert "Reported: Insult or harassment (1×)" in reported_page.content.decode()
    flagged_page = client.get(QUEUE_URL, {"queue": "flagged"})
    assert [e.comment.pk for e in flagged_page.context["items"]] == [flagged.pk]

    client.post(decide_url(held[0]), {"action": "approve"})
    decided = client.get(QUEUE_URL, {"queue": "decided"})
    assert [e.comment.pk for e in decided.context["items"]] == [held[0].pk]


def test_scope_by_section_and_article_sort_and_reason_filter(
    mod: Any,
    home_site: Site,
    make_article: Callable[..., Any],
    make_comment: Callable[..., Any],
    reader: Any,
) -> None:
    section = Section.objects.create(site=home_site, name="Politik", slug="politik")
    in_section = make_article(section=section, title="Politischer Artikel")
    elsewhere = make_article(title="Anderer Artikel")
    old = make_comment(in_section, body="Alt, aber harmlos.")
    risky = make_comment(elsewhere, body="Neu und riskant.")
    Comment.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(hours=2))
    Comment.objects.filter(pk=risky.pk).update(
        risk_score=0.9,
        flag_codes="links suspect_words",
        flags=[{"code": "links", "phase": "links", "detail": "https://x.example"}],
    )
    client = logged_in(mod)

    def ids(**params: str | int) -> list[int]:
        return [e.comment.pk for e in client.get(QUEUE_URL, params).context["items"]]

    assert ids() == [risky.pk, old.pk]
    assert ids(order="age") == [old.pk, risky.pk]
    assert ids(section=section.pk) == [old.pk]
    assert ids(article=elsewhere.pk) == [risky.pk]
    assert ids(reason="links") == [risky.pk]
    assert ids(reason="insult") == []
    page = client.get(QUEUE_URL, {"article": elsewhere.pk}).content.decode()
    assert "Anderer Artikel" in page
    # Tabs keep the scope.
    tabs = client.get(QUEUE_URL, {"section": str(section.pk), "order": "age"}).context["tabs"]
    assert all(f"section={section.pk}" in tab["url"] and "order=age" in tab["url"] for tab in tabs)


# --- Decisions ------------------------------------------------------------------------------------


def test_approve_without_javascript_redirects_to_the_next_item(
    mod: Any, pending: Callable[..., list[Comment]]
) -> None:
    first, second = pending(2)
    client = logged_in(mod)
    response = client.post(
        decide_url(first), {"action": "approve", "next": f"{QUEUE_URL}#queue-item-{second.pk}"}
    )
    assert response.status_code == 302
    assert response["Location"] == f"{QUEUE_URL}#queue-item-{second.pk}"
    first = reload(first)
    assert first.status == CommentStatus.PUBLISHED
    assert first.claimed_by_id is None  # released after the decision
    assert AuditEntry.objects.filter(verb="comment.approve", comment=first, actor=mod).exists()
    # The next link rendered in the page points at the following item.
    page = client.get(QUEUE_URL).content.decode()
    assert f'value="{QUEUE_URL}"' in page


def test_next_must_stay_on_this_host(mod: Any, pending: Callable[..., list[Comment]]) -> None:
    (comment,) = pending(1)
    response = logged_in(mod).post(
        decide_url(comment), {"action": "approve", "next": "https://evil.example/"}
    )
    assert response["Location"] == QUEUE_URL


def test_reject_needs_an_active_reason_of_the_site_and_shows_the_note(
    mod: Any,
    reasons: dict[str, Reason],
    pending: Callable[..., list[Comment]],
    away_site: Site,
) -> None:
    (comment,) = pending(1)
    client = logged_in(mod)
    foreign = Reason.objects.create(
        site=away_site, code="x", kind="reject", label="Fremd", text="Fremd."
    )
    for data in (
        {"action": "reject"},
        {"action": "reject", "reason": reasons["inactive"].pk},
        {"action": "reject", "reason": reasons["shorten"].pk},
        {"action": "reject", "reason": foreign.pk},
    ):
        response = client.post(decide_url(comment), data, headers=JSON)
        assert response.status_code == 400, data
        assert response.json()["ok"] is False
    assert reload(comment).status == CommentStatus.PENDING

    response = client.post(
        decide_url(comment), {"action": "reject", "reason": reasons["off_topic"].pk}, headers=JSON
    )
    assert response.status_code == 200
    assert response.json()["ok"] is True
    assert response.json()["status"] == "rejected"
    comment = reload(comment)
    assert comment.status == CommentStatus.REJECTED
    assert "Bitte bleiben Sie beim Thema des Artikels." in comment.moderation_note
    assert comment.moderation_note.endswith("/ab")


def test_shorten_feature_and_unfeature(
    mod: Any, reasons: dict[str, Reason], pending: Callable[..., list[Comment]]
) -> None:
    first, second = pending(2)
    client = logged_in(mod)
    response = client.post(
        decide_url(first),
        {"action": "shorten", "reason": reasons["shorten"].pk, "body": "Kurz."},
    )
    assert response.status_code == 302
    first = reload(first)
    assert first.status == CommentStatus.PUBLISHED
    assert first.body == "Kurz."
    assert "Bitte verzichten Sie auf Unterstellungen." in first.moderation_note
    # A reject reason is not a shortening reason.
    response = client.post(
        decide_url(second),
        {"action": "shorten", "reason": reasons["off_topic"].pk, "body": "Kurz."},
        headers=JSON,
    )
    assert response.status_code == 400

    assert client.post(decide_url(second), {"action": "feature"}, headers=JSON).json()["featured"]
    second = reload(second)
    assert second.is_editor_pick and second.status == CommentStatus.PUBLISHED
    client.post(decide_url(second), {"action": "unfeature"})
    assert not reload(second).is_editor_pick


def test_author_actions_warn_suspend_premoderate_and_ban(
    mod: Any, reader: Any, reasons: dict[str, Reason], pending: Callable[..., list[Comment]]
) -> None:
    (comment,) = pending(1)
    client = logged_in(mod)
    url = author_url(comment)
    assert client.post(url, {"action": "warn"}, headers=JSON).status_code == 400  # no ground
    assert client.post(url, {"action": "warn", "note": "Bitte mäßigen."}).status_code == 302
    reader.refresh_from_db()
    assert reader.warning_count == 1
    client.post(url, {"action": "suspend", "days": 3, "reason": reasons["sachlich"].pk})
    reader.refresh_from_db()
    status = restriction_status(reader, comment.article.site_id)
    assert status.suspended_until is not None
    assert timedelta(days=2) < status.suspended_until - timezone.now() <= timedelta(days=3)
    client.post(url, {"action": "premoderate", "note": "Zur Beobachtung."})
    assert restriction_status(reader, comment.article.site_id).premoderated
    assert reload(comment).status == CommentStatus.PENDING  # restrictions leave the comment

    response = client.post(
        url, {"action": "ban", "reason": reasons["sachlich"].pk, "remove": "1"}, headers=JSON
    )
    assert response.json()["ok"] is True
    assert restriction_status(reader, comment.article.site_id).banned
    assert not restriction_status(reader, None).banned  # on the comment's site only
    assert reload(comment).status == CommentStatus.REJECTED
    verbs = set(AuditEntry.objects.values_list("verb", flat=True))
    assert {"user.warn", "user.suspend", "user.premoderate", "user.ban", "comment.reject"} <= verbs


def test_a_moderator_cannot_restrict_themselves(
    mod: Any, home_site: Site, article: Any, make_comment: Callable[..., Any]
) -> None:
    own = make_comment(article, author=mod, body="Mein eigener Kommentar.")
    response = logged_in(mod).post(author_url(own), {"action": "ban", "note": "x"}, headers=JSON)
    assert response.status_code == 400
    assert not mod.restrictions.exists()


# --- Claims ---------------------------------------------------------------------------------------


def test_opening_an_item_claims_nothing_a_post_claims_it(
    mod: Any, pending: Callable[..., list[Comment]]
) -> None:
    """A GET may be a prefetch or a link preview: only moderation.js's POST claims."""
    (comment,) = pending(1)
    client = logged_in(mod)
    response = client.get(item_url(comment))
    assert response.status_code == 200
    assert not response.context["locked"]
    assert reload(comment).claimed_by_id is None
    assert f'data-claim-url="{claim_url(comment)}"' in response.content.decode()

    assert client.post(claim_url(comment), headers=JSON).json()["claimed"] is True
    assert reload(comment).claimed_by_id == mod.pk


def test_a_claimed_item_shows_its_holder_and_others_cannot_decide(
    mod: Any, colleague: Any, reasons: dict[str, Reason], pending: Callable[..., list[Comment]]
) -> None:
    first, second = pending(2)
    mine, theirs = logged_in(mod), logged_in(colleague)
    assert mine.post(claim_url(first), headers=JSON).json()["claimed"] is True
    response = mine.get(item_url(first))
    assert not response.context["locked"]  # the holder's own claim does not lock them out

    locked = theirs.get(item_url(first), HTTP_ACCEPT_LANGUAGE="de")
    assert reload(first).claimed_by_id == mod.pk  # the other's GET took nothing
    assert locked.context["locked"]
    assert "Redaktion ab bearbeitet gerade diesen Kommentar" in locked.content.decode()
    assert 'name="action" value="approve"' not in locked.content.decode()

    queue = theirs.get(QUEUE_URL)
    entries = {e.comment.pk: e for e in queue.context["items"]}
    assert entries[first.pk].item.claimed_by_other
    assert not entries[second.pk].item.claimed_by_other
    assert "queue-item--locked" in queue.content.decode()

    response = theirs.post(decide_url(first), {"action": "approve"}, headers=JSON)
    assert response.status_code == 409
    assert "Redaktion ab" in response.json()["message"]
    assert reload(first).status == CommentStatus.PENDING
    assert theirs.post(claim_url(first), headers=JSON).json()["claimed"] is False
    assert theirs.post(claim_url(second), headers=JSON).json()["claimed"] is True

    # The holder decides; the claim is released. An expired claim is free again.
    mine.post(decide_url(first), {"action": "approve"})
    assert reload(first).claimed_by_id is None
    Comment.objects.filter(pk=second.pk).update(claimed_until=timezone.now() - timedelta(seconds=1))
    assert mine.post(claim_url(second), headers=JSON).json()["claimed"] is True


def test_release_gives_the_item_back(mod: Any, pending: Callable[..., list[Comment]]) -> None:
    (comment,) = pending(1)
    client = logged_in(mod)
    client.post(claim_url(comment), headers=JSON)
    assert reload(comment).claimed_by_id == mod.pk
    client.post(reverse("moderation-release", args=[comment.pk]), headers=JSON)
    assert reload(comment).claimed_by_id is None


# --- Bulk -----------------------------------------------------------------------------------------


def test_bulk_approve_and_reject_skip_items_claimed_by_others(
    mod: Any, colleague: Any, reasons: dict[str, Reason], pending: Callable[..., list[Comment]]
) -> None:
    a, b, c, d = pending(4)
    logged_in(colleague).post(claim_url(d), headers=JSON)
    client = logged_in(mod)
    response = client.post(
        "/moderation/bulk/", {"action": "approve", "comments": [a.pk, b.pk], "next": QUEUE_URL}
    )
    assert response.status_code == 302
    assert [reload(x).status for x in (a, b)] == [CommentStatus.PUBLISHED] * 2

    # Rejecting needs a reason.
    client.post("/moderation/bulk/", {"action": "reject", "comments": [c.pk]})
    assert reload(c).status == CommentStatus.PENDING
    response = client.post(
        "/moderation/bulk/",
        {"action": "reject", "comments": [c.pk, d.pk], "reason_code": "sachlich"},
        follow=True,
    )
    assert reload(c).status == CommentStatus.REJECTED
    assert "Bitte bleiben Sie sachlich." in reload(c).moderation_note
    assert reload(d).status == CommentStatus.PENDING
    assert f"Skipped: {d.label}" in response.content.decode()


# --- Query counts ---------------------------------------------------------------------------------


@pytest.mark.parametrize("queue", ["pending", "reported", "flagged", "decided"])
def test_queue_pages_cost_the_same_number_of_queries_for_5_and_30_items(
    mod: Any,
    home_site: Site,
    article: Any,
    make_user: Callable[..., Any],
    make_comment: Callable[..., Any],
    reasons: dict[str, Reason],
    queue: str,
    django_assert_num_queries: Any,
) -> None:
    client = logged_in(mod)
    Site.objects.filter(pk=home_site.pk).update(moderation_mode="post")
    article.refresh_from_db()
    article.site.refresh_from_db()
    parent = make_comment(article, body="Ein Elternkommentar.")
    assert parent.status == CommentStatus.PUBLISHED
    reporter = make_user("Meldende")

    def add(count: int) -> None:
        for _ in range(count):
            author = make_user()
            comment = make_comment(article, author=author, parent=parent)
            if queue == "pending":
                Comment.objects.filter(pk=comment.pk).update(status=CommentStatus.PENDING)
            elif queue == "reported":
                Report.objects.create(comment=comment, reporter=reporter, reason="insult")
            elif queue == "flagged":
                Comment.objects.filter(pk=comment.pk).update(
                    risk_score=0.95,
                    score_reasons=["x"],
                    flag_codes="suspect_words",
                    flags=[{"code": "suspect_words", "phase": "suspect_words", "detail": "x"}],
                )
            elif queue == "decided":
                Comment.objects.filter(pk=comment.pk).update(
                    status=CommentStatus.REJECTED,
                    moderated_at=timezone.now(),
                    moderated_by=mod,
                    moderation_note="Entfernt. Test. Die Redaktion/ab",
                )

    def measure() -> int:
        client.get(QUEUE_URL, {"queue": queue})  # warm the session and caches
        with CaptureQueriesContext(connection) as captured:
            response = client.get(QUEUE_URL, {"queue": queue})
        assert response.status_code == 200
        return len(captured.captured_queries)

    add(5)
    few = measure()
    assert len(client.get(QUEUE_URL, {"queue": queue}).context["items"]) == 5
    add(25)
    many = measure()
    assert len(client.get(QUEUE_URL, {"queue": queue}).context["items"]) == 30
    assert few == many
    with django_assert_num_queries(many):
        client.get(QUEUE_URL, {"queue": queue})
    print(f"{queue}: {many} queries")  # noqa: T201 (reported by -s)


def test_item_page_queries_are_bounded(
    mod: Any,
    reasons: dict[str, Reason],
    pending: Callable[..., list[Comment]],
    django_assert_max_num_queries: Any,
) -> None:
    (comment,) = pending(1)
    client = logged_in(mod)
    client.get(item_url(comment))
    with django_assert_max_num_queries(15):
        assert client.get(item_url(comment)).status_code == 200
