"""Thin views: parse the request, call one service or selector, render or redirect."""

from typing import Any

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views import View

from debatte.accounts.models import User
from debatte.articles.models import Article
from debatte.core.clientip import client_ip
from debatte.core.exceptions import ActionError
from debatte.core.throttle import Throttled
from debatte.discussions import services
from debatte.discussions.forms import CommentForm, ReportForm
from debatte.discussions.models import Comment, CommentStatus
from debatte.discussions.selectors import (
    Access,
    get_comment_for,
    get_page_cursor_for,
    list_published_comments_by,
)
from debatte.discussions.services.held import posted_message


def wants_json(request: HttpRequest) -> bool:
    return "application/json" in request.headers.get("Accept", "")


def viewer_of(request: HttpRequest) -> User | None:
    user: Any = request.user
    return user if user.is_authenticated else None


def refusal_status(error: ActionError) -> int:
    return 429 if isinstance(error, Throttled) else 400


def with_retry_after(response: HttpResponse, error: ActionError) -> HttpResponse:
    if isinstance(error, Throttled):
        response["Retry-After"] = str(error.retry_after)
    return response


def permalink_url(comment: Comment) -> str:
    """The URL of the page that shows `comment`, with its anchor."""
    params: dict[str, str] = {}
    cursor = get_page_cursor_for(comment)
    if cursor:
        params["after"] = cursor
    if comment.is_reply:
        params["thread"] = str(comment.number)
    url = reverse("article", kwargs={"article_key": comment.article.key})
    if params:
        url += "?" + urlencode(params)
    return f"{url}#{comment.anchor}"


class CommentMixin:
    """Finds the article and, where the URL names one, the comment the reader may use for
    `access` (anything else is not found, so a held comment's existence is not told)."""

    request: HttpRequest
    article: Article
    comment: Comment

    def load(
        self, article_key: str, comment_label: str | None = None, access: Access = Access.READ
    ) -> None:
        self.article = get_object_or_404(
            Article.objects.select_related("site", "section"), key=article_key
        )
        if comment_label is not None:
            viewer = viewer_of(self.request)
            comment = get_comment_for(self.article, comment_label, viewer=viewer, access=access)
            if comment is None:
                raise Http404(_("There is no comment %(label)s.") % {"label": comment_label})
            self.comment = comment


class CommentPermalinkView(CommentMixin, View):
    def get(self, request: HttpRequest, article_key: str, comment_label: str) -> HttpResponse:
        self.load(article_key, comment_label)
        return HttpResponseRedirect(permalink_url(self.comment))


class CommentCreateView(LoginRequiredMixin, CommentMixin, View):
    """Write a top-level comment, or with `comment_label` a reply to that comment."""

    template_name = "discussions/compose.html"

    def get(
        self, request: HttpRequest, article_key: str, comment_label: str | None = None
    ) -> HttpResponse:
        self.load(article_key, comment_label, Access.RESPOND)
        return self.render_form(request, CommentForm())

    def post(
        self, request: HttpRequest, article_key: str, comment_label: str | None = None
    ) -> HttpResponse:
        self.load(article_key, comment_label, Access.RESPOND)
        form = CommentForm(request.POST)
        if not form.is_valid():
            return self.render_form(request, form, status=400)
        try:
            comment = services.post_comment(
                self.article,
                author=request.user,  # type: ignore[arg-type]
                body=form.cleaned_data["body"],
                parent=getattr(self, "comment", None),
                ip_address=client_ip(request),
            )
        except ActionError as error:
            form.add_error("body", error.message)
            return self.render_form(request, form, status=400)
        # A held comment is announced as waiting, never as published.
        level = messages.INFO if comment.status == CommentStatus.PENDING else messages.SUCCESS
        messages.add_message(request, level, posted_message(comment))
        return HttpResponseRedirect(permalink_url(comment))

    def render_form(
        self, request: HttpRequest, form: CommentForm, status: int = 200
    ) -> HttpResponse:
        context = {"article": self.article, "parent": getattr(self, "comment", None), "form": form}
        return render(request, self.template_name, context, status=status)


class CommentEditView(LoginRequiredMixin, CommentMixin, View):
    template_name = "discussions/edit.html"

    def get(self, request: HttpRequest, article_key: str, comment_label: str) -> HttpResponse:
        self.load(article_key, comment_label, Access.OWN)
        return self.render_form(request, CommentForm(initial={"body": self.comment.body}))

    def post(self, request: HttpRequest, article_key: str, comment_label: str) -> HttpResponse:
        self.load(article_key, comment_label, Access.OWN)
        form = CommentForm(request.POST)
        if not form.is_valid():
            return self.render_form(request, form, status=400)
        try:
            services.edit_comment(
                self.comment,
                editor=request.user,  # type: ignore[arg-type]
                body=form.cleaned_data["body"],
                ip_address=client_ip(request),
            )
        except ActionError as error:
            form.add_error("body", error.message)
            response = self.render_form(request, form, status=refusal_status(error))
            return with_retry_after(response, error)
        messages.success(request, _("Your comment is changed."))
        return HttpResponseRedirect(permalink_url(self.comment))

    def render_form(
        self, request: HttpRequest, form: CommentForm, status: int = 200
    ) -> HttpResponse:
        context = {"article": self.article, "comment": self.comment, "form": form}
        return render(request, self.template_name, context, status=status)


class CommentDeleteView(LoginRequiredMixin, CommentMixin, View):
    template_name = "discussions/delete.html"

    def get(self, request: HttpRequest, article_key: str, comment_label: str) -> HttpResponse:
        self.load(article_key, comment_label, Access.OWN)
        return render(
            request, self.template_name, {"article": self.article, "comment": self.comment}
        )

    def post(self, request: HttpRequest, article_key: str, comment_label: str) -> HttpResponse:
        self.load(article_key, comment_label, Access.OWN)
        try:
            services.delete_comment(self.comment, actor=request.user)  # type: ignore[arg-type]
        except ActionError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("Your comment is deleted."))
        return HttpResponseRedirect(permalink_url(self.comment))


class CommentRecommendView(LoginRequiredMixin, CommentMixin, View):
    """POST toggles: recommend, or with `withdraw=1` take the recommendation back."""

    def post(self, request: HttpRequest, article_key: str, comment_label: str) -> HttpResponse:
        withdraw = bool(request.POST.get("withdraw"))
        # A recommendation of a comment removed since may still be taken back.
        self.load(article_key, comment_label, Access.READ if withdraw else Access.RESPOND)
        user: Any = request.user
        address = client_ip(request)
        try:
            if withdraw:
                services.withdraw_recommendation(self.comment, user=user, ip_address=address)
                recommended = False
            else:
                services.recommend_comment(self.comment, user=user, ip_address=address)
                recommended = True
        except ActionError as error:
            if wants_json(request):
                body = {"error": error.code, "message": error.message}
                response = JsonResponse(body, status=refusal_status(error))
                return with_retry_after(response, error)
            messages.error(request, error.message)
            return HttpResponseRedirect(permalink_url(self.comment))
        if wants_json(request):
            return JsonResponse(
                {"recommended": recommended, "count": self.comment.recommendation_count}
            )
        return HttpResponseRedirect(permalink_url(self.comment))


class CommentReportView(LoginRequiredMixin, CommentMixin, View):
    template_name = "discussions/report.html"

    def get(self, request: HttpRequest, article_key: str, comment_label: str) -> HttpResponse:
        self.load(article_key, comment_label, Access.RESPOND)
        return self.render_form(request, ReportForm())

    def post(self, request: HttpRequest, article_key: str, comment_label: str) -> HttpResponse:
        self.load(article_key, comment_label, Access.RESPOND)
        form = ReportForm(request.POST)
        if not form.is_valid():
            return self.render_form(request, form, status=400)
        try:
            services.report_comment(
                self.comment,
                reporter=request.user,  # type: ignore[arg-type]
                reason=form.cleaned_data["reason"],
                explanation=form.cleaned_data["explanation"],
                ip_address=client_ip(request),
            )
        except ActionError as error:
            form.add_error(None, error.message)
            response = self.render_form(request, form, status=refusal_status(error))
            return with_retry_after(response, error)
        messages.success(request, _("Thank you. The moderators will look at this comment."))
        return HttpResponseRedirect(permalink_url(self.comment))

    def render_form(
        self, request: HttpRequest, form: ReportForm, status: int = 200
    ) -> HttpResponse:
        context = {"article": self.article, "comment": self.comment, "form": form}
        return render(request, self.template_name, context, status=status)


class ProfileView(View):
    """A reader's public page: name, badges and published comments."""

    def get(self, request: HttpRequest, user_id: int) -> HttpResponse:
        author = get_object_or_404(User.objects.prefetch_related("badges"), pk=user_id)
        page = request.GET.get("seite", "1")
        comments = list_published_comments_by(author, page=int(page) if page.isdigit() else 1)
        return render(request, "discussions/profile.html", {"author": author, "comments": comments})
