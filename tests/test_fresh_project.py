"""A new user's Django project, built from the README word for word: the package installed
into a fresh virtualenv, `startproject`, the README's blocks applied, and a user who is
not staff logging in through the login page and counting to 3 in Chromium."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.browsing import last_reply, say
from tests.documented import block
from tests.fresh_project import fresh_project, run
from tests.servers import Server

PASSWORD = "fresh-project-password"


@pytest.fixture(scope="module")
def project(tmp_path_factory):
    """The project, with the package installed as the README says; yields its folder, the
    environment of its virtualenv and the virtualenv."""
    return fresh_project(tmp_path_factory.mktemp("fresh"), block("install"))


def test_the_readmes_steps_make_a_project_that_checks_clean(project):
    root, env, venv = project
    output = run([str(venv / "bin" / "python"), "manage.py", "check"], root, env)
    assert "System check identified no issues" in output


def test_a_user_who_is_not_staff_logs_in_and_counts_to_three(project, browser):
    root, env, venv = project
    python = str(venv / "bin" / "python")
    steps = block("run")
    assert steps.splitlines()[0] == "python manage.py migrate"
    run([python, "manage.py", "migrate", "-v0"], root, env)
    user = "from django.contrib.auth.models import User; User.objects.create_user"
    create = f"{user}('carol', password='{PASSWORD}')"
    run([python, "manage.py", "shell", "-c", create], root, env)
    assert "python manage.py runserver" in steps
    port_server = Server(
        env,
        root / "server.log",
        command=[python, "manage.py", "runserver", "--noreload", "127.0.0.1:{port}"],
        cwd=root,
    )
    try:
        page = browser.new_page()
        page.goto(port_server.base + "/chat/")
        expect(page).to_have_url(re.compile(r"/accounts/login/\?next=/chat/$"))
        page.fill("#id_username", "carol")
        page.fill("#id_password", PASSWORD)
        page.click("button[type=submit]")
        expect(page).to_have_url(port_server.base + "/chat/")
        expect(page.locator(".cs-status")).to_have_attribute("data-state", "connected")
        for n in range(1, 4):
            say(page, f"message {n}")
            expect(last_reply(page)).to_have_text(f"You sent {n} message(s)!")
        # The shipped page: the window exactly (no body margin to scroll by), who is
        # logged in, and no favicon asked for (no 404 on every page).
        assert page.evaluate("document.documentElement.scrollHeight <= innerHeight")
        expect(page.locator(".cs-account-name")).to_have_text("carol")
        assert "favicon.ico" not in port_server.output()
        phone_checks(browser, page)
        # Log out is a POST (Django 5), back to the login page; the chat asks to log in.
        # (The chat's socket, closed by the logout, may send the page there first, with
        # ?next=: either way the user is at the login page.)
        page.locator(".cs-account button", has_text="Log out").click()
        expect(page).to_have_url(re.compile(r"/accounts/login/(\?next=%2Fchat%2F)?$"))
        page.goto(port_server.base + "/chat/")
        expect(page).to_have_url(re.compile(r"/accounts/login/\?next=/chat/$"))
        # A login without ?next= lands on the chat too (LOGIN_REDIRECT_URL).
        page.context.clear_cookies()
        page.goto(port_server.base + "/accounts/login/")
        page.fill("#id_username", "carol")
        page.fill("#id_password", PASSWORD)
        page.click("button[type=submit]")
        expect(page).to_have_url(port_server.base + "/chat/")
        page.close()
    finally:
        port_server.stop()


def phone_checks(browser, page):
    """On a phone: the status dot shares the title's line, and the open chat list has a
    backdrop over the chat (Send is under it), which a tap closes."""
    phone = browser.new_page(viewport={"width": 390, "height": 760})
    phone.context.add_cookies(page.context.cookies())
    phone.goto(page.url)
    expect(phone.locator(".cs-status")).to_have_attribute("data-state", "connected")
    title, status = phone.locator(".cs-title").bounding_box(), phone.locator(".cs-status").bounding_box()
    assert abs((title["y"] + title["height"] / 2) - (status["y"] + status["height"] / 2)) < 8, (title, status)
    assert phone.evaluate("document.documentElement.scrollHeight <= innerHeight")
    phone.locator(".cs-show-sidebar").click()
    send = phone.locator(".cs-send").bounding_box()
    on_top = phone.evaluate(
        "([x, y]) => document.elementFromPoint(x, y).className",
        [send["x"] + send["width"] / 2, send["y"] + 5],
    )
    assert on_top == "cs-app", on_top  # the backdrop (the app's ::after), not Send
    phone.mouse.click(send["x"] + send["width"] / 2, send["y"] + 5)
    expect(phone.locator(".cs-app")).to_have_attribute("data-sidebar", "closed")
    phone.close()
