"""The Django admin's Site page: saves audited through the site settings service (the same entry
as the settings page writes), its staff list read-only with links to the settings pages."""

from collections.abc import Callable
from typing import Any

import pytest
from django.forms.models import model_to_dict
from django.test import Client
from django.urls import reverse

from debatte.articles.models import Site, SiteMembership, SiteRole
from debatte.moderation.models import AuditEntry
from tests.siteadmin.conftest import url
from tests.siteadmin.test_settings import form_data

pytestmark = pytest.mark.django_db

SECRET = "ein-sehr-langes-geheimnis-der-redaktion-0123456789"


def admin_form(site: Site, **changes: Any) -> dict[str, Any]:
    """The admin's change form as a browser sends it, with the staff list's management form."""
    data = {k: v for k, v in model_to_dict(site).items() if v is not None}
    data.pop("id", None)
    for flag in ("hold_links", "own_accounts", "require_second_factor", "embed_creates_unlisted"):
        if not data.get(flag):
            data.pop(flag, None)
    data.update(
        {
            "memberships-TOTAL_FORMS": "0",
            "memberships-INITIAL_FORMS": "0",
            "memberships-MIN_NUM_FORMS": "0",
            "memberships-MAX_NUM_FORMS": "1000",
        }
    )
    data.update(changes)
    return data


def change_url(site: Site) -> str:
    return reverse("admin:articles_site_change", args=[site.pk])


@pytest.fixture
def root(superuser: Any, login: Callable[[Any], Client]) -> Client:
    return login(superuser)


def test_admin_site_change_is_audited_like_the_settings_page(
    site: Site, root: Client, superuser: Any, admin_client: Client
) -> None:
    changes = {"moderation_mode": "pre", "netiquette_url": "https://zeitung.example/regeln"}
    answer = root.post(change_url(site), admin_form(site, **changes, sso_secret=SECRET))
    assert answer.status_code == 302, answer.content.decode()[:2000]
    site.refresh_from_db()
    assert (site.moderation_mode, site.netiquette_url) == ("pre", changes["netiquette_url"])
    assert site.sso_secret == SECRET
    entry = AuditEntry.objects.get(verb="site.settings_change")
    assert (entry.actor, entry.site_id) == (superuser, site.pk)
    assert entry.details["fields"] == ["moderation_mode", "netiquette_url", "sso_secret"]
    assert entry.details["after"] == {
        "moderation_mode": "pre",
        "netiquette_url": "https://zeitung.example/regeln",
    }
    assert SECRET not in str(entry.details)

    # The same change back on the settings page: an entry of the same verb and shape.
    page_changes = {"moderation_mode": "post", "netiquette_url": ""}
    admin_client.post(url("settings", site), form_data(site, **page_changes))
    from_page = AuditEntry.objects.filter(verb="site.settings_change").latest("pk")
    assert from_page.pk != entry.pk
    assert set(from_page.details) == set(entry.details)
    assert from_page.details["before"] == entry.details["after"]


def test_admin_site_saved_unchanged_writes_no_entry(site: Site, root: Client) -> None:
    assert root.post(change_url(site), admin_form(site)).status_code == 302
    assert not AuditEntry.objects.filter(verb__startswith="site.").exists()


def test_admin_site_created_and_deleted_are_audited(root: Client, superuser: Any) -> None:
    add = reverse("admin:articles_site_add")
    template = Site(name="Neues Blatt", slug="neu")
    answer = root.post(add, admin_form(template))
    assert answer.status_code == 302, answer.content.decode()[:2000]
    new = Site.objects.get(slug="neu")
    created = AuditEntry.objects.get(verb="site.create")
    assert (created.actor, created.site_id, created.details["slug"]) == (superuser, new.pk, "neu")

    delete = reverse("admin:articles_site_delete", args=[new.pk])
    assert root.post(delete, {"post": "yes"}).status_code == 302
    assert not Site.objects.filter(slug="neu").exists()
    deleted = AuditEntry.objects.get(verb="site.delete")
    assert (deleted.actor, deleted.details["slug"], deleted.details["site_id"]) == (
        superuser,
        "neu",
        new.pk,
    )


def test_admin_staff_list_is_read_only_and_links_the_members_page(
    site: Site, root: Client, site_admin: Any, make_user: Callable[..., Any]
) -> None:
    page = root.get(change_url(site)).content.decode()
    assert site_admin.display_name in page
    assert f'href="{url("members", site)}"' in page
    assert 'name="memberships-0-role"' not in page

    # A forged inline row neither adds a member nor removes the site's admin.
    stranger = make_user("Fremde")
    data = admin_form(site)
    data.update(
        {
            "memberships-TOTAL_FORMS": "1",
            "memberships-0-user": str(stranger.pk),
            "memberships-0-role": SiteRole.ADMIN,
        }
    )
    root.post(change_url(site), data)
    assert not SiteMembership.objects.filter(user=stranger).exists()
    assert SiteMembership.objects.filter(user=site_admin, role=SiteRole.ADMIN).exists()
