"""Extractive, grounded answers: quote the sentences that answer, cite each one, or refuse.

No language model: every sentence of an answer is a sentence of a source
document (OCR repaired), followed by the marker of the passage it came from.
"""

from __future__ import annotations

from bot.models import BotResponse
from bot.qa.budget import within_budget
from bot.qa.compose import Composition
from bot.qa.aspect_picks import AspectPicks
from bot.qa.aspects import prior_therapies, question_after_statements, set_aside, sub_questions
from bot.qa.conflict_positions import ConflictPositions
from bot.qa.coverage import broad_cue, fill_uncovered, findings_cue, payer_cue, with_findings
from bot.qa.direct import LEADS, DirectAnswers, is_yes_no
from bot.qa.not_stated import NotStated
from bot.qa.not_stated import concept_label as _label
from bot.qa.scope import NOT_COVERED, ScopeEvidence, refusal_reason, stated_values, unnamed_names
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
from corpus.encoder import model_words
from corpus.conflicts import KnownConflict, conflicts_for, load_conflicts, position_sentences
from corpus.ingest import Corpus
from corpus.learned import learned_drugs, name_terms
from corpus.lexicon import load_lexicon
from corpus.retrieval import HybridRetriever, RetrievalResult
from corpus.vocabulary import OUT_OF_SCOPE_QUALIFIERS, concepts_in, words

_LEXICON = load_lexicon()
DRUG_CONCEPTS = _LEXICON.drug_concept_keys
TRIALS = _LEXICON.trial_words
_TRIAL_DRUGS = {t.id: "c" + t.drug for t in _LEXICON.trials}  # a sentence about a drug's trial is about the drug


def with_trial_drugs(terms: set[str] | frozenset[str]) -> set[str]:
    return set(terms) | {drug for trial, drug in _TRIAL_DRUGS.items() if trial in terms}


def coverage_statement(corpus: Corpus) -> str:
    """What the documents cover, from the manifest: each one's declared scope, else its section titles."""
    scopes = []
    for doc in corpus.documents:
        scope = doc.info.covers or ", ".join(corpus.sections_of(doc.id))
        scopes.append(f"{scope} ({doc.info.short_title})")
    return "They cover: " + "; ".join(scopes) + "."


class Answerer(Composition, NotStated, ConflictPositions, DirectAnswers, AspectPicks):
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

    # -- scoring ------------------------------------------------------------

    def _score(self, result: RetrievalResult, entities: set[str]) -> list[ScoredSentence]:
        # Coverage counts only the words the sources use: a word they never use ("respectively",
        # a typed shorthand) says nothing about whether they answer, and never refuses alone.
        terms = result.analysis.known_terms
        trials = entities & TRIALS
        prior = prior_therapies(_LEXICON, result.analysis.corrected)
        aside = set_aside(_LEXICON, result.analysis.corrected) & TRIALS
        tuning = self.tuning
        passage_rank = {h.passage.id: h.rank for h in result.hits}
        max_lexical = max(result.sentence_lexical.values(), default=0.0) or 1.0
        scored = []
        for sentence in result.sentences:  # the candidate passages' sentences only
            passage = self.corpus.passage(sentence.passage_id)
            sentence_terms = with_trial_drugs(self._sentence_terms[sentence.id])
            own = sentence_terms | with_trial_drugs(self._section_terms[passage.id])
            context = own | self._passage_terms[passage.id]
            # A term only in the section heading counts half: headings are broad.
            coverage = (share(terms, sentence_terms) + share(terms, own)) / 2
            context_coverage = share(terms, context)
            dense = result.sentence_dense.get(sentence.id, 0.0)
            lexical = result.sentence_lexical.get(sentence.id, 0.0) / max_lexical
            rank_bonus = 1.0 / (1 + passage_rank.get(passage.id, len(passage_rank)))
            score = self._weighted(dense, lexical, rank_bonus, coverage, context_coverage)
            if entities and not entities & own:
                score *= tuning.off_subject_factor  # the question names a drug or trial this sentence is not about
            elif trials and not trials & own:
                score *= tuning.off_subject_factor  # about the drug, but not from the trial the question names
            elif prior and (own & DRUG_CONCEPTS) <= prior and own & prior:
                score *= tuning.off_subject_factor  # "after <drug> fails, what next?": not that drug again
            elif aside and own & TRIALS and own & TRIALS <= aside:
                score *= tuning.off_subject_factor  # "besides <trial>, which trial?": not that trial again
            scored.append(ScoredSentence(sentence, passage, score, coverage, context_coverage, dense))
        scored.sort(key=lambda s: (-s.score, s.sentence.id))
        return scored

    def _weighted(self, dense: float, lexical: float, rank_bonus: float, coverage: float, context: float) -> float:
        t = self.tuning
        topic = t.own_coverage_share * coverage + (1 - t.own_coverage_share) * context
        return t.weight_dense * dense + t.weight_lexical * lexical + t.weight_rank * rank_bonus + t.weight_topic * topic

    def _refusal_reason(
        self, result: RetrievalResult, scored: list[ScoredSentence], named: list[str], aspects: dict[str, list[ScoredSentence]]
    ) -> str | None:
        analysis = result.analysis
        missing = [e for e in named if e not in self._discussed]
        if named and len(missing) == len(named):
            return f"The source documents do not discuss {', '.join(_label(m) for m in missing)}."
        # Names the lexicon knows (a drug the sources do not cover) are the subject rail's: it refuses them
        # alone and notes them beside covered drugs; only names nobody knows are refused here.
        outside = _LEXICON.outside_named(analysis.corrected)
        lexicon_words = {n.lower() for e in outside if e.kind == "drug" for n in e.names}
        names = [n for n in unnamed_names(analysis.corrected, analysis.unknown_terms, tuple(_LEXICON.drug_name_endings),
                                          model_words(), self.retriever.corpus_words) if n.lower() not in lexicon_words]
        if names:
            return f"The source documents do not mention {', '.join(names)}."
        facts = stated_values(analysis.corrected, _LEXICON.measured_qualifiers)  # "ferritin low": the patient's value
        qualifiers = [w for w in words(analysis.corrected)
                      if w in OUT_OF_SCOPE_QUALIFIERS and w not in self.retriever.corpus_words and w not in facts]
        if qualifiers:
            return f"The source documents do not address {', '.join(dict.fromkeys(qualifiers))}."
        return refusal_reason(self._evidence(result, scored, named, aspects), self.tuning)

    def _evidence(
        self, result: RetrievalResult, scored: list[ScoredSentence], named: list[str], aspects: dict[str, list[ScoredSentence]]
    ) -> ScopeEvidence:
        analysis = result.analysis
        # The best of the close contenders by topic: a sentence scoring as well as the first on meaning but carrying
        # more of the question's terms (harms named beside the outcomes) shows the sources cover it.
        close = [s for s in scored[:5] if s.score >= self.tuning.select_ratio * scored[0].score]
        best = max(close, key=lambda s: (s.context_coverage, s.coverage))
        together: set[str] = set()
        for pick in (p for picks in aspects.values() for p in picks):
            together |= self._about(pick) | self._passage_terms[pick.passage.id]
        return ScopeEvidence(
            known_terms=len(analysis.known_terms),
            unknown_words=len([w for w in analysis.unknown_terms if not any(ch.isdigit() for ch in w)]),
            meaning_kept=self.retriever.meaning_kept(analysis),
            coverage=best.coverage,
            context_coverage=best.context_coverage,
            aspect_coverage=share(analysis.known_terms, together),
            top_dense=max(s.dense for s in scored[:5]),
            on_entity=bool(set(named) & self._about(best)),
            aspects=len(aspects),
        )

    def _entities(self, text: str) -> list[str]:
        """The drugs and trials the question asks about; a drug it names as failed before is the setting."""
        prior = prior_therapies(_LEXICON, text) | set_aside(_LEXICON, text)  # "besides <trial>": not the one asked
        keys = [c.key for c in concepts_in(text) if c.key in DRUG_CONCEPTS and c.key not in prior]
        return keys + [w for w in words(text) if w in TRIALS and w not in prior]

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
