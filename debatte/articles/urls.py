from django.urls import path

from debatte.articles import views

urlpatterns = [
    path("", views.FrontPageView.as_view(), name="front-page"),
    path("artikel/<str:article_key>/", views.ArticleView.as_view(), name="article"),
    # The editors' pages.
    path("redaktion/artikel/", views.EditorArticleListView.as_view(), name="editor-articles"),
    path(
        "redaktion/artikel/neu/", views.EditorArticleFormView.as_view(), name="editor-article-new"
    ),
    path(
        "redaktion/artikel/<str:article_key>/bearbeiten/",
        views.EditorArticleFormView.as_view(),
        name="editor-article-edit",
    ),
    path(
        "redaktion/artikel/<str:article_key>/annehmen/",
        views.EditorArticleAcceptView.as_view(),
        name="editor-article-accept",
    ),
]
