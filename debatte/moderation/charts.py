"""Server-rendered SVG charts: bar, grouped bar, horizontal (stacked) bar and line.

No JavaScript and nothing from a CDN: each chart is an inline `<svg role="img">` with a `<title>`
and a `<desc>` (a summary in words that screen readers announce), every bar or point carries its
own `<title>` (a tooltip), and `table()` renders the same numbers as a data table, the fallback
for anyone who cannot see the picture. Every text that goes into the markup is escaped here.

Colours have at least 3:1 contrast against white (WCAG 1.4.11) and are never the only carrier
of meaning: the legend names each series and the table holds every value.
"""

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Literal

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

# Blue, dark orange, crimson, green: each ≥ 4.5:1 against white.
PALETTE = ("#1f5fa8", "#a34f00", "#a3123a", "#2e6b30")

Kind = Literal["bar", "line", "hbar"]

WIDTH = 640
FONT = 'font-family="system-ui, sans-serif"'


@dataclass(frozen=True)
class Series:
    name: str
    values: Sequence[float]
    color: str = ""


def plain_number(value: float) -> str:
    if float(value).is_integer():
        return f"{int(value):,}".replace(",", "\u202f")
    return f"{value:.1f}"


@dataclass
class Chart:
    """A chart of one or more series over shared labels (hours, days, names).

    kind "bar": vertical bars, grouped side by side when there are several series;
    "line": one polyline per series; "hbar": horizontal bars, stacked, for long labels.
    `tick_labels` may thin out the labels printed under the x axis (the table has them all).
    """

    id: str
    title: str
    description: str
    labels: Sequence[str]
    series: Sequence[Series]
    kind: Kind = "bar"
    label_heading: str = ""
    fmt: Callable[[float], str] = plain_number
    tick_every: int = 1
    links: Sequence[str] = field(default_factory=list)  # hbar: a URL per label, optional

    def __post_init__(self) -> None:
        for series in self.series:
            if len(series.values) != len(self.labels):
                raise ValueError(f"series {series.name!r} has not one value per label")
        self.series = [
            Series(s.name, list(s.values), s.color or PALETTE[i % len(PALETTE)])
            for i, s in enumerate(self.series)
        ]

    # --- Words --------------------------------------------------------------------------------

    @property
    def is_empty(self) -> bool:
        return not self.labels or all(v == 0 for s in self.series for v in s.values)

    def summary(self) -> str:
        """What the chart shows, in words: the description and each series' total and peak."""
        parts = [self.description]
        if self.is_empty:
            parts.append(_("No data in this period."))
            return " ".join(p for p in parts if p)
        for series in self.series:
            peak = max(range(len(series.values)), key=lambda i: series.values[i])
            parts.append(
                _("%(series)s: %(total)s in total, most at %(label)s (%(peak)s).")
                % {
                    "series": series.name,
                    "total": self.fmt(sum(series.values)),
                    "label": self.labels[peak],
                    "peak": self.fmt(series.values[peak]),
                }
            )
        return " ".join(p for p in parts if p)

    # --- SVG ----------------------------------------------------------------------------------

    def svg(self) -> SafeString:
        body = self._hbar() if self.kind == "hbar" else self._columns()
        return mark_safe(body)  # noqa: S308 - every text above went through escape()

    def _open(self, height: int) -> list[str]:
        ident = escape(self.id)
        return [
            f'<svg xmlns="http://www.w3.org/2000/svg" class="chart chart--{escape(self.kind)}" '
            f'viewBox="0 0 {WIDTH} {height}" width="100%" role="img" '
            f'aria-labelledby="{ident}-title {ident}-desc" {FONT} font-size="12">',
            f'<title id="{ident}-title">{escape(self.title)}</title>',
            f'<desc id="{ident}-desc">{escape(self.summary())}</desc>',
        ]

    def _legend(self, y: int, x: int = 8) -> list[str]:
        if len(self.series) < 2:
            return []
        out = ['<g class="chart__legend" aria-hidden="true">']
        for series in self.series:
            out.append(
                f'<rect x="{x}" y="{y - 9}" width="10" height="10" fill="{escape(series.color)}"/>'
                f'<text x="{x + 14}" y="{y}">{escape(series.name)}</text>'
            )
            x += 28 + 7 * len(series.name)
        out.append("</g>")
        return out

    def _columns(self) -> str:
        """Vertical bars or lines over the labels, with a y axis of round ticks."""
        height, top, bottom, left, right = 240, 28, 40, 44, 8
        plot_w, plot_h = WIDTH - left - right, height - top - bottom
        values = [v for s in self.series for v in s.values]
        top_value, ticks = nice_scale(max(values, default=0))
        n = max(len(self.labels), 1)
        slot = plot_w / n

        def y_of(value: float) -> float:
            return top + plot_h - (value / top_value) * plot_h if top_value else top + plot_h

        out = self._open(height)
        out += self._legend(14)
        out.append('<g class="chart__axis" aria-hidden="true">')
        for tick in ticks:
            y = y_of(tick)
            out.append(
                f'<line x1="{left}" x2="{WIDTH - right}" y1="{y:.1f}" y2="{y:.1f}" '
                f'stroke="#d0d0d0" stroke-width="1"/>'
                f'<text x="{left - 6}" y="{y + 4:.1f}" text-anchor="end">{escape(self.fmt(tick))}'
                "</text>"
            )
        for i, label in enumerate(self.labels):
            if i % max(self.tick_every, 1) and i != len(self.labels) - 1:
                continue
            x = left + slot * (i + 0.5)
            out.append(
                f'<text x="{x:.1f}" y="{height - bottom + 16}" text-anchor="middle">'
                f"{escape(label)}</text>"
            )
        out.append(
            f'<line x1="{left}" x2="{WIDTH - right}" y1="{top + plot_h}" y2="{top + plot_h}" '
            'stroke="#555" stroke-width="1"/>'
        )
        out.append("</g>")

        if self.kind == "line":
            for series in self.series:
                points = [(left + slot * (i + 0.5), y_of(v)) for i, v in enumerate(series.values)]
                path = " ".join(f"{x:.1f},{y:.1f}" for x, y in points)
                color = escape(series.color)
                out.append(f'<g class="chart__series"><title>{escape(series.name)}</title>')
                out.append(
                    f'<polyline points="{path}" fill="none" stroke="{color}" stroke-width="2"/>'
                )
                for (x, y), label, value in zip(points, self.labels, series.values, strict=True):
                    out.append(
                        f'<circle cx="{x:.1f}" cy="{y:.1f}" r="2.5" fill="{color}">'
                        f"<title>{escape(label)}: {escape(self.fmt(value))}</title></circle>"
                    )
                out.append("</g>")
        else:
            groups = len(self.series)
            bar_w = max(slot * 0.8 / groups, 1.0)
            for s_index, series in enumerate(self.series):
                color = escape(series.color)
                out.append(f'<g class="chart__series"><title>{escape(series.name)}</title>')
                for i, (label, value) in enumerate(zip(self.labels, series.values, strict=True)):
                    x = left + slot * i + slot * 0.1 + bar_w * s_index
                    y = y_of(value)
                    name = f"{series.name}, " if groups > 1 else ""
                    out.append(
                        f'<rect x="{x:.1f}" y="{y:.1f}" width="{bar_w:.1f}" '
                        f'height="{top + plot_h - y:.1f}" fill="{color}">'
                        f"<title>{escape(name)}{escape(label)}: {escape(self.fmt(value))}</title>"
                        "</rect>"
                    )
                out.append("</g>")
        out.append("</svg>")
        return "".join(out)

    def _hbar(self) -> str:
        """Horizontal stacked bars, one row per label (moderators, discussions)."""
        row_h, top, label_w, right = 26, 28, 220, 56
        rows = max(len(self.labels), 1)
        height = top + rows * row_h + 8
        plot_w = WIDTH - label_w - right
        totals = [sum(s.values[i] for s in self.series) for i in range(len(self.labels))]
        top_value = max(totals, default=0) or 1

        out = self._open(height)
        out += self._legend(14)
        for i, label in enumerate(self.labels):
            y = top + i * row_h
            shown = label if len(label) <= 32 else label[:31] + "…"
            text = (
                f'<text x="{label_w - 8}" y="{y + 16}" text-anchor="end">'
                f"<title>{escape(label)}</title>{escape(shown)}</text>"
            )
            if i < len(self.links) and self.links[i]:
                text = f'<a href="{escape(self.links[i])}">{text}</a>'
            out.append(text)
            x = float(label_w)
            for series in self.series:
                value = series.values[i]
                w = value / top_value * plot_w
                if value:
                    name = f"{series.name}, " if len(self.series) > 1 else ""
                    out.append(
                        f'<rect x="{x:.1f}" y="{y + 4}" width="{w:.1f}" height="{row_h - 8}" '
                        f'fill="{escape(series.color)}"><title>{escape(name)}{escape(label)}: '
                        f"{escape(self.fmt(value))}</title></rect>"
                    )
                x += w
            out.append(f'<text x="{x + 6:.1f}" y="{y + 16}">{escape(self.fmt(totals[i]))}</text>')
        if not self.labels:
            out.append(f'<text x="{WIDTH / 2}" y="{top + 16}" text-anchor="middle">')
            out.append(f"{escape(_('No data in this period.'))}</text>")
        out.append("</svg>")
        return "".join(out)

    # --- Table --------------------------------------------------------------------------------

    def table(self) -> SafeString:
        """The numbers as a table: the fallback for the picture."""
        out = [
            f'<table class="chart-table" id="{escape(self.id)}-table">',
            f"<caption>{escape(self.title)}</caption>",
            f'<thead><tr><th scope="col">{escape(self.label_heading)}</th>',
        ]
        out += [f'<th scope="col">{escape(s.name)}</th>' for s in self.series]
        out.append("</tr></thead><tbody>")
        for i, label in enumerate(self.labels):
            cell: str = escape(label)
            if i < len(self.links) and self.links[i]:
                cell = f'<a href="{escape(self.links[i])}">{cell}</a>'
            out.append(f'<tr><th scope="row">{cell}</th>')
            out += [f"<td>{escape(self.fmt(s.values[i]))}</td>" for s in self.series]
            out.append("</tr>")
        if not self.labels:
            out.append(
                f'<tr><td colspan="{len(self.series) + 1}">'
                f"{escape(_('No data in this period.'))}</td></tr>"
            )
        out.append("</tbody></table>")
        return mark_safe("".join(out))  # noqa: S308 - every text above went through escape()


def nice_scale(maximum: float, ticks: int = 4) -> tuple[float, list[float]]:
    """A round top for the y axis and the ticks up to it (0, 5, 10, 15, 20 for 17)."""
    if maximum <= 0:
        return 1.0, [0.0, 1.0]
    raw = maximum / ticks
    magnitude = 10 ** math.floor(math.log10(raw))
    step = next(m * magnitude for m in (1, 2, 2.5, 5, 10) if m * magnitude >= raw)
    if magnitude >= 1 and step < 1:
        step = 1
    if float(maximum).is_integer() and step < 1:
        step = 1.0
    top = step * math.ceil(maximum / step)
    count = round(top / step)
    return top, [step * i for i in range(count + 1)]
