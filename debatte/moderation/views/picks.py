"""The editor's-pick button on the article page: a moderation decision like the queue's."""

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import URLPattern, path
from django.utils.translation import gettext as _
from django.views import View

from debatte.core.exceptions import ActionError
from debatte.discussions.views import CommentMixin, permalink_url
from debatte.moderation.services.decisions import feature_comment
from debatte.moderation.views.mixins import ModeratorRequiredMixin


class CommentEditorPickView(ModeratorRequiredMixin, CommentMixin, View):
    """POST picked=1|0: the role on the article's site is checked and the pick audited."""

    def post(self, request: HttpRequest, article_key: str, comment_label: str) -> HttpResponse:
        self.load(article_key, comment_label)
        picked = request.POST.get("picked", "1") == "1"
        try:
            feature_comment(self.comment, moderator=self.moderator, featured=picked)
        except ActionError as error:
            messages.error(request, error.message)
        else:
            if picked:
                messages.success(
                    request,
                    _("%(label)s is an editor's recommendation.") % {"label": self.comment.label},
                )
            else:
                messages.success(
                    request,
                    _("%(label)s is no longer an editor's recommendation.")
                    % {"label": self.comment.label},
                )
        return HttpResponseRedirect(permalink_url(self.comment))


urlpatterns: list[URLPattern] = [
    path(
        "artikel/<str:article_key>/kommentar/<str:comment_label>/redaktionsempfehlung/",
        CommentEditorPickView.as_view(),
        name="comment-editor-pick",
    ),
]
