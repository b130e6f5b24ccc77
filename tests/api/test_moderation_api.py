"""Moderators' queues and decisions through /api/v1 as every role."""

import pytest

from debatte.articles.models import Site
from debatte.discussions.models import CommentStatus

pytestmark = pytest.mark.django_db

COMMENT = "/moderation/articles/nato-dialog/comments/1"


def code(response) -> str:
    return response.json()["error"]["code"]


@pytest.fixture
def held(article, make_comment):
    Site.objects.filter(pk=article.site_id).update(moderation_mode="pre")
    article.site.refresh_from_db()
    comment = make_comment(article)
    assert comment.status == CommentStatus.PENDING
    return comment


def test_site_moderator_reads_the_pending_queue(moderator_api, held):
    response = moderator_api.get("/moderation/queues/pending")
    assert response.status_code == 200
    items = response.json()["items"]
    assert [i["comment"]["label"] for i in items] == ["#1"]
    assert items[0]["comment"]["body"] == held.body


@pytest.mark.parametrize("queue", ["pending", "reported", "flagged", "decided"])
def test_every_queue_answers(moderator_api, held, queue):
    assert moderator_api.get(f"/moderation/queues/{queue}").status_code == 200


def test_queues_are_refused_to_everyone_else(
    anonymous, reader_api, other_moderator_api, moderating_token_api, token_api, held, site
):
    assert anonymous.get("/moderation/queues/pending").status_code == 401
    assert reader_api.get("/moderation/queues/pending").status_code == 403
    other = other_moderator_api.get("/moderation/queues/pending", data={"site": site.pk})
    assert other.status_code == 403
    # Without a site filter a moderator of another site sees only their own site's items.
    assert other_moderator_api.get("/moderation/queues/pending").json()["items"] == []
    response = token_api.get("/moderation/queues/pending")
    assert response.status_code == 403 and code(response) == "token_cannot_moderate"
    # A moderating token works the queue of its own site, as its service account.
    items = moderating_token_api.get("/moderation/queues/pending").json()["items"]
    assert [i["comment"]["label"] for i in items] == ["#1"]


def test_moderating_token_decides_as_its_service_account(moderating_token_api, held):
    from debatte.moderation.models import AuditEntry

    response = moderating_token_api.post(COMMENT + "/approve")
    assert response.status_code == 200
    assert AuditEntry.objects.get(verb="comment.approve").actor_name.startswith("API ")


def test_approve(moderator_api, held):
    response = moderator_api.post(COMMENT + "/approve")
    assert response.status_code == 200
    assert response.json()["status"] == "published"


def test_reject_with_a_reason_code(moderator_api, held, reject_reason):
    unknown = moderator_api.post(COMMENT + "/reject", {"reason": "gibt-es-nicht"})
    assert unknown.status_code == 400 and code(unknown) == "reason"
    response = moderator_api.post(COMMENT + "/reject", {"reason": "sachlich"})
    assert response.status_code == 200
    assert response.json()["status"] == "rejected"
    assert response.json()["moderation_note"].startswith("Entfernt. Bitte sachlich.")


def test_shorten(moderator_api, held, shorten_reason):
    response = moderator_api.post(COMMENT + "/shorten", {"reason": "kuerzer", "body": "Kurz."})
    assert response.status_code == 200
    assert response.json()["body"] == "Kurz."
    assert response.json()["moderation_note"].startswith("Gekürzt.")


def test_feature_and_unfeature(moderator_api, held):
    featured = moderator_api.post(COMMENT + "/feature", {"featured": True})
    assert featured.json()["is_editor_pick"] is True
    unfeatured = moderator_api.post(COMMENT + "/feature", {"featured": False})
    assert unfeatured.json()["is_editor_pick"] is False


def test_comment_decisions_are_refused_to_everyone_else(
    anonymous,
    reader_api,
    other_reader_api,
    other_moderator_api,
    token_api,
    held,
    reject_reason,
):
    for api, status in (
        (anonymous, 401),
        (reader_api, 403),
        (other_reader_api, 403),
        (other_moderator_api, 403),
        (token_api, 403),
    ):
        assert api.post(COMMENT + "/approve").status_code == status
        assert api.post(COMMENT + "/reject", {"reason": "sachlich"}).status_code == status
        assert api.post(COMMENT + "/feature", {"featured": True}).status_code == status
    held.refresh_from_db()
    assert held.status == CommentStatus.PENDING


def test_user_decisions(moderator_api, held, reader):
    path = f"/moderation/users/{reader.pk}"
    ref = {"article_key": "nato-dialog", "comment_label": "1"}
    warned = moderator_api.post(path + "/warn", {"reason": "Ton.", **ref})
    assert warned.status_code == 200 and warned.json()["warning_count"] == 1
    suspended = moderator_api.post(path + "/suspend", {"reason": "Ton.", "days": 3, **ref})
    assert suspended.json()["suspended_until"] is not None
    assert moderator_api.post(path + "/suspend", {"reason": "x", "days": 0}).status_code == 422
    premoderated = moderator_api.post(path + "/premoderate", {"enabled": True, **ref})
    assert premoderated.json()["always_premoderated"] is True
    banned = moderator_api.post(path + "/ban", {"reason": "Wiederholt.", **ref})
    assert banned.json()["banned"] is True


def test_user_decision_needs_a_whole_comment_reference(moderator_api, held, reader):
    response = moderator_api.post(
        f"/moderation/users/{reader.pk}/warn", {"reason": "x", "article_key": "nato-dialog"}
    )
    assert response.status_code == 400 and code(response) == "comment_reference"
    assert moderator_api.post("/moderation/users/999999/warn", {"reason": "x"}).status_code == 404


def test_user_decisions_are_refused_to_everyone_else(
    anonymous, other_reader_api, other_moderator_api, token_api, held, reader
):
    path = f"/moderation/users/{reader.pk}/ban"
    ref = {"reason": "x", "article_key": "nato-dialog", "comment_label": "1"}
    assert anonymous.post(path, ref).status_code == 401
    assert other_reader_api.post(path, ref).status_code == 403
    assert other_moderator_api.post(path, ref).status_code == 403
    assert token_api.post(path, ref).status_code == 403
    assert not reader.restrictions.exists()


def test_moderator_cannot_restrict_themselves(moderator_api, site_moderator, held, site):
    response = moderator_api.post(
        f"/moderation/users/{site_moderator.pk}/ban", {"reason": "x", "site": site.pk}
    )
    assert response.status_code == 400 and code(response) == "self"


def test_close_and_reopen(moderator_api, other_moderator_api, reader_api, article):
    assert other_moderator_api.post("/moderation/articles/nato-dialog/close").status_code == 403
    assert reader_api.post("/moderation/articles/nato-dialog/close").status_code == 403
    closed = moderator_api.post("/moderation/articles/nato-dialog/close", {"reason": "Nacht"})
    assert closed.json()["discussion_status"] == "closed"
    again = moderator_api.post("/moderation/articles/nato-dialog/close")
    assert again.status_code == 400 and code(again) == "not_open"
    assert reader_api.post("/articles/nato-dialog/comments", {"body": "Zu."}).status_code == 400
    reopened = moderator_api.post("/moderation/articles/nato-dialog/reopen")
    assert reopened.json()["discussion_status"] == "open"


# --- Restrictions are per site (security issue item 2) --------------------------------------


@pytest.fixture
def other_editor(make_user, other_site):
    from debatte.articles.models import SiteMembership

    user = make_user("Redakteurin B")
    SiteMembership.objects.create(site=other_site, user=user, role="editor")
    return user


@pytest.fixture
def other_article(make_article, other_site):
    return make_article(key="anderswo", title="Anderswo", site=other_site)


def test_a_site_token_restricts_only_on_its_own_site(
    moderating_token_api, other_editor, other_site, other_article, site
):
    """The issue: a site-A token banned a site-B editor everywhere."""
    from debatte.discussions.services import post_comment

    path = f"/moderation/users/{other_editor.pk}"
    for action in ("warn", "suspend", "ban", "premoderate"):
        body = {"reason": "x", "days": 3, "site": other_site.pk}
        response = moderating_token_api.post(f"{path}/{action}", body)
        assert response.status_code == 403 and code(response) == "wrong_site"
        response = moderating_token_api.post(f"{path}/{action}", {**body, "all_sites": True})
        assert response.status_code == 400
    response = moderating_token_api.post(f"{path}/ban", {"reason": "x", "all_sites": True})
    assert response.status_code == 403 and code(response) == "wrong_site"
    banned = moderating_token_api.post(f"{path}/ban", {"reason": "x"})
    assert banned.status_code == 200
    assert (banned.json()["site_id"], banned.json()["banned"]) == (site.pk, True)
    other_editor.refresh_from_db()
    assert other_editor.has_restrictions
    assert post_comment(other_article, author=other_editor, body="Noch da").status == "published"


@pytest.mark.parametrize("action", ["warn", "suspend", "ban", "premoderate"])
def test_a_site_moderator_cannot_restrict_on_another_site(
    moderator_api, other_site, reader, action
):
    path = f"/moderation/users/{reader.pk}/{action}"
    body = {"reason": "x", "days": 3}
    response = moderator_api.post(path, {**body, "site": other_site.pk})
    assert response.status_code == 403
    response = moderator_api.post(path, body)
    assert response.status_code == 400 and code(response) == "site"
    assert moderator_api.post(path, {**body, "all_sites": True}).status_code == 403
    assert not reader.restrictions.exists()


def test_a_site_moderator_cannot_restrict_the_sites_staff(moderator_api, make_user, site):
    from debatte.articles.models import SiteMembership

    editor = make_user("Redakteurin A")
    SiteMembership.objects.create(site=site, user=editor, role="editor")
    response = moderator_api.post(
        f"/moderation/users/{editor.pk}/ban", {"reason": "x", "site": site.pk}
    )
    assert response.status_code == 403
    assert not editor.restrictions.exists()


def test_lifting_through_the_api(moderator_api, other_moderator_api, reader, site):
    from debatte.moderation.models import AuditEntry

    path = f"/moderation/users/{reader.pk}"
    assert moderator_api.post(path + "/ban", {"reason": "x", "site": site.pk}).json()["banned"]
    assert moderator_api.post(path + "/lift", {"site": site.pk}).status_code == 422  # no reason
    refused = other_moderator_api.post(path + "/lift", {"reason": "Gnade", "site": site.pk})
    assert refused.status_code == 403
    lifted = moderator_api.post(
        path + "/lift", {"reason": "Versehen", "site": site.pk, "kinds": ["ban"]}
    )
    assert lifted.status_code == 200 and lifted.json()["banned"] is False
    entry = AuditEntry.objects.get(verb="user.unrestrict")
    assert (entry.site_id, entry.reason) == (site.pk, "Versehen")
    again = moderator_api.post(path + "/lift", {"reason": "Nochmal", "site": site.pk})
    assert again.status_code == 400 and code(again) == "nothing_to_lift"


def test_an_administrator_bans_on_all_sites(as_user, make_user, reader, other_article):
    from debatte.core.exceptions import ActionError
    from debatte.discussions.services import post_comment

    admin = as_user(make_user("Administratorin", is_superuser=True))
    response = admin.post(f"/moderation/users/{reader.pk}/ban", {"reason": "x", "all_sites": True})
    assert response.status_code == 200
    assert (response.json()["site_id"], response.json()["banned"]) == (None, True)
    reader.refresh_from_db()  # as the next request loads them
    with pytest.raises(ActionError):
        post_comment(other_article, author=reader, body="Gesperrt")
