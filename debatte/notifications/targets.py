"""Where webhooks may go: public http(s) addresses only, unless the operator allows internal ones.

The rule and the pinned, redirect-free request live in core/guarded_http.py (the external
moderation check uses them too); this module words the refusals for webhooks. The URL is checked
when the webhook is saved (`validate_webhook_url`, the model field's validator) and again before
each delivery (delivering.post, since DNS answers change).

`DEBATTE["WEBHOOK_ALLOW_PRIVATE"]` (env DEBATTE_WEBHOOK_ALLOW_PRIVATE=1) lets an operator
deliver to internal hosts on purpose, e.g. an intranet publisher.
"""

from django.utils.translation import gettext_lazy as _

from debatte.core import guarded_http
from debatte.core.guarded_http import Target, TargetRefused, is_public

__all__ = ["MESSAGES", "Target", "TargetRefused", "is_public", "resolve_target"]

MESSAGES = {
    "scheme": _("Webhooks can only be sent to http:// or https:// URLs."),
    "credentials": _("Webhook URLs cannot contain a user name or password."),
    "host": _("The webhook URL names no valid host."),
    "internal": _("Webhooks cannot be sent to internal addresses (%(address)s)."),
    "internal_resolved": _(
        "Webhooks cannot be sent to internal addresses (%(host)s resolves to %(address)s)."
    ),
    "unresolvable": _("The host %(host)s could not be found."),
}


def resolve_target(url: str) -> Target:
    """Check a webhook URL and resolve its host (TargetRefused, or OSError if it does not)."""
    return guarded_http.resolve_target(url, MESSAGES)


def validate_webhook_url(url: str) -> None:
    """The model field's validator: the URL must be allowed to receive webhooks now."""
    guarded_http.validate_url(url, MESSAGES, code="webhook")
