"""/healthz, /readyz and /metrics: for load balancers, orchestrators and Prometheus."""

import hmac
import ipaddress

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.cache import never_cache

from debatte.core.clientip import client_ip
from debatte.ops.metrics import exposition
from debatte.ops.readiness import run_checks


@never_cache
def healthz(request: HttpRequest) -> JsonResponse:
    """The process lives and answers; touches nothing else (a liveness probe)."""
    return JsonResponse({"status": "ok"})


@never_cache
def readyz(request: HttpRequest) -> JsonResponse:
    """Ready for traffic: database, migrations, Redis when configured, classifier, worker."""
    checks = run_checks()
    ready = all(check["ok"] for check in checks.values())
    return JsonResponse(
        {"status": "ready" if ready else "unavailable", "checks": checks},
        status=200 if ready else 503,
    )


def _may_scrape(request: HttpRequest) -> bool:
    token = settings.DEBATTE.get("METRICS_TOKEN") or ""
    if token:
        sent = request.headers.get("Authorization", "").removeprefix("Bearer ").strip()
        return hmac.compare_digest(sent.encode(), token.encode())
    # Without a token only the machine itself (a local Prometheus or agent) may scrape.
    address = client_ip(request)
    try:
        return address is not None and ipaddress.ip_address(address).is_loopback
    except ValueError:
        return False


@never_cache
def metrics(request: HttpRequest) -> HttpResponse:
    if not _may_scrape(request):
        return HttpResponse("Forbidden\n", status=403, content_type="text/plain")
    return HttpResponse(exposition(), content_type="text/plain; version=0.0.4; charset=utf-8")
