"""Hybrid retrieval: bm25s over cleaned, concept-expanded text, fused with Chroma's
dense ranking by reciprocal rank fusion (RRF)."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from corpus.index import PASSAGES, SENTENCES, VectorIndex
from corpus.ingest import Corpus
from corpus.learned import learned_drugs, synonyms, with_synonyms
from corpus.lexical import LexicalState, open_state
from corpus.models import Passage, Sentence
from corpus.source_reference import SourceDescriptions
from corpus.vocabulary import (
    QUESTION_WORDS,
    STOPWORDS,
    Concept,
    SpellingCorrector,
    analyze,
    concepts_in,
    expand_shorthand,
    stem,
    words,
    words_named_by_concepts,
)

RRF_K = 60



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
    known_terms: list[str] = field(default_factory=list)  # topic terms the corpus uses: what coverage is measured on
    tokens: list[str] = field(default_factory=list)


@dataclass
class RetrievalResult:
    analysis: QueryAnalysis
    hits: list[Hit]
    sentence_dense: dict[str, float]  # candidate sentences only
    sentence_lexical: dict[str, float]  # candidate sentences only
    sentences: list[Sentence] = field(default_factory=list)  # the sentences of the candidate passages, corpus order


class HybridRetriever:
    """BM25 and Chroma each propose their top candidates; fusion and sentence scores cover those only.

    No query asks the index for more than `candidates` results, and nothing per query loops over
    the whole corpus: lexical scores are numpy passes over postings (corpus/lexical.py), dense
    scores of candidates come from their stored vectors (corpus/vectors.py).
    """

    def __init__(self, corpus: Corpus, index: VectorIndex | None, lexical: LexicalState | None = None, candidates: int = 60):
        self.corpus = corpus
        self.index = index
        self.candidates = candidates
        self.lexical = lexical if lexical is not None else open_state(corpus, None)
        self.sentences: Sequence[Sentence] = corpus.sentences  # built by row when read: candidates only
        self._first_sentence = corpus.store.columns.first_sentence
        self._sentence_passage = corpus.store.sentence_owner
        self.passage_row = corpus.passage_rows
        self.corpus_words = self.lexical.words
        # A drug an added document introduces by two names ('LUMTRIVA (lumatrombopag)'): either finds the other.
        self.synonyms = synonyms(learned_drugs(corpus))
        self.corpus_stems = self.lexical.stems
        self.sources = SourceDescriptions(corpus)  # "the review", "the medical necessity article": which document
        self.corrector = SpellingCorrector.for_corpus(self.corpus_words, self.synonyms)

    # -- query analysis ---------------------------------------------------

    def analyze(self, query: str) -> QueryAnalysis:
        # Shorthand first: "tox", "reauth" must not be "corrected" into other words.
        expanded = with_synonyms(expand_shorthand(query), self.synonyms)
        references = self.sources.read(expanded)  # which source, not what topic
        corrected, fixes = self.corrector.correct_text(references.text)
        concepts = concepts_in(corrected)
        covered_by_concepts = words_named_by_concepts(corrected)
        topic_terms: list[str] = []
        unknown: list[str] = []
        known: list[str] = []
        for word in words(corrected):
            if word in STOPWORDS or word in QUESTION_WORDS or word in covered_by_concepts:
                continue
            if word in self.synonyms and stem(word) not in self.corpus_stems:
                continue  # a learned name the sources write only the other way: the other name (added) counts
            if word.isdigit() and len(word) < 3:
                continue
            stemmed = stem(word)
            if stemmed in QUESTION_WORDS_STEMS:
                continue
            topic_terms.append(stemmed)
            (known if stemmed in self.corpus_stems else unknown).append(stemmed if stemmed in self.corpus_stems else word)
        topical = [c.key for c in concepts if c.key not in _BACKGROUND_CONCEPTS]
        topic_terms.extend(topical)
        known.extend(topical)
        return QueryAnalysis(
            original=query,
            corrected=corrected,
            fixes=fixes,
            concepts=concepts,
            topic_terms=list(dict.fromkeys(topic_terms)),
            unknown_terms=list(dict.fromkeys(unknown)),
            known_terms=list(dict.fromkeys(known)),
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

    def retrieve(self, query: str, k: int | None = 6) -> RetrievalResult:
        """The k best passages (None: every candidate), with the scores of their sentences."""
        analysis = self.analyze(query)
        lexical = self.lexical.passages.scores(analysis.tokens)
        sentence_lexical = self.lexical.sentences.scores(analysis.tokens)
        rows = set(_top(lexical, self.candidates)) | set(self._sentence_passage[_top(sentence_lexical, self.candidates)].tolist())
        dense_by_id: dict[str, float] = {}
        sentence_dense: dict[str, float] = {}
        if self.index is not None:
            vector = self.index.embed_query(self.dense_query(analysis))
            dense_by_id = dict(self.index.passage_similarities(vector, self.candidates))
            neighbours = [sid for sid, _ in self.index.sentence_neighbours(vector, self.candidates)]
            rows |= {self.passage_row[pid] for pid in dense_by_id if pid in self.passage_row}
            sentence_row = self.corpus.sentence_rows
            rows |= {int(self._sentence_passage[sentence_row[sid]]) for sid in neighbours if sid in sentence_row}
        order = sorted(rows)  # corpus order: ties rank as they would over the whole corpus
        sentence_rows = [r for i in order for r in range(self._first_sentence[i], self._first_sentence[i + 1])]
        if self.index is not None:
            unranked = [self.corpus.passages[i].id for i in order if self.corpus.passages[i].id not in dense_by_id]
            dense_by_id.update(self.index.similarities(PASSAGES, unranked, vector))
            sentence_dense = self.index.similarities(SENTENCES, [self.sentences[r].id for r in sentence_rows], vector)
        hits = self._fuse(order, lexical, dense_by_id, sentence_lexical, sentence_dense)
        return RetrievalResult(
            analysis=analysis,
            hits=hits if k is None else hits[:k],
            sentence_dense=sentence_dense,
            sentence_lexical={self.sentences[r].id: float(sentence_lexical[r]) for r in sentence_rows},
            sentences=[self.sentences[r] for r in sentence_rows],
        )

    def meaning_kept(self, analysis: QueryAnalysis) -> float:
        """Cosine of the question with itself less the words the sources never use (1.0 when it has none).

        Low: those words carry the question's meaning ("... in beta-thalassemia", "... cost"),
        so the sources cannot answer it; high: they were only phrasing ("respectively", "still").
        """
        unknown = [w for w in analysis.unknown_terms if not any(ch.isdigit() for ch in w)]
        if self.index is None or not unknown:
            return 1.0
        pattern = re.compile(r"(?<![a-z0-9])(?:" + "|".join(map(re.escape, unknown)) + r")(?![a-z0-9])", re.IGNORECASE)
        stripped = self.analyze(pattern.sub(" ", analysis.corrected))
        full = np.asarray(self.index.embed_query(self.dense_query(analysis)), dtype=np.float64)
        known = np.asarray(self.index.embed_query(self.dense_query(stripped)), dtype=np.float64)
        return float(full @ known / (np.linalg.norm(full) * np.linalg.norm(known) or 1.0))

    def search(self, query: str, k: int = 5) -> list[Hit]:
        return self.retrieve(query, k=k).hits

    def _fuse(
        self,
        order: list[int],
        lexical: np.ndarray,
        dense_by_id: dict[str, float],
        sentence_lexical: np.ndarray,
        sentence_dense: dict[str, float],
    ) -> list[Hit]:
        """RRF over four rankings of the candidates: passage and best-sentence, each lexical and dense.

        The best-sentence rankings keep a long passage findable by its one
        relevant sentence, which whole-passage scores dilute.
        """
        passages = [self.corpus.passages[i] for i in order]
        best_sentence_lexical = self._best_of_passages(order, sentence_lexical)
        best_sentence_dense = self._best_of_passages(order, None, sentence_dense)
        candidate_lexical = lexical[order] if order else np.zeros(0)
        dense = np.asarray([dense_by_id.get(p.id, 0.0) for p in passages])
        fused = np.zeros(len(passages))
        for scores, dense_side in (
            (candidate_lexical, False), (best_sentence_lexical, False), (dense, True), (best_sentence_dense, True)
        ):
            if dense_side and not dense_by_id:
                continue
            ranked = [n for n in np.argsort(-scores, kind="stable") if dense_side or scores[n] > 0]
            for rank, n in enumerate(ranked):
                fused[n] += 1.0 / (RRF_K + rank + 1)
        ranking = sorted(range(len(passages)), key=lambda n: (-fused[n], passages[n].id))
        return [
            Hit(passages[n], float(fused[n]), float(dense[n]), float(candidate_lexical[n]), rank)
            for rank, n in enumerate(ranking)
        ]

    def _best_of_passages(self, order: list[int], by_row: np.ndarray | None, by_id: dict[str, float] | None = None) -> np.ndarray:
        """Each candidate passage's best sentence score (0 when none is positive), one numpy pass."""
        starts = self._first_sentence[order] if order else np.zeros(0, dtype=np.int64)
        counts = self._first_sentence[np.asarray(order, dtype=np.int64) + 1] - starts if order else starts
        rows = np.concatenate([np.arange(a, a + n) for a, n in zip(starts.tolist(), counts.tolist())]) if order else starts
        if by_row is not None:
            values = by_row[rows].astype(np.float64)
        else:
            values = np.asarray([by_id.get(self.sentences[r].id, 0.0) for r in rows.tolist()], dtype=np.float64)
        best = np.zeros(len(order))
        filled = counts > 0
        if values.size:
            offsets = np.concatenate(([0], np.cumsum(counts)[:-1]))
            best[filled] = np.maximum.reduceat(values, offsets[filled])
        return np.maximum(best, 0.0)


def _top(scores: np.ndarray, k: int) -> np.ndarray:
    """Indices of the k highest positive scores (unordered): argpartition, not a sort of everything."""
    if len(scores) > k:
        picked = np.argpartition(-scores, k - 1)[:k]
    else:
        picked = np.arange(len(scores))
    return picked[scores[picked] > 0]


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
