"""The editors' article pages (/redaktion/artikel/): the list, writing, changing, accepting.

They sit here, on the top floor, because they ask for a second factor (accounts.mfa) above the
articles app whose forms and services they use.
"""

import copy
from typing import Any

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views import View

from debatte.accounts.mfa import lacks_second_factor, second_factor_message
from debatte.accounts.models import User
from debatte.articles.forms import ArticleForm, NewArticleForm
from debatte.articles.models import Article, Site
from debatte.articles.roles import edits_site, sites_edited_by
from debatte.articles.selectors import get_article_by_key, list_editable_articles, list_sites
from debatte.articles.services import ArticleData, accept_article, create_article, update_article
from debatte.core.exceptions import ActionError

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
