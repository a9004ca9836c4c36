"""Reconciling VAPI's resent history with the stored turns, and reading VAPI's payloads defensively."""

from __future__ import annotations

import pytest

from conversations.transcript import align, similar
from juggy.ai import Turn
from juggy.errors import BadRequest
from sessions_app.vapi.payload import ChatRequest, ServerMessage, parse_json_object, transcript_turns

Q0, A1, Q2, A3 = Turn("interviewer", "Hello, tell me about yourself."), Turn("candidate", "I build APIs."), Turn(
    "interviewer", "What did you build last?"
), Turn("candidate", "A billing service.")


def test_same_history_adds_nothing():
    result = align([Q0, A1, Q2], [Q0, A1, Q2])
    assert (result.covered, result.new, result.revised) == (3, [], {})


def test_new_turns_are_appended():
    result = align([Q0, A1, Q2], [Q0, A1, Q2, A3])
    assert result.covered == 4 and result.new == [A3]


def test_retried_request_is_covered_by_the_stored_reply():
    # The stored reply at index 2 answers exactly this conversation.
    assert align([Q0, A1, Q2], [Q0, A1]).covered == 2


def test_revised_candidate_text_and_truncated_interviewer_text():
    cut = Turn("interviewer", "What did you")  # interrupted while speaking
    result = align([Q0, A1, Q2], [Q0, Turn("candidate", "I build APIs in Django."), cut, A3])
    assert result.revised == {1: "I build APIs in Django."}
    assert result.new == [A3] and result.covered == 4


def test_reply_missing_from_vapi_history_is_skipped_not_duplicated():
    later = Turn("candidate", "Sorry, go on.")
    # Stored: Q0 A1 Q2(dropped by VAPI) A3 Q4; VAPI: Q0 A1 A3 Q4 + new answer.
    q4 = Turn("interviewer", "And how did it go?")
    result = align([Q0, A1, Q2, A3, q4], [Q0, A1, A3, q4, later])
    assert result.new == [later] and result.covered == 6


def test_once_a_turn_is_new_every_later_turn_is_new():
    other = Turn("candidate", "Something entirely different from before")
    result = align([Q0, A1], [Q0, Turn("interviewer", "A question we never asked?"), other])
    # Position 1 differs in role: the rest goes after what we have, never between stored turns.
    assert result.covered == 4 and len(result.new) == 2


def test_similarity():
    assert similar("Hello there!", "hello there")
    assert similar("Tell me <flush /> about it", "Tell me about it")
    assert similar("I led the team", "I led the team that rebuilt billing")
    assert not similar("I led the team", "We never shipped anything")


def test_chat_request_reads_every_place_vapi_puts_the_ids():
    body = {
        "model": "gpt-4o",
        "stream": True,
        "messages": [
            {"role": "system", "content": "VAPI's prompt"},
            {"role": "assistant", "content": [{"type": "text", "text": "Hi!"}]},
            {"role": "assistant", "content": None, "tool_calls": [{"id": "t"}]},
            {"role": "tool", "content": "{}"},
            {"role": "user", "content": "  Hello  "},
        ],
        "call": {"callId": "old-1", "monitor": {"controlUrl": "https://x/control"}, "assistantOverrides": {"metadata": {"sessionId": " s-1 "}}},
        "unknownKey": {"whatever": 1},
    }
    chat = ChatRequest.parse(body)
    assert (chat.call_id, chat.session_ref, chat.control_url, chat.stream) == ("old-1", "s-1", "https://x/control", True)
    assert chat.turns == [Turn("interviewer", "Hi!"), Turn("candidate", "Hello")]
    assert ChatRequest.parse({"messages": [{"role": "user", "content": "x"}], "metadata": {"sessionId": "s-2"}}).session_ref == "s-2"
    assert ChatRequest.parse({"messages": [{"role": "user", "content": "x"}], "call": "junk"}).call_id == ""
    assert ChatRequest.parse({"messages": [{"role": "user", "content": "x"}]}).stream is False


@pytest.mark.parametrize("raw", [b"", b"nope", b"[]", b'"text"', b"\xff\xfe"])
def test_bodies_that_are_not_json_objects(raw):
    with pytest.raises(BadRequest):
        parse_json_object(raw)


def test_report_transcript_sources():
    msg = ServerMessage.parse({"message": {"type": "end-of-call-report", "artifact": {"messagesOpenAIFormatted": [
        {"role": "system", "content": "x"}, {"role": "assistant", "content": "Hi"}, {"role": "user", "content": "Hey"}]}}})
    assert msg.report_turns() == [Turn("interviewer", "Hi"), Turn("candidate", "Hey")]
    assert transcript_turns("AI: One\nUser: Two\nmore\nnoise line\nBot: Three") == [
        Turn("interviewer", "One"), Turn("candidate", "Two more noise line"), Turn("interviewer", "Three")]
    urls = ServerMessage.parse({"message": {"type": "x", "artifact": {"recordingUrl": "javascript:alert(1)", "recording": {
        "mono": {"combinedUrl": "https://r/m.wav", "customerUrl": "https://r/c.wav"}}}}}).recording_urls()
    assert urls == {"mono": "https://r/m.wav", "customer": "https://r/c.wav"}
