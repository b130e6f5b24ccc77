from django.urls import path

from debatte.accounts import views

urlpatterns = [
    path("leser/<int:user_id>/", views.ProfileView.as_view(), name="profile"),
    path("konto/einstellungen/", views.ProfileSettingsView.as_view(), name="profile-settings"),
]
