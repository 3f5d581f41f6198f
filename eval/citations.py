"""Citation support and page-furniture leaks of a response, judged against the shipped files.

The furniture regions are the eval's own gold record (eval/gold/furniture.yaml), written from
the shipped files and independent of the manifest's cleaning rules, so a cleaning bug cannot
hide a leak.
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path
from typing import Any, Mapping, Sequence

import yaml
from pydantic import BaseModel, Field

from eval.matching import CitedSentence, CorpusText, numbers_in, sentence_support, split_cited_sentences

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
    rules_route = summary.get("route") == "rules"
    if rules_route:
        # "✓ Serum EPO < 500 U/L — serum EPO 150 U/L < 500 U/L [4]": the evidence after the dash
        # is the patient's facts, not a claim of the cited source; the criterion before it is.
        answer = _RULES_EVIDENCE.sub(" ", answer)
    for phrase in furniture_gold().phrases:
        if phrase.casefold() in answer.casefold():
            leaks.append(f"answer contains page furniture {phrase!r}")
    sentences, _uncited = split_cited_sentences(answer)
    exempt: frozenset[str] = frozenset()
    if rules_route:
        sentences, exempt = _rules_claims(sentences, summary.get("decision"))
    details = []
    supported = 0
    for s in sentences:
        v = sentence_support(s, by_marker, exempt)
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


def _rules_claims(sentences: list[CitedSentence], decision: Any) -> tuple[list[CitedSentence], frozenset[str]]:
    """A verdict is line by line: only the line that carries the markers is the cited claim (the
    "Verdict:" and "Pathway: … eligible:" lines above it are headings), and the site policy's
    thresholds in it are the site's, shown as policy in every decision, not the source's."""
    lines = [CitedSentence(s.text.splitlines()[-1].strip() or s.text, s.markers) for s in sentences]
    policy = (decision or {}).get("policy") if isinstance(decision, Mapping) else None
    values = " ".join(str(v) for v in (policy or {}).values())
    return lines, frozenset(numbers_in(values))
