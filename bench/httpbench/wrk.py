"""wrk: one bounded run, its output parsed, and the Lua scripts of the POST targets."""

import json
import re
import subprocess
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote_plus

import corpus

UNITS = {"us": 1e-3, "ms": 1.0, "s": 1e3, "m": 60e3, "h": 3600e3}


@dataclass
class Result:
    rps: float
    p50_ms: float
    p99_ms: float
    requests: int
    bad_status: int  # responses that were neither 2xx nor 3xx
    errors: int  # socket errors: connect, read, write, timeout
    seconds: float  # how long the run lasted

    @property
    def ok(self) -> bool:
        return self.requests > 0 and self.bad_status == 0


def ms(value: str) -> float:
    match = re.fullmatch(r"([\d.]+)(us|ms|s|m|h)", value)
    return float(match.group(1)) * UNITS[match.group(2)] if match else float("nan")


def parse(output: str) -> Result:
    def find(pattern: str, default: str = "0") -> str:
        match = re.search(pattern, output)
        return match.group(1) if match else default

    errors = sum(
        int(n) for n in re.findall(r"(?:connect|read|write|timeout) (\d+)", find(r"(Socket.*)", ""))
    )
    requests = int(find(r"(\d+) requests in"))
    return Result(
        rps=float(find(r"Requests/sec:\s+([\d.]+)")),
        # wrk prints zeros when no request finished: no latency was measured then.
        p50_ms=ms(find(r"\n\s+50%\s+(\S+)", "nan")) if requests else float("nan"),
        p99_ms=ms(find(r"\n\s+99%\s+(\S+)", "nan")) if requests else float("nan"),
        requests=requests,
        bad_status=int(find(r"Non-2xx or 3xx responses: (\d+)")),
        errors=errors,
        seconds=ms(find(r"requests in ([\d.]+\w+)", "nan")) / 1000,
    )


def run(
    url: str,
    *,
    connections: int,
    duration: int,
    script: Path | None = None,
    args: tuple[str, ...] = (),
) -> Result:
    """One wrk run against `url` (loopback only), bounded by `duration` seconds."""
    assert url.startswith("http://127.0.0.1:"), url
    threads = min(2, connections)
    command = ["wrk", f"-t{threads}", f"-c{connections}", f"-d{duration}s", "--latency"]
    # Long enough for Isso's whole 10,000-comment thread: a slower answer would be dropped from
    # the latency figures (wrk counts it as a timeout) and bias them.
    command += ["--timeout", "60s"]
    if script is not None:
        command += ["-s", str(script)]
    command += [url]
    if args:
        command += ["--", *args]
    done = subprocess.run(
        command, capture_output=True, text=True, timeout=duration + 90, check=False
    )
    if done.returncode != 0:
        raise RuntimeError(f"wrk failed: {done.stderr.strip()[-300:]}")
    return parse(done.stdout)


# --- Lua scripts ------------------------------------------------------------------------------

# Each wrk thread has its own Lua state; `id` (1 or 2) is set per thread by setup(). Request
# numbers interleave the threads from the run's offset, so they never repeat within a run and,
# with the offsets main.py passes (past every number used before), never across runs either.
COMMON = """
local threads = {}
function setup(thread)
  table.insert(threads, thread)
  thread:set("id", #threads)
end
local offset = 0
local counter = 0
function init(args)
  offset = tonumber(args[1]) or 0
end
local function next_number()
  counter = counter + 1
  return offset + counter * 2 + id
end
local function address(n)
  return string.format("127.%d.%d.%d", 1 + math.floor(n / 256) % 254, n % 256,
                       1 + math.floor(n / 65024) % 254)
end
"""


def lua_string(value: str) -> str:
    return json.dumps(value)  # a JSON string literal is a valid Lua one for ASCII text


def debatte_post_script(
    path: Path, sessions: list[str], cookie: str, csrf_cookie: str, csrf: str
) -> Path:
    """The article page's comment form, as signed-in readers in turn, one address per request."""
    keys = ",".join(lua_string(key) for key in sessions)
    text = quote_plus("Ein neuer Kommentar zur Diskussion, mit einer kurzen Begründung.") + "+"
    path.write_text(
        COMMON
        + f"""
local sessions = {{{keys}}}
function request()
  local n = next_number()
  local session = sessions[(n %% #sessions) + 1]
  local headers = {{}}
  headers["Content-Type"] = "application/x-www-form-urlencoded"
  headers["Cookie"] = "{cookie}=" .. session .. "; {csrf_cookie}={csrf}"
  headers["X-Forwarded-For"] = address(n)
  local body = "csrfmiddlewaretoken={csrf}&body={text}Nr.+" .. n
  return wrk.format("POST", "/artikel/{corpus.POST_KEY}/kommentieren/", headers, body)
end
""".replace("%%", "%")
    )
    return path


def isso_post_script(path: Path) -> Path:
    """What Isso's embed client sends for a new comment, one address (and /24) per request."""
    path.write_text(
        COMMON
        + f"""
function request()
  local n = next_number()
  local headers = {{}}
  headers["Content-Type"] = "application/json"
  headers["X-Forwarded-For"] = address(n)
  local body = '{{"text": "Ein neuer Kommentar zur Diskussion, mit einer kurzen Begründung. Nr. '
    .. n .. '", "author": "Bench ' .. n .. '", "email": null, "website": null, "parent": null}}'
  return wrk.format("POST", "/new?uri=%2F{corpus.POST_KEY}", headers, body)
end
""".replace("%%", "%")
    )
    return path


def isso_counts_script(path: Path) -> Path:
    """Isso's count.js: one POST /count with the page's thread URIs as a JSON list."""
    uris = json.dumps([f"/{key}" for key in corpus.count_keys()])
    path.write_text(
        'wrk.method = "POST"\n'
        'wrk.headers["Content-Type"] = "application/json"\n'
        f"wrk.body = {lua_string(uris)}\n"
    )
    return path


def numbers_used(result: Result, connections: int) -> int:
    """How far a run's request numbers went: both threads' (uneven) shares, those in flight."""
    return 2 * (result.requests + result.bad_status + connections) + 16
