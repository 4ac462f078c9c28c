"""The feedback store: one JSON line per vote or comment, appended, never rewritten."""

import json
import threading
from dataclasses import fields
from datetime import UTC, datetime
from pathlib import Path

FEEDBACK_FILE = "feedback.jsonl"

# Handlers run in several threads; one line must not interleave with another.
_lock = threading.Lock()


def public_settings(settings) -> dict:
    """Settings worth keeping with feedback (never the API key)."""
    return {
        f.name: str(getattr(settings, f.name)) if isinstance(getattr(settings, f.name), Path)
        else getattr(settings, f.name)
        for f in fields(settings)
        if f.name != "llm_api_key"
    }


def save_feedback(settings, turn: dict, rating: str, comment: str = "") -> dict:
    """Append one feedback record to data_dir/feedback.jsonl; the last record per id wins."""
    record = {
        "id": turn["id"],
        "time": datetime.now(UTC).isoformat(timespec="seconds"),
        "rating": rating,
        "comment": comment,
        "question": turn["question"],
        "answer": turn["answer"],
        "answered": turn["answered"],
        "citations": [
            {k: c[k] for k in ("marker", "passage_id", "document", "quote", "start", "end")}
            for c in turn["citations"]
        ],
        "query": turn["query"],
        "backend": turn["backend"],
        "settings": public_settings(settings),
    }
    path = Path(settings.data_dir) / FEEDBACK_FILE
    path.parent.mkdir(parents=True, exist_ok=True)
    with _lock, path.open("a", encoding="utf-8") as out:
        out.write(json.dumps(record, ensure_ascii=False) + "\n")
    return record
