from django.urls import path

from debatte.articles import views

urlpatterns = [
    path("", views.FrontPageView.as_view(), name="front-page"),
    path("artikel/<str:article_key>/", views.ArticleView.as_view(), name="article"),
]
