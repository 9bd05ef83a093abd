"""The report's NLU client, against a stand-in parser that speaks the same line protocol."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from actions.report.nlu import NluClient, NluUnavailable

FAKE_PARSER = r"""
import json, sys
print("\x1b[0mnlu_parse: ready", file=sys.stderr, flush=True)
for line in sys.stdin:
    text = json.loads(line)
    print("some log line the parser writes on stderr", file=sys.stderr, flush=True)
    intent = "open_question" if text.endswith("?") else "reflection"
    print(json.dumps({"intent": intent, "confidence": 0.9}), flush=True)
"""


@pytest.fixture
def client():
    nlu = NluClient([sys.executable, "-c", FAKE_PARSER])
    yield nlu
    nlu.close()


def test_trainee_turns_get_the_models_intent_and_peer_turns_are_left_alone(client):
    turns = [
        {"speaker": "peer", "text": "It's been a lot."},
        {"speaker": "trainee", "text": "What's been the hardest part?"},
        {"speaker": "trainee", "text": "It sounds exhausting.", "intent": "validation", "confidence": 1.0},
    ]
    annotated = client.annotate(turns)
    assert annotated[0] == turns[0]
    assert annotated[1]["intent"] == "open_question" and annotated[1]["confidence"] == 0.9
    assert annotated[2]["intent"] == "validation"  # an intent already given is kept


def test_many_messages_do_not_stall_on_the_parsers_log_output(client):
    intents = {client.parse(f"message {i}?")[0] for i in range(3000)}
    assert intents == {"open_question"}


@pytest.mark.parametrize(("model", "python"), [
    (Path("/nonexistent/model.tar.gz"), Path(sys.executable)),
    (Path(__file__), Path("/nonexistent/python")),
])
def test_a_missing_model_or_environment_is_said_plainly(model, python):
    with pytest.raises(NluUnavailable):
        NluClient.for_model(model, python)


def test_a_parser_that_dies_before_it_is_ready_is_reported():
    with pytest.raises(NluUnavailable):
        NluClient([sys.executable, "-c", "import sys; sys.exit(3)"])
