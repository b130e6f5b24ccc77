"""The embed: the loader script, the iframe pages, comment counts and SSO sign-in.

Every view here names its site; pages may be framed only by the site's allowed origins
(`frame-ancestors`), and fetches from other origins are refused.
"""

from functools import lru_cache
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login, logout
from django.http import (
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseRedirect,
    JsonResponse,
)
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import translation
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.views import View
from django.views.decorators.csrf import ensure_csrf_cookie

from debatte.accounts.models import User
from debatte.articles.keys import comment_counts
from debatte.articles.models import Article, Site
from debatte.core.clientip import client_ip
from debatte.core.exceptions import ActionError
from debatte.discussions import services
from debatte.discussions.forms import CommentForm
from debatte.discussions.models import Comment, CommentStatus
from debatte.discussions.selectors import (
    Access,
    InvalidCursor,
    Sort,
    get_comment_for,
    get_page_cursor_for,
    get_thread_page,
)
from debatte.embed import framing, origins
from debatte.embed.articles import (
    external_key,
    find_embedded_article,
    get_or_create_embedded_article,
)
from debatte.embed.sso import SsoError, sign_in_with_token

SCRIPT = Path(__file__).resolve().parent.parent / "static" / "debatte" / "embed.js"
MAX_COUNT_KEYS = 100


def embed_language(request: HttpRequest, site: Site) -> str:
    """The host page's language when Debatte speaks it, else the site's."""
    codes = {code for code, _name in settings.LANGUAGES}
    asked = request.GET.get("lang", "")[:2].lower()
    return asked if asked in codes else site.language


def host_origin(request: HttpRequest, site: Site) -> str:
    """The embedding page's origin (`host`), if it is one of the site's: postMessage's target."""
    host = origins.origin_of(request.GET.get("host", ""))
    return host if host and origins.is_allowed(site, host) else ""


def embed_page_url(
    article: Article, *, lang: str = "", host: str = "", comment: Comment | None = None
) -> str:
    """The iframe page of `article`, showing `comment` when given."""
    url = reverse(
        "embed-discussion",
        kwargs={"site_slug": article.site.slug, "external_key": external_key(article)},
    )
    params = {"lang": lang, "host": host}
    if comment is not None:
        params["after"] = get_page_cursor_for(comment) or ""
        params["thread"] = str(comment.number) if comment.is_reply else ""
    query = urlencode({name: value for name, value in params.items() if value})
    anchor = f"#{comment.anchor}" if comment is not None else ""
    return f"{url}?{query}{anchor}" if query else f"{url}{anchor}"


def refused(request: HttpRequest, site: Site | None, message: str, status: int) -> HttpResponse:
    response = render(request, "embed/refused.html", {"message": message}, status=status)
    return origins.allow_framing_by(response, site)


@lru_cache(maxsize=1)
def _script_text() -> str:
    return SCRIPT.read_text(encoding="utf-8")


class EmbedScriptView(View):
    """`/embed.js`: the loader publishers include, at a URL that never changes."""

    def get(self, request: HttpRequest) -> HttpResponse:
        text = _script_text() if not settings.DEBUG else SCRIPT.read_text(encoding="utf-8")
        response = HttpResponse(text, content_type="text/javascript; charset=utf-8")
        response["Cache-Control"] = "public, max-age=300"
        response["Access-Control-Allow-Origin"] = "*"
        return response


class CommentCountsView(View):
    """`?site=zeit&key=a&key=b&lang=de`: the comment counts of many articles in one request."""

    def get(self, request: HttpRequest) -> HttpResponse:
        site = Site.objects.filter(slug=request.GET.get("site", "")).first()
        if site is None:
            message = _("Unknown site.")
            return JsonResponse({"error": "unknown_site", "message": message}, status=404)
        origin = origins.request_origin(request)
        if not origins.is_allowed(site, origin):
            message = _("This page may not show this site's discussions.")
            return JsonResponse({"error": "origin_not_allowed", "message": message}, status=403)
        keys = list(dict.fromkeys(self.requested_keys(request)))[:MAX_COUNT_KEYS]
        found = comment_counts(site, keys)
        with translation.override(embed_language(request, site)):
            counts = {key: self.entry(found.get(key, 0)) for key in keys}
        response = JsonResponse({"counts": counts})
        response["Cache-Control"] = "public, max-age=30"
        return origins.cors_headers(response, origin or "")

    @staticmethod
    def requested_keys(request: HttpRequest) -> list[str]:
        keys = request.GET.getlist("key")
        for joined in request.GET.getlist("keys"):
            keys.extend(joined.split(","))
        return [key.strip() for key in keys if key.strip()]

    @staticmethod
    def entry(count: int) -> dict[str, Any]:
        meta = Comment._meta
        noun = meta.verbose_name if count == 1 else meta.verbose_name_plural
        return {"count": count, "label": f"{count} {noun}"}


class EmbedSiteMixin:
    site: Site

    def load_site(self, site_slug: str) -> Site:
        self.site = get_object_or_404(Site, slug=site_slug)
        return self.site


@method_decorator(ensure_csrf_cookie, name="dispatch")
class EmbedDiscussionView(EmbedSiteMixin, View):
    """The iframe page: one article's discussion, created on its first embed."""

    template_name = "embed/discussion.html"

    def get(self, request: HttpRequest, site_slug: str, external_key: str) -> HttpResponse:
        site = self.load_site(site_slug)
        origin = origins.request_origin(request)
        from_host = origins.is_allowed(site, origin)
        if origin is not None and not from_host and origin != origins.own_origin(request):
            return refused(request, site, _("This page may not show this discussion."), 403)
        try:
            article = self.find_article(request, external_key, from_site=from_host)
        except ActionError as error:
            return refused(request, site, error.message, 400)
        if article is None:
            return refused(request, site, _("There is no discussion for this article."), 404)
        return self.render_page(request, article, CommentForm())

    def find_article(self, request: HttpRequest, key: str, *, from_site: bool) -> Article | None:
        """The article; a first embed creates it only with the site's signed article token
        (`article`), or unlisted from an allowed origin where the site allows that."""
        token = request.GET.get("article", "")
        if not token and not from_site:
            return find_embedded_article(self.site, key, url=request.GET.get("url", ""))
        return get_or_create_embedded_article(
            self.site,
            key,
            title=request.GET.get("title", ""),
            url=request.GET.get("url", ""),
            token=token,
            from_site=from_site,
        )

    def render_page(
        self, request: HttpRequest, article: Article, form: CommentForm, status: int = 200
    ) -> HttpResponse:
        language = embed_language(request, self.site)
        with translation.override(language):
            context = self.context(request, article, form, language)
            response = render(request, self.template_name, context, status=status)
        return origins.allow_framing_by(response, self.site)

    def context(
        self, request: HttpRequest, article: Article, form: CommentForm, language: str
    ) -> dict[str, Any]:
        user: Any = request.user
        host = host_origin(request, self.site)
        context: dict[str, Any] = {
            "site": self.site,
            "article": article,
            "form": form,
            "language": language,
            "host": host,
            "target": "",
            "may_comment": not user.is_authenticated or user.may_comment,
            "sso_user": user.is_authenticated and user.sso_site_id == self.site.pk,
            "frame_ticket": framing.frame_ticket(request, self.site.slug),
            "page_url": embed_page_url(article),
            "create_url": reverse(
                "embed-comment-create",
                kwargs={"site_slug": self.site.slug, "external_key": external_key(article)},
            ),
        }
        if article.has_discussion:
            context.update(self.thread_context(request, article))
        return context

    def thread_context(self, request: HttpRequest, article: Article) -> dict[str, Any]:
        params = request.GET
        after, thread, target = params.get("after") or None, params.get("thread", ""), ""
        user: Any = request.user
        label = params.get("comment")
        comment = get_comment_for(article, label, viewer=user) if label else None
        if comment is not None:
            after, target = get_page_cursor_for(comment), comment.anchor
            thread = str(comment.number) if comment.is_reply else ""
        try:
            sort = Sort(params.get("sort", Sort.OLDEST)) if comment is None else Sort.OLDEST
        except ValueError:
            sort = Sort.OLDEST
        try:
            page = get_thread_page(
                article,
                viewer=request.user,  # type: ignore[arg-type]
                sort=sort,
                editor_picks_only=comment is None and params.get("filter") == "editors",
                after=after,
                before=None if comment is not None else params.get("before") or None,
                expand_thread=int(thread) if thread.isdigit() else None,
            )
        except InvalidCursor:
            raise Http404(_("This page of the discussion does not exist.")) from None
        return {"page": page, "sorts": Sort, "target": target}


class EmbedCommentCreateView(EmbedDiscussionView):
    """Comments and replies written in the iframe; the reader stays in the iframe."""

    http_method_names = ["post"]

    def post(self, request: HttpRequest, site_slug: str, external_key: str) -> HttpResponse:
        site = self.load_site(site_slug)
        article = find_embedded_article(site, external_key)
        if article is None:
            raise Http404(_("There is no discussion for this article."))
        user: Any = request.user
        form = CommentForm(request.POST)
        if not user.is_authenticated:
            messages.error(request, _("Please log in to join the discussion."))
            return self.back(request, article)
        if not user.may_comment:
            form.add_error(None, _("Your access does not include writing comments."))
            return self.render_page(request, article, form, status=403)
        if not form.is_valid():
            return self.render_page(request, article, form, status=400)
        try:
            comment = self.post_comment(request, article, user, form)
        except ActionError as error:
            form.add_error("body", error.message)
            return self.render_page(request, article, form, status=400)
        self.confirm(request, comment)
        return self.back(request, article, comment)

    def post_comment(
        self, request: HttpRequest, article: Article, user: User, form: CommentForm
    ) -> Comment:
        label = request.POST.get("reply_to", "")
        parent = get_comment_for(article, label, viewer=user, access=Access.RESPOND)
        if label and parent is None:
            raise ActionError(_("This comment cannot be answered."), code="parent_unavailable")
        return services.post_comment(
            article,
            author=user,
            body=form.cleaned_data["body"],
            parent=parent,
            ip_address=client_ip(request),
        )

    @staticmethod
    def confirm(request: HttpRequest, comment: Comment) -> None:
        if comment.status == CommentStatus.PENDING:
            messages.info(
                request,
                _(
                    "Awaiting approval: only you can see this comment until a moderator has "
                    "checked it."
                ),
            )
        else:
            messages.success(
                request, _("Your comment %(label)s is published.") % {"label": comment.label}
            )

    def back(
        self, request: HttpRequest, article: Article, comment: Comment | None = None
    ) -> HttpResponse:
        url = embed_page_url(
            article,
            lang=embed_language(request, self.site),
            host=host_origin(request, self.site),
            comment=comment,
        )
        return origins.allow_framing_by(HttpResponseRedirect(url), self.site)


class SsoSignInView(EmbedSiteMixin, View):
    """POST `token` and `frame`: the publisher's signed token signs its reader in inside the
    iframe. Only from an iframe page (framing.py), and never over a Debatte account's session:
    either would let a link log someone into the account of whoever signed the token."""

    def post(self, request: HttpRequest, site_slug: str) -> HttpResponse:
        site = self.load_site(site_slug)
        before: Any = request.user
        if not framing.is_framed_request(request, site.slug):
            message = _("Signing in with the publisher's account works only on its pages.")
            return JsonResponse({"error": "sso_not_framed", "message": message}, status=403)
        state_before = self.state(before)
        try:
            user = sign_in_with_token(site, request.POST.get("token", ""), replacing=before)
        except SsoError as error:
            status = 409 if error.code == "sso_session_exists" else 403
            return JsonResponse({"error": error.code, "message": error.message}, status=status)
        if not user.is_active:
            message = _("Your account cannot sign in.")
            return JsonResponse({"error": "inactive", "message": message}, status=403)
        login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        return JsonResponse(
            {
                "ok": True,
                "display_name": user.display_name,
                "changed": self.state(user) != state_before,
            }
        )

    @staticmethod
    def state(user: Any) -> tuple[object, ...]:
        if not user.is_authenticated:
            return ()
        badges = tuple(sorted(user.badges.values_list("pk", flat=True)))
        return (user.pk, user.display_name, user.may_comment, badges)


class SsoSignOutView(EmbedSiteMixin, View):
    """The reader left the publisher's site (no token any more), or pressed "Log out"."""

    def post(self, request: HttpRequest, site_slug: str) -> HttpResponse:
        self.load_site(site_slug)
        if request.user.is_authenticated:
            logout(request)
        next_url = request.POST.get("next", "")
        if next_url.startswith("/embed/") and "//" not in next_url:
            return HttpResponseRedirect(next_url)
        return JsonResponse({"ok": True})


class LoginDoneView(View):
    """The end of a login in the popup: tell the iframe, close the popup."""

    def get(self, request: HttpRequest) -> HttpResponse:
        return render(request, "embed/login_done.html")
