from django.urls import URLPattern, URLResolver, path

from debatte.embed import views

site = "embed/<slug:site_slug>/"
article = site + "artikel/<str:external_key>/"

urlpatterns: list[URLPattern | URLResolver] = [
    path("embed.js", views.EmbedScriptView.as_view(), name="embed-script"),
    path("embed/counts/", views.CommentCountsView.as_view(), name="embed-counts"),
    path("embed/anmeldung-fertig/", views.LoginDoneView.as_view(), name="embed-login-done"),
    path(article, views.EmbedDiscussionView.as_view(), name="embed-discussion"),
    path(
        article + "kommentieren/",
        views.EmbedCommentCreateView.as_view(),
        name="embed-comment-create",
    ),
    path(site + "anmelden/", views.SsoSignInView.as_view(), name="embed-sso-sign-in"),
    path(site + "abmelden/", views.SsoSignOutView.as_view(), name="embed-sign-out"),
]
