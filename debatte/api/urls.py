from django.urls import URLPattern, URLResolver, path

from debatte.api.api import api
from debatte.api.docs import docs_asset

urlpatterns: list[URLPattern | URLResolver] = [
    path("docs/assets/<str:name>", docs_asset, name="api-docs-asset"),
    path("", api.urls),
]
