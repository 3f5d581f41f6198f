"""Hybrid retrieval over the real index: the supporting passage is in the top 5."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

GOLD = [json.loads(line) for line in (Path(__file__).parent / "data" / "retrieval_gold.jsonl").read_text().splitlines() if line.strip()]


def _gold_passage_ids(corpus, gold: str | list[str]) -> set[str]:
    """Passages holding the gold text (any of them, when a question has several right answers)."""
    golds = [gold] if isinstance(gold, str) else gold
    ids = {p.id for p in corpus.passages if any(g in p.normalized for g in golds)}
    assert ids, f"gold text not in any passage: {gold!r}"
    return ids


def test_there_are_at_least_30_gold_questions():
    assert len(GOLD) >= 30


@pytest.mark.parametrize("case", GOLD, ids=lambda c: c["question"][:50])
def test_supporting_passage_is_in_top_5(engine, corpus, case):
    hits = engine.retriever.search(case["question"], k=5)
    assert _gold_passage_ids(corpus, case["gold"]) & {h.passage.id for h in hits}, [h.passage.id for h in hits]


@pytest.mark.parametrize(
    "brand, generic_text",
    [("Reblozyl", "luspatercept"), ("Rytelo", "imetelstat"), ("Revlimid", "lenalidomide"), ("Procrit", "epoetin alfa"),
     ("Aranesp", "darbepoetin alfa"), ("Tibsovo", "ivosidenib"), ("Idhifa", "enasidenib"), ("Retacrit", "epoetin alfa")],
)
def test_brand_names_find_generic_passages(engine, brand, generic_text):
    top = engine.retriever.search(f"{brand} in lower-risk MDS", k=5)
    assert any(generic_text in h.passage.normalized.lower() for h in top)


def test_lower_case_and_typos_still_find_the_passage(engine, corpus):
    gold = _gold_passage_ids(corpus, "60.4% vs 34.8%")
    for query in ["commands trial results", "COMANDS trial resuls luspatersept", "luspatercept vs epoetin alfa first line"]:
        assert gold & {h.passage.id for h in engine.retriever.search(query, k=5)}, query


def test_abbreviations_and_expansions_meet_in_both_directions(engine, corpus):
    def top_ids(q):
        return {h.passage.id for h in engine.retriever.search(q, k=5)}

    ti_rates = _gold_passage_ids(corpus, ">24-week TI 28% vs 3%")
    assert ti_rates & top_ids("imetelstat transfusion independence rates")
    ineligible = _gold_passage_ids(corpus, "Serum erythropoietin >500 mU/mL (poor probability")
    assert ineligible & top_ids("sEPO above 500 ESA ineligible")
    hie = _gold_passage_ids(corpus, "hematologic improvement-erythroid response")
    assert hie & top_ids("HI-E response luspatercept non-TD patients")


def test_fusion_is_reciprocal_rank_fusion_of_both_rankings(engine):
    result = engine.retriever.retrieve("luspatercept dose in MEDALIST", k=5)
    assert result.hits == sorted(result.hits, key=lambda h: (-h.score, h.passage.id))
    assert all(h.dense > 0 for h in result.hits) and any(h.lexical > 0 for h in result.hits)
    assert result.hits[0].score <= 4 / 61  # four rankings, each contributes at most 1/(60+1)
