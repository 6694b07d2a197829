"""Files on the chat page in headless Chromium: a CSV dropped on the chat, asked for and
charted by the demo assistant; the images, text, PDF, chart and download a handler sends;
the progress of a large upload, and a refused one."""

from __future__ import annotations

import os
import re
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from playwright.sync_api import expect

from chatsessions.handler_api.elements import is_safe_url
from tests.browsing import last_reply, logged_in, say
from tests.chat_apps.files_app import png_bytes
from tests.servers import ROOT
from tests.test_files import OFF_SITE_URLS

CSV = "city,people\nParis,2102650\nLyon,522250\nNantes,323204\n"


@pytest.fixture(scope="module")
def server(test_apps_server: Any) -> Any:
    # The demo's server, with the test apps too (the files app sends every kind of element).
    return test_apps_server


@pytest.fixture
def login(browser: Any, server: Any) -> Any:
    with logged_in(browser, server) as log_in:
        yield log_in


def drop(page: Any, name: str, content: str, mime: str) -> None:
    """Drops a file on the chat, as a user dragging it from their desktop does."""
    transfer = page.evaluate_handle(
        """([name, content, mime]) => {
            const transfer = new DataTransfer();
            transfer.items.add(new File([content], name, { type: mime }));
            return transfer;
        }""",
        [name, content, mime],
    )
    chat = page.locator(".cs-chat")
    chat.dispatch_event("dragenter", {"dataTransfer": transfer})
    expect(page.locator(".cs-drop")).to_be_visible()
    chat.dispatch_event("drop", {"dataTransfer": transfer})
    expect(page.locator(".cs-drop")).to_be_hidden()


def screenshot(page: Any, name: str) -> None:
    if os.environ.get("SCREENSHOTS"):
        page.wait_for_timeout(1500)  # the PDF viewer draws in its own time, out of the page's sight
        page.screenshot(path=str(ROOT / os.environ["SCREENSHOTS"] / name), full_page=False)


def test_a_dropped_csv_is_counted_and_charted(login):
    page = login("alice", "/chat/assistant/")
    drop(page, "cities.csv", CSV, "text/csv")
    chip = page.locator(".cs-attachment")
    expect(chip).to_have_attribute("data-state", "done")
    expect(chip.locator(".cs-file-name")).to_have_text("cities.csv")
    say(page, "")  # files alone make a message
    mine = page.locator(".cs-message.cs-user").last
    expect(mine.locator(".cs-file .cs-file-name")).to_have_text("cities.csv")
    expect(page.locator(".cs-attachment")).to_have_count(0)
    expect(last_reply(page)).to_have_text("cities.csv has 3 rows and 2 columns: city, people.")
    chart = page.locator(".cs-message.cs-assistant").last.locator(".cs-chart")
    expect(chart.locator(".main-svg").first).to_be_visible(timeout=15000)  # Plotly drew it
    expect(chart.locator(".xtick")).to_have_count(3)
    expect(page.locator(".cs-chat-link", has_text="cities.csv")).to_have_count(1)  # titled by its file
    screenshot(page, "chat-csv.png")


def test_a_question_for_a_file_is_answered_by_choosing_one(login):
    page = login("alice", "/chat/assistant/")
    page.locator(".cs-starter", has_text="Chart a CSV").click()
    asking = page.locator(".cs-message.cs-asking")
    expect(asking.locator(".cs-content")).to_have_text("Which CSV? Drop it here or choose it.")
    expect(page.locator(".cs-file-input")).to_have_attribute("accept", "text/csv,.csv")
    with page.expect_file_chooser() as chooser:
        asking.locator(".cs-choose-files").click()
    chooser.value.set_files([{"name": "small.csv", "mimeType": "text/csv", "buffer": b"n\n1\n2\n"}])
    # Once uploaded, the files answer the question by themselves.
    expect(last_reply(page)).to_have_text("small.csv has 2 rows and 1 columns: n.")
    expect(page.locator(".cs-message.cs-asking")).to_have_count(0)
    expect(page.locator(".cs-choose-files")).to_have_count(0)


def test_every_kind_of_element_shows(login, server):
    page = login("alice", "/chat/files/")
    say(page, "elements")
    message = page.locator(".cs-message.cs-assistant").last
    expect(message.locator(".cs-content")).to_have_text("every kind")
    image = message.locator(".cs-element-image img").first
    expect(image).to_have_attribute("alt", "dot")
    page.wait_for_function("img => img.complete && img.naturalWidth > 0", arg=image.element_handle())
    expect(message.locator(".cs-element-text code.language-python")).to_have_text("print('hi')")
    expect(message.locator(".cs-element-text .token.string")).to_have_text("'hi'")  # highlighted
    pdf = message.locator(".cs-element-pdf iframe")
    expect(pdf).to_have_attribute("src", re.compile(r"/chat/files/[0-9a-f-]+/#page=1$"))
    response = page.request.get(server.base + pdf.get_attribute("src").split("#")[0])
    assert response.headers["content-type"] == "application/pdf"
    expect(message.locator(".cs-element-file .cs-file")).to_have_text("data.csv8 B")
    expect(message.locator(".cs-element-plotly .main-svg").first).to_be_visible(timeout=15000)
    expect(message.locator(".cs-element-image img")).to_have_count(3)  # the picture, the plot, the remote one
    message.evaluate("item => item.scrollIntoView({block: 'start'})")
    screenshot(page, "chat-elements.png")
    # A reload resumes the chat: the elements come back from the storage.
    page.reload()
    expect(page.locator(".cs-status")).to_have_text("Connected (resumed)")
    expect(page.locator(".cs-element")).to_have_count(7)


def test_a_video_and_a_sound_play_in_their_players(login):
    page = login("alice", "/chat/files/")
    say(page, "players")
    message = page.locator(".cs-message.cs-assistant").last
    expect(message.locator(".cs-content")).to_have_text("sound and video")
    for player in (message.locator("video.cs-video"), message.locator("audio.cs-audio")):
        duration = player.evaluate(
            """player => player.readyState >= 1 ? player.duration : new Promise((resolve, reject) => {
                player.addEventListener("loadedmetadata", () => resolve(player.duration));
                player.addEventListener("error", () => reject(new Error("cannot play")));
            })"""
        )
        assert duration > 0
    assert message.locator("audio.cs-audio").evaluate("audio => audio.autoplay")
    assert not message.locator("video.cs-video").evaluate("video => video.autoplay")


def test_a_large_upload_shows_its_progress_and_a_wrong_one_why_it_was_refused(login):
    page = login("alice", "/chat/files/")
    # A slow line, so that the upload takes a few seconds.
    network = page.context.new_cdp_session(page)
    network.send("Network.enable")
    network.send(
        "Network.emulateNetworkConditions",
        {"offline": False, "latency": 0, "downloadThroughput": -1, "uploadThroughput": 1024 * 1024},
    )
    page.locator(".cs-file-input").set_input_files(
        [{"name": "big.txt", "mimeType": "text/plain", "buffer": b"many words\n" * 300_000}]
    )
    bar = page.locator(".cs-attachment .cs-progress")
    midway = "bar => bar.value > 0.05 && bar.value < 0.95"
    page.wait_for_function(midway, arg=bar.element_handle())
    expect(bar).to_be_visible()
    expect(page.locator(".cs-attachment")).to_have_attribute("data-state", "done", timeout=20000)
    network.send(
        "Network.emulateNetworkConditions",
        {"offline": False, "latency": 0, "downloadThroughput": -1, "uploadThroughput": -1},
    )
    say(page, "sent")
    expect(last_reply(page)).to_contain_text("sent: big.txt text/plain 3300000")

    page.locator(".cs-file-input").set_input_files(
        [{"name": "photo.png", "mimeType": "image/png", "buffer": b"%PDF-1.4 not a picture"}]
    )
    failed = page.locator(".cs-attachment[data-state=failed]")
    expect(failed.locator(".cs-attachment-error")).to_have_text(
        "photo.png is application/pdf, not image/png as its name says"
    )
    failed.locator(".cs-remove-attachment").click()
    expect(page.locator(".cs-attachment")).to_have_count(0)
    page.locator(".cs-file-input").set_input_files(
        [{"name": "dot.png", "mimeType": "image/png", "buffer": png_bytes()}]
    )
    expect(page.locator(".cs-attachment")).to_have_attribute("data-state", "done")


def test_a_pasted_file_is_attached(login):
    page = login("alice", "/chat/files/")
    page.locator(".cs-input").evaluate(
        """input => {
            const transfer = new DataTransfer();
            transfer.items.add(new File(["a,b\\n1,2\\n"], "pasted.csv", { type: "text/csv" }));
            const options = { clipboardData: transfer, bubbles: true, cancelable: true };
            input.dispatchEvent(new ClipboardEvent("paste", options));
        }"""
    )
    expect(page.locator(".cs-attachment")).to_have_attribute("data-state", "done")
    say(page, "pasted")
    expect(last_reply(page)).to_contain_text("pasted: pasted.csv text/csv 8")


# -- URLs as Chromium reads them ---------------------------------------------------------------

SITE = "http://127.0.0.1:8000/chat/"
URL_PIECES = [
    "/",
    "\\",
    "\t",
    "\n",
    "\r",
    " ",
    "\x00",
    "\x1f",
    "e.x",
    ":",
    "http",
    "HTTPS",
    "javascript",
    "%5C",
    "%2F",
    "?",
    "#",
    "a",
]


@pytest.fixture(scope="module")
def blank_page(browser: Any) -> Any:
    context = browser.new_context()
    yield context.new_page()
    context.close()


def read_by_chromium(page: Any, url: str) -> tuple[str, str]:
    """The protocol and origin Chromium gives url on a page of SITE ("", "") if none."""
    return tuple(
        page.evaluate(
            """([url, base]) => { try { const u = new URL(url, base); return [u.protocol, u.origin]; }
                                  catch (e) { return ["", ""]; } }""",
            [url, SITE],
        )
    )


@pytest.mark.parametrize("url", OFF_SITE_URLS)
def test_chromium_reads_each_refused_url_as_another_site_or_not_http(blank_page, url):
    protocol, origin = read_by_chromium(blank_page, url)
    assert protocol not in ("http:", "https:") or origin != "http://127.0.0.1:8000"


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.sampled_from(URL_PIECES), max_size=8).map("".join))
def test_a_url_the_element_check_takes_is_http_or_a_path_of_the_site_in_chromium(blank_page, url):
    if not is_safe_url(url):
        return
    protocol, origin = read_by_chromium(blank_page, url)
    assert protocol in ("http:", "https:", ""), url  # "": no URL at all ("HTTPS:"), nothing loads
    if not protocol:
        return
    scheme_given = (
        url.strip("".join(map(chr, range(0x21)))).replace("\t", "").replace("\n", "").replace("\r", "")
    )
    if not scheme_given.lower().startswith(("http:", "https:")):
        assert origin == "http://127.0.0.1:8000", url


def test_a_long_author_name_is_cut_and_the_time_keeps_one_line(login):
    page = login("alice", "/chat/probe/")
    name = "Dr. " + "Longname" * 40
    say(page, f"author {name}")
    expect(last_reply(page)).to_have_text("signed")
    meta = page.locator(".cs-message.cs-assistant .cs-meta").last
    time_box = meta.locator("time").bounding_box()
    author_box = meta.locator(".cs-author").bounding_box()
    assert time_box["height"] < 2 * 16 and time_box["width"] > time_box["height"]  # one line, not a column
    assert author_box["width"] < page.viewport_size["width"]
    assert meta.locator(".cs-author").get_attribute("title") == name
