"""The lexicon (corpus/lexicon.yaml), validated; its entries are in corpus/lexicon_entries.py and the one
entity finder built on it in corpus/entity_finder.py.

Import-light on purpose (re, yaml, pydantic): the rules core normalises drug names
with it and must start fast. Everything that needs to know what a drug, class,
trial, concept or unit is called reads it from here.
"""

from __future__ import annotations

import re
from functools import cached_property, lru_cache
from pathlib import Path

import yaml
from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from corpus.entity_finder import EntityFinder
from corpus.lexicon_entries import (  # the entries (other modules import them from corpus.lexicon_entries)
    Concept,
    ConceptEntry,
    Drug,
    DrugClass,
    ExclusiveQualifier,
    MarkerPolarities,
    OutsideEntry,
    Shorthand,
    Trial,
    valid_patterns,
    whole_words,
)

LEXICON_PATH = Path(__file__).resolve().parent / "lexicon.yaml"


class Lexicon(EntityFinder, BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    version: int
    drugs: list[Drug]
    classes: list[DrugClass]
    trials: list[Trial]
    concepts: list[ConceptEntry]
    units: dict[str, list[str]] = Field(description="Canonical unit -> lower-case spellings.")
    dose_units: list[str] = Field(description="Canonical units that make a figure a dose.")
    window_ends: dict[str, list[str]] = Field(
        default_factory=dict,
        description="Named ends of a time window a measure is counted over ('EOT': end of treatment) -> regexes of "
        "their spellings: 'week 1-EOT' and 'weeks 1-24' are windows, and a sibling figure over another is no answer.",
    )
    out_of_scope_qualifiers: list[str] = Field(description="Lower-case words that put a question outside the sources.")
    measured_qualifiers: list[str] = Field(
        default_factory=list,
        description="Qualifiers that are a patient's laboratory value: given a value ('ferritin low', 'ferritin 1800') "
        "they describe the patient, not what is asked, and refuse nothing by themselves.",
    )
    dose_question_words: list[str] = Field(
        default_factory=list, description="Regexes that, beside the `dose` concept, make a question a dose question."
    )
    regimen_dose_words: list[str] = Field(
        default_factory=list,
        description="Regexes in which 'dose' is not what is asked: a regimen's name ('low-dose lenalidomide'), or a "
        "change a why-question proposes ('why not increase the epoetin dose instead?' asks a reason).",
    )
    hedge_words: list[str] = Field(
        default_factory=list,
        description="Regexes of tentative wording ('could be', 'potentially', 'ongoing'): a sentence so worded states no "
        "settled yes or no, so it never follows a 'Yes:' or 'No:' lead word.",
    )
    existence_cues: list[str] = Field(
        default_factory=list,
        description="Regexes of a question asking whether evidence exists ('is there any data on'): a tentative finding "
        "still answers it 'Yes'.",
    )
    foreign_question_words: list[str] = Field(
        default_factory=list, description="Lower-case function words of other languages: grammar, never a topic."
    )
    dose_modifiers: list[str] = Field(
        default_factory=list, description="Lower-case words that qualify a dose without naming what is dosed ('starting dose')."
    )
    outside_sources: list[OutsideEntry] = Field(
        default_factory=list, description="Drugs, conditions, populations near the sources' subject (coverage read from the corpus)."
    )
    shorthand: list[Shorthand] = Field(default_factory=list, description="Clinical shorthand, read as plain words.")
    threshold_cues: list[str] = Field(
        default_factory=list, description="Regexes that make a question ask for a threshold value ('at what', 'cutoff')."
    )
    measurement_concepts: list[str] = Field(
        default_factory=list, description="Concept keys that are measurements with threshold values (hb, sepo...)."
    )
    statistic_concepts: list[str] = Field(
        default_factory=list, description="Concept keys that are kinds of statistic (hazard ratio, odds ratio...): a question "
        "asking one is answered only by a sentence naming that statistic with a figure.",
    )
    dose_amount_cues: list[str] = Field(
        default_factory=list, description="Regexes of a dose-change question asking the amount ('how much', 'in mg/kg', "
        "'levels'): answered only by a sentence giving a dose for that change.",
    )
    administration_nouns: list[str] = Field(
        default_factory=list,
        description="Lower-case nouns for giving a drug ('infusion', 'injection'): 'how long is the <noun>?' asks how "
        "long giving it takes, answered only by a sentence naming the noun with a duration.",
    )
    frequency_actions: list[str] = Field(
        default_factory=list, description="Word starts of actions other than giving the drug ('check', 'monitor'): 'how "
        "often to <action>' is answered only by a sentence naming that action with a frequency.",
    )
    threshold_words: list[str] = Field(
        default_factory=list,
        description="Lower-case words a threshold question names the measurement or its meaning with ('level', "
        "'cutoff', 'predicts', 'selects'), never an action the sources must name ('hold', 'transfuse').",
    )
    premise_words: list[str] = Field(
        default_factory=list,
        description="Lower-case words a why/given question presupposes (a failure, a harm, a withdrawal) that the "
        "sources must say of what is cited, or the premise gets a correction.",
    )
    effect_words: dict[str, list[str]] = Field(
        default_factory=dict,
        description="Regexes of a change said of a drug or trial, by direction ('up': 'increases', 'improves'; 'down': "
        "'reduces', 'worsens'): what a question presupposes it did to an outcome, and what a sentence reports.",
    )
    effect_null_cues: list[str] = Field(
        default_factory=list,
        description="Regexes by which a sentence reports no such change ('uncommon', 'similar', 'not significant').",
    )
    option_cues: list[str] = Field(
        default_factory=list,
        description="Regexes that make a question ask for the options (several drugs) rather than one fact.",
    )
    criteria_questions: list[str] = Field(
        default_factory=list,
        description="Questions ('{drug}' = its label) answered first when a user asks how to get a drug approved.",
    )
    drug_name_endings: list[str] = Field(
        default_factory=list,
        description="Lower-case endings of nonproprietary drug names (USAN/INN stems: '-mab', '-dustat'): a word the "
        "sources never use that ends so names a drug they do not cover.",
    )
    renewal_cues: list[str] = Field(
        default_factory=list,
        description="Regexes of renewal language ('reauthorization', 'renewal', 'continue'): a prior-authorization "
        "question using them gets the `renewal_questions` quoted too.",
    )
    renewal_questions: list[str] = Field(
        default_factory=list,
        description="Questions ('{drug}' = its label) answered after the criteria when a user asks about a renewal.",
    )
    validity_cues: list[str] = Field(
        default_factory=list,
        description="Regexes of a question asking how long something granted lasts ('how long is it good for', 'expire'): "
        "with approval wording, answered only by a sentence giving a duration for an approval or authorization.",
    )
    enrolment_cues: list[str] = Field(
        default_factory=list,
        description="Regexes of a question asking how many took part in a trial ('how many pts were randomized', "
        "'sample size', 'how many sites'): answered only by a sentence about it giving such a count.",
    )
    counted_nouns: list[str] = Field(
        default_factory=list,
        description="Regexes of what an enrolment count counts ('patients', 'sites'): '222 patients' or 'n=222' states one.",
    )
    trial_cues: list[str] = Field(
        default_factory=list,
        description="Regexes of a question asking for the trials ('which trials support ...'): answered with the best "
        "sentence naming each trial the evidence names.",
    )
    basis_cues: list[str] = Field(
        default_factory=list,
        description="Regexes of a question asking what something rests on ('what was the approval based on?'): the best "
        "sentence naming a trial is quoted when none of the answer's does.",
    )
    findings_cues: list[str] = Field(
        default_factory=list,
        description="Regexes of a question asking for the data ('what data link X with Y', 'what did it show'): each close "
        "sentence covering as much as the opening with figures of its own is quoted, and a quoted result's further findings.",
    )
    eligibility_cues: list[str] = Field(
        default_factory=list,
        description="Regexes of a question asking who qualifies (eligible, criteria, categories, covered).",
    )
    approval_cues: list[str] = Field(
        default_factory=list,
        description="Regexes of prior-authorization language ('approved', 'covered', 'PA', 'renewal'): a message about "
        "a patient using them gets the sources' criteria first, then the offer to check the patient.",
    )
    plain_check_cues: list[str] = Field(
        default_factory=list,
        description="Regexes of a plain medical-necessity check ('medically necessary', 'eligible'): a patient fact "
        "on a disputed topic does not send it to the sources first; the dispute is shown with the check.",
    )
    source_cues: list[str] = Field(
        default_factory=list,
        description="Regexes of a message about a patient that asks what the sources say ('data', 'expected to work').",
    )
    aspect_concepts: list[str] = Field(
        default_factory=list,
        description="Concept keys of populations and settings a question may contrast ('del(5q) vs RS'): each one "
        "named in a contrasting question is an aspect of its own, searched and answered separately.",
    )
    contrast_cues: list[str] = Field(
        default_factory=list, description="Regexes that make a question contrast what it names ('vs', 'each', 'compare')."
    )
    aside_cues: list[str] = Field(
        default_factory=list,
        description="Regexes before what a question sets aside ('more than just', 'beyond'): the next few words are "
        "what the answer already assumes, not what is asked of each aspect ('beyond anemia (survival)?').",
    )
    broad_cues: list[str] = Field(
        default_factory=list,
        description="Regexes of questions whose answer spans several passages ('why', 'how should', 'sequence'): "
        "more sentences are quoted, and every topic term gets a sentence.",
    )

    overview_cues: list[str] = Field(
        default_factory=list,
        description="Regexes of a request for an overview of one drug ('rundown', 'overview'): it is searched with the "
        "drug's trials the sources name, so the evidence it rests on is quoted too.",
    )

    date_cues: list[str] = Field(
        default_factory=list,
        description="Regexes of a question asking when something happened ('when was', 'what year', 'approval date'): "
        "answered only by a sentence about what it names giving a date for the event asked.",
    )
    exclusive_qualifiers: list[ExclusiveQualifier] = Field(
        default_factory=list,
        description="Qualifiers of an event that exclude each other (line of therapy): a sentence dating an event for one "
        "side does not date it for another ('approved first-line?' is not answered by an approval after ESA failure).",
    )

    marker_polarity: MarkerPolarities = Field(
        default_factory=MarkerPolarities,
        description="Markers that define a population by presence or absence (del(5q) / non-del(5q)): a question about "
        "one polarity is never answered by a sentence about the other (guard rail `population`).",
    )

    fact_cues: dict[str, list[str]] = Field(
        default_factory=dict,
        description="Words the patient-fact reader (bot/eligibility) reads by role: regexes, one list per role.",
    )

    _fact_cue_patterns = field_validator("fact_cues", "window_ends")(lambda cls, v: {k: valid_patterns(p) for k, p in v.items()})
    _cue_patterns = field_validator(
        "contrast_cues", "aside_cues", "broad_cues", "approval_cues", "source_cues", "plain_check_cues", "trial_cues", "option_cues",
        "renewal_cues", "eligibility_cues", "basis_cues", "overview_cues", "validity_cues", "dose_amount_cues",
        "hedge_words", "existence_cues", "regimen_dose_words", "dose_question_words", "enrolment_cues", "counted_nouns",
        "findings_cues", "date_cues", "effect_null_cues",
    )(lambda cls, v: valid_patterns(v))

    @field_validator("effect_words")
    @classmethod
    def _effect_directions(cls, value: dict[str, list[str]]) -> dict[str, list[str]]:
        if value and set(value) != {"up", "down"}:
            raise ValueError(f"effect_words: directions must be 'up' and 'down', got {sorted(value)}")
        return {k: valid_patterns(v) for k, v in value.items()}

    @model_validator(mode="after")
    def _references_resolve(self) -> Lexicon:
        class_ids = {c.id for c in self.classes}
        drug_ids = {d.id for d in self.drugs}
        for drug in self.drugs:
            unknown = set(drug.classes) - class_ids
            if unknown:
                raise ValueError(f"drug {drug.id}: unknown class {sorted(unknown)[0]!r}; known: {sorted(class_ids)}")
        for drug_class in self.classes:
            assumed = drug_class.assumed_member
            if assumed is not None and assumed not in self.members(drug_class.id):
                raise ValueError(f"class {drug_class.id}: assumed_member {assumed!r} is not one of its drugs")
        for trial in self.trials:
            if trial.drug not in drug_ids:
                raise ValueError(f"trial {trial.id}: unknown drug {trial.drug!r}")
            if trial.comparator is not None and trial.comparator not in drug_ids:
                raise ValueError(f"trial {trial.id}: unknown comparator {trial.comparator!r}")
        unknown_units = set(self.dose_units) - set(self.units)
        if unknown_units:
            raise ValueError(f"dose_units: {sorted(unknown_units)[0]!r} is not a unit")
        for field in ("aspect_concepts", "statistic_concepts", "measurement_concepts"):
            unknown = set(getattr(self, field)) - {c.key for c in self.concepts}
            if unknown:
                raise ValueError(f"{field}: {sorted(unknown)[0]!r} is not a concept key")
        for qualifier in self.exclusive_qualifiers:
            unknown = {k for side in qualifier.sides for k in side.concepts} - {c.key for c in self.concepts}
            if unknown:
                raise ValueError(f"exclusive_qualifiers {qualifier.name}: {sorted(unknown)[0]!r} is not a concept key")
        for marker in self.marker_polarity.markers:
            unknown = {k for side in (marker.present, marker.absent) for k in side.concepts} - {c.key for c in self.concepts}
            if unknown:
                raise ValueError(f"marker_polarity {marker.marker}: {sorted(unknown)[0]!r} is not a concept key")
        for entry in self.outside_sources:
            unknown_criteria = set(entry.criteria_concepts) - {c.key for c in self.concepts}
            if unknown_criteria:
                raise ValueError(f"outside_sources {entry.id}: criteria_concepts {sorted(unknown_criteria)[0]!r} is not a concept key")
        keys = [c.key for c in self.all_concepts]
        duplicates = {k for k in keys if keys.count(k) > 1}
        if duplicates:
            raise ValueError(f"concept key used twice: {sorted(duplicates)[0]!r}")
        return self

    # -- lookups ----------------------------------------------------------------

    def drug(self, drug_id: str) -> Drug:
        return self.drugs_by_id[drug_id]

    def drug_class(self, class_id: str) -> DrugClass:
        return next(c for c in self.classes if c.id == class_id)

    @cached_property
    def drugs_by_id(self) -> dict[str, Drug]:
        return {d.id: d for d in self.drugs}

    def members(self, class_id: str) -> tuple[str, ...]:
        return tuple(d.id for d in self.drugs if class_id in d.classes)

    @cached_property
    def rules_drugs(self) -> tuple[str, ...]:
        return tuple(d.id for d in self.drugs if d.rules)

    @cached_property
    def trial_words(self) -> frozenset[str]:
        return frozenset(t.id for t in self.trials)

    @cached_property
    def brands(self) -> dict[str, str]:
        """Brand as written -> generic id."""
        return {brand: d.id for d in self.drugs for brand in d.brands}

    def label(self, drug_id: str) -> str:
        return self.drugs_by_id[drug_id].label if drug_id in self.drugs_by_id else drug_id.replace("_", " ")

    # -- concepts for search expansion ------------------------------------------

    @cached_property
    def all_concepts(self) -> tuple[Concept, ...]:
        """Drugs, then classes (which also match their members' names), then clinical concepts."""
        drugs = tuple(
            Concept(key=f"c{d.key}", label=d.label, patterns=tuple(d.surface_patterns), kind="drug", entity_id=d.id)
            for d in self.drugs
        )
        classes = tuple(
            Concept(
                key=f"c{c.key}",
                label=c.label,
                patterns=(*c.names, *(p for d in self.drugs if c.id in d.classes for p in d.surface_patterns)),
                kind="class",
                entity_id=c.id,
            )
            for c in self.classes
        )
        others = tuple(
            Concept(key=f"c{c.key}", label=c.label, patterns=tuple(c.names), kind="concept", entity_id=c.key)
            for c in self.concepts
        )
        return drugs + classes + others

    @cached_property
    def drug_concept_keys(self) -> frozenset[str]:
        return frozenset(c.key for c in self.all_concepts if c.kind == "drug")

    @cached_property
    def concept_regexes(self) -> tuple[tuple[Concept, re.Pattern[str]], ...]:
        return tuple((c, whole_words(c.patterns)) for c in self.all_concepts)

    # -- name normalisation (rules core, CLI) ------------------------------------

    @cached_property
    def aliases(self) -> dict[str, str]:
        """alias_key(name) -> drug id, for every generic id, label and brand."""
        table: dict[str, str] = {}
        for drug in self.drugs:
            for name in (drug.id, drug.label, *drug.brands, *drug.aliases):
                table[alias_key(name)] = drug.id
        return table


def alias_key(name: str) -> str:
    """Case-insensitive key; spaces and hyphens count as underscores."""
    return re.sub(r"[\s\-_]+", "_", name.strip().lower()).strip("_")


@lru_cache(maxsize=4)
def load_lexicon(path: Path = LEXICON_PATH) -> Lexicon:
    """Read and validate the lexicon once per path; a bad file is a one-line ValueError."""
    try:
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=yaml.CSafeLoader)
        return Lexicon.model_validate(data)
    except (OSError, yaml.YAMLError) as exc:
        raise ValueError(f"lexicon {path}: {exc}") from None
    except ValueError as exc:  # pydantic's ValidationError is a ValueError
        raise ValueError(f"lexicon {path}: {_first_error(exc)}") from None


def _first_error(exc: ValueError) -> str:
    errors = getattr(exc, "errors", None)
    if callable(errors):
        first = errors()[0]
        where = ".".join(str(p) for p in first.get("loc", ()))
        return f"{where}: {first.get('msg')}" if where else str(first.get("msg"))
    return str(exc)
