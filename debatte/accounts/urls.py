from django.urls import path

from debatte.accounts import views

urlpatterns = [
    path("leser/<int:user_id>/", views.ProfileView.as_view(), name="profile"),
    path("konto/einstellungen/", views.ProfileSettingsView.as_view(), name="profile-settings"),
    path("konto/meine-daten/", views.DataExportView.as_view(), name="account-data-export"),
    path("konto/loeschen/", views.AccountDeleteView.as_view(), name="account-delete"),
    path(
        "konto/benachrichtigungen/abbestellen/<str:token>/",
        views.UnsubscribeView.as_view(),
        name="notifications-unsubscribe",
    ),
]
