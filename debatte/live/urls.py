from django.urls import URLPattern, URLResolver, path

from debatte.live.views import live_events_view

urlpatterns: list[URLPattern | URLResolver] = [
    path("<str:article_key>/ereignisse/", live_events_view, name="live-events"),
]
