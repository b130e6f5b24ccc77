"""Editor's recommendations from the article page: the role on the article's site, audited."""

import pytest
from django.urls import reverse

from debatte.articles.models import Site, SiteMembership
from debatte.moderation.models import AuditEntry

pytestmark = pytest.mark.django_db


def pick(client, comment, picked="1"):
    url = reverse(
        "comment-editor-pick",
        kwargs={"article_key": comment.article.key, "comment_label": comment.url_label},
    )
    return client.post(url, {"picked": picked}, HTTP_ACCEPT_LANGUAGE="de", follow=True)


@pytest.fixture
def site_editor(make_user, site):
    user = make_user("Erika Redakteurin", staff=True)
    SiteMembership.objects.create(site=site, user=user, role="editor")
    return user


def test_staff_of_another_site_cannot_pick(client, comment, make_user):
    other = Site.objects.create(name="Andere Zeitung", slug="andere")
    outsider = make_user("Fremder Redakteur", staff=True)
    SiteMembership.objects.create(site=other, user=outsider, role="editor")
    client.force_login(outsider)

    response = pick(client, comment)

    comment.refresh_from_db()
    assert not comment.is_editor_pick
    assert not AuditEntry.objects.filter(verb="comment.feature").exists()
    assert "Sie sind kein Moderator dieser Website." in response.content.decode()


def test_staff_without_a_role_on_any_site_cannot_pick(client, comment, moderator):
    client.force_login(moderator)  # is_staff, no site membership

    pick(client, comment)

    comment.refresh_from_db()
    assert not comment.is_editor_pick


def test_the_sites_editor_picks_and_the_pick_is_audited(client, comment, site_editor):
    client.force_login(site_editor)

    pick(client, comment)

    comment.refresh_from_db()
    assert comment.is_editor_pick
    entry = AuditEntry.objects.get(verb="comment.feature")
    assert entry.actor == site_editor and entry.comment == comment
    assert (entry.status_before, entry.status_after) == ("not featured", "featured")
    assert entry.site_id == comment.article.site_id

    pick(client, comment, picked="0")

    comment.refresh_from_db()
    assert not comment.is_editor_pick
    assert AuditEntry.objects.filter(verb="comment.unfeature", actor=site_editor).count() == 1


def test_the_sites_moderator_may_pick_too(client, comment, site_moderator):
    client.force_login(site_moderator)

    pick(client, comment)

    comment.refresh_from_db()
    assert comment.is_editor_pick
    assert AuditEntry.objects.filter(verb="comment.feature", actor=site_moderator).exists()


def test_a_reader_cannot_pick(client, comment, other_reader):
    client.force_login(other_reader)

    pick(client, comment)

    comment.refresh_from_db()
    assert not comment.is_editor_pick
    assert not AuditEntry.objects.filter(verb="comment.feature").exists()


def test_the_pick_button_is_shown_to_the_sites_editor_only(
    client, article, comment, site_editor, make_user
):
    outsider = make_user("Fremde Redakteurin", staff=True)
    url = reverse("article", kwargs={"article_key": article.key})
    button = "Zur Redaktionsempfehlung machen"

    client.force_login(outsider)
    assert button not in client.get(url, HTTP_ACCEPT_LANGUAGE="de").content.decode()
    client.force_login(site_editor)
    assert button in client.get(url, HTTP_ACCEPT_LANGUAGE="de").content.decode()


def test_feature_comment_refuses_staff_without_the_role_on_the_site(comment, moderator):
    from debatte.core.exceptions import NotPermitted
    from debatte.moderation.services.decisions import feature_comment

    with pytest.raises(NotPermitted):
        feature_comment(comment, moderator=moderator)  # is_staff, but no role on the site


def test_picking_twice_logs_once(comment, site_moderator):
    from debatte.moderation.services.decisions import feature_comment

    feature_comment(comment, moderator=site_moderator)
    feature_comment(comment, moderator=site_moderator)

    assert AuditEntry.objects.filter(verb="comment.feature").count() == 1
