"""The HTTP benchmark's results: rows per target and system, ratios per repetition, the goals."""

import math
import statistics
from dataclasses import dataclass, field

from wrk import Result


@dataclass
class Row:
    group: str  # the target: systems of one group run back to back in each repetition
    system: str
    request: str
    loaded: list[Result] = field(default_factory=list)  # -c32, one per repetition
    single: list[Result] = field(default_factory=list)  # -c1
    note: str = ""

    def rps(self) -> float:
        return median([r.rps for r in self.loaded])

    def p50(self) -> float:
        return median([r.p50_ms for r in self.single])

    def p99(self) -> float:
        return median([r.p99_ms for r in self.single])

    def problems(self) -> str:
        bad = sum(r.bad_status for r in self.loaded + self.single)
        errors = sum(r.errors for r in self.loaded + self.single)
        empty = sum(1 for r in self.loaded + self.single if r.requests == 0)
        parts = [
            f"{bad} non-2xx/3xx" if bad else "",
            f"{errors} socket errors" if errors else "",
            f"{empty} run(s) finished no request" if empty else "",
        ]
        return ", ".join(p for p in parts if p)


def median(values: list[float]) -> float:
    values = [v for v in values if not math.isnan(v)]
    return statistics.median(values) if values else float("nan")


def ratio_per_repetition(a: Row | None, b: Row | None) -> tuple[float, bool]:
    """The median of a/b over the repetitions in which both ran back to back, and whether it
    is only a lower bound: a run of b that finished no request counts as one request in it."""
    if a is None or b is None:
        return float("nan"), False
    pairs = list(zip(a.loaded, b.loaded, strict=False))
    bound = any(y.requests == 0 for _, y in pairs)
    return median([x.rps / (y.rps or 1 / y.seconds) for x, y in pairs if y.seconds]), bound


def number(value: float, digits: int = 0) -> str:
    if math.isnan(value):
        return "-"
    return f"{value:,.{digits}f}"


def latency(value: float) -> str:
    if math.isnan(value):
        return "-"
    return f"{value:.2f}" if value < 10 else f"{value:,.0f}"


def print_rows(rows: list[Row]) -> None:
    system_width = max(len(r.system) for r in rows)
    request_width = max(len(r.request) for r in rows)
    header = (
        f"{'system':<{system_width}}  {'request':<{request_width}}  {'req/s c32':>10}  "
        f"{'p50 ms c1':>9}  {'p99 ms c1':>9}  note"
    )
    group = ""
    for row in rows:
        if row.group != group:
            group = row.group
            print(f"\n{group}\n{header}")
        note = "; ".join(p for p in (row.note, row.problems()) if p)
        print(
            f"{row.system:<{system_width}}  {row.request:<{request_width}}  "
            f"{number(row.rps()):>10}  {latency(row.p50()):>9}  {latency(row.p99()):>9}  {note}",
            flush=True,
        )


@dataclass
class Goal:
    label: str
    value: float
    target: float
    unit: str = "x"
    at_most: bool = False  # pass when value <= target (else >=)
    note: str = ""
    lower_bound: bool = False  # the value is at least this much

    @classmethod
    def ratio(
        cls, label: str, measured: tuple[float, bool], target: float, note: str = ""
    ) -> "Goal":
        value, bound = measured
        return cls(label, value, target, note=note, lower_bound=bound)

    def verdict(self) -> str:
        if math.isnan(self.value):
            return "not measured"
        passed = self.value <= self.target if self.at_most else self.value >= self.target
        return "pass" if passed else "short"


def print_goals(goals: list[Goal]) -> None:
    width = max(len(g.label) for g in goals)
    print("\nGoals (a benchmark, not a timed test: ratios are medians of the per-repetition ones)")
    for goal in goals:
        sign = "<=" if goal.at_most else ">="
        digits = 2 if goal.unit in ("x", "s") else 0
        value = (">" if goal.lower_bound else "") + number(goal.value, digits)
        aim = f"{sign} {number(goal.target, digits)}{goal.unit}"
        print(
            f"  {goal.label:<{width}}  {value + goal.unit:>10}  {aim:>10}  {goal.verdict():<5}"
            f"  {goal.note}".rstrip(),
            flush=True,
        )
