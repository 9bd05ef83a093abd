"""Rapport numbers: the defaults in actions/peer/data/rapport.yml, merged with a scenario's overrides.

Pure data and arithmetic; how the peer uses them is in responder.py.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from types import MappingProxyType
from typing import Any

DEFAULTS_FILE = Path(__file__).resolve().parent / "data" / "rapport.yml"

#: Settings whose value is a whole number (everything except the two per-key tables).
NUMBER_FIELDS = ("start", "floor", "ceiling", "layer_step", "turns_per_layer", "directive",
                 "advice_after_permission", "guard_turns", "guard_max", "relisten_turns",
                 "share_short_words", "share_max_words", "repair_percent")
TABLE_FIELDS = ("moves", "categories")


@dataclass(frozen=True)
class RapportRules:
    """The rapport numbers one scenario runs on (see actions/peer/data/rapport.yml for their meaning)."""

    start: int
    floor: int
    ceiling: int
    layer_step: int
    turns_per_layer: int
    directive: int
    advice_after_permission: int
    guard_turns: int
    guard_max: int
    relisten_turns: int
    share_short_words: int
    share_max_words: int
    repair_percent: int
    moves: Mapping[str, int] = field(default_factory=dict)
    categories: Mapping[str, int] = field(default_factory=dict)

    def move_delta(self, move: str) -> int:
        """The change a collaborative or neutral move makes (0 for a move without a number)."""
        return int(self.moves.get(move, 0))

    def directive_delta(self, category: str | None) -> int:
        """The change a directive message of this coach category makes."""
        return int(self.categories.get(category or "", self.directive))

    def clamp(self, value: int) -> int:
        """Keep rapport within the floor and the ceiling."""
        return max(self.floor, min(self.ceiling, value))


@lru_cache(maxsize=1)
def default_settings() -> dict[str, Any]:
    """The default settings from actions/peer/data/rapport.yml (read once)."""
    from ruamel.yaml import YAML

    data = YAML(typ="safe", pure=True).load(DEFAULTS_FILE.read_text(encoding="utf-8"))
    if not isinstance(data, dict):
        raise ValueError(f"{DEFAULTS_FILE}: expected a mapping of settings")
    return data


def merge_settings(overrides: Mapping[str, Any] | None) -> dict[str, Any]:
    """The defaults with a scenario's ``rapport:`` overrides applied (tables merged key by key).

    Values that are not whole numbers are ignored here; ``python -m actions.scenarios validate``
    reports them.

    Args:
        overrides: The scenario's ``rapport:`` block, or None.

    Returns:
        A new settings mapping.
    """
    merged: dict[str, Any] = {key: (dict(value) if isinstance(value, dict) else value)
                              for key, value in default_settings().items()}
    for key, value in (overrides or {}).items():
        if key in TABLE_FIELDS and isinstance(value, Mapping):
            merged[key].update({str(k): v for k, v in value.items() if _is_int(v)})
        elif key in NUMBER_FIELDS and _is_int(value):
            merged[key] = value
    return merged


def build_rules(overrides: Mapping[str, Any] | None = None) -> RapportRules:
    """The rapport rules for a scenario.

    Args:
        overrides: The scenario's ``rapport:`` block, or None for the defaults.

    Returns:
        The merged, read-only rules.
    """
    settings = merge_settings(overrides)
    numbers = {name: int(settings[name]) for name in NUMBER_FIELDS}
    tables = {name: MappingProxyType({str(k): int(v) for k, v in settings[name].items()})
              for name in TABLE_FIELDS}
    return RapportRules(**numbers, **tables)


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)
