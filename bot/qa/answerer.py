"""Extractive, grounded answers: quote the sentences that answer, cite each one, or refuse.

No language model: every sentence of an answer is a sentence of a source
document (OCR repaired), followed by the marker of the passage it came from.
"""

from __future__ import annotations

from bot.models import BotResponse
from bot.qa.budget import within_budget
from bot.qa.compose import Composition
from bot.qa.conditions import at_given_values
from bot.qa.aspect_picks import AspectPicks
from bot.qa.aspects import question_after_statements, sub_questions
from bot.qa.conflict_positions import ConflictPositions
from bot.qa.coverage import broad_cue, fill_uncovered, findings_cue, payer_cue, with_findings
from bot.qa.direct import LEADS, DirectAnswers, is_yes_no
from bot.qa.not_stated import NotStated
from bot.qa.scope import NOT_COVERED
from bot.qa.scoring import DRUG_CONCEPTS, Scoring, with_trial_drugs
from bot.qa.selection import (  # noqa: F401  (render_units: re-exported for the guard's tests)
    ScoredSentence,
    SectionTerms,
    render_units,
    share,
    whole_lists,
    with_continuations,
)
from bot.qa.synthesis import option_cue, trial_cue, with_naming_sentences
from bot.settings import AnswerTuning
from corpus.conflicts import KnownConflict, conflicts_for, load_conflicts, position_sentences
from corpus.ingest import Corpus
from corpus.learned import learned_drugs, name_terms
from corpus.lexicon import load_lexicon
from corpus.retrieval import HybridRetriever, RetrievalResult
from corpus.vocabulary import concepts_in

_LEXICON = load_lexicon()


def coverage_statement(corpus: Corpus) -> str:
    """What the documents cover, from the manifest: each one's declared scope, else its section titles."""
    scopes = []
    for doc in corpus.documents:
        scope = doc.info.covers or ", ".join(corpus.sections_of(doc.id))
        scopes.append(f"{scope} ({doc.info.short_title})")
    return "They cover: " + "; ".join(scopes) + "."


class Answerer(Scoring, Composition, NotStated, ConflictPositions, DirectAnswers, AspectPicks):
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
        # Each unit's topic terms, analysed once per document and stored (corpus/lexical.py): read per candidate.
        lexical = retriever.lexical
        self._learned = learned_drugs(corpus)
        self._sentence_terms = lexical.lookup("sentence_terms", corpus)
        self._passage_terms = lexical.lookup("passage_terms", corpus)
        self._section_terms = SectionTerms(lexical.lookup("section_terms", corpus), corpus, self._document_subject)
        self._discussed = lexical.passage_vocabulary
        # Each known conflict's positions as corpus sentences, resolved once (not per answer).
        self._positions = {c.topic: position_sentences(c, corpus) for c in self.conflicts}
        self._options_cue = option_cue(_LEXICON)
        self._broad_cue = broad_cue(_LEXICON)
        self._payer_cue = payer_cue(_LEXICON)
        self._trial_cue = trial_cue(_LEXICON)
        self._findings_cue = findings_cue(_LEXICON)

    def _document_subject(self, doc_id: str) -> set[str]:
        """Drugs a whole document is about (named in its title, or introduced by it): context for every passage."""
        title = self.corpus.document(doc_id).info.title
        return {c.key for c in concepts_in(title) if c.key in DRUG_CONCEPTS} | name_terms(self._learned, doc_id)

    # -- public -------------------------------------------------------------

    def answer(self, question: str, also: tuple[str, ...] = (), lead: bool = True, first: tuple[str, ...] = ()) -> BotResponse:
        """The question's answer; then the best evidence of each of `also` (a pharmacist's criteria), each
        quote once. `lead=False`: no yes/no word (a question about one patient is the rules core's to decide).
        `first`: questions whose best sentence opens the answer (what corrects an unsupported premise)."""
        result = self.retriever.retrieve(question, k=None)
        entities = self._entities(result.analysis.corrected)
        scored = self._score(result, set(entities))
        aspects = self._aspect_picks(result.analysis.corrected, entities)
        refusal = self._refusal_reason(result, scored, entities, aspects)
        if refusal == NOT_COVERED and self._parts_covered(question):
            refusal = None  # a compound question each of whose parts the sources answer
        enrolment = self._enrolment_not_stated(result, scored, entities) if refusal == NOT_COVERED and entities else None
        if enrolment is not None:  # how many took part in a named trial: said not stated, naming it
            return enrolment
        if refusal is not None:
            return self._refuse(refusal)
        unstated = self._unstated(result, scored, aspects, entities)
        if unstated is not None:
            return unstated
        if len(aspects) < 2:
            aspects = self._option_aspects(result.analysis.corrected, scored, entities) or aspects
        chosen, touched, parts = self._chosen(question, result, scored, entities, aspects)
        criteria = self._best_of_each(list(also), chosen)
        chosen += criteria
        # Kept within the budget: each part's and each criterion's best, and the sentences close to the best.
        parts |= {c.sentence.id for c in [*criteria, *chosen] if c in criteria or c.score >= self.tuning.select_ratio * scored[0].score}
        listed = [c for c in self._conflicts_from_citations(chosen) if c not in touched]
        # On a contested topic the honest first word is that the sources disagree, never yes or no.
        direct = None if touched or not lead or first else self._direct_answer(question, result, chosen, entities)
        if direct is not None:  # the sentence on the question's point first, its answer word before it
            chosen = [direct[0], *(c for c in chosen if c is not direct[0])]
        opening = self._best_of_each(list(first), [], fresh=True)  # each opening question adds its own evidence
        concise = self._concise(chosen, parts, touched, aspects, entities, result)
        opened = {c.sentence.id for c in opening}
        concise = [*opening, *(c for c in concise if c.sentence.id not in opened)]
        response = self._compose(concise, [*touched, *listed])
        word = "disagree" if touched and lead and is_yes_no(question) else direct[1] if direct else None
        return response.model_copy(update={"answer": LEADS[word] + response.answer}) if word else response

    def _concise(
        self, chosen: list[ScoredSentence], parts: set[str], touched: list[KnownConflict],
        aspects: dict[str, list[ScoredSentence]], entities: list[str], result: RetrievalResult,
    ) -> list[ScoredSentence]:
        """Within the word budget (bot/qa/budget.py): the positions, the opening and each aspect's evidence (with the
        sentence naming it) stay, unless a position naming the aspect says as much of what is asked of it."""
        positions = [s.id for conflict in touched for s in self._positions[conflict.topic]]
        kept = set(positions) | parts
        asked = self._asked_of_each(result.analysis.corrected, entities) if aspects else []
        ids = [c.sentence.id for c in chosen]
        for entity, picks in aspects.items():
            best = max(share(asked, self._own_terms(p)) for p in picks)
            if any(entity in self._sentence_terms[i] and share(asked, self._sentence_terms[i]) >= best for i in positions):
                continue
            for pick in picks:
                kept.add(pick.sentence.id)
                at = ids.index(pick.sentence.id) if pick.sentence.id in ids else 0
                if entity not in self._own_terms(pick):  # the sentence naming the aspect, before a pick that does not
                    kept |= {next((i for i in reversed(ids[:at]) if entity in self._sentence_terms[i]), pick.sentence.id)}
        return within_budget(chosen, kept, self.tuning.max_answer_words)

    def _chosen(
        self, question: str, result: RetrievalResult, scored: list[ScoredSentence], entities: list[str],
        aspects: dict[str, list[ScoredSentence]],
    ) -> tuple[list[ScoredSentence], list[KnownConflict], set[str]]:
        """The sentences to quote, the known conflicts whose topic the question is on, and the ids of the best
        sentence of each part of a compound question."""
        text = result.analysis.corrected
        touched = conflicts_for(text, self.conflicts)
        broad = self._broad_cue is not None and self._broad_cue.search(text)
        if broad or is_yes_no(question):  # whether / why / compare: a disagreement in the evidence is the answer's
            touched += self._conflicts_in_evidence(scored, touched)
        wide = broad or (self._payer_cue is not None and self._payer_cue.search(text))
        chosen = self._select(scored, set(entities), aspects, result.analysis.known_terms if wide else None)
        on_subject = [c for c in scored if not entities or set(entities) & self._about(c)]
        chosen = at_given_values(text, on_subject, chosen, self._own_terms, self.tuning.fill_ratio * scored[0].score,
                                 self.max_sentences)
        chosen = self._with_trial(text, scored, self._figure_first(text, scored, chosen, entities), entities)
        data = self._findings_cue is not None and bool(self._findings_cue.search(text))
        if data:  # "what data ...?": the findings that cover it
            chosen = with_findings(chosen, scored, self.tuning.fill_ratio * scored[0].score, self.max_sentences)
        # A compound question ("when to start X and how long before calling it a failure?"): each part's best too.
        parts = self._best_of_each(sub_questions(_LEXICON, question), chosen, fresh=True) \
            or self._best_of_each(question_after_statements(_LEXICON, question), chosen)
        parts += self._threshold_of_each_document(result, scored, chosen + parts, entities)
        parts += self._named_populations(text, scored, chosen + parts, entities)
        # Every position only when the question is on the contested topic; an answer that merely
        # quotes a sentence on it lists the conflict (its summary names both sides).
        quoted = self._with_conflict_positions(chosen + parts, touched)
        # A quoted trial result (a conflict's position too) with its further findings: all of them are the data asked.
        further = self._further_findings(quoted) if data else quoted
        findings = {c.sentence.id for c in further} - {c.sentence.id for c in quoted}
        return further, touched, {c.sentence.id for c in parts} | findings

    def answer_each(self, questions: list[str], fresh: bool = False) -> BotResponse:
        """One answer to several plain questions: the best evidence of each, in order, each quote
        once (a pharmacist's criteria, documentation list and required prior therapy); `fresh`: each
        question's best sentence not already quoted (a question asked to add what another's answer lacks)."""
        chosen = self._best_of_each(questions, [], fresh=fresh)
        if not chosen:
            return self._refuse(NOT_COVERED)
        return self._compose(chosen, [])

    def _best_of_each(self, questions: list[str], taken: list[ScoredSentence], fresh: bool = False) -> list[ScoredSentence]:
        """The best sentence (with its list or continuation) of each question, none already in `taken`;
        `fresh`: the best one not yet quoted (each part of a compound question adds evidence of its own)."""
        chosen: list[ScoredSentence] = []
        for question in questions:
            result = self.retriever.retrieve(question, k=None)
            entities = self._entities(result.analysis.corrected)
            scored = self._score(result, set(entities))
            if self._refusal_reason(result, scored, entities, {}) is not None:
                continue
            # The criteria of one drug are never another's: a sentence not about the drug asked is skipped.
            scored = [c for c in scored if not entities or set(entities) & self._about(c)]
            ids = {c.sentence.id for c in [*taken, *chosen]}
            if fresh:
                scored = [c for c in scored if c.sentence.id not in ids]
            best = self._figure_first(question, scored, scored[:1], entities)[:1]  # a part asking a share: a figure
            chosen += [c for c in whole_lists(with_continuations(best)) if c.sentence.id not in ids]
        return chosen

    # -- selection and composition -------------------------------------------

    def _select(
        self, scored: list[ScoredSentence], entities: set[str], aspects: dict[str, list[ScoredSentence]],
        broad_terms: list[str] | None = None,
    ) -> list[ScoredSentence]:
        """The sentences to quote; `broad_terms`: a broad question's topic terms, each to be carried by one."""
        if len(aspects) >= 2:  # synthesis: the best sentence of each named drug or trial
            picks = dict(list(aspects.items())[: self.max_sentences])
            named = with_naming_sentences(picks, self._own_terms, self._sentence_terms.__getitem__, self._earlier_in_section)
            return whole_lists(with_continuations(named))
        # The answer opens with a sentence about the drug or trial asked, never another's (issue 12).
        on_subject = next((c for c in scored if not entities or entities & self._about(c)), scored[0])
        scored = [on_subject, *(c for c in scored if c is not on_subject)]
        best = scored[0]
        chosen = [best]
        covered = set(self._sentence_terms[best.sentence.id])  # a copy: the cached sets must not grow
        ratio = self.tuning.select_ratio if broad_terms is None else self.tuning.broad_select_ratio
        for candidate in scored[1:]:
            if len(chosen) >= self.max_sentences or candidate.score < ratio * best.score:
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
        if broad_terms:
            on_topic = [c for c in scored if not entities or entities & self._about(c)]
            floor = self.tuning.fill_ratio * best.score
            chosen = fill_uncovered(chosen, on_topic, broad_terms, self._own_terms, floor, self.max_sentences, bool(entities))
        return whole_lists(with_continuations(chosen))

    def _own_terms(self, item: ScoredSentence) -> set[str]:
        return self._sentence_terms[item.sentence.id]

    def _about(self, item: ScoredSentence) -> set[str]:
        return with_trial_drugs(self._sentence_terms[item.sentence.id] | self._section_terms[item.passage.id])
