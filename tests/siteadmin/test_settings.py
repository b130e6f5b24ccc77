"""The settings page: validated, saved, each change audited by field name, secrets never shown."""

from typing import Any

import pytest
from django.test import Client

from debatte.articles.models import Site
from debatte.moderation.models import AuditEntry
from tests.siteadmin.conftest import url

pytestmark = pytest.mark.django_db

SECRET = "ein-sehr-langes-geheimnis-der-redaktion-0123456789"
NEW_SECRET = "ein-anderes-langes-geheimnis-der-redaktion-987654321"


def form_data(site: Site, **changes: Any) -> dict[str, Any]:
    """The form as the page sends it: every field with the site's current value."""
    data: dict[str, Any] = {
        "moderation_mode": site.moderation_mode,
        "risk_threshold": site.risk_threshold,
        "new_account_hold_count": site.new_account_hold_count,
        "rate_limit_per_minute": site.rate_limit_per_minute,
        "auto_close_days": site.auto_close_days or "",
        "netiquette_url": site.netiquette_url,
        "external_check_url": site.external_check_url,
        "external_check_timeout": site.external_check_timeout,
        "allowed_origins": site.allowed_origins,
        "sso_algorithm": site.sso_algorithm,
        "sso_secret": "",
        "sso_public_key": site.sso_public_key,
    }
    for flag in ("hold_links", "require_second_factor", "embed_creates_unlisted", "own_accounts"):
        if getattr(site, flag):
            data[flag] = "on"
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}


def test_settings_change_is_saved_and_audited_with_field_names(
    site: Site, admin_client: Client, site_admin: Any
) -> None:
    data = form_data(
        site,
        moderation_mode="risk",
        risk_threshold="0.6",
        hold_links="on",
        auto_close_days="14",
        netiquette_url="https://zeitung.example/netiquette",
    )
    answer = admin_client.post(url("settings", site), data)
    assert answer.status_code == 302
    site.refresh_from_db()
    assert (site.moderation_mode, site.risk_threshold, site.hold_links) == ("risk", 0.6, True)
    assert site.auto_close_days == 14
    assert site.netiquette_url == "https://zeitung.example/netiquette"
    entry = AuditEntry.objects.get(verb="site.settings_change")
    assert entry.actor == site_admin
    assert entry.site_id == site.pk
    assert entry.details["fields"] == [
        "auto_close_days",
        "hold_links",
        "moderation_mode",
        "netiquette_url",
        "risk_threshold",
    ]
    assert entry.details["after"]["moderation_mode"] == "risk"
    # The site's moderators and admins read it in the audit log.
    log = admin_client.get("/moderation/audit/?verb=site.").content.decode()
    assert "site.settings_change" in log


def test_settings_unchanged_form_writes_no_audit_entry(site: Site, admin_client: Client) -> None:
    answer = admin_client.post(url("settings", site), form_data(site), follow=True)
    assert "Nothing was changed" in answer.content.decode() or "Nichts" in answer.content.decode()
    assert not AuditEntry.objects.exists()


def test_settings_sso_secret_is_never_rendered_and_blank_keeps_it(
    site: Site, admin_client: Client
) -> None:
    answer = admin_client.post(url("settings", site), form_data(site, sso_secret=SECRET))
    assert answer.status_code == 302
    site.refresh_from_db()
    assert site.sso_secret == SECRET
    entry = AuditEntry.objects.get(verb="site.settings_change")
    assert entry.details["fields"] == ["sso_secret"]
    assert SECRET not in str(entry.details)

    page = admin_client.get(url("settings", site)).content.decode()
    assert SECRET not in page
    # A form sent back with errors does not show it either.
    page = admin_client.post(
        url("settings", site), form_data(site, risk_threshold="7")
    ).content.decode()
    assert SECRET not in page

    # Saving without typing a secret keeps it; a new one replaces it, unseen in the log.
    admin_client.post(url("settings", site), form_data(site, moderation_mode="pre"))
    site.refresh_from_db()
    assert site.sso_secret == SECRET
    admin_client.post(url("settings", site), form_data(site, sso_secret=NEW_SECRET))
    site.refresh_from_db()
    assert site.sso_secret == NEW_SECRET
    logged = str(list(AuditEntry.objects.values_list("details", flat=True)))
    assert SECRET not in logged and NEW_SECRET not in logged


def test_settings_external_check_url_value_not_logged(site: Site, admin_client: Client) -> None:
    check = "https://93.184.215.14/check?key=geheimer-schluessel"
    admin_client.post(url("settings", site), form_data(site, external_check_url=check))
    site.refresh_from_db()
    assert site.external_check_url == check
    entry = AuditEntry.objects.get(verb="site.settings_change")
    assert entry.details["fields"] == ["external_check_url"]
    assert "geheimer-schluessel" not in str(entry.details)


def test_settings_sso_secret_can_be_removed(site: Site, admin_client: Client) -> None:
    Site.objects.filter(pk=site.pk).update(sso_secret=SECRET)
    site.refresh_from_db()
    admin_client.post(url("settings", site), form_data(site, clear_sso_secret="on"))
    site.refresh_from_db()
    assert site.sso_secret == ""


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"risk_threshold": "1.5"}, "risk_threshold", "between 0 and 1"),
        ({"risk_threshold": "viel"}, "risk_threshold", "Enter a number"),
        ({"rate_limit_per_minute": "-1"}, "rate_limit_per_minute", "greater than or equal"),
        ({"sso_secret": "kurz"}, "sso_secret", "at least 32 bytes"),
        (
            {"sso_algorithm": "RS256", "sso_public_key": "-----BEGIN PRIVATE KEY-----\nx"},
            "sso_public_key",
            "private key",
        ),
        ({"sso_algorithm": "RS256", "sso_public_key": "kein schlüssel"}, "sso_public_key", "PEM"),
        ({"external_check_url": "http://127.0.0.1:6379/"}, "external_check_url", "internal"),
        ({"external_check_url": "http://169.254.169.254/"}, "external_check_url", "internal"),
        ({"external_check_timeout": "0"}, "external_check_timeout", "above 0"),
        (
            {"allowed_origins": "https://ok.example\nhttps://a.example/pfad"},
            "allowed_origins",
            "no path",
        ),
        ({"allowed_origins": "javascript:alert(1)"}, "allowed_origins", "origin"),
        ({"netiquette_url": "keine url"}, "netiquette_url", "valid URL"),
    ],
)
def test_settings_bad_input_is_refused_with_a_message(
    site: Site, admin_client: Client, changes: dict[str, str], field: str, message: str
) -> None:
    answer = admin_client.post(url("settings", site), form_data(site, **changes))
    assert answer.status_code == 400
    assert message in str(answer.context["form"].errors[field])
    assert message.split()[0] in answer.content.decode()
    assert not AuditEntry.objects.exists()


def test_settings_allowed_origins_are_stored_as_origins(site: Site, admin_client: Client) -> None:
    origins = (
        "  https://www.zeitung.example/  \n\nhttps://zeitung.example:443\nhttp://dev.example:8080"
    )
    admin_client.post(url("settings", site), form_data(site, allowed_origins=origins))
    site.refresh_from_db()
    assert (
        site.allowed_origins
        == "https://www.zeitung.example\nhttps://zeitung.example\nhttp://dev.example:8080"
    )


def test_settings_page_is_german_for_german_admins(site: Site, admin_client: Client) -> None:
    page = admin_client.get(url("settings", site), headers={"accept-language": "de"})
    assert "Einstellungen speichern" in page.content.decode()
