"""Scenario files: every installed one is complete, broken ones are skipped, the menu follows the folder."""

from __future__ import annotations

import logging
import os
import shutil

import pytest

from actions.peer import scenarios, schema
from actions.peer.rapport import build_rules
from actions.peer.scenarios import DEFAULT_SCENARIOS_DIR, load_scenarios, resolve_choice, scenario_files

SAM_FILE = DEFAULT_SCENARIOS_DIR / "bullied_at_school.yml"


@pytest.mark.parametrize("path", scenario_files(DEFAULT_SCENARIOS_DIR), ids=lambda p: p.stem)
def test_every_installed_scenario_validates_without_errors(path):
    data, problems = schema.read_yaml(path)
    problems += schema.check(data, path)
    assert not schema.errors(problems), "\n".join(p.render() for p in problems)


def test_every_installed_scenario_loads():
    installed = {s.id for s in load_scenarios()}
    assert installed == {p.stem for p in scenario_files(DEFAULT_SCENARIOS_DIR)}


def test_sam_is_built_from_his_file():
    sam = scenarios.get_scenario("bullied_at_school")
    assert sam.name == "Sam" and sam.age == 15 and sam.background.startswith("Sam is 15")
    assert sam.layer_ids == ["surface", "situation", "feelings", "what_matters", "next_step"]
    assert [layer.need for layer in sam.layers] == [0, 3, 6, 9, 12]
    assert sam.lines("directive.minimizing.any")[0] == "It doesn't feel small to me."
    assert sam.lines("moves.validation.next_step") and sam.lines("moves.validation.any")
    assert sam.asks["feelings"]
    assert sam.label_of("layers.feelings") == "how he feels"


@pytest.fixture
def scenario_dir(tmp_path, monkeypatch):
    shutil.copy(SAM_FILE, tmp_path / "bullied_at_school.yml")
    monkeypatch.setenv(scenarios.SCENARIOS_DIR_ENV, str(tmp_path))
    return tmp_path


def sam_variant(directory, scenario_id, title, menu_order=5, **replacements):
    text = SAM_FILE.read_text(encoding="utf-8").replace("id: bullied_at_school", f"id: {scenario_id}")
    text = text.replace('title: "Sam, 15: a hard time at school"', f'title: "{title}"')
    text = text.replace("menu_order: 1", f"menu_order: {menu_order}")
    for old, new in replacements.items():
        text = text.replace(old, new)
    (directory / f"{scenario_id}.yml").write_text(text, encoding="utf-8")


@pytest.mark.parametrize(("name", "content", "reason"), [
    ("broken_yaml", "persona: [unclosed\n", "not valid YAML"),
    ("old_schema", "id: old_schema\npersona: {name: C}\nlayers: []\n", "schema"),
    ("no_name", "schema: 2\nid: no_name\npersona: {age: 3}\n", "persona.name"),
    ("a_list", "- just\n- a list\n", "not a mapping"),
])
def test_a_broken_file_is_skipped_and_logged_and_the_others_still_work(scenario_dir, caplog, name, content,
                                                                        reason):
    (scenario_dir / f"{name}.yml").write_text(content, encoding="utf-8")
    with caplog.at_level(logging.ERROR):
        installed = load_scenarios()
    assert [s.id for s in installed] == ["bullied_at_school"]
    assert f"{name}.yml" in caplog.text and reason in caplog.text


def test_a_file_with_gaps_still_loads_with_a_warning(scenario_dir, caplog):
    sam_variant(scenario_dir, "gappy", "Gappy", **{"  summary:\n": "  summaries:\n"})
    with caplog.at_level(logging.WARNING):
        ids = [s.id for s in load_scenarios()]
    assert ids == ["bullied_at_school", "gappy"]
    assert "gappy.yml" in caplog.text and "moves.summary" in caplog.text


def test_a_new_file_appears_in_the_menu_without_a_restart(scenario_dir):
    assert [s.id for s in load_scenarios()] == ["bullied_at_school"]
    sam_variant(scenario_dir, "second_peer", "Second")
    assert [s.id for s in load_scenarios()] == ["bullied_at_school", "second_peer"]
    assert resolve_choice("2").id == "second_peer"
    # An edit is picked up too (a different size or time stamp).
    path = scenario_dir / "second_peer.yml"
    edited = path.read_text(encoding="utf-8").replace('"Second"', '"Second, edited"')
    path.write_text(edited, encoding="utf-8")
    os.utime(path, ns=(1, 1))
    assert scenarios.get_scenario("second_peer").title == "Second, edited"
    path.unlink()
    assert [s.id for s in load_scenarios()] == ["bullied_at_school"]


def test_a_duplicate_id_is_skipped(scenario_dir, caplog):
    shutil.copy(SAM_FILE, scenario_dir / "copy_of_sam.yml")
    with caplog.at_level(logging.ERROR):
        assert [s.id for s in load_scenarios()] == ["bullied_at_school"]
    assert "copy_of_sam.yml" in caplog.text


def test_files_starting_with_underscore_are_not_scenarios(scenario_dir):
    sam_variant(scenario_dir, "_draft", "Draft")
    assert [s.id for s in load_scenarios()] == ["bullied_at_school"]


def test_no_scenarios_at_all(tmp_path, monkeypatch):
    monkeypatch.setenv(scenarios.SCENARIOS_DIR_ENV, str(tmp_path / "empty"))
    assert load_scenarios() == []
    assert scenarios.default_scenario() is None


@pytest.mark.parametrize(("text", "expected"), [
    ("bullied_at_school", "bullied_at_school"), ("second_peer", "second_peer"), ("1", "bullied_at_school"),
    ("2", "second_peer"), ("the first one", "bullied_at_school"), ("number two", "second_peer"),
    ("sam", "bullied_at_school"), ("Jo", "second_peer"), ("the bullying one", "bullied_at_school"),
    ("Jo, 40: caring", "second_peer"), ("", None), ("7", None), ("nothing like it", None),
])
def test_resolve_choice(scenario_dir, text, expected):
    sam_variant(scenario_dir, "second_peer", "Jo, 40: caring", **{
        "  name: Sam\n": "  name: Jo\n", "keywords: [sam, bullying, bullied, ": "keywords: ["})
    choice = resolve_choice(text)
    assert (choice.id if choice else None) == expected


def test_a_scenario_can_override_the_rapport_numbers(scenario_dir):
    sam_variant(scenario_dir, "slow_to_trust", "Slow", **{
        "spelling: british\n":
            "spelling: british\nrapport: {start: 0, layer_step: 4, ceiling: 16, moves: {small_talk: 1}}\n",
        '    label: "what matters to him"\n': '    label: "what matters to him"\n    needs_rapport: 11\n'})
    slow = scenarios.get_scenario("slow_to_trust")
    assert slow.rapport.start == 0 and slow.rapport.move_delta("small_talk") == 1
    assert slow.rapport.move_delta("reflection") == build_rules().move_delta("reflection")
    assert [layer.need for layer in slow.layers] == [0, 4, 8, 11, 16]


def test_the_menu_offers_a_new_file_and_starts_it_by_number_or_button(scenario_dir):
    from conftest import make_tracker, run, slot_events

    from actions.practice.session_actions import ActionShowScenarios, ActionStartScenario

    sam_variant(scenario_dir, "second_peer", "Jo, 40: caring", **{"  name: Sam\n": "  name: Jo\n"})
    messages, _ = run(ActionShowScenarios(), make_tracker("hi", "greet"))
    assert [b["title"] for b in messages[0]["buttons"]] == ["1. Sam, 15: a hard time at school",
                                                            "2. Jo, 40: caring"]
    assert messages[0]["buttons"][1]["payload"] == '/start{"scenario": "second_peer"}'
    for text, entities in [("2", []), ("Jo", []), ('/start{"scenario": "second_peer"}',
                                                    [{"entity": "scenario", "value": "second_peer"}])]:
        tracker = make_tracker(text, "choose_scenario", entities=entities)
        messages, events = run(ActionStartScenario(), tracker)
        assert slot_events(events)["scenario"] == "second_peer", text
        assert messages[-1]["text"].startswith("Jo: ")


def _without(text: str, *keys: str) -> str:
    """Sam's file with some optional pools (and their comment lines) removed."""
    lines, out, skip_indent = text.split("\n"), [], None
    for line in lines:
        indent = len(line) - len(line.lstrip())
        if skip_indent is not None and (not line.strip() or indent > skip_indent):
            continue
        skip_indent = None
        if line.strip().rstrip(":") in keys and line.strip().endswith(":") and indent == 2:
            skip_indent = indent
            while out and out[-1].strip().startswith("#") and len(out[-1]) - len(out[-1].lstrip()) == 2:
                out.pop()
            continue
        out.append(line)
    return "\n".join(out)


@pytest.mark.parametrize(("edit", "problem", "severity"), [
    # A file written before thanks, thawing, idea and not_shared existed still validates: warnings only.
    (lambda t: _without(t, "thanks", "thawing", "idea", "not_shared"), "moves.thanks", "warning"),
    (lambda t: _without(t, "thanks", "thawing", "idea", "not_shared"), "reactions.thawing", "warning"),
    (lambda t: _without(t, "thanks", "thawing", "idea", "not_shared"), "reactions.not_shared", "warning"),
    # Too few lines for the last layer's open questions: a warning that says what they are for.
    (lambda t: t.replace('      - "I\'d do it this week. Before I talk myself out of it."\n', "").replace(
        '      - "Kind of nervous, thinking about it. But a good nervous, I think."\n', "").replace(
        '      - "Honestly? Just knowing it\'s up to me. That helps."\n', ""),
     "moves.open_question.next_step", "warning"),
    # Present but too short, or misspelt: errors like any other pool.
    (lambda t: t.replace('      - "No worries. It was alright, actually."\n', "").replace(
        '      - "S\'alright. Thanks for not being weird about it."\n', ""), "moves.thanks", "error"),
    (lambda t: t.replace("  thanks:\n", "  thank:\n"), "moves.thank", "error"),
    (lambda t: t.replace("  thawing:\n", "  thawed:\n"), "reactions.thawed", "error"),
])
def test_the_new_optional_pools_are_checked_without_breaking_older_files(tmp_path, edit, problem, severity):
    path = tmp_path / "bullied_at_school.yml"
    path.write_text(edit(SAM_FILE.read_text(encoding="utf-8")), encoding="utf-8")
    data, problems = schema.read_yaml(path)
    problems += schema.check(data, path)
    found = [p for p in problems if p.field == problem]
    assert found and all(p.severity == severity for p in found), "\n".join(p.render() for p in problems)
    if severity == "warning":
        assert not schema.errors(problems), "\n".join(p.render() for p in schema.errors(problems))


def test_an_older_file_without_the_new_pools_still_plays(scenario_dir):
    from actions.peer.responder import peer_reply, start_state

    path = scenario_dir / "bullied_at_school.yml"
    path.write_text(_without(path.read_text(encoding="utf-8"), "thanks", "thawing", "idea", "not_shared"),
                    encoding="utf-8")
    sam = scenarios.get_scenario("bullied_at_school")
    state = {**start_state(sam), "rapport": 8, "permission": True}
    reply = peer_reply(sam, text="Thanks for talking with me.", analysis=None, moves=[], state=state,
                       used=[], seed="s", intent="nlu_fallback", confidence=0.3)
    assert reply.reaction == "thanks" and reply.text in sam.lines("reactions.neutral.any")
    reply = peer_reply(sam, text="Some people find a group helps.", analysis=None, moves=[],
                       state={**state, "permission": True}, used=[], seed="s")
    assert reply.reaction == "idea" and reply.text in sam.lines("directive.advising.any")
