"""The web chat in a real browser: welcome, scenario buttons, the peer, the coach's card, a reload, hostile
input, and the debrief's link to the report."""

from __future__ import annotations

import json
import re
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from chat_page import REPLY_TIMEOUT_MS, ChatPage, peer_name
from e2e_support import FIGURES
from playwright.sync_api import expect
from web_support import WebStack

pytestmark = pytest.mark.e2e

DIRECTIVE = "You should just tell the teacher"
LISTENING = "That sounds really lonely."
SCRIPT = "<script>alert(1)</script>"
IMG = "<img src=x onerror=alert(2)>"
# A directive message whose flagged words carry markup: the coach's card quotes them back.
DIRECTIVE_WITH_MARKUP = "You should just tell <script>alert(3)</script> the teacher"


@pytest.fixture()
def context(browser: Any) -> Iterator[Any]:
    """A fresh browser profile (its own localStorage)."""
    ctx = browser.new_context(viewport={"width": 1000, "height": 900})
    yield ctx
    ctx.close()


def test_conversation_in_the_browser(web_stack: WebStack, context: Any, screenshots: Path,
                                     reports_dir: Path) -> None:
    started = time.monotonic()
    chat = ChatPage.open(context, web_stack.url, screenshots)
    page = chat.page

    # The welcome, then the scenario menu as buttons.
    expect(chat.bot_bubbles().filter(has_text="welcome").first).to_be_visible(timeout=REPLY_TIMEOUT_MS)
    buttons = chat.wait_for_menu()
    assert buttons.count() >= 2
    chat.screenshot("01-welcome")
    FIGURES.append(f"web chat: welcome and menu shown {time.monotonic() - started:.1f} s after opening")

    first = buttons.first
    name = peer_name(first.inner_text())
    first.click()
    expect(chat.peer_bubbles(name).first).to_be_visible(timeout=REPLY_TIMEOUT_MS)

    # A directive message: the peer answers, and the coach's card says why.
    chat.say_and_wait(DIRECTIVE, name)
    note = chat.coach_notes().last
    expect(note).to_be_visible(timeout=REPLY_TIMEOUT_MS)
    expect(note).to_have_attribute("role", "note")
    expect(note).to_have_attribute("data-kind", "flag")
    expect(note).to_contain_text("Coach")
    expect(note.locator(".coach-quote").first).to_contain_text(DIRECTIVE)
    expect(note.locator(".coach-category").first).not_to_be_empty()
    expect(note.locator(".coach-explanation").first).not_to_be_empty()
    assert note.locator(".coach-rephrasings li").count() >= 1
    # Not a speech bubble: a different element, class, role and look from the peer's lines.
    peer_line = chat.peer_bubbles(name).last
    assert "rw-response" not in (note.get_attribute("class") or "")
    assert peer_line.get_attribute("role") != "note"
    assert note.evaluate("e => getComputedStyle(e).backgroundColor") != peer_line.evaluate(
        "e => getComputedStyle(e).backgroundColor")
    assert note.evaluate("e => getComputedStyle(e).borderLeftWidth") != "0px"
    # The note arrives once, as the card (no copy of it as a text bubble).
    expect(chat.bot_bubbles().filter(has_text=re.compile(r"^\s*Coach:"))).to_have_count(0)
    chat.screenshot("02-coach-note")

    # A listening reply: the peer carries on.
    reply = chat.say_and_wait(LISTENING, name)
    assert reply.strip()
    chat.screenshot("03-listening")

    # A reload keeps the conversation (localStorage + the same session id on the server).
    session = chat.session_id()
    trainee_before = chat.trainee_bubbles().count()
    notes_before = chat.coach_notes().count()
    welcomes = chat.bot_bubbles().filter(has_text="welcome").count()
    page.reload()
    expect(chat.trainee_bubbles().filter(has_text=DIRECTIVE).first).to_be_visible(timeout=REPLY_TIMEOUT_MS)
    expect(chat.trainee_bubbles()).to_have_count(trainee_before)
    expect(chat.coach_notes()).to_have_count(notes_before)
    expect(chat.coach_notes().first.locator(".coach-quote").first).to_contain_text(DIRECTIVE)
    assert chat.session_id() == session
    # ... and the peer still knows where it was: the next line is the peer's, with no second welcome.
    chat.say_and_wait("It sounds like you're feeling really alone with this.", name)
    expect(chat.bot_bubbles().filter(has_text="welcome")).to_have_count(welcomes)
    chat.screenshot("04-after-reload")

    # Hostile input shows as literal text, in the trainee's bubble and in the coach's quote of it.
    chat.say_and_wait(SCRIPT, name)
    chat.say_and_wait(IMG, name)
    chat.say_and_wait(DIRECTIVE_WITH_MARKUP, name)
    expect(chat.trainee_bubbles().filter(has_text=SCRIPT)).to_have_count(1)
    expect(chat.trainee_bubbles().filter(has_text=IMG)).to_have_count(1)
    expect(chat.coach_notes().locator(".coach-quote", has_text="<script>alert(3)</script>")).to_have_count(1)
    assert page.locator("#webchat script, #webchat img[src='x']").count() == 0
    page.wait_for_timeout(500)
    assert chat.dialogs == [], f"a script ran: {chat.dialogs}"
    chat.screenshot("05-literal-markup")

    # The debrief links to the HTML report, opening in a new tab.
    chat.send("/feedback")
    link = page.locator(".rw-response a[href*='/reports/']").last
    expect(link).to_be_visible(timeout=REPLY_TIMEOUT_MS)
    assert link.get_attribute("target") == "_blank"
    assert "noopener" in (link.get_attribute("rel") or "")
    href = link.get_attribute("href") or ""
    assert re.fullmatch(r"/reports/[A-Za-z0-9._-]+\.html", href), href
    assert (reports_dir / href.rsplit("/", 1)[1]).is_file()
    chat.screenshot("06-feedback")
    with context.expect_page() as opened:
        link.click()
    report = opened.value
    report.wait_for_load_state()
    assert report.url == web_stack.url.rstrip("/") + href
    expect(report.locator("h1").first).to_be_visible()
    assert DIRECTIVE in report.content()
    report.screenshot(path=str(screenshots / "07-report.png"), full_page=False)

    assert chat.page_errors == []
    assert chat.csp_violations() == []
    assert chat.unexpected_requests() == []
    assert web_stack.errors() == []
    FIGURES.append(f"web chat: browser conversation test {time.monotonic() - started:.1f} s")


def test_bot_text_with_markup_stays_text(web_stack: WebStack, context: Any, screenshots: Path) -> None:
    """An unknown command is echoed by the bot: the markup in it shows as text in the bot's bubble."""
    chat = ChatPage.open(context, web_stack.url, screenshots)
    chat.wait_for_menu()
    command = "/x<b>bold</b><script>alert(4)</script>"
    chat.send(command)
    echoed = chat.bot_bubbles().filter(has_text="<script>alert(4)</script>")
    expect(echoed).to_have_count(1, timeout=REPLY_TIMEOUT_MS)
    expect(echoed.locator("b, script")).to_have_count(0)
    chat.page.wait_for_timeout(500)
    assert chat.dialogs == []
    chat.screenshot("08-bot-echo-literal")


def _texts(element: Any) -> list[str]:
    """Every string child in a React element tree (serialised to JSON in the page)."""
    if isinstance(element, str):
        return [element]
    if isinstance(element, list):
        return [t for child in element for t in _texts(child)]
    if isinstance(element, dict):
        return _texts((element.get("props") or {}).get("children"))
    return []


def _classes(element: Any) -> list[str]:
    if isinstance(element, list):
        return [c for child in element for c in _classes(child)]
    if not isinstance(element, dict):
        return []
    props = element.get("props") or {}
    return [props.get("className", ""), *_classes(props.get("children"))]


def test_coach_card_renders_every_payload_shape(web_stack: WebStack, context: Any, screenshots: Path) -> None:
    """The card for the final payload, the older one (flags without note or kind), praise, and a text message
    with extra keys; markup in any field stays a string child (React escapes it), never HTML."""
    chat = ChatPage.open(context, web_stack.url, screenshots)
    chat.wait_for_menu()
    flag = {"category": "advising", "start": 0, "end": 12, "text": "<b>You should</b>",
            "explanation": "Advice <i>unasked</i>.",
            "rephrasings": ["What have you tried?", "<script>x</script>"]}
    shapes = {
        "final": {"coach": {"text": "You should", "directive": True, "flags": [flag],
                            "note": "Coach: ...", "kind": "flag"}},
        "older": {"coach": {"text": "You should", "directive": True, "flags": [flag]}},
        "praise": {"coach": {"text": "That sounds hard.", "directive": False, "flags": [],
                             "note": "Coach: Nice reflection <u>here</u>.", "kind": "praise"}},
        "text": {"text": "Sam: <b>hi</b>", "reply_to": "m1"},
        "other": {"something": 1},
    }
    rendered = {name: chat.page.evaluate("p => JSON.stringify(PracticeCoach.PracticeMessage(p))", props)
                for name, props in shapes.items()}
    assert "dangerouslySetInnerHTML" not in "".join(rendered.values())
    trees = {name: json.loads(value) for name, value in rendered.items()}
    for name in ("final", "older"):
        assert "coach-note coach-note--flag" in _classes(trees[name])
        texts = _texts(trees[name])
        assert "\u201c<b>You should</b>\u201d" in texts and "Advising" in texts
        assert "Advice <i>unasked</i>." in texts and "<script>x</script>" in texts
        assert trees[name]["props"]["role"] == "note"
    assert "coach-note coach-note--praise" in _classes(trees["praise"])
    assert "Nice reflection <u>here</u>." in _texts(trees["praise"])
    assert "Sam: <b>hi</b>" in _texts(trees["text"])
    assert "rw-response practice-plain" in _classes(trees["text"])
    assert trees["other"] is None
