"""The scenario test stories (tests/stories/test_scenario_<id>.yml), played through the peer engine.

`rasa test core` checks only the intents and the actions of those stories; here each story's messages go
through the real coach and the peer engine, with the intent the story gives, to check what it claims:
the listening story reaches the peer's own next step, and in the directive story advice gets directive
lines, listening right after it a withdrawn reply, the repair a repair line, and listening after the
repair new disclosure. Every installed scenario must have its story file.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from ruamel.yaml import YAML

from actions.coach.engine import analyze
from actions.coach.moves import listening_moves
from actions.peer.responder import PeerReply, peer_reply, start_state
from actions.peer.scenarios import DEFAULT_SCENARIOS_DIR, Scenario, get_scenario, scenario_files

STORIES_DIR = Path(__file__).resolve().parents[1] / "stories"
IDS = [path.stem for path in scenario_files(DEFAULT_SCENARIOS_DIR)]


def story_turns(scenario_id: str, kind: str) -> list[tuple[str, str]]:
    """The (intent, message) pairs of a scenario's listening or directive story, after the /start."""
    path = STORIES_DIR / f"test_scenario_{scenario_id}.yml"
    assert path.exists(), f"{path} is missing: every scenario needs its end-to-end test stories"
    stories = YAML(typ="safe").load(path.read_text(encoding="utf-8"))["stories"]
    wanted = [s for s in stories if ("listening" in s["story"]) == (kind == "listening")]
    assert len(wanted) == 1, f"{path}: expected one {kind} story"
    steps = wanted[0]["steps"]
    assert steps[0]["user"].strip() == f'/start{{"scenario": "{scenario_id}"}}'
    return [(step["intent"], step["user"].strip()) for step in steps[1:] if "user" in step]


def play(scenario: Scenario, turns: list[tuple[str, str]]) -> list[PeerReply]:
    state: dict[str, Any] = start_state(scenario)
    used, replies = ["opening#0"], []
    for intent, text in turns:
        reply = peer_reply(scenario, text=text, analysis=analyze(text), moves=listening_moves(text),
                           state=state, used=used, seed=f"story:{len(used)}", intent=intent)
        state, used = reply.state, [*used, *reply.keys]
        replies.append(reply)
    return replies


def render(turns: list[tuple[str, str]], replies: list[PeerReply]) -> str:
    pairs = zip(turns, replies, strict=True)
    return "\n".join(f"{text}\n  -> [{r.reaction}] {r.text}" for (_, text), r in pairs)


def lines_of(scenario: Scenario, prefix: str) -> set[str]:
    return {line for key in scenario.pools if key.startswith(prefix) for line in scenario.lines(key)}


@pytest.mark.parametrize("scenario_id", IDS)
def test_the_listening_story_reaches_the_last_layer(scenario_id: str) -> None:
    scenario = get_scenario(scenario_id)
    turns = story_turns(scenario_id, "listening")
    replies = play(scenario, turns)
    transcript = render(turns, replies)
    assert all(r.reaction not in ("directive", "withdrawn") for r in replies), transcript
    assert replies[-1].state["layer"] == scenario.deepest, transcript
    last = f"layers.{scenario.layers[-1].id}#"
    assert any(key.startswith(last) for r in replies for key in r.keys), transcript
    assert any(r.move.kind == "self_disclosure" for r in replies), transcript


@pytest.mark.parametrize("scenario_id", IDS)
def test_the_directive_story_withdraws_the_peer_and_the_repair_opens_them_up(scenario_id: str) -> None:
    scenario = get_scenario(scenario_id)
    turns = story_turns(scenario_id, "directive")
    replies = play(scenario, turns)
    transcript = render(turns, replies)
    kinds = [intent for intent, _ in turns]
    first_advice, repair = kinds.index("advice"), kinds.index("repair")
    assert all(r.text in lines_of(scenario, "directive.") for r in replies[first_advice:repair]
               if r.reaction == "directive"), transcript
    assert "withdrawn" in [r.reaction for r in replies[first_advice:repair]], transcript
    assert replies[repair].text in lines_of(scenario, "moves.repair."), transcript
    after = replies[repair + 1:]
    assert after and all(r.reaction != "withdrawn" for r in after), transcript
    said_before = {key for r in replies[:repair + 1] for key in r.keys}
    new = [key for r in after for key in r.keys if key.startswith("layers.") and key not in said_before]
    assert new, transcript
