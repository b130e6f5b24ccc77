"""A granted appeal lifts exactly the appealed restriction through `lift_restrictions`
(audited, counters kept), not by writing the restriction itself."""

import pytest

from debatte.moderation.models import AuditEntry, Restriction, RestrictionKind, StatementOfReasons
from debatte.moderation.restrictions import restriction_status
from debatte.moderation.services.dsa import decide_appeal, submit_appeal
from debatte.moderation.services.users import set_premoderation, suspend_user, warn_user

pytestmark = pytest.mark.django_db


def grant(reader, decision, moderator):
    statement = StatementOfReasons.objects.get(user=reader, decision=decision)
    appeal = submit_appeal(statement, user=reader, text="Das war ein Missverständnis.")
    decide_appeal(appeal, moderator=moderator, reverse=True, note="Sie haben recht.")


def test_granted_appeal_lifts_the_suspension_and_keeps_other_restrictions(
    reader, site, site_moderator, second_moderator
):
    suspend_user(reader, moderator=site_moderator, days=7, reason="Beleidigend", site=site)
    set_premoderation(reader, moderator=site_moderator, reason="Neu hier", site=site)

    grant(reader, "user.suspend", second_moderator)

    status = restriction_status(reader, site.pk)
    assert status.suspended_until is None and status.premoderated
    suspension = Restriction.objects.get(user=reader, kind=RestrictionKind.SUSPEND)
    assert suspension.lifted_by == second_moderator and suspension.lift_reason
    reader.refresh_from_db()
    assert reader.has_restrictions  # the pre-moderation holds
    entry = AuditEntry.objects.get(verb="user.unrestrict")
    assert entry.actor == second_moderator and entry.details == {"kinds": ["suspend"]}


def test_granted_appeal_against_a_warning_takes_it_off_the_count(
    reader, site, site_moderator, second_moderator
):
    warn_user(reader, moderator=site_moderator, reason="Bitte sachlich", site=site)
    warn_user(reader, moderator=site_moderator, reason="Noch einmal", site=site)
    reader.refresh_from_db()
    assert reader.warning_count == 2

    statement = StatementOfReasons.objects.filter(user=reader, decision="user.warn").first()
    assert statement is not None
    appeal = submit_appeal(statement, user=reader, text="Ich war sachlich.")
    decide_appeal(appeal, moderator=second_moderator, reverse=True, note="Stimmt.")

    reader.refresh_from_db()
    assert reader.warning_count == 1
    assert Restriction.objects.filter(user=reader, lifted_at__isnull=True).count() == 1
    assert AuditEntry.objects.filter(verb="user.unrestrict").count() == 1
