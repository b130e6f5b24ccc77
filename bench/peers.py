"""Section 4 of `make bench`: the same discussions served by Isso (bench/isso_peer.py, in a
virtual environment of its own), with the ratio to Debatte."""

import json
import os
import subprocess
import sys
import time
from pathlib import Path

from measure import remaining, row

BENCH = Path(__file__).resolve().parent


def isso_python(workdir: Path) -> tuple[str | None, str]:
    """A python with isso installed: given, or a fresh temporary virtual environment."""
    given = os.environ.get("BENCH_ISSO_PYTHON")
    if given:
        return given, "given by BENCH_ISSO_PYTHON"
    venv = workdir / "isso-venv"
    budget = min(150.0, remaining() - 60)
    if budget < 30:
        return None, "no time left to install it"
    started = time.monotonic()
    try:
        subprocess.run(
            [sys.executable, "-m", "venv", str(venv)], check=True, capture_output=True, timeout=60
        )
        subprocess.run(
            [str(venv / "bin" / "python"), "-m", "pip", "install", "--quiet", "isso"],
            check=True,
            capture_output=True,
            timeout=max(budget - (time.monotonic() - started), 10),
        )
    except subprocess.TimeoutExpired:
        return None, f"installing isso took longer than {budget:.0f} s"
    except subprocess.CalledProcessError as error:
        tail = (error.stderr or b"").decode(errors="replace").strip().splitlines()[-1:]
        return None, f"installing isso failed: {' '.join(tail)}"
    return str(venv / "bin" / "python"), f"installed in {time.monotonic() - started:.0f} s"


def bench_peers(debatte_ms: dict[int, float], workdir: Path) -> None:
    """Isso's first pages next to Debatte's medians (`debatte_ms`, seconds by size)."""
    print("4. Peers, same discussions, same machine, same run", flush=True)
    not_measured = "peer comparison not measured yet"
    if os.environ.get("BENCH_SKIP_PEERS") == "1":
        row("Isso", "not measured", f"{not_measured} (BENCH_SKIP_PEERS=1)")
        return
    python, how = isso_python(workdir)
    if python is None:
        row("Isso", "not measured", f"{not_measured}: {how}")
        return
    sizes = [size for size in (10, 1_000, 100_000) if size in debatte_ms]
    isso_dir = workdir / "isso"
    isso_dir.mkdir(exist_ok=True)
    try:
        done = subprocess.run(
            [python, str(BENCH / "isso_peer.py"), str(isso_dir), "40", *map(str, sizes)],
            check=True,
            capture_output=True,
            timeout=max(remaining() - 10, 30),
        )
        report = json.loads(done.stdout.decode().strip().splitlines()[-1])
    except (subprocess.SubprocessError, ValueError, IndexError) as error:
        row("Isso", "not measured", f"{not_measured}: the Isso run failed ({error})")
        return
    row("Isso version", str(report["version"]), how)
    for size in sizes:
        isso = report["results"][str(size)]
        ratio = isso["median_ms"] / (debatte_ms[size] * 1000)
        row(
            f"Isso first page at {size:,} comments",
            f"{isso['median_ms']:.1f} ms",
            f"{isso['bytes']:,} bytes of JSON; Isso/Debatte = {ratio:.1f}x"
            + (" (Debatte faster)" if ratio > 1 else " (Isso faster)"),
        )
    row(
        "what is compared",
        "in-process WSGI, no network",
        "Debatte: the whole article page as HTML; Isso: the JSON its embed script renders "
        "(25 threads, 3 replies each, Markdown rendered)",
    )
    # nginx serving the same bytes: section 6 (bench/static_peer.py), over HTTP like a reader.
