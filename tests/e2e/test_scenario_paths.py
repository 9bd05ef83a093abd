"""Every scenario end to end, over the REST channel with the real `rasa run`, NLU model and action server.

For each file in the scenario folder, two scripted conversations:

* listening: open questions and reflections (and a brief share that turns back when the peer asks about
  the trainee) reach a line of the scenario's last layer, the peer's own next step, within
  ``MAX_LISTENING_TURNS``, with no directive or withdrawn line on the way and no line said twice;
* directive, then repair: advice, minimizing and judging get the peer's directive lines and a listening
  move after them a withdrawn line; a repair gets a repair line; then listening opens the peer up again
  (a disclosure line) within ``MAX_RECOVERY_TURNS``, without another withdrawn line.

The scripts say nothing about any particular peer, so a scenario file a trainer adds later is tested too,
with no test to write. Expected lines are read from the scenario file itself.
"""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest
from conversation import RestConversation, Turn
from e2e_support import FIGURES, Server

from actions.peer.scenarios import Scenario, load_file, scenario_files, scenarios_dir

#: Generic listening moves, said in turn. None of them names anything a peer has said, or a layer's label
#: ("feel", "matters", "happening", "step"), so relevance never holds the peer at a layer on purpose.
LISTENING = (
    "What's been going on for you?",
    "It sounds like there's a lot going on.",
    "What's that been like for you?",
    "It sounds like you've been carrying a lot.",
    "Tell me more about that.",
    "It sounds like that's weighed on you for a while.",
    "How has that been for you?",
    "It sounds like it's been really hard.",
)
#: A brief, honest share that turns back to the peer, for when they ask about the trainee.
SHARE = "A little, yes. I've had hard times too. How is it for you?"
#: Flagged by the coach: advising, advising, minimizing, judging.
DIRECTIVES = (
    "You should just tell someone about it.",
    "You need to stop worrying about it.",
    "At least it's not as bad as it could be.",
    "You're overreacting.",
)
REPAIR = "Sorry, I jumped in with advice there. That wasn't fair of me."

#: Enough for five layers at the default numbers with three turns a layer (a scenario may ask for that).
MAX_LISTENING_TURNS = 24
MAX_RECOVERY_TURNS = 6
#: Listening moves before the directive ones, so the peer has opened up a little first.
WARM_UP_TURNS = 3

FILES = scenario_files(scenarios_dir())


def _load(path: Path) -> Scenario:
    scenario, problems = load_file(path, keep_lines=False)
    assert scenario is not None, "\n".join(p.render() for p in problems)
    return scenario


def _lines(scenario: Scenario, prefix: str) -> set[str]:
    """Every line of the pools whose key starts with ``prefix`` (e.g. "directive." or "layers.")."""
    return {line for key in scenario.pools if key.startswith(prefix) for line in scenario.lines(key)}


class PeerChat:
    """One REST conversation with a scenario's peer, started by its `/start` payload."""

    def __init__(self, server: Server, scenario: Scenario) -> None:
        self.scenario = scenario
        self.chat = RestConversation(server, sender=f"e2e-{scenario.id[:20]}-{time.monotonic_ns() % 10**8}")
        self.replies: list[str] = []

    def start(self) -> str:
        turn = self.chat.send("/start" + json.dumps({"scenario": self.scenario.id}))
        opening = self.peer(turn)
        assert opening in self.scenario.opening, self.transcript()
        return opening

    def say(self, text: str) -> tuple[Turn, str]:
        turn = self.chat.send(text)
        return turn, self.peer(turn)

    def peer(self, turn: Turn) -> str:
        """What the peer said this turn (without the name the assistant puts in front)."""
        prefix = f"{self.scenario.name}: "
        said = [t[len(prefix):].split("\n\n")[0] for t in turn.other_texts if t.startswith(prefix)]
        assert len(said) == 1, f"expected one line from {self.scenario.name}: {turn.describe()}"
        self.replies.append(said[0])
        return said[0]

    def transcript(self) -> str:
        lines = []
        for turn in self.chat.turns:
            lines.append(f"  you> {turn.sent}")
            lines += [f"       {text}" for text in turn.other_texts]
        return "\n".join(lines)


def _contains_any(reply: str, lines: set[str]) -> bool:
    return any(line in reply for line in lines)


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.stem)
def test_listening_reaches_the_peers_own_next_step(rasa_server: Server, path: Path) -> None:
    scenario = _load(path)
    peer = PeerChat(rasa_server, scenario)
    started = time.monotonic()
    peer.start()
    last = set(scenario.lines(f"layers.{scenario.layers[-1].id}"))
    asks = _lines(scenario, "asks.")
    shut = _lines(scenario, "directive.") | set(scenario.lines("reactions.withdrawn.any"))
    reply, reached = "", None
    for number in range(1, MAX_LISTENING_TURNS + 1):
        text = SHARE if _contains_any(reply, asks) else LISTENING[(number - 1) % len(LISTENING)]
        turn, reply = peer.say(text)
        assert not turn.flagged, f"the coach flagged a listening move {text!r}:\n{peer.transcript()}"
        assert reply not in shut, f"a listening move got a directive or withdrawn line:\n{peer.transcript()}"
        if _contains_any(reply, last):
            reached = number
            break
    assert reached, (f"{scenario.name} did not reach {scenario.layers[-1].label!r} in {MAX_LISTENING_TURNS} "
                     f"listening turns:\n{peer.transcript()}")
    assert len(set(peer.replies)) == len(peer.replies), f"a line repeated:\n{peer.transcript()}"
    FIGURES.append(f"{scenario.id}: listening reached the last layer in {reached} turns "
                   f"({time.monotonic() - started:.1f} s)")


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.stem)
def test_directive_turns_withdraw_the_peer_and_a_repair_opens_them_up_again(rasa_server: Server,
                                                                            path: Path) -> None:
    scenario = _load(path)
    peer = PeerChat(rasa_server, scenario)
    started = time.monotonic()
    peer.start()
    for text in LISTENING[:WARM_UP_TURNS]:
        peer.say(text)
    directive = _lines(scenario, "directive.")
    withdrawn = set(scenario.lines("reactions.withdrawn.any"))
    for text in DIRECTIVES:
        turn, reply = peer.say(text)
        assert turn.flagged and turn.coach_notes, f"the coach did not flag {text!r}:\n{peer.transcript()}"
        assert reply in directive, f"{text!r} did not get a directive line:\n{peer.transcript()}"
    _, reply = peer.say(LISTENING[WARM_UP_TURNS])
    assert reply in withdrawn, f"listening right after directive turns wasn't withdrawn:\n{peer.transcript()}"

    _, reply = peer.say(REPAIR)
    assert reply in set(scenario.lines("moves.repair.any")) | _lines(scenario, "moves.repair."), (
        f"the repair did not get a repair line:\n{peer.transcript()}")

    disclosed = _lines(scenario, "layers.") - set(peer.replies)
    opened = None
    for number in range(1, MAX_RECOVERY_TURNS + 1):
        _, reply = peer.say(LISTENING[(WARM_UP_TURNS + number) % len(LISTENING)])
        assert reply not in withdrawn, f"still withdrawn after the repair:\n{peer.transcript()}"
        if _contains_any(reply, disclosed):
            opened = number
            break
    assert opened, (f"{scenario.name} did not open up again within {MAX_RECOVERY_TURNS} listening turns "
                    f"after the repair:\n{peer.transcript()}")
    FIGURES.append(f"{scenario.id}: opened up again {opened} turn(s) after the repair "
                   f"({time.monotonic() - started:.1f} s)")
