import copy
from typing import Any

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views import View

from debatte.accounts.mfa import lacks_second_factor, second_factor_message
from debatte.accounts.models import User
from debatte.articles.forms import ArticleForm, NewArticleForm
from debatte.articles.models import Article, Site
from debatte.articles.roles import edits_site, sites_edited_by
from debatte.articles.selectors import (
    get_article_by_key,
    list_editable_articles,
    list_front_page_articles,
    list_sites,
)
from debatte.articles.services import ArticleData, accept_article, create_article, update_article
from debatte.core import caching
from debatte.core.exceptions import ActionError
from debatte.discussions.forms import CommentForm
from debatte.discussions.selectors import InvalidCursor, Sort, get_thread_page

# The query parameters the article page reads; a page with others is not stored (its links
# repeat the whole address, so each would be a variant of its own).
PAGE_PARAMETERS = frozenset({"sort", "filter", "after", "before", "thread"})


class FrontPageView(View):
    """The newest articles; `?thema=...`: those of one topic."""

    def get(self, request: HttpRequest) -> HttpResponse:
        topic = " ".join(request.GET.get("thema", "").split())[:100]
        articles = list_front_page_articles(topic=topic)
        return render(request, "articles/front_page.html", {"articles": articles, "topic": topic})


class ArticleView(View):
    """The article and its discussion, one page of top-level comments at a time.

    The response is named by the discussion's version and what else it shows (see
    `core.caching`): a matching `If-None-Match` gets 304 without rendering, and anonymous
    readers get the rendered page from the cache until the next change bumps the version.
    """

    def get(self, request: HttpRequest, article_key: str) -> HttpResponseBase:
        article = get_object_or_404(
            Article.objects.select_related("site", "section"), key=article_key
        )
        key = caching.variant_key(request, *self.depends_on(request, article))
        response = caching.not_modified(request, key)
        if response is None:
            response = caching.cached_response(
                request,
                key,
                lambda: self.render_page(request, article),
                store=caching.is_anonymous(request) and set(request.GET) <= PAGE_PARAMETERS,
            )
        return caching.add_reader_headers(request, response, key)

    def depends_on(self, request: HttpRequest, article: Article) -> tuple[object, ...]:
        """Everything the page shows besides its reader and language."""
        return (
            "article-page",
            article.pk,
            article.version,
            article.updated_at.timestamp(),
            article.section.name if article.section else "",
            article.is_open_for_comments,
            caching.time_period(),  # relative ages ("vor 6 Minuten") move on
            request.get_full_path(),  # the links back here (log in, language) repeat it
        )

    def render_page(self, request: HttpRequest, article: Article) -> HttpResponse:
        context: dict[str, object] = {"article": article}
        if article.has_discussion:
            context.update(self.discussion_context(request, article))
        return render(request, "articles/article.html", context)

    def discussion_context(self, request: HttpRequest, article: Article) -> dict[str, object]:
        params = request.GET
        try:
            sort = Sort(params.get("sort", Sort.OLDEST))
        except ValueError:
            sort = Sort.OLDEST
        thread = params.get("thread", "")
        try:
            page = get_thread_page(
                article,
                viewer=request.user,  # type: ignore[arg-type]
                sort=sort,
                editor_picks_only=params.get("filter") == "editors",
                after=params.get("after") or None,
                before=params.get("before") or None,
                expand_thread=int(thread) if thread.isdigit() else None,
            )
        except InvalidCursor:
            raise Http404(_("This page of the discussion does not exist.")) from None
        return {"page": page, "form": CommentForm(), "sorts": Sort}


# --- The editors' pages: /redaktion/artikel/ ------------------------------------------------

EDITOR_PAGE_SIZE = 50


class EditorRequiredMixin(LoginRequiredMixin):
    """Signed-in editors and admins of at least one site (superusers of all); others get 403.

    Sets `self.site_ids` (None: every site) and `self.sites` for the view to scope by; an
    editor whose site requires a second factor and who has none is sent to set one up."""

    request: HttpRequest
    site_ids: list[int] | None
    sites: list[Site]

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        self.site_ids = sites_edited_by(request.user)
        self.sites = list(list_sites(self.site_ids))
        if not self.sites:
            raise PermissionDenied(_("You are not an editor of any site."))
        if lacks_second_factor(request.user, self.sites):
            messages.warning(request, second_factor_message())
            return redirect("mfa_activate_totp")
        return super().dispatch(request, *args, **kwargs)  # type: ignore[no-any-return]

    @property
    def editor(self) -> User:
        return self.request.user  # type: ignore[return-value]

    def editable_article(self, article_key: str) -> Article:
        """The article, if this editor works on its site (else 404, as for no article)."""
        article = get_article_by_key(article_key)
        if article is None or not edits_site(self.editor, article.site_id):
            raise Http404(_("There is no article with this key that you may edit."))
        return article


class EditorArticleListView(EditorRequiredMixin, View):
    """The articles of the editor's sites, newest first; unlisted ones wait to be accepted."""

    def get(self, request: HttpRequest) -> HttpResponse:
        site = self.chosen_site(request.GET.get("site", ""))
        articles = list_editable_articles(self.site_ids, site=site)
        page = Paginator(articles, EDITOR_PAGE_SIZE).get_page(request.GET.get("page"))
        waiting = list(articles.filter(listed=False)[:EDITOR_PAGE_SIZE])
        return render(
            request,
            "articles/editor_list.html",
            {"page": page, "waiting": waiting, "sites": self.sites, "site": site},
        )

    def chosen_site(self, value: str) -> Site | None:
        return next((site for site in self.sites if str(site.pk) == value), None)


class EditorArticleFormView(EditorRequiredMixin, View):
    """Write or change an article; "Preview" shows it as readers will see it, unsaved."""

    article: Article | None = None

    def get(self, request: HttpRequest, article_key: str = "") -> HttpResponse:
        return self.respond(self.form(article_key, None))

    def post(self, request: HttpRequest, article_key: str = "") -> HttpResponse:
        form = self.form(article_key, request.POST)
        if not form.is_valid():
            return self.respond(form, status=400)
        if "preview" in request.POST:
            return self.respond(form, preview=form.instance)
        data = ArticleData.from_cleaned(form.cleaned_data)
        try:
            if self.article is None:
                article = create_article(form.site, editor=self.editor, data=data)
                messages.success(request, _("The article is published."))
            else:
                article = update_article(self.article, editor=self.editor, data=data)
                messages.success(request, _("The article is saved."))
        except ActionError as error:
            form.add_error(None, error.message)
            return self.respond(form, status=400)
        return redirect("editor-article-edit", article_key=article.key)

    def form(self, article_key: str, data: Any) -> ArticleForm:
        if not article_key:
            return NewArticleForm(data, sites=list_sites(self.site_ids))
        self.article = self.editable_article(article_key)
        # The form works on a copy: a preview must not change the article shown beside it.
        return ArticleForm(data, instance=copy.copy(self.article), site=self.article.site)

    def respond(self, form: ArticleForm, *, preview: Any = None, status: int = 200) -> HttpResponse:
        context = {"form": form, "article": self.article, "preview": preview}
        return render(
            request=self.request,
            template_name="articles/editor_form.html",
            context=context,
            status=status,
        )


class EditorArticleAcceptView(EditorRequiredMixin, View):
    """POST: show an article an unsigned embed created on the front page."""

    def post(self, request: HttpRequest, article_key: str) -> HttpResponse:
        article = self.editable_article(article_key)
        if accept_article(article, editor=self.editor):
            messages.success(request, _("“%(title)s” is accepted.") % {"title": article.title})
        return redirect("editor-articles")
