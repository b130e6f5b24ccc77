"""The REST API under /api/v1/: one NinjaAPI with its routers and error handlers."""

from ninja import NinjaAPI

from debatte.api import articles, discussions, moderation, readers
from debatte.api.docs import LocalSwagger
from debatte.api.errors import install_error_handlers

DESCRIPTION = """
Read discussions, write and moderate comments.

**Authentication**: a Django session (send the `X-CSRFToken` header with unsafe methods) or a
site's API token (`Authorization: Bearer dbt_...`, read-only, limited to its site).
**Errors**: `{"error": {"code": "...", "message": "..."}}` with a stable `code`.
**Pagination**: by cursor (`next_cursor`, `previous_cursor`); every list has a maximum `limit`.
"""

api = NinjaAPI(
    title="Debatte API",
    version="1",
    description=DESCRIPTION.strip(),
    urls_namespace="api-v1",
    docs=LocalSwagger(),
)
install_error_handlers(api)
api.add_router("", discussions.router)
api.add_router("", readers.router)
api.add_router("", moderation.router)
api.add_router("", articles.router)
