"""Retrieval that scales: candidates only, bounded index queries, a persisted lexical state.

The speed figures are benchmarks/bench_scale.py's; these tests check the behaviour that makes them
possible, on the real engine (real MiniLM, real Chroma) over the shipped corpus.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from corpus.retrieval import HybridRetriever
from eval.cases import QuestionCase, load_cases

ROOT = Path(__file__).resolve().parents[1]


def _questions() -> list[str]:
    asked = [case.question for case in load_cases() if isinstance(case, QuestionCase)]
    gold = (ROOT / "tests" / "data" / "retrieval_gold.jsonl").read_text().splitlines()
    return asked + [json.loads(line)["question"] for line in gold if line.strip()]


QUESTIONS = _questions()


def _exhaustive(engine) -> HybridRetriever:
    """Every passage a candidate: what retrieval computed before it worked on candidates."""
    return HybridRetriever(engine.corpus, engine.index, engine.retriever.lexical, candidates=len(engine.corpus.passages))


def test_there_are_a_few_hundred_questions():
    assert len(QUESTIONS) >= 200


def test_default_candidates_rank_the_shipped_corpus_exactly_as_exhaustive_retrieval(engine):
    full = _exhaustive(engine)
    for question in QUESTIONS:
        got = engine.retriever.retrieve(question, k=None)
        want = full.retrieve(question, k=None)
        assert [(h.passage.id, h.score) for h in got.hits] == [(h.passage.id, h.score) for h in want.hits], question


def test_a_small_candidate_pool_keeps_the_top_hit(engine):
    """20 candidates per ranking (their union is below the corpus's 42 passages for most questions):
    the best passage is still the exhaustive ranking's best, for every question."""
    full, small = _exhaustive(engine), HybridRetriever(engine.corpus, engine.index, engine.retriever.lexical, candidates=20)
    pools = []
    for question in QUESTIONS:
        got = small.retrieve(question, k=None)
        pools.append(len(got.hits))
        assert got.hits[0].passage.id == full.search(question, k=1)[0].passage.id, question
    assert sum(1 for n in pools if n < len(engine.corpus.passages)) > 0.9 * len(pools)


class _Spy:
    """A Chroma collection, every call recorded."""

    def __init__(self, collection, calls: list):
        self._collection, self._calls = collection, calls

    def __getattr__(self, name):
        attribute = getattr(self._collection, name)
        if name not in {"query", "get"}:
            return attribute

        def recorded(*args, **kwargs):
            self._calls.append((name, kwargs))
            return attribute(*args, **kwargs)

        return recorded


def test_no_index_query_asks_for_more_than_the_candidate_count(engine, monkeypatch):
    from bot.qa.answerer import Answerer

    k = 10  # below the shipped corpus's 42 passages and 85 sentences
    calls: list = []
    for kind, collection in list(engine.index._collections.items()):
        monkeypatch.setitem(engine.index._collections, kind, _Spy(collection, calls))
    retriever = HybridRetriever(engine.corpus, engine.index, engine.retriever.lexical, candidates=k)
    answerer = Answerer(engine.corpus, retriever, conflicts=engine.answerer.conflicts)
    answered = [answerer.answer(q) for q in QUESTIONS[:60]]
    assert sum(r.status == "answered" for r in answered) > 20
    queries = [kwargs for name, kwargs in calls if name == "query"]
    assert queries and all(kwargs["n_results"] <= k for kwargs in queries)
    assert not [kwargs for name, kwargs in calls if name == "get"], "answering read vectors from the index"


def test_a_second_start_loads_the_persisted_state_and_builds_nothing(engine, index_dir):
    from bot.engine import Engine
    from bot.settings import Settings

    state = engine.build.lexical.path
    assert state is not None and state.parent == index_dir / "lexical"
    stamps = {p: p.stat().st_mtime_ns for p in [*state.rglob("*"), *(index_dir / "vectors").rglob("*")]}
    again = Engine.from_settings(Settings(data_dir=index_dir))
    assert not again.build.rebuilt and again.build.vectors_copied == 0
    report = again.build.lexical
    assert report.loaded and not report.bm25_built and report.analysed_documents == 0
    assert {p: p.stat().st_mtime_ns for p in stamps} == stamps  # nothing rewritten
    question = "What were the IMerge TI rates?"
    assert again.ask(question).answer == engine.ask(question).answer


def test_only_changed_documents_are_analysed_again(tmp_path):
    from benchmarks.synthetic_corpus import write_corpus
    from corpus.ingest import load_corpus
    from corpus.lexical import forget_document, open_state

    manifest = write_corpus(tmp_path / "corpus", 120, seed=3)
    root = tmp_path / "lexical"
    first = open_state(load_corpus(manifest), root)
    assert first.report.analysed_documents == 3 and first.report.bm25_built
    edited = write_corpus(tmp_path / "edited", 120, seed=3)  # the same documents, one of them then edited
    synthetic = tmp_path / "edited" / "documents" / "900000_synthetic.txt"
    synthetic.write_text(synthetic.read_text().replace("Section", "Chapter", 1))
    changed = load_corpus(edited)
    second = open_state(changed, root)
    assert (second.report.analysed_documents, second.report.reused_documents) == (1, 2)
    assert open_state(changed, root).report.loaded
    # The state read back scores exactly as one built from nothing.
    fresh = open_state(changed, None)
    tokens = ["luspatercept", "transfus", "cluspatercept"]
    loaded = open_state(changed, root)
    assert np.array_equal(loaded.passages.scores(tokens), fresh.passages.scores(tokens))
    assert np.array_equal(loaded.sentences.scores(tokens), fresh.sentences.scores(tokens))
    sentence = changed.sentences[-1].id
    assert loaded.lookup("sentence_terms", changed)[sentence] == fresh.lookup("sentence_terms", changed)[sentence]
    forget_document(root, "900000_synthetic")
    assert open_state(changed, root).report.loaded  # the merged state stays current
    assert not (root / "docs" / "900000_synthetic").exists()


@pytest.mark.parametrize("word, fixed", [("luspatercet", "luspatercept"), ("imetelstad", "imetelstat")])
def test_spelling_correction_reads_the_persisted_words(engine, word, fixed):
    assert engine.retriever.corrector.correct(word) == fixed
