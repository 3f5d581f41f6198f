"""Hybrid retrieval: bm25s over cleaned, concept-expanded text, fused with Chroma's
dense ranking by reciprocal rank fusion (RRF)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import bm25s
import numpy as np

from corpus.index import VectorIndex
from corpus.ingest import Corpus
from corpus.models import Passage, Sentence
from corpus.vocabulary import (
    QUESTION_WORDS,
    STOPWORDS,
    Concept,
    SpellingCorrector,
    analyze,
    concepts_in,
    stem,
    vocabulary_words,
    words,
    words_named_by_concepts,
)

RRF_K = 60

# "according to the review", "in the medical necessity article": which source, not what topic.
_SOURCE_REFERENCE = re.compile(
    r"\b(?:according to|as per|per|in|from|does|do|did)\s+(?:the\s+)?(?:medical[- ]necessity\s+)?"
    r"(?:article|review|paper|documents?|sources?|web\s*page)\b",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Hit:
    passage: Passage
    score: float  # fused RRF score
    dense: float  # cosine similarity of the query with the passage
    lexical: float  # bm25 score
    rank: int


@dataclass
class QueryAnalysis:
    original: str
    corrected: str
    fixes: dict[str, str]
    concepts: list[Concept]
    topic_terms: list[str]  # stemmed words and concept keys that carry the question's topic
    unknown_terms: list[str]  # topic words the corpus never uses
    tokens: list[str] = field(default_factory=list)


@dataclass
class RetrievalResult:
    analysis: QueryAnalysis
    hits: list[Hit]
    sentence_dense: dict[str, float]
    sentence_lexical: dict[str, float]


class LexicalIndex:
    """bm25s over analysed (stemmed + concept-expanded) text."""

    def __init__(self, texts: list[str]):
        self.tokens = [analyze(t) for t in texts]
        self.bm25 = bm25s.BM25()
        self.bm25.index(self.tokens, show_progress=False)
        self.vocabulary = {t for doc in self.tokens for t in doc}

    def scores(self, query_tokens: list[str]) -> np.ndarray:
        known = [t for t in query_tokens if t in self.vocabulary]
        if not known:
            return np.zeros(len(self.tokens), dtype=np.float32)
        return np.asarray(self.bm25.get_scores(known), dtype=np.float32)


class HybridRetriever:
    def __init__(self, corpus: Corpus, index: VectorIndex | None):
        self.corpus = corpus
        self.index = index
        self.sentences: tuple[Sentence, ...] = corpus.sentences
        self.passage_lexical = LexicalIndex([f"{p.section} {p.normalized}" for p in corpus.passages])
        self.sentence_lexical = LexicalIndex([s.normalized for s in self.sentences])
        self.corpus_words = {w for p in corpus.passages for w in words(f"{p.section} {p.normalized}")}
        self.corpus_stems = {stem(w) for w in self.corpus_words}
        self.corrector = SpellingCorrector({w for w in self.corpus_words | vocabulary_words() if w.isalpha()})

    # -- query analysis ---------------------------------------------------

    def analyze(self, query: str) -> QueryAnalysis:
        corrected, fixes = self.corrector.correct_text(_SOURCE_REFERENCE.sub(" ", query))
        concepts = concepts_in(corrected)
        covered_by_concepts = words_named_by_concepts(corrected)
        topic_terms: list[str] = []
        unknown: list[str] = []
        for word in words(corrected):
            if word in STOPWORDS or word in QUESTION_WORDS or word in covered_by_concepts:
                continue
            if word.isdigit() and len(word) < 3:
                continue
            stemmed = stem(word)
            if stemmed in QUESTION_WORDS_STEMS:
                continue
            topic_terms.append(stemmed)
            if stemmed not in self.corpus_stems:
                unknown.append(word)
        topic_terms.extend(c.key for c in concepts if c.key not in _BACKGROUND_CONCEPTS)
        return QueryAnalysis(
            original=query,
            corrected=corrected,
            fixes=fixes,
            concepts=concepts,
            topic_terms=list(dict.fromkeys(topic_terms)),
            unknown_terms=list(dict.fromkeys(unknown)),
            tokens=_query_tokens(corrected, concepts),
        )

    def dense_query(self, analysis: QueryAnalysis) -> str:
        """Natural text for the embedder, with brand names spelled out as generics."""
        labels = [c.label for c in analysis.concepts if c.label.lower() not in analysis.corrected.lower()]
        return analysis.corrected + (" (" + "; ".join(labels) + ")" if labels else "")

    def prefetch(self, queries: list[str]) -> None:
        """Encode the dense queries of many questions in one batched call (what `retrieve` would embed one by one)."""
        if self.index is not None and queries:
            self.index.embed_queries([self.dense_query(self.analyze(q)) for q in queries])

    # -- search -----------------------------------------------------------

    def retrieve(self, query: str, k: int = 6) -> RetrievalResult:
        analysis = self.analyze(query)
        lexical = self.passage_lexical.scores(analysis.tokens)
        sentence_lexical = self.sentence_lexical.scores(analysis.tokens)
        dense_by_id: dict[str, float] = {}
        sentence_dense: dict[str, float] = {}
        if self.index is not None:
            vector = self.index.embed_query(self.dense_query(analysis))
            dense_by_id = dict(self.index.passage_similarities(vector))
            sentence_dense = self.index.sentence_similarities(vector)
        hits = self._fuse(lexical, dense_by_id, sentence_lexical, sentence_dense)[:k]
        return RetrievalResult(
            analysis=analysis,
            hits=hits,
            sentence_dense=sentence_dense,
            sentence_lexical={s.id: float(v) for s, v in zip(self.sentences, sentence_lexical)},
        )

    def search(self, query: str, k: int = 5) -> list[Hit]:
        return self.retrieve(query, k=k).hits

    def _fuse(
        self,
        lexical: np.ndarray,
        dense_by_id: dict[str, float],
        sentence_lexical: np.ndarray,
        sentence_dense: dict[str, float],
    ) -> list[Hit]:
        """RRF over four rankings: passage and best-sentence, each lexical and dense.

        The best-sentence rankings keep a long passage findable by its one
        relevant sentence, which whole-passage scores dilute.
        """
        passages = self.corpus.passages
        position = {p.id: i for i, p in enumerate(passages)}
        best_sentence_lexical = np.zeros(len(passages))
        best_sentence_dense = np.zeros(len(passages))
        for s, value in zip(self.sentences, sentence_lexical):
            i = position[s.passage_id]
            best_sentence_lexical[i] = max(best_sentence_lexical[i], value)
            best_sentence_dense[i] = max(best_sentence_dense[i], sentence_dense.get(s.id, 0.0))
        dense = np.asarray([dense_by_id.get(p.id, 0.0) for p in passages])
        fused = np.zeros(len(passages))
        for scores, dense_side in ((lexical, False), (best_sentence_lexical, False), (dense, True), (best_sentence_dense, True)):
            if dense_side and not dense_by_id:
                continue
            order = [i for i in np.argsort(-scores, kind="stable") if dense_side or scores[i] > 0]
            for rank, i in enumerate(order):
                fused[i] += 1.0 / (RRF_K + rank + 1)
        order = sorted(range(len(passages)), key=lambda i: (-fused[i], passages[i].id))
        return [
            Hit(passages[i], float(fused[i]), float(dense[i]), float(lexical[i]), rank)
            for rank, i in enumerate(order)
        ]


def _query_tokens(text: str, concepts: list[Concept]) -> list[str]:
    """Stemmed words, plus each topical concept twice: a named concept (a drug, sEPO,
    TI) says more about the topic than any single word. Background concepts
    (MDS, LR-MDS) are in nearly every passage and are left out."""
    topical = [c.key for c in concepts if c.key not in _BACKGROUND_CONCEPTS]
    plain = [t for t in analyze(text) if not t.startswith("c") or t not in {c.key for c in concepts}]
    return plain + topical * 2


# Concepts so common in this corpus that they say nothing about the topic.
_BACKGROUND_CONCEPTS = frozenset({"cmds", "clrmds"})

QUESTION_WORDS_STEMS = frozenset(stem(w) for w in QUESTION_WORDS | STOPWORDS)
