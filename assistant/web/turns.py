"""The conversation the page keeps: one plain-JSON turn per answer, from Reply.to_dict()."""

import uuid


def turn_from_reply(reply) -> dict:
    """The parts of a Reply the page and the feedback file keep (plain JSON)."""
    return {"id": uuid.uuid4().hex, **ask_payload(reply), "error": False}


def failed_turn(question: str) -> dict:
    """The turn kept for a question the core failed on: shown, never sent as history."""
    return {"id": uuid.uuid4().hex, "question": question, "answer": "", "error": True,
            "answered": False, "citations": [], "related": [], "query": question,
            "backend": "", "timings": {}}


def history_of(turns: list[dict]) -> list[dict]:
    """Earlier turns in the form Assistant.stream takes (failed turns left out)."""
    history = []
    for turn in turns:
        if not turn["error"]:
            history.append({"role": "user", "content": turn["question"]})
            history.append({"role": "assistant", "content": turn["answer"]})
    return history


def new_conversation() -> dict:
    """An empty conversation: chat messages as shown, and one turn per answer."""
    return {"messages": [], "turns": []}


def ask_payload(reply) -> dict:
    """What the API returns: the reply's one JSON form, without retrieval scores (the
    page too shows citations and related reading, not scores)."""
    payload = reply.to_dict()
    del payload["passages"]
    return payload
