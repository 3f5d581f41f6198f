"""Tiny in-memory fakes of the engine and the rules core, for testing the harness's arithmetic.

They satisfy the protocols of :mod:`eval.protocols`; they are not a model of
mdsbot. The gate test and the end-to-end test run the real engine.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable, Mapping


@dataclass
class FakePassage:
    id: str
    doc_id: str
    section: str
    start: int
    end: int
    text: str
    normalized: str


@dataclass
class FakeHit:
    passage: FakePassage
    score: float


class FakeRetriever:
    """Returns canned passages per query (exact string), else nothing."""

    def __init__(self, hits_by_query: Mapping[str, list[FakeHit]] | None = None):
        self.hits_by_query = dict(hits_by_query or {})
        self.calls: list[tuple[str, int]] = []

    def search(self, query: str, k: int = 5) -> list[FakeHit]:
        self.calls.append((query, k))
        return list(self.hits_by_query.get(query, []))[:k]


def response(
    status: str = "answered",
    route: str = "retrieval",
    answer: str = "",
    citations: list[dict[str, Any]] | None = None,
    decision: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """A BotResponse-shaped dict."""
    return {
        "status": status,
        "route": route,
        "answer": answer,
        "citations": citations or [],
        "decision": decision,
        "extracted_facts": None,
        "missing_facts": [],
        "conflicts": [],
        "checks": [],
        "blocked": False,
        "notes": [],
    }


def refusal(answer: str = "The source documents do not cover this question.") -> dict[str, Any]:
    return response("refused", "refusal", answer)


class FakeConversation:
    def __init__(self, engine: "FakeEngine"):
        self.engine = engine
        self.history: list[str] = []

    def send(self, text: str) -> Any:
        self.history.append(text)
        key = " || ".join(self.history)
        if key in self.engine.conversation_answers:
            return self.engine.conversation_answers[key]
        return self.engine.ask(text)


@dataclass
class FakeEngine:
    """Answers from a dict question -> response; unknown questions are refused."""

    answers: dict[str, Any] = field(default_factory=dict)
    retriever: Any = field(default_factory=FakeRetriever)
    conversation_answers: dict[str, Any] = field(default_factory=dict)
    on_ask: Callable[[str], None] | None = None

    def ask(self, question: str) -> Any:
        if self.on_ask:
            self.on_ask(question)
        return self.answers.get(question, refusal())

    def conversation(self) -> FakeConversation:
        return FakeConversation(self)


class FakeRulesError(ValueError):
    pass


class FakeRules:
    """decisions: drug -> decision dict; errors: drug -> message raised as a ValueError."""

    def __init__(self, decisions: Mapping[str, dict[str, Any]] | None = None, errors: Mapping[str, str] | None = None):
        self.decisions = dict(decisions or {})
        self.errors = dict(errors or {})

    def evaluate(self, drug: str, patient: dict) -> Any:
        if drug in self.errors:
            raise FakeRulesError(self.errors[drug])
        if drug not in self.decisions:
            raise FakeRulesError(f"drug: unknown drug {drug!r}")
        return self.decisions[drug]

    def format_error(self, exc: BaseException) -> str:
        return str(exc).splitlines()[0]
