"""The practice page as a trainee sees it, driven through Playwright (a small page object for the tests)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from playwright.sync_api import Locator, Page, expect

#: How long a bot reply may take to show (the model on 2 busy cores, plus the widget's typing delay).
REPLY_TIMEOUT_MS = 60_000
#: The only request the page makes that leaves its origin: rasa-webchat's stylesheet @imports a web font.
#: The page's Content-Security-Policy blocks it, and the test aborts it too.
WIDGET_FONT_HOST = "fonts.googleapis.com"

_CSP_WATCH = """
window.__cspViolations = [];
document.addEventListener('securitypolicyviolation', function (e) {
  window.__cspViolations.push({directive: e.violatedDirective, blocked: e.blockedURI});
});
"""


@dataclass
class ChatPage:
    """One browser tab on the practice page, recording what a test must check never happens."""

    page: Page
    base_url: str
    shots: Path
    dialogs: list[str] = field(default_factory=list)
    external: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)

    @classmethod
    def open(cls, context: Any, base_url: str, shots: Path, servers: tuple[str, ...] = ()) -> ChatPage:
        """Open the page in a browser context; requests to other origins are recorded and aborted.

        Args:
            context: The Playwright browser context.
            base_url: The page.
            shots: Where screenshots go.
            servers: Other origins the page may use (the practice server, for a page that embeds the chat).
        """
        page = context.new_page()
        chat = cls(page, base_url, shots)
        origins = {urlsplit(base_url)[:2], *(urlsplit(s)[:2] for s in servers)}

        def route(r: Any) -> None:
            if urlsplit(r.request.url)[:2] in origins:
                r.continue_()
            else:
                chat.external.append(r.request.url)
                r.abort()

        page.route("**/*", route)
        page.add_init_script(_CSP_WATCH)
        page.on("dialog", lambda d: (chat.dialogs.append(d.message), d.dismiss()))
        page.on("pageerror", lambda e: chat.page_errors.append(str(e)))
        page.goto(base_url)
        return chat

    # --- what is on the page -------------------------------------------------------------------------

    def bot_bubbles(self) -> Locator:
        """The bot's text bubbles (the peer's lines and the assistant's own)."""
        return self.page.locator(".rw-response")

    def peer_bubbles(self, name: str) -> Locator:
        """The peer's lines: bot bubbles that start with the peer's name."""
        return self.page.locator(".rw-response", has_text=re.compile(rf"^\s*{re.escape(name)}:"))

    def trainee_bubbles(self) -> Locator:
        """The trainee's messages."""
        return self.page.locator(".rw-client")

    def coach_notes(self) -> Locator:
        """The coach's cards."""
        return self.page.locator(".coach-note")

    def scenario_buttons(self) -> Locator:
        """The scenario menu's buttons."""
        return self.page.get_by_role("button", name=re.compile(r"^\d+\.\s"))

    def csp_violations(self) -> list[dict[str, str]]:
        """Content-Security-Policy violations the page reported, except the widget's blocked web font."""
        found = self.page.evaluate("window.__cspViolations || []")
        return [v for v in found if WIDGET_FONT_HOST not in v.get("blocked", "")]

    def unexpected_requests(self) -> list[str]:
        """Requests that tried to leave the page's origin, except the widget's web font."""
        return [url for url in self.external if urlsplit(url).hostname != WIDGET_FONT_HOST]

    def session_id(self) -> str:
        """The conversation's id, as rasa-webchat keeps it in localStorage."""
        return str(self.page.evaluate("JSON.parse(localStorage.getItem('chat_session') || '{}').session_id"))

    # --- what a trainee does -------------------------------------------------------------------------

    def wait_for_menu(self) -> Locator:
        """Wait for the scenario menu and return its buttons."""
        buttons = self.scenario_buttons()
        expect(buttons.first).to_be_visible(timeout=REPLY_TIMEOUT_MS)
        return buttons

    def send(self, text: str) -> None:
        """Type a message and press Enter."""
        box = self.page.locator(".rw-new-message")
        box.fill(text)
        box.press("Enter")
        expect(self.trainee_bubbles().filter(has_text=text).last).to_be_visible(timeout=10_000)

    def say_and_wait(self, text: str, peer: str) -> str:
        """Send a message and wait for the peer's next line; return that line."""
        before = self.peer_bubbles(peer).count()
        self.send(text)
        expect(self.peer_bubbles(peer)).to_have_count(before + 1, timeout=REPLY_TIMEOUT_MS)
        return self.peer_bubbles(peer).last.inner_text()

    def screenshot(self, name: str) -> Path:
        """Save a screenshot of the page as results/web/<name>.png."""
        path = self.shots / f"{name}.png"
        self.page.wait_for_timeout(300)  # let the last message finish its entry animation
        self.page.screenshot(path=str(path))
        return path


def peer_name(button_text: str) -> str:
    """The peer's name from a scenario button ("1. Sam, 15: a hard time at school" -> "Sam")."""
    match = re.match(r"^\s*\d+\.\s*([^,:]+)", button_text)
    assert match, f"unexpected scenario button {button_text!r}"
    return match.group(1).strip()
