"""Every operation of the OpenAPI document, fuzzed by schemathesis against a real server.

A uvicorn process serves config.asgi on a free 127.0.0.1 port with a temporary, migrated and
seeded SQLite database. The generated requests are sent by five actors in turn (anonymous, a
reader's and a moderator's session with CSRF, a site's API token and a moderating token), then
chained statefully along the links schemathesis infers. No answer may be a server error, and
every answer must match the document (status code, content type, body schema).
"""

import json
import os
import socket
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import requests
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

ROOT = Path(__file__).resolve().parents[2]
SEED = Path(__file__).with_name("seed_server.py")
SNAPSHOT = Path(__file__).with_name("openapi.snapshot.json")
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]
MAX_EXAMPLES = int(os.environ.get("DEBATTE_FUZZ_EXAMPLES", "25"))


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _manage(env: dict[str, str], *args: str, stdin: str | None = None) -> str:
    result = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        input=stdin,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    return result.stdout


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    data = tmp_path_factory.mktemp("api-server")
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{data / 'api.sqlite3'}",
        "DEBATTE_DATA_DIR": str(data),
        "DEBATTE_DEBUG": "0",
        "DEBATTE_PLAIN_STATIC": "1",
        "DEBATTE_EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
        "DJANGO_SETTINGS_MODULE": "config.settings",
        # The fuzzer sends far more than a person: no per-address budget (core/request_throttle).
        "DEBATTE_REQUESTS_PER_MINUTE_READ": "0",
        "DEBATTE_REQUESTS_PER_MINUTE_WRITE": "0",
    }
    _manage(env, "migrate", "--noinput")
    seed_line = next(
        line
        for line in _manage(env, "shell", stdin=SEED.read_text()).splitlines()
        if line.startswith("SEED=")
    )
    seed = json.loads(seed_line.removeprefix("SEED="))
    port = _free_port()
    log = (data / "uvicorn.log").open("w")
    process = subprocess.Popen(
        [sys.executable, "-m", "uvicorn", "config.asgi:application", "--host", "127.0.0.1"]
        + ["--port", str(port), "--log-level", "warning"],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                requests.get(base + "/api/v1/openapi.json", timeout=10)
                break
            except requests.RequestException:
                assert process.poll() is None, (data / "uvicorn.log").read_text()
                assert time.monotonic() < deadline, "the server did not start"
                time.sleep(0.2)
        yield {"base": base, **seed}
    finally:
        process.terminate()
        process.wait(timeout=10)
        log.close()
        server_log = (data / "uvicorn.log").read_text()
        assert "Traceback" not in server_log, server_log[-5000:]


# The committed snapshot, which test_openapi.py proves equal to the served document. (Loading
# the served one through `schemathesis.pytest.from_fixture` fails on pytest 9: schemathesis
# 4.32 sets `node._nodeid`, which pytest 9 no longer has.)
schema = schemathesis.openapi.from_path(SNAPSHOT)


ACTORS = ("anonymous", "reader", "moderator", "site token", "moderating token")
SENT: Counter[str] = Counter()


def _as(case: Any, actor: str, server: dict[str, Any]) -> dict[str, Any]:
    """Send `case` as `actor`: the generated credentials give way to real ones.

    The document declares the session cookie and the bearer token, so schemathesis makes up
    values for them (the 401 paths have their own tests). Returns `case.call`'s arguments.
    """
    headers = {k: v for k, v in (case.headers or {}).items() if k.lower() != "authorization"}
    cookies = {k: v for k, v in (case.cookies or {}).items() if k != "sessionid"}
    if actor in ("reader", "moderator"):
        session = server["reader_session" if actor == "reader" else "session"]
        headers["X-CSRFToken"] = server["csrf"]
        cookies.update(sessionid=session, csrftoken=server["csrf"])
    elif actor != "anonymous":
        token = server["token" if actor == "site token" else "moderating_token"]
        headers["Authorization"] = f"Bearer {token}"
    SENT[actor] += 1
    case.headers, case.cookies = headers, cookies
    return {"base_url": server["base"]}


@schema.parametrize()
@settings(
    max_examples=MAX_EXAMPLES,
    deadline=None,
    suppress_health_check=list(HealthCheck),
)
def test_every_operation_answers_without_server_error_and_as_documented(
    case: Any, server: dict[str, Any]
) -> None:
    """The generated requests go out as each actor in turn: anonymous, a reader, a moderator
    (sessions with CSRF), a site's API token and a moderating token."""
    actor = ACTORS[sum(SENT.values()) % len(ACTORS)]
    kwargs = _as(case, actor, server)
    response = case.call(**kwargs)
    case.validate_response(response, checks=CHECKS)


def test_stateful_sequences_answer_as_documented(server: dict[str, Any]) -> None:
    """The document has no OpenAPI links, but schemathesis infers them from the resources
    (a posted comment's label feeds reading, editing, replying, reporting and moderating it);
    it chains them as a moderator and as a reader."""
    base = schema.as_state_machine()
    assert base.bundles, "schemathesis found no links to chain"

    class Workflow(base):  # type: ignore[valid-type, misc]
        actor = "moderator"

        def get_call_kwargs(self, case: Any) -> dict[str, Any]:
            return _as(case, self.actor, server)

        def validate_response(self, response: Any, case: Any, **kwargs: Any) -> None:
            case.validate_response(response, checks=CHECKS)

    class ReaderWorkflow(Workflow):
        actor = "reader"

    for machine in (Workflow, ReaderWorkflow):
        machine.run(
            settings=settings(
                max_examples=max(MAX_EXAMPLES // 2, 5),
                stateful_step_count=6,
                deadline=None,
                suppress_health_check=list(HealthCheck),
            )
        )
    print("schemathesis requests per actor:", dict(SENT))
