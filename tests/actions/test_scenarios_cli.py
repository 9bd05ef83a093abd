"""python -m actions.scenarios: new, validate, list and try, as a scenario writer uses them."""

from __future__ import annotations

import io
import re
import subprocess
import sys
from pathlib import Path

import pytest

from actions.peer import scenarios, schema
from actions.peer.scenarios import DEFAULT_SCENARIOS_DIR
from actions.scenarios.cli import main

ROOT = Path(__file__).resolve().parents[2]
SAM_FILE = DEFAULT_SCENARIOS_DIR / "bullied_at_school.yml"


def cli(*args, stdin=""):
    out = io.StringIO()
    old_stdin = sys.stdin
    sys.stdin = io.StringIO(stdin)
    try:
        code = main(list(args), out=out)
    finally:
        sys.stdin = old_stdin
    return code, out.getvalue()


@pytest.fixture
def folder(tmp_path, monkeypatch):
    monkeypatch.setenv(scenarios.SCENARIOS_DIR_ENV, str(tmp_path))
    return tmp_path


# --- new ---------------------------------------------------------------------------------------------------

def test_new_writes_a_commented_template_that_the_assistant_skips_until_filled(folder):
    code, out = cli("new", "caring_for_my_brother")
    path = folder / "caring_for_my_brother.yml"
    assert code == 0 and str(path) in out and "validate" in out
    text = path.read_text(encoding="utf-8")
    assert "id: caring_for_my_brother" in text and "__ID__" not in text
    assert text.count("\n#") > 10  # commented
    assert scenarios.load_scenarios() == []


def test_a_fresh_template_fails_only_on_its_todo_lines(folder):
    cli("new", "fresh")
    code, out = cli("validate", str(folder / "fresh.yml"))
    assert code == 1
    problems = [line for line in out.splitlines() if re.match(r"^\S+:\d+: ", line)]
    assert problems and all("TODO" in line for line in problems), out


def test_a_template_with_every_todo_filled_in_validates(folder):
    cli("new", "filled")
    path = folder / "filled.yml"
    counter = iter(range(10_000))

    def fill(match):
        return f'"Line number {next(counter)} of the peer."'

    text = re.sub(r'"TODO[^"\n]*"', fill, path.read_text(encoding="utf-8"))
    text = text.replace("name: TODO", "name: Jo").replace(">-\n    TODO:", ">-\n    Filled:")
    path.write_text(text, encoding="utf-8")
    code, out = cli("validate", str(path))
    assert code == 0, out
    assert [s.id for s in scenarios.load_scenarios()] == ["filled"]


@pytest.mark.parametrize(("args", "message"), [
    (["new", "Bad Id"], "not a usable id"),
    (["new", "bullied_at_school"], "already exists"),
])
def test_new_refuses(folder, args, message):
    (folder / "bullied_at_school.yml").write_text("x", encoding="utf-8")
    code, out = cli(*args)
    assert code == 2 and message in out
    assert (folder / "bullied_at_school.yml").read_text(encoding="utf-8") == "x"


# --- validate ----------------------------------------------------------------------------------------------

def test_validate_with_no_files_checks_every_installed_one():
    code, out = cli("validate")
    assert code == 0, out
    assert "bullied_at_school.yml: OK" in out


def line_of(text, needle):
    return text[: text.index(needle)].count("\n") + 1


#: (what a writer got wrong, edit to Sam's file as (old, new), the field named, words in the message,
#: the text on the reported line, whether the assistant must skip the file)
MISTAKES = [
    ("a typo in a move", ("  validation:\n    any:", "  validaton:\n    any:"), "moves.validaton",
     'did you mean "validation"', "validaton:", False),
    ("a move left out", ("  validation:\n    any:", "  validaton:\n    any:"), "moves.validation",
     "is missing", None, False),
    ("a colon in an unquoted line", ('      - "Not really."', "      - Not really: no."),
     "moves.closed_question.any[2]", "colon", "Not really: no.", False),
    ("a typo in a layer id",
     ("    next_step:\n      - \"I think that's it", "    nextstep:\n      - \"I think that's it"),
     "moves.open_question.nextstep", 'did you mean "next_step"', "nextstep:", False),
    ("a layer with no lines for a move", ("  summary:\n    any:", "  summary:\n    feelings:"),
     "moves.summary",
     "no lines for layers surface, situation, what_matters, next_step", "  summary:", False),
    ("too few variants", ('      - "Ha. I don\'t feel very brave."\n', ""), "moves.affirmation",
     "too few lines at surface (2)", "  affirmation:", False),
    ("too few category reactions", ('    - "I\'m more than a label, you know."\n', ""), "directive.labeling",
     "has 2 lines", "  labeling:", False),
    ("a category typo", ("  minimizing:\n", "  minimising:\n"), "directive.minimising",
     'did you mean "minimizing"', "minimising:", False),
    ("the same line twice", ('      - "Hey."', '      - "Hi."'), "moves.greet.any[1]",
     "repeats moves.greet.any[0]",
     '"Hi."\n      - "Hi. Nice', False),
    ("an ask after a layer that doesn't exist", ("after_layer: feelings", "after_layer: feeling"),
     "asks_trainee[0].after_layer", 'did you mean "feelings"', "after_layer: feeling", False),
    ("a wrong rapport setting", ("spelling: british\n", "spelling: british\nrapport: {strat: 0}\n"),
     "rapport.strat", 'did you mean "start"', "rapport: {strat", False),
    ("an unreachable layer", ("    label: \"his own next step\"\n",
                              "    label: \"his own next step\"\n    needs_rapport: 40\n"),
     "layers[4]", "above the ceiling", None, False),
    ("an id that isn't the file name", ("id: bullied_at_school", "id: sam"), "id",
     "differs from the file name",
     "id: sam", False),
    ("no schema line", ("schema: 2\n", ""), "schema", "is missing", None, True),
    ("no neutral lines", ("  neutral:\n", "  neutrals:\n"), "reactions.neutral", "", None, True),
    ("bad indentation", ("  name: Sam\n", "  name: Sam\n age: 15\n"), "(YAML)", "not valid YAML", None, True),
]


@pytest.mark.parametrize(("mistake", "edit", "field", "words", "on_line", "fatal"), MISTAKES,
                         ids=[m[0] for m in MISTAKES])
def test_validate_names_the_file_field_line_and_fix(folder, mistake, edit, field, words, on_line, fatal):
    text = SAM_FILE.read_text(encoding="utf-8")
    assert edit[0] in text, mistake
    broken = text.replace(edit[0], edit[1], 1)
    path = folder / "bullied_at_school.yml"
    path.write_text(broken, encoding="utf-8")

    code, out = cli("validate", str(path))

    assert code == 1
    found = [p for p in _problems(path) if p.field == field]
    assert found, out
    problem = found[0]
    assert words in problem.message and problem.fix
    rendered = problem.render()
    assert rendered in out and str(path) in rendered and "fix:" in rendered
    if on_line is not None:
        assert problem.line == line_of(broken, on_line), rendered
    assert problem.fatal == fatal
    assert (scenarios.load_scenarios() == []) == fatal


def _problems(path):
    data, problems = schema.read_yaml(path)
    return problems + (schema.check(data, path) if data is not None else [])


def test_validate_reports_a_yaml_error_at_its_line(folder):
    path = folder / "broken.yml"
    path.write_text("schema: 2\nid: broken\npersona:\n  name: [Jo\n  age: 3\n", encoding="utf-8")
    code, out = cli("validate", str(path))
    assert code == 1
    assert re.search(r"broken\.yml:[45]: error \(the assistant skips this file\): \(YAML\)", out), out


def test_validate_reports_two_files_with_the_same_id(folder):
    first, second = folder / "bullied_at_school.yml", folder / "copy.yml"
    first.write_text(SAM_FILE.read_text(encoding="utf-8"), encoding="utf-8")
    second.write_text(SAM_FILE.read_text(encoding="utf-8"), encoding="utf-8")
    code, out = cli("validate", str(first), str(second))
    assert code == 1 and "is also the id of" in out


def test_validate_warns_when_two_peers_share_a_name(folder):
    first, second = folder / "bullied_at_school.yml", folder / "other.yml"
    first.write_text(SAM_FILE.read_text(encoding="utf-8"), encoding="utf-8")
    second.write_text(SAM_FILE.read_text(encoding="utf-8").replace("id: bullied_at_school", "id: other"),
                      encoding="utf-8")
    code, out = cli("validate", str(first), str(second))
    assert code == 0 and '"Sam" is also the peer in bullied_at_school.yml' in out


def test_mixed_spelling_is_a_warning_and_strict_fails_on_it(folder):
    path = folder / "bullied_at_school.yml"
    path.write_text(SAM_FILE.read_text(encoding="utf-8").replace("my mum to worry", "my mom to worry"),
                    encoding="utf-8")
    code, out = cli("validate", str(path))
    assert code == 0 and '"mom" is not british spelling' in out
    code, _ = cli("validate", "--strict", str(path))
    assert code == 1


# --- list --------------------------------------------------------------------------------------------------

def test_list_shows_the_menu_and_the_skipped_files(folder):
    (folder / "bullied_at_school.yml").write_text(SAM_FILE.read_text(encoding="utf-8"), encoding="utf-8")
    (folder / "half_done.yml").write_text("schema: 2\nid: half_done\n", encoding="utf-8")
    code, out = cli("list")
    assert code == 0
    assert re.search(r"1\. bullied_at_school\s+Sam\s+5 layers\s+Sam, 15: a hard time at school", out), out
    assert "Skipped half_done.yml" in out


def test_list_with_nothing_usable_fails(folder):
    code, out = cli("list")
    assert code == 1 and "(none)" in out


# --- try ---------------------------------------------------------------------------------------------------

LISTENING = """[greet] Hi Sam.
[open_question] What's been going on?
[reflection] It sounds like it's been a weird few months.
[open_question] What's been happening?
[reflection] So it follows you home.
[validation] That makes sense.
[open_question] How do you feel about it all?
[self_disclosure] I had a hard time at school too. What's it like for you?
[reflection] You feel on your own with it.
[open_question] What matters most to you?
[reflection] Your mates matter a lot.
[open_question] What might help, if anything?
/end
"""


def test_try_plays_a_listening_conversation_to_the_last_layer():
    code, out = cli("try", "bullied_at_school", stdin=LISTENING)
    assert code == 0
    # The opening, a reply to each of the 12 messages, and the closing after /end.
    assert out.count("\nSam: ") == 14
    assert "layer next_step" in out.splitlines()[-2]


def test_try_with_advice_shows_the_coach_and_the_peer_withdrawing():
    code, out = cli("try", "bullied_at_school", stdin="You should tell a teacher.\nWhat happened?\n")
    assert code == 0
    assert "(coach: advising)" in out and "-> withdrawn" in out and "next step locked" in out


def test_try_an_unknown_scenario():
    code, out = cli("try", "nobody_here")
    assert code == 2 and "Cannot load" in out


def test_the_cli_runs_as_a_module_in_the_action_servers_environment():
    result = subprocess.run([sys.executable, "-m", "actions.scenarios", "list"], cwd=ROOT,
                            capture_output=True, text=True, timeout=120, check=False)
    assert result.returncode == 0, result.stderr
    assert "bullied_at_school" in result.stdout
