"""The in-process benchmark's shared parts: the time budget, the table of results, medians."""

import os
import statistics
import time
from collections.abc import Callable

STARTED = time.monotonic()
BUDGET = float(os.environ.get("BENCH_BUDGET", "600"))

ROWS: list[tuple[str, str, str]] = []  # (measure, value, note)


def remaining() -> float:
    return BUDGET - (time.monotonic() - STARTED)


def row(measure: str, value: str, note: str = "") -> None:
    ROWS.append((measure, value, note))
    print(f"  {measure}: {value}  {note}".rstrip(), flush=True)


def median_of(func: Callable[[], object], *, runs: int, warmup: int = 3) -> float:
    """Median seconds of `runs` calls after `warmup` calls."""
    for _ in range(warmup):
        func()
    timings = []
    for _ in range(runs):
        started = time.perf_counter()
        func()
        timings.append(time.perf_counter() - started)
    return statistics.median(timings)


def print_table() -> None:
    width = max(len(m) for m, _, _ in ROWS)
    value_width = max(len(v) for _, v, _ in ROWS)
    print()
    print(f"{'measure':<{width}}  {'value':>{value_width}}  note")
    print(f"{'-' * width}  {'-' * value_width}  {'-' * 4}")
    for measure, value, note in ROWS:
        print(f"{measure:<{width}}  {value:>{value_width}}  {note}")
    print(f"\ntotal time {time.monotonic() - STARTED:.0f} s (budget {BUDGET:.0f} s)")
