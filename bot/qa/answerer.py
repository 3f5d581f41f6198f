"""Extractive, grounded answers: quote the sentences that answer, cite each one, or refuse.

No language model: every sentence of an answer is a sentence of a source
document (OCR repaired), followed by the marker of the passage it came from.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.citing import make_citation
from corpus.conflicts import KnownConflict, conflicts_for, load_conflicts, position_sentences
from bot.models import BotResponse, Citation, Conflict
from bot.settings import AnswerTuning
from corpus.ingest import Corpus
from corpus.lexicon import load_lexicon
from corpus.models import Passage, Sentence
from corpus.retrieval import HybridRetriever, RetrievalResult
from corpus.vocabulary import CONCEPTS, OUT_OF_SCOPE_QUALIFIERS, analyze, concepts_in, words

_LEXICON = load_lexicon()
DRUG_CONCEPTS = _LEXICON.drug_concept_keys
_CONTINUES = re.compile(r"(?:It|This|These|They|Such|Its)\b")
TRIALS = _LEXICON.trial_words
MAX_ECHOED_TERMS = 5  # a refusal names a few of the words it did not know, never the user's whole text
MAX_ECHO_CHARS = 120
DOSE_IN_TEXT = re.compile(r"\d+(?:\.\d+)?(?:\s*-\s*\d+(?:\.\d+)?)?\s*mg(?:/kg)?\b", re.IGNORECASE)


def coverage_statement(corpus: Corpus) -> str:
    """What the documents cover, from the manifest: each one's declared scope, else its section titles."""
    scopes = []
    for doc in corpus.documents:
        scope = doc.info.covers or ", ".join(dict.fromkeys(p.section for p in corpus.passages_of(doc.id)))
        scopes.append(f"{scope} ({doc.info.short_title})")
    return "They cover: " + "; ".join(scopes) + "."


@dataclass
class ScoredSentence:
    sentence: Sentence
    passage: Passage
    score: float
    coverage: float  # share of the question's topic terms found in the sentence or its section
    context_coverage: float  # the same over the whole passage
    dense: float


class Answerer:
    def __init__(
        self,
        corpus: Corpus,
        retriever: HybridRetriever,
        max_sentences: int = 5,
        conflicts: tuple[KnownConflict, ...] | None = None,
        tuning: AnswerTuning | None = None,
    ):
        self.corpus = corpus
        self.retriever = retriever
        self.max_sentences = max_sentences
        self.tuning = tuning or AnswerTuning()
        self.conflicts = conflicts if conflicts is not None else load_conflicts(corpus)
        self.coverage = coverage_statement(corpus)
        self._sentence_terms = {
            s.id: set(analyze(s.normalized)) | set(words(s.normalized)) for s in corpus.sentences
        }
        self._section_terms = {
            p.id: set(analyze(p.section)) | set(words(p.section)) | self._document_subject(p.doc_id)
            for p in corpus.passages
        }
        self._passage_terms = {p.id: set(analyze(p.normalized)) | set(words(p.normalized)) for p in corpus.passages}
        # Each known conflict's positions as corpus sentences, resolved once (not per answer).
        self._positions = {c.topic: position_sentences(c, corpus) for c in self.conflicts}

    def _document_subject(self, doc_id: str) -> set[str]:
        """Drugs a whole document is about (named in its title): context for every passage."""
        title = self.corpus.document(doc_id).info.title
        return {c.key for c in concepts_in(title) if c.key in DRUG_CONCEPTS}

    # -- public -------------------------------------------------------------

    def answer(self, question: str) -> BotResponse:
        result = self.retriever.retrieve(question, k=len(self.corpus.passages))
        entities = self._entities(result.analysis.corrected)
        scored = self._score(result, set(entities))
        refusal = self._refusal_reason(result, scored, entities)
        if refusal is not None:
            return self._refuse(refusal)
        dose_problem = self._dose_not_stated(result, scored, entities)
        if dose_problem is not None:
            return dose_problem
        chosen = self._select(scored, set(entities))
        conflicts = conflicts_for(question, self.conflicts) or self._conflicts_from_citations(chosen)
        chosen = self._with_conflict_positions(chosen, conflicts)
        return self._compose(chosen, conflicts)

    # -- scoring ------------------------------------------------------------

    def _score(self, result: RetrievalResult, entities: set[str]) -> list[ScoredSentence]:
        terms = result.analysis.topic_terms
        trials = entities & TRIALS
        tuning = self.tuning
        passage_rank = {h.passage.id: h.rank for h in result.hits}
        max_lexical = max(result.sentence_lexical.values(), default=0.0) or 1.0
        scored = []
        for sentence in self.corpus.sentences:
            passage = self.corpus.passage(sentence.passage_id)
            own = self._sentence_terms[sentence.id] | self._section_terms[passage.id]
            context = own | self._passage_terms[passage.id]
            # A term only in the section heading counts half: headings are broad.
            coverage = (_share(terms, self._sentence_terms[sentence.id]) + _share(terms, own)) / 2
            context_coverage = _share(terms, context)
            dense = result.sentence_dense.get(sentence.id, 0.0)
            lexical = result.sentence_lexical.get(sentence.id, 0.0) / max_lexical
            rank_bonus = 1.0 / (1 + passage_rank.get(passage.id, len(passage_rank)))
            score = self._weighted(dense, lexical, rank_bonus, coverage, context_coverage)
            if entities and not entities & own:
                score *= tuning.off_subject_factor  # the question names a drug or trial this sentence is not about
            elif trials and not trials & own:
                score *= tuning.off_subject_factor  # about the drug, but not from the trial the question names
            scored.append(ScoredSentence(sentence, passage, score, coverage, context_coverage, dense))
        scored.sort(key=lambda s: (-s.score, s.sentence.id))
        return scored

    def _weighted(self, dense: float, lexical: float, rank_bonus: float, coverage: float, context: float) -> float:
        t = self.tuning
        topic = t.own_coverage_share * coverage + (1 - t.own_coverage_share) * context
        return t.weight_dense * dense + t.weight_lexical * lexical + t.weight_rank * rank_bonus + t.weight_topic * topic

    def _refusal_reason(self, result: RetrievalResult, scored: list[ScoredSentence], named_entities: list[str]) -> str | None:
        analysis = result.analysis
        if not analysis.topic_terms:
            return "The question names no topic the source documents discuss."
        missing = [e for e in named_entities if not any(e in self._passage_terms[p.id] for p in self.corpus.passages)]
        if named_entities and len(missing) == len(named_entities):
            return f"The source documents do not discuss {', '.join(_label(m) for m in missing)}."
        qualifiers = [w for w in words(analysis.corrected) if w in OUT_OF_SCOPE_QUALIFIERS and w not in self.retriever.corpus_words]
        if qualifiers:
            return f"The source documents do not address {', '.join(dict.fromkeys(qualifiers))}."
        best = scored[0]
        weak_meaning = max(s.dense for s in scored[:5]) < self.tuning.min_dense
        # A question about a named drug or trial the best sentence is about needs less word overlap:
        # false premises and loose wording ("why was <trial> stopped early?") still get the facts.
        on_entity = bool(set(named_entities) & (self._sentence_terms[best.sentence.id] | self._section_terms[best.passage.id]))
        threshold = self.tuning.min_entity_coverage if on_entity else self.tuning.min_coverage
        if best.context_coverage < threshold or (weak_meaning and best.coverage < 1.0):
            unknown = _excerpt(", ".join(analysis.unknown_terms[:MAX_ECHOED_TERMS]))
            return "The source documents do not cover this question" + (f" (nothing on: {unknown})." if unknown else ".")
        return None

    def _entities(self, text: str) -> list[str]:
        keys = [c.key for c in concepts_in(text) if c.key in DRUG_CONCEPTS]
        return keys + [w for w in words(text) if w in TRIALS]

    def _dose_not_stated(
        self, result: RetrievalResult, scored: list[ScoredSentence], entities: list[str]
    ) -> BotResponse | None:
        """A dose question is answered only by a sentence that states a dose of that drug."""
        keys = {c.key for c in result.analysis.concepts}
        if "cdose" not in keys:
            return None
        drugs = [k for k in entities if k in DRUG_CONCEPTS]
        if not drugs:
            return None
        for candidate in scored[:10]:
            if any(states_dose_for(candidate.sentence.normalized, d) for d in drugs):
                return None
        about = [s for s in scored if any(d in self._sentence_terms[s.sentence.id] for d in drugs)][:1]
        names = ", ".join(_label(d) for d in drugs)
        text = f"The source documents do not state a dose or schedule for {names}."
        if not about:
            return self._refuse(text)
        response = self._compose(about, [])
        return response.model_copy(
            update={"status": "refused", "answer": f"{text} What they do say: {response.answer}"}
        )

    # -- selection and composition -------------------------------------------

    def _select(self, scored: list[ScoredSentence], entities: set[str]) -> list[ScoredSentence]:
        best = scored[0]
        chosen = [best]
        covered = set(self._sentence_terms[best.sentence.id])  # a copy: the cached sets must not grow
        for candidate in scored[1:]:
            if len(chosen) >= self.max_sentences or candidate.score < self.tuning.select_ratio * best.score:
                break
            if candidate.coverage < self.tuning.min_coverage * best.coverage:
                continue
            if entities and not entities & self._about(candidate):
                continue
            adds = self._sentence_terms[candidate.sentence.id] - covered
            if candidate.passage.id == best.passage.id or adds:
                chosen.append(candidate)
                covered |= self._sentence_terms[candidate.sentence.id]
        chosen = self._one_per_entity(scored, chosen, entities, best.score)
        return self._whole_lists(self._with_continuations(chosen))

    def _about(self, item: ScoredSentence) -> set[str]:
        return self._sentence_terms[item.sentence.id] | self._section_terms[item.passage.id]

    def _one_per_entity(
        self, scored: list[ScoredSentence], chosen: list[ScoredSentence], entities: set[str], best_score: float
    ) -> list[ScoredSentence]:
        """'Compare luspatercept and imetelstat' needs a sentence about each of them."""
        out = list(chosen)
        for entity in sorted(entities):
            if len(out) >= self.max_sentences or any(entity in self._about(c) for c in out):
                continue
            # The sentence about this entity that best covers the rest of the question
            # ("compare the safety of X and Y": Y's safety sentence, not Y's first sentence).
            about = [
                c for c in scored
                if c.score >= self.tuning.per_entity_ratio * best_score and entity in self._about(c) and c not in out
            ]
            if about:
                out.append(max(about, key=lambda c: (c.coverage, c.score)))
        return out

    def _with_continuations(self, chosen: list[ScoredSentence]) -> list[ScoredSentence]:
        """A sentence opening with 'It'/'This' continues the one before it: quote them together."""
        out = list(chosen)
        ids = {c.sentence.id for c in out}
        for item in chosen:
            sentences = item.passage.sentences
            i = sentences.index(item.sentence)
            neighbours = []
            if i + 1 < len(sentences) and _CONTINUES.match(sentences[i + 1].normalized):
                neighbours.append(sentences[i + 1])
            if i > 0 and _CONTINUES.match(item.sentence.normalized):
                neighbours.append(sentences[i - 1])
            for sentence in neighbours:
                if sentence.id not in ids and item.passage.kind == "prose":
                    out.append(ScoredSentence(sentence, item.passage, item.score, item.coverage, item.context_coverage, item.dense))
                    ids.add(sentence.id)
        return out

    def _whole_lists(self, chosen: list[ScoredSentence]) -> list[ScoredSentence]:
        """A list item alone lacks its context: bring the list's introduction with it; a
        chosen introduction brings its whole list (the question was about the list)."""
        out = list(chosen)
        ids = {c.sentence.id for c in chosen}
        for item in chosen:
            passage = item.passage
            if passage.kind != "list":
                continue
            intro = _list_intro(passage)
            wanted = passage.sentences if item.sentence in intro else intro
            for sentence in wanted:
                if sentence.id not in ids:
                    out.append(ScoredSentence(sentence, passage, item.score, item.coverage, item.context_coverage, item.dense))
                    ids.add(sentence.id)
        return out

    def _conflicts_from_citations(self, chosen: list[ScoredSentence]) -> list[KnownConflict]:
        """An answer that quotes one position of a known conflict, or a sentence on its topic
        (one its triggers name), must show every position."""
        ids = {c.sentence.id for c in chosen}
        return [
            conflict
            for conflict in self.conflicts
            if any(s.id in ids for s in self._positions[conflict.topic])
            or any(conflict.applies_to(c.sentence.normalized) for c in chosen)
        ]

    def _with_conflict_positions(self, chosen: list[ScoredSentence], conflicts: list[KnownConflict]) -> list[ScoredSentence]:
        out = list(chosen)
        ids = {c.sentence.id for c in out}
        for conflict in conflicts:
            for sentence in self._positions[conflict.topic]:
                if sentence.id not in ids:
                    passage = self.corpus.passage(sentence.passage_id)
                    out.append(ScoredSentence(sentence, passage, 0.0, 0.0, 0.0, 0.0))
                    ids.add(sentence.id)
        return out

    def _compose(self, chosen: list[ScoredSentence], conflicts: list[KnownConflict]) -> BotResponse:
        # Group by passage (first appearance order), document order inside a passage.
        order: list[str] = []
        by_passage: dict[str, list[Sentence]] = {}
        for item in chosen:
            if item.passage.id not in by_passage:
                order.append(item.passage.id)
                by_passage[item.passage.id] = []
            by_passage[item.passage.id].append(item.sentence)
        parts, citations = [], []
        for n, passage_id in enumerate(order, start=1):
            passage = self.corpus.passage(passage_id)
            sentences = sorted(by_passage[passage_id], key=lambda s: s.start)
            parts.extend(f"{unit} [{n}]" for unit in render_units(passage, sentences))
            citations.append(self.citation(n, passage, sentences))
        conflict_models = [self._conflict_model(c, citations) for c in conflicts]
        return BotResponse(
            status="answered",
            route="retrieval",
            answer=" ".join(parts),
            citations=citations,
            conflicts=conflict_models,
        )

    def _conflict_model(self, conflict: KnownConflict, citations: list[Citation]) -> Conflict:
        quotes = self._positions[conflict.topic]
        positions = [c for c in citations if any(c.passage_id == q.passage_id for q in quotes)]
        return Conflict(topic=conflict.topic, positions=positions, summary=conflict.summary)

    def conflict_with_citations(self, conflict: KnownConflict, citations: list[Citation]) -> Conflict:
        """The conflict, its positions added to `citations` (numbered after them) where missing."""
        for sentence in self._positions[conflict.topic]:
            if not any(c.passage_id == sentence.passage_id for c in citations):
                passage = self.corpus.passage(sentence.passage_id)
                citations.append(self.citation(len(citations) + 1, passage, [sentence]))
        return self._conflict_model(conflict, citations)

    def citation(self, n: int, passage: Passage, sentences: list[Sentence]) -> Citation:
        return make_citation(self.corpus, n, passage, sentences)

    def _refuse(self, reason: str) -> BotResponse:
        return BotResponse(
            status="refused",
            route="refusal",
            answer=f"I can't answer that from the source documents. {reason} {self.coverage}",
        )


def states_dose_for(text: str, drug_key: str) -> bool:
    """True when a numeric dose in the text belongs to the drug: the drug is the last one
    named in the 60 characters before it ('imetelstat 7.5 mg/kg', not '...lenalidomide
    or HMAs), imetelstat 7.5 mg/kg')."""
    for match in DOSE_IN_TEXT.finditer(text):
        window = text[max(0, match.start() - 60) : match.start()]
        named = _drug_keys_in_order(window)
        if named and named[-1] == drug_key:
            return True
    return False


def _drug_keys_in_order(text: str) -> list[str]:
    """Search keys of the drugs the text names, in order (the lexicon's one entity finder)."""
    return [f"c{_LEXICON.drug(m.id).key}" for m in _LEXICON.mentions(text) if m.kind == "drug"]


def _share(terms: list[str], present: set[str]) -> float:
    if not terms:
        return 0.0
    return sum(1 for t in terms if t in present) / len(terms)


def _list_intro(passage: Passage) -> list[Sentence]:
    """The sentences before the first item of a list passage (none when it opens with an item)."""
    first_line = passage.normalized.split("\n", 1)[0]
    if first_line.startswith("• ") or re.match(r"\d+\. ", first_line):
        return []
    return [s for s in passage.sentences if s.normalized in first_line]


def render_units(passage: Passage, sentences: list[Sentence]) -> list[str]:
    """Sentences as they read in an answer: a list's introduction and items form one sentence."""
    if passage.kind != "list":
        return [s.normalized for s in sentences]
    intro = _list_intro(passage)
    heads = [s.normalized for s in sentences if s in intro]
    items = [s.normalized for s in sentences if s not in intro]
    if not items:
        return heads
    return [" ".join(heads + ["; ".join(items)]).rstrip(".") + "."]


def _excerpt(text: str) -> str:
    return text if len(text) <= MAX_ECHO_CHARS else text[: MAX_ECHO_CHARS - 1] + "…"


def _label(key: str) -> str:
    for concept in CONCEPTS:
        if concept.key == key:
            return concept.label
    trial = next((t for t in _LEXICON.trials if t.id == key), None)
    return trial.label if trial else key
