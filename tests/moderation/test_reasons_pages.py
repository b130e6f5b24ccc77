"""The reasons catalogue as a page: a site's moderators list, add, edit, deactivate; audited."""

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from debatte.articles.models import Site
from debatte.core.exceptions import ActionError
from debatte.moderation.models import AuditEntry, Reason
from debatte.moderation.services.decisions import reject_comment

pytestmark = pytest.mark.django_db


def url(site: Site) -> str:
    return reverse("moderation-reasons", args=[site.pk])


def edit_url(reason: Reason) -> str:
    return reverse("moderation-reason-edit", args=[reason.site_id, reason.pk])


def logged_in(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


NEW = {
    "form": "add",
    "kind": "reject",
    "code": "spam",
    "label": "Werbung",
    "text": "Keine Werbung.",
}


def test_only_the_sites_moderators_reach_its_catalogue(
    client: Client, site: Site, reader: Any, other_site_moderator: Any, reject_reason: Reason
) -> None:
    assert client.get(url(site)).status_code == 302
    assert logged_in(reader).get(url(site)).status_code == 403
    outsider = logged_in(other_site_moderator)
    assert outsider.get(url(site)).status_code == 403
    assert outsider.post(url(site), NEW).status_code == 403
    assert outsider.get(edit_url(reject_reason)).status_code == 403
    assert (
        outsider.post(
            edit_url(reject_reason), {"label": "x", "text": "y", "position": 0}
        ).status_code
        == 403
    )
    toggle = {"form": "active", "reason": reject_reason.pk, "active": "0"}
    assert outsider.post(url(site), toggle).status_code == 403
    reject_reason.refresh_from_db()
    assert reject_reason.is_active and reject_reason.label == "Unsachlich"
    assert not AuditEntry.objects.exists()


def test_the_catalogue_lists_both_kinds(
    site: Site,
    site_moderator: Any,
    reject_reason: Reason,
    shorten_reason: Reason,
    django_assert_max_num_queries: Any,
) -> None:
    client = logged_in(site_moderator)
    with django_assert_max_num_queries(10):
        html = client.get(url(site)).content.decode()
    assert "Bitte bleiben Sie sachlich." in html and "Unterstellung" in html
    assert edit_url(reject_reason) in html


def test_adding_a_reason_is_audited_and_placed_last(
    site: Site, site_moderator: Any, reject_reason: Reason
) -> None:
    response = logged_in(site_moderator).post(url(site), NEW)
    assert response.status_code == 302
    reason = Reason.objects.get(code="spam")
    assert (reason.site, reason.kind, reason.label, reason.position) == (
        site,
        "reject",
        "Werbung",
        1,
    )
    entry = AuditEntry.objects.get(verb="reason.create")
    assert entry.actor == site_moderator and entry.site_id == site.pk
    assert entry.details["code"] == "spam"


@pytest.mark.parametrize(
    "change",
    [
        {"code": "sachlich"},
        {"code": "kein slug!"},
        {"label": ""},
        {"text": "x" * 301},
        {"kind": "x"},
    ],
)
def test_bad_reasons_are_refused_with_a_message(
    site: Site, site_moderator: Any, reject_reason: Reason, change: dict[str, str]
) -> None:
    response = logged_in(site_moderator).post(url(site), {**NEW, **change})
    assert response.status_code == 400
    assert 'role="alert"' in response.content.decode()
    assert Reason.objects.count() == 1 and not AuditEntry.objects.exists()


def test_the_same_code_may_serve_the_other_kind(
    site: Site, site_moderator: Any, reject_reason: Reason
) -> None:
    body = {**NEW, "code": "sachlich", "kind": "shorten"}
    assert logged_in(site_moderator).post(url(site), body).status_code == 302


def test_editing_keeps_what_it_was_in_the_audit_log(
    site: Site, site_moderator: Any, reject_reason: Reason
) -> None:
    client = logged_in(site_moderator)
    assert client.get(edit_url(reject_reason)).status_code == 200
    body = {"label": "Unsachlich", "text": "Bitte zur Sache.", "position": 3}
    assert client.post(edit_url(reject_reason), body).status_code == 302
    reject_reason.refresh_from_db()
    assert (reject_reason.text, reject_reason.position, reject_reason.code) == (
        "Bitte zur Sache.",
        3,
        "sachlich",
    )
    entry = AuditEntry.objects.get(verb="reason.update")
    assert entry.details["before"] == {"text": "Bitte bleiben Sie sachlich.", "position": 0}
    assert entry.details["after"] == {"text": "Bitte zur Sache.", "position": 3}
    # Saving without a change writes nothing.
    assert client.post(edit_url(reject_reason), body).status_code == 302
    assert AuditEntry.objects.filter(verb="reason.update").count() == 1


def test_editing_with_bad_input_says_what_is_wrong(
    site: Site, site_moderator: Any, reject_reason: Reason
) -> None:
    body = {"label": "", "text": "ok", "position": -1}
    response = logged_in(site_moderator).post(edit_url(reject_reason), body)
    assert response.status_code == 400
    assert response.content.decode().count('role="alert"') == 2


def test_an_unknown_reason_is_404(site: Site, site_moderator: Any) -> None:
    client = logged_in(site_moderator)
    assert client.get(reverse("moderation-reason-edit", args=[site.pk, 999])).status_code == 404
    toggle = {"form": "active", "reason": "abc", "active": "0"}
    assert client.post(url(site), toggle).status_code == 404


def test_deactivating_keeps_the_reason_out_of_decisions_and_is_audited(
    site: Site, site_moderator: Any, reject_reason: Reason, make_comment: Any, article: Any
) -> None:
    client = logged_in(site_moderator)
    toggle = {"form": "active", "reason": reject_reason.pk, "active": "0"}
    assert client.post(url(site), toggle).status_code == 302
    reject_reason.refresh_from_db()
    assert not reject_reason.is_active
    with pytest.raises(ActionError):
        reject_comment(make_comment(article), moderator=site_moderator, reason=reject_reason)
    entry = AuditEntry.objects.get(verb="reason.deactivate")
    assert (entry.status_before, entry.status_after) == ("active", "inactive")
    assert client.post(url(site), {**toggle, "active": "1"}).status_code == 302
    reject_reason.refresh_from_db()
    assert reject_reason.is_active
    assert AuditEntry.objects.filter(verb="reason.activate").count() == 1
