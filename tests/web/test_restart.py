"""`rasa run` stopped and started again on the same SQLite tracker store: the page still shows the
conversation and the peer carries on from where it was."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from chat_page import REPLY_TIMEOUT_MS, ChatPage, peer_name
from e2e_support import Server
from playwright.sync_api import expect
from web_support import WebStack

pytestmark = pytest.mark.e2e


def peer_states(db: Path, session_id: str) -> list[dict[str, Any]]:
    """Every value the peer's state took in one conversation, oldest first, read from the tracker store."""
    with sqlite3.connect(db) as connection:
        rows = connection.execute(
            "SELECT data FROM events WHERE sender_id = ? AND type_name = 'slot' ORDER BY id", (session_id,)
        ).fetchall()
    events = [json.loads(data) for (data,) in rows]
    return [e["value"] for e in events if e.get("name") == "peer_state" and isinstance(e.get("value"), dict)]


@pytest.fixture()
def own_stack(action_server: Server, web_ready: Path, reports_dir: Path, log_dir: Path,
              tmp_path_factory: pytest.TempPathFactory) -> Iterator[WebStack]:
    """A `rasa run` of this test's own, with a fresh SQLite file, that the test restarts."""
    stack = WebStack(action_port=action_server.port, model=web_ready,
                     state=tmp_path_factory.mktemp("restart"), reports=reports_dir, log_dir=log_dir)
    stack.start()
    yield stack
    stack.stop()


def test_conversation_survives_a_restart(own_stack: WebStack, browser: Any, screenshots: Path) -> None:
    context = browser.new_context(viewport={"width": 1000, "height": 900})
    try:
        chat = ChatPage.open(context, own_stack.url, screenshots)
        first = chat.wait_for_menu().first
        name = peer_name(first.inner_text())
        first.click()
        expect(chat.peer_bubbles(name).first).to_be_visible(timeout=REPLY_TIMEOUT_MS)
        chat.say_and_wait("That sounds really lonely.", name)
        chat.say_and_wait("It sounds like it's been building up for a while.", name)
        session = chat.session_id()
        before = peer_states(own_stack.db, session)
        assert before and before[-1]["turns"] == 2, before
        trainee = chat.trainee_bubbles().count()
        peer_lines = chat.peer_bubbles(name).count()
        welcomes = chat.bot_bubbles().filter(has_text="welcome").count()

        own_stack.stop()
        own_stack.start()

        chat.page.reload()
        expect(chat.trainee_bubbles()).to_have_count(trainee, timeout=REPLY_TIMEOUT_MS)
        expect(chat.peer_bubbles(name)).to_have_count(peer_lines)
        assert chat.session_id() == session
        # The peer continues the same conversation: its state moves on from the one stored before the
        # restart (one more trainee turn), and its reply is a line of the same peer.
        chat.say_and_wait("What's that been like for you?", name)
        after = peer_states(own_stack.db, session)
        assert after[: len(before)] == before
        assert after[-1]["turns"] == before[-1]["turns"] + 1, after[-1]
        expect(chat.bot_bubbles().filter(has_text="welcome")).to_have_count(welcomes)
        chat.screenshot("09-after-restart")
        assert chat.dialogs == []
        assert own_stack.errors() == []
    finally:
        context.close()
