"""The coach pipeline and its JSON-ready analysis.

The pipeline is built on first use (not at import) and cached per process: rasa-sdk imports every module
under ``actions/`` when the action server starts.
"""

from __future__ import annotations

import gc
from collections.abc import Iterable, Iterator
from functools import lru_cache
from typing import Any, cast

import spacy
from spacy.language import Language
from spacy.tokenizer import Tokenizer
from spacy.tokens import Doc

from . import component  # noqa: F401  (registers the factories)
from .lexicon import load_lexicon
from .pipes import FLAGS_KEY, CoachLemmatizer, DirectiveCoach
from .rephrase import fill

MAX_CHARS = 20_000  # longer messages are analysed up to here; nobody types more in one turn
# spaCy keeps these as one token ("Mo." as in Missouri), so "Hi Mo. Studies show ..." read as one
# sentence. Trainees write them as names far more often than as US states or military ranks.
NAME_LIKE = "Ak Del Ga Gen Ia Id Ill Ind Jan Kan Ky La Miss Mo Mont Nev Ore Pa Wash"
NAMES_NOT_ABBREVIATIONS = frozenset(f"{name}." for name in NAME_LIKE.split())


@lru_cache(maxsize=1)
def get_nlp() -> Language:
    """The coach pipeline: blank English, lookup lemmas, and the directive coach."""
    nlp = spacy.blank("en")
    tokenizer = cast(Tokenizer, nlp.tokenizer)
    tokenizer.rules = {k: v for k, v in tokenizer.rules.items() if k not in NAMES_NOT_ABBREVIATIONS}
    nlp.add_pipe("coach_lemmatizer")
    nlp.add_pipe("directive_coach")
    lexicon = load_lexicon()
    cast(CoachLemmatizer, nlp.get_pipe("coach_lemmatizer")).initialize(lexicon=lexicon)
    cast(DirectiveCoach, nlp.get_pipe("directive_coach")).initialize(lexicon=lexicon)
    # The rules, word lists and caches are ~120k long-lived objects; left in the young generations, every full
    # garbage collection walks them again (measured: 5-8% of each analysis). Frozen, collections skip them.
    gc.freeze()
    return nlp


def analyze(text: str) -> dict[str, Any]:
    """Analyse one trainee message.

    Args:
        text: The message as the trainee wrote it.

    Returns:
        ``{"text", "directive", "flags": [{"category", "start", "end", "text", "explanation",
        "rephrasings"}]}``, flags most important first; ``start``/``end`` are character offsets into ``text``.
    """
    return doc_to_analysis(text, process(get_nlp(), _clip(text)))


def analyze_many(texts: Iterable[str], batch_size: int = 256) -> Iterator[dict[str, Any]]:
    """Analyse messages in order, streaming results (used by the CLI and the evaluation)."""
    nlp = get_nlp()
    originals: list[str] = []

    def clipped() -> Iterator[str]:
        for t in texts:
            originals.append(t)
            yield _clip(t)

    for i, doc in enumerate(nlp.pipe(clipped(), batch_size=batch_size)):
        yield doc_to_analysis(originals[i], doc)
        originals[i] = ""


def doc_to_analysis(text: str, doc: Doc) -> dict[str, Any]:
    """Turn a processed doc into the public JSON shape."""
    flags = []
    for f in doc.user_data.get(FLAGS_KEY, ()):
        start = doc[f.start].idx
        last = doc[f.end - 1]
        end = last.idx + len(last.text)
        flags.append(
            {
                "category": f.category.id,
                "start": start,
                "end": end,
                "text": text[start:end],
                "explanation": f.rule.explanation or f.category.explanation,
                "rephrasings": fill(f.rule.rephrasings or f.category.rephrasings, f.action),
            }
        )
    return {"text": text, "directive": bool(flags), "flags": flags}


def rule_ids(text: str) -> list[str]:
    """Ids of the rules that fire on a message, most important first (for trainers and tests)."""
    return [f.rule.id for f in process(get_nlp(), _clip(text))._.coach_flags]


def process(nlp: Language, text: str) -> Doc:
    """Run the coach pipeline on one message, without Language.__call__'s bookkeeping."""
    # Language.__call__ adds error handling and bookkeeping that costs as much as the tokenizer on a short
    # message; the coach's own components don't need it.
    doc = nlp.tokenizer(text)
    for proc in _components(nlp):
        doc = proc(doc)
    return doc


@lru_cache(maxsize=4)
def _components(nlp: Language) -> tuple[Any, ...]:
    # a component's lean entry point when it has one: the coach's skips writing doc.spans, the lemmatizer's
    # skips writing token.lemma_ (the coach reads lemmas from its token views)
    return tuple(
        getattr(proc, "find_flags", None) or getattr(proc, "prepare", proc) for _, proc in nlp.pipeline
    )


def _clip(text: str) -> str:
    return text if len(text) <= MAX_CHARS else text[:MAX_CHARS]
