"""The servers of the HTTP benchmark, each started here and stopped by its PID.

Debatte through `debatte serve --host --port --workers` (SQLite, or PostgreSQL and Redis), Isso
0.14 under gunicorn (2 sync workers, `--preload`, its documented deployment) from its own virtual
environment under var/bench/, nginx serving Debatte's response bytes as static files, and nginx
with the shipped micro-cache (deploy/nginx.conf, adapted to loopback ports and a temporary cache).
Every server listens on 127.0.0.1 only.
"""

import contextlib
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
VENV_BIN = Path(sys.executable).parent
ISSO_VENV = ROOT / "var" / "bench" / "isso-0.14"
ISSO_REQUIREMENT = "isso==0.14.*"
NGINX_CONF = ROOT / "deploy" / "nginx.conf"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def nginx_binary() -> str | None:
    return shutil.which("nginx") or (
        "/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else None
    )


def get(url: str, timeout: float = 30, headers: dict[str, str] | None = None) -> tuple[int, bytes]:
    request = urllib.request.Request(url, headers=headers or {})  # noqa: S310 - loopback only
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


@dataclass
class Server:
    name: str
    port: int
    process: subprocess.Popen[bytes]
    log: Path
    restart_args: tuple[list[str], dict[str, str]] | None = None
    notes: list[str] = field(default_factory=list)

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def workers(self) -> list[int]:
        """The PIDs of the processes that answer requests (the master's children)."""
        children = children_of(self.process.pid)
        workers = [pid for pid in children if "resource_tracker" not in cmdline(pid)]
        return workers or [self.process.pid]

    def stop(self) -> None:
        """The master, then any worker it left (gunicorn's sync workers finish their request
        first when asked nicely: SIGINT stops them at once)."""
        workers = children_of(self.process.pid)
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=5)
        for pid in workers:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)

    def restart(self) -> None:
        """Drops what a slow server still has queued (Isso after a heavy run), same data."""
        assert self.restart_args is not None
        self.stop()
        command, env = self.restart_args
        for attempt in range(5):  # the port may take a moment to be free again
            self.process = popen(command, env, self.log)
            try:
                wait_ready(f"{self.base}/", self.process, timeout=60, any_status=True)
                return
            except RuntimeError:
                if attempt == 4:
                    raise
                time.sleep(1)


def popen(command: list[str], env: dict[str, str], log: Path) -> subprocess.Popen[bytes]:
    with log.open("ab") as out:
        return subprocess.Popen(command, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)


def stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is not None:
        return
    if process.poll() is None:
        process.terminate()
    try:
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=5)


def children_of(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        # The command name may hold spaces and parentheses: fields follow the last ')'.
        if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
            found.append(int(entry.name))
    return sorted(found)


def cmdline(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
    except OSError:
        return ""


def rss_mib(pid: int) -> float:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def cpu_ticks(pids: list[int]) -> int:
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])  # utime, stime
    return total


def wait_idle(server: Server, timeout: float) -> bool:
    """True once the server's workers use (almost) no CPU for half a second."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        before = cpu_ticks(server.workers())
        time.sleep(0.5)
        if cpu_ticks(server.workers()) - before <= 2:
            return True
    return False


def wait_ready(
    url: str, process: subprocess.Popen[bytes], timeout: float, any_status: bool = False
) -> float:
    """Seconds until `url` answers 200 (any status with any_status); raises on timeout."""
    started = time.monotonic()
    while time.monotonic() - started < timeout:
        if process.poll() is not None:
            raise RuntimeError(f"{url}: the server exited with {process.returncode}")
        try:
            status, _ = get(url, timeout=5)
        except OSError:
            time.sleep(0.02)
            continue
        if status == 200 or any_status:
            return time.monotonic() - started
        time.sleep(0.02)
    raise RuntimeError(f"{url} did not answer 200 within {timeout:.0f} s")


# --- Debatte -----------------------------------------------------------------------------------


def debatte_env(workdir: Path, database_url: str, extra: dict[str, str]) -> dict[str, str]:
    env = {
        k: v for k, v in os.environ.items() if not k.startswith(("DEBATTE_", "REDIS_", "DATABASE_"))
    }
    (workdir / "static").mkdir(parents=True, exist_ok=True)
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings",
        DATABASE_URL=database_url,
        DEBATTE_DATA_DIR=str(workdir),
        DEBATTE_DEVELOPMENT="1",  # the public development key: nothing here is reachable
        DEBATTE_PLAIN_STATIC="1",
        DEBATTE_LOG_LEVEL="WARNING",
        DEBATTE_EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend",
        # wrk's posting script sends a new X-Forwarded-For per request from 127.0.0.1.
        DEBATTE_TRUSTED_PROXIES="127.0.0.1",
        # Every GET comes from 127.0.0.1: the per-address request budget (core/request_throttle)
        # would answer 429 after 600 a minute. Far above any run, so it still counts each one.
        DEBATTE_REQUESTS_PER_MINUTE_READ="1000000000",
        DEBATTE_REQUESTS_PER_MINUTE_WRITE="1000000000",
        **extra,
    )
    return env


def seed_debatte(env: dict[str, str], readers: int, log: Path) -> dict[str, object]:
    done = subprocess.run(
        [sys.executable, str(HERE / "seed_debatte.py"), str(readers)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        timeout=600,
        check=False,
    )
    log.write_bytes(done.stdout + done.stderr)
    if done.returncode != 0:
        tail = done.stderr.decode(errors="replace").strip().splitlines()[-3:]
        raise RuntimeError(f"seeding failed: {' | '.join(tail)}")
    result: dict[str, object] = json.loads(done.stdout.decode().strip().splitlines()[-1])
    return result


def serve_command(port: int, workers: int) -> list[str]:
    command = [str(VENV_BIN / "debatte"), "serve", "--host", "127.0.0.1", "--port", str(port)]
    command += ["--workers", str(workers)]
    # No line per request: Isso (gunicorn's default) and nginx (access_log off) write none.
    flags = subprocess.run(
        [*command[:2], "--help"], capture_output=True, text=True, check=False, timeout=60
    ).stdout
    command += [flag for flag in ("--no-access-log",) if flag in flags]
    if "--log-level" in flags:
        command += ["--log-level", "warning"]
    return command


def start_debatte(
    name: str, workdir: Path, env: dict[str, str], workers: int, ready_path: str
) -> tuple[Server, float]:
    """Starts `debatte serve`; returns the server and its seconds from start to first 200."""
    port = free_port()
    command = serve_command(port, workers)
    log = workdir / f"{name}.log"
    started = time.monotonic()
    process = popen(command, env, log)
    wait_ready(f"http://127.0.0.1:{port}{ready_path}", process, timeout=120)
    cold = time.monotonic() - started
    return Server(name, port, process, log, restart_args=(command, env)), cold


# --- PostgreSQL and Redis ------------------------------------------------------------------------

PG_ADMIN = "postgres://postgres@127.0.0.1:5432/postgres"


def create_database(name: str) -> str | None:
    """A fresh database on 127.0.0.1:5432; its URL, or None when PostgreSQL is not there."""
    try:
        import psycopg

        with psycopg.connect(PG_ADMIN, autocommit=True, connect_timeout=3) as connection:
            connection.execute(f'CREATE DATABASE "{name}"')
    except Exception:  # noqa: BLE001 - no server, no permission: the row says not measured
        return None
    return f"postgres://postgres@127.0.0.1:5432/{name}"


def drop_database(name: str) -> None:
    try:
        import psycopg

        with psycopg.connect(PG_ADMIN, autocommit=True, connect_timeout=3) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    except Exception as error:  # noqa: BLE001 - reported, never fatal
        print(f"  could not drop database {name}: {error}", flush=True)


def redis_ready(url: str) -> bool:
    try:
        import redis

        return bool(redis.Redis.from_url(url, socket_connect_timeout=2).ping())
    except Exception:  # noqa: BLE001
        return False


def redis_forget(url: str, prefix: str) -> None:
    try:
        import redis

        client = redis.Redis.from_url(url, socket_connect_timeout=2)
        for key in client.scan_iter(match=f"{prefix}:*", count=1000):
            client.delete(key)
    except Exception as error:  # noqa: BLE001
        print(f"  could not clear Redis keys {prefix}:*: {error}", flush=True)


# --- Isso ----------------------------------------------------------------------------------------


def isso_python() -> Path:
    """Isso 0.14 and gunicorn in their own virtual environment under var/bench/ (kept)."""
    python = ISSO_VENV / "bin" / "python"
    if not (ISSO_VENV / "bin" / "gunicorn").exists():
        ISSO_VENV.parent.mkdir(parents=True, exist_ok=True)
        subprocess.run(["python3", "-m", "venv", str(ISSO_VENV)], check=True, timeout=120)
        subprocess.run(
            [str(python), "-m", "pip", "install", "--quiet", ISSO_REQUIREMENT, "gunicorn"],
            check=True,
            timeout=600,
        )
    return python


def start_isso(workdir: Path) -> Server:
    python = isso_python()
    port = free_port()
    home = workdir / "isso"
    home.mkdir(exist_ok=True)
    subprocess.run(
        [str(python), str(HERE / "seed_isso.py"), str(home), str(port)],
        check=True,
        capture_output=True,
        timeout=300,
    )
    env = {**os.environ, "ISSO_SETTINGS": str(home / "isso.cfg")}
    command = [str(ISSO_VENV / "bin" / "gunicorn"), "-w", "2", "--preload", "--no-control-socket"]
    command += ["-b", f"127.0.0.1:{port}", "--timeout", "120", "isso.run"]
    log = workdir / "isso.log"
    process = popen(command, env, log)
    server = Server("isso", port, process, log, restart_args=(command, env))
    wait_ready(f"{server.base}/", process, timeout=60, any_status=True)
    return server


# --- nginx -------------------------------------------------------------------------------------

STATIC_CONF = """
worker_processes 2;
daemon off;
pid {home}/nginx.pid;
error_log {home}/error.log warn;
events {{ worker_connections 1024; }}
http {{
    access_log off;
    client_body_temp_path {home}/body;
    proxy_temp_path {home}/proxy;
    fastcgi_temp_path {home}/fastcgi;
    uwsgi_temp_path {home}/uwsgi;
    scgi_temp_path {home}/scgi;
    default_type text/html;
    server {{
        listen 127.0.0.1:{port};
        root {home}/www;
    }}
}}
"""


def start_nginx_static(workdir: Path, files: dict[str, bytes]) -> Server:
    """nginx serving `files` (name: bytes) from a temporary root, as Debatte sent them."""
    home = workdir / "nginx-static"
    (home / "www").mkdir(parents=True)
    os.chmod(home, 0o755)  # noqa: S103 - nginx's workers may run as another user
    for name, body in files.items():
        (home / "www" / name).write_bytes(body)
    port = free_port()
    (home / "nginx.conf").write_text(STATIC_CONF.format(home=home, port=port))
    return start_nginx("nginx-static", home, port)


def start_nginx(name: str, home: Path, port: int) -> Server:
    binary = nginx_binary()
    assert binary is not None
    log = home / "stdout.log"
    process = popen(
        [binary, "-c", str(home / "nginx.conf"), "-p", str(home)], dict(os.environ), log
    )
    server = Server(name, port, process, log)
    wait_ready(f"{server.base}/", process, timeout=20, any_status=True)
    return server


def adapt_shipped_conf(text: str, home: Path, port: int, upstream_port: int) -> str:
    """deploy/nginx.conf on loopback: our ports, a temporary cache, no TLS, no redirects.

    The shipped file is for production (ports 80/443, certificates, /var paths); only its
    caching and proxying directives matter here, so those are kept and the rest replaced.
    """
    text = re.sub(r"(?m)^\s*(listen|ssl_\w+|server_name|return 301)\b[^;]*;", "", text)
    text = re.sub(r"\b(?:127\.0\.0\.1|localhost):8000\b", f"127.0.0.1:{upstream_port}", text)
    text = re.sub(r"(?m)^(\s*)(proxy_cache_path\s+)\S+", rf"\1\2{home}/cache", text)
    text = re.sub(r"(?m)^(\s*)(access_log|error_log)\s+[^;]*;", r"\1\2 off;", text)
    text = text.replace("error_log off;", f"error_log {home}/error.log warn;")
    text = re.sub(r"(?m)^\s*(user|pid|include\s+/etc/nginx/sites-enabled)[^;]*;", "", text)
    text = re.sub(r"(?m)^\s*root\s+/[^;]*;", f"root {home}/www;", text)
    text = re.sub(r"(?m)^\s*alias\s+/[^;]*;", f"alias {home}/www/;", text)
    server = re.search(r"\bserver\s*\{", text)
    if server is None:
        raise ValueError("deploy/nginx.conf has no server block")
    text = text[: server.end()] + f"\n    listen 127.0.0.1:{port};" + text[server.end() :]
    paths = (
        f"client_body_temp_path {home}/body; proxy_temp_path {home}/proxy; "
        f"fastcgi_temp_path {home}/fastcgi; uwsgi_temp_path {home}/uwsgi; "
        f"scgi_temp_path {home}/scgi;"
    )
    if re.search(r"(?m)^\s*http\s*\{", text):
        text = re.sub(r"(?m)^(\s*http\s*\{)", rf"\1\n    {paths}", text, count=1)
        text = re.sub(r"(?m)^\s*daemon\s[^;]*;", "", text)
        return f"daemon off;\npid {home}/nginx.pid;\n{text}"
    # A file for /etc/nginx/conf.d (http context only): give it a main context.
    return (
        f"daemon off;\nworker_processes 2;\npid {home}/nginx.pid;\n"
        f"error_log {home}/error.log warn;\nevents {{ worker_connections 1024; }}\n"
        f"http {{\n    {paths}\n    access_log off;\n    default_type text/html;\n{text}\n}}\n"
    )


def start_nginx_microcache(workdir: Path, upstream_port: int) -> Server:
    """nginx with the shipped deploy/nginx.conf in front of a Debatte server."""
    home = workdir / "nginx-cache"
    (home / "cache").mkdir(parents=True)
    (home / "www").mkdir()
    os.chmod(home, 0o755)  # noqa: S103
    port = free_port()
    conf = adapt_shipped_conf(NGINX_CONF.read_text(), home, port, upstream_port)
    (home / "nginx.conf").write_text(conf)
    binary = nginx_binary()
    assert binary is not None
    check = subprocess.run(
        [binary, "-t", "-c", str(home / "nginx.conf"), "-p", str(home)],
        capture_output=True,
        text=True,
        check=False,
        timeout=30,
    )
    if check.returncode != 0:
        raise RuntimeError(f"the adapted deploy/nginx.conf does not load: {check.stderr[-300:]}")
    return start_nginx("nginx-microcache", home, port)
