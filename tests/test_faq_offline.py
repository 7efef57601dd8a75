"""The meaning model loads, the index builds and questions match with the network blocked."""

from __future__ import annotations

import socket
from pathlib import Path
from typing import Any

import pytest

from faq import english, semantic
from faq.loader import load_knowledge_base
from faq.matcher import match_question

SHIPPED = Path(__file__).resolve().parents[1] / "faq" / "data"


def test_loading_indexing_and_matching_touch_no_network(monkeypatch: pytest.MonkeyPatch) -> None:
    attempts: list[str] = []

    def refuse(*args: Any, **kwargs: Any) -> Any:
        attempts.append(repr(args[:2]))
        raise OSError("network blocked by the test")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket.socket, "connect_ex", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    # Load the model afresh inside the block, not the copy another test already loaded.
    monkeypatch.setattr(semantic, "_model", None)
    monkeypatch.setattr(english, "_common", None)
    kb = load_knowledge_base(SHIPPED)
    result = match_question("Until which day can our municipality send the application?", kb)
    assert result.decision == "answer" and result.entry_id == "deadline", result
    assert kb.index.semantic is not None and semantic._model is not None
    assert english._common is not None
    assert attempts == []
