"""The reader's pages of an article: the front page and the article with its discussion.

They sit in discussions (not articles, a floor below) because the article page renders the
discussion: its page of comments (selectors.get_thread_page) and the comment form.
"""

from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext as _
from django.views import View

from debatte.articles.models import Article
from debatte.articles.selectors import list_front_page_articles
from debatte.core import caching
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
