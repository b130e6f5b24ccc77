"""The transparency report (DSA Art. 15, 24) of the moderator's sites: a page and a CSV file."""

import csv
from datetime import timedelta
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import URLPattern, path
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views import View

from debatte.discussions.models import ReportReason
from debatte.moderation.dsa_forms import TransparencyPeriodForm, last_half_year, last_year
from debatte.moderation.models import NoticeCategory, NoticeDecision
from debatte.moderation.transparency import (
    Period,
    TransparencyReport,
    get_transparency_report,
    report_rows,
)
from debatte.moderation.views.mixins import ModeratorRequiredMixin


def format_duration(value: timedelta | None) -> str:
    """ "2 days 3 h", "3 h 12 min", "4 min"; "–" when there is nothing to measure."""
    if value is None:
        return "–"
    minutes = round(value.total_seconds() / 60)
    days, minutes = divmod(minutes, 24 * 60)
    hours, minutes = divmod(minutes, 60)
    if days:
        return ngettext("%(d)d day %(h)d h", "%(d)d days %(h)d h", days) % {"d": days, "h": hours}
    if hours:
        return _("%(h)d h %(m)d min") % {"h": hours, "m": minutes}
    return _("%(m)d min") % {"m": minutes}


class TransparencyView(ModeratorRequiredMixin, View):
    """The figures of a period (by default the last calendar half-year) for one or all of the
    moderator's sites; `?…&format=csv` downloads the same figures."""

    template_name = "moderation/transparency.html"

    def get(self, request: HttpRequest) -> HttpResponse:
        today = timezone.localdate()
        data = request.GET.copy()
        if "start" not in data and "end" not in data:
            start, end = last_half_year(today)
            data.update({"start": start.isoformat(), "end": end.isoformat()})
        form = TransparencyPeriodForm(data, sites=self.sites)
        if not form.is_valid():
            return self.render_page(request, form, None, status=400)
        sites = form.selected_sites()
        everything = self.moderator.is_superuser and not form.cleaned_data["site"]
        period = Period(form.cleaned_data["start"], form.cleaned_data["end"])
        report = get_transparency_report(
            period, site_ids=None if everything else [site.pk for site in sites]
        )
        names = [_("all sites")] if everything else [site.name for site in sites]
        if data.get("format") == "csv":
            rows = report_rows(report, ["*"] if everything else names)
            return self.csv_response(rows, period)
        return self.render_page(request, form, report, names=names)

    def csv_response(self, rows: list[tuple[str, str, str]], period: Period) -> HttpResponse:
        filename = f"transparenz-{period.start.isoformat()}-{period.end.isoformat()}.csv"
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        writer = csv.writer(response, lineterminator="\n")
        writer.writerow(["section", "item", "value"])
        writer.writerows(rows)
        return response

    def render_page(
        self,
        request: HttpRequest,
        form: TransparencyPeriodForm,
        report: TransparencyReport | None,
        *,
        names: list[str] | None = None,
        status: int = 200,
    ) -> HttpResponse:
        today = timezone.localdate()
        presets = [
            (_("Last half-year"), *last_half_year(today)),
            (_("Last calendar year"), *last_year(today)),
            (_("This year so far"), today.replace(month=1, day=1), today),
        ]
        site = request.GET.get("site", "")
        context = {
            "form": form,
            "report": report,
            "site_names": names or [],
            "presets": [
                (label, "?" + urlencode({"start": str(s), "end": str(e), "site": site}))
                for label, s, e in presets
            ],
            "csv_url": f"?{urlencode({**self.period_params(form), 'format': 'csv'})}",
        }
        if report is not None:
            context.update(labelled_rows(report))
            context["median"] = format_duration(report.median_to_decision)
            context["p90"] = format_duration(report.p90_to_decision)
        return render(request, self.template_name, context, status=status)

    def period_params(self, form: TransparencyPeriodForm) -> dict[str, str]:
        """The period and site shown, for the CSV link (the defaults spelled out)."""
        return {key: str(form.data.get(key, "")) for key in ("start", "end", "site")}


def labelled_rows(report: TransparencyReport) -> dict[str, list[Any]]:
    """The report's counts with their labels in the reader's language, for the tables."""
    categories = dict(NoticeCategory.choices)
    reasons = dict(ReportReason.choices)
    decisions = dict(NoticeDecision.choices)
    types = decision_type_labels()
    return {
        "category_rows": [(categories[k], n) for k, n in report.notices_by_category.items()],
        "decision_rows": [(decisions[k], n) for k, n in report.notice_decisions.items()],
        "reason_rows": [(reasons[k], n) for k, n in report.reports_by_reason.items()],
        "type_rows": [(types.get(k, k), n) for k, n in report.decisions_by_type.items()],
        "ground_rows": [(types.get(k, k), g, n) for k, g, n in report.decisions_by_ground],
    }


def decision_type_labels() -> dict[str, str]:
    return {
        "comment.reject": _("Comments removed"),
        "comment.shorten": _("Comments shortened"),
        "user.warn": _("Warnings"),
        "user.suspend": _("Suspensions"),
        "user.ban": _("Bans"),
        "user.premoderate": _("Always pre-moderated"),
    }


urlpatterns: list[URLPattern] = [
    path("transparenz/", TransparencyView.as_view(), name="moderation-transparency"),
]
