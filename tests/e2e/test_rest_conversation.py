"""A whole practice conversation with the real `rasa run` and action server over the REST channel."""

from __future__ import annotations

from conversation import BAD_INPUTS, DIRECTIVE, REFLECTION, RestConversation
from e2e_support import Server, http


def test_rest_channel_is_up(rasa_server: Server) -> None:
    status, body = http("GET", rasa_server.url + "/webhooks/rest/")
    assert status == 200, body


def test_practice_conversation(rasa_server: Server) -> None:
    chat = RestConversation(rasa_server)
    chat.start_practice()

    directive = chat.send(DIRECTIVE)
    assert directive.other_texts, f"the peer must answer every message: {directive.describe()}"
    assert directive.coach_notes, f"no coach note on a directive message: {directive.describe()}"
    assert any(p.get("directive") for p in directive.coach_payloads), directive.describe()

    reflection = chat.send(REFLECTION)
    assert reflection.other_texts, f"the peer must answer every message: {reflection.describe()}"
    assert not reflection.flagged, f"the coach flagged a reflection: {reflection.describe()}"
    assert not any("rephras" in n.lower() or "try:" in n.lower() for n in reflection.coach_notes), (
        reflection.describe())

    feedback = chat.send("/feedback")
    assert feedback.other_texts or feedback.coach_notes, f"/feedback got no reply: {feedback.describe()}"

    end = chat.send("/end")
    assert end.other_texts or end.coach_notes, f"/end got no reply: {end.describe()}"


def test_bad_input_gets_a_reply_and_the_conversation_continues(rasa_server: Server) -> None:
    chat = RestConversation(rasa_server)
    chat.start_practice()
    for text in BAD_INPUTS:
        turn = chat.send(text)
        assert turn.messages, f"no reply to bad input: {turn.describe()}"
    after = chat.send(DIRECTIVE)
    assert after.other_texts and after.coach_notes, f"the conversation did not continue: {after.describe()}"


def test_quiet_mode_holds_notes_for_feedback(rasa_server: Server) -> None:
    chat = RestConversation(rasa_server)
    chat.start_practice()
    quiet = chat.send("/coach_quiet")
    assert quiet.other_texts, f"/coach_quiet got no reply: {quiet.describe()}"

    held = chat.send(DIRECTIVE)
    assert held.other_texts, f"the peer must answer in quiet mode too: {held.describe()}"
    assert not held.coach_notes and not held.coach_payloads, f"quiet mode showed a note: {held.describe()}"

    feedback = chat.send("/feedback")
    summary = " ".join(feedback.other_texts)
    assert DIRECTIVE in summary, f"/feedback should quote the held-back note: {feedback.describe()}"

    chat.send("/coach_live")
    live = chat.send(DIRECTIVE)
    assert live.coach_notes, f"/coach_live did not bring the notes back: {live.describe()}"


def test_help_and_restart(rasa_server: Server) -> None:
    chat = RestConversation(rasa_server)
    chat.start_practice()
    help_turn = chat.send("/help")
    listed = " ".join(help_turn.other_texts)
    assert "/feedback" in listed, f"/help should list the commands: {help_turn.describe()}"

    restart = chat.send("/restart")
    assert restart.messages, f"/restart got no reply: {restart.describe()}"
    # After a restart the practice begins again from the greeting.
    chat.start_practice()
