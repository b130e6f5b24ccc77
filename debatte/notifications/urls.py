from django.urls import path

from debatte.notifications import views

urlpatterns = [
    path(
        "konto/benachrichtigungen/abbestellen/<str:token>/",
        views.UnsubscribeView.as_view(),
        name="notifications-unsubscribe",
    ),
]
