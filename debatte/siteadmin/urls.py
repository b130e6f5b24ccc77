"""Site admins' pages under /verwaltung/<site-slug>/."""

from django.urls import URLPattern

app_name = "siteadmin"

urlpatterns: list[URLPattern] = []
