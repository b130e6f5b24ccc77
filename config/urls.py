from django.contrib import admin
from django.urls import include, path

from debatte.accounts.admin_login import secure_admin_site
from debatte.accounts.views import set_language_view

# The admin signs in through allauth (rate limits, second factor) and may require a second factor.
secure_admin_site(admin.site)

urlpatterns = [
    path("", include("debatte.ops.urls")),
    path("admin/", admin.site.urls),
    path("i18n/setlang/", set_language_view, name="set_language"),
    path("konto/", include("allauth.urls")),
    path("moderation/", include("debatte.moderation.urls")),
    path("verwaltung/", include("debatte.siteadmin.urls")),
    path("api/v1/", include("debatte.api.urls")),
    path("live/", include("debatte.live.urls")),
    path("", include("debatte.embed.urls")),
    path("", include("debatte.moderation.views.dsa_public")),
    path("", include("debatte.accounts.urls")),
    path("", include("debatte.notifications.urls")),
    path("", include("debatte.discussions.urls")),
    path("redaktion/artikel/", include("debatte.siteadmin.editor_urls")),
]
