from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext as _
from django.views import View

from debatte.articles.models import Article
from debatte.articles.selectors import list_front_page_articles
from debatte.discussions.forms import CommentForm
from debatte.discussions.selectors import InvalidCursor, Sort, get_thread_page


class FrontPageView(View):
    def get(self, request: HttpRequest) -> HttpResponse:
        return render(request, "articles/front_page.html", {"articles": list_front_page_articles()})


class ArticleView(View):
    """The article and its discussion, one page of top-level comments at a time."""

    def get(self, request: HttpRequest, article_key: str) -> HttpResponse:
        article = get_object_or_404(
            Article.objects.select_related("site", "section"), key=article_key
        )
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
