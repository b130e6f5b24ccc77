"""A site's catalogue of reasons (what readers read under a removed or shortened comment):
add, edit, deactivate and activate again; every change audited with what it was before.

Reasons are never deleted: decisions made with them keep their note, and the audit log and
statements of reasons refer to them by text.
"""

from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from debatte.accounts.models import User
from debatte.articles.models import Site
from debatte.core.exceptions import ActionError
from debatte.moderation.audit import record
from debatte.moderation.models import Reason
from debatte.moderation.services.permissions import check_can_moderate

EDITABLE = ("label", "text", "position")


def _check_code_free(site: Site, kind: str, code: str, *, exclude: int | None = None) -> None:
    taken = Reason.objects.filter(site=site, kind=kind, code=code)
    if exclude is not None:
        taken = taken.exclude(pk=exclude)
    if taken.exists():
        raise ActionError(
            _("The code “%(code)s” is already used by another reason of this kind.")
            % {"code": code},
            code="code_taken",
        )


def create_reason(
    site: Site,
    *,
    moderator: User,
    code: str,
    kind: str,
    label: str,
    text: str,
    position: int | None = None,
) -> Reason:
    check_can_moderate(moderator, site.pk)
    _check_code_free(site, kind, code)
    if position is None:
        last = Reason.objects.filter(site=site, kind=kind).aggregate(last=Max("position"))["last"]
        position = 0 if last is None else last + 1
    try:
        with transaction.atomic():
            reason = Reason.objects.create(
                site=site, code=code, kind=kind, label=label, text=text, position=position
            )
            record(
                "reason.create",
                actor=moderator,
                site_id=site.pk,
                reason=text,
                after="active",
                details={"reason": reason.pk, "code": code, "kind": kind, "label": label},
            )
    except IntegrityError:  # the same code, added at the same moment
        raise ActionError(_("This code is already used."), code="code_taken") from None
    return reason


def update_reason(reason: Reason, *, moderator: User, **changes: Any) -> Reason:
    """Change the label, text or position; the audit entry keeps what they were."""
    check_can_moderate(moderator, reason.site_id)
    unknown = set(changes) - set(EDITABLE)
    if unknown:
        raise ActionError(_("These fields cannot be changed: %(f)s") % {"f": ", ".join(unknown)})
    before = {
        name: getattr(reason, name) for name in changes if getattr(reason, name) != changes[name]
    }
    if not before:
        return reason
    with transaction.atomic():
        for name in before:
            setattr(reason, name, changes[name])
        reason.save(update_fields=list(before))
        record(
            "reason.update",
            actor=moderator,
            site_id=reason.site_id,
            details={
                "reason": reason.pk,
                "code": reason.code,
                "before": before,
                "after": {name: changes[name] for name in before},
            },
        )
    return reason


def set_reason_active(reason: Reason, *, moderator: User, active: bool) -> Reason:
    """A deactivated reason is offered no more; decisions made with it keep their note."""
    check_can_moderate(moderator, reason.site_id)
    if reason.is_active == active:
        return reason
    with transaction.atomic():
        reason.is_active = active
        reason.save(update_fields=["is_active"])
        record(
            "reason.activate" if active else "reason.deactivate",
            actor=moderator,
            site_id=reason.site_id,
            before="inactive" if active else "active",
            after="active" if active else "inactive",
            details={"reason": reason.pk, "code": reason.code, "label": reason.label},
        )
    return reason
