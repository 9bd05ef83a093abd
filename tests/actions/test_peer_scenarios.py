from __future__ import annotations

import shutil

import pytest

from actions.peer import scenarios
from actions.peer.responder import closing_line, peer_reply, pick_line
from actions.peer.scenarios import DEFAULT_SCENARIOS_DIR, load_scenarios, resolve_choice

REQUIRED_CATEGORY_REACTIONS = ["minimizing", "labeling", "advising", "ordering", "judging"]


def test_every_installed_scenario_is_complete():
    installed = load_scenarios()
    assert installed, "no scenarios in data/scenarios/"
    for scenario in installed:
        assert scenario.background and scenario.opening
        assert len(scenario.layers) >= 4
        for category in REQUIRED_CATEGORY_REACTIONS:
            assert scenario.pool(f"reactions.categories.{category}"), (scenario.id, category)
        # Frequent reactions need variety, since a line never repeats while others remain.
        for category, lines in scenario.reactions.get("categories", {}).items():
            assert len(lines) >= 3, (scenario.id, category)
        for pool in ["reactions.neutral", "reactions.directive", "reactions.empty", "reactions.long",
                     "reactions.goodbye", "reactions.greeting", "closing.open", "closing.guarded"]:
            assert scenario.pool(pool), (scenario.id, pool)


def test_resolve_choice():
    sam = load_scenarios()[0]
    assert resolve_choice("bullied_at_school") is sam
    assert resolve_choice("1") is sam
    assert resolve_choice("the first one") is sam
    assert resolve_choice("sam") is sam
    assert resolve_choice("") is None
    assert resolve_choice("7") is None
    assert resolve_choice("nothing like it") is None


@pytest.fixture
def scenario_dir(tmp_path, monkeypatch):
    shutil.copy(DEFAULT_SCENARIOS_DIR / "bullied_at_school.yml", tmp_path / "a_good.yml")
    monkeypatch.setenv(scenarios.SCENARIOS_DIR_ENV, str(tmp_path))
    return tmp_path


def test_a_broken_file_is_skipped_and_logged(scenario_dir, caplog):
    (scenario_dir / "b_broken.yml").write_text("persona: [unclosed\n", encoding="utf-8")
    (scenario_dir / "c_incomplete.yml").write_text("id: c\npersona: {name: C}\n", encoding="utf-8")

    installed = load_scenarios()

    assert [s.id for s in installed] == ["bullied_at_school"]
    assert "b_broken.yml" in caplog.text and "c_incomplete.yml" in caplog.text


def test_no_scenarios_at_all(tmp_path, monkeypatch):
    monkeypatch.setenv(scenarios.SCENARIOS_DIR_ENV, str(tmp_path / "empty"))
    assert load_scenarios() == []
    assert scenarios.default_scenario() is None


def test_pick_line_prefers_earlier_pools_and_skips_used_lines():
    sam = load_scenarios()[0]
    advising = sam.pool("reactions.categories.advising")
    used = [f"reactions.categories.advising#{i}" for i in range(len(advising))]
    key, text = pick_line(sam, ["reactions.categories.advising", "reactions.directive"], used, "s")
    assert key.startswith("reactions.directive#")
    assert text in sam.pool("reactions.directive")


def test_pick_line_with_no_lines():
    sam = load_scenarios()[0]
    assert pick_line(sam, ["reactions.nothing_here"], [], "s") is None


def test_listening_reaches_the_last_layer_and_stays_deep():
    sam = load_scenarios()[0]
    state, used = {"layer": 0}, ["opening#0"]
    said = []
    for turn in range(12):
        reply = peer_reply(sam, text="What's that like?", analysis={"directive": False, "flags": []},
                           moves=["open_question"], state=state, used=used, seed=f"x:{turn}")
        state, used = reply.state, reply.used
        said.append(reply.key)
    assert state["layer"] == len(sam.layers) - 1
    assert len(set(said)) == len(said)
    assert not any(key.startswith("layers.0#") for key in said)


def test_closing_depends_on_how_far_the_peer_opened_up():
    sam = load_scenarios()[0]
    assert closing_line(sam, {"layer": 0}, [], "s")[0].startswith("closing.guarded#")
    assert closing_line(sam, {"layer": 3}, [], "s")[0].startswith("closing.open#")


def test_invitations_open_up_but_closed_questions_do_not():
    sam = load_scenarios()[0]
    clean = {"directive": False, "flags": []}
    invited = peer_reply(sam, text="Tell me more.", analysis=clean, moves=["invitation"],
                         state={"layer": 0}, used=[], seed="s")
    closed = peer_reply(sam, text="Is it every day?", analysis=clean, moves=["closed_question"],
                        state={"layer": 0}, used=[], seed="s")
    assert invited.reaction == "open_up" and invited.state["layer"] == 1
    assert closed.reaction == "neutral" and closed.state["layer"] == 0


def test_after_a_directive_message_listening_first_wins_back_the_current_layer():
    sam = load_scenarios()[0]
    clean = {"directive": False, "flags": []}
    advice = {"directive": True, "flags": [{"category": "advising", "rephrasing": "r"}]}
    state, used = {"layer": 2}, []
    told = peer_reply(sam, text="You should tell a teacher.", analysis=advice, moves=[], state=state,
                      used=used, seed="s1")
    assert told.reaction == "directive" and told.state == {"layer": 2, "guarded": True}
    repaired = peer_reply(sam, text="What's it like?", analysis=clean, moves=["open_question"],
                          state=told.state, used=told.used, seed="s2")
    assert repaired.state == {"layer": 2}
    assert repaired.text in sam.pool("layers.2")
    deeper = peer_reply(sam, text="Sounds lonely.", analysis=clean, moves=["reflection"],
                        state=repaired.state, used=repaired.used, seed="s3")
    assert deeper.state == {"layer": 3}
