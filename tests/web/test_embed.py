"""The README's embed snippet on another site's page: the chat works there once that site is allowed.

A coordinator copies the snippet into a page of their own site, a different origin from the practice server.
This serves exactly the README's snippet from a second local server and drives it in Chromium: with the
site's origin allowed the trainee gets the welcome, the menu, the peer and the coach's card; from a site
that is not allowed the server refuses the chat's connection.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Iterator
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from chat_page import REPLY_TIMEOUT_MS, ChatPage, peer_name
from conftest import make_stack
from e2e_support import ROOT, Server, free_port
from playwright.sync_api import expect
from web_support import WebStack

pytestmark = pytest.mark.e2e

PLACEHOLDER = "https://practice.example.org"


def readme_snippet() -> str:
    """The embed snippet the README shows coordinators (the first html block of "The web chat")."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("## The web chat", 1)[1].split("\n## ", 1)[0]
    match = re.search(r"```html\n(.*?)```", section, re.S)
    assert match, "README's web chat section has no html snippet for coordinators"
    assert PLACEHOLDER in match.group(1)
    return match.group(1)


class Site:
    """A coordinator's own site: a static server on its own loopback port, serving one page."""

    def __init__(self, folder: Path) -> None:
        self.port = free_port()
        handler = partial(SimpleHTTPRequestHandler, directory=str(folder))
        self.httpd = ThreadingHTTPServer(("127.0.0.1", self.port), handler)
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    @property
    def origin(self) -> str:
        """The site's origin."""
        return f"http://127.0.0.1:{self.port}"

    def close(self) -> None:
        """Stop serving."""
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture(scope="module")
def sites(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, Site, Site]]:
    """The page folder, an allowed site and one that is not allowed (both serve the same page)."""
    folder = tmp_path_factory.mktemp("coordinator-site")
    allowed, other = Site(folder), Site(folder)
    yield folder, allowed, other
    allowed.close()
    other.close()


@pytest.fixture(scope="module")
def embed_stack(action_server: Server, web_ready: Path, reports_dir: Path, log_dir: Path,
                tmp_path_factory: pytest.TempPathFactory,
                sites: tuple[Path, Site, Site]) -> Iterator[WebStack]:
    """`rasa run` that allows the coordinator's site (and only it) to embed the chat."""
    _folder, allowed, _other = sites
    stack = make_stack(action_server, web_ready, reports_dir, log_dir, tmp_path_factory)
    stack.allowed_origins = [allowed.origin]
    stack.start()
    yield stack
    stack.stop()


def write_page(folder: Path, server: str) -> None:
    """The coordinator's page: a heading of their own and the README's snippet, pointed at the server."""
    snippet = readme_snippet().replace(PLACEHOLDER, server.rstrip("/"))
    (folder / "practice.html").write_text(
        "<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'><title>Our training</title></head>"
        f"<body><h1>Our training site</h1>{snippet}</body></html>", encoding="utf-8")


@pytest.fixture()
def context(browser: Any) -> Iterator[Any]:
    """A fresh browser profile."""
    ctx = browser.new_context(viewport={"width": 1000, "height": 900})
    yield ctx
    ctx.close()


def test_the_readme_snippet_works_on_an_allowed_site(embed_stack: WebStack, sites: tuple[Path, Site, Site],
                                                     context: Any, screenshots: Path) -> None:
    folder, allowed, _ = sites
    write_page(folder, embed_stack.url)
    chat = ChatPage.open(context, f"{allowed.origin}/practice.html", screenshots, servers=(embed_stack.url,))

    expect(chat.page.get_by_role("heading", name="Our training site")).to_be_visible()
    buttons = chat.wait_for_menu()
    name = peer_name(buttons.first.inner_text())
    buttons.first.click()
    expect(chat.peer_bubbles(name).first).to_be_visible(timeout=REPLY_TIMEOUT_MS)
    chat.say_and_wait("You should just tell the teacher", name)
    expect(chat.coach_notes().last).to_be_visible(timeout=REPLY_TIMEOUT_MS)
    expect(chat.coach_notes().last).to_contain_text("Advising")
    chat.screenshot("10-embedded-on-another-site")

    assert chat.page_errors == []
    assert chat.dialogs == []
    assert chat.unexpected_requests() == []
    assert embed_stack.errors() == []


def test_a_site_that_is_not_allowed_cannot_open_the_chat(embed_stack: WebStack,
                                                         sites: tuple[Path, Site, Site], context: Any,
                                                         screenshots: Path) -> None:
    folder, _, other = sites
    write_page(folder, embed_stack.url)
    chat = ChatPage.open(context, f"{other.origin}/practice.html", screenshots, servers=(embed_stack.url,))

    expect(chat.page.get_by_role("heading", name="Our training site")).to_be_visible()
    chat.page.wait_for_timeout(8_000)  # the welcome takes ~5 s on an allowed site
    # The browser itself gives up (no CORS header for this origin); the server would refuse the socket too
    # (tests/e2e/test_web_channels.py). Either way no conversation starts.
    assert chat.bot_bubbles().count() == 0
    assert chat.scenario_buttons().count() == 0
