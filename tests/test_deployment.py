"""Production as docs/deployment.md sets it up: the documented variables, collectstatic with DEBUG
off, the demo command under the autoreloader."""

from __future__ import annotations

import os
import re
import secrets
import shutil
import signal
import subprocess
import sys
import time

from playwright.sync_api import expect

from tests.browsing import last_reply, say
from tests.documented import block
from tests.fresh_project import NOT_FOR_WORKERS, clean_environment, run
from tests.servers import ROOT, Chat, Server, free_port, login, wait_for_port

DOCS = (ROOT / "docs" / "deployment.md").read_text()


def test_check_deploy_reports_nothing_with_the_readmes_production_variables(tmp_path):
    key = tmp_path / "secret-key"
    key.write_text(secrets.token_urlsafe(50))
    exports = block("tests/test_deployment.py", "docs/deployment.md")
    script = exports.replace("/etc/chat/secret-key", str(key))
    script += f"\nexec {sys.executable} manage.py check --deploy --fail-level WARNING\n"
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "DATABASE_", "REDIS_"))
    }
    result = subprocess.run(["bash", "-c", script], cwd=ROOT, env=env, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_the_demo_sets_up_once_under_the_autoreloader(tmp_path):
    port = free_port()
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}", "PYTHONUNBUFFERED": "1"}
    with open(tmp_path / "demo.log", "wb") as log:
        # A session of its own: the autoreloader's child goes with it.
        demo = subprocess.Popen(
            [sys.executable, "manage.py", "demo", f"127.0.0.1:{port}"],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        try:
            wait_for_port(port, demo)
            time.sleep(1)
        finally:
            os.killpg(demo.pid, signal.SIGTERM)
            demo.wait(10)
    assert (tmp_path / "demo.log").read_text().count("Demo ready at") == 1


def test_with_debug_off_the_asgi_server_serves_the_collected_static_files(browser, tmp_path):
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "chatsite.settings",
        "DJANGO_DEBUG": "0",
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        "DJANGO_STATIC_ROOT": str(tmp_path / "static"),
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        "DEMO_PASSWORD": "static-password",
    }
    for command in (["demo", "--no-serve"], ["collectstatic", "--noinput", "-v0"]):
        subprocess.run([sys.executable, "manage.py", *command], cwd=ROOT, env=env, check=True)
    server = Server(env, tmp_path / "server.log", password="static-password")
    try:
        page = browser.new_page()
        failed = []
        page.on("response", lambda response: response.status >= 400 and failed.append(response.url))
        page.goto(server.base + "/chat/")
        page.fill("#id_username", "alice")
        page.fill("#id_password", "static-password")
        page.click("button[type=submit]")
        expect(page.locator(".cs-status")).to_have_attribute("data-state", "connected")
        say(page, "hi")
        expect(last_reply(page)).to_have_text("You sent 1 message(s)!")
        # The hashed copies collectstatic made, served by the ASGI server itself.
        script = page.locator("script[src*='chat.']").get_attribute("src")
        assert re.search(r"/static/chatsessions/chat\.[0-9a-f]{12}\.js$", script or ""), script
        assert page.evaluate("getComputedStyle(document.querySelector('.cs-composer')).display") != "inline"
        assert failed == []
        page.close()
    finally:
        server.stop()


def test_the_demo_runs_in_production_from_its_own_requirements(tmp_path):
    """docs/deployment.md's install for the demo's production: chatsite/requirements.txt
    alone, with none of the tests' tools, serves the demo with DEBUG off."""
    folder = tmp_path / "demo"
    shutil.copytree(ROOT, folder, ignore=shutil.ignore_patterns(".*", "__pycache__", "*.sqlite3*", "tests"))
    env = clean_environment()
    install = re.search(r"`(python3\.11 -m venv \.venv && [^`]*chatsite/requirements\.txt)`", DOCS)
    assert install, "docs/deployment.md lost the demo's production install"
    # The README's demo command installs the same, then runs the demo.
    readme = (ROOT / "README.md").read_text()
    demo_command = f"{install[1].replace('pip install', 'pip install -q')} && .venv/bin/python manage.py demo"
    assert demo_command in readme
    run(["bash", "-c", install[1].replace("python3.11", sys.executable)], folder, env)
    python = str(folder / ".venv" / "bin" / "python")
    probe = f"import importlib.util as u; print([m for m in {NOT_FOR_WORKERS!r} if u.find_spec(m)])"
    assert run([python, "-c", probe], folder, env).strip() == "[]"
    env.update(
        DJANGO_DEBUG="0",
        DJANGO_ALLOWED_HOSTS="127.0.0.1",
        DJANGO_STATIC_ROOT=str(tmp_path / "static"),
        DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}",
        DEMO_PASSWORD="requirements-password",
    )
    for command in (["demo", "--no-serve"], ["collectstatic", "--noinput", "-v0"]):
        run([python, "manage.py", *command], folder, env)
    daphne = [python, "-m", "daphne", "-b", "127.0.0.1", "-p", "{port}", "chatsite.asgi:application"]
    server = Server(env, tmp_path / "server.log", command=daphne, cwd=folder)
    try:
        cookie = login(server.base, "alice", "requirements-password")
        with Chat(server, cookie, path="/ws/chat/") as chat:
            chat.start()
            reply = chat.send("hi")
            assert reply is not None and reply.content == "You sent 1 message(s)!"
    finally:
        server.stop()
