"""Word lists and context patterns shared by the coach rules (``data/lexicon.yml``)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any

from spacy.lookups import load_lookups

from .matching import Encoding, WordList
from .rules import DATA_DIR, RuleError, read_yaml

MODALS = frozenset(
    {"must", "can", "will", "may", "might", "shall", "should", "would", "could", "ought", "dare"}
)


@dataclass(frozen=True)
class Lexicon:
    """Word lists (by name), context patterns (by kind) and lemma data."""

    words: dict[str, frozenset[str]]
    contexts: dict[str, list[list[dict[str, Any]]]]
    lemma_overrides: dict[str, str]
    # a spaCy Table, which hashes string keys in its own get(); typed as the dict it subclasses, compiled
    # code (scripts/build_native.py) would take dict's get and miss every word
    lemma_table: Mapping[str, str]

    @cached_property
    def encoding(self) -> Encoding:
        """The token encoding the matchers read (one per lexicon, shared by the components)."""
        return Encoding(self.words)

    def expand(self, pattern: list[dict[str, Any]], where: str) -> list[dict[str, Any]]:
        """Resolve "@name" word-list references in a token pattern.

        Args:
            pattern: A spaCy Matcher token pattern, as written in the data files.
            where: Names the rule or context, for error messages.

        Returns:
            The pattern with every word list spelled out.

        Raises:
            RuleError: If a referenced list does not exist.
        """
        return [{k: self._expand_value(v, where) for k, v in tok.items()} for tok in pattern]

    def _expand_value(self, value: Any, where: str) -> Any:
        if isinstance(value, str) and value.startswith("@"):
            name = value[1:]
            if name not in self.words:
                raise RuleError(f"{where}: unknown word list {value!r}; lists: {sorted(self.words)}")
            return WordList(name, self.words[name])
        if isinstance(value, dict):
            return {k: self._expand_value(v, where) for k, v in value.items()}
        if isinstance(value, list):
            # YAML reads `true`, `1` or `2.5` in a word list as a boolean or a number; trainers mean the word
            return [
                str(v).lower() if isinstance(v, bool) else str(v) if isinstance(v, int | float) else v
                for v in value
            ]
        return value


def load_lexicon(path: Path | None = None) -> Lexicon:
    """Load the lexicon file and the English lemma tables from spacy-lookups-data.

    Args:
        path: The YAML file; defaults to the packaged ``lexicon.yml``.

    Returns:
        The lexicon, with the derived list ``base_verbs`` (English verbs in base form, minus modals and the
        ``not_imperative`` list) added to its words.
    """
    path = path or DATA_DIR / "lexicon.yml"
    data = read_yaml(path)
    lookups = load_lookups("en", ["lemma_lookup", "lemma_index"])
    words = {name: frozenset(str(w).lower() for w in ws) for name, ws in data.get("words", {}).items()}
    verbs = frozenset(v for v in lookups.get_table("lemma_index")["verb"] if "_" not in v)
    verbs |= words.get("extra_verbs", frozenset())
    words["base_verbs"] = verbs - MODALS - words.get("not_imperative", frozenset())
    words["adjectives"] = frozenset(a for a in lookups.get_table("lemma_index")["adj"] if "_" not in a)
    return Lexicon(
        words=words,
        contexts={k: list(v) for k, v in data.get("contexts", {}).items()},
        lemma_overrides={str(k): str(v) for k, v in data.get("lemma_overrides", {}).items()},
        lemma_table=lookups.get_table("lemma_lookup"),
    )
