"""Members and roles: add, change, remove, audited; a site always keeps one admin."""

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from debatte.api.models import ApiToken
from debatte.articles.models import Site, SiteMembership, SiteRole
from debatte.moderation.models import AuditEntry
from tests.siteadmin.conftest import url

pytestmark = pytest.mark.django_db


def roles(site: Site, user: Any) -> list[str]:
    return sorted(
        SiteMembership.objects.filter(site=site, user=user).values_list("role", flat=True)
    )


def test_members_add_by_email_and_by_display_name_audited(
    site: Site, admin_client: Client, make_user: Callable[..., Any], site_admin: Any
) -> None:
    anna, bert = make_user("Anna Arendt"), make_user("Bert Brecht")
    answer = admin_client.post(
        url("members", site), {"person": anna.email.upper(), "role": "moderator"}
    )
    assert answer.status_code == 302
    answer = admin_client.post(url("members", site), {"person": "bert brecht", "role": "editor"})
    assert answer.status_code == 302
    assert roles(site, anna) == ["moderator"]
    assert roles(site, bert) == ["editor"]
    entries = AuditEntry.objects.filter(verb="site.member_add").order_by("pk")
    assert [(e.subject_user, e.status_after, e.actor) for e in entries] == [
        (anna, "moderator", site_admin),
        (bert, "editor", site_admin),
    ]
    page = admin_client.get(url("members", site)).content.decode()
    assert "Anna Arendt" in page and "Bert Brecht" in page


@pytest.mark.parametrize(
    ("person", "role", "message"),
    [
        ("niemand@example.org", "moderator", "No active account"),
        ("", "moderator", "This field is required"),
        ("Chefin vom Dienst", "moderator", "already a member"),
        ("Chefin vom Dienst", "kaiser", "Select a valid choice"),
    ],
)
def test_members_add_refuses_with_a_message(
    site: Site, admin_client: Client, person: str, role: str, message: str
) -> None:
    answer = admin_client.post(url("members", site), {"person": person, "role": role})
    assert answer.status_code == 400
    assert message in answer.content.decode()
    assert not AuditEntry.objects.exists()


def test_members_change_role_audited(
    site: Site, admin_client: Client, member: Callable[..., Any]
) -> None:
    moderator = member(site, SiteRole.MODERATOR)
    answer = admin_client.post(url("member-role", site, user_id=moderator.pk), {"role": "admin"})
    assert answer.status_code == 302
    assert roles(site, moderator) == ["admin"]
    entry = AuditEntry.objects.get(verb="site.member_role_change")
    assert (entry.subject_user, entry.status_before, entry.status_after) == (
        moderator,
        "moderator",
        "admin",
    )


def test_members_remove_audited(
    site: Site, admin_client: Client, member: Callable[..., Any]
) -> None:
    editor = member(site, SiteRole.EDITOR)
    answer = admin_client.post(url("member-remove", site, user_id=editor.pk))
    assert answer.status_code == 302
    assert roles(site, editor) == []
    entry = AuditEntry.objects.get(verb="site.member_remove")
    assert (entry.subject_user, entry.status_before) == (editor, "editor")


def test_members_last_admin_cannot_be_removed_or_demoted(
    site: Site, admin_client: Client, site_admin: Any, member: Callable[..., Any]
) -> None:
    answer = admin_client.post(url("member-remove", site, user_id=site_admin.pk), follow=True)
    assert "last admin" in answer.content.decode()
    answer = admin_client.post(
        url("member-role", site, user_id=site_admin.pk), {"role": "moderator"}, follow=True
    )
    assert "last admin" in answer.content.decode()
    assert roles(site, site_admin) == ["admin"]
    assert not AuditEntry.objects.exists()

    # With a second admin, the first may step down.
    member(site, SiteRole.ADMIN)
    admin_client.post(url("member-role", site, user_id=site_admin.pk), {"role": "editor"})
    assert roles(site, site_admin) == ["editor"]


def test_members_of_another_site_are_not_found_here(
    site: Site, other_site: Site, admin_client: Client, member: Callable[..., Any]
) -> None:
    stranger = member(other_site, SiteRole.ADMIN)
    answer = admin_client.post(url("member-remove", site, user_id=stranger.pk))
    assert answer.status_code == 404
    assert roles(other_site, stranger) == ["admin"]


def test_members_list_leaves_out_api_service_accounts_in_constant_queries(
    site: Site,
    admin_client: Client,
    member: Callable[..., Any],
    django_assert_num_queries: Any,
) -> None:
    ApiToken.issue(site, "Moderations-Bot", can_moderate=True)
    admin_client.get(url("members", site))
    with django_assert_num_queries(5) as few:
        admin_client.get(url("members", site))
    for _ in range(12):
        member(site, SiteRole.MODERATOR)
    with django_assert_num_queries(len(few.captured_queries)):
        page = admin_client.get(url("members", site)).content.decode()
    assert "Moderations-Bot" not in page
    assert page.count('id="mitglied-') == 13


def test_members_api_service_account_is_not_managed_here(site: Site, admin_client: Client) -> None:
    token, _plain = ApiToken.issue(site, "Moderations-Bot", can_moderate=True)
    bot = token.acting_user
    answer = admin_client.post(url("member-role", site, user_id=bot.pk), {"role": "admin"})
    assert answer.status_code == 404
    assert admin_client.post(url("member-remove", site, user_id=bot.pk)).status_code == 404
    assert roles(site, bot) == ["moderator"]
