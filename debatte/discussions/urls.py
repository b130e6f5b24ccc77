from django.urls import path

from debatte.discussions import article_pages, views

comment = "artikel/<str:article_key>/kommentar/<str:comment_label>/"

urlpatterns = [
    path("", article_pages.FrontPageView.as_view(), name="front-page"),
    path("artikel/<str:article_key>/", article_pages.ArticleView.as_view(), name="article"),
    path(
        "artikel/<str:article_key>/kommentieren/",
        views.CommentCreateView.as_view(),
        name="comment-create",
    ),
    path(comment, views.CommentPermalinkView.as_view(), name="comment-permalink"),
    path(comment + "antworten/", views.CommentCreateView.as_view(), name="comment-reply"),
    path(comment + "bearbeiten/", views.CommentEditView.as_view(), name="comment-edit"),
    path(comment + "loeschen/", views.CommentDeleteView.as_view(), name="comment-delete"),
    path(comment + "empfehlen/", views.CommentRecommendView.as_view(), name="comment-recommend"),
    path(comment + "melden/", views.CommentReportView.as_view(), name="comment-report"),
    path("leser/<int:user_id>/", views.ProfileView.as_view(), name="profile"),
]
