from django.http import HttpRequest
from django.utils import timezone


def now(request: HttpRequest) -> dict[str, object]:
    """One `now` per request, so every relative time on a page is measured from the same moment."""
    return {"now": timezone.now()}
