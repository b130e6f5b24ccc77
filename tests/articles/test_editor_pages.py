"""The editors' article pages (/redaktion/artikel/): writing, changing, previewing, accepting,
who may, and what the audit log keeps."""

from typing import Any

import pytest
from django.urls import reverse

from debatte.articles.models import Article, DiscussionStatus
from debatte.moderation.models import AuditEntry

NEW = reverse("editor-article-new")
LIST = reverse("editor-articles")

BODY_TEXT = "Erster Absatz.\n\n## Zwischentitel\n\nZweiter Absatz\nmit zwei Zeilen."
BODY_BLOCKS = [
    {"kind": "paragraph", "text": "Erster Absatz."},
    {"kind": "heading", "text": "Zwischentitel"},
    {"kind": "paragraph", "text": "Zweiter Absatz\nmit zwei Zeilen."},
]


def form_data(**changes: Any) -> dict[str, Any]:
    data = {
        "key": "4711",
        "title": "Nato betont Dialogbereitschaft",
        "kicker": "Sicherheit",
        "lead": "Ein Vorspann.",
        "body": BODY_TEXT,
        "authors": "Anna Autorin",
        "section": "",
        "topics": "Nato, Russland, nato",
        "canonical_url": "https://www.example.org/politik/nato",
        "published_at": "",
        "moderation_mode": "",
        "discussion_status": "open",
        "discussion_opens_at": "",
        "discussion_closes_at": "",
    }
    data.update(changes)
    return data


def edit_url(article: Article) -> str:
    return reverse("editor-article-edit", kwargs={"article_key": article.key})


def test_editor_creates_an_article_with_body_topics_and_audit(client, editor, site, section):
    client.force_login(editor)

    response = client.post(NEW, form_data(section=section.pk, site=site.pk))

    article = Article.objects.get(key="default:4711")
    assert response.status_code == 302
    assert response["Location"] == edit_url(article)
    assert article.site == site
    assert article.section == section
    assert article.body == BODY_BLOCKS
    assert article.topics == ["Nato", "Russland"]
    assert article.listed is True
    entry = AuditEntry.objects.get(verb="article.create")
    assert (entry.actor, entry.article, entry.site_id) == (editor, article, site.pk)


def test_edit_page_shows_the_body_as_text_and_saves_changes_with_audit(
    client, editor, make_article
):
    article = make_article(body=BODY_BLOCKS, topics=["Nato"])
    client.force_login(editor)

    page = client.get(edit_url(article)).content.decode()
    response = client.post(
        edit_url(article), form_data(key=article.key, title="Neuer Titel", body=BODY_TEXT)
    )

    assert "## Zwischentitel" in page
    assert response.status_code == 302
    article.refresh_from_db()
    assert article.title == "Neuer Titel"
    assert article.body == BODY_BLOCKS
    entry = AuditEntry.objects.get(verb="article.update")
    assert entry.actor == editor
    assert entry.details["changes"]["title"][1] == "Neuer Titel"
    assert "kicker" in entry.details["changes"]


def test_saving_an_unchanged_article_writes_no_audit_entry(client, editor, make_article):
    article = make_article(body=BODY_BLOCKS)
    client.force_login(editor)
    data = form_data(
        key=article.key,
        title=article.title,
        kicker="",
        lead=article.lead,
        authors="",
        topics="",
        canonical_url="",
    )

    client.post(edit_url(article), data)

    assert not AuditEntry.objects.exists()


def test_preview_renders_the_article_template_without_saving(client, editor, make_article):
    article = make_article(title="Alter Titel")
    client.force_login(editor)

    response = client.post(
        edit_url(article), form_data(key=article.key, title="Vorschau-Titel", preview="1")
    )

    html = response.content.decode()
    assert response.status_code == 200
    assert '<h1 class="article__title">Vorschau-Titel</h1>' in html
    assert "<h2>Zwischentitel</h2>" in html
    assert "articles/_article.html" in [t.name for t in response.templates]
    article.refresh_from_db()
    assert article.title == "Alter Titel"
    assert not AuditEntry.objects.exists()


def test_preview_of_a_new_article_creates_nothing(client, editor):
    client.force_login(editor)

    response = client.post(NEW, form_data(preview="1"))

    assert response.status_code == 200
    assert "Nato betont Dialogbereitschaft" in response.content.decode()
    assert not Article.objects.filter(key="default:4711").exists()


@pytest.mark.parametrize(
    ("changes", "field", "code"),
    [
        ({"title": "  "}, "title", "required"),
        ({"key": "mit leerzeichen"}, "key", "invalid"),
        ({"key": ""}, "key", "required"),
        ({"canonical_url": "javascript:alert(1)"}, "canonical_url", "invalid"),
        ({"canonical_url": "ftp://example.org/a"}, "canonical_url", "invalid"),
        ({"topics": "a" * 61}, "topics", "invalid_topics"),
        ({"topics": ",".join(f"t{n}" for n in range(13))}, "topics", "invalid_topics"),
        ({"discussion_status": "maybe"}, "discussion_status", "invalid_choice"),
        ({"moderation_mode": "chaos"}, "moderation_mode", "invalid_choice"),
        (
            {"discussion_opens_at": "2026-12-08T10:00", "discussion_closes_at": "2026-12-08T09:00"},
            "discussion_closes_at",
            "schedule",
        ),
        ({"published_at": "gestern"}, "published_at", "invalid"),
        ({"body": "## " + "x" * 301}, "body", "invalid_body"),
        ({"section": "999999"}, "section", "invalid_choice"),
        ({"section": "9" * 30}, "section", "invalid_choice"),
        ({"site": "9" * 30}, "site", "invalid_choice"),
    ],
)
def test_bad_input_is_refused_with_the_field_error(client, editor, changes, field, code):
    client.force_login(editor)

    response = client.post(NEW, form_data(**changes))

    assert response.status_code == 400
    errors = response.context["form"].errors.as_data()
    assert [error.code for error in errors[field]] == [code]
    html = response.content.decode()
    assert 'role="alert"' in html
    # Each refused field is marked where it is; the site (hidden: one site) in the alert.
    assert ('class="field field--error' in html) != (field == "site")
    assert not Article.objects.filter(key="default:4711").exists()


def test_a_key_another_article_has_is_refused(client, editor, make_article, other_site):
    make_article(key="default:4711", site=other_site)
    client.force_login(editor)

    response = client.post(NEW, form_data())

    assert response.status_code == 400
    assert [e.code for e in response.context["form"].errors.as_data()["key"]] == ["key_taken"]


def test_a_section_of_another_site_cannot_be_chosen(client, editor, other_site):
    from debatte.articles.models import Section

    foreign = Section.objects.create(site=other_site, name="Sport", slug="sport")
    client.force_login(editor)

    response = client.post(NEW, form_data(section=foreign.pk))

    assert response.status_code == 400
    assert "section" in response.context["form"].errors


def test_an_editor_cannot_create_on_a_site_they_do_not_edit(client, editor, other_site):
    client.force_login(editor)

    response = client.post(NEW, form_data(site=other_site.pk))

    assert response.status_code == 400
    assert "site" in response.context["form"].errors
    assert not Article.objects.filter(site=other_site).exists()


def test_closing_the_discussion_goes_through_the_moderation_service(client, editor, make_article):
    article = make_article()
    client.force_login(editor)

    client.post(edit_url(article), form_data(key=article.key, discussion_status="closed"))
    article.refresh_from_db()
    client.post(edit_url(article), form_data(key=article.key, discussion_status="none"))

    article.refresh_from_db()
    assert article.discussion_status == DiscussionStatus.NONE
    verbs = list(AuditEntry.objects.order_by("pk").values_list("verb", flat=True))
    assert verbs == ["article.update", "discussion.close", "discussion.disable"]


def test_opening_hours_are_scheduled_and_audited(client, editor, make_article):
    article = make_article()
    client.force_login(editor)

    client.post(
        edit_url(article),
        form_data(
            key=article.key,
            discussion_opens_at="2030-01-01T08:00",
            discussion_closes_at="2030-01-02T20:00",
        ),
    )

    article.refresh_from_db()
    assert article.discussion_opens_at is not None
    assert article.discussion_closes_at > article.discussion_opens_at
    assert AuditEntry.objects.filter(verb="discussion.schedule", actor=editor).exists()


@pytest.mark.parametrize("who", ["anonymous", "reader", "site_moderator", "other_editor"])
def test_only_editors_of_the_site_may_edit(client, request, make_article, who):
    article = make_article(title="Alter Titel")
    if who != "anonymous":
        client.force_login(request.getfixturevalue(who))

    page = client.get(edit_url(article))
    post = client.post(edit_url(article), form_data(key=article.key, title="Gekapert"))

    if who == "anonymous":
        assert page.status_code == post.status_code == 302
        assert "/konto/" in page["Location"]
    elif who == "other_editor":
        assert page.status_code == post.status_code == 404
    else:
        assert page.status_code == post.status_code == 403
    article.refresh_from_db()
    assert article.title == "Alter Titel"
    assert not AuditEntry.objects.exists()


@pytest.mark.parametrize("who", ["reader", "site_moderator"])
def test_readers_and_moderators_get_no_editor_pages(client, request, who):
    client.force_login(request.getfixturevalue(who))

    assert client.get(LIST).status_code == 403
    assert client.get(NEW).status_code == 403
    assert client.post(NEW, form_data()).status_code == 403


def test_superusers_edit_every_site(client, make_user, make_article, other_site):
    boss = make_user("Chefin", staff=True, is_superuser=True)
    article = make_article(site=other_site)
    client.force_login(boss)

    response = client.post(edit_url(article), form_data(key=article.key, title="Vom Chef"))

    assert response.status_code == 302
    article.refresh_from_db()
    assert article.title == "Vom Chef"


def test_list_shows_own_sites_and_waiting_articles_and_accepts_them(
    client, editor, make_article, other_site
):
    mine = make_article(title="Mein Artikel")
    waiting = make_article(title="Wartender Artikel", listed=False)
    make_article(title="Fremder Artikel", site=other_site)
    client.force_login(editor)

    html = client.get(LIST).content.decode()
    accept = client.post(reverse("editor-article-accept", kwargs={"article_key": waiting.key}))

    assert mine.title in html and "Wartender Artikel" in html
    assert "Fremder Artikel" not in html
    assert "Waiting for acceptance" in html or "Warten auf Annahme" in html
    assert accept.status_code == 302
    waiting.refresh_from_db()
    assert waiting.listed is True
    entry = AuditEntry.objects.get(verb="article.accept")
    assert (entry.actor, entry.article) == (editor, waiting)


def test_another_sites_editor_cannot_accept(client, other_editor, make_article):
    waiting = make_article(listed=False)
    client.force_login(other_editor)

    response = client.post(reverse("editor-article-accept", kwargs={"article_key": waiting.key}))

    assert response.status_code == 404
    waiting.refresh_from_db()
    assert waiting.listed is False


def test_editor_list_costs_the_same_queries_for_more_articles(
    client, editor, make_article, section, django_assert_num_queries
):
    client.force_login(editor)
    for n in range(3):
        make_article(section=section, listed=n != 0)
    client.get(LIST)  # session and language settle

    # 8: the header asks once whether the editor administers a site (its "Site settings" link).
    with django_assert_num_queries(8) as few:
        client.get(LIST)
    for n in range(20):
        make_article(section=section, listed=n % 5 != 0)
    with django_assert_num_queries(len(few.captured_queries)):
        response = client.get(LIST)

    assert response.status_code == 200


def test_front_page_filters_by_topic_and_article_links_its_topics(client, make_article):
    make_article(title="Über die Nato", topics=["Nato", "München"])
    make_article(title="Über Fußball", topics=["Sport"])

    front = client.get(reverse("front-page"), {"thema": "München"}).content.decode()
    article = client.get(reverse("article", kwargs={"article_key": "artikel-1"})).content.decode()

    assert "Über die Nato" in front
    assert "Über Fußball" not in front
    assert "?thema=M%C3%BCnchen" in article
