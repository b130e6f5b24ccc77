from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.utils import translation


class ReaderLanguageMiddleware:
    """A logged-in reader's chosen language wins over the browser's Accept-Language.

    An explicit choice in this browser (the language cookie set by the switcher) wins over both.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        from django.conf import settings

        user = getattr(request, "user", None)
        chosen = getattr(user, "language", "") if user and user.is_authenticated else ""
        if chosen and settings.LANGUAGE_COOKIE_NAME not in request.COOKIES:
            translation.activate(chosen)
            request.LANGUAGE_CODE = chosen
        return self.get_response(request)
