"""Saving a site's settings: the changed field names go to the audit log, never the values of
the SSO secret or key or of the external check's URL, which may carry a key in its query (the
other values are kept before and after, for the record). The settings page and the Django
admin (siteadmin/admin.py) both save through here, so their audit entries are the same."""

from typing import Any

from django.db import transaction

from debatte.articles.models import Site
from debatte.moderation.audit import record

# Their values are never written to the audit log: only that they changed.
SECRET_FIELDS = frozenset({"sso_secret", "sso_public_key", "external_check_url"})


def changed_values(site: Site, fields: list[str]) -> dict[str, Any]:
    return {name: getattr(site, name) for name in fields if name not in SECRET_FIELDS}


def update_site_settings(site: Site, *, actor: Any, changes: dict[str, Any]) -> list[str]:
    """Apply `changes` (field name → new value) to the site; return the names that changed.

    Values must be validated already (the settings form). Nothing changed: nothing written.
    """
    fields = sorted(name for name, value in changes.items() if getattr(site, name) != value)
    if not fields:
        return []
    before = changed_values(site, fields)
    for name in fields:
        setattr(site, name, changes[name])
    with transaction.atomic():
        site.save(update_fields=fields)
        record(
            "site.settings_change",
            actor=actor,
            site_id=site.pk,
            details={"fields": fields, "before": before, "after": changed_values(site, fields)},
        )
    return fields


def record_site_created(site: Site, *, actor: Any) -> None:
    """A new site (superusers, in the Django admin): who made it, its name and slug."""
    record(
        "site.create",
        actor=actor,
        site_id=site.pk,
        details={"name": site.name, "slug": site.slug},
    )


def delete_site(site: Site, *, actor: Any) -> None:
    """Delete the site and everything on it; the audit entry stays (without its site link)."""
    with transaction.atomic():
        record(
            "site.delete",
            actor=actor,
            site_id=site.pk,
            details={"site_id": site.pk, "name": site.name, "slug": site.slug},
        )
        site.delete()
