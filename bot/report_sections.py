"""The parts of a decision report read from a rules-core Decision (as a dict): each pathway's
criteria with their evidence and cited quotes, warnings, conflicts between the sources, and the
documents the ruleset cites, named by the titles the manifest declares (bot/decision_report.py
puts them together).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from rules_core import plain


@dataclass(frozen=True)
class CriterionRow:
    status: str  # met | not_met | missing
    statement: str
    evidence: str
    source: str  # "000 Short title: “quote”"
    note: str | None = None


@dataclass(frozen=True)
class PathwaySection:
    name: str  # plain words: "second line after ESA failure or ineligibility"
    basis: str  # the ruleset's title, with its sources
    status: str
    rows: list[CriterionRow]
    blocked_by: str = ""  # why a not-eligible pathway is closed


def pathway_sections(d: Mapping[str, Any]) -> list[PathwaySection]:
    shorts = short_titles()
    return [
        PathwaySection(
            name=plain.pathway_name(p),
            basis=p.get("title", ""),
            status=p["status"],
            rows=[_criterion_row(c, shorts) for c in p.get("criteria", [])],
            blocked_by=plain.blocking_reason(p) if p["status"] == "not_eligible" else "",
        )
        for p in d.get("pathways", [])
        if p["status"] != "not_applicable"
    ]


def warning_rows(d: Mapping[str, Any]) -> list[tuple[str, str]]:
    shorts = short_titles()
    return [
        (plain.plain_text(w["text"]), " / ".join(_source_text(c, shorts) for c in w.get("citations") or [w["citation"]]))
        for w in d.get("warnings", [])
    ]


def conflict_rows(d: Mapping[str, Any]) -> list[tuple[str, list[str]]]:
    shorts = short_titles()
    return [
        (c["topic"], [f"{_doc_label(p['doc_id'], shorts)} ({p['stance']}): “{p['quote']}”" for p in c.get("positions", [])])
        for c in d.get("conflicts") or []
    ]


def source_rows(d: Mapping[str, Any]) -> list[str]:
    titles = document_titles()
    cited = set((d.get("ruleset") or {}).get("sources") or titles)
    return [f"{doc_id.split('_', 1)[0]}: {title}" for doc_id, title in titles.items() if doc_id in cited]


def _criterion_row(c: Mapping[str, Any], shorts: Mapping[str, str]) -> CriterionRow:
    sources = [_source_text(c["citation"], shorts)]
    sources += [_source_text(s, shorts) for s in c.get("supporting_citations", [])]
    return CriterionRow(
        status=c["status"],
        statement=plain.plain_text(c["statement"]),
        evidence=plain.shown_evidence(c),
        source=" / ".join(sources),
        note=_note_with_policy(c),
    )


def _note_with_policy(c: Mapping[str, Any]) -> str | None:
    """The ruleset's note, plus a pointer to the site-policy values (not in the sources) the criterion applies."""
    if c.get("basis") != "site_policy":
        return c.get("note")
    policy = "Applies a site-policy value (see Site policy), not stated in the sources."
    return f"{c['note']} {policy}" if c.get("note") else policy


def _doc_label(doc_id: str, shorts: Mapping[str, str]) -> str:
    return f"{doc_id.split('_', 1)[0]} {shorts.get(doc_id, doc_id)}"


def _source_text(citation: Mapping[str, Any], shorts: Mapping[str, str]) -> str:
    return f"{_doc_label(citation['doc_id'], shorts)}: “{citation['quote']}”"


@lru_cache(maxsize=1)
def _documents() -> tuple[tuple[str, str, str, str | None], ...]:
    """(id, title, short title, stated date) of each shipped document, from the manifest."""
    from corpus.ingest import MANIFEST
    from corpus.models import load_manifest

    return tuple((d.id, d.title, d.short_title, d.stated_date) for d in load_manifest(MANIFEST).documents)


def document_titles() -> dict[str, str]:
    """doc_id → "Title (stated date …)"."""
    return {
        doc_id: f"{title} (stated date {stated})" if stated else f"{title} (no date stated)"
        for doc_id, title, _, stated in _documents()
    }


def short_titles() -> dict[str, str]:
    """doc_id → the short title its manifest entry declares."""
    return {doc_id: short for doc_id, _, short, _ in _documents()}

