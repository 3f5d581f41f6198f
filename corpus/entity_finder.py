"""The one entity finder: drugs, classes and trials named in a text, shorthand written out, dose wordings,
and the `outside_sources` entries a text names. A mixin of `Lexicon` (corpus/lexicon.py), whose fields
(drugs, classes, trials, concepts, shorthand, outside_sources ...) it reads."""

from __future__ import annotations

import re
from functools import cached_property

from corpus.lexicon_entries import Mention, OutsideEntry, Trial, whole_words


class EntityFinder:
    # -- shorthand ----------------------------------------------------------------

    @cached_property
    def _shorthand_regexes(self) -> tuple[tuple[re.Pattern[str], str], ...]:
        # Whole words, except that a form ending in a symbol ("w/", "s/p") may touch the next word.
        return tuple(
            (re.compile(rf"(?<![\w-])(?:{s.pattern})(?:(?<=\W)|(?!\w))", re.IGNORECASE), s.means)
            for s in self.shorthand
        )

    def expand_shorthand(self, text: str) -> str:
        """The text with each shorthand ("pt", "tx", "q8wk") written out, in the lexicon's order."""
        for regex, means in self._shorthand_regexes:
            text = regex.sub(lambda m, means=means: m.expand(means), text)
        return text

    @cached_property
    def shorthand_words(self) -> frozenset[str]:
        """The words shorthand is written out as ("PA" -> "prior authorization"): the lexicon's own words."""
        return frozenset(w for s in self.shorthand for w in re.findall(r"[a-z][a-z-]+", s.means.lower()))

    # -- the entity finder --------------------------------------------------------

    def _entity_regex(self, treatments: bool) -> re.Pattern[str]:
        """Drugs and classes in one alternation (longest match first at each position)."""
        groups = [f"(?P<d_{d.id}>{'|'.join(d.surface_patterns)})" for d in self.drugs]
        groups += [f"(?P<k_{c.id}>{'|'.join(c.names + (c.treatment_names if treatments else []))})" for c in self.classes]
        groups += [f"(?P<t_{t.id}>{re.escape(t.label)})" for t in self.trials]
        return re.compile(r"(?<![\w-])(?:" + "|".join(groups) + r")(?!\w)", re.IGNORECASE)

    @cached_property
    def _entity_regexes(self) -> dict[bool, re.Pattern[str]]:
        return {treatments: self._entity_regex(treatments) for treatments in (False, True)}

    def mentions(self, text: str, *, treatments: bool = False) -> list[Mention]:
        """Drugs, drug classes and trials named in the text, in order of appearance.

        ``treatments``: the text speaks of a patient's treatment, so a class's
        ``treatment_names`` count too ("failed EPO").
        """
        kinds = {"d": "drug", "k": "class", "t": "trial"}
        found = []
        for match in self._entity_regexes[treatments].finditer(text):
            prefix, _, entity_id = (match.lastgroup or "").partition("_")
            found.append(Mention(kind=kinds[prefix], id=entity_id, start=match.start(), end=match.end(), text=match.group(0)))
        return found

    def mention_drugs(self, mention: Mention) -> tuple[str, ...]:
        """The drug ids a mention stands for: the drug, a class's members, none for a trial."""
        if mention.kind == "drug":
            return (mention.id,)
        return self.members(mention.id) if mention.kind == "class" else ()

    @cached_property
    def state_drugs(self) -> frozenset[str]:
        """Drugs whose names may describe a patient's state (members of names_patient_state classes)."""
        return frozenset(d for c in self.classes if c.names_patient_state for d in self.members(c.id))

    @cached_property
    def dose_question(self) -> re.Pattern[str]:
        """Any wording of a dose question: the `dose` concept's names and `dose_question_words`."""
        dose = next((c.names for c in self.concepts if c.key == "dose"), [])
        return whole_words([*dose, *self.dose_question_words])

    @cached_property
    def _regimen_doses(self) -> re.Pattern[str] | None:
        return whole_words(self.regimen_dose_words) if self.regimen_dose_words else None

    @cached_property
    def hedged(self) -> re.Pattern[str]:
        """Tentative wording ('could be improved', 'ongoing'): a sentence stating no settled yes or no."""
        return whole_words(self.hedge_words) if self.hedge_words else re.compile(r"(?!)")

    @cached_property
    def _existence(self) -> re.Pattern[str]:
        return whole_words(self.existence_cues) if self.existence_cues else re.compile(r"(?!)")

    def asks_existence(self, question: str) -> bool:
        """Whether a question asks only whether evidence exists ('is there any data on ...?')."""
        return bool(self._existence.search(question))

    def asks_dose(self, text: str) -> bool:
        """Whether a text asks a dose: a dose wording left once regimen names ("low dose <drug>") are taken out."""
        plain = self._regimen_doses.sub(" ", text) if self._regimen_doses else text
        return bool(self.dose_question.search(plain))

    @cached_property
    def _outside_regexes(self) -> tuple[tuple[OutsideEntry, re.Pattern[str]], ...]:
        return tuple((e, whole_words(e.names)) for e in self.outside_sources)

    def outside_named(self, text: str) -> list[OutsideEntry]:
        """The `outside_sources` entries a text names, in lexicon order (shorthand read as words: "AML pts")."""
        text = self.expand_shorthand(text)
        return [entry for entry, regex in self._outside_regexes if regex.search(text)]

    def outside_drug_spans(self, text: str) -> list[tuple[int, int]]:
        """Where the text names a drug of `outside_sources` ("eltrombopag dose?"): the subject a switch replaces."""
        return [m.span() for entry, regex in self._outside_regexes if entry.kind == "drug" for m in regex.finditer(text)]

    def outside_by_age(self, age_years: int) -> list[OutsideEntry]:
        """The `outside_sources` populations a patient of this age belongs to ('a 16-year-old': children)."""
        return [e for e in self.outside_sources if e.below_age is not None and age_years < e.below_age]

    def outside(self, entry_id: str) -> OutsideEntry:
        return next(e for e in self.outside_sources if e.id == entry_id)

    def trial(self, trial_id: str) -> Trial | None:
        return next((t for t in self.trials if t.id == trial_id), None)

    def drugs_named(self, text: str) -> list[str]:
        """Drug ids named in the text (a class counts as all its members), first mention first."""
        named: list[str] = []
        for mention in self.mentions(text):
            named.extend(i for i in self.mention_drugs(mention) if i not in named)
        return named
