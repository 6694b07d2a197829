"""A project of a user's own in production, from docs/deployment.md word for word: the
runtime-only install, the production settings block on top of the quickstart's, `check
--deploy`, the loopback trial with DEBUG off (on SQLite, and on PostgreSQL with Redis),
and the systemd units (`systemd-analyze verify`, then their command lines run)."""

from __future__ import annotations

import contextlib
import re
import secrets
import shutil
import subprocess
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.browsing import last_reply, say
from tests.conftest import require
from tests.documented import block
from tests.fresh_project import NOT_FOR_WORKERS, fresh_project, run
from tests.servers import Chat, Server, login, postgres_database, reachable

PAGE = "docs/deployment.md"
PASSWORD = "own-production-password"


@pytest.fixture(scope="module")
def project(tmp_path_factory):
    """The quickstart's project, installed for production and with the production block
    added to its settings."""
    install = block("tests/test_own_production.py", PAGE)
    root, env, venv = fresh_project(tmp_path_factory.mktemp("own"), install)
    with open(root / "myproject" / "settings.py", "a") as settings:
        settings.write("\n" + block("own-settings", PAGE))
    return root, env, venv


def python(venv: Path) -> str:
    return str(venv / "bin" / "python")


def test_a_worker_gets_the_runtime_alone(project):
    root, env, venv = project
    probe = f"import importlib.util as u; print([m for m in {NOT_FOR_WORKERS!r} if u.find_spec(m)])"
    assert run([python(venv), "-c", probe], root, env).strip() == "[]"
    for module in ("daphne", "channels_redis", "psycopg", "dj_database_url", "whitenoise"):
        run([python(venv), "-c", f"import {module}"], root, env)


def test_check_deploy_reports_nothing_with_the_production_variables(project, tmp_path):
    root, env, venv = project
    key = tmp_path / "secret-key"
    key.write_text(secrets.token_urlsafe(50))
    exports = block("tests/test_deployment.py", PAGE).replace("/etc/chat/secret-key", str(key))
    script = f"{exports}\nexec {python(venv)} manage.py check --deploy --fail-level WARNING\n"
    output = run(["bash", "-c", script], root, env)
    assert "System check identified no issues" in output
    # Without the variables, the development defaults: DEBUG on, which --deploy reports.
    result = subprocess.run(
        [python(venv), "manage.py", "check", "--deploy"], cwd=root, env=env, capture_output=True, text=True
    )
    assert "security.W018" in result.stderr + result.stdout  # DEBUG on


def loopback_trial(root: Path, env: dict[str, str], log: Path) -> Server:
    """The loopback block run as written, on a free port for its 8001: the shell lines up
    to daphne's, then daphne with the environment they exported."""
    lines = block("own-loopback", PAGE).strip().splitlines()
    serve = lines.pop()
    assert serve.startswith("daphne -b 127.0.0.1 -p 8001 "), serve
    # The exports, migrate and collectstatic; then the environment they left.
    dump = run(["bash", "-c", "set -e\n" + "\n".join(lines) + "\nenv -0"], root, env)
    exported = dict(item.split("=", 1) for item in dump.split("\0") if "=" in item)
    # (A child's program is looked up on the PATH of its own environment: the virtualenv's.)
    return Server(exported, log, command=serve.replace("-p 8001", "-p {port}").split(), cwd=root)


@pytest.mark.parametrize("backing", ["sqlite", "postgres-redis"])
def test_the_loopback_trial_serves_the_chat_with_debug_off(project, backing, browser, tmp_path):
    root, env, venv = project
    env = {**env, "DJANGO_STATIC_ROOT": str(tmp_path / "static")}
    with backing_services(backing, tmp_path) as services:
        env.update(services)
        server = loopback_trial(root, env, tmp_path / "server.log")
        try:
            create_user(root, {**env, "DJANGO_DEBUG": "0"}, venv, "dora", staff=True)
            page = browser.new_page()
            failed: list[str] = []
            page.on("response", lambda response: response.status >= 400 and failed.append(response.url))
            page.goto(server.base + "/chat/")
            page.fill("#id_username", "dora")
            page.fill("#id_password", PASSWORD)
            page.click("button[type=submit]")
            expect(page.locator(".cs-status")).to_have_attribute("data-state", "connected")
            for n in (1, 2):
                say(page, f"message {n}")
                expect(last_reply(page)).to_have_text(f"You sent {n} message(s)!")
            # collectstatic's hashed copies, from WhiteNoise in the ASGI server itself.
            script = page.locator("script[src*='chat.']").get_attribute("src")
            assert re.search(r"/static/chatsessions/chat\.[0-9a-f]{12}\.js$", script or ""), script
            page.goto(server.base + "/admin/chatsessions/chatsession/")
            expect(page.locator("#result_list")).to_contain_text("dora")
            assert failed == [], failed  # the admin's styles and scripts too, from WhiteNoise
            page.close()
        finally:
            server.stop()
    assert "Traceback" not in server.output()


@contextlib.contextmanager
def backing_services(backing: str, folder: Path) -> Iterator[dict[str, str]]:
    """The trial's database and channel layer: SQLite in folder and the in-memory layer;
    or a PostgreSQL database of the test's own and Redis, under a prefix of its own."""
    if backing == "sqlite":
        yield {"DATABASE_URL": f"sqlite:///{folder / 'db.sqlite3'}"}
        return
    require(reachable("127.0.0.1", 6379), "Redis is not reachable at 127.0.0.1:6379")
    with postgres_database() as url:
        yield {
            "DATABASE_URL": url,
            "REDIS_URL": "redis://127.0.0.1:6379/0",
            "CHANNEL_PREFIX": f"own-{uuid.uuid4().hex[:8]}",
        }


def create_user(root: Path, env: dict[str, str], venv: Path, username: str, staff: bool = False) -> None:
    make = f"create_superuser({username!r}, email=''" if staff else f"create_user({username!r}"
    code = f"from django.contrib.auth.models import User; User.objects.{make}, password={PASSWORD!r})"
    run([python(venv), "manage.py", "shell", "-c", code], root, env)


def unit_files(root: Path, folder: Path, env_file: Path) -> Path:
    """The three documented units, as installed for a project in root reading env_file."""
    units = folder / "units"
    units.mkdir()
    for name, marker in (
        ("chat@.service", "systemd-worker"),
        ("chat-reap.service", "systemd-reap"),
        ("chat-reap.timer", "systemd-timer"),
    ):
        text = block(marker, PAGE).replace("/srv/chat", str(root)).replace("/etc/chat/env", str(env_file))
        (units / name).write_text(text)
    return units


def setting(unit: str, key: str) -> str:
    found = re.search(rf"^{key}=(.*)$", unit, re.M)
    assert found, key
    return found[1]


def test_the_systemd_units_verify_and_their_command_lines_run(project, tmp_path):
    root, env, venv = project
    require(shutil.which("systemd-analyze") is not None, "systemd-analyze is not installed")
    # The documented environment file names the same variables as the documented exports.
    documented = dict(line.split("=", 1) for line in block("systemd-env", PAGE).strip().splitlines())
    exported = set(re.findall(r"\b([A-Z_]+)=", block("tests/test_deployment.py", PAGE)))
    assert set(documented) == exported
    # On loopback, with a database of the test's own:
    env_file = tmp_path / "env"
    loopback = {
        "DJANGO_DEBUG": "0",
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        "DJANGO_STATIC_ROOT": str(tmp_path / "static"),
    }
    env_file.write_text("".join(f"{key}={value}\n" for key, value in loopback.items()))
    units = unit_files(root, tmp_path, env_file)
    if not (root / ".venv").exists():  # the units' virtualenv: the project's .venv
        (root / ".venv").symlink_to(venv)
    names = [
        str(units / "chat@8001.service"),
        str(units / "chat-reap.service"),
        str(units / "chat-reap.timer"),
    ]
    verified = subprocess.run(["systemd-analyze", "verify", *names], capture_output=True, text=True)
    assert verified.returncode == 0 and verified.stderr.strip() == "", verified.stderr
    # What systemd would run: the worker's ExecStart in its WorkingDirectory, with the
    # EnvironmentFile's variables; then the reaper's.
    worker_unit = (units / "chat@.service").read_text()
    assert setting(worker_unit, "WorkingDirectory") == str(root)
    service_env = {**env, **loopback}
    for command in (["migrate", "-v0"], ["collectstatic", "--noinput", "-v0"]):
        run([python(venv), "manage.py", *command], root, service_env)
    create_user(root, service_env, venv, "erin")
    command = setting(worker_unit, "ExecStart").replace("%i", "{port}").split()
    worker = Server(service_env, tmp_path / "worker.log", command=command, cwd=root)
    try:
        cookie = login(worker.base, "erin", PASSWORD)
        # The sync client: Playwright's loop may be running in this thread.
        with Chat(worker, cookie, path="/ws/chat/") as chat:
            chat.start()
            reply = chat.send("hello")
            assert reply is not None and reply.content == "You sent 1 message(s)!"
    finally:
        worker.stop()
    reap = setting((units / "chat-reap.service").read_text(), "ExecStart").split()
    output = run(reap, root, service_env)
    assert "Traceback" not in output
    assert worker.process.returncode == 0, worker.output()  # SIGTERM: a clean stop
