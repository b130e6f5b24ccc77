"""The read-replica router: which reads go to DATABASE_REPLICA_URL.

The first tests check the decisions without a replica; the last ones run when
DATABASE_REPLICA_URL is set (point it at the primary's database: settings mirror it in tests)
and show the article page and the comment list reading from it for anonymous readers only.
"""

import os

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import connections
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import resolve

from config import routers
from debatte.articles.models import Article


@pytest.fixture
def with_replica(monkeypatch):
    monkeypatch.setattr(routers, "replica_configured", lambda: True)


def request_for(path, method="get", user=None, **headers):
    request = getattr(RequestFactory(), method)(path, headers=headers)
    request.resolver_match = resolve(path)
    request.user = user or AnonymousUser()
    return request


def test_reads_go_to_the_replica_only_inside_a_marked_request(with_replica):
    router = routers.ReplicaRouter()
    assert router.db_for_read(Article) is None
    with routers.replica_reads():
        assert router.db_for_read(Article) == "replica"
        assert router.db_for_write(Article) == "default"
    assert router.db_for_read(Article) is None


@pytest.mark.skipif(bool(os.environ.get("DATABASE_REPLICA_URL")), reason="a replica is set")
def test_without_a_replica_every_read_uses_the_primary():
    with routers.replica_reads():
        assert routers.ReplicaRouter().db_for_read(Article) is None
    assert not routers.reads_from_replica(request_for("/artikel/x/"))


def test_migrations_run_on_the_primary_only():
    router = routers.ReplicaRouter()
    assert router.allow_migrate("default", "discussions") is True
    assert router.allow_migrate("replica", "discussions") is False


@pytest.mark.django_db
def test_anonymous_gets_of_pages_and_lists_are_marked_and_nothing_else(with_replica, reader):
    assert routers.reads_from_replica(request_for("/artikel/x/"))
    assert routers.reads_from_replica(request_for("/api/v1/articles/x/comments"))
    # A signed-in reader reads their own writes; a token's request may be a moderator's.
    assert not routers.reads_from_replica(request_for("/artikel/x/", user=reader))
    assert not routers.reads_from_replica(
        request_for("/api/v1/articles/x/comments", authorization="Bearer t")
    )
    assert not routers.reads_from_replica(request_for("/api/v1/articles/x/comments", "post"))
    assert not routers.reads_from_replica(request_for("/api/v1/me"))
    assert not routers.reads_from_replica(request_for("/"))


replica_set = pytest.mark.skipif(
    not os.environ.get("DATABASE_REPLICA_URL"),
    reason="DATABASE_REPLICA_URL is not set (set it to the primary's URL to run these)",
)


def replica_queries(client, path):
    with (
        CaptureQueriesContext(connections["replica"]) as replica,
        CaptureQueriesContext(connections["default"]) as primary,
    ):
        response = client.get(path)
    assert response.status_code == 200
    return len(replica.captured_queries), len(primary.captured_queries), response


@replica_set
@pytest.mark.django_db(transaction=True, databases=["default", "replica"])
def test_anonymous_page_and_list_read_from_the_replica(client, article, make_comment):
    make_comment(article, body="Vom Replikat gelesen.")
    on_replica, on_primary, response = replica_queries(client, f"/artikel/{article.key}/")
    assert on_replica > 0
    assert on_primary == 0
    assert "Vom Replikat gelesen." in response.content.decode()
    on_replica, on_primary, response = replica_queries(
        client, f"/api/v1/articles/{article.key}/comments"
    )
    assert on_replica > 0
    assert on_primary == 0


@replica_set
@pytest.mark.django_db(transaction=True, databases=["default", "replica"])
def test_signed_in_reader_reads_from_the_primary(client, article, reader, make_comment):
    make_comment(article, body="Eigener Beitrag.")
    client.force_login(reader)
    on_replica, on_primary, response = replica_queries(client, f"/artikel/{article.key}/")
    assert on_replica == 0
    assert on_primary > 0
    assert "Eigener Beitrag." in response.content.decode()
