"""The moderators' dashboard: activity and decisions of the sites one moderates, as charts."""

from datetime import timedelta

from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import URLPattern, path, reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views import View

from debatte.articles.models import Site
from debatte.moderation import stats
from debatte.moderation.charts import Chart, Series
from debatte.moderation.services.permissions import sites_moderated_by


def format_duration(value: timedelta | None) -> str:
    """ "45 s", "12 min", "3 h 5 min", "2 d 4 h"; "–" for none."""
    if value is None:
        return "–"
    seconds = max(int(value.total_seconds()), 0)
    if seconds < 60:
        return _("%(n)d s") % {"n": seconds}
    minutes = seconds // 60
    if minutes < 60:
        return _("%(n)d min") % {"n": minutes}
    hours, minutes = divmod(minutes, 60)
    if hours < 24:
        return _("%(h)d h %(m)d min") % {"h": hours, "m": minutes}
    days, hours = divmod(hours, 24)
    return _("%(d)d d %(h)d h") % {"d": days, "h": hours}


def build_charts(board: stats.Dashboard) -> dict[str, Chart]:
    per_hour = board.comments_per_hour
    per_day = board.decisions_per_day
    hour_labels = [formats.time_format(timezone.localtime(h.hour), "H:i") for h in per_hour]
    day_labels = [formats.date_format(d.day, "D j.n.") for d in per_day]
    return {
        "per_hour": Chart(
            id="chart-comments-per-hour",
            title=_("Comments per hour, last 48 hours"),
            description=_("Line chart of the comments written in each hour, oldest first."),
            labels=hour_labels,
            series=[Series(_("Comments"), [h.comments for h in per_hour])],
            kind="line",
            label_heading=_("Hour"),
            tick_every=6,
        ),
        "per_day": Chart(
            id="chart-decisions-per-day",
            title=_("Held, approved and removed comments per day, last 14 days"),
            description=_(
                "Grouped bar chart: for each day the comments held for a moderator, approved "
                "and removed."
            ),
            labels=day_labels,
            series=[
                Series(_("Held"), [d.held for d in per_day]),
                Series(_("Approved"), [d.approved for d in per_day]),
                Series(_("Removed"), [d.rejected for d in per_day]),
            ],
            kind="bar",
            label_heading=_("Day"),
            tick_every=2,
        ),
        "moderators": Chart(
            id="chart-decisions-per-moderator",
            title=_("Decisions per moderator, last 7 days"),
            description=_("Stacked bar chart of each moderator's approvals, removals and cuts."),
            labels=[m.name for m in board.moderators],
            series=[
                Series(_("Approved"), [m.approved for m in board.moderators]),
                Series(_("Removed"), [m.rejected for m in board.moderators]),
                Series(_("Shortened"), [m.shortened for m in board.moderators]),
            ],
            kind="hbar",
            label_heading=_("Moderator"),
        ),
        "hottest": Chart(
            id="chart-hottest-discussions",
            title=_("Hottest discussions: comments in the last 3 hours"),
            description=_("Bar chart of the discussions with the most new comments."),
            labels=[d.title for d in board.hottest],
            series=[
                Series(_("Published or removed"), [d.comments - d.held for d in board.hottest]),
                Series(_("Awaiting approval"), [d.held for d in board.hottest]),
            ],
            kind="hbar",
            label_heading=_("Discussion"),
            links=[reverse("article", kwargs={"article_key": d.key}) for d in board.hottest],
        ),
    }


class DashboardView(LoginRequiredMixin, View):
    """Login required; a moderator sees the sites they moderate (one of them with ?site=slug)
    and nothing else; anyone else gets 403."""

    raise_exception = False  # anonymous visitors are sent to the login page

    def get(self, request: HttpRequest) -> HttpResponse:
        sites: list[Site] = list(sites_moderated_by(request.user).order_by("name"))  # type: ignore[arg-type]
        if not sites:
            raise PermissionDenied(_("You are not a moderator of any site."))
        chosen = request.GET.get("site", "")
        shown = sites
        if chosen:
            shown = [site for site in sites if site.slug == chosen]
            if not shown:
                raise PermissionDenied(_("You are not a moderator of this site."))
        board = stats.get_dashboard([site.pk for site in shown])
        ttd = board.time_to_decision
        context = {
            "board": board,
            "charts": build_charts(board),
            "sites": sites,
            "shown_sites": shown,
            "chosen_site": chosen,
            "median_time_to_decision": format_duration(ttd.median),
            "decisions_counted": ngettext(
                "from %(n)d decision", "from %(n)d decisions", ttd.decisions
            )
            % {"n": ttd.decisions},
        }
        return render(request, "moderation/dashboard.html", context)


urlpatterns: list[URLPattern] = [
    path("dashboard/", DashboardView.as_view(), name="moderation-dashboard"),
]
