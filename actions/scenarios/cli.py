"""The scenario writer's command line.

    python -m actions.scenarios new <id>          write data/scenarios/<id>.yml from the commented template
    python -m actions.scenarios validate [FILE...] check files (default: all installed); exit 1 on errors
    python -m actions.scenarios list              the scenarios the assistant offers, and any it skips
    python -m actions.scenarios try <id|FILE>     talk to the peer in the terminal, with the real coach

Every command runs in .venv-actions; none needs Rasa or a trained model.
"""

from __future__ import annotations

import argparse
import re
import sys
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any, TextIO

from actions.peer import schema
from actions.peer.scenarios import Scenario, load_file, scenario_files, scenarios_dir

TEMPLATE = Path(__file__).resolve().parent / "template.yml"
ID_TOKEN = "__ID__"
#: "[validation] That makes sense." or "[open_question 0.7] What happened?" in `try`: the NLU intent.
INTENT_PREFIX = re.compile(r"^\[(?P<intent>[a-z_]+)(?:\s+(?P<confidence>[0-9.]+))?\]\s*")


def main(argv: Sequence[str] | None = None, out: TextIO | None = None) -> int:
    """Run the command line.

    Args:
        argv: Arguments (defaults to ``sys.argv[1:]``).
        out: Where output goes (defaults to standard output).

    Returns:
        The exit code: 0 when all is well, 1 when validation found errors, 2 for a usage error.
    """
    out = out or sys.stdout
    parser = argparse.ArgumentParser(prog="python -m actions.scenarios",
                                     description="Write, check and try practice scenarios.")
    commands = parser.add_subparsers(dest="command", required=True)
    new = commands.add_parser("new", help="write a commented template for a new scenario")
    new.add_argument("id", help="the scenario id: lower-case letters, digits and _ (also the file name)")
    new.add_argument("--dir", type=Path, help="folder to write to (default: the scenario folder)")
    new.add_argument("--force", action="store_true", help="overwrite an existing file")
    check = commands.add_parser("validate", help="check scenario files; exit code 1 on errors")
    check.add_argument("files", nargs="*", type=Path, help="files to check (default: every installed one)")
    check.add_argument("--strict", action="store_true", help="fail on warnings too")
    listing = commands.add_parser("list", help="list the installed scenarios")
    listing.add_argument("--dir", type=Path, help="folder to list (default: the scenario folder)")
    trial = commands.add_parser("try", help="talk to a peer in the terminal (stdin: one message a line)")
    trial.add_argument("scenario", help="a scenario id or a file")
    trial.add_argument("--no-coach", action="store_true", help="skip the coach (moves only from [intent])")
    trial.add_argument("--quiet", action="store_true", help="don't print the move, rapport and layer")
    args = parser.parse_args(argv)
    if args.command == "new":
        return new_scenario(args.id, args.dir or scenarios_dir(), force=args.force, out=out)
    if args.command == "validate":
        return validate(args.files or scenario_files(), strict=args.strict, out=out)
    if args.command == "list":
        return list_scenarios(args.dir or scenarios_dir(), out=out)
    return try_scenario(args.scenario, sys.stdin, out, coach=not args.no_coach, verbose=not args.quiet)


def template_text(scenario_id: str) -> str:
    """The commented template with the id filled in."""
    return TEMPLATE.read_text(encoding="utf-8").replace(ID_TOKEN, scenario_id)


def new_scenario(scenario_id: str, directory: Path, *, force: bool = False, out: TextIO) -> int:
    """Write ``<directory>/<id>.yml`` from the template.

    Args:
        scenario_id: The new scenario's id.
        directory: Where to write it.
        force: Overwrite an existing file.
        out: Where messages go.

    Returns:
        0 on success, 2 when the id is unusable or the file exists.
    """
    if not schema.ID_PATTERN.match(scenario_id):
        print(f'"{scenario_id}" is not a usable id: use lower-case letters, digits and _, starting with a '
              "letter (e.g. caring_for_my_brother).", file=out)
        return 2
    path = directory / f"{scenario_id}.yml"
    if path.exists() and not force:
        print(f"{path} already exists; pick another id, or add --force to overwrite it.", file=out)
        return 2
    directory.mkdir(parents=True, exist_ok=True)
    path.write_text(template_text(scenario_id), encoding="utf-8")
    print(f"Wrote {path}.\n"
          "Next: replace every TODO line (the comments say what goes where; docs/writing-a-scenario.md has a "
          "worked example), then\n"
          f"  .venv-actions/bin/python -m actions.scenarios validate {path}\n"
          f"  .venv-actions/bin/python -m actions.scenarios try {scenario_id}\n"
          "The assistant skips the file until it validates without fatal errors; once it does, it appears in "
          "the menu (no retraining, no restart).", file=out)
    return 0


def validate(files: Iterable[Path], *, strict: bool = False, out: TextIO) -> int:
    """Check scenario files and print every problem with its file, line, field and fix.

    Args:
        files: The files (two with the same id are reported too).
        strict: Count warnings as failures.
        out: Where the report goes.

    Returns:
        1 when any file has errors (or warnings, with ``strict``), else 0.
    """
    files = list(files)
    if not files:
        print(f"No scenario files found in {scenarios_dir()}.", file=out)
        return 1
    categories = schema.coach_categories()
    ids: dict[str, Path] = {}
    names: dict[str, Path] = {}
    failed = 0
    for path in files:
        data, problems = schema.read_yaml(path)
        if data is not None:
            problems += schema.check(data, path, categories)
            problems += _clashes(data, path, ids, names)
        errors = schema.errors(problems)
        warnings = [p for p in problems if p.severity == "warning"]
        for problem in problems:
            print(problem.render(), file=out)
        if errors or (strict and warnings):
            failed += 1
            skipped = " The assistant skips this file until the fatal ones are fixed." if schema.fatal(
                problems) else ""
            print(f"{path}: {_count(errors, 'error')}, {_count(warnings, 'warning')}.{skipped}\n", file=out)
        else:
            print(f"{path}: OK" + (f" ({_count(warnings, 'warning')})" if warnings else ""), file=out)
    if failed:
        print(f"{failed} of {_count(files, 'file')} need fixing.", file=out)
        return 1
    print(f"All {_count(files, 'file')} OK.", file=out)
    return 0


def _clashes(data: Any, path: Path, ids: dict[str, Path], names: dict[str, Path]) -> list[schema.Problem]:
    """Problems between files: a shared id (an error), a shared peer name (choosing by name is ambiguous)."""
    if not isinstance(data, dict):
        return []
    problems = []
    scenario_id = data.get("id")
    if isinstance(scenario_id, str) and scenario_id in ids:
        problems.append(schema.Problem(str(path), None, "id", f'"{scenario_id}" is also the id of '
                                       f"{ids[scenario_id]}", "give each scenario its own id"))
    elif isinstance(scenario_id, str):
        ids[scenario_id] = path
    persona = data.get("persona")
    name = persona.get("name") if isinstance(persona, dict) else None
    if isinstance(name, str) and name.strip().lower() in names:
        problems.append(schema.Problem(
            str(path), None, "persona.name",
            f'"{name}" is also the peer in {names[name.strip().lower()].name}',
            "give each peer their own name: a trainee who types the name gets the first one in the menu",
            severity="warning"))
    elif isinstance(name, str):
        names[name.strip().lower()] = path
    return problems


def _count(items: Sequence[Any], word: str) -> str:
    return f"{len(items)} {word}{'' if len(items) == 1 else 's'}"


def list_scenarios(directory: Path, *, out: TextIO) -> int:
    """Print the scenarios in the menu order, and the files the assistant skips.

    Args:
        directory: The scenario folder.
        out: Where the list goes.

    Returns:
        0 (1 when there is no usable scenario at all).
    """
    usable: list[Scenario] = []
    skipped: list[tuple[Path, schema.Problem]] = []
    for path in scenario_files(directory):
        scenario, problems = load_file(path)
        if scenario is None:
            skipped.append((path, schema.fatal(problems)[0]))
        else:
            usable.append(scenario)
    usable.sort(key=lambda s: (s.menu_order, s.id))
    print(f"Scenarios in {directory} (menu order):", file=out)
    for number, scenario in enumerate(usable, start=1):
        print(f"  {number}. {scenario.id:<28} {scenario.name:<10} {len(scenario.layers)} layers   "
              f"{scenario.title}", file=out)
    if not usable:
        print("  (none)", file=out)
    for path, problem in skipped:
        print(f"Skipped {path.name}: {problem.field}: {problem.message} (run validate for details)", file=out)
    return 0 if usable else 1


def _find(scenario: str) -> Path | None:
    path = Path(scenario)
    if path.suffix == ".yml" and path.exists():
        return path
    candidate = scenarios_dir() / f"{scenario}.yml"
    return candidate if candidate.exists() else None


def try_scenario(scenario_ref: str, lines: TextIO, out: TextIO, *, coach: bool = True,
                 verbose: bool = True) -> int:
    """Talk to a peer without Rasa: one trainee message per input line.

    A message may start with the NLU intent in brackets, as the model would give it, e.g.
    "[validation] That makes sense." Without one, the peer reads the move from the coach, as it does
    when the model is unsure. "/end" closes the conversation; "/state" prints the peer's state.

    Args:
        scenario_ref: A scenario id or file.
        lines: The trainee's messages.
        out: Where the conversation goes.
        coach: Run the real coach on each message.
        verbose: Print the move, the rapport and the layer after each reply.

    Returns:
        0, or 2 when the scenario cannot be loaded.
    """
    from actions.peer.responder import closing_line, peer_reply, pick_line, start_state

    path = _find(scenario_ref)
    scenario, problems = load_file(path) if path else (None, [])
    if scenario is None:
        print(f"Cannot load {scenario_ref!r}." + "".join("\n" + p.render() for p in schema.fatal(problems)),
              file=out)
        return 2
    interactive = lines.isatty()
    print(f"{scenario.title}\n{scenario.background}\n(Type messages; [intent] in front sets the NLU move; "
          "/state, /end.)", file=out)
    opening = pick_line(scenario, ["opening"], [], seed="try:opening")
    used = [opening[0]] if opening else []
    print(f"{scenario.name}: {opening[1] if opening else '...'}", file=out)
    state = start_state(scenario)
    while True:
        if interactive:
            print("you> ", end="", file=out, flush=True)
        raw = lines.readline()
        if not raw:
            break
        text = raw.rstrip("\n")
        if text.strip() in ("/end", "/quit"):
            closing = closing_line(scenario, state, used, seed="try:closing")
            if closing:
                print(f"{scenario.name}: {closing[1]}", file=out)
            break
        if text.strip() == "/state":
            print(f"  {state}", file=out)
            continue
        if not interactive:
            print(f"you> {text}", file=out)
        intent, confidence = None, 1.0
        if match := INTENT_PREFIX.match(text):
            intent = match["intent"]
            confidence = float(match["confidence"]) if match["confidence"] else 1.0
            text = text[match.end():]
        analysis, moves = _coach(text) if coach else (None, [])
        if analysis and analysis.get("flags"):
            print(f"  (coach: {', '.join(f['category'] for f in analysis['flags'])})", file=out)
        reply = peer_reply(scenario, text=text, analysis=analysis, moves=moves, state=state, used=used,
                           seed=f"try:{len(used)}", intent=intent, confidence=confidence)
        state, used = reply.state, [*used, *reply.keys]
        print(f"{scenario.name}: {reply.text}", file=out)
        if verbose:
            layer = scenario.layers[state["layer"]].id
            flags = (" | guarded" if state["guard"] else "") + (
                " | next step locked" if state["locked"] else "")
            print(f"  [{reply.move.kind} -> {reply.reaction} | rapport {state['rapport']} | layer {layer}"
                  f"{flags}]", file=out)
    return 0


def _coach(text: str) -> tuple[dict[str, Any] | None, list[str]]:
    try:
        from actions.coach import analyze, listening_moves

        return analyze(text), list(listening_moves(text))
    except Exception as error:  # the peer still answers without a coach, as in the action server
        print(f"  (the coach could not read that: {error})", file=sys.stderr)
        return None, []
