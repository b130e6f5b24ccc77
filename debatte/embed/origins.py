"""Which pages may embed a site's discussions: the site's allowed origins, checked on the
Origin header (fetches) or the Referer (the iframe's first load), and enforced by the browser
through the iframe pages' `frame-ancestors` policy."""

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


def frame_ancestors(site: Site) -> str:
    """The CSP that lets only the site's own pages frame an embed page."""
    sources = " ".join(allowed_origins(site)) or "'none'"
    return f"frame-ancestors {sources}"


def allow_framing_by(response: HttpResponse, site: Site | None) -> HttpResponse:
    """Replace the project's X-Frame-Options: DENY by a CSP naming the site's origins."""
    response.xframe_options_exempt = True  # type: ignore[attr-defined]
    policy = frame_ancestors(site) if site is not None else "frame-ancestors 'none'"
    response["Content-Security-Policy"] = policy
    return response


def cors_headers(response: HttpResponse, origin: str) -> HttpResponse:
    response["Access-Control-Allow-Origin"] = origin
    response["Vary"] = "Origin"
    return response
