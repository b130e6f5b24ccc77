"""The editors' article pages, included at /redaktion/artikel/ (names without a namespace)."""

from django.urls import path

from debatte.siteadmin import editor_views as views

urlpatterns = [
    path("", views.EditorArticleListView.as_view(), name="editor-articles"),
    path("neu/", views.EditorArticleFormView.as_view(), name="editor-article-new"),
    path(
        "<str:article_key>/bearbeiten/",
        views.EditorArticleFormView.as_view(),
        name="editor-article-edit",
    ),
    path(
        "<str:article_key>/annehmen/",
        views.EditorArticleAcceptView.as_view(),
        name="editor-article-accept",
    ),
]
