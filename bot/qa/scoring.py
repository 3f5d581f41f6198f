"""How the answerer scores a question's candidate sentences and decides whether the sources answer it.

Each candidate sentence is scored by meaning, words and topic coverage, and down-weighted when it is about
another drug or trial than the one asked; the scope decision (bot/qa/scope.py) reads the best of them.
The Answerer mixes this in (it supplies corpus, retriever, tuning and the stored term sets).
"""

from __future__ import annotations

from bot.qa.aspects import prior_therapies, set_aside
from bot.qa.not_stated_details import concept_label as _label
from bot.qa.scope import ScopeEvidence, refusal_reason, stated_values, unnamed_names
from bot.qa.selection import ScoredSentence, share
from corpus.encoder import model_words
from corpus.lexicon import load_lexicon
from corpus.retrieval import RetrievalResult
from corpus.vocabulary import OUT_OF_SCOPE_QUALIFIERS, concepts_in, words

_LEXICON = load_lexicon()
DRUG_CONCEPTS = _LEXICON.drug_concept_keys
TRIALS = _LEXICON.trial_words
_TRIAL_DRUGS = {t.id: "c" + t.drug for t in _LEXICON.trials}  # a sentence about a drug's trial is about the drug


def with_trial_drugs(terms: set[str] | frozenset[str]) -> set[str]:
    return set(terms) | {drug for trial, drug in _TRIAL_DRUGS.items() if trial in terms}


class Scoring:
    """The Answerer's scoring and scope steps (it supplies corpus, retriever, tuning, _sentence_terms,
    _section_terms, _passage_terms, _discussed and _about)."""

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
