"""Health, readiness and metrics, as a load balancer, an orchestrator and Prometheus see them."""

import socket

import pytest
from django.utils import timezone

from debatte.ops import readiness
from debatte.ops.heartbeat import beat
from debatte.ops.models import WorkerHeartbeat


@pytest.fixture(autouse=True)
def fresh_readiness():
    readiness._passed_once.clear()
    yield
    readiness._passed_once.clear()


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.mark.django_db
def test_healthz_answers_without_touching_the_database(client, django_assert_num_queries):
    with django_assert_num_queries(0):
        response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
    assert "no-cache" in response["Cache-Control"]


@pytest.mark.django_db
def test_readyz_reports_every_check_and_is_ready_on_the_default_setup(client):
    response = client.get("/readyz")
    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["status"] == "ready"
    assert set(body["checks"]) == {"database", "migrations", "redis", "classifier", "worker"}
    assert body["checks"]["migrations"] == {"ok": True, "detail": "applied"}
    assert body["checks"]["worker"]["detail"] == "no worker seen"


@pytest.mark.django_db
def test_readyz_sees_a_worker_that_beats_and_can_require_one(client, settings):
    settings.DEBATTE = {**settings.DEBATTE, "READY_REQUIRES_WORKER": True}
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["checks"]["worker"] == {"ok": False, "detail": "no worker seen"}

    beat("host:123", timezone.now())
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.json()["checks"]["worker"]["detail"] == "1 alive"

    # A worker that stopped beating more than three beats ago is gone.
    WorkerHeartbeat.objects.update(seen_at=timezone.now() - timezone.timedelta(minutes=5))
    assert client.get("/readyz").status_code == 503


@pytest.mark.django_db
def test_readyz_is_unavailable_when_the_configured_redis_is_down(client, settings):
    url = f"redis://127.0.0.1:{closed_port()}/0"
    settings.REDIS_URL = url
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": url}
    }
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["status"] == "unavailable"
    assert response.json()["checks"]["redis"]["ok"] is False
    assert response.json()["checks"]["database"]["ok"] is True


@pytest.mark.django_db
def test_readyz_loads_the_configured_classifier_once(client, settings):
    # Any importable callable taking the text stands in for the model here.
    settings.DEBATTE = {**settings.DEBATTE, "SCORER": "builtins.len"}
    first = client.get("/readyz").json()["checks"]["classifier"]
    assert first == {"ok": True, "detail": "builtins.len"}
    # Loaded once per process, then remembered.
    assert client.get("/readyz").json()["checks"]["classifier"] == {"ok": True, "detail": "passed"}


@pytest.mark.django_db
def test_readyz_says_which_check_failed_when_the_scorer_cannot_load(client, settings):
    settings.DEBATTE = {**settings.DEBATTE, "SCORER": "debatte.nowhere.score"}
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["checks"]["classifier"] == {"ok": False, "detail": "ModuleNotFoundError"}


@pytest.mark.django_db
def test_metrics_are_for_the_machine_itself_or_a_token_holder(client, settings):
    assert client.get("/metrics", REMOTE_ADDR="203.0.113.5").status_code == 403
    assert client.get("/metrics", REMOTE_ADDR="127.0.0.1").status_code == 200

    settings.DEBATTE = {**settings.DEBATTE, "METRICS_TOKEN": "s3cret-scrape-token"}
    assert client.get("/metrics", REMOTE_ADDR="127.0.0.1").status_code == 403
    wrong = client.get("/metrics", HTTP_AUTHORIZATION="Bearer nope", REMOTE_ADDR="203.0.113.5")
    assert wrong.status_code == 403
    right = client.get(
        "/metrics", HTTP_AUTHORIZATION="Bearer s3cret-scrape-token", REMOTE_ADDR="203.0.113.5"
    )
    assert right.status_code == 200


def metric(text: str, name: str) -> float:
    total = 0.0
    for line in text.splitlines():
        if line.startswith(name) and not line.startswith("#"):
            total += float(line.rsplit(" ", 1)[1])
    return total


@pytest.mark.django_db
def test_metrics_count_requests_comments_and_queues(
    client, article, make_comment, django_capture_on_commit_callbacks
):
    before = client.get("/metrics", REMOTE_ADDR="127.0.0.1").content.decode()
    with django_capture_on_commit_callbacks(execute=True):  # events go out after the commit
        make_comment(article)
    client.get(f"/artikel/{article.key}/")
    after = client.get("/metrics", REMOTE_ADDR="127.0.0.1").content.decode()

    published = 'debatte_comment_events_total{event="published"}'
    assert metric(after, published) == metric(before, published) + 1
    page = 'debatte_http_requests_total{method="GET",status="200",view="article"}'
    assert metric(after, page) >= metric(before, page) + 1
    assert "debatte_http_request_duration_seconds_bucket" in after
    assert 'debatte_moderation_queue_depth{queue="pending"} 0.0' in after
    assert "debatte_task_backlog 0.0" in after
    assert "debatte_workers_alive 0.0" in after
    assert "debatte_live_connections" in after
