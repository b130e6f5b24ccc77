"""The moderators' queues: pending, reported, flagged and recently decided comments.

Server-rendered pages with one POST form per decision; moderation.js adds the keyboard
(J/K next/previous, A approve, R reject, F feature, B ban) on top of the same endpoints
(queue_actions.py). Every page costs a constant number of queries, however many items it shows.
"""

from dataclasses import dataclass, field
from typing import Any

from django.http import (
    Http404,
    HttpRequest,
    HttpResponse,
)
from django.shortcuts import get_object_or_404, render
from django.urls import URLPattern, path, reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View

from debatte.accounts.models import User
from debatte.articles.models import Article, Section
from debatte.discussions.models import Comment
from debatte.moderation.models import Reason, ReasonKind
from debatte.moderation.queue_forms import (
    FILTER_KEYS,
    QUEUE_TABS,
    REASON_LABELS,
    QueueFilterForm,
)
from debatte.moderation.queue_selectors import (
    BadCursor,
    Queue,
    QueueFilter,
    QueueItem,
    QueueOrder,
    QueuePage,
    count_queues,
    get_queue_items,
    get_queue_page,
)
from debatte.moderation.selectors import list_open_appeals
from debatte.moderation.services.claims import (
    is_claimed_by_other,
)
from debatte.moderation.views.mixins import ModeratorRequiredMixin

QUEUE_PAGE_SIZE = 50

TAB_LABELS = {
    Queue.PENDING: gettext_lazy("Pending"),
    Queue.REPORTED: gettext_lazy("Reported"),
    Queue.FLAGGED: gettext_lazy("Flagged"),
    Queue.DECIDED: gettext_lazy("Recently decided"),
}


@dataclass
class ItemView:
    """A queue item with what its forms need: the site's reasons and why the comment waits."""

    item: QueueItem
    reject_reasons: list[Reason] = field(default_factory=list)
    shorten_reasons: list[Reason] = field(default_factory=list)
    why: list[str] = field(default_factory=list)
    next_pk: int | None = None

    @property
    def comment(self) -> Comment:
        return self.item.comment

    @property
    def score_in_why(self) -> bool:
        """Whether a classifier flag already says the score and its words (no second line)."""
        return "toxicity" in self.comment.flag_codes.split()


def explain(item: QueueItem) -> list[str]:
    """Why the comment is in the queue, in words: the checks' flags and the readers' reports."""
    why: list[str] = []
    for flag in item.comment.flags or []:
        if not isinstance(flag, dict):
            continue
        code = str(flag.get("code", ""))
        label = str(REASON_LABELS.get(code, code))
        detail = str(flag.get("detail") or "")
        why.append(f"{label}: {detail}" if detail else label)
    reports: dict[str, int] = {}
    for reason in item.report_reasons:
        reports[reason] = reports.get(reason, 0) + 1
    for reason, count in reports.items():
        label = str(REASON_LABELS.get(reason, reason))
        why.append(_("Reported: %(reason)s (%(count)d×)") % {"reason": label, "count": count})
    return why


def with_reasons(items: list[QueueItem]) -> tuple[list[ItemView], list[Reason]]:
    """Attach each item's site reasons (one query for the whole page)."""
    site_ids = {item.comment.article.site_id for item in items}
    reasons = list(Reason.objects.filter(site_id__in=site_ids, is_active=True)) if items else []
    views = []
    for item in items:
        site_id = item.comment.article.site_id
        views.append(
            ItemView(
                item,
                reject_reasons=[
                    r for r in reasons if r.site_id == site_id and r.kind == ReasonKind.REJECT
                ],
                shorten_reasons=[
                    r for r in reasons if r.site_id == site_id and r.kind == ReasonKind.SHORTEN
                ],
                why=explain(item),
            )
        )
    for view, following in zip(views, views[1:], strict=False):
        view.next_pk = following.comment.pk
    return views, reasons


def safe_next(request: HttpRequest, fallback: str) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return fallback


class ModeratorMixin(ModeratorRequiredMixin):
    """A moderator's view of comments in their sites' queues."""

    def get_comment(self, pk: int) -> Comment:
        """The comment, if it belongs to one of the moderator's sites (else 404)."""
        rows = Comment.objects.select_related(
            "article", "article__site", "article__section", "parent", "author", "claimed_by"
        ).filter(article__site__in=[site.pk for site in self.sites])
        return get_object_or_404(rows, pk=pk)


def link(params: dict[str, str], **changes: str) -> str:
    """A query string of the queue page: `params` with `changes` (an empty value drops a key)."""
    merged = {**params, **changes}
    return "?" + urlencode({key: value for key, value in merged.items() if value})


class QueueView(ModeratorMixin, View):
    template_name = "moderation/queue.html"

    def get(self, request: HttpRequest) -> HttpResponse:
        form = QueueFilterForm(request.GET)
        queue, order, scope = form.queue_value(), form.order_value(), form.scope()
        site_ids = {site.pk for site in self.sites}
        if scope.site_id and scope.site_id not in site_ids:
            raise Http404(_("You do not moderate this site."))
        errors = form.error_messages()
        after, before = form.cursors()
        try:
            page = self.page(queue, scope, order, after=after, before=before)
        except BadCursor:
            errors.append(_("This page link is no longer valid; here is the first page."))
            page = self.page(queue, scope, order)
        views, reasons = with_reasons(page.items)
        counts = {
            **count_queues(self.moderator, scope),
            "appeals": list_open_appeals(self.moderator).count(),
        }
        params = {key: value for key in FILTER_KEYS if (value := request.GET.get(key, "").strip())}
        here = {"queue": queue.value, **params}
        return render(
            request,
            self.template_name,
            {
                "form": form,
                "errors": errors,
                "queue": queue.value,
                "order": order.value,
                "scope": scope,
                "tabs": tabs(queue, counts, params),
                "counts": counts,
                "items": views,
                "page": page,
                "next_url": link(here, after=page.next_cursor) if page.next_cursor else "",
                "previous_url": link(here, before=page.previous_cursor)
                if page.previous_cursor
                else "",
                "first_url": link(here) if after or before else "",
                "sites": self.sites,
                "sections": list(
                    Section.objects.filter(site_id__in=site_ids).order_by("site__name", "name")
                ),
                "scoped_article": Article.objects.filter(pk=scope.article_id, site_id__in=site_ids)
                .only("pk", "title")
                .first()
                if scope.article_id
                else None,
                "scoped_author": User.objects.filter(pk=scope.author_id)
                .only("pk", "display_name")
                .first()
                if scope.author_id
                else None,
                "bulk_reasons": bulk_reasons(reasons),
                "here": request.get_full_path(),
                "unscoped_article_url": link(here, article=""),
                "unscoped_author_url": link(here, author=""),
                "unscoped_topic_url": link(here, topic=""),
                "reset_url": link({"queue": queue.value}),
            },
        )

    def page(
        self, queue: Queue, scope: QueueFilter, order: QueueOrder, **cursors: str
    ) -> QueuePage:
        return get_queue_page(
            self.moderator,
            queue=queue,
            scope=scope,
            order=order,
            limit=QUEUE_PAGE_SIZE,
            **cursors,
        )


def tabs(current: Queue, counts: dict[str, int], params: dict[str, str]) -> list[dict[str, Any]]:
    """The queue tabs with their counts; each keeps the filters and starts at the first page."""
    return [
        {
            "queue": tab.value,
            "label": TAB_LABELS[tab],
            "count": counts.get(tab.value),
            "url": link(params, queue=tab.value),
            "current": tab == current,
        }
        for tab in QUEUE_TABS
    ]


def bulk_reasons(reasons: list[Reason]) -> list[tuple[str, str]]:
    """The rejection reasons of the page's sites by code (a bulk removal names one code)."""
    labels: dict[str, str] = {}
    for reason in reasons:
        if reason.kind == ReasonKind.REJECT:
            labels.setdefault(reason.code, reason.label)
    return sorted(labels.items(), key=lambda pair: pair[1])


class QueueItemView(ModeratorMixin, View):
    """One comment of a queue. Opening it changes nothing (browsers and proxies prefetch GETs):
    moderation.js claims it with a POST, and every decision claims it first."""

    template_name = "moderation/queue_item.html"

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        comment = self.get_comment(pk)
        locked = is_claimed_by_other(comment, self.moderator)
        item = get_queue_items([comment], self.moderator)[0]
        item.claimed_by_other = locked
        views, _reasons = with_reasons([item])
        return render(
            request,
            self.template_name,
            {
                "entry": views[0],
                "comment": comment,
                "locked": locked,
                "back": safe_next(request, reverse("moderation-queue")),
            },
        )


urlpatterns: list[URLPattern] = [
    path("", QueueView.as_view(), name="moderation-queue"),
    path("kommentar/<int:pk>/", QueueItemView.as_view(), name="moderation-queue-item"),
]
