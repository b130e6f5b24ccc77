"""Restrictions are per site: who may restrict whom where, what binds where, lifting them.

Security issue item 2: a moderator of any site could restrict any user of the installation
(`_check` only asked "moderates some site"), and the statement of reasons had no site.
"""

from typing import Any

import pytest
from django.core import mail

from debatte.articles.models import Site, SiteMembership
from debatte.core.exceptions import ActionError, NotPermitted
from debatte.discussions.models import CommentStatus
from debatte.discussions.services import post_comment
from debatte.moderation.models import AuditEntry, Restriction, StatementOfReasons
from debatte.moderation.restrictions import restriction_status
from debatte.moderation.services.users import (
    ban_user,
    lift_restrictions,
    set_premoderation,
    suspend_user,
    warn_user,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def site_b(db: None) -> Site:
    return Site.objects.create(name="Andere Zeitung", slug="andere", rate_limit_per_minute=0)


@pytest.fixture
def article_b(make_article: Any, site_b: Site) -> Any:
    return make_article(key="anderswo", title="Anderswo", site=site_b)


def restrict(action: str, user: Any, **kwargs: Any) -> Any:
    if action == "warn":
        return warn_user(user, reason="Ton", **kwargs)
    if action == "suspend":
        return suspend_user(user, reason="Ton", days=3, **kwargs)
    if action == "ban":
        return ban_user(user, reason="Ton", **kwargs)
    return set_premoderation(user, reason="Ton", **kwargs)


ACTIONS = ["warn", "suspend", "ban", "premoderate"]


@pytest.mark.parametrize("action", ACTIONS)
def test_a_site_moderator_cannot_restrict_a_reader_on_another_site(
    action: str, reader: Any, site_moderator: Any, site_b: Site, article_b: Any
) -> None:
    comment_b = post_comment(article_b, author=reader, body="Auf Seite B")
    with pytest.raises(NotPermitted):
        restrict(action, reader, moderator=site_moderator, site=site_b)
    with pytest.raises(NotPermitted):
        restrict(action, reader, moderator=site_moderator, comment=comment_b)
    assert not Restriction.objects.exists()
    assert not StatementOfReasons.objects.exists()


@pytest.mark.parametrize("action", ACTIONS)
def test_a_restriction_names_its_site_and_all_sites_are_for_administrators(
    action: str, reader: Any, site_moderator: Any
) -> None:
    with pytest.raises(ActionError) as error:
        restrict(action, reader, moderator=site_moderator)
    assert error.value.code == "site"
    with pytest.raises(NotPermitted):
        restrict(action, reader, moderator=site_moderator, site=None)
    assert not Restriction.objects.exists()


@pytest.mark.parametrize("action", ACTIONS)
def test_only_administrators_restrict_a_sites_staff(
    action: str, make_user: Any, site: Site, site_moderator: Any, admin: Any
) -> None:
    editor = make_user("Redakteurin")
    SiteMembership.objects.create(site=site, user=editor, role="editor")
    with pytest.raises(NotPermitted):
        restrict(action, editor, moderator=site_moderator, site=site)
    restrict(action, editor, moderator=admin, site=site)
    assert Restriction.objects.filter(user=editor, site=site, kind=action).exists()


def test_a_ban_on_one_site_does_not_stop_posting_on_another(
    reader: Any, article: Any, article_b: Any, site_moderator: Any
) -> None:
    comment = post_comment(article, author=reader, body="Beleidigend")
    ban_user(reader, moderator=site_moderator, reason="Beleidigung", comment=comment)
    with pytest.raises(ActionError) as error:
        post_comment(article, author=reader, body="Noch einer")
    assert error.value.code == "banned"
    assert post_comment(article_b, author=reader, body="Anderswo").status == "published"
    statement = StatementOfReasons.objects.get(decision="user.ban")
    assert statement.site_id == article.site_id
    entry = AuditEntry.objects.get(verb="user.ban")
    assert (entry.site_id, entry.status_before, entry.status_after) == (
        article.site_id,
        "active",
        "banned",
    )


def test_suspension_and_premoderation_hold_on_their_site_only(
    reader: Any, site: Site, article: Any, article_b: Any, site_moderator: Any
) -> None:
    set_premoderation(reader, moderator=site_moderator, reason="Beobachtung", site=site)
    assert post_comment(article, author=reader, body="Hier").status == CommentStatus.PENDING
    assert post_comment(article_b, author=reader, body="Dort").status == CommentStatus.PUBLISHED
    suspend_user(reader, moderator=site_moderator, reason="Ton", days=2, site=site)
    with pytest.raises(ActionError) as error:
        post_comment(article, author=reader, body="Gesperrt")
    assert error.value.code == "suspended"
    post_comment(article_b, author=reader, body="Dort geht es")


def test_an_all_sites_ban_by_an_administrator_stops_posting_everywhere(
    reader: Any, article: Any, article_b: Any, admin: Any, site_moderator: Any
) -> None:
    comment = post_comment(article, author=reader, body="Beleidigend")
    ban_user(reader, moderator=admin, reason="Beleidigung", comment=comment, site=None)
    for where in (article, article_b):
        with pytest.raises(ActionError) as error:
            post_comment(where, author=reader, body="Gesperrt")
        assert error.value.code == "banned"
    assert StatementOfReasons.objects.get(decision="user.ban").site_id is None
    # A site's moderator cannot lift what binds every site.
    with pytest.raises(NotPermitted):
        lift_restrictions(reader, site=None, moderator=site_moderator, reason="Gnade")


def test_lifting_restores_posting_is_audited_and_the_reader_is_told(
    reader: Any,
    site: Site,
    article: Any,
    site_moderator: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    suspend_user(reader, moderator=site_moderator, reason="Ton", days=3, site=site)
    warn_user(reader, moderator=site_moderator, reason="Ton", site=site)
    with pytest.raises(ActionError) as error:
        lift_restrictions(reader, site=site, moderator=site_moderator, reason=" ")
    assert error.value.code == "reason"
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        lifted = lift_restrictions(
            reader, site=site, moderator=site_moderator, reason="Hat sich entschuldigt."
        )
    assert lifted == 2
    reader.refresh_from_db()
    assert (reader.warning_count, reader.has_restrictions) == (0, False)
    assert restriction_status(reader, site.pk).suspended_until is None
    post_comment(article, author=reader, body="Wieder da")
    entry = AuditEntry.objects.get(verb="user.unrestrict")
    assert (entry.actor, entry.site_id, entry.reason) == (
        site_moderator,
        site.pk,
        "Hat sich entschuldigt.",
    )
    assert entry.details == {"kinds": ["suspend", "warn"]}
    assert (entry.status_before, entry.status_after) == (entry.status_before, "active")
    assert entry.status_before.startswith("suspended until")
    (message,) = mail.outbox
    assert message.to == [reader.email]
    assert "Hat sich entschuldigt." in message.body
    with pytest.raises(ActionError) as error:
        lift_restrictions(reader, site=site, moderator=site_moderator, reason="Nochmal")
    assert error.value.code == "nothing_to_lift"


def test_a_site_moderator_cannot_lift_on_another_site(
    reader: Any, site_b: Site, site_moderator: Any, admin: Any
) -> None:
    ban_user(reader, moderator=admin, reason="Ton", site=site_b)
    with pytest.raises(NotPermitted):
        lift_restrictions(reader, site=site_b, moderator=site_moderator, reason="Gnade")
    assert restriction_status(reader, site_b.pk).banned


def test_restricting_again_replaces_the_open_restriction(
    reader: Any, site: Site, site_moderator: Any
) -> None:
    suspend_user(reader, moderator=site_moderator, reason="Ton", days=1, site=site)
    suspend_user(reader, moderator=site_moderator, reason="Ton", days=7, site=site)
    open_rows = Restriction.objects.filter(user=reader, lifted_at__isnull=True)
    assert open_rows.count() == 1
    assert Restriction.objects.filter(user=reader, lift_reason="replaced").count() == 1
