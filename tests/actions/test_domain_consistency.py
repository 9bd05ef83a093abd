"""The domain, the rules and the action server agree on action and slot names."""

from __future__ import annotations

from pathlib import Path

from rasa_sdk.executor import ActionExecutor
from ruamel.yaml import YAML

from actions.practice import state

ROOT = Path(__file__).resolve().parents[2]


def load(path: Path):
    return YAML(typ="safe", pure=True).load(path.read_text(encoding="utf-8"))


def test_every_domain_action_is_registered_and_every_registered_action_is_in_the_domain():
    executor = ActionExecutor()
    executor.register_package("actions")
    registered = set(executor.actions)
    domain_actions = set(load(ROOT / "domain.yml")["actions"])

    assert domain_actions <= registered, domain_actions - registered
    assert registered <= domain_actions, registered - domain_actions


def test_slot_names_used_by_the_actions_exist_in_the_domain():
    slots = load(ROOT / "domain.yml")["slots"]
    for name in [state.PRACTICE_ACTIVE, state.SCENARIO, state.COACH_MODE, state.COACH_TURN,
                 state.PEER_USED_LINES, state.PEER_STATE]:
        assert name in slots, name
    assert set(slots[state.COACH_MODE]["values"]) == {state.LIVE, state.QUIET}
    assert slots[state.PRACTICE_ACTIVE]["influence_conversation"] is True
    for name in [state.SCENARIO, state.COACH_MODE, state.COACH_TURN, state.PEER_USED_LINES, state.PEER_STATE]:
        assert slots[name]["influence_conversation"] is False, name


def test_intents_the_actions_check_exist_in_the_domain():
    intents = set(load(ROOT / "domain.yml")["intents"])
    assert {"start", "choose_scenario", "coach_quiet", "coach_live", "goodbye"} <= intents
