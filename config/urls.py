from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("konto/", include("allauth.urls")),
    path("moderation/", include("debatte.moderation.urls")),
    path("api/v1/", include("debatte.api.urls")),
    path("live/", include("debatte.live.urls")),
    path("", include("debatte.embed.urls")),
    path("", include("debatte.moderation.views.dsa_public")),
    path("", include("debatte.accounts.urls")),
    path("", include("debatte.discussions.urls")),
    path("", include("debatte.articles.urls")),
]
