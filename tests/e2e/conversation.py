"""The practice conversation as the system tests drive it, in one place for the REST and shell tests.

Bot messages are split into the coach's (text starting "Coach:", or a custom `{"coach": ...}` payload)
and everyone else's (the peer, or the assistant's own framing such as the greeting).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from typing import Any

from e2e_support import Server, http

GREETING = "hello"
DIRECTIVE = "You should just tell your teacher."
REFLECTION = "It sounds like school has stopped feeling safe."
BAD_INPUTS = [
    "",
    "   ",
    "x" * 10_000,
    "😀🙏💔",
    "<script>alert(1)</script>",
    "/unknowncommand",
    "No sé qué decirte, lo siento mucho.",
]


def is_coach_text(message: dict[str, Any]) -> bool:
    """Whether a bot message is a coach note in text form."""
    return (message.get("text") or "").lstrip().startswith("Coach:")


def coach_payload(message: dict[str, Any]) -> dict[str, Any] | None:
    """The coach analysis carried by a custom payload, if this message has one."""
    custom = message.get("custom")
    if isinstance(custom, dict) and isinstance(custom.get("coach"), dict):
        return custom["coach"]
    return None


@dataclass
class Turn:
    """What the assistant sent back for one trainee message."""

    sent: str
    messages: list[dict[str, Any]]

    @property
    def coach_notes(self) -> list[str]:
        """Texts of the coach's notes."""
        return [m["text"] for m in self.messages if is_coach_text(m)]

    @property
    def coach_payloads(self) -> list[dict[str, Any]]:
        """Coach analyses sent as custom payloads."""
        return [p for m in self.messages if (p := coach_payload(m)) is not None]

    @property
    def other_texts(self) -> list[str]:
        """Texts that are not the coach's: the peer's replies and the assistant's framing."""
        return [m["text"] for m in self.messages if m.get("text") and not is_coach_text(m)]

    @property
    def buttons(self) -> list[dict[str, Any]]:
        """Buttons offered in this turn, in order."""
        return [b for m in self.messages for b in m.get("buttons") or []]

    @property
    def flagged(self) -> bool:
        """Whether the coach flagged the message, going by its custom payloads (sent outside the shell)."""
        return any(p.get("directive") for p in self.coach_payloads)

    def describe(self) -> str:
        """Readable dump for assertion messages."""
        return f"sent {self.sent[:60]!r}, got {self.messages!r}"


@dataclass
class RestConversation:
    """One conversation over Rasa's REST channel."""

    server: Server
    sender: str = field(default_factory=lambda: f"e2e-{uuid.uuid4().hex[:8]}")
    turns: list[Turn] = field(default_factory=list)

    def send(self, text: str) -> Turn:
        """Send one trainee message and collect every bot message of the reply."""
        status, body = http("POST", self.server.url + "/webhooks/rest/webhook",
                            {"sender": self.sender, "message": text}, timeout=60)
        assert status == 200, f"REST webhook answered {status} to {text[:60]!r}: {body!r}"
        assert isinstance(body, list), body
        turn = Turn(text, body)
        self.turns.append(turn)
        return turn

    def start_practice(self) -> Turn:
        """Greet, then pick the first scenario offered; returns the turn that opens the practice."""
        greeting = self.send(GREETING)
        assert greeting.other_texts, f"no greeting: {greeting.describe()}"
        assert "coach" in " ".join(greeting.other_texts).lower(), "the greeting should explain the coach"
        choice = greeting.buttons[0]["payload"] if greeting.buttons else "/choose_scenario"
        opening = self.send(choice)
        assert opening.other_texts, f"choosing a scenario got no reply: {opening.describe()}"
        return opening
