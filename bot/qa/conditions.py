"""'What if sEPO is 800?': a value the question gives a measurement is read against the sources' conditions on it.

A source sentence that sets a condition on the same measurement ("Imetelstat ... if sEPO >500 mU/mL",
"First-line: ESAs ... if sEPO <=500") either holds at the value or does not. The sentences whose condition
holds answer the question (those naming a treatment first: what applies at that value); one whose
condition fails is not quoted, so the answer never offers what the sources reserve for other values.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from bot.models import BotResponse
from bot.qa.selection import ScoredSentence, states_dose_for, whole_lists, with_continuations
from corpus.ingest import Corpus
from corpus.lexicon import load_lexicon
from corpus.text import extract_figures

_LEXICON = load_lexicon()
_MEASURES = {c.key: regex for c, regex in _LEXICON.concept_regexes if c.key in {"c" + k for k in _LEXICON.measurement_concepts}}
_DRUG_KEYS = _LEXICON.drug_concept_keys
# "sEPO is 800", "sEPO 800", "sEPO of 800 U/L", "sEPO = 800": the value right after the measurement's name.
_GIVEN = re.compile(r"^\s*(?:levels?\s+)?(?:is|was|were|are|be|of|at|=|:|now|around|about|~)?\s*(?:is\s+)?$", re.IGNORECASE)
NEAR = 40  # characters between a measurement's name and the threshold it is compared with


def given_values(question: str) -> dict[str, float]:
    """The measurements the question gives a plain value for (no comparator: a patient's value, not a threshold)."""
    values: dict[str, float] = {}
    figures = [f for f in extract_figures(question) if f.cmp is None]
    for key, regex in _MEASURES.items():
        for m in regex.finditer(question):
            after = next((f for f in figures if f.start >= m.end() and _GIVEN.match(question[m.end():f.start])), None)
            if after is not None:
                values.setdefault(key, float(after.value))
    return values


def condition_holds(text: str, values: dict[str, float]) -> bool | None:
    """Whether every condition the text sets on a measurement with a given value holds at that value
    (None: it sets none; a value on the threshold itself decides nothing)."""
    verdict: bool | None = None
    for figure in extract_figures(text):
        if figure.cmp is None:
            continue
        key = _nearest_measure(text[max(0, figure.start - NEAR):figure.start])
        if key not in values or values[key] == float(figure.value):
            continue
        threshold = float(figure.value)
        if not (values[key] > threshold if figure.cmp == "gt" else values[key] < threshold):
            return False
        verdict = True
    return verdict


def _nearest_measure(window: str) -> str | None:
    """The measurement named last before a threshold ("sEPO 800 and Hb <8": Hb's)."""
    found = [(m.end(), key) for key, regex in _MEASURES.items() for m in regex.finditer(window)]
    return max(found)[1] if found else None


def names_a_drug(terms: set[str] | frozenset[str]) -> bool:
    return bool(set(terms) & _DRUG_KEYS)


def at_given_values(
    question: str, scored: list[ScoredSentence], chosen: list[ScoredSentence], terms: Callable[[ScoredSentence], set[str]],
    floor: float, limit: int,
) -> list[ScoredSentence]:
    """`chosen` led by the close sentences whose condition holds at the question's values (those naming a treatment
    first), less those whose condition fails; unchanged when the question gives no value or none holds."""
    values = given_values(question)
    if not values:
        return chosen
    holding = [c for c in scored if c.score >= floor and condition_holds(c.sentence.normalized, values)]
    if not holding:
        return chosen
    holding = sorted(holding, key=lambda c: not names_a_drug(terms(c)))[:limit]  # stable: score order within each
    ids = {c.sentence.id for c in holding}
    rest = [c for c in chosen if c.sentence.id not in ids and condition_holds(c.sentence.normalized, values) is not False]
    return whole_lists(with_continuations([*holding, *rest]))


def treatments_at_values(question: str, response: BotResponse, corpus: Corpus) -> tuple[tuple[str, str], ...]:
    """The drugs an answer's quoted sentences give as what applies at the question's values (each sentence naming
    one under a condition that holds there): what a follow-up 'dose of that?' refers to."""
    values = given_values(question)
    if not values or response.status != "answered":
        return ()
    drugs: list[tuple[str, str]] = []
    for citation in response.citations:
        for sentence in corpus.passage(citation.passage_id).sentences:
            if sentence.normalized in citation.quote and condition_holds(sentence.normalized, values):
                drugs += [("drug", d) for d in _treatments(sentence.normalized)]
    return tuple(dict.fromkeys(drugs))


def _treatments(text: str) -> list[str]:
    """The drugs a sentence gives as treatment: those it states a dose for when it doses any ("... no prior
    lenalidomide or HMAs), imetelstat 7.5 mg/kg": imetelstat), else every drug it names."""
    named = list(dict.fromkeys(m.id for m in _LEXICON.mentions(text) if m.kind == "drug"))
    dosed = [d for d in named if states_dose_for(text, "c" + _LEXICON.drug(d).key)]
    return dosed or named
