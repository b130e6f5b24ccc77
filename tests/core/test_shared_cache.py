"""A response that sets a cookie is never offered to shared caches (nginx, a CDN)."""

from django.http import HttpResponse
from django.test import RequestFactory

from debatte.core.caching import SharedCacheMiddleware


def respond(cache_control: str, cookie: bool) -> HttpResponse:
    def view(_request):
        response = HttpResponse("page")
        response["Cache-Control"] = cache_control
        if cookie:
            response.set_cookie("csrftoken", "a-token")
        return response

    result = SharedCacheMiddleware(view)(RequestFactory().get("/artikel/x/"))
    assert isinstance(result, HttpResponse)
    return result


def test_a_shared_response_that_sets_a_cookie_becomes_private() -> None:
    response = respond("public, max-age=0, must-revalidate, s-maxage=2", cookie=True)
    assert set(response["Cache-Control"].split(", ")) == {
        "private",
        "max-age=0",
        "must-revalidate",
    }


def test_a_shared_response_without_cookies_stays_shared() -> None:
    response = respond("public, max-age=0, must-revalidate, s-maxage=2", cookie=False)
    assert response["Cache-Control"] == "public, max-age=0, must-revalidate, s-maxage=2"


def test_a_private_response_with_a_cookie_is_left_alone() -> None:
    assert respond("private, no-cache", cookie=True)["Cache-Control"] == "private, no-cache"
