"""`administers_a_site` for the header's "Site settings" link, asked only when a page's
template uses it (a callable: the template calls it), so pages that never ask cost no query."""

from functools import partial
from typing import Any

from django.http import HttpRequest

from debatte.siteadmin.access import administers_any_site


def site_settings(request: HttpRequest) -> dict[str, Any]:
    return {"administers_a_site": partial(administers_any_site, request)}
