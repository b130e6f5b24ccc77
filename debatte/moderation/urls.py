"""Moderators' pages under /moderation/; the public DSA pages are wired in config/urls.py."""

from django.urls import include, path

urlpatterns = [
    path("", include("debatte.moderation.views.queues")),
    path("", include("debatte.moderation.views.queue_actions")),
    path("", include("debatte.moderation.views.dsa")),
    path("", include("debatte.moderation.views.transparency")),
    path("", include("debatte.moderation.views.dashboard")),
    path("", include("debatte.moderation.views.users")),
    path("", include("debatte.moderation.views.wordlists")),
    path("", include("debatte.moderation.views.reasons")),
    path("", include("debatte.moderation.views.picks")),
]
