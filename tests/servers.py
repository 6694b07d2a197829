"""Real servers for tests: the demo started as the README starts it, and a logged-in client."""

from __future__ import annotations

import contextlib
import http.cookiejar
import json
import os
import re
import socket
import subprocess
import sys
import threading
import time
import urllib.parse
import urllib.request
import uuid
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import TYPE_CHECKING, Self

import psycopg
from psycopg import sql

ROOT = Path(__file__).resolve().parent.parent
if TYPE_CHECKING:
    from chatsessions.testing import ChatClient

PG_ADMIN_URL = os.environ.get("CHATSESSIONS_TEST_PG", "postgresql://postgres@127.0.0.1:5432/postgres")


class LoopbackHTTP:
    """An HTTP server of the tests' own on a loopback port (a free one unless given),
    served from a thread of the test process: a fake OAuth provider, a fake model API,
    another site. `with` starts and stops it."""

    def __init__(self, handler: type[BaseHTTPRequestHandler], port: int = 0) -> None:
        self.server = ThreadingHTTPServer(("127.0.0.1", port), handler)
        self.server.daemon_threads = True
        self.base = f"http://127.0.0.1:{self.server.server_address[1]}"
        self._thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    def __enter__(self) -> Self:
        self.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.stop()


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def stop_process(process: subprocess.Popen[bytes]) -> None:
    """Asks a server to stop (SIGTERM), and kills it if it will not within 10 s."""
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def wait_for_port(port: int, process: subprocess.Popen[bytes], seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the server exited with {process.returncode}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"nothing listened on port {port} within {seconds}s")


class Server:
    """One server process on a free loopback port, logging to log_path: daphne (or
    uvicorn) serving an ASGI application, or a command of its own that takes the port.
    The one launcher of the test suite and the benchmark."""

    def __init__(
        self,
        env: dict[str, str],
        log_path: Path,
        *,
        kind: str = "daphne",
        app: str = "chatsite.asgi:application",
        command: list[str] | None = None,
        port: int | None = None,
        cpu: int | None = None,
        password: str | None = None,
        cwd: Path = ROOT,
    ) -> None:
        self.port = port or free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.env = env
        self.log_path = log_path
        if command is not None:  # "{port}" in an argument stands for the port
            self.command = [argument.format(port=self.port) for argument in command]
        elif kind == "daphne":
            self.command = [sys.executable, "-m", "daphne", "-b", "127.0.0.1", "-p", str(self.port), app]
        else:
            self.command = [
                sys.executable,
                "-m",
                "uvicorn",
                app,
                "--port",
                str(self.port),
                "--log-level",
                "warning",
            ]
        self.cpu = cpu
        self.password = password  # of the users the tests log in as, if one for all
        self.cwd = cwd
        self.start()

    def start(self) -> None:
        self.log = open(self.log_path, "ab")
        cpu = self.cpu
        self.process = subprocess.Popen(
            self.command,
            cwd=self.cwd,
            env=self.env,
            stdout=self.log,
            stderr=subprocess.STDOUT,
            preexec_fn=None if cpu is None else lambda: os.sched_setaffinity(0, {cpu}),
        )
        wait_for_port(self.port, self.process)

    @property
    def pid(self) -> int:
        return self.process.pid

    def alive(self) -> bool:
        return self.process.poll() is None

    def output(self) -> str:
        return self.log_path.read_text()

    def login(self, username: str) -> str:
        """Logs username in through the login form; returns the Cookie header."""
        assert self.password is not None, "this server was started without a password"
        return login(self.base, username, self.password)

    def cpu_seconds(self) -> float:
        fields = Path(f"/proc/{self.pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def rss_bytes(self) -> int:
        for line in Path(f"/proc/{self.pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024
        raise RuntimeError("no VmRSS")

    def kill(self) -> None:
        """SIGKILL: no clean shutdown, no flush."""
        self.process.kill()
        self.process.wait()
        self.log.close()

    def stop(self) -> None:
        """SIGTERM, as a process manager stops a server; SIGKILL after 10 s."""
        stop_process(self.process)
        self.log.close()


#: A worker of a scaled-out deployment: one of several servers.
Worker = Server


def demo_server(tmp_path: Path, settings: str = "chatsite.settings", **environment: str) -> Server:
    """`manage.py demo` as the README runs it, with its own SQLite file (and settings, to
    serve the test chat apps too, and more of the environment)."""
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": settings,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'demo.sqlite3'}",
        "DEMO_PASSWORD": DEMO_PASSWORD,
        "PYTHONUNBUFFERED": "1",
        **environment,
    }
    command = [sys.executable, "manage.py", "demo", "127.0.0.1:{port}", "--noreload"]
    return Server(env, tmp_path / "server.log", command=command, password=DEMO_PASSWORD)


DEMO_PASSWORD = "test-demo-password"


def modules_after(code: str) -> set[str]:
    """The modules a fresh Python has imported once Django is set up (the demo's
    settings) and code has run: what importing something costs a project."""
    probe = (
        "import os, sys, django; os.environ['DJANGO_SETTINGS_MODULE'] = 'chatsite.settings'; django.setup()\n"
        f"{code}\nprint(' '.join(sorted(sys.modules)))"
    )
    done = subprocess.run([sys.executable, "-c", probe], check=True, cwd=ROOT, capture_output=True, text=True)
    return set(done.stdout.split())


def sqlite_worker(folder: Path, password: str, **environment: str) -> Server:
    """A daphne worker on tests.scale_settings with a SQLite file of its own in folder,
    set up as `manage.py demo` does (its users log in with password)."""
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tests.scale_settings",
        "DATABASE_URL": f"sqlite:///{folder / 'db.sqlite3'}",
        "DEMO_PASSWORD": password,
        "PYTHONUNBUFFERED": "1",
        **environment,
    }
    env.pop("REDIS_URL", None)
    subprocess.run([sys.executable, "manage.py", "demo", "--no-serve"], cwd=ROOT, env=env, check=True)
    return Server(env, folder / "worker.log", password=password)


def login(base: str, username: str, password: str, path: str = "/accounts/login/") -> str:
    """Logs in through a login form; returns the Cookie header for a socket or a request."""
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    url = f"{base}{path}"
    page = opener.open(url).read().decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
    assert token, page
    form = {"username": username, "password": password, "csrfmiddlewaretoken": token[1]}
    opener.open(urllib.request.Request(url, urllib.parse.urlencode(form).encode(), {"Referer": url}))
    cookies = {cookie.name: cookie.value for cookie in jar}
    assert "sessionid" in cookies, "login failed"
    return "; ".join(f"{name}={value}" for name, value in cookies.items())


def post_form(base: str, path: str, cookie: str, fields: dict[str, str]) -> str:
    """GETs a page with a form and POSTs it back with fields and its CSRF token."""
    url = f"{base}{path}"
    page = urllib.request.urlopen(urllib.request.Request(url, headers={"Cookie": cookie})).read().decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
    assert token, page
    data = urllib.parse.urlencode({**fields, "csrfmiddlewaretoken": token[1]}).encode()
    request = urllib.request.Request(url, data, {"Cookie": cookie, "Referer": url})
    return str(urllib.request.urlopen(request).read().decode())


def reachable(host: str, port: int) -> bool:
    try:
        with socket.create_connection((host, port), timeout=1):
            return True
    except OSError:
        return False


def postgres_available() -> bool:
    try:
        with psycopg.connect(PG_ADMIN_URL, connect_timeout=2):
            return True
    except psycopg.Error:
        return False


@contextlib.contextmanager
def postgres_database() -> Iterator[str]:
    """A PostgreSQL database of this test run's own; yields its URL, drops it after."""
    from tests.conftest import require

    require(postgres_available(), f"PostgreSQL is not reachable at {PG_ADMIN_URL}")
    name = f"chatsessions_test_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(PG_ADMIN_URL, autocommit=True) as admin:
        admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    try:
        yield PG_ADMIN_URL.rsplit("/", 1)[0] + "/" + name
    finally:
        with psycopg.connect(PG_ADMIN_URL, autocommit=True) as admin:
            admin.execute(
                sql.SQL("ALTER DATABASE {} WITH ALLOW_CONNECTIONS true").format(sql.Identifier(name))
            )
            admin.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s", [name])
            admin.execute(sql.SQL("DROP DATABASE IF EXISTS {}").format(sql.Identifier(name)))


def Chat(worker: Worker, cookie: str, path: str = "/ws/chat/probe/") -> ChatClient:
    """A test client of a chat app on a running worker, logged in by cookie; not started."""
    from chatsessions.testing import ChatClient  # not at import: the benchmark has no Django set up

    parts = path.strip("/").split("/")
    app = parts[2] if len(parts) > 2 else "default"
    return ChatClient(app, server=worker.base, cookie=cookie, start=False, timeout=10)


# -- raw HTTP, for bodies a client controls ---------------------------------------------------


class Answer:
    def __init__(self, raw: bytes, sent: int) -> None:
        self.sent = sent  # body bytes the client got out before the answer or the close
        head, _, self.body = raw.partition(b"\r\n\r\n")
        lines = head.decode("latin-1").split("\r\n")
        self.status = int(lines[0].split()[1]) if lines[0].startswith("HTTP/") else 0
        self.headers = {k.lower(): v.strip() for k, _, v in (line.partition(":") for line in lines[1:])}

    def json(self) -> dict:
        return json.loads(self.body)


def post_body(
    server, path: str, *, headers: dict[str, str], length: int | None, total: int, chunk: bytes = b"x" * 65536
) -> Answer:
    """POSTs `total` bytes of body (declared with Content-Length `length`, or chunked if
    None), stopping as soon as the server answers or closes; returns its answer."""
    connection = socket.create_connection(("127.0.0.1", server.port), timeout=30)
    # Connection: close, so that the answer's end is the connection's (no keep-alive wait).
    head = f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1:{server.port}\r\nConnection: close\r\n"
    head += "".join(f"{name}: {value}\r\n" for name, value in headers.items())
    head += f"Content-Length: {length}\r\n" if length is not None else "Transfer-Encoding: chunked\r\n"
    received = bytearray()
    finished = threading.Event()

    def read() -> None:
        try:
            while data := connection.recv(65536):
                received.extend(data)
        except OSError:
            pass
        finished.set()

    sent = 0
    try:
        connection.sendall(head.encode() + b"\r\n")
        reader = threading.Thread(target=read, daemon=True)
        reader.start()
        while sent < total and not received and not finished.is_set():
            piece = chunk[: total - sent]
            connection.sendall(piece if length is not None else b"%x\r\n%s\r\n" % (len(piece), piece))
            sent += len(piece)
        if length is None and sent >= total and not received:
            connection.sendall(b"0\r\n\r\n")
        finished.wait(30)
    except OSError:  # the server closed the connection: what did it answer?
        finished.wait(5)
    finally:
        connection.close()
    return Answer(bytes(received), sent)
