"""Who may open the site settings pages: the site's admins and superusers only."""

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from debatte.api.models import ApiToken
from debatte.articles.models import Site, SiteRole
from debatte.notifications.models import Webhook
from tests.siteadmin.conftest import url

pytestmark = pytest.mark.django_db


@pytest.fixture
def pages(site: Site) -> list[str]:
    hook = Webhook.objects.create(site=site, url="https://example.org/h", events=[], secret="s")
    return [
        url("settings", site),
        url("members", site),
        url("tokens", site),
        url("webhooks", site),
        url("webhook-edit", site, webhook_id=hook.pk),
    ]


@pytest.fixture
def people(
    member: Callable[..., Any],
    site: Site,
    other_site: Site,
    site_admin: Any,
    superuser: Any,
    make_user: Callable[..., Any],
) -> dict[str, Any]:
    return {
        "reader": make_user("Leserin"),
        "moderator": member(site, SiteRole.MODERATOR),
        "editor": member(site, SiteRole.EDITOR),
        "other site's admin": member(other_site, SiteRole.ADMIN),
        "site admin": site_admin,
        "superuser": superuser,
    }


ALLOWED = {"site admin", "superuser"}


def test_siteadmin_pages_open_only_to_site_admins_and_superusers(
    pages: list[str], people: dict[str, Any], login: Callable[[Any], Client]
) -> None:
    for who, user in people.items():
        client = login(user)
        for page in pages:
            status = client.get(page).status_code
            assert status == (200 if who in ALLOWED else 403), (who, page, status)


def test_siteadmin_writes_refused_to_everyone_but_site_admins(
    site: Site, people: dict[str, Any], login: Callable[[Any], Client]
) -> None:
    for who, user in people.items():
        if who in ALLOWED:
            continue
        client = login(user)
        answer = client.post(url("tokens", site), {"name": f"von {who}"})
        assert answer.status_code == 403, who
        answer = client.post(url("members", site), {"person": user.email, "role": "admin"})
        assert answer.status_code == 403, who
        answer = client.post(url("settings", site), {"moderation_mode": "pre"})
        assert answer.status_code == 403, who
    assert not ApiToken.objects.exists()
    site.refresh_from_db()
    assert site.moderation_mode == "post"


def test_siteadmin_sends_anonymous_visitors_to_login(site: Site) -> None:
    answer = Client().get(url("settings", site))
    assert answer.status_code == 302
    assert "/konto/login/" in answer["Location"]


def test_siteadmin_unknown_site_is_404(admin_client: Client) -> None:
    assert admin_client.get("/verwaltung/gibt-es-nicht/").status_code == 404


def test_siteadmin_admin_of_another_site_cannot_touch_this_sites_webhook(
    site: Site, other_site: Site, member: Callable[..., Any], login: Callable[[Any], Client]
) -> None:
    hook = Webhook.objects.create(site=site, url="https://example.org/h", events=[], secret="s")
    client = login(member(other_site, SiteRole.ADMIN))
    # Through the other site's own pages: the webhook is not found there.
    answer = client.post(url("webhook-delete", other_site, webhook_id=hook.pk))
    assert answer.status_code == 404
    assert Webhook.objects.filter(pk=hook.pk).exists()


def test_siteadmin_index_lists_or_opens_the_administered_sites(
    site: Site, other_site: Site, site_admin: Any, superuser: Any, login: Callable[[Any], Client]
) -> None:
    answer = login(site_admin).get("/verwaltung/")
    assert answer.status_code == 302
    assert answer["Location"] == url("settings", site)
    answer = login(superuser).get("/verwaltung/")
    assert answer.status_code == 200
    assert url("settings", other_site) in answer.content.decode()


def test_siteadmin_index_refuses_who_administers_nothing(
    login: Callable[[Any], Client], make_user: Callable[..., Any]
) -> None:
    assert login(make_user()).get("/verwaltung/").status_code == 403


def test_siteadmin_requires_the_sites_second_factor(site: Site, admin_client: Client) -> None:
    site.require_second_factor = True
    site.save()
    answer = admin_client.get(url("settings", site))
    assert answer.status_code == 302
    assert "/konto/2fa/" in answer["Location"]


def test_siteadmin_forms_need_the_csrf_token(site: Site, site_admin: Any) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(site_admin)
    assert client.post(url("tokens", site), {"name": "ohne Token"}).status_code == 403
    assert not ApiToken.objects.exists()
    page = client.get(url("tokens", site)).content.decode()
    assert 'name="csrfmiddlewaretoken"' in page


def test_siteadmin_linked_in_the_header_for_staff(site: Site, admin_client: Client) -> None:
    page = admin_client.get(url("members", site)).content.decode()
    header = page[page.index('class="site-nav"') : page.index("</nav>")]
    assert 'href="/verwaltung/"' in header


def header_of(client: Client, path: str = "/") -> str:
    page = client.get(path).content.decode()
    return page[page.index('class="site-nav"') : page.index("</nav>")]


def test_siteadmin_header_link_only_for_site_admins_and_superusers(
    people: dict[str, Any], login: Callable[[Any], Client]
) -> None:
    # A moderator or editor who followed the link would only be refused (403).
    shown = {
        name for name, person in people.items() if 'href="/verwaltung/"' in header_of(login(person))
    }
    assert shown == {"site admin", "superuser", "other site's admin"}
    assert 'href="/verwaltung/"' not in header_of(Client())


def test_siteadmin_header_link_gone_when_the_admin_role_is(
    site: Site, member: Callable[..., Any], login: Callable[[Any], Client]
) -> None:
    admin = member(site, SiteRole.ADMIN, "Kurzzeit-Admin")
    client = login(admin)
    assert 'href="/verwaltung/"' in header_of(client)
    admin.site_memberships.update(role=SiteRole.MODERATOR)
    assert 'href="/verwaltung/"' not in header_of(client)


def test_siteadmin_header_check_costs_no_query_for_readers_and_visitors(
    make_user: Callable[..., Any], login: Callable[[Any], Client]
) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    reader = login(make_user("Nur Leserin"))
    with CaptureQueriesContext(connection) as queries:
        reader.get("/")
    assert not [q for q in queries.captured_queries if "articles_sitemembership" in q["sql"]]
    with CaptureQueriesContext(connection) as queries:
        Client().get("/")
    assert not [q for q in queries.captured_queries if "articles_sitemembership" in q["sql"]]


def test_siteadmin_header_check_is_one_query_per_page_for_staff(
    site: Site, member: Callable[..., Any], login: Callable[[Any], Client]
) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = login(member(site, SiteRole.MODERATOR, "Moderatorin"))
    with CaptureQueriesContext(connection) as queries:
        client.get("/")
    asked = [
        q
        for q in queries.captured_queries
        if "articles_sitemembership" in q["sql"] and "'admin'" in q["sql"]
    ]
    assert len(asked) == 1
