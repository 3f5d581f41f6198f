"""Run gold cases against an engine and the rules core; produce one result record per case.

Entry point: :func:`run_cases`. The engine and the rules core are injected
(protocols in :mod:`eval.protocols`); by default they are loaded lazily, and
only when the case set needs them (a vignette-only run never loads the
embedding model).

A result record is a plain, JSON-ready dict. Everything in it is deterministic
except the ``latency`` entries, which metrics keep apart.
"""

from __future__ import annotations

import sys
import time
from typing import Any, Callable, Iterable, Sequence

from eval.cases import (
    EXPECT_STATUS,
    BadInputCase,
    Case,
    ConversationCase,
    FactCase,
    QuestionCase,
    TurnExpect,
    VignetteCase,
)
from eval.citations import citation_report, furniture_spans
from eval.fact_scoring import score_fields
from eval.matching import CorpusText, gold_rank, passage_fields, shipped_corpus
from eval.protocols import EngineLike, EvalSetupError, RulesLike, load_engine, load_rules
from eval.responses import Timer, check_expectations, error_text, summarise_response
from eval.rules_cases import RulesCases

RETRIEVAL_K = 10  # hits asked of the retriever for recall@1/@5 and MRR@10


class Runner(RulesCases):
    def __init__(
        self,
        engine: EngineLike | None = None,
        rules: RulesLike | None = None,
        *,
        engine_factory: Callable[[], EngineLike] | None = None,
        rules_factory: Callable[[], RulesLike] | None = None,
        corpus: CorpusText | None = None,
        retrieval_k: int = RETRIEVAL_K,
    ):
        self._engine = engine
        self._rules = rules
        self._engine_factory = engine_factory or load_engine
        self._rules_factory = rules_factory or load_rules
        self.corpus = corpus or shipped_corpus()
        self.furniture = furniture_spans(self.corpus)
        self.retrieval_k = retrieval_k
        self.warnings: list[str] = []
        self.engine_load_s: float | None = None

    # lazily built dependencies ------------------------------------------------
    @property
    def engine(self) -> EngineLike:
        if self._engine is None:
            t0 = time.perf_counter()
            self._engine = self._engine_factory()
            self.engine_load_s = time.perf_counter() - t0
        return self._engine

    @property
    def rules(self) -> RulesLike:
        if self._rules is None:
            self._rules = self._rules_factory()
        return self._rules

    def prepare(self, cases: Sequence[Case]) -> None:
        """Load what the case set needs up front, so a missing piece fails before any case runs."""
        types = {c.case_type for c in cases}
        if types & {"vignette", "bad_input"}:
            _ = self.rules
        if types & {"question", "conversation"}:
            _ = self.engine

    # one case ------------------------------------------------------------------
    def run_case(self, case: Case) -> dict[str, Any]:
        if isinstance(case, QuestionCase):
            return self.run_question(case)
        if isinstance(case, BadInputCase):
            return self.run_bad_input(case)
        if isinstance(case, VignetteCase):
            return self.run_vignette(case)
        if isinstance(case, ConversationCase):
            return self.run_conversation(case)
        if isinstance(case, FactCase):
            return self.run_fact_extraction(case)
        raise TypeError(f"unknown case type {type(case).__name__}")  # pragma: no cover

    def _base(self, case: Case, expected: dict[str, Any]) -> dict[str, Any]:
        return {
            "id": case.id,
            "type": case.case_type,
            "kind": getattr(case, "kind", case.case_type),
            "source": case.source,
            "expected": expected,
            "passed": False,
            "failures": [],
            "latency": [],
        }

    def run_question(self, case: QuestionCase) -> dict[str, Any]:
        rec = self._base(
            case,
            {
                "question": case.question,
                "expect": case.expect,
                "status": EXPECT_STATUS[case.expect],
                "route": case.expect_route,
                "decision": case.expect_decision,
                "must_include": case.must_include,
                "must_not_include": case.must_not_include,
                "gold_quote": case.gold_quote,
            },
        )
        # retrieval of the gold passage (independent of the answer)
        if case.gold_quote:
            rec["retrieval"] = self._retrieve(case.question, case.gold_quote, rec)
        try:
            with Timer() as t:
                resp = self.engine.ask(case.question)
            summary = summarise_response(resp)
        except EvalSetupError:
            raise
        except Exception as exc:  # the product failed on this case: record, go on
            rec["error"] = error_text(exc)
            rec["failures"].append(f"engine error: {rec['error']}")
            rec["actual"] = {"status": None, "route": None, "answer": "", "citations": [], "decision": None}
            rec["facts"] = {"total": len(case.must_include), "found": 0}
            return rec
        rec["latency"].append({"route": summary.get("route") or "unknown", "ms": t.ms})
        rec["actual"] = summary
        failures, match = check_expectations(
            summary,
            status=EXPECT_STATUS[case.expect],
            route=case.expect_route,
            decision=case.expect_decision,
            must_include=case.must_include,
            must_not_include=case.must_not_include,
        )
        rec["match"] = match
        rec["facts"] = {"total": len(case.must_include), "found": len(match["found"])}
        rec["citation_support"] = cites = citation_report(summary, self.corpus, self.furniture)
        failures.extend(cites["furniture_leaks"])
        if cites["invalid_citations"]:
            failures.append(f"citations not in the shipped documents: {cites['invalid_citations']}")
        rec["failures"].extend(failures)
        rec["passed"] = not rec["failures"]
        return rec

    def _retrieve(self, query: str, quote: str, rec: dict[str, Any]) -> dict[str, Any]:
        try:
            retriever = self.engine.retriever
            with Timer() as t:
                hits = list(retriever.search(query, k=self.retrieval_k))
        except EvalSetupError:
            raise
        except Exception as exc:
            return {"rank": None, "error": error_text(exc), "top": []}
        rec["latency"].append({"route": "search", "ms": t.ms})
        passages = [passage_fields(h) for h in hits[: self.retrieval_k]]
        rank = gold_rank(passages, quote, self.corpus)
        return {
            "rank": rank,
            "top": [
                {"id": p["id"], "doc_id": p["doc_id"], "section": p["section"], "start": p["start"], "end": p["end"]}
                for p in passages[:5]
            ],
        }

    def run_fact_extraction(self, case: FactCase) -> dict[str, Any]:
        return run_fact_extraction(case)

    def run_conversation(self, case: ConversationCase) -> dict[str, Any]:
        rec = self._base(case, {"turns": [{"user": t.user, "expect": t.expect.model_dump()} for t in case.turns]})
        try:
            conv = self.engine.conversation()
        except EvalSetupError:
            raise
        except Exception as exc:
            rec["error"] = error_text(exc)
            rec["failures"].append(f"engine.conversation() failed: {rec['error']}")
            rec["turns"] = []
            return rec
        turns: list[dict[str, Any]] = []
        for i, turn in enumerate(case.turns, start=1):
            turns.append(self._run_turn(conv, i, turn.user, turn.expect, rec))
        rec["turns"] = turns
        for t in turns:
            rec["failures"].extend(f"turn {t['turn']}: {f}" for f in t["failures"])
        rec["passed"] = not rec["failures"]
        return rec

    def _run_turn(self, conv: Any, i: int, user: str, expect: TurnExpect, rec: dict[str, Any]) -> dict[str, Any]:
        out: dict[str, Any] = {"turn": i, "user": user, "expect": expect.model_dump(), "failures": []}
        try:
            with Timer() as t:
                resp = conv.send(user)
            summary = summarise_response(resp)
        except Exception as exc:
            out["error"] = error_text(exc)
            out["failures"].append(f"engine error: {out['error']}")
            out["actual"] = {"status": None, "route": None, "answer": "", "citations": [], "decision": None}
            out["passed"] = False
            return out
        rec["latency"].append({"route": summary.get("route") or "unknown", "ms": t.ms})
        out["actual"] = summary
        failures, match = check_expectations(
            summary,
            status=expect.status,
            route=expect.route,
            decision=expect.decision,
            must_include=expect.must_include,
            must_not_include=expect.must_not_include,
        )
        cites = citation_report(summary, self.corpus, self.furniture)
        failures.extend(cites["furniture_leaks"])
        out["match"] = match
        out["citation_support"] = cites
        out["failures"] = failures
        out["passed"] = not failures
        return out


def run_fact_extraction(case: FactCase) -> dict[str, Any]:
    """Read one sentence with the chat's fact reader; score each labelled field."""
    from bot.eligibility import extract_facts  # import-light: re, pydantic and the lexicon

    labels = {"expect": case.expect, "absent": case.absent, "ask": case.ask}
    rec: dict[str, Any] = {
        "id": case.id, "type": case.case_type, "kind": case.kind, "category": case.category, "source": case.source,
        "expected": {"text": case.text, **labels}, "passed": False, "failures": [], "latency": [],
    }
    try:
        with Timer() as t:
            extracted = extract_facts(case.text)
    except Exception as exc:  # the product failed on this case: record, go on
        rec["error"] = error_text(exc)
        rec["failures"].append(f"fact reader error: {rec['error']}")
        rec["actual"], rec["fields"] = {"facts": {}, "notes": []}, {}
        return rec
    rec["latency"].append({"route": "facts", "ms": t.ms})
    rec["actual"] = {"facts": extracted.facts, "notes": extracted.notes}
    rec["fields"], failures = score_fields(labels, extracted.facts)
    rec["failures"].extend(failures)
    rec["passed"] = not failures
    return rec


def run_cases(
    cases: Sequence[Case],
    engine: EngineLike | None = None,
    rules: RulesLike | None = None,
    *,
    progress: bool = True,
    runner: Runner | None = None,
    **runner_kwargs: Any,
) -> list[dict[str, Any]]:
    """Run every case; one result record per case, in case order.

    ``engine`` / ``rules`` default to ``bot.engine.Engine.from_settings(Settings())``
    and the ``rules_core`` module, loaded only if the case set needs them.
    """
    runner = runner or Runner(engine, rules, **runner_kwargs)
    runner.prepare(cases)
    results: list[dict[str, Any]] = []
    for case in _progress(cases, enabled=progress):
        results.append(runner.run_case(case))
    return results


def _progress(cases: Sequence[Case], enabled: bool) -> Iterable[Case]:
    if not enabled:
        return cases
    from tqdm import tqdm

    return tqdm(cases, desc="mdsbot eval", unit="case", file=sys.stderr, dynamic_ncols=True, leave=False)
