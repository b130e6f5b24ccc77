"""The Article admin: the discussion's fields are read-only, saves and acceptance are audited."""

from typing import Any

from django.urls import reverse

from debatte.articles.models import Article
from debatte.moderation.models import AuditEntry


def superuser(make_user: Any) -> Any:
    return make_user("Chefin", staff=True, is_superuser=True)


def test_admin_cannot_change_the_discussion_status(client, make_user, make_article):
    article = make_article()
    client.force_login(superuser(make_user))

    form = (
        client.get(reverse("admin:articles_article_change", args=[article.pk]))
        .context["adminform"]
        .form
    )

    assert "discussion_status" not in form.fields
    assert "discussion_closes_at" not in form.fields


def test_admin_accept_action_is_audited(client, make_user, make_article):
    waiting = make_article(listed=False)
    boss = superuser(make_user)
    client.force_login(boss)

    client.post(
        reverse("admin:articles_article_changelist"),
        {"action": "accept_articles", "_selected_action": [waiting.pk], "index": "0"},
    )

    waiting.refresh_from_db()
    assert waiting.listed is True
    entry = AuditEntry.objects.get(verb="article.accept")
    assert (entry.actor, entry.article) == (boss, waiting)


def test_admin_saves_are_audited(client, make_user, make_article):
    article = make_article(title="Alt")
    boss = superuser(make_user)
    client.force_login(boss)
    url = reverse("admin:articles_article_change", args=[article.pk])
    form = client.get(url).context["adminform"].form
    data = {
        name: value
        for name, value in form.initial.items()
        if name in form.fields and value is not None
    }
    data.update(
        title="Neu",
        site=article.site_id,
        body='[{"kind": "paragraph", "text": "Ein Absatz."}]',
        topics="[]",
        published_at_0=article.published_at.strftime("%Y-%m-%d"),
        published_at_1=article.published_at.strftime("%H:%M:%S"),
        section="",
    )

    response = client.post(url, data)

    assert response.status_code == 302, response.context["adminform"].form.errors
    article.refresh_from_db()
    assert article.title == "Neu"
    entry = AuditEntry.objects.get(verb="article.update")
    assert entry.actor == boss and "title" in entry.details["changed"]


def test_accepting_twice_changes_nothing_and_logs_once(editor, make_article):
    from debatte.articles.services import accept_article

    waiting = make_article(listed=False)

    assert accept_article(waiting, editor=editor) is True
    assert accept_article(waiting, editor=editor) is False
    assert AuditEntry.objects.filter(verb="article.accept").count() == 1
    assert Article.objects.get(pk=waiting.pk).listed is True
