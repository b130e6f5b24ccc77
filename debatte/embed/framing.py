"""Signing in with a publisher's token only from an iframe page, never from one that a link
opened as the whole window (login CSRF: a link would log the victim into someone's account).

The iframe page gets a signed ticket only when the browser loaded it as a frame
(`Sec-Fetch-Dest: iframe`; browsers without Fetch Metadata send nothing and get one too,
where the frame script's own check and the `frame-ancestors` policy remain). The SSO sign-in
requires the ticket.
"""

from django.core import signing
from django.http import HttpRequest

SALT = "debatte.embed.frame"
MAX_AGE_SECONDS = 12 * 60 * 60  # a page left open for a working day may still sign in


def loaded_as_frame(request: HttpRequest) -> bool:
    return request.headers.get("Sec-Fetch-Dest", "iframe") == "iframe"


def frame_ticket(request: HttpRequest, site_slug: str) -> str:
    """The ticket for the page being rendered; empty when it was opened as a window."""
    if not loaded_as_frame(request):
        return ""
    return signing.dumps(site_slug, salt=SALT, compress=False)


def is_framed_request(request: HttpRequest, site_slug: str) -> bool:
    """The POST comes from a script of an iframe page of this site, not a navigation."""
    if request.headers.get("Sec-Fetch-Mode") == "navigate":
        return False
    ticket = request.POST.get("frame", "")
    try:
        return bool(ticket) and signing.loads(ticket, salt=SALT, max_age=MAX_AGE_SECONDS) == (
            site_slug
        )
    except signing.BadSignature:
        return False
