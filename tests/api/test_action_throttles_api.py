"""Throttled recommendations, reports and edits answer 429 with Retry-After."""

import pytest

pytestmark = pytest.mark.django_db

THREAD = "/articles/nato-dialog/comments"


def limit(settings, action: str, **values: int) -> None:
    throttles = {**settings.DEBATTE.get("ACTION_THROTTLES", {}), action: values}
    settings.DEBATTE = {**settings.DEBATTE, "ACTION_THROTTLES": throttles}


def assert_throttled(response) -> None:
    assert response.status_code == 429, response.content
    assert response.json()["error"]["code"] == "throttled"
    assert response.json()["error"]["message"]
    assert 0 < int(response["Retry-After"]) <= 3600


def test_recommendations_are_throttled(settings, other_reader_api, article, make_comment):
    limit(settings, "recommend", per_reader=1, seconds=3600)
    make_comment(article)
    make_comment(article)
    assert other_reader_api.post(THREAD + "/1/recommendation").status_code == 200

    assert_throttled(other_reader_api.post(THREAD + "/2/recommendation"))


def test_reports_are_throttled(settings, other_reader_api, article, make_comment):
    limit(settings, "report", per_reader=1, seconds=3600)
    make_comment(article)
    make_comment(article)
    assert other_reader_api.post(THREAD + "/1/reports", {"reason": "spam"}).status_code == 201

    assert_throttled(other_reader_api.post(THREAD + "/2/reports", {"reason": "spam"}))


def test_edits_are_throttled(settings, reader_api, article, make_comment):
    limit(settings, "edit", per_reader=1, seconds=3600)
    make_comment(article)
    assert reader_api.patch(THREAD + "/1", {"body": "Erste Fassung."}).status_code == 200

    assert_throttled(reader_api.patch(THREAD + "/1", {"body": "Zweite Fassung."}))
