"""Public DSA pages at the site root: notices of illegal content and the reader's decisions."""

from typing import Any

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core import signing
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import URLPattern, path, reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views import View

from debatte.accounts.models import User
from debatte.articles.models import Article
from debatte.core.clientip import client_ip
from debatte.core.exceptions import ActionError, NotPermitted
from debatte.core.throttle import Throttled
from debatte.discussions.models import Comment, CommentStatus, Report
from debatte.discussions.selectors import get_comment_by_label
from debatte.moderation.dsa_forms import AppealForm, IllegalContentNoticeForm, NoticeAppealForm
from debatte.moderation.models import Notice, StatementOfReasons
from debatte.moderation.notice_tokens import notice_id_from_token
from debatte.moderation.services.dsa import (
    submit_appeal,
    submit_illegal_content_notice,
    submit_notice_appeal,
)

NOTICE_SIGNING_SALT = "debatte.dsa.notice"
NOTICE_CONFIRMATION_MAX_AGE = 60 * 60 * 24  # the confirmation link works for a day
STATEMENTS_PER_PAGE = 50


def _published_comment(article_key: str, comment_label: str) -> Comment:
    """The comment named in the URL; held, removed and deleted ones cannot be reported."""
    article = get_object_or_404(Article, key=article_key)
    comment = get_comment_by_label(article, comment_label)
    if comment is None or comment.status != CommentStatus.PUBLISHED:
        raise Http404(_("There is no comment %(label)s.") % {"label": comment_label})
    return comment


class IllegalContentNoticeView(View):
    """Notice and action (DSA Art. 16): anyone, also without an account, reports illegal content."""

    template_name = "dsa/notice.html"

    def get(self, request: HttpRequest, article_key: str, comment_label: str) -> HttpResponse:
        comment = _published_comment(article_key, comment_label)
        initial: dict[str, Any] = {}
        if request.user.is_authenticated:
            initial = {"name": request.user.display_name, "email": request.user.email}
        return self.render_form(request, comment, IllegalContentNoticeForm(initial=initial))

    def post(self, request: HttpRequest, article_key: str, comment_label: str) -> HttpResponse:
        comment = _published_comment(article_key, comment_label)
        form = IllegalContentNoticeForm(request.POST)
        if not form.is_valid():
            return self.render_form(request, comment, form, status=400)
        reporter: User | None = request.user if request.user.is_authenticated else None  # type: ignore[assignment]
        try:
            report = submit_illegal_content_notice(
                comment,
                explanation=form.cleaned_data["explanation"],
                category=form.cleaned_data["category"],
                reporter=reporter,
                name=form.cleaned_data["name"],
                email=form.cleaned_data["email"],
                client_address=client_ip(request),
            )
        except Throttled as error:
            form.add_error(None, error.message)
            response = self.render_form(request, comment, form, status=429)
            response["Retry-After"] = str(error.retry_after)
            return response
        except ActionError as error:
            form.add_error(None, error.message)
            return self.render_form(request, comment, form, status=400)
        token = signing.dumps(report.pk, salt=NOTICE_SIGNING_SALT)
        url = reverse(
            "dsa-notice-confirmation",
            kwargs={"article_key": article_key, "comment_label": comment.url_label},
        )
        return HttpResponseRedirect(f"{url}?{urlencode({'notice': token})}")

    def render_form(
        self,
        request: HttpRequest,
        comment: Comment,
        form: IllegalContentNoticeForm,
        status: int = 200,
    ) -> HttpResponse:
        context = {"article": comment.article, "comment": comment, "form": form}
        return render(request, self.template_name, context, status=status)


class IllegalContentNoticeConfirmationView(View):
    """The confirmation after a notice; the signed id in the URL shows which notice it was."""

    template_name = "dsa/notice_confirmation.html"

    def get(self, request: HttpRequest, article_key: str, comment_label: str) -> HttpResponse:
        try:
            report_id = signing.loads(
                request.GET.get("notice", ""),
                salt=NOTICE_SIGNING_SALT,
                max_age=NOTICE_CONFIRMATION_MAX_AGE,
            )
        except signing.BadSignature:
            raise Http404(_("There is no such notice.")) from None
        report = (
            Report.objects.select_related("comment", "comment__article")
            .filter(pk=report_id, comment__article__key=article_key)
            .first()
        )
        if report is None:
            raise Http404(_("There is no such notice."))
        context = {"report": report, "comment": report.comment, "article": report.comment.article}
        return render(request, self.template_name, context)


def _reader(request: HttpRequest) -> User:
    """The logged-in reader (the views that call this require a login)."""
    return request.user  # type: ignore[return-value]


class DecisionsView(LoginRequiredMixin, View):
    """The reader's statements of reasons (DSA Art. 17) with an appeal form each (Art. 20)."""

    template_name = "dsa/decisions.html"

    def get(self, request: HttpRequest) -> HttpResponse:
        return self.render_page(request)

    def post(self, request: HttpRequest) -> HttpResponse:
        form = AppealForm(request.POST)
        if not form.is_valid():
            return self.render_page(request, form, status=400)
        statement = (
            StatementOfReasons.objects.filter(
                pk=form.cleaned_data["statement"], user=_reader(request)
            )
            .select_related("comment")
            .first()
        )
        if statement is None:
            raise Http404(_("There is no such decision."))
        try:
            submit_appeal(
                statement,
                user=_reader(request),
                text=form.cleaned_data["text"],
            )
        except NotPermitted:
            raise Http404(_("There is no such decision.")) from None
        except ActionError as error:
            form.add_error("text", error.message)
            return self.render_page(request, form, status=400)
        messages.success(
            request, _("Your appeal is sent. A different moderator will look at the decision.")
        )
        return HttpResponseRedirect(f"{reverse('dsa-decisions')}#entscheidung-{statement.pk}")

    def render_page(
        self, request: HttpRequest, form: AppealForm | None = None, status: int = 200
    ) -> HttpResponse:
        before = request.GET.get("before", "")
        statements = (
            StatementOfReasons.objects.filter(user=_reader(request))
            .select_related("comment", "comment__article", "appeal", "site")
            .order_by("-pk")
        )
        if before.isdigit():
            statements = statements.filter(pk__lt=int(before))
        rows = list(statements[: STATEMENTS_PER_PAGE + 1])
        failed_id = form.data.get("statement") if form is not None else None
        items = []
        for statement in rows[:STATEMENTS_PER_PAGE]:
            appeal = getattr(statement, "appeal", None)
            item_form = None
            if appeal is None and statement.can_be_appealed():
                item_form = (
                    form
                    if form is not None and str(statement.pk) == failed_id
                    else AppealForm(initial={"statement": statement.pk})
                )
            items.append({"statement": statement, "appeal": appeal, "form": item_form})
        older_url = None
        if len(rows) > STATEMENTS_PER_PAGE:
            older_url = "?" + urlencode({"before": rows[STATEMENTS_PER_PAGE - 1].pk})
        context = {
            "items": items,
            "older_url": older_url,
            "newest_url": request.path if before else None,
            # An appeal that matches no listed decision still shows its errors.
            "form_errors": form.errors
            if form is not None and not any(item["form"] is form for item in items)
            else None,
        }
        return render(request, self.template_name, context, status=status)


class NoticeAppealView(View):
    """A notifier appeals the decision on their notice (DSA Art. 20) through the signed link
    of the decision mail; no account needed. The link is the notifier's key: a wrong or an
    expired one shows nothing."""

    template_name = "dsa/notice_appeal.html"

    def get(self, request: HttpRequest, token: str) -> HttpResponse:
        return self.render_page(request, self.notice(token), NoticeAppealForm())

    def post(self, request: HttpRequest, token: str) -> HttpResponse:
        notice = self.notice(token)
        form = NoticeAppealForm(request.POST)
        if not form.is_valid():
            return self.render_page(request, notice, form, status=400)
        try:
            submit_notice_appeal(notice, text=form.cleaned_data["text"])
        except ActionError as error:
            form.add_error("text", error.message)
            return self.render_page(request, notice, form, status=400)
        messages.success(
            request, _("Your appeal is sent. A different moderator will look at the decision.")
        )
        return HttpResponseRedirect(request.path)

    def notice(self, token: str) -> Notice:
        notice_id = notice_id_from_token(token)
        notice = (
            Notice.objects.select_related("report__comment__article", "appeal")
            .filter(pk=notice_id, decided_at__isnull=False)
            .exclude(decision="")
            .first()
            if notice_id is not None
            else None
        )
        if notice is None:
            raise Http404(_("There is no such notice, or the link has expired."))
        return notice

    def render_page(
        self, request: HttpRequest, notice: Notice, form: NoticeAppealForm, status: int = 200
    ) -> HttpResponse:
        comment = notice.report.comment
        context = {
            "notice": notice,
            "appeal": getattr(notice, "appeal", None),
            "comment": comment,
            "article": comment.article,
            "form": form if notice.can_be_appealed() else None,
        }
        response = render(request, self.template_name, context, status=status)
        response["Referrer-Policy"] = "no-referrer"  # the token is in the address
        return response


comment = "artikel/<str:article_key>/kommentar/<str:comment_label>/"

urlpatterns: list[URLPattern] = [
    path(comment + "rechtswidrig/", IllegalContentNoticeView.as_view(), name="dsa-notice"),
    path(
        comment + "rechtswidrig/bestaetigung/",
        IllegalContentNoticeConfirmationView.as_view(),
        name="dsa-notice-confirmation",
    ),
    path("konto/entscheidungen/", DecisionsView.as_view(), name="dsa-decisions"),
    path("hinweise/einspruch/<str:token>/", NoticeAppealView.as_view(), name="dsa-notice-appeal"),
]
