"""Which pages may embed a site's discussions: the site's allowed origins, checked on the
Origin header (fetches) or the Referer (the iframe's first load), and enforced by the browser
through the iframe pages' `frame-ancestors` policy."""

import re
from urllib.parse import urlsplit

from django.http import HttpRequest, HttpResponse

from debatte.articles.models import Site


def origin_of(url: str) -> str | None:
    """`https://www.example.org` for any URL on that origin; None for what is not http(s)."""
    try:
        parts = urlsplit(url.strip())
    except ValueError:
        return None
    if parts.scheme not in {"http", "https"} or not parts.hostname:
        return None
    default_port = {"http": 80, "https": 443}[parts.scheme]
    try:
        port = parts.port
    except ValueError:
        return None
    netloc = parts.hostname if port in (None, default_port) else f"{parts.hostname}:{port}"
    return f"{parts.scheme}://{netloc}"


def allowed_origins(site: Site) -> list[str]:
    return [origin for origin in map(origin_of, site.origin_list()) if origin]


def is_allowed(site: Site, origin: str | None) -> bool:
    return origin is not None and origin in allowed_origins(site)


def request_origin(request: HttpRequest) -> str | None:
    """The origin of the page that made the request: Origin, else the Referer's origin."""
    origin = request.headers.get("Origin")
    if origin and origin != "null":
        return origin_of(origin)
    referer = request.headers.get("Referer")
    return origin_of(referer) if referer else None


def own_origin(request: HttpRequest) -> str | None:
    return origin_of(request.build_absolute_uri("/"))


# An origin as origin_of() writes it; anything else (spaces, ";") could add CSP directives.
_CSP_SOURCE = re.compile(r"https?://[A-Za-z0-9.\-\[\]:]+")


def frame_ancestor_sources(site: Site | None) -> list[str]:
    """The sources that may frame an embed page: only the site's own pages."""
    origins = allowed_origins(site) if site is not None else []
    return [o for o in origins if _CSP_SOURCE.fullmatch(o)] or ["'none'"]


def frame_ancestors(site: Site) -> str:
    return "frame-ancestors " + " ".join(frame_ancestor_sources(site))


def allow_framing_by(response: HttpResponse, site: Site | None) -> HttpResponse:
    """Replace X-Frame-Options: DENY and the policy's frame-ancestors 'none' (CSPMiddleware
    writes the rest of the project's policy) by the site's origins."""
    response.xframe_options_exempt = True  # type: ignore[attr-defined]
    response._csp_replace = {"frame-ancestors": frame_ancestor_sources(site)}  # type: ignore[attr-defined]
    return response


def cors_headers(response: HttpResponse, origin: str) -> HttpResponse:
    response["Access-Control-Allow-Origin"] = origin
    response["Vary"] = "Origin"
    return response
