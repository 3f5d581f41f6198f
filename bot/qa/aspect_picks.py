"""The Answerer's synthesis steps: the evidence for each aspect of a question (bot/qa/aspects.py), the options
or trials a question asks for (bot/qa/synthesis.py), and a sentence for each drug or trial it names.

A mixin like NotStated and DirectAnswers: the Answerer supplies retriever, tuning, corpus, max_sentences,
_options_cue, _trial_cue, _score, _about, _own_terms, _entities and _refusal_reason.
"""

from __future__ import annotations

import re

from bot.qa.aspects import asked_of_each, aspect_queries, prior_therapies, set_aside, side_by_side, sub_questions
from bot.qa.selection import ScoredSentence, share, states_dose_for, whole_lists
from bot.qa.synthesis import option_picks
from corpus.lexicon import load_lexicon
from corpus.lexicon_entries import whole_words
from corpus.models import Passage, Sentence
from corpus.text import extract_figures
from corpus.vocabulary import concepts_in

_LEXICON = load_lexicon()
DRUG_CONCEPTS = _LEXICON.drug_concept_keys
TRIALS = _LEXICON.trial_words


_POPULATIONS = frozenset(f"c{key}" for key in _LEXICON.aspect_concepts)
_BASIS = whole_words(_LEXICON.basis_cues) if _LEXICON.basis_cues else None
_ASKED = re.compile(r"\b(?:which|what)\s+(?:\w+\s+)?$", re.IGNORECASE)


def new_figures(item: ScoredSentence, other: ScoredSentence) -> bool:
    """Whether the item states figures and none of them is one the other states (a distinct finding)."""
    theirs = extract_figures(other.sentence.normalized)
    mine = extract_figures(item.sentence.normalized)
    return bool(mine) and not any(f.matches(g) for f in mine for g in theirs)


def asked_class_members(text: str) -> frozenset[str]:
    """The members' keys of a drug class a 'which <class>' question asks for ("Which ESAs count as ...?")."""
    for mention in _LEXICON.mentions(text):
        if mention.kind == "class" and _ASKED.search(text[: mention.start]):
            return frozenset(f"c{_LEXICON.drug(d).key}" for d in _LEXICON.members(mention.id))
    return frozenset()


def _rates(text: str) -> list:
    """The percentages a sentence states: a trial's result is a rate (its dose or schedule is not a finding)."""
    return [f for f in extract_figures(text) if f.unit == "%"]


class AspectPicks:
    def _aspect_picks(self, text: str, entities: list[str]) -> dict[str, list[ScoredSentence]]:
        """For a question naming several drugs, trials or contrasted populations: the best sentence about each,
        each found by its own search (bot/qa/aspects.py), in the order the question names them; and, where
        another close one says more of what is asked of it, that one too."""
        picks: dict[str, list[ScoredSentence]] = {}
        queries = aspect_queries(_LEXICON, text, entities)
        asked = self._asked_of_each(text, entities) if queries else []
        # "del(5q) vs RS: which agent for each?": each population's answer is a sentence naming a drug.
        wants_drug = bool(self._options_cue and self._options_cue.search(text))
        apart = side_by_side(_LEXICON, text, entities)  # "<A> or <B>": each one's own evidence, not a sentence naming both
        for entity, query in queries.items():
            result = self.retriever.retrieve(query, k=None)
            about = [c for c in self._score(result, {entity}) if entity in self._about(c)]
            if "cdose" in {c.key for c in result.analysis.concepts}:  # "compare dose, route": a sentence dosing it
                about = [c for c in about if states_dose_for(c.sentence.normalized, entity)] or about
            if wants_drug:
                about = [c for c in about if self._own_terms(c) & DRUG_CONCEPTS] or about
            taken = {p[0].sentence.id for p in picks.values()}
            if about and about[0].sentence.id not in taken:
                picks[entity] = self._aspect_evidence(about, asked, set(queries) - {entity} if apart else set())
        return picks

    def _parts_covered(self, question: str) -> bool:
        """Whether the question is compound and the sources answer each of its parts on its own ("Best-supported
        agent, and how much of the pivotal trial's population carried the mutation?"): the whole question's
        words are spread over passages that no single one covers."""
        parts = sub_questions(_LEXICON, question)
        return len(parts) >= 2 and all(self._part_covered(part) for part in parts)

    def _part_covered(self, part: str) -> bool:
        result = self.retriever.retrieve(part, k=None)
        entities = self._entities(result.analysis.corrected)
        scored = self._score(result, set(entities))
        aspects = self._aspect_picks(result.analysis.corrected, entities)
        return bool(scored) and self._refusal_reason(result, scored, entities, aspects) is None

    def _asked_of_each(self, text: str, entities: list[str]) -> list[str]:
        """The topic terms asked of every aspect ("durability of TI" in "durability of TI: <trial> vs <trial>")."""
        terms = self.retriever.analyze(asked_of_each(_LEXICON, text, entities)).known_terms
        return [t for t in terms if t not in DRUG_CONCEPTS and t not in TRIALS]

    def _aspect_evidence(self, about: list[ScoredSentence], asked: list[str], others: set[str]) -> list[ScoredSentence]:
        """Of an aspect's close contenders, the one covering most of the rest of the question ("the control arm in
        <trial>": the sentence naming its comparator); then, among those at half the best score, the one saying
        more of what is asked of it when the first does not ("durability of TI in <trial>": its duration of TI), else
        the best saying as much with figures of its own (a second finding: median duration, and TI beyond a year).
        Each names no other aspect where a close one does not: a sentence naming both is no more this one's than theirs."""
        close = [c for c in about if c.score >= self.tuning.select_ratio * about[0].score]
        first = max(close, key=lambda c: (not others & self._own_terms(c), c.coverage, c.score))
        wider = [c for c in about if c.score >= self.tuning.per_entity_ratio * about[0].score
                 and not others & self._own_terms(c)] or [first]
        second = max(wider, key=lambda c: (share(asked, self._own_terms(c)), c.coverage, c.score))
        said = share(asked, self._own_terms(first))
        if share(asked, self._own_terms(second)) <= said:  # as much said with figures of its own: a second finding
            second = next((c for c in wider if c is not first and share(asked, self._own_terms(c)) >= said > 0
                           and new_figures(c, first)), first)
        return [first, second] if second is not first else [first]

    def _option_aspects(self, text: str, scored: list[ScoredSentence], entities: list[str]) -> dict[str, list[ScoredSentence]]:
        """'Which options after ESA failure?' (no drug named): each drug the evidence names; 'which trials
        support <drug>?': each trial; 'which ESAs ...?': each member of the class the evidence names."""
        kinds = asked_class_members(text)
        if kinds:
            pass
        elif not entities and self._options_cue and self._options_cue.search(text):
            kinds = DRUG_CONCEPTS - prior_therapies(_LEXICON, text)  # "after <drug> fails": the others
        elif self._trial_cue and self._trial_cue.search(text) and not set(entities) & TRIALS:
            kinds = TRIALS - set_aside(_LEXICON, text)  # "besides <trial>, which trials?": the others
        if kinds is None:
            return {}
        options = option_picks(scored, kinds, self._own_terms, self.tuning.per_entity_ratio, self.max_sentences)
        return {key: [pick] for key, pick in options.items()}

    def _named_populations(
        self, text: str, scored: list[ScoredSentence], chosen: list[ScoredSentence], entities: list[str]
    ) -> list[ScoredSentence]:
        """Each population the question names (lexicon `aspect_concepts`: "never transfused", "del(5q)") that no quoted
        sentence speaks of: the best sentence on it (at `per_entity_ratio` of the best, about the drug asked), so the
        answer says what the sources say of that population, not only of the general case."""
        if not scored:
            return []
        named = {c.key for c in concepts_in(text)} & _POPULATIONS
        carried = set().union(*(self._own_terms(c) for c in chosen))
        floor = self.tuning.per_entity_ratio * scored[0].score
        picks: list[ScoredSentence] = []
        for key in sorted(named - carried):
            pick = next((c for c in scored if c.score >= floor and key in self._own_terms(c) and c not in chosen
                         and c not in picks and (not entities or set(entities) & self._about(c))), None)
            picks += [pick] if pick is not None else []
        return picks

    def _with_trial(self, text: str, scored: list[ScoredSentence], chosen: list[ScoredSentence], entities: list[str]) -> list[ScoredSentence]:
        """'What was <drug>'s approval based on?' (`basis_cues`) asks the trial behind it: when no quoted sentence names
        one, the best sentence about the drug that does (above `fill_ratio` of the best) is quoted too."""
        if not scored or not (_BASIS and _BASIS.search(text)) or any(self._own_terms(c) & TRIALS for c in chosen):
            return chosen
        floor = self.tuning.fill_ratio * scored[0].score
        trial = next((c for c in scored if c.score >= floor and self._own_terms(c) & TRIALS
                      and (not entities or set(entities) & self._about(c))), None)
        return [*chosen, *whole_lists([trial])] if trial is not None else chosen

    def _further_findings(self, chosen: list[ScoredSentence]) -> list[ScoredSentence]:
        """Each quoted trial result (a rate) followed by the next sentence of its section when that one states a rate none
        quoted states ("<trial>: primary endpoint 60.4% vs 34.8%", then "durability ...: 76.4% vs 55.8%")."""
        out = list(chosen)
        # A position of a known conflict would bring that conflict's block to a question that does not touch it.
        contested = {s.id for sentences in self._positions.values() for s in sentences} - {c.sentence.id for c in chosen}
        for item in chosen:
            if not (self._about(item) & TRIALS and _rates(item.sentence.normalized)):
                continue
            following = self._later_in_section(item)[:1]
            stated = [f for c in out for f in extract_figures(c.sentence.normalized)]
            ids = {c.sentence.id for c in out}
            for passage, sentence in following:
                if sentence.id not in ids | contested and any(not any(r.matches(g) for g in stated) for r in _rates(sentence.normalized)):
                    out.insert(out.index(item) + 1,
                               ScoredSentence(sentence, passage, item.score, item.coverage, item.context_coverage, item.dense))
        return out

    def _later_in_section(self, item: ScoredSentence) -> list[tuple[Passage, Sentence]]:
        """The sentences of the item's section after it, in document order, with their passages."""
        pairs, at = self._section_around(item)
        return pairs[at + 1:]

    def _earlier_in_section(self, item: ScoredSentence) -> list[tuple[Passage, Sentence]]:
        """The sentences of the item's section before it, in document order, with their passages."""
        pairs, at = self._section_around(item)
        return pairs[:at]

    def _section_around(self, item: ScoredSentence) -> tuple[list[tuple[Passage, Sentence]], int]:
        """The (passage, sentence) pairs of the item's section in document order, and the item's place among them."""
        passage = item.passage
        pairs = [(p, s) for p in self.corpus.passages_of(passage.doc_id) if p.section == passage.section for s in p.sentences]
        return pairs, next(i for i, (_, s) in enumerate(pairs) if s.id == item.sentence.id)

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
