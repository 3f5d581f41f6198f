"""Every criterion and warning cites words that are really in a shipped document."""

from __future__ import annotations

from pathlib import Path

import pytest

from rules_core import RULESET, all_citations, evaluate_options
from rules_core.ruleset import RULES

DOCUMENTS = Path(__file__).resolve().parents[1] / "corpus" / "documents"


def collapsed(doc_id: str) -> str:
    """The shipped file with whitespace collapsed, as the citation contract defines it."""
    return " ".join((DOCUMENTS / f"{doc_id}.txt").read_text(encoding="utf-8").split())


CITATIONS = all_citations()


def test_ruleset_sources_are_the_shipped_documents():
    assert RULESET.sources == ["000_28884f76a78fdbfe", "002_b313ab8f7ec3a988"]
    for doc_id in RULESET.sources:
        assert (DOCUMENTS / f"{doc_id}.txt").is_file()


@pytest.mark.parametrize(
    "citation", CITATIONS, ids=[f"{c.rule_id}:{c.role}:{i}" for i, c in enumerate(CITATIONS)]
)
def test_quote_is_verbatim_in_its_document(citation):
    assert citation.doc_id in RULESET.sources
    assert citation.quote == citation.quote.strip() and "  " not in citation.quote
    assert len(citation.quote) >= 12, "a quote this short cannot be told apart from chance"
    assert citation.quote in collapsed(citation.doc_id)


def test_every_criterion_and_warning_is_cited():
    cited = {c.rule_id for c in CITATIONS if c.role == "primary"}
    criteria = {c.id for rules in RULES.values() for p in rules.pathways for c in p.criteria}
    warnings = {w.id for rules in RULES.values() for w in rules.warnings}
    assert criteria | warnings == cited
    assert len(criteria) >= 30 and len(warnings) >= 10  # sanity: the ruleset did load


def test_both_documents_are_used():
    assert {c.doc_id for c in CITATIONS} == set(RULESET.sources)


def test_decisions_only_carry_citations_from_the_ruleset():
    known = {(c.doc_id, c.quote) for c in CITATIONS}
    patient = {"ipss_r": "low", "serum_epo": {"value": 250, "unit": "U/L"}, "rbc_units_last_8_weeks": 4,
               "del5q": True, "therapies": [{"agent": "Vidaza"}]}
    for decision in evaluate_options(patient):
        for pathway in decision.pathways:
            for criterion in pathway.criteria:
                for cit in (criterion.citation, *criterion.supporting_citations):
                    assert (cit.doc_id, cit.quote) in known
        for warning in decision.warnings:
            assert warning.citation == warning.citations[0]
            assert all((c.doc_id, c.quote) in known for c in warning.citations)


def test_ids_are_namespaced_by_drug_and_pathway():
    for drug, rules in RULES.items():
        for pathway in rules.pathways:
            assert pathway.id.startswith(f"{drug}.")
            assert all(c.id.startswith(f"{pathway.id}.") for c in pathway.criteria)
        assert all(w.id.startswith(f"{drug}.") for w in rules.warnings)
