"""Scenario files under data/scenarios/ (schema 2, see actions/peer/schema.py and the guide).

Files are read on first use and read again whenever a file in the folder is added, removed or changed,
so a new scenario appears in the menu without restarting anything. A file with a fatal problem is
logged and skipped; one broken scenario never takes the action server down.
"""

from __future__ import annotations

import logging
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from actions.peer import schema
from actions.peer.rapport import RapportRules, build_rules

logger = logging.getLogger(__name__)

#: Overrides the scenario folder (tests point it at fixtures).
SCENARIOS_DIR_ENV = "PRACTICE_SCENARIOS_DIR"
DEFAULT_SCENARIOS_DIR = Path(__file__).resolve().parents[2] / "data" / "scenarios"


@dataclass(frozen=True)
class Layer:
    """One disclosure layer: what the peer tells once they trust the trainee this much."""

    id: str
    label: str
    need: int
    lines: tuple[str, ...]


@dataclass(frozen=True)
class Scenario:
    """One simulated peer, as read from its YAML file.

    Lines are stored in flat pools keyed by dotted names (see ``lines``); a line's key in the
    conversation record is "<pool>#<index>".
    """

    id: str
    title: str
    name: str
    background: str
    layers: tuple[Layer, ...]
    pools: Mapping[str, tuple[str, ...]]
    rapport: RapportRules
    asks: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    age: int | None = None
    pronouns: str = ""
    trainer_notes: str = ""
    keywords: tuple[str, ...] = ()
    menu_order: int = 100
    source: str = ""

    @property
    def opening(self) -> tuple[str, ...]:
        """The peer's possible first lines."""
        return self.pools.get("opening", ())

    @property
    def layer_ids(self) -> list[str]:
        """Ids of the disclosure layers, from the surface down."""
        return [layer.id for layer in self.layers]

    @property
    def layer_labels(self) -> list[str]:
        """How the summary names each layer."""
        return [layer.label for layer in self.layers]

    @property
    def deepest(self) -> int:
        """Index of the last layer (the peer's own next step)."""
        return len(self.layers) - 1

    def need(self, index: int) -> int:
        """The rapport layer ``index`` needs."""
        return self.layers[max(0, min(index, self.deepest))].need

    def lines(self, key: str) -> tuple[str, ...]:
        """The lines of one pool.

        Args:
            key: "opening", "layers.<layer id>", "asks.<layer id>", "closing.<kind>", or
                "<moves|directive|reactions>.<name>.<any|layer id>".

        Returns:
            The lines, or an empty tuple when the scenario has none there.
        """
        return self.pools.get(key, ())

    def label_of(self, pool_key: str) -> str:
        """The label of the layer a "layers.<id>" pool belongs to ("" for other pools)."""
        head, _, layer_id = pool_key.partition(".")
        if head != "layers":
            return ""
        return next((layer.label for layer in self.layers if layer.id == layer_id), "")

    def scoped(self, group: str, name: str, layer: int) -> list[str]:
        """Pool keys for one reaction at a layer: the layer's own lines first, then the ``any`` lines."""
        layer_id = self.layers[max(0, min(layer, self.deepest))].id
        return [f"{group}.{name}.{layer_id}", f"{group}.{name}.{schema.SCOPE_ANY}"]


def _text_lines(value: Any) -> tuple[str, ...]:
    items = [value] if isinstance(value, str) else value if isinstance(value, list) else []
    lines = (" ".join(item.split()) for item in items if isinstance(item, str))
    return tuple(line for line in lines if line and schema.TODO_MARK not in line)


def _add_pool(pools: dict[str, tuple[str, ...]], key: str, value: Any) -> None:
    """A pool written as a list goes under ``any``; one written per layer keeps its scopes."""
    scopes = value if isinstance(value, dict) else {schema.SCOPE_ANY: value}
    for scope, lines in scopes.items():
        found = _text_lines(lines)
        if found:
            pools[f"{key}.{scope}"] = found


def build(data: Mapping[str, Any], source: Path) -> Scenario:
    """Turn a checked file's data into a Scenario (tolerant: unusable parts are left out).

    Args:
        data: The file's data, without fatal problems (see ``schema.check``).
        source: The file.

    Returns:
        The scenario.
    """
    persona = data.get("persona") or {}
    rules = build_rules(data.get("rapport") if isinstance(data.get("rapport"), Mapping) else None)
    layers = tuple(
        Layer(id=str(raw["id"]), label=str(raw.get("label") or str(raw["id"]).replace("_", " ")),
              need=schema.layer_need(raw.get("needs_rapport"), index, rules.layer_step),
              lines=_text_lines(raw.get("lines")))
        for index, raw in enumerate(data["layers"])
    )
    pools: dict[str, tuple[str, ...]] = {"opening": _text_lines(data.get("opening"))}
    for layer in layers:
        pools[f"layers.{layer.id}"] = layer.lines
    for group in ("moves", "directive", "reactions"):
        section = data.get(group)
        if isinstance(section, Mapping):
            for name, value in section.items():
                _add_pool(pools, f"{group}.{name}", value)
    closing = data.get("closing")
    if isinstance(closing, Mapping):
        for kind, value in closing.items():
            pools[f"closing.{kind}"] = _text_lines(value)
    asks_raw = data.get("asks_trainee")
    asks: dict[str, tuple[str, ...]] = {}
    for ask in [asks_raw] if isinstance(asks_raw, Mapping) else asks_raw or []:
        if isinstance(ask, Mapping) and ask.get("after_layer") in {layer.id for layer in layers}:
            asks[str(ask["after_layer"])] = _text_lines(ask.get("lines"))
            pools[f"asks.{ask['after_layer']}"] = asks[str(ask["after_layer"])]
    name = str(persona["name"]).strip()
    age = persona.get("age")
    return Scenario(
        id=str(data.get("id") or source.stem),
        title=str(data.get("title") or name),
        name=name,
        background=" ".join(str(persona.get("background") or "").split()),
        layers=layers,
        pools=pools,
        rapport=rules,
        asks=asks,
        age=age if isinstance(age, int) else None,
        pronouns=str(persona.get("pronouns") or ""),
        trainer_notes=" ".join(str(persona.get("trainer_notes") or "").split()),
        keywords=tuple(str(k).lower() for k in data.get("keywords") or () if isinstance(k, str)),
        menu_order=int(data["menu_order"]) if isinstance(data.get("menu_order"), int) else 100,
        source=str(source),
    )


def load_file(path: Path, *, keep_lines: bool = True) -> tuple[Scenario | None, list[schema.Problem]]:
    """Read and check one scenario file.

    Args:
        path: The file.
        keep_lines: Give problems their line numbers (slower; the action server does without).

    Returns:
        ``(scenario, problems)``; the scenario is None when a problem is fatal.
    """
    data, problems = schema.read_yaml(path, keep_lines=keep_lines)
    if data is None:
        return None, problems
    problems += schema.check(data, path)
    if schema.fatal(problems):
        return None, problems
    return build(data, path), problems


def scenarios_dir() -> Path:
    """The folder scenario files are read from."""
    return Path(os.environ.get(SCENARIOS_DIR_ENV) or DEFAULT_SCENARIOS_DIR)


def scenario_files(directory: Path | None = None) -> list[Path]:
    """The scenario files in a folder, by name (files starting with "_" or "." are left out)."""
    folder = directory or scenarios_dir()
    return sorted(p for p in folder.glob("*.yml") if not p.name.startswith(("_", ".")))


def _signature(directory: Path) -> tuple[tuple[str, int, int], ...]:
    signature = []
    for path in scenario_files(directory):
        try:
            stat = path.stat()
        except OSError:
            continue
        signature.append((path.name, stat.st_mtime_ns, stat.st_size))
    return tuple(signature)


@lru_cache(maxsize=4)
def _load(directory: str, signature: tuple[tuple[str, int, int], ...]) -> tuple[Scenario, ...]:
    loaded: dict[str, Scenario] = {}
    for path in scenario_files(Path(directory)):
        try:
            scenario, problems = load_file(path, keep_lines=False)
        except Exception:  # a broken file is skipped, never fatal
            logger.exception("Skipping scenario file %s: it could not be read", path)
            continue
        if scenario is None:
            logger.error("Skipping scenario file %s:\n%s", path,
                         "\n".join(p.render() for p in schema.fatal(problems)))
            continue
        gaps = schema.errors(problems)
        if gaps:
            fields = ", ".join(dict.fromkeys(p.field for p in gaps))
            logger.warning("Scenario file %s has %d problem(s), in %s; `python -m actions.scenarios "
                           "validate %s` says where and what to do. The first: %s",
                           path, len(gaps), fields, path, gaps[0].render())
        if scenario.id in loaded:
            logger.error("Skipping scenario file %s: id %r is already used by %s", path, scenario.id,
                         loaded[scenario.id].source)
            continue
        loaded[scenario.id] = scenario
    return tuple(sorted(loaded.values(), key=lambda s: (s.menu_order, s.id)))


def load_scenarios() -> list[Scenario]:
    """All usable scenarios, in menu order (files are read again only when the folder changes)."""
    directory = scenarios_dir()
    return list(_load(str(directory), _signature(directory)))


def get_scenario(scenario_id: str | None) -> Scenario | None:
    """The scenario with this id, or None."""
    if not scenario_id:
        return None
    return next((s for s in load_scenarios() if s.id == scenario_id), None)


def default_scenario() -> Scenario | None:
    """The first scenario in the menu, or None when there are none."""
    scenarios = load_scenarios()
    return scenarios[0] if scenarios else None


_NUMBER_WORDS = {"one": 1, "first": 1, "two": 2, "second": 2, "three": 3, "third": 3, "four": 4,
                 "fourth": 4, "five": 5, "fifth": 5, "six": 6, "sixth": 6, "seven": 7, "seventh": 7,
                 "eight": 8, "eighth": 8, "nine": 9, "ninth": 9, "ten": 10, "tenth": 10}


def resolve_choice(text: str | None) -> Scenario | None:
    """Find the scenario a trainee picked by id, number, name or keyword.

    Args:
        text: What the trainee typed or the scenario entity, e.g. "bullied_at_school", "1", "Sam",
            "the bullying one".

    Returns:
        The scenario, or None when nothing matches.
    """
    if not text:
        return None
    scenarios = load_scenarios()
    wanted = text.strip().lower()
    for scenario in scenarios:
        if wanted in (scenario.id.lower(), scenario.title.lower()):
            return scenario
    words = re.findall(r"[a-z0-9_]+", wanted)
    for word in words:
        number = int(word) if word.isdigit() else _NUMBER_WORDS.get(word)
        if number and 1 <= number <= len(scenarios):
            return scenarios[number - 1]
    for scenario in scenarios:
        if scenario.name.lower() in words or scenario.id.lower() in words:
            return scenario
    for scenario in scenarios:
        if any(keyword in words for keyword in scenario.keywords):
            return scenario
    return None
