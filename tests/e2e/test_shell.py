"""Smoke test of the real `rasa shell` in a pseudo-terminal: a peer reply and a coach note on the screen."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import pexpect
import pytest
from conversation import DIRECTIVE, GREETING
from e2e_support import (
    ANSI,
    FIGURES,
    RASA,
    RASA_LOAD_TIMEOUT,
    ROOT,
    Server,
    endpoints_file,
    free_port,
    rasa_env,
)

# prompt_toolkit switches bracketed paste on when a prompt starts and off when input is accepted, so the
# bot's output for a message is exactly what the terminal receives between those two markers.
ACCEPTED = "\x1b[?2004l"
PROMPT_STARTED = "\x1b[?2004h"
TEXT_PROMPT = "Your input ->"
BUTTON_PROMPT = "(Use arrow keys)"
REPLY_TIMEOUT = 60


class Screen:
    """A `rasa shell` in a pseudo-terminal, read turn by turn with colours and cursor moves removed."""

    def __init__(self, child: pexpect.spawn) -> None:
        self.child = child
        self.prompt = TEXT_PROMPT

    def _next_prompt(self, timeout: float) -> str:
        """Wait for the next prompt; return what was printed before it (the bot's output)."""
        self.child.expect_exact(PROMPT_STARTED, timeout=timeout)
        printed = self.child.before or ""
        index = self.child.expect_exact([TEXT_PROMPT, BUTTON_PROMPT], timeout=timeout)
        self.prompt = (TEXT_PROMPT, BUTTON_PROMPT)[index]
        # A button message's text is the question of the button prompt, printed after the marker.
        if self.prompt == BUTTON_PROMPT:
            printed += self.child.before or ""
        return ANSI.sub("", printed)

    def start(self, timeout: float) -> None:
        """Wait until the bot is loaded and asks for the first message."""
        self.child.expect_exact("Bot loaded.", timeout=timeout)
        self._next_prompt(timeout)

    def _submit(self, keys: str) -> str:
        self.child.send(keys)
        self.child.expect_exact(ACCEPTED, timeout=REPLY_TIMEOUT)
        return self._next_prompt(REPLY_TIMEOUT)

    def say(self, text: str) -> str:
        """Type a message, press enter, and return what the bot printed before asking again."""
        assert self.prompt == TEXT_PROMPT, "the shell is showing buttons, not a text prompt"
        return self._submit(text + "\r")

    def press_first_button(self) -> str:
        """Choose the first of the buttons on screen; return what the bot printed next."""
        assert self.prompt == BUTTON_PROMPT, "the shell is not showing buttons"
        return self._submit("\r")


@pytest.fixture
def shell(action_server: Server, trained_model: Path, log_dir: Path) -> Iterator[Screen]:
    """`rasa shell` on a free loopback port, attached to the test's action server."""
    endpoints = endpoints_file(log_dir, action_server.port)
    command = ["shell", "--model", str(trained_model), "--endpoints", str(endpoints),
               "--interface", "127.0.0.1", "--port", str(free_port())]
    log = (log_dir / "rasa-shell.log").open("w")
    # The pseudo-terminal does not answer cursor-position requests; a real terminal does.
    env = {**rasa_env(), "PROMPT_TOOLKIT_NO_CPR": "1"}
    child = pexpect.spawn(str(RASA), command, cwd=str(ROOT), env=env, encoding="utf-8",
                          codec_errors="replace", dimensions=(50, 200), timeout=REPLY_TIMEOUT)
    child.logfile_read = log
    try:
        screen = Screen(child)
        started = time.monotonic()
        screen.start(RASA_LOAD_TIMEOUT)
        FIGURES.append(f"rasa shell: ready for input after {time.monotonic() - started:.1f} s")
        yield screen
        child.sendline("/stop")
        child.expect(pexpect.EOF, timeout=30)
    finally:
        child.close(force=True)
        log.close()


def test_shell_shows_peer_reply_and_coach_note(shell: Screen) -> None:
    greeting = shell.say(GREETING)
    assert "coach" in greeting.lower(), f"greeting on screen: {greeting!r}"
    assert shell.prompt == BUTTON_PROMPT, f"expected the scenario buttons after: {greeting!r}"
    opening = shell.press_first_button()
    assert opening.strip(), "choosing a scenario printed nothing"

    screen = shell.say(DIRECTIVE)
    lines = [line.strip() for line in screen.splitlines() if line.strip()]
    lines = [line for line in lines if DIRECTIVE not in line]  # the echo of what was typed
    coach = [line for line in lines if line.startswith("Coach:")]
    peer = [line for line in lines if not line.startswith("Coach:")]
    assert coach, f"no coach note on screen: {screen!r}"
    assert peer, f"no peer reply on screen: {screen!r}"
