"""The moderation dashboard: its figures on a small fixture, its query budget, who may see it,
and the accessible, escaped SVG charts it draws."""

import re
from datetime import UTC, datetime, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from debatte.articles.models import ModerationMode, Site, SiteMembership, SiteRole
from debatte.discussions.models import Comment, CommentStatus
from debatte.moderation import stats
from debatte.moderation.charts import Chart, Series, nice_scale
from debatte.moderation.models import AuditEntry, Reason, ReasonKind

# 13:30 in Berlin: the current hour started at 12:00 UTC.
NOW = datetime(2026, 3, 10, 12, 30, tzinfo=UTC)
DASHBOARD_QUERIES = 5  # one per figure (the median included)
# The view adds the session, the user and the list of the user's sites.
VIEW_QUERIES = DASHBOARD_QUERIES + 3


@pytest.fixture
def site(db):
    return Site.objects.create(name="Die Zeitung", slug="zeitung")


@pytest.fixture
def other_site(db):
    return Site.objects.create(name="Das Blatt", slug="blatt")


class Writer:
    """Writes comments and audit entries at chosen moments, straight into the tables."""

    def __init__(self, author):
        self.author = author
        self.numbers: dict[int, int] = {}

    def comment(self, article, at, status=CommentStatus.PUBLISHED):
        number = self.numbers.get(article.pk, 0) + 1
        self.numbers[article.pk] = number
        return Comment.objects.create(
            article=article,
            number=number,
            author=self.author,
            author_name=self.author.display_name,
            body=f"Kommentar {number}",
            status=status,
            created_at=at,
        )

    @staticmethod
    def audit(verb, at, *, comment=None, actor=None, actor_name=None, site=None):
        site = site or (comment.article.site if comment else None)
        return AuditEntry.objects.create(
            verb=verb,
            created_at=at,
            actor=actor,
            actor_name=actor_name or (str(actor) if actor else "system"),
            site=site,
            comment=comment,
            article=comment.article if comment else None,
            subject=comment.label if comment else "",
        )


@pytest.fixture
def writer(reader):
    return Writer(reader)


# --- The figures on a small fixture ------------------------------------------------------------


def test_comments_per_hour_counts_each_of_the_last_48_hours(make_article, site, other_site, writer):
    here = make_article(site=site)
    elsewhere = make_article(site=other_site)
    writer.comment(here, NOW - timedelta(minutes=10))  # current hour (12:00 UTC)
    writer.comment(here, NOW - timedelta(minutes=25), status=CommentStatus.PENDING)
    writer.comment(here, NOW - timedelta(minutes=50))  # 11:00 UTC
    writer.comment(here, NOW - timedelta(hours=47))  # 13:30 two days ago: the first hour
    writer.comment(here, NOW - timedelta(hours=48, minutes=1))  # too old
    writer.comment(here, NOW + timedelta(minutes=5))  # in the future (clock skew): not counted
    writer.comment(elsewhere, NOW - timedelta(minutes=5))  # another site

    hours = stats.comments_per_hour([site.pk], NOW)

    assert len(hours) == 48
    assert hours[-1] == stats.HourCount(datetime(2026, 3, 10, 12, tzinfo=UTC), 2)
    assert hours[-2] == stats.HourCount(datetime(2026, 3, 10, 11, tzinfo=UTC), 1)
    assert hours[0] == stats.HourCount(datetime(2026, 3, 8, 13, tzinfo=UTC), 1)
    assert sum(h.comments for h in hours) == 4
    assert [h.hour for h in hours] == sorted(h.hour for h in hours)


def test_decisions_per_day_counts_holds_approvals_and_removals(
    make_article, site, other_site, writer, site_moderator
):
    article = make_article(site=site)
    comment = writer.comment(article, NOW - timedelta(days=20))
    audit = writer.audit
    audit("comment.hold", NOW - timedelta(hours=1), comment=comment)
    audit("comment.hold", NOW - timedelta(hours=2), comment=comment)
    audit("comment.approve", NOW - timedelta(hours=1), comment=comment, actor=site_moderator)
    audit("comment.reject", NOW - timedelta(days=1), comment=comment, actor=site_moderator)
    audit("comment.approve", NOW - timedelta(days=13), comment=comment, actor=site_moderator)
    audit("comment.approve", NOW - timedelta(days=15), comment=comment, actor=site_moderator)
    audit("comment.feature", NOW - timedelta(hours=1), comment=comment, actor=site_moderator)
    audit("comment.reject", NOW - timedelta(hours=1), actor=site_moderator, site=other_site)

    days = stats.decisions_per_day([site.pk], NOW)

    assert len(days) == 14
    assert days[-1] == stats.DayDecisions(NOW.date(), held=2, approved=1, rejected=0)
    assert days[-2] == stats.DayDecisions(NOW.date() - timedelta(days=1), 0, 0, 1)
    assert days[0] == stats.DayDecisions(NOW.date() - timedelta(days=13), 0, 1, 0)
    assert sum(d.held + d.approved + d.rejected for d in days) == 5


def test_days_are_calendar_days_in_the_local_time_zone(make_article, site, writer):
    comment = writer.comment(make_article(site=site), NOW - timedelta(days=1))
    # 23:30 UTC on 9 March is 00:30 on 10 March in Berlin.
    writer.audit("comment.hold", datetime(2026, 3, 9, 23, 30, tzinfo=UTC), comment=comment)

    days = stats.decisions_per_day([site.pk], NOW)

    assert (days[-1].day, days[-1].held) == (NOW.date(), 1)
    assert days[-2].held == 0


def _decided_after(writer, article, moderator, waited, verb="comment.approve", decided=NOW):
    """A comment posted `waited` before a moderator decided about it at `decided`."""
    comment = writer.comment(article, decided - waited)
    writer.audit(verb, decided, comment=comment, actor=moderator)
    return comment


def test_median_time_to_decision_of_the_last_seven_days(
    make_article, site, other_site, writer, site_moderator, second_moderator
):
    article = make_article(site=site)
    _decided_after(writer, article, site_moderator, timedelta(minutes=10))
    _decided_after(writer, article, second_moderator, timedelta(minutes=20), "comment.reject")
    _decided_after(writer, article, site_moderator, timedelta(minutes=60), "comment.shorten")
    _decided_after(writer, article, site_moderator, timedelta(hours=2))
    # Not counted: older than 7 days, the pipeline's holds, another site, other verbs.
    _decided_after(
        writer, article, site_moderator, timedelta(days=3), decided=NOW - timedelta(days=8)
    )
    held = writer.comment(article, NOW - timedelta(hours=5))
    writer.audit("comment.hold", NOW - timedelta(hours=1), comment=held)
    writer.audit("comment.feature", NOW, comment=held, actor=site_moderator)
    _decided_after(writer, make_article(site=other_site), site_moderator, timedelta(days=2))

    result = stats.time_to_decision([site.pk], NOW)

    # 10, 20, 60 and 120 minutes: the median is halfway between 20 and 60.
    assert result == stats.TimeToDecision(timedelta(minutes=40), 4)

    _decided_after(writer, article, second_moderator, timedelta(minutes=30))
    assert stats.time_to_decision([site.pk], NOW) == stats.TimeToDecision(timedelta(minutes=30), 5)


def test_median_time_to_decision_without_decisions(site):
    assert stats.time_to_decision([site.pk], NOW) == stats.TimeToDecision(None, 0)


def test_decisions_per_moderator_busiest_first_and_kept_after_account_deletion(
    make_article, site, writer, site_moderator, second_moderator, make_user
):
    article = make_article(site=site)
    comment = writer.comment(article, NOW - timedelta(days=1))
    audit = writer.audit
    for verb in ("comment.approve", "comment.approve", "comment.reject", "comment.shorten"):
        audit(verb, NOW - timedelta(hours=3), comment=comment, actor=site_moderator)
    audit("comment.reject", NOW - timedelta(days=6), comment=comment, actor=second_moderator)
    audit("comment.approve", NOW - timedelta(days=8), comment=comment, actor=second_moderator)
    audit("comment.hold", NOW - timedelta(hours=3), comment=comment)  # the system: not a person
    audit("user.ban", NOW - timedelta(hours=3), comment=comment, actor=second_moderator)
    gone = make_user("Ehemalige")
    audit("comment.approve", NOW - timedelta(hours=3), comment=comment, actor=gone)
    gone.delete()

    moderators = stats.decisions_per_moderator([site.pk], NOW)

    assert moderators == [
        stats.ModeratorDecisions("Anna Berg", approved=2, rejected=1, shortened=1),
        stats.ModeratorDecisions("Carl Dorn", approved=0, rejected=1, shortened=0),
        stats.ModeratorDecisions("Ehemalige", approved=1, rejected=0, shortened=0),
    ]
    assert moderators[0].total == 4


def test_hottest_discussions_have_the_most_comments_in_the_last_three_hours(
    make_article, site, other_site, writer
):
    busy = make_article(site=site, title="Viel los")
    quiet = make_article(site=site, title="Wenig los")
    yesterday = make_article(site=site, title="Gestern")
    elsewhere = make_article(site=other_site, title="Anderswo")
    for minutes in (5, 30, 170):
        writer.comment(busy, NOW - timedelta(minutes=minutes))
    writer.comment(busy, NOW - timedelta(minutes=40), status=CommentStatus.PENDING)
    writer.comment(quiet, NOW - timedelta(minutes=1))
    for _ in range(6):
        writer.comment(yesterday, NOW - timedelta(hours=4))
        writer.comment(elsewhere, NOW - timedelta(minutes=10))

    hottest = stats.hottest_discussions([site.pk], NOW)

    assert [(d.title, d.comments, d.held) for d in hottest] == [
        ("Viel los", 4, 1),
        ("Wenig los", 1, 0),
    ]
    assert hottest[0].key == busy.key
    assert hottest[0].site_name == "Die Zeitung"
    assert hottest[0].last_comment_at == NOW - timedelta(minutes=5)


def test_figures_follow_real_posting_and_decisions(
    make_article, site, reader, site_moderator, make_comment
):
    """Held by the pipeline, approved and removed through the services: the audit verbs that the
    dashboard counts are the ones the services write."""
    from debatte.moderation.services.decisions import approve_comment, reject_comment

    site.moderation_mode = ModerationMode.PRE
    site.save()
    article = make_article(site=site)
    first, second, third = (make_comment(article) for _ in range(3))
    assert first.status == CommentStatus.PENDING
    reason = Reason.objects.create(
        site=site,
        code="sachlich",
        kind=ReasonKind.REJECT,
        label="Sachlich",
        text="Bitte bleiben Sie sachlich.",
    )
    approve_comment(first, moderator=site_moderator)
    reject_comment(second, moderator=site_moderator, reason=reason)

    board = stats.get_dashboard([site.pk])

    today = board.decisions_per_day[-1]
    assert (today.held, today.approved, today.rejected) == (3, 1, 1)
    assert board.totals["comments_48h"] == 3
    assert board.moderators == [stats.ModeratorDecisions("Anna Berg", 1, 1, 0)]
    assert board.time_to_decision.decisions == 2
    assert board.time_to_decision.median is not None
    assert board.time_to_decision.median < timedelta(minutes=1)
    assert [(d.title, d.comments, d.held) for d in board.hottest] == [(article.title, 3, 1)]


# --- Query budget ------------------------------------------------------------------------------


def _fill(writer, articles, moderators, scale):
    """`scale` times the same mix of comments and decisions, spread over the periods shown."""
    for i in range(scale):
        article = articles[i % len(articles)]
        at = NOW - timedelta(minutes=37 * i % (60 * 24 * 10))
        status = CommentStatus.PENDING if i % 4 == 0 else CommentStatus.PUBLISHED
        comment = writer.comment(article, at, status=status)
        moderator = moderators[i % len(moderators)]
        verb = ("comment.approve", "comment.reject", "comment.shorten")[i % 3]
        writer.audit("comment.hold", at, comment=comment)
        if at + timedelta(minutes=i % 90) <= NOW:
            writer.audit(verb, at + timedelta(minutes=i % 90), comment=comment, actor=moderator)


def test_each_figure_costs_a_constant_number_of_queries(
    make_article, site, writer, site_moderator, second_moderator, django_assert_num_queries
):
    articles = [make_article(site=site) for _ in range(3)]
    moderators = [site_moderator, second_moderator]
    figures = {
        "comments_per_hour": 1,
        "decisions_per_day": 1,
        "time_to_decision": 1,
        "decisions_per_moderator": 1,
        "hottest_discussions": 1,
    }
    sizes = []
    for scale in (3, 200):
        _fill(writer, articles, moderators, scale)
        for name, queries in figures.items():
            with django_assert_num_queries(queries, info=f"{name} at {scale}"):
                getattr(stats, name)([site.pk], NOW)
        with django_assert_num_queries(DASHBOARD_QUERIES, info=f"dashboard at {scale}"):
            board = stats.get_dashboard([site.pk], NOW)
        sizes.append(board.totals["comments_48h"])
    assert sizes[0] < sizes[1]


def test_the_page_costs_the_same_number_of_queries_at_any_volume(
    client, make_article, site, writer, site_moderator, second_moderator, django_assert_num_queries
):
    client.force_login(site_moderator)
    url = reverse("moderation-dashboard")
    articles = [make_article(site=site) for _ in range(12)]
    for scale in (0, 150):
        _fill(writer, articles, [site_moderator, second_moderator], scale)
        with django_assert_num_queries(VIEW_QUERIES, info=f"page at {scale}"):
            response = client.get(url)
        assert response.status_code == 200


# --- Who may see it ----------------------------------------------------------------------------


def test_anonymous_visitors_are_sent_to_the_login_page(client, db):
    response = client.get(reverse("moderation-dashboard"))
    assert response.status_code == 302
    assert reverse("account_login") in response["Location"]


def test_readers_get_403(client, reader, site):
    client.force_login(reader)
    assert client.get(reverse("moderation-dashboard")).status_code == 403


def test_a_moderator_sees_only_the_sites_they_moderate(
    client, make_article, site, other_site, site_moderator, writer
):
    mine = make_article(site=site, title="Unser Artikel")
    theirs = make_article(site=other_site, title="Fremder Artikel")
    writer.comment(mine, timezone.now() - timedelta(minutes=3))
    writer.comment(theirs, timezone.now() - timedelta(minutes=3))
    client.force_login(site_moderator)
    url = reverse("moderation-dashboard")

    response = client.get(url)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Unser Artikel" in html
    assert "Fremder Artikel" not in html
    assert response.context["board"].totals["comments_48h"] == 1

    assert client.get(url, {"site": "zeitung"}).status_code == 200
    assert client.get(url, {"site": "blatt"}).status_code == 403
    assert client.get(url, {"site": "gibt-es-nicht"}).status_code == 403


def test_a_moderator_of_two_sites_can_narrow_to_one(
    client, make_article, site, other_site, site_moderator, writer
):
    SiteMembership.objects.create(site=other_site, user=site_moderator, role=SiteRole.EDITOR)
    writer.comment(make_article(site=site), timezone.now() - timedelta(minutes=3))
    writer.comment(make_article(site=other_site), timezone.now() - timedelta(minutes=3))
    client.force_login(site_moderator)
    url = reverse("moderation-dashboard")

    assert client.get(url).context["board"].totals["comments_48h"] == 2
    response = client.get(url, {"site": "blatt"})
    assert response.context["board"].totals["comments_48h"] == 1
    assert 'name="site"' in response.content.decode()


def test_superusers_see_every_site(client, make_user, make_article, site, other_site, writer):
    admin = make_user("Admin", is_superuser=True)
    writer.comment(make_article(site=site), timezone.now() - timedelta(minutes=3))
    writer.comment(make_article(site=other_site), timezone.now() - timedelta(minutes=3))
    client.force_login(admin)
    response = client.get(reverse("moderation-dashboard"))
    assert response.context["board"].totals["comments_48h"] == 2


# --- The page and its charts -------------------------------------------------------------------


def test_the_page_shows_accessible_charts_with_escaped_titles(
    client, make_article, site, site_moderator, writer
):
    hostile = make_article(site=site, title='<script>alert("x")</script> & Co')
    writer.comment(hostile, timezone.now() - timedelta(minutes=3))
    client.force_login(site_moderator)

    html = client.get(reverse("moderation-dashboard")).content.decode()

    assert "<script>alert" not in html
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; Co" in html
    for chart_id in (
        "chart-comments-per-hour",
        "chart-decisions-per-day",
        "chart-decisions-per-moderator",
        "chart-hottest-discussions",
    ):
        assert f'aria-labelledby="{chart_id}-title {chart_id}-desc"' in html
        assert f'<title id="{chart_id}-title">' in html
        assert f'<desc id="{chart_id}-desc">' in html
        assert f'<table class="chart-table" id="{chart_id}-table">' in html
    assert 'id="figure-time-to-decision"' in html
    assert reverse("article", kwargs={"article_key": hostile.key}) in html
    # the charts are drawn on the server: no script or stylesheet from another host (a bare
    # "cdn" substring test failed when the random CSRF token contained those letters)
    assert not re.search(r'<(script|link)\b[^>]*\b(src|href)="(https?:)?//', html)


def test_chart_escapes_every_text_and_describes_its_data():
    chart = Chart(
        id='x"><script>',
        title="<b>Titel</b>",
        description="Zwei & drei",
        labels=["<i>a</i>", "b"],
        series=[Series('"Reihe"', [3, 7]), Series("Zweite", [1, 0])],
        label_heading="<th>",
        links=['/a?x="1"', ""],
        kind="hbar",
    )
    svg, table = str(chart.svg()), str(chart.table())
    for markup in (svg, table):
        assert "<script>" not in markup
        assert "<b>" not in markup and "<i>" not in markup
    assert "&lt;b&gt;Titel&lt;/b&gt;" in svg
    assert "Zwei &amp; drei" in svg
    assert 'href="/a?x=&quot;1&quot;"' in svg
    assert "<caption>&lt;b&gt;Titel&lt;/b&gt;</caption>" in table
    assert table.count("<tr>") == 3  # the heading row and one per label
    summary = chart.summary()
    assert "10" in summary  # the first series' total
    assert "(7)" in summary  # its peak


@pytest.mark.parametrize("kind", ["bar", "line", "hbar"])
def test_every_kind_of_chart_draws_one_mark_per_value(kind):
    chart = Chart(
        id="c",
        title="T",
        description="",
        labels=["a", "b", "c"],
        series=[Series("S", [1, 5, 2])],
        kind=kind,
    )
    svg = str(chart.svg())
    assert svg.startswith("<svg") and svg.endswith("</svg>")
    assert 'role="img"' in svg
    marks = svg.count("<circle") if kind == "line" else svg.count("<rect")
    assert marks == 3


def test_an_empty_chart_says_so():
    chart = Chart(
        id="e", title="T", description="Nichts.", labels=[], series=[Series("S", [])], kind="hbar"
    )
    assert "No data" in chart.summary() or "Keine" in chart.summary()
    assert "<td colspan=" in str(chart.table())
    bars = Chart(id="z", title="T", description="", labels=["a"], series=[Series("S", [0])])
    assert "<svg" in str(bars.svg())


def test_a_series_must_have_a_value_per_label():
    with pytest.raises(ValueError):
        Chart(id="x", title="T", description="", labels=["a", "b"], series=[Series("S", [1])])


@pytest.mark.parametrize(
    ("maximum", "top", "ticks"),
    [
        (0, 1, [0, 1]),
        (1, 1, [0, 1]),
        (3, 3, [0, 1, 2, 3]),
        (17, 20, [0, 5, 10, 15, 20]),
        (230, 300, [0, 100, 200, 300]),
        (90, 100, [0, 25, 50, 75, 100]),
        (1000, 1000, [0, 250, 500, 750, 1000]),
    ],
)
def test_y_axis_ticks_are_round(maximum, top, ticks):
    assert nice_scale(maximum) == (top, ticks)
