from django.urls import path

from debatte.accounts import views

urlpatterns = [
    path("konto/einstellungen/", views.ProfileSettingsView.as_view(), name="profile-settings"),
    path("konto/meine-daten/", views.DataExportView.as_view(), name="account-data-export"),
    path("konto/loeschen/", views.AccountDeleteView.as_view(), name="account-delete"),
]
