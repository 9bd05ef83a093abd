"""The scenario file format (schema 2): its fields, and the checks behind ``actions.scenarios validate``.

Every problem names the file, the field, the line and what to do about it. Problems marked ``fatal``
make a file unusable, so the action server skips it (and logs why); the others are gaps a trainer
should fix but the peer can live with, falling back on its neutral lines. The guide is
docs/writing-a-scenario.md.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from functools import lru_cache
from pathlib import Path
from typing import Any

SCHEMA_VERSION = 2
ID_PATTERN = re.compile(r"^[a-z][a-z0-9_]*$")

#: The trainee moves the peer answers with `moves:` lines (NLU intent names). "advice" is a trainee
#: move too, but it is answered by the `directive:` lines, like a message the coach flags.
TRAINEE_MOVES = (
    "open_question", "closed_question", "reflection", "validation", "affirmation", "summary",
    "support_autonomy", "ask_permission", "self_disclosure", "reassurance", "repair", "small_talk",
    "greet",
)
#: Moves that can take the peer a disclosure layer deeper; their `moves:` lines are said only when the
#: peer has nothing new to disclose at that depth.
OPENING_MOVES = ("open_question", "reflection")
#: Moves a trainee makes often: each needs at least FREQUENT_LINES lines at every layer.
FREQUENT_MOVES = frozenset({"open_question", "closed_question", "reflection", "validation", "affirmation",
                            "summary", "reassurance", "repair", "small_talk"})
FREQUENT_LINES = 3
OTHER_LINES = 2

#: What each move means, for error messages (the guide has examples).
MOVE_HELP = {
    "open_question": "an open question (\"What's that been like?\"), said when the peer has nothing new to "
                     "disclose at this depth",
    "closed_question": "a yes/no or one-word question (\"Is it every day?\"): a short answer",
    "reflection": "the trainee says back what they heard; said when there is nothing new to disclose",
    "validation": "\"That makes sense\", \"Anyone would feel that\"",
    "affirmation": "the trainee names a strength (\"It took guts to say that\")",
    "summary": "the trainee pulls several things together",
    "support_autonomy": "\"It's your call\", \"You know your situation best\"",
    "ask_permission": "\"Can I share something?\": the peer agrees, warily or warmly",
    "self_disclosure": "a brief share by the trainee that turns back to the peer",
    "reassurance": "\"It'll be okay\" (not flagged by the coach): polite, not convinced",
    "repair": "\"Sorry, I jumped in with advice\" after a directive turn",
    "small_talk": "weather, weekend, hobbies",
    "greet": "hello during the conversation",
    "thanks": "\"Thanks for talking with me\": the peer takes the thanks in their own way",
}
#: Moves a scenario may leave out (validate warns): without lines the peer answers with reactions.neutral.
OPTIONAL_MOVES = {"thanks": OTHER_LINES}
#: At the last layer, once the peer has named their own step, these moves get the lines under the last
#: layer's id (staying with the step: what might get in the way, how it would feel); validate warns when a
#: scenario has fewer than FREQUENT_LINES there.
STEP_MOVES = OPENING_MOVES

#: `reactions:` pools, with the lines each needs.
REACTIONS = {
    "neutral": 4,      # nothing recognised ("ok", emoji)
    "withdrawn": 3,    # a listening move while the peer holds back after being told or judged
    "long_share": 2,   # the trainee talked at length about themselves
    "empty": 2,        # an empty message
    "long": 2,         # a very long message
    "goodbye": 2,      # "bye" said to the peer (/end closes properly)
}
REACTION_HELP = {
    "neutral": "nothing recognised (\"ok\", an emoji)",
    "withdrawn": "a listening move while the peer is holding back after being told, judged or labelled",
    "long_share": "the trainee talked at length about themselves",
    "empty": "an empty message",
    "long": "a very long message",
    "goodbye": "the trainee said goodbye to the peer",
    "idea": "an idea the trainee offered after asking permission, which the peer agreed to hear: milder "
            "than the advising lines",
    "thawing": "a listening move after a repair, while the peer is still finding their feet",
    "not_shared": "the trainee honestly answered the peer's question with \"No, I haven't\"",
}
#: `reactions:` pools a scenario may leave out (validate warns), with the lines each needs. Without them
#: an idea after permission gets the `directive.advising` lines, a thawing peer the move's own lines, and
#: an honest "no" the neutral lines.
OPTIONAL_REACTIONS = {"idea": 2, "thawing": 3, "not_shared": 2}
CLOSING = {"open": 2, "guarded": 2}
#: `directive:` pools: `general` for any flagged message, then one per coach category.
GENERAL = "general"
FREQUENT_CATEGORIES = frozenset({"advising", "ordering", "minimizing", "judging", "labeling"})
#: Used when the coach's category file cannot be read.
FALLBACK_CATEGORIES = ("expert_positioning", "labeling", "judging", "warning", "moralizing", "interpreting",
                       "minimizing", "interrogating", "lecturing", "diverting", "advising", "ordering")

MIN_LAYERS = 4
LAYER_LINES = 2
SCOPE_ANY = "any"

TOP_FIELDS = ("schema", "id", "title", "menu_order", "keywords", "spelling", "persona", "opening", "rapport",
              "layers", "asks_trainee", "moves", "directive", "reactions", "closing")
PERSONA_FIELDS = ("name", "age", "pronouns", "background", "trainer_notes")
LAYER_FIELDS = ("id", "label", "needs_rapport", "lines")
ASK_FIELDS = ("after_layer", "lines")
TODO_MARK = "TODO"
LONG_LINE_CHARS = 300
LONG_BACKGROUND_CHARS = 700

#: (British, American) spellings; a file mixing them gets a warning.
SPELLINGS = (
    (r"colour", r"color"), (r"favourit", r"favorit"), (r"mum(s|my)?\b", r"mom(s|my)?\b"),
    (r"realis", r"realiz"), (r"apologis", r"apologiz"), (r"organis", r"organiz"), (r"recognis", r"recogniz"),
    (r"centre", r"center"), (r"behaviour", r"behavior"), (r"neighbour", r"neighbor"), (r"honour", r"honor"),
    (r"humour", r"humor"), (r"grey\b", r"gray\b"), (r"maths\b", r"math\b"), (r"theatre", r"theater"),
    (r"labour", r"labor"), (r"sceptic", r"skeptic"), (r"analys(e|ing)", r"analyz(e|ing)"),
    (r"criticis", r"criticiz"), (r"travell", r"travel(ed|ing)\b"), (r"counsell", r"counsel(ed|ing|or)\b"),
)


_BRITISH = re.compile(r"\b(?:" + "|".join(uk for uk, _ in SPELLINGS) + ")", re.IGNORECASE)
_AMERICAN = re.compile(r"\b(?:" + "|".join(us for _, us in SPELLINGS) + ")", re.IGNORECASE)


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a scenario file."""

    file: str
    line: int | None
    field: str
    message: str
    fix: str
    severity: str = "error"
    fatal: bool = False

    def render(self) -> str:
        """``file:line: error: field: message`` and, indented below, what to do."""
        where = f"{self.file}:{self.line}" if self.line else self.file
        severity = "error (the assistant skips this file)" if self.fatal else self.severity
        return f"{where}: {severity}: {self.field}: {self.message}\n    fix: {self.fix}"


@lru_cache(maxsize=1)
def coach_categories() -> tuple[str, ...]:
    """The coach's category ids (from actions/coach/data/categories.yml; read once per process)."""
    try:
        from actions.coach.rules import load_categories

        return tuple(load_categories())
    except Exception:  # the coach's data is not ours to break on; its own tests cover it
        return FALLBACK_CATEGORIES


def read_yaml(path: Path, *, keep_lines: bool = True) -> tuple[Any, list[Problem]]:
    """Read a scenario file.

    Args:
        path: The file.
        keep_lines: Keep line numbers for messages (ruamel's round-trip loader); without them the C loader
            reads a file some twenty times faster, which is what the action server wants.

    Returns:
        ``(data, problems)``; data is None when the file cannot be read as YAML.
    """
    from ruamel.yaml import YAML
    from ruamel.yaml.error import MarkedYAMLError

    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        return None, [Problem(str(path), None, "(file)", f"cannot be read: {error}",
                              "check the file exists and is saved as UTF-8 text", fatal=True)]
    try:
        return YAML(typ="rt" if keep_lines else "safe").load(text), []
    except MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line = mark.line + 1 if mark is not None else None
        what = " ".join(str(error.problem or error).split())
        hint = ("a key appears twice: keep one of them" if "duplicate" in what.lower() else
                "check the indentation and put any line containing a colon, '#' or quotes inside double "
                "quotes")
        return None, [Problem(str(path), line, "(YAML)", f"the file is not valid YAML: {what}", hint,
                              fatal=True)]
    except Exception as error:
        return None, [Problem(str(path), None, "(YAML)", f"the file is not valid YAML: {error}",
                              "compare it with a template from `python -m actions.scenarios new`",
                              fatal=True)]


def _line_of_key(node: Any, key: Any) -> int | None:
    try:
        return int(node.lc.key(key)[0]) + 1
    except Exception:
        return _line_of(node)


def _line_of_item(node: Any, index: int) -> int | None:
    try:
        return int(node.lc.item(index)[0]) + 1
    except Exception:
        return _line_of(node)


def _line_of(node: Any) -> int | None:
    try:
        return int(node.lc.line) + 1
    except Exception:
        return None


def _suggest(word: str, options: Iterable[str]) -> str:
    close = difflib.get_close_matches(str(word), list(options), n=1, cutoff=0.6)
    return f' (did you mean "{close[0]}"?)' if close else ""


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


@dataclass
class _Checker:
    """Collects problems for one file; knows the layer ids once they are read."""

    file: str
    categories: tuple[str, ...]
    problems: list[Problem] = field(default_factory=list)
    layer_ids: list[str] = field(default_factory=list)
    seen_lines: dict[str, tuple[str, int | None]] = field(default_factory=dict)
    texts: list[tuple[str, int | None, str]] = field(default_factory=list)
    todos: list[tuple[str, int | None]] = field(default_factory=list)
    persona_name: str = ""

    def add(self, line: int | None, where: str, message: str, fix: str, *, fatal: bool = False,
            warning: bool = False) -> None:
        self.problems.append(Problem(self.file, line, where, message, fix,
                                     "warning" if warning else "error", fatal))

    # -- lines ---------------------------------------------------------------------------------------

    def lines(self, node: Any, where: str, line: int | None) -> list[str]:
        """The usable lines of a list node, reporting the unusable ones."""
        if node is None:
            return []
        if isinstance(node, str):
            self.add(line, where, "is a single line, not a list",
                     f'write it as a list: "{where}:" then a line "  - \\"...\\"" for each variant')
            return [node.strip()] if self._line(node, where, line) else []
        if not isinstance(node, list):
            self.add(line, where, "should be a list of lines", f'write "- \\"...\\"" lines under {where}')
            return []
        good: list[str] = []
        for index, item in enumerate(node):
            item_where, item_line = f"{where}[{index}]", _line_of_item(node, index)
            if isinstance(item, str):
                if self._line(item, item_where, item_line):
                    good.append(item.strip())
            elif isinstance(item, dict):
                self.add(item_line, item_where, "YAML read this line as a key and value (it has a colon)",
                         'put the whole line in double quotes: - "Yeah: it is."')
            elif item is None:
                self.add(item_line, item_where, "is empty", "write the line, or delete the dash")
            else:
                self.add(item_line, item_where, f"YAML read this line as {type(item).__name__}, not text",
                         'put it in double quotes: - "..."')
        return good

    def _line(self, text: str, where: str, line: int | None) -> bool:
        clean = " ".join(text.split())
        if not clean:
            self.add(line, where, "is empty", "write the line, or delete it")
            return False
        if TODO_MARK in clean:
            # Counted as a line (so a fresh template reports only its TODOs), reported per section.
            self.todos.append((where, line))
            return True
        key = clean.lower()
        if key in self.seen_lines:
            first_where, first_line = self.seen_lines[key]
            self.add(line, where, f"repeats {first_where} (line {first_line}) word for word",
                     "make each line different: the peer would say the same thing twice")
        else:
            self.seen_lines[key] = (where, line)
        if len(clean) > LONG_LINE_CHARS:
            self.add(line, where, f"is {len(clean)} characters long",
                     "keep a peer line to a sentence or three", warning=True)
        name = self.persona_name
        if name and clean.lower().startswith(name.lower() + ":"):
            self.add(line, where, f'starts with "{name}:"',
                     "leave the name out: the assistant adds it before every line")
        self.texts.append((where, line, clean))
        return True

    def pool(self, parent: Any, key: str, where: str, minimum: int, *, required: bool = True,
             help_text: str = "") -> None:
        """Check a pool: a list of lines, or a mapping of `any` and layer ids to lists of lines."""
        line = _line_of_key(parent, key)
        node = parent.get(key) if isinstance(parent, dict) else None
        about = f" ({help_text})" if help_text else ""
        if node is None:
            if required:
                self.add(line if key in (parent or {}) else _line_of(parent), where,
                         f"is missing{about}", f"add {where} with at least {minimum} lines")
            return
        if isinstance(node, dict):
            counts: dict[str, int] = {}
            for scope in node:
                scope_where = f"{where}.{scope}"
                scope_line = _line_of_key(node, scope)
                if scope != SCOPE_ANY and scope not in self.layer_ids:
                    hint = _suggest(scope, [SCOPE_ANY, *self.layer_ids])
                    self.add(scope_line, scope_where, f'"{scope}" is not "any" or a layer id{hint}',
                             "use any: for lines said at every layer, or one of: "
                             + ", ".join(self.layer_ids))
                    continue
                counts[str(scope)] = len(self.lines(node[scope], scope_where, scope_line))
            self._coverage(counts, where, line, minimum, about)
        else:
            count = len(self.lines(node, where, line))
            if count < minimum:
                self.add(line, where, f"has {count} line{'s' if count != 1 else ''}{about}",
                         f"write at least {minimum}, so the peer has variants and never repeats itself")

    def _coverage(self, counts: dict[str, int], where: str, line: int | None, minimum: int,
                  about: str) -> None:
        common = counts.get(SCOPE_ANY, 0)
        short = [(lid, common + counts.get(lid, 0)) for lid in self.layer_ids
                 if common + counts.get(lid, 0) < minimum]
        if not short:
            return
        missing = [lid for lid, n in short if n == 0]
        if missing and len(missing) == len(self.layer_ids):
            self.add(line, where, f"has no lines{about}",
                     f"add any: with at least {minimum} lines (said at every layer)")
        elif missing:
            self.add(line, where, f"has no lines for layer{'s' if len(missing) > 1 else ''} "
                                  f"{', '.join(missing)}{about}",
                     f"add an any: list (used at every layer) or a list under {missing[0]}:")
        else:
            listed = ", ".join(f"{lid} ({n})" for lid, n in short)
            self.add(line, where, f"too few lines at {listed}{about}",
                     f"write at least {minimum} lines for each layer, counting the any: lines")

    def unknown_keys(self, node: Any, allowed: Sequence[str], where: str, fix: str) -> None:
        if not isinstance(node, dict):
            return
        for key in node:
            if key not in allowed:
                prefix = f"{where}." if where else ""
                self.add(_line_of_key(node, key), f"{prefix}{key}",
                         f"is not a field of {where or 'a scenario'}{_suggest(key, allowed)}", fix)


def check(data: Any, path: Path | str, categories: Sequence[str] | None = None) -> list[Problem]:
    """Check one scenario file's data against schema 2.

    Args:
        data: The file read with ``read_yaml`` (round-trip nodes carry line numbers; plain dicts work too,
            without them).
        path: The file, for messages; its stem must be the scenario's id.
        categories: The coach categories that need reactions (default: the coach's own list).

    Returns:
        Every problem found, in file order where line numbers are known.
    """
    path = Path(path)
    c = _Checker(str(path), tuple(categories) if categories is not None else coach_categories())
    if not isinstance(data, dict):
        c.add(_line_of(data), "(file)", "is not a mapping of fields",
              "start from `python -m actions.scenarios new <id>`", fatal=True)
        return c.problems
    _check_header(c, data, path)
    _check_persona(c, data)
    _check_layers(c, data)
    c.pool(data, "opening", "opening", 1, help_text="the peer's first words")
    _check_asks(c, data)
    _check_moves(c, data)
    _check_directive(c, data)
    _check_section(c, data, "reactions", REACTIONS, REACTION_HELP, OPTIONAL_REACTIONS)
    _check_section(c, data, "closing", CLOSING, {"open": "at /end once the peer has opened up",
                                                  "guarded": "at /end while the peer is still guarded"})
    _check_rapport(c, data)
    _check_spelling(c, data)
    _report_todos(c)
    _mark_fatal(c, data)
    return sorted(c.problems, key=lambda p: (p.line or 0, p.field))


def _check_header(c: _Checker, data: dict[str, Any], path: Path) -> None:
    c.unknown_keys(data, TOP_FIELDS, "", "remove it, or check the spelling against the template")
    version = data.get("schema")
    if version is None:
        c.add(1, "schema", "is missing", f"add `schema: {SCHEMA_VERSION}` as the first line", fatal=True)
    elif version != SCHEMA_VERSION:
        c.add(_line_of_key(data, "schema"), "schema",
              f"is {version!r}; this engine reads schema {SCHEMA_VERSION}",
              "see docs/writing-a-scenario.md for the fields, or start from "
              "`python -m actions.scenarios new`", fatal=True)
    scenario_id = data.get("id")
    if not isinstance(scenario_id, str) or not ID_PATTERN.match(scenario_id):
        c.add(_line_of_key(data, "id"), "id", f"{scenario_id!r} is not a valid id",
              f"use lower-case letters, digits and _ only, the same as the file name: id: {path.stem}",
              fatal=True)
    elif scenario_id != path.stem:
        c.add(_line_of_key(data, "id"), "id", f'"{scenario_id}" differs from the file name "{path.stem}"',
              f"rename the file to {scenario_id}.yml, or set id: {path.stem}")
    if isinstance(data.get("title"), str) and TODO_MARK in data["title"]:
        c.todos.append(("title", _line_of_key(data, "title")))
    elif not isinstance(data.get("title"), str) or not data["title"].strip():
        c.add(_line_of_key(data, "title"), "title", "is missing",
              'add the menu title, e.g. title: "Sam, 15: a hard time at school"')
    if "menu_order" in data and not _is_int(data["menu_order"]):
        c.add(_line_of_key(data, "menu_order"), "menu_order", "should be a whole number",
              "e.g. menu_order: 3 (lower comes first in the menu)")
    keywords = data.get("keywords")
    if keywords is not None and (not isinstance(keywords, list)
                                 or not all(isinstance(k, str) for k in keywords)):
        c.add(_line_of_key(data, "keywords"), "keywords", "should be a list of words",
              "e.g. keywords: [sam, bullying, school]")
    spelling = data.get("spelling")
    if spelling is not None and spelling not in ("british", "american"):
        c.add(_line_of_key(data, "spelling"), "spelling", f"{spelling!r} is not british or american",
              "write spelling: british or spelling: american")


def _check_persona(c: _Checker, data: dict[str, Any]) -> None:
    persona = data.get("persona")
    if not isinstance(persona, dict):
        c.add(_line_of_key(data, "persona"), "persona", "is missing or not a mapping",
              "add persona: with name, age, background and trainer_notes", fatal=True)
        return
    c.unknown_keys(persona, PERSONA_FIELDS, "persona", f"persona has {', '.join(PERSONA_FIELDS)}")
    name = persona.get("name")
    if not isinstance(name, str) or not name.strip():
        c.add(_line_of_key(persona, "name"), "persona.name", "is missing",
              "add the peer's first name: it is shown before every line they say", fatal=True)
    elif TODO_MARK in name:
        c.todos.append(("persona.name", _line_of_key(persona, "name")))
    else:
        c.persona_name = name.strip()
    if not _is_int(persona.get("age")):
        c.add(_line_of_key(persona, "age"), "persona.age", "is missing or not a whole number", "e.g. age: 34")
    for key, fix in (("background", "two to four sentences the trainee reads before the conversation"),
                     ("trainer_notes",
                      "what the peer is testing, what lands badly, what helps them open up")):
        value = persona.get(key)
        if not isinstance(value, str) or not value.strip():
            c.add(_line_of_key(persona, key), f"persona.{key}", "is missing", f"add {fix}")
        elif TODO_MARK in value:
            c.todos.append((f"persona.{key}", _line_of_key(persona, key)))
        elif key == "background" and len(value) > LONG_BACKGROUND_CHARS:
            c.add(_line_of_key(persona, key), "persona.background", f"is {len(value)} characters long",
                  "keep it short enough to read at a glance", warning=True)


def _check_layers(c: _Checker, data: dict[str, Any]) -> None:
    layers = data.get("layers")
    if not isinstance(layers, list) or not layers:
        c.add(_line_of_key(data, "layers"), "layers", "is missing or empty",
              f"add at least {MIN_LAYERS} layers, from the surface to the peer's own next step", fatal=True)
        return
    if len(layers) < MIN_LAYERS:
        c.add(_line_of_key(data, "layers"), "layers", f"has {len(layers)} layers",
              f"write at least {MIN_LAYERS}: surface, situation, feelings, what matters, and last the peer's "
              "own next step")
    for index, layer in enumerate(layers):
        where, line = f"layers[{index}]", _line_of_item(layers, index)
        if not isinstance(layer, dict):
            c.add(line, where, "should be a mapping with id, label and lines", "see the template", fatal=True)
            continue
        c.unknown_keys(layer, LAYER_FIELDS, where, f"a layer has {', '.join(LAYER_FIELDS)}")
        layer_id = layer.get("id")
        if not isinstance(layer_id, str) or not ID_PATTERN.match(layer_id) or layer_id == SCOPE_ANY:
            c.add(_line_of_key(layer, "id"), f"{where}.id", f"{layer_id!r} is not a usable layer id",
                  "use lower-case letters, digits and _ (not 'any'), e.g. id: feelings", fatal=True)
        elif layer_id in c.layer_ids:
            c.add(_line_of_key(layer, "id"), f"{where}.id", f'"{layer_id}" is used by an earlier layer',
                  "give every layer its own id", fatal=True)
        else:
            c.layer_ids.append(layer_id)
        label = layer.get("label")
        if not isinstance(label, str) or not label.strip():
            c.add(_line_of_key(layer, "label"), f"{where}.label", "is missing",
                  'add how the summary names this layer to the trainee, e.g. label: "how she feels"')
        needs = layer.get("needs_rapport")
        if needs is not None and not _is_int(needs):
            c.add(_line_of_key(layer, "needs_rapport"), f"{where}.needs_rapport", "should be a whole number",
                  "e.g. needs_rapport: 7, or leave it out to use the default")
        lines = c.lines(layer.get("lines"), f"{where}.lines", _line_of_key(layer, "lines"))
        if not lines:
            c.add(_line_of_key(layer, "lines"), f"{where}.lines", "has no lines",
                  "write what the peer discloses at this depth, one list item per variant", fatal=True)
        elif len(lines) < LAYER_LINES:
            c.add(_line_of_key(layer, "lines"), f"{where}.lines", f"has {len(lines)} line",
                  f"write at least {LAYER_LINES} (three reads best): the peer says one each time it is asked")


def _check_asks(c: _Checker, data: dict[str, Any]) -> None:
    asks = data.get("asks_trainee")
    if asks is None:
        c.add(None, "asks_trainee", "is missing",
              "add at least one point where the peer asks about the trainee's experience, e.g. "
              "asks_trainee: [{after_layer: feelings, lines: [...]}]", warning=True)
        return
    items = [asks] if isinstance(asks, dict) else asks
    if not isinstance(items, list):
        c.add(_line_of_key(data, "asks_trainee"), "asks_trainee", "should be a list of {after_layer, lines}",
              "see the template")
        return
    seen: set[str] = set()
    for index, ask in enumerate(items):
        where = f"asks_trainee[{index}]"
        line = _line_of_item(items, index) if items is asks else _line_of_key(data, "asks_trainee")
        if not isinstance(ask, dict):
            c.add(line, where, "should be a mapping with after_layer and lines", "see the template")
            continue
        c.unknown_keys(ask, ASK_FIELDS, where, "an ask has after_layer and lines")
        layer = ask.get("after_layer")
        if layer not in c.layer_ids:
            c.add(_line_of_key(ask, "after_layer"), f"{where}.after_layer",
                  f"{layer!r} is not a layer id{_suggest(str(layer), c.layer_ids)}",
                  f"use one of: {', '.join(c.layer_ids)}")
        elif layer == c.layer_ids[0]:
            c.add(_line_of_key(ask, "after_layer"), f"{where}.after_layer",
                  f'"{layer}" is the layer the peer starts at, so it never opens',
                  f"pick a deeper layer, e.g. after_layer: {c.layer_ids[min(2, len(c.layer_ids) - 1)]}")
        elif layer in seen:
            c.add(_line_of_key(ask, "after_layer"), f"{where}.after_layer", f'"{layer}" already has an ask',
                  "put all the variants for one layer in one lines: list")
        else:
            seen.add(str(layer))
        count = len(c.lines(ask.get("lines"), f"{where}.lines", _line_of_key(ask, "lines")))
        if count < OTHER_LINES:
            c.add(_line_of_key(ask, "lines"), f"{where}.lines",
                  f"has {count} line{'s' if count != 1 else ''}",
                  f"write at least {OTHER_LINES} questions the peer might ask the trainee")


def _check_moves(c: _Checker, data: dict[str, Any]) -> None:
    moves = data.get("moves")
    if not isinstance(moves, dict):
        c.add(_line_of_key(data, "moves"), "moves", "is missing or not a mapping",
              f"add moves: with lines for each of: {', '.join(TRAINEE_MOVES)}")
        return
    known = (*TRAINEE_MOVES, *OPTIONAL_MOVES)
    for key in moves:
        if key not in known:
            fix = ('advice is answered by the directive: lines (advising); move these there'
                   if key == "advice" else f"the moves are: {', '.join(known)}")
            c.add(_line_of_key(moves, key), f"moves.{key}",
                  f"is not a trainee move{_suggest(key, known)}", fix)
    for move in TRAINEE_MOVES:
        minimum = FREQUENT_LINES if move in FREQUENT_MOVES else OTHER_LINES
        c.pool(moves, move, f"moves.{move}", minimum, help_text=MOVE_HELP[move])
    for move, minimum in OPTIONAL_MOVES.items():
        _optional_pool(c, moves, move, f"moves.{move}", minimum, MOVE_HELP[move])
    _check_step_moves(c, moves)


def _optional_pool(c: _Checker, parent: dict[str, Any], key: str, where: str, minimum: int,
                   help_text: str) -> None:
    """Check an optional pool when it is there; warn when it is not (the peer falls back on others)."""
    if key in parent:
        c.pool(parent, key, where, minimum, help_text=help_text)
    else:
        c.add(_line_of(parent), where, f"is missing ({help_text})",
              f"add {where} with at least {minimum} lines; until then the peer answers with more general "
              "lines", warning=True)


def _check_step_moves(c: _Checker, moves: dict[str, Any]) -> None:
    """Once the peer has named their step they stay with it: open questions and reflections need lines."""
    if not c.layer_ids:
        return
    last = c.layer_ids[-1]
    for move in STEP_MOVES:
        node = moves.get(move)
        scoped = node.get(last) if isinstance(node, dict) else None
        count = len(scoped) if isinstance(scoped, list) else 0
        if count < FREQUENT_LINES:
            line = _line_of_key(moves, move) if move in moves else _line_of(moves)
            c.add(line, f"moves.{move}.{last}",
                  f"has {count} line{'s' if count != 1 else ''} for the last layer: once the peer has named "
                  f"their own step, {move.replace('_', ' ')}s get these lines (not more plans)",
                  f"write at least {FREQUENT_LINES} under {move}: {last}: in which the peer stays with their "
                  "step (what might get in the way, how it would feel, what the first bit is)", warning=True)


def _check_directive(c: _Checker, data: dict[str, Any]) -> None:
    directive = data.get("directive")
    if not isinstance(directive, dict):
        c.add(_line_of_key(data, "directive"), "directive", "is missing or not a mapping",
              f"add directive: with general: and a list for each coach category ({', '.join(c.categories)})")
        return
    allowed = (GENERAL, *c.categories)
    for key in directive:
        if key not in allowed:
            c.add(_line_of_key(directive, key), f"directive.{key}",
                  f"is not a coach category{_suggest(key, allowed)}", f"use general or one of: "
                                                                     f"{', '.join(c.categories)}")
    c.pool(directive, GENERAL, f"directive.{GENERAL}", FREQUENT_LINES,
           help_text="any flagged message whose category has no lines left")
    for category in c.categories:
        minimum = FREQUENT_LINES if category in FREQUENT_CATEGORIES else OTHER_LINES
        c.pool(directive, category, f"directive.{category}", minimum,
               help_text=f"the coach flagged {category.replace('_', ' ')}")


def _check_section(c: _Checker, data: dict[str, Any], name: str, pools: dict[str, int],
                   help_texts: dict[str, str], optional: dict[str, int] | None = None) -> None:
    section = data.get(name)
    if not isinstance(section, dict):
        c.add(_line_of_key(data, name), name, "is missing or not a mapping",
              f"add {name}: with {', '.join(pools)}", fatal=name == "reactions")
        return
    known = (*pools, *(optional or {}))
    c.unknown_keys(section, known, name, f"{name} has {', '.join(known)}")
    for key, minimum in pools.items():
        c.pool(section, key, f"{name}.{key}", minimum, help_text=help_texts.get(key, ""))
    for key, minimum in (optional or {}).items():
        _optional_pool(c, section, key, f"{name}.{key}", minimum, help_texts.get(key, ""))


def _check_rapport(c: _Checker, data: dict[str, Any]) -> None:
    from actions.peer.rapport import NUMBER_FIELDS, TABLE_FIELDS, build_rules, default_settings

    overrides = data.get("rapport")
    if overrides is not None:
        if not isinstance(overrides, dict):
            c.add(_line_of_key(data, "rapport"), "rapport", "should be a mapping of numbers",
                  "e.g. rapport: {start: 0}, or leave it out to use the defaults")
            overrides = None
        else:
            defaults = default_settings()
            c.unknown_keys(overrides, (*NUMBER_FIELDS, *TABLE_FIELDS), "rapport",
                           "see actions/peer/data/rapport.yml for the settings")
            for key in NUMBER_FIELDS:
                if key in overrides and not _is_int(overrides[key]):
                    c.add(_line_of_key(overrides, key), f"rapport.{key}", "should be a whole number",
                          f"the default is {defaults.get(key)}")
            for table in TABLE_FIELDS:
                node = overrides.get(table)
                if node is None:
                    continue
                if not isinstance(node, dict):
                    c.add(_line_of_key(overrides, table), f"rapport.{table}", "should be a mapping",
                          f"e.g. rapport: {{{table}: {{...: 1}}}}")
                    continue
                c.unknown_keys(node, tuple(defaults.get(table) or ()), f"rapport.{table}",
                               "see actions/peer/data/rapport.yml for the names")
                for key, value in node.items():
                    if not _is_int(value):
                        c.add(_line_of_key(node, key), f"rapport.{table}.{key}", "should be a whole number",
                              "e.g. 2 or -3")
    rules = build_rules(overrides)
    layers = [layer for layer in data.get("layers") or [] if isinstance(layer, dict)]
    needs = [layer_need(layer.get("needs_rapport"), i, rules.layer_step) for i, layer in enumerate(layers)]
    for index in range(1, len(needs)):
        if needs[index] <= needs[index - 1]:
            c.add(_line_of_key(layers[index], "needs_rapport"), f"layers[{index}].needs_rapport",
                  f"is {needs[index]}, not more than the layer above ({needs[index - 1]})",
                  "each layer should need more rapport than the one before")
    if needs and needs[-1] > rules.ceiling:
        c.add(_line_of_key(layers[-1], "needs_rapport") if layers else None, f"layers[{len(needs) - 1}]",
              f"needs rapport {needs[-1]}, above the ceiling {rules.ceiling}: the peer could never get there",
              "lower needs_rapport or rapport.layer_step, or raise rapport.ceiling")
    if needs and needs[0] > rules.start:
        c.add(_line_of_key(layers[0], "needs_rapport"), "layers[0].needs_rapport",
              f"is {needs[0]}, above the starting rapport {rules.start}",
              "the surface layer is where the peer starts; leave its needs_rapport out", warning=True)


def layer_need(value: Any, index: int, step: int) -> int:
    """The rapport a layer needs: its own ``needs_rapport``, else ``index * step``."""
    return int(value) if _is_int(value) else index * step


def _check_spelling(c: _Checker, data: dict[str, Any]) -> None:
    wanted = data.get("spelling")
    british: list[tuple[str, int | None, str]] = []
    american: list[tuple[str, int | None, str]] = []
    persona = data.get("persona") if isinstance(data.get("persona"), dict) else {}
    texts = [*c.texts, *[(f"persona.{k}", _line_of_key(persona, k), str(persona.get(k)))
                         for k in ("background",) if isinstance(persona.get(k), str)]]
    for where, line, text in texts:
        british += [(where, line, m.group(0)) for m in _BRITISH.finditer(text)]
        american += [(where, line, m.group(0)) for m in _AMERICAN.finditer(text)]
    if wanted == "british":
        wrong = american
    elif wanted == "american":
        wrong = british
    elif british and american:
        first_uk, first_us = british[0], american[0]
        c.add(first_us[1], first_us[0],
              f'mixes American "{first_us[2]}" with British "{first_uk[2]}" '
              f"({first_uk[0]}, line {first_uk[1]})",
              "use one spelling throughout, and say which with spelling: british or spelling: american",
              warning=True)
        return
    else:
        return
    for where, line, word in wrong:
        c.add(line, where, f'"{word}" is not {wanted} spelling', f"use the {wanted} spelling", warning=True)


def _report_todos(c: _Checker) -> None:
    sections: dict[str, list[int]] = {}
    for where, line in c.todos:
        sections.setdefault(re.split(r"[.\[]", where, maxsplit=1)[0], []).append(line or 0)
    for section, numbers in sections.items():
        numbers.sort()
        listed = [str(n) for n in numbers if n]
        shown = ", ".join(listed[:12]) + (", ..." if len(listed) > 12 else "")
        count = f"{len(numbers)} lines still hold" if len(numbers) > 1 else "1 line still holds"
        c.add(numbers[0] or None, section,
              f"{count} the template's TODO text" + (f" (line{'s' if len(listed) > 1 else ''} {shown})"
                                                    if shown else ""),
              "replace each TODO with your own text (the TODO text says what fits there)")


def _mark_fatal(c: _Checker, data: dict[str, Any]) -> None:
    """A peer needs a first line, and neutral lines for when nothing else fits: without them, fatal."""
    reactions = data.get("reactions") if isinstance(data.get("reactions"), dict) else {}
    for where, node, line, fix in (
        ("opening", data.get("opening"), _line_of_key(data, "opening"), "write the peer's first words"),
        ("reactions.neutral", reactions.get("neutral"),
         _line_of_key(reactions, "neutral") if reactions else _line_of_key(data, "reactions"),
         'write a few short neutral lines ("Yeah.", "I guess."): the peer falls back on them'),
    ):
        values = node.values() if isinstance(node, dict) else [node]
        if any(_usable(v) for v in values):
            continue
        related = [i for i, p in enumerate(c.problems)
                   if p.field.startswith(where) or where.startswith(p.field + ".")]
        for i in related:
            c.problems[i] = replace(c.problems[i], fatal=True)
        if not related:
            c.add(line, where, "has no usable line", fix, fatal=True)


def _usable(node: Any) -> bool:
    items = [node] if isinstance(node, str) else node if isinstance(node, list) else []
    return any(isinstance(x, str) and x.strip() and TODO_MARK not in x for x in items)


def fatal(problems: Iterable[Problem]) -> list[Problem]:
    """The problems that make a file unusable."""
    return [p for p in problems if p.fatal]


def errors(problems: Iterable[Problem]) -> list[Problem]:
    """The problems that fail validation (errors, not warnings)."""
    return [p for p in problems if p.severity == "error"]
