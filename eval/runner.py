"""Run gold cases against an engine and the rules core; produce one result record per case.

Entry point: :func:`run_cases`. The engine and the rules core are injected
(protocols in :mod:`eval.protocols`); by default they are loaded lazily, and
only when the case set needs them (a vignette-only run never loads the
embedding model).

A result record is a plain, JSON-ready dict. Everything in it is deterministic
except the ``latency`` entries, which metrics keep apart.
"""

from __future__ import annotations

import re
import sys
import time
from functools import lru_cache
from pathlib import Path
from typing import Any, Callable, Iterable, Mapping, Sequence

import yaml
from pydantic import BaseModel, Field

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
from eval.fact_scoring import score_fields
from eval.matching import (
    CorpusText,
    find_terms,
    flatten_text,
    gold_rank,
    passage_fields,
    sentence_support,
    shipped_corpus,
    split_cited_sentences,
)
from eval.protocols import EngineLike, EvalSetupError, RulesLike, load_engine, load_rules

RETRIEVAL_K = 10  # hits asked of the retriever for recall@1/@5 and MRR@10

FURNITURE_FILE = Path(__file__).resolve().parent / "gold" / "furniture.yaml"


class FurnitureRegion(BaseModel):
    start: str = Field(description="Verbatim opening of the region in the shipped file.")
    end: str | None = Field(description="Verbatim end of the region (inclusive); None = to the end of the file.")


class DocumentFurniture(BaseModel):
    doc_id: str
    regions: list[FurnitureRegion]
    phrases: list[str] = Field(description="Text that gives a furniture leak away in an answer.")


class FurnitureGold(BaseModel):
    """Where page furniture lies, per document (eval/gold/furniture.yaml)."""

    documents: list[DocumentFurniture]

    @property
    def phrases(self) -> list[str]:
        return [p for d in self.documents for p in d.phrases]


@lru_cache(maxsize=1)
def furniture_gold(path: Path = FURNITURE_FILE) -> FurnitureGold:
    return FurnitureGold.model_validate(yaml.load(path.read_text(encoding="utf-8"), Loader=yaml.CSafeLoader))


def furniture_spans(corpus: CorpusText) -> dict[str, list[tuple[int, int]]]:
    """doc_id -> [start, end) of each furniture region in its shipped file."""
    return {d.doc_id: _region_spans(corpus.raw.get(d.doc_id, ""), d.regions) for d in furniture_gold().documents}


def _region_spans(raw: str, regions: list[FurnitureRegion]) -> list[tuple[int, int]]:
    spans: list[tuple[int, int]] = []
    for region in regions:
        start = raw.find(region.start)
        if start < 0:
            continue
        end = raw.find(region.end, start) if region.end is not None else -1
        spans.append((start, len(raw) if end < 0 else end + len(region.end or "")))
    return spans


# ---------------------------------------------------------------------------
# response normalisation


def as_dict(obj: Any) -> dict[str, Any]:
    if obj is None:
        return {}
    if isinstance(obj, Mapping):
        return dict(obj)
    dump = getattr(obj, "model_dump", None)
    if callable(dump):
        try:
            return dump(mode="json")
        except TypeError:
            return dump()
    return dict(vars(obj))


_CITATION_KEYS = ("n", "doc_id", "doc_title", "section", "passage_id", "text", "start", "end", "quote")


def summarise_response(resp: Any) -> dict[str, Any]:
    d = as_dict(resp)
    decision = d.get("decision")
    decision = as_dict(decision) if decision is not None else None
    return {
        "status": d.get("status"),
        "route": d.get("route"),
        "answer": d.get("answer") or "",
        "citations": [{k: as_dict(c).get(k) for k in _CITATION_KEYS} for c in d.get("citations") or []],
        "decision": decision,
        "missing_facts": list(d.get("missing_facts") or []),
        "extracted_facts": d.get("extracted_facts"),
        "blocked": bool(d.get("blocked", False)),
        "checks": [as_dict(c) for c in d.get("checks") or []],
        "conflicts": len(d.get("conflicts") or []),
    }


def decision_value(decision: Mapping[str, Any] | None) -> str | None:
    if not decision:
        return None
    value = decision.get("decision")
    return None if value is None else str(getattr(value, "value", value))


def haystack(summary: Mapping[str, Any]) -> str:
    """What must_include / must_not_include are matched against: the answer, plus the rendered decision."""
    parts = [summary.get("answer") or ""]
    if summary.get("decision"):
        parts.append(flatten_text(summary["decision"]))
    return "\n".join(parts)


# ---------------------------------------------------------------------------
# checks shared by questions and conversation turns


_RULES_EVIDENCE = re.compile(r" — [^\[\n]*(?=\[\d+\])")


def citation_report(
    summary: Mapping[str, Any], corpus: CorpusText, furniture: Mapping[str, Sequence[tuple[int, int]]]
) -> dict[str, Any]:
    """Citation support of one response, plus furniture leaks and citations that point nowhere."""
    by_marker: dict[int, str] = {}
    invalid: list[int] = []
    leaks: list[str] = []
    for c in summary.get("citations") or []:
        n = c.get("n")
        doc = corpus.resolve_doc(c.get("doc_id"), c.get("start"), c.get("end"), None)
        raw = corpus.slice(doc, c.get("start"), c.get("end"))
        if not raw:
            invalid.append(n)
        if doc in furniture and isinstance(c.get("start"), int) and isinstance(c.get("end"), int):
            if any(c["start"] < fe and fs < c["end"] for fs, fe in furniture[doc]):
                leaks.append(f"citation [{n}] lies in the page furniture of {doc}")
        evidence = "\n".join(x for x in (c.get("text"), c.get("quote"), raw) if x)
        if isinstance(n, int):
            by_marker[n] = (by_marker.get(n, "") + "\n" + evidence).strip()
    answer = summary.get("answer") or ""
    if summary.get("route") == "rules":
        # "✓ Serum EPO < 500 U/L — serum EPO 150 U/L < 500 U/L [4]": the evidence after the dash
        # is the patient's facts, not a claim of the cited source; the criterion before it is.
        answer = _RULES_EVIDENCE.sub(" ", answer)
    for phrase in furniture_gold().phrases:
        if phrase.casefold() in answer.casefold():
            leaks.append(f"answer contains page furniture {phrase!r}")
    sentences, _uncited = split_cited_sentences(answer)
    details = []
    supported = 0
    for s in sentences:
        v = sentence_support(s, by_marker)
        supported += v.supported
        if not v.supported:
            details.append(
                {
                    "sentence": s.text,
                    "markers": list(s.markers),
                    "missing_numbers": list(v.missing_numbers),
                    "missing_terms": list(v.missing_terms),
                    "unknown_markers": list(v.unknown_markers),
                }
            )
    return {
        "sentences": len(sentences),
        "supported": supported,
        "unsupported": details,
        "citations": len(summary.get("citations") or []),
        "invalid_citations": invalid,
        "furniture_leaks": leaks,
    }


def check_expectations(
    summary: Mapping[str, Any],
    *,
    status: str | None,
    route: str | None,
    decision: str | None,
    must_include: Sequence[str],
    must_not_include: Sequence[str],
) -> tuple[list[str], dict[str, Any]]:
    """Failures (human-readable) and the matching details of one response."""
    failures: list[str] = []
    if status is not None and summary.get("status") != status:
        failures.append(f"status: expected {status!r}, got {summary.get('status')!r}")
    if route is not None and summary.get("route") != route:
        failures.append(f"route: expected {route!r}, got {summary.get('route')!r}")
    got_decision = decision_value(summary.get("decision"))
    if decision is not None and got_decision != decision:
        failures.append(f"decision: expected {decision!r}, got {got_decision!r}")
    hay = haystack(summary)
    found, missing = find_terms(hay, must_include)
    forbidden, _ = find_terms(hay, must_not_include)
    if missing:
        failures.append("missing: " + ", ".join(repr(m) for m in missing))
    if forbidden:
        failures.append("forbidden content: " + ", ".join(repr(f) for f in forbidden))
    return failures, {"found": found, "missing": missing, "forbidden": forbidden}


# ---------------------------------------------------------------------------
# the runner


class _Timer:
    def __enter__(self) -> "_Timer":
        self.t0 = time.perf_counter()
        return self

    def __exit__(self, *exc: object) -> None:
        self.ms = (time.perf_counter() - self.t0) * 1000.0


def _error_text(exc: BaseException) -> str:
    return f"{type(exc).__name__}: {exc}".splitlines()[0][:500]


class Runner:
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
            with _Timer() as t:
                resp = self.engine.ask(case.question)
            summary = summarise_response(resp)
        except EvalSetupError:
            raise
        except Exception as exc:  # the product failed on this case: record, go on
            rec["error"] = _error_text(exc)
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
            with _Timer() as t:
                hits = list(retriever.search(query, k=self.retrieval_k))
        except EvalSetupError:
            raise
        except Exception as exc:
            return {"rank": None, "error": _error_text(exc), "top": []}
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

    def run_vignette(self, case: VignetteCase) -> dict[str, Any]:
        rec = self._base(
            case,
            {
                "drug": case.drug,
                "patient": case.patient,
                "decision": case.expect_decision,
                "pathway": case.expect_pathway,
                "warning_mentions": case.expect_warning_mentions,
            },
        )
        rec["drug"] = case.drug
        try:
            with _Timer() as t:
                decision = self.rules.evaluate(case.drug, case.patient)
        except EvalSetupError:
            raise
        except Exception as exc:
            rec["error"] = _error_text(exc)
            rec["failures"].append(f"rules core raised on a valid patient: {rec['error']}")
            rec["actual"] = {"decision": None, "pathway": None, "warnings": []}
            return rec
        rec["latency"].append({"route": "rules_core", "ms": t.ms})
        d = as_dict(decision)
        warnings_text = flatten_text(d.get("warnings") or [])
        rec["actual"] = {
            "decision": decision_value(d),
            "pathway": d.get("pathway"),
            "warnings": d.get("warnings") or [],
            "missing_documentation": d.get("missing_documentation") or [],
            "pathways": [
                {"id": as_dict(p).get("id"), "status": as_dict(p).get("status")} for p in d.get("pathways") or []
            ],
        }
        decision_ok = rec["actual"]["decision"] == case.expect_decision
        pathway_ok = case.expect_pathway is None or rec["actual"]["pathway"] == case.expect_pathway
        found, missing = find_terms(warnings_text, case.expect_warning_mentions)
        rec["checks"] = {
            "decision": decision_ok,
            "pathway": None if case.expect_pathway is None else pathway_ok,
            "warnings_found": len(found),
            "warnings_total": len(case.expect_warning_mentions),
        }
        if not decision_ok:
            rec["failures"].append(f"decision: expected {case.expect_decision!r}, got {rec['actual']['decision']!r}")
        if not pathway_ok:
            rec["failures"].append(f"pathway: expected {case.expect_pathway!r}, got {rec['actual']['pathway']!r}")
        if missing:
            rec["failures"].append("warnings do not mention: " + ", ".join(repr(m) for m in missing))
        rec["passed"] = not rec["failures"]
        return rec

    def run_bad_input(self, case: BadInputCase) -> dict[str, Any]:
        rec = self._base(case, {"drug": case.drug, "patient": case.patient, "error_mentions": case.expect_error_mentions})
        rec["drug"] = case.drug
        rules = self.rules
        try:
            with _Timer() as t:
                result = rules.evaluate(case.drug, case.patient)
        except EvalSetupError:
            raise
        except ValueError as exc:  # pydantic.ValidationError is a ValueError
            rec["latency"].append({"route": "rules_core", "ms": t.ms})
            try:
                message = str(rules.format_error(exc))
            except Exception as fmt_exc:
                message = ""
                rec["failures"].append(f"format_error raised: {_error_text(fmt_exc)}")
            rec["actual"] = {"raised": type(exc).__name__, "message": message}
            found, missing = find_terms(message, case.expect_error_mentions)
            if missing:
                rec["failures"].append(
                    "error message does not name: " + ", ".join(repr(m) for m in missing) + f" (got {message!r})"
                )
            if "\n" in message.strip() or "Traceback" in message:
                rec["failures"].append("error message is not one line")
            rec["passed"] = not rec["failures"]
            return rec
        except Exception as exc:
            rec["actual"] = {"raised": type(exc).__name__, "message": _error_text(exc)}
            rec["failures"].append(f"bad input crashed with {type(exc).__name__}, not a validation error")
            return rec
        rec["actual"] = {"raised": None, "decision": decision_value(as_dict(result))}
        rec["failures"].append(f"bad input was accepted (decision {rec['actual']['decision']!r})")
        return rec

    def run_fact_extraction(self, case: FactCase) -> dict[str, Any]:
        return run_fact_extraction(case)

    def run_conversation(self, case: ConversationCase) -> dict[str, Any]:
        rec = self._base(case, {"turns": [{"user": t.user, "expect": t.expect.model_dump()} for t in case.turns]})
        try:
            conv = self.engine.conversation()
        except EvalSetupError:
            raise
        except Exception as exc:
            rec["error"] = _error_text(exc)
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
            with _Timer() as t:
                resp = conv.send(user)
            summary = summarise_response(resp)
        except Exception as exc:
            out["error"] = _error_text(exc)
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
        with _Timer() as t:
            extracted = extract_facts(case.text)
    except Exception as exc:  # the product failed on this case: record, go on
        rec["error"] = _error_text(exc)
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
