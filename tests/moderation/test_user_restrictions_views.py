"""The moderators' page of a reader's restrictions: restrict on a site, lift with a reason."""

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from debatte.articles.models import Site, SiteMembership
from debatte.moderation.models import AuditEntry, Restriction
from debatte.moderation.restrictions import restriction_status
from debatte.moderation.services.users import ban_user

pytestmark = pytest.mark.django_db


def page(user: Any) -> str:
    return reverse("moderation-user", args=[user.pk])


def logged_in(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_only_moderators_see_a_readers_page(client: Client, reader: Any, other_reader: Any):
    assert client.get(page(reader)).status_code == 302  # to the login
    assert logged_in(other_reader).get(page(reader)).status_code == 403


def test_a_site_moderator_restricts_on_their_site_only(
    reader: Any, site: Site, site_b: Site, site_moderator: Any
) -> None:
    client = logged_in(site_moderator)
    response = client.get(page(reader) + f"?site={site.pk}")
    assert response.status_code == 200
    html = response.content.decode()
    assert site.name in html and site_b.name not in html and 'value="all"' not in html
    for action in ("warn", "suspend", "ban", "premoderate"):
        for where in (site_b.pk, "all"):
            body = {"form": "restrict", "action": action, "site": where, "reason": "x", "days": 3}
            assert client.post(page(reader), body).status_code == 400
    assert not Restriction.objects.exists()
    body = {"form": "restrict", "action": "ban", "site": site.pk, "reason": "Beleidigungen"}
    assert client.post(page(reader), body).status_code == 302
    reader.refresh_from_db()
    assert restriction_status(reader, site.pk).banned
    assert not restriction_status(reader, site_b.pk).banned


def test_a_site_moderator_cannot_restrict_the_sites_staff(
    make_user: Any, site: Site, site_moderator: Any
) -> None:
    editor = make_user("Redakteurin")
    SiteMembership.objects.create(site=site, user=editor, role="editor")
    body = {"form": "restrict", "action": "ban", "site": site.pk, "reason": "x"}
    assert logged_in(site_moderator).post(page(editor), body).status_code == 403
    assert not Restriction.objects.exists()


def test_lifting_from_the_readers_page(
    reader: Any, site: Site, site_b: Site, site_moderator: Any, admin: Any
) -> None:
    ban_user(reader, moderator=site_moderator, reason="Ton", site=site)
    ban_user(reader, moderator=admin, reason="Ton", site=site_b)
    ban_user(reader, moderator=admin, reason="Ton", site=None)
    here = Restriction.objects.get(site=site)
    there = Restriction.objects.get(site=site_b)
    everywhere = Restriction.objects.get(site__isnull=True)
    client = logged_in(site_moderator)
    html = client.get(page(reader)).content.decode()
    assert f'id="beschraenkung-{here.pk}"' in html
    assert f'id="beschraenkung-{everywhere.pk}"' in html  # binds here too, shown
    assert f'id="beschraenkung-{there.pk}"' not in html
    assert html.count('name="form" value="lift"') == 1  # only their site's can be lifted

    lift = {"form": "lift", "restriction": here.pk}
    assert client.post(page(reader), {**lift, "reason": ""}).status_code == 400
    elsewhere = {**lift, "restriction": there.pk, "reason": "x"}
    assert client.post(page(reader), elsewhere).status_code == 404
    everywhere_lift = {**lift, "restriction": everywhere.pk, "reason": "x"}
    assert client.post(page(reader), everywhere_lift).status_code == 403
    assert client.post(page(reader), {**lift, "reason": "Versehen"}).status_code == 302
    here.refresh_from_db()
    assert (here.lifted_by, here.lift_reason) == (site_moderator, "Versehen")
    entry = AuditEntry.objects.get(verb="user.unrestrict")
    assert (entry.actor, entry.site_id) == (site_moderator, site.pk)
    assert "Versehen" in client.get(page(reader)).content.decode()


def test_the_queue_shows_the_authors_restrictions_on_the_comments_site(
    reader: Any, site: Site, site_b: Site, article: Any, make_comment: Any, admin: Any
) -> None:
    from debatte.moderation.services.users import set_premoderation

    ban_user(reader, moderator=admin, reason="Ton", site=site_b)
    set_premoderation(reader, moderator=admin, reason="Ton", site=site)
    comment = make_comment(article, body="Hallo")
    assert comment.status == "pending"
    html = logged_in(admin).get(reverse("moderation-queue")).content.decode()
    assert "immer vorab geprüft" in html
    assert "gesperrt" not in html  # the ban is on another site
    assert page(reader) in html
