"""Word lists and context patterns shared by the coach rules (``data/lexicon.yml``)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import srsly
from spacy.attrs import IDS
from spacy.lookups import Table, load_lookups
from spacy.vocab import Vocab

from .rules import DATA_DIR, RuleError

FIRST_FLAG = 30  # spaCy's FLAG30..FLAG63 are free for applications
MODALS = frozenset({"must", "can", "will", "may", "might", "shall", "should", "would", "could", "ought", "dare"})


@dataclass(frozen=True)
class Lexicon:
    """Word lists (by name), context patterns (by kind) and lemma data."""

    words: dict[str, frozenset[str]]
    contexts: dict[str, list[list[dict[str, Any]]]]
    lemma_overrides: dict[str, str]
    lemma_table: Table
    flags: dict[str, str] = field(default_factory=dict)

    def register_flags(self, vocab: Vocab) -> None:
        """Give every word list a lexical flag, so patterns test membership natively (no Python call per token).

        Args:
            vocab: The pipeline's vocabulary.
        """
        for i, name in enumerate(sorted(self.words)):
            flag = f"FLAG{FIRST_FLAG + i}"
            if FIRST_FLAG + i > 63:
                raise RuleError(f"too many word lists in lexicon.yml (at most {63 - FIRST_FLAG + 1})")
            members = self.words[name]
            vocab.add_flag(lambda text, members=members: text.lower() in members, flag_id=IDS[flag])
            self.flags[name] = flag

    def expand(self, pattern: list[dict[str, Any]], where: str) -> list[list[dict[str, Any]]]:
        """Compile a rule's token pattern for the Matcher.

        "@name" word-list references become lexical flags, which the Matcher tests natively instead of calling a
        Python set predicate for every token.

        Args:
            pattern: A spaCy Matcher token pattern, as written in the data files.
            where: Names the rule or context, for error messages.

        Returns:
            One or more patterns the Matcher accepts.

        Raises:
            RuleError: If a referenced list does not exist.
        """
        return [[self._compile_token(tok, where) for tok in pattern]]

    def _compile_token(self, tok: dict[str, Any], where: str) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for key, value in tok.items():
            if isinstance(value, dict) and isinstance(value.get("IN"), str):
                name = value["IN"].lstrip("@")
                if name not in self.flags:
                    raise RuleError(f"{where}: unknown word list {value['IN']!r}; lists: {sorted(self.words)}")
                out[self.flags[name]] = True
                rest = {k: v for k, v in value.items() if k != "IN"}
                if rest:
                    out[key] = rest
            else:
                out[key] = value
        return out


def load_lexicon(path: Path | None = None) -> Lexicon:
    """Load the lexicon file and the English lemma tables from spacy-lookups-data.

    Args:
        path: The YAML file; defaults to the packaged ``lexicon.yml``.

    Returns:
        The lexicon, with the derived list ``base_verbs`` (English verbs in base form, minus modals and the
        ``not_imperative`` list) added to its words.
    """
    path = path or DATA_DIR / "lexicon.yml"
    data = srsly.read_yaml(path)
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
