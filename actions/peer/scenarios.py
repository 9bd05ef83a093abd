"""Loading scenario files from data/scenarios/ (lazily, once per process).

A scenario file describes one simulated peer: persona, opening line, disclosure layers, reactions and
closing lines (see data/scenarios/bullied_at_school.yml for the fields). A file that cannot be read is
logged and skipped, so one broken scenario never takes the action server down.
"""

from __future__ import annotations

import logging
import os
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

logger = logging.getLogger(__name__)

#: Overrides the scenario folder (tests point it at fixtures).
SCENARIOS_DIR_ENV = "PRACTICE_SCENARIOS_DIR"
DEFAULT_SCENARIOS_DIR = Path(__file__).resolve().parents[2] / "data" / "scenarios"


@dataclass(frozen=True)
class Scenario:
    """One simulated peer, as read from its YAML file."""

    id: str
    title: str
    name: str
    background: str
    opening: tuple[str, ...]
    layers: tuple[tuple[str, tuple[str, ...]], ...]
    reactions: dict[str, Any]
    closing: dict[str, tuple[str, ...]]
    keywords: tuple[str, ...] = ()
    menu_order: int = 100
    layer_labels: tuple[str, ...] = ()
    raw: dict[str, Any] = field(default_factory=dict, repr=False, compare=False)

    @property
    def layer_ids(self) -> list[str]:
        """Ids of the disclosure layers, from the surface down."""
        return [layer_id for layer_id, _ in self.layers]

    def pool(self, key: str) -> tuple[str, ...]:
        """The lines stored under a dotted key such as "reactions.neutral" or "layers.2".

        Args:
            key: "opening", "layers.<n>", "reactions.<name>", "reactions.categories.<category>"
                or "closing.<kind>".

        Returns:
            The lines, or an empty tuple when the scenario has none under that key.
        """
        head, _, rest = key.partition(".")
        if head == "opening":
            return self.opening
        if head == "layers":
            index = int(rest)
            return self.layers[index][1] if 0 <= index < len(self.layers) else ()
        if head == "closing":
            return self.closing.get(rest, ())
        if head == "reactions":
            node: Any = self.reactions
            for part in rest.split("."):
                node = node.get(part) if isinstance(node, dict) else None
            return _lines(node)
        return ()


def _lines(value: Any) -> tuple[str, ...]:
    if isinstance(value, str):
        return (value.strip(),) if value.strip() else ()
    if isinstance(value, list):
        return tuple(str(v).strip() for v in value if str(v).strip())
    return ()


def _parse(data: Any, source: Path) -> Scenario:
    if not isinstance(data, dict):
        raise ValueError("the file must be a mapping of fields")
    persona = data.get("persona") or {}
    scenario_id = str(data.get("id") or source.stem)
    name = str(persona.get("name") or "").strip()
    if not name:
        raise ValueError("persona.name is missing")
    opening = _lines(data.get("opening"))
    if not opening:
        raise ValueError("opening has no lines")
    layers, labels = [], []
    for index, layer in enumerate(data.get("layers") or []):
        lines = _lines((layer or {}).get("lines"))
        if not lines:
            raise ValueError(f"layers[{index}] has no lines")
        layer_id = str(layer.get("id") or index)
        layers.append((layer_id, lines))
        labels.append(str(layer.get("label") or layer_id.replace("_", " ")))
    if not layers:
        raise ValueError("layers is empty")
    reactions = data.get("reactions") or {}
    if not _lines(reactions.get("neutral")) or not _lines(reactions.get("directive")):
        raise ValueError("reactions.neutral and reactions.directive need lines")
    closing = {str(k): _lines(v) for k, v in (data.get("closing") or {}).items()}
    return Scenario(
        id=scenario_id,
        title=str(data.get("title") or name),
        name=name,
        background=str(persona.get("background") or "").strip(),
        opening=opening,
        layers=tuple(layers),
        reactions=reactions,
        closing=closing,
        keywords=tuple(str(k).lower() for k in data.get("keywords") or ()),
        menu_order=int(data.get("menu_order", 100)),
        layer_labels=tuple(labels),
        raw=data,
    )


def scenarios_dir() -> Path:
    """The folder scenario files are read from."""
    return Path(os.environ.get(SCENARIOS_DIR_ENV) or DEFAULT_SCENARIOS_DIR)


@lru_cache(maxsize=4)
def _load(directory: str) -> tuple[Scenario, ...]:
    from ruamel.yaml import YAML  # only needed on first use

    yaml = YAML(typ="safe", pure=True)
    loaded: list[Scenario] = []
    for path in sorted(Path(directory).glob("*.yml")):
        try:
            loaded.append(_parse(yaml.load(path.read_text(encoding="utf-8")), path))
        except Exception as error:  # a broken file is skipped, never fatal
            logger.error("Skipping scenario file %s: %s", path, error)
    return tuple(sorted(loaded, key=lambda s: (s.menu_order, s.id)))


def load_scenarios() -> list[Scenario]:
    """All readable scenarios, in menu order (read once per folder, then cached)."""
    return list(_load(str(scenarios_dir())))


def get_scenario(scenario_id: str | None) -> Scenario | None:
    """The scenario with this id, or None."""
    return next((s for s in load_scenarios() if s.id == scenario_id), None)


def default_scenario() -> Scenario | None:
    """The first scenario in the menu, or None when there are none."""
    scenarios = load_scenarios()
    return scenarios[0] if scenarios else None


_NUMBER_WORDS = {"one": 1, "first": 1, "two": 2, "second": 2, "three": 3, "third": 3,
                 "four": 4, "fourth": 4, "five": 5, "fifth": 5}


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
        if wanted == scenario.id.lower():
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
