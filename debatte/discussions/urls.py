from django.urls import path

from debatte.discussions import views

comment = "artikel/<str:article_key>/kommentar/<str:comment_label>/"

urlpatterns = [
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
