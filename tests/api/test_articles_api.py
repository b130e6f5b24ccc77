"""The articles API for the CMS: read, create and replace by key, with the editor's page's rules."""

from typing import Any

import pytest
from django.test import Client

from debatte.api.models import ApiToken
from debatte.articles.models import Article, Section, SiteMembership
from debatte.moderation.models import AuditEntry

pytestmark = pytest.mark.django_db

ARTICLE = {
    "title": "Nato betont Dialogbereitschaft",
    "kicker": "Sicherheit",
    "lead": "Ein Vorspann.",
    "body": [
        {"kind": "paragraph", "text": "Erster Absatz."},
        {"kind": "heading", "text": "Zwischentitel"},
    ],
    "authors": "Anna Autorin",
    "topics": ["Nato", "Russland"],
    "canonical_url": "https://www.example.org/politik/nato",
}


def code(response: Any) -> str:
    return response.json()["error"]["code"]


def token_for(site: Any, *, editor: bool) -> Any:
    from tests.api.conftest import Api

    token, plain = ApiToken.issue(site, "CMS", can_moderate=True)
    if editor:
        SiteMembership.objects.create(site=site, user=token.acting_user, role="editor")
    return Api(Client(enforce_csrf_checks=True), {"Authorization": f"Bearer {plain}"})


@pytest.fixture
def cms(site: Any) -> Any:
    """A token whose service account is an editor of the site: the CMS."""
    return token_for(site, editor=True)


@pytest.fixture
def other_cms(other_site: Any) -> Any:
    return token_for(other_site, editor=True)


def test_cms_creates_an_article_by_put_and_reads_it_back(cms, site):
    response = cms.call("put", "/articles/default:4711", ARTICLE)

    assert response.status_code == 201, response.json()
    article = Article.objects.get(key="default:4711")
    assert (article.site, article.title, article.topics) == (
        site,
        ARTICLE["title"],
        ARTICLE["topics"],
    )
    assert article.body == ARTICLE["body"]
    read = cms.get("/articles/default:4711").json()
    assert read["body"] == ARTICLE["body"] and read["discussion_status"] == "open"
    entry = AuditEntry.objects.get(verb="article.create")
    assert entry.actor_name.startswith("API ") and entry.site_id == site.pk


def test_put_replaces_an_existing_article_and_audits_the_changes(cms, make_article, site):
    section = Section.objects.create(site=site, name="Politik", slug="politik")
    article = make_article(key="default:4711", title="Alt")

    response = cms.call(
        "put",
        "/articles/default:4711",
        {**ARTICLE, "title": "Neu", "section": "politik", "discussion_status": "closed"},
    )

    assert response.status_code == 200, response.json()
    assert response.json()["section"] == "politik"
    article.refresh_from_db()
    assert (article.title, article.section, article.discussion_status) == ("Neu", section, "closed")
    verbs = list(AuditEntry.objects.order_by("pk").values_list("verb", flat=True))
    assert verbs == ["article.update", "discussion.close"]


def test_post_creates_and_refuses_a_taken_key(cms):
    first = cms.post("/articles", {**ARTICLE, "key": "default:1"})
    again = cms.post("/articles", {**ARTICLE, "key": "default:1"})

    assert first.status_code == 201
    assert again.status_code == 409 and code(again) == "key_taken"


@pytest.mark.parametrize(
    ("changes", "field", "error"),
    [
        ({"canonical_url": "javascript:alert(1)"}, "canonical_url", "invalid"),
        ({"topics": ["a" * 61]}, "topics", "invalid_topics"),
        ({"section": "gibt-es-nicht"}, "section", "invalid_choice"),
        (
            {
                "discussion_opens_at": "2030-01-02T10:00:00Z",
                "discussion_closes_at": "2030-01-01T10:00:00Z",
            },
            "discussion_closes_at",
            "schedule",
        ),
        ({"title": "   "}, "title", "required"),
    ],
)
def test_rule_violations_answer_422_with_the_field(cms, changes, field, error):
    response = cms.call("put", "/articles/default:4711", {**ARTICLE, **changes})

    assert response.status_code == 422
    body = response.json()["error"]
    assert body["code"] == "invalid"
    assert [(f["loc"], f["code"]) for f in body["fields"]] == [(["body", field], error)]
    assert not Article.objects.filter(key="default:4711").exists()


def test_shape_violations_answer_422(cms):
    response = cms.call("put", "/articles/default:4711", {**ARTICLE, "body": [{"kind": "bild"}]})

    assert response.status_code == 422 and code(response) == "invalid"


def test_a_new_key_must_be_the_sites_own(cms):
    response = cms.call("put", "/articles/andere:4711", ARTICLE)

    assert response.status_code == 422
    assert response.json()["error"]["fields"][0]["code"] == "key_site"


def test_another_sites_token_is_refused(other_cms, make_article):
    article = make_article(key="default:4711", title="Alt")

    read = other_cms.get("/articles/default:4711")
    write = other_cms.call("put", "/articles/default:4711", {**ARTICLE, "title": "Gekapert"})

    assert read.status_code == write.status_code == 403
    assert code(write) == "wrong_site"
    article.refresh_from_db()
    assert article.title == "Alt"


def test_tokens_without_the_editor_role_cannot_write(token_api, site):
    moderating = token_for(site, editor=False)

    plain = token_api.call("put", "/articles/default:4711", ARTICLE)
    moderator = moderating.call("put", "/articles/default:4711", ARTICLE)

    assert plain.status_code == moderator.status_code == 403
    assert code(plain) == code(moderator) == "token_cannot_edit"
    assert not Article.objects.exists() or not Article.objects.filter(key="default:4711").exists()


def test_a_signed_in_editor_writes_and_others_are_refused(
    as_user, editor, reader, site_moderator, anonymous, other_site_moderator
):
    created = as_user(editor).post(
        "/articles", {**ARTICLE, "key": "default:9", "site": site_id(editor)}
    )
    by_reader = as_user(reader).call("put", "/articles/default:9", {**ARTICLE, "title": "X"})
    by_moderator = as_user(site_moderator).call(
        "put", "/articles/default:9", {**ARTICLE, "title": "X"}
    )
    by_nobody = anonymous.call("put", "/articles/default:9", {**ARTICLE, "title": "X"})

    assert created.status_code == 201, created.json()
    assert by_reader.status_code == by_moderator.status_code == 403
    assert by_nobody.status_code == 401
    assert Article.objects.get(key="default:9").title == ARTICLE["title"]


def site_id(user: Any) -> int:
    return SiteMembership.objects.filter(user=user).values_list("site_id", flat=True)[0]


def test_get_is_refused_to_readers(as_user, reader, make_article):
    make_article(key="default:4711")

    assert as_user(reader).get("/articles/default:4711").status_code == 403
