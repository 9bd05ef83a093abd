"""spaCy factories for the coach's components, which live in ``pipes.py``.

The factories are kept apart because spaCy registers only plain Python functions, and the components
themselves may be compiled (``scripts/build_native.py``).
"""

from __future__ import annotations

from spacy.language import Language

from .pipes import CoachLemmatizer, DirectiveCoach


@Language.factory("coach_lemmatizer", default_config={})
def make_coach_lemmatizer(nlp: Language, name: str) -> CoachLemmatizer:
    """Create the lemmatizer (tables are loaded by ``initialize``)."""
    return CoachLemmatizer(nlp, name)


@Language.factory("directive_coach", default_config={"spans_key": "coach", "data_dir": ""})
def make_directive_coach(nlp: Language, name: str, spans_key: str, data_dir: str) -> DirectiveCoach:
    """Create the coach component; rules are loaded by ``initialize``.

    Args:
        nlp: The pipeline.
        name: Component name.
        spans_key: Key in ``doc.spans`` for the flagged spans.
        data_dir: Folder with ``categories.yml``, ``lexicon.yml`` and ``rules/``; empty for the packaged data.
    """
    return DirectiveCoach(nlp, name, spans_key=spans_key, data_dir=data_dir)


