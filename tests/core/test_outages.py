"""A database or Redis outage answers a clean 503 (page or JSON), never a 500 stack trace."""

import socket

import pytest
from django.db import InterfaceError, OperationalError
from django.test import Client
from redis.exceptions import ConnectionError as RedisConnectionError

from debatte.core.resilient_cache import ResilientRedisCache


def failing(exc: Exception):
    def raise_it(*args, **kwargs):
        raise exc

    return raise_it


@pytest.fixture
def quiet_client():
    """A client that returns what a reader would get instead of re-raising the exception."""
    return Client(raise_request_exception=False)


@pytest.mark.django_db
def test_a_database_outage_in_a_view_is_a_503_page_in_german(monkeypatch, quiet_client):
    monkeypatch.setattr(
        "debatte.discussions.article_pages.list_front_page_articles",
        failing(OperationalError("server closed the connection unexpectedly")),
    )
    response = quiet_client.get("/")
    assert response.status_code == 503
    assert response["Retry-After"] == "5"
    assert response["Cache-Control"] == "no-store"
    page = response.content.decode()
    assert "Kurz nicht erreichbar" in page
    assert "Traceback" not in page and "server closed" not in page


@pytest.mark.django_db
def test_the_outage_page_speaks_english_to_english_readers(monkeypatch, quiet_client):
    monkeypatch.setattr(
        "debatte.discussions.article_pages.list_front_page_articles",
        failing(InterfaceError("gone")),
    )
    response = quiet_client.get("/", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 503
    assert "Briefly unavailable" in response.content.decode()


@pytest.mark.django_db
def test_the_api_answers_an_outage_with_a_json_error(monkeypatch, quiet_client, article):
    monkeypatch.setattr(
        "debatte.api.discussions.get_thread_page", failing(OperationalError("connection refused"))
    )
    response = quiet_client.get(f"/api/v1/articles/{article.key}/comments")
    assert response.status_code == 503
    assert response["Retry-After"] == "5"
    assert response.json()["error"]["code"] == "unavailable"


@pytest.mark.django_db
def test_a_full_disk_says_so(monkeypatch, quiet_client):
    monkeypatch.setattr(
        "debatte.discussions.article_pages.list_front_page_articles",
        failing(OperationalError("database or disk is full")),
    )
    response = quiet_client.get("/", HTTP_ACCEPT="application/json")
    assert response.status_code == 503
    assert response.json()["error"]["code"] == "storage_full"


@pytest.mark.django_db
def test_an_outage_raised_by_a_middleware_is_a_503_too(monkeypatch, quiet_client, reader):
    # Saving the session happens in middleware, after the view: Django would answer 500.
    quiet_client.force_login(reader)
    monkeypatch.setattr(
        "django.contrib.sessions.backends.db.SessionStore.load",
        failing(OperationalError("the database system is shutting down")),
    )
    response = quiet_client.get("/")
    assert response.status_code == 503
    assert "Kurz nicht erreichbar" in response.content.decode()


@pytest.mark.django_db
def test_redis_away_is_a_503_where_it_is_not_caught(monkeypatch, quiet_client):
    monkeypatch.setattr(
        "debatte.discussions.article_pages.list_front_page_articles",
        failing(RedisConnectionError("Error 111 connecting to 127.0.0.1:6379")),
    )
    assert quiet_client.get("/").status_code == 503


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def test_the_cache_falls_back_to_process_memory_while_redis_is_away():
    cache = ResilientRedisCache(
        f"redis://127.0.0.1:{closed_port()}/0",
        {"OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1}, "KEY_PREFIX": "t"},
    )
    assert cache.add("counter", 1, 60)
    assert cache.incr("counter") == 2
    cache.set("page", "rendered", 60)
    assert cache.get("page") == "rendered"
    assert cache.redis_down
