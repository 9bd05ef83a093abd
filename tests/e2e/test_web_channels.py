"""The web chat's wire: the Socket.IO and REST channels of the real `rasa run`, with good and bad input.

Checks what a browser (or anything else on the network) can send: retries with the same message id are
answered again but processed once, malformed or oversized input gets a 4xx or is dropped without harming
the conversation, and pages from other origins cannot open a socket.
"""

from __future__ import annotations

import json
import threading
import time
import uuid
from pathlib import Path
from typing import Any

import pytest
import socketio
from e2e_support import ROOT, Server, http

SCENARIO = "bullied_at_school"
REPLY_TIMEOUT = 30.0


class Trainee:
    """A Socket.IO client holding one practice session, as the web widget does."""

    def __init__(self, server: Server, transport: str = "polling", origin: str | None = None) -> None:
        self.url = f"http://127.0.0.1:{server.port}"
        self.session_id = uuid.uuid4().hex
        self.client = socketio.Client(reconnection=False)
        self.received: list[dict[str, Any]] = []
        self.changed = threading.Condition()
        self.confirmed = threading.Event()
        self.client.on("session_confirm", lambda _data: self.confirmed.set())
        self.client.on("bot_uttered", self._on_bot)
        headers = {"Origin": origin} if origin else {}
        self.client.connect(self.url, headers=headers, transports=[transport], socketio_path="/socket.io",
                            wait_timeout=10)
        self.client.emit("session_request", {"session_id": self.session_id})
        assert self.confirmed.wait(10), "no session_confirm"

    def _on_bot(self, data: dict[str, Any]) -> None:
        with self.changed:
            self.received.append(data)
            self.changed.notify_all()

    def emit_raw(self, payload: Any) -> None:
        """Send anything as a user_uttered event."""
        self.client.emit("user_uttered", payload)

    def say(self, text: str, message_id: str | None = None, until: str | None = None) -> list[dict[str, Any]]:
        """Send a message and collect the replies until one's text starts with ``until`` (or 2 s of quiet).

        Args:
            text: The message.
            message_id: The client's id for it (rasa-webchat sends none; retrying clients do).
            until: A text prefix marking the last reply expected (e.g. the peer's name).

        Returns:
            The bot messages received for it.
        """
        start = len(self.received)
        payload: dict[str, Any] = {"message": text, "session_id": self.session_id}
        if message_id:
            payload["customData"] = {"message_id": message_id}
        self.client.emit("user_uttered", payload)
        deadline = time.monotonic() + REPLY_TIMEOUT
        quiet_since = time.monotonic()
        seen = start
        with self.changed:
            while time.monotonic() < deadline:
                new = self.received[start:]
                if until and any(str(m.get("text", "")).startswith(until) for m in new):
                    time.sleep(0.3)  # anything sent after the peer's line would be a bug: let it arrive
                    return self.received[start:]
                if len(self.received) != seen:
                    seen, quiet_since = len(self.received), time.monotonic()
                elif not until and time.monotonic() - quiet_since > 2.0 and new:
                    return new
                self.changed.wait(0.2)
        raise AssertionError(f"no reply to {text!r} within {REPLY_TIMEOUT} s; got {self.received[start:]}")

    def close(self) -> None:
        """Disconnect."""
        self.client.disconnect()


@pytest.fixture
def trainee(rasa_server: Server) -> Any:
    """A connected trainee who has picked Sam."""
    person = Trainee(rasa_server)
    person.say(f'/start{{"scenario": "{SCENARIO}"}}', until="Sam:")
    yield person
    person.close()


def peer_lines(messages: list[dict[str, Any]]) -> list[str]:
    """The peer's lines among the replies."""
    return [m["text"] for m in messages if str(m.get("text", "")).startswith("Sam:")]


def coach_cards(messages: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The coach's cards among the replies."""
    return [m["coach"] for m in messages if isinstance(m.get("coach"), dict)]


@pytest.mark.parametrize("transport", ["polling", "websocket"])
def test_a_flagged_message_gets_one_coach_card_then_the_peer(rasa_server: Server, transport: str) -> None:
    person = Trainee(rasa_server, transport)
    try:
        person.say(f'/start{{"scenario": "{SCENARIO}"}}', until="Sam:")
        replies = person.say("You should just tell a teacher.", until="Sam:")
    finally:
        person.close()

    cards = coach_cards(replies)
    assert len(cards) == 1 and cards[0]["kind"] == "flag", replies
    assert cards[0]["flags"][0]["category"] == "advising"
    assert cards[0]["note"].startswith("Coach:")
    assert not any(str(m.get("text", "")).startswith("Coach:") for m in replies), "the note came twice"
    assert replies.index(next(m for m in replies if "coach" in m)) < replies.index(
        next(m for m in replies if str(m.get("text", "")).startswith("Sam:")))
    assert len(peer_lines(replies)) == 1


def test_a_retried_message_is_answered_again_but_processed_once(trainee: Trainee, reports: Path) -> None:
    first = trainee.say("That sounds really lonely.", "m-1", until="Sam:")
    retry = trainee.say("That sounds really lonely.", "m-1", until="Sam:")
    second = trainee.say("What's been the hardest part?", "m-2", until="Sam:")

    assert all(m.get("reply_to") == "m-1" for m in first) and len(peer_lines(first)) == 1
    assert retry == first, "a retry gets the recorded replies, not new ones"
    assert all(m.get("reply_to") == "m-2" for m in second)

    trainee.say("/feedback")
    report = json.loads(next(reports.glob(f"*-{trainee.session_id}.json")).read_text(encoding="utf-8"))
    assert [t["text"] for t in report["turns_detail"] if t["speaker"] == "trainee"] == [
        "That sounds really lonely.", "What's been the hardest part?"]


@pytest.mark.parametrize("payload", [
    "just a string", 42, ["a", "list"], None,
    {"message": 5, "session_id": "SID"},
    {"message": "hi", "session_id": "../../etc/passwd"},
    {"message": "hi", "session_id": "SID", "customData": {"message_id": {"not": "an id"}}},
])
def test_malformed_socket_messages_are_dropped_and_the_conversation_goes_on(trainee: Trainee,
                                                                           payload: Any) -> None:
    if isinstance(payload, dict) and payload.get("session_id") == "SID":
        payload = {**payload, "session_id": trainee.session_id}
    before = len(trainee.received)
    trainee.emit_raw(payload)
    time.sleep(1.0)
    assert len(trainee.received) == before, f"a dropped message got replies: {trainee.received[before:]}"
    assert peer_lines(trainee.say("How are you feeling today?", until="Sam:"))


def test_unreadable_metadata_is_ignored_not_fatal(trainee: Trainee) -> None:
    trainee.emit_raw({"message": "How was today?", "session_id": trainee.session_id, "customData": "{oops"})
    deadline = time.monotonic() + REPLY_TIMEOUT
    while time.monotonic() < deadline and not peer_lines(trainee.received[-3:]):
        time.sleep(0.2)
    assert peer_lines(trainee.received[-3:])


def test_an_overlong_message_gets_a_note_not_the_peer(trainee: Trainee) -> None:
    replies = trainee.say("word " * 5000)

    assert len(replies) == 1 and "too long" in replies[0]["text"] and "20,000" in replies[0]["text"]
    assert peer_lines(trainee.say("Sorry, what was that like?", until="Sam:"))


def test_an_oversized_socket_packet_is_refused_without_harm(rasa_server: Server) -> None:
    person = Trainee(rasa_server)
    try:
        person.emit_raw({"message": "x" * 400_000, "session_id": person.session_id})
        time.sleep(1.5)
    finally:
        person.client.disconnect()
    assert person.received == []
    assert Trainee(rasa_server).say("/greet"), "the server still answers"


@pytest.mark.parametrize(("origin", "allowed"),
                         [("http://evil.example", False), (None, True), ("SELF", True)])
def test_only_the_pages_own_origin_may_open_a_socket(rasa_server: Server, origin: str | None,
                                                     allowed: bool) -> None:
    if origin == "SELF":
        origin = f"http://127.0.0.1:{rasa_server.port}"
    if allowed:
        Trainee(rasa_server, origin=origin).close()
    else:
        with pytest.raises(socketio.exceptions.ConnectionError):
            Trainee(rasa_server, origin=origin)


@pytest.mark.parametrize(("body", "status"), [
    (b"{not json", 400),
    (b"[1, 2]", 400),
    (b'"text"', 400),
    (b'{"sender": 5, "message": "hi"}', 400),
    (b'{"sender": "s1", "message": {"text": "hi"}}', 400),
    (b'{"sender": "s1", "message": "hi", "metadata": "x"}', 400),
    (json.dumps({"sender": "s1", "message": "x" * 30_000}).encode(), 413),
])
def test_malformed_rest_requests_get_a_4xx(rasa_server: Server, body: bytes, status: int) -> None:
    import urllib.error
    import urllib.request

    request = urllib.request.Request(f"http://127.0.0.1:{rasa_server.port}/webhooks/rest/webhook", data=body,
                                     headers={"Content-Type": "application/json"}, method="POST")
    with pytest.raises(urllib.error.HTTPError) as error:
        urllib.request.urlopen(request, timeout=30)
    assert error.value.code == status
    code, replies = http("POST", f"http://127.0.0.1:{rasa_server.port}/webhooks/rest/webhook",
                         {"sender": "after-bad-input", "message": "/greet"})
    assert code == 200 and replies


@pytest.fixture
def reports() -> Path:
    """Where `make e2e` has the action server write reports."""
    import os

    return ROOT / os.environ.get("PRACTICE_REPORTS_DIR", "reports")
