"""Reading and writing discussions through /api/v1 as every role."""

import pytest

from debatte.articles.models import Site
from debatte.discussions.models import Comment, CommentStatus

pytestmark = pytest.mark.django_db

THREAD = "/articles/nato-dialog/comments"


def error_code(response) -> str:
    return response.json()["error"]["code"]


def test_anonymous_reads_a_discussion_with_reply_previews(
    anonymous, article, make_comment, other_reader
):
    first = make_comment(article)
    make_comment(article, parent=first, author=other_reader)
    response = anonymous.get(THREAD)
    assert response.status_code == 200
    page = response.json()
    assert page["article"]["key"] == "nato-dialog"
    assert [item["label"] for item in page["items"]] == ["#1"]
    assert page["items"][0]["replies"][0]["label"] == "#1.1"
    assert page["items"][0]["recommended_by_me"] is None


def test_thread_pages_follow_the_selector_cursors_in_every_sort(anonymous, article, make_comment):
    for _ in range(5):
        make_comment(article)
    first = anonymous.get(THREAD, data={"limit": 2}).json()
    assert [i["number"] for i in first["items"]] == [1, 2]
    second = anonymous.get(THREAD, data={"limit": 2, "after": first["next_cursor"]}).json()
    assert [i["number"] for i in second["items"]] == [3, 4]
    back = anonymous.get(THREAD, data={"limit": 2, "before": second["previous_cursor"]}).json()
    assert [i["number"] for i in back["items"]] == [1, 2]
    newest = anonymous.get(THREAD, data={"limit": 2, "sort": "newest"}).json()
    assert [i["number"] for i in newest["items"]] == [5, 4]
    recommended = anonymous.get(THREAD, data={"limit": 2, "sort": "recommended"}).json()
    assert recommended["next_cursor"] == "0_2"


def test_editor_picks_filter_shows_only_picks(anonymous, article, make_comment, site_moderator):
    from debatte.moderation.services.decisions import feature_comment

    make_comment(article)
    picked = make_comment(article)
    feature_comment(picked, moderator=site_moderator)
    page = anonymous.get(THREAD, data={"picks": "true"}).json()
    assert [i["label"] for i in page["items"]] == ["#2"]


def test_bad_and_mismatched_cursors_are_client_errors(anonymous, article, make_comment):
    make_comment(article)
    assert anonymous.get(THREAD, data={"after": "abc"}).status_code == 422
    assert anonymous.get(THREAD, data={"after": "99999999999"}).status_code == 422
    mismatched = anonymous.get(THREAD, data={"after": "3", "sort": "recommended"})
    assert mismatched.status_code == 400 and error_code(mismatched) == "invalid_cursor"
    both = anonymous.get(THREAD, data={"after": "1", "before": "3"})
    assert error_code(both) == "invalid_cursor"


def test_every_list_is_bounded(anonymous, reader_api, article):
    assert anonymous.get(THREAD, data={"limit": 51}).status_code == 422
    keys = "&".join(f"key=k{n}" for n in range(101))
    assert anonymous.get(f"/counts?{keys}").status_code == 422
    assert reader_api.get("/me/comments?limit=101").status_code == 422


def test_unknown_article_and_comment_are_404_with_json_error(anonymous, article):
    response = anonymous.get("/articles/gibt-es-nicht/comments")
    assert response.status_code == 404
    assert error_code(response) == "not_found"
    assert anonymous.get(THREAD + "/7").status_code == 404


def test_one_comment_with_its_replies_paged(anonymous, article, make_comment, other_reader):
    first = make_comment(article)
    for _ in range(3):
        make_comment(article, parent=first, author=other_reader)
    detail = anonymous.get(THREAD + "/1", data={"limit": 2}).json()
    assert detail["comment"]["label"] == "#1"
    assert [r["label"] for r in detail["replies"]] == ["#1.1", "#1.2"]
    rest = anonymous.get(
        THREAD + "/1", data={"limit": 2, "replies_after": detail["next_replies_cursor"]}
    ).json()
    assert [r["label"] for r in rest["replies"]] == ["#1.3"]
    assert anonymous.get(THREAD + "/1.2").json()["replies"] == []


def test_held_comments_are_seen_by_their_author_only(
    anonymous, reader_api, other_reader_api, article, reader
):
    Site.objects.filter(pk=article.site_id).update(moderation_mode="pre")
    posted = reader_api.post(THREAD, {"body": "Bitte prüfen."})
    assert posted.status_code == 201
    assert posted.json()["status"] == "pending"
    assert reader_api.get(THREAD + "/1").status_code == 200
    assert other_reader_api.get(THREAD + "/1").status_code == 404
    assert anonymous.get(THREAD + "/1").status_code == 404


def test_reader_posts_and_replies_through_the_pipeline(reader_api, other_reader_api, article):
    posted = reader_api.post(THREAD, {"body": "Mein erster Kommentar."})
    assert posted.status_code == 201
    assert posted.json()["label"] == "#1" and posted.json()["status"] == "published"
    reply = other_reader_api.post(THREAD + "/1/replies", {"body": "Eine Antwort."})
    assert reply.status_code == 201 and reply.json()["label"] == "#1.1"


def test_refused_comment_answers_400_with_the_refusal_code(reader_api, article, settings):
    settings.DEBATTE = {**settings.DEBATTE, "COMMENT_MAX_LENGTH": 10}
    response = reader_api.post(THREAD, {"body": "Dieser Text ist zu lang."})
    assert response.status_code == 400
    assert response.json()["error"]["code"] and response.json()["error"]["message"]
    assert not Comment.objects.exists()


def test_closed_discussion_refuses_comments(reader_api, article):
    article.discussion_status = "closed"
    article.save(update_fields=["discussion_status"])
    response = reader_api.post(THREAD, {"body": "Zu spät."})
    assert response.status_code == 400


def test_invalid_body_is_422(reader_api, article):
    response = reader_api.post(THREAD, {"body": ""})
    assert response.status_code == 422
    assert error_code(response) == "invalid"
    assert response.json()["error"]["fields"][0]["loc"][-1] == "body"


def test_anonymous_cannot_write(anonymous, article, make_comment):
    make_comment(article)
    for response in (
        anonymous.post(THREAD, {"body": "x"}),
        anonymous.post(THREAD + "/1/replies", {"body": "x"}),
        anonymous.patch(THREAD + "/1", {"body": "x"}),
        anonymous.delete(THREAD + "/1"),
        anonymous.post(THREAD + "/1/recommendation"),
        anonymous.delete(THREAD + "/1/recommendation"),
        anonymous.post(THREAD + "/1/reports", {"reason": "spam"}),
        anonymous.get("/me"),
        anonymous.get("/me/comments"),
    ):
        assert response.status_code == 401
        assert error_code(response) == "not_authenticated"


def test_session_writes_need_the_csrf_token(reader_api, article):
    response = reader_api.post(THREAD, {"body": "Ohne Token."}, headers={"X-CSRFToken": "falsch"})
    assert response.status_code == 403
    assert error_code(response) == "csrf_failed"


def test_edit_and_delete_only_ones_own_comment(reader_api, other_reader_api, article, make_comment):
    make_comment(article)
    foreign = other_reader_api.patch(THREAD + "/1", {"body": "Übernommen."})
    assert foreign.status_code == 403 and error_code(foreign) == "forbidden"
    assert other_reader_api.delete(THREAD + "/1").status_code == 403
    edited = reader_api.patch(THREAD + "/1", {"body": "Geänderter Text."})
    assert edited.status_code == 200
    assert edited.json()["is_edited"] is True
    deleted = reader_api.delete(THREAD + "/1")
    assert deleted.status_code == 200
    assert deleted.json()["status"] == "deleted" and deleted.json()["body"] == ""
    again = reader_api.delete(THREAD + "/1")
    assert again.status_code == 400 and error_code(again) == "already_deleted"


def test_recommend_and_withdraw(reader_api, other_reader_api, article, make_comment):
    make_comment(article)
    own = reader_api.post(THREAD + "/1/recommendation")
    assert own.status_code == 403
    added = other_reader_api.post(THREAD + "/1/recommendation")
    assert added.json() == {"recommended": True, "recommendation_count": 1}
    twice = other_reader_api.post(THREAD + "/1/recommendation")
    assert twice.json()["recommendation_count"] == 1
    page = other_reader_api.get(THREAD).json()
    assert page["items"][0]["recommended_by_me"] is True
    withdrawn = other_reader_api.delete(THREAD + "/1/recommendation")
    assert withdrawn.json() == {"recommended": False, "recommendation_count": 0}


def test_report_once(reader_api, other_reader_api, article, make_comment):
    make_comment(article)
    assert other_reader_api.post(THREAD + "/1/reports", {"reason": "spam"}).status_code == 201
    again = other_reader_api.post(THREAD + "/1/reports", {"reason": "spam"})
    assert again.status_code == 400 and error_code(again) == "already_reported"
    own = reader_api.post(THREAD + "/1/reports", {"reason": "spam"})
    assert error_code(own) == "own_comment"
    assert other_reader_api.post(THREAD + "/1/reports", {"reason": "nonsense"}).status_code == 422


def test_counts_for_many_articles(anonymous, make_article, article, make_comment):
    make_comment(article)
    make_comment(article)
    make_article(key="leer")
    response = anonymous.get("/counts?key=nato-dialog&key=leer&key=unbekannt")
    assert response.json() == {"counts": {"nato-dialog": 2, "leer": 0, "unbekannt": 0}}


def test_api_token_reads_its_site_only(token_api, article, make_article, make_comment):
    make_comment(article)
    assert token_api.get(THREAD).status_code == 200
    other = Site.objects.create(name="Andere", slug="andere-2")
    make_article(key="fremd", site=other)
    response = token_api.get("/articles/fremd/comments")
    assert response.status_code == 403 and error_code(response) == "wrong_site"
    assert token_api.get("/counts?key=nato-dialog&key=fremd").json()["counts"] == {
        "nato-dialog": 1,
        "fremd": 0,
    }


def test_api_token_cannot_act_as_a_reader(token_api, moderating_token_api, article):
    for api in (token_api, moderating_token_api):
        response = api.post(THREAD, {"body": "Vom Server."})
        assert response.status_code == 403
        assert api.get("/me").status_code == 403


def test_wrong_or_inactive_token_is_401(anonymous, token_api, article):
    response = anonymous.get(THREAD, headers={"Authorization": "Bearer dbt_wrong"})
    assert response.status_code == 401 and error_code(response) == "invalid_token"
    from debatte.api.models import ApiToken

    ApiToken.objects.update(is_active=False)
    assert token_api.get(THREAD).status_code == 401


def test_reader_reads_own_profile_and_comments_in_every_state(
    reader_api, other_reader_api, article, make_comment, reader
):
    make_comment(article)
    make_comment(article)
    Comment.objects.filter(number=1).update(status=CommentStatus.PENDING)
    me = reader_api.get("/me").json()
    assert me["display_name"] == "Kapaster d.J."
    first = reader_api.get("/me/comments", data={"limit": 1}).json()
    assert [c["label"] for c in first["items"]] == ["#2"]
    rest = reader_api.get("/me/comments", data={"before": first["next_cursor"]}).json()
    assert [(c["label"], c["status"]) for c in rest["items"]] == [("#1", "pending")]
    assert other_reader_api.get("/me/comments").json()["items"] == []


def test_refused_comment_links_the_sites_netiquette(reader_api, article, settings):
    Site.objects.filter(pk=article.site_id).update(netiquette_url="https://zeitung.example/regeln")
    settings.DEBATTE = {**settings.DEBATTE, "COMMENT_MAX_LENGTH": 10}
    response = reader_api.post(THREAD, {"body": "Dieser Text ist zu lang."})
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "too_long"
    assert error["netiquette_url"] == "https://zeitung.example/regeln"


def test_refused_reply_and_edit_link_the_netiquette_too(reader_api, article, settings):
    assert reader_api.post(THREAD, {"body": "Kurz."}).status_code == 201
    Site.objects.filter(pk=article.site_id).update(netiquette_url="https://zeitung.example/regeln")
    settings.DEBATTE = {**settings.DEBATTE, "COMMENT_MAX_LENGTH": 10}
    reply = reader_api.post(THREAD + "/1/replies", {"body": "Eine zu lange Antwort."})
    edit = reader_api.patch(THREAD + "/1", {"body": "Ein zu langer neuer Text."})
    for response in (reply, edit):
        assert response.status_code == 400
        assert response.json()["error"]["netiquette_url"] == "https://zeitung.example/regeln"


def test_refusal_without_a_netiquette_and_other_errors_leave_the_field_out(
    reader_api, article, settings
):
    settings.DEBATTE = {**settings.DEBATTE, "COMMENT_MAX_LENGTH": 10}
    refused = reader_api.post(THREAD, {"body": "Dieser Text ist zu lang."})
    assert refused.status_code == 400 and "netiquette_url" not in refused.json()["error"]
    Site.objects.filter(pk=article.site_id).update(netiquette_url="https://zeitung.example/regeln")
    missing = reader_api.post(THREAD + "/7/replies", {"body": "Kurz."})
    assert missing.status_code == 404 and "netiquette_url" not in missing.json()["error"]
