"""The lexicon (corpus/lexicon.yaml), validated, and the one entity finder built on it.

Import-light on purpose (re, yaml, pydantic): the rules core normalises drug names
with it and must start fast. Everything that needs to know what a drug, class,
trial, concept or unit is called reads it from here.
"""

from __future__ import annotations

import re
from functools import cached_property, lru_cache
from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

LEXICON_PATH = Path(__file__).resolve().parent / "lexicon.yaml"

EntityKind = Literal["drug", "class", "trial", "concept"]


def _valid_patterns(patterns: list[str]) -> list[str]:
    for pattern in patterns:
        try:
            re.compile(pattern)
        except re.error as exc:
            raise ValueError(f"bad pattern {pattern!r}: {exc}") from None
    return patterns


def whole_words(patterns: list[str] | tuple[str, ...]) -> re.Pattern[str]:
    """One case-insensitive regex matching any of the patterns as whole words."""
    return re.compile(r"(?<![\w-])(?:" + "|".join(patterns) + r")(?!\w)", re.IGNORECASE)


class _Entry(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    label: str = Field(description="How mdsbot writes the name to a user.")
    names: list[str] = Field(default_factory=list, description="Case-insensitive regexes of its surface forms.")

    _patterns = field_validator("names")(lambda cls, v: _valid_patterns(v))


class Drug(_Entry):
    id: str = Field(pattern=r"^[a-z][a-z0-9_]*$", description="Canonical generic name, snake_case.")
    key: str = Field(pattern=r"^[a-z0-9]+$", description="Search token for the drug (indexed as 'c' + key).")
    rules: bool = Field(description="The rules core has medical-necessity rules for this drug.")
    brands: list[str] = Field(default_factory=list, description="Brand names, matched as plain words.")
    classes: list[str] = Field(default_factory=list, description="Ids of the drug classes it belongs to.")
    aliases: list[str] = Field(default_factory=list, description="Further plain names accepted for the drug.")

    @property
    def surface_patterns(self) -> list[str]:
        return [*self.names, *(re.escape(b) for b in self.brands)]


class DrugClass(_Entry):
    id: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    key: str = Field(pattern=r"^[a-z0-9]+$", description="Search token for the class (indexed as 'c' + key).")
    names_patient_state: bool = Field(
        default=False,
        description="Its names (and its members') also describe a patient's state ('ESA failure', 'ESA-naive'):"
        " such a mention is not the drug.",
    )
    short_label: str | None = Field(default=None, description="How a sentence names the class ('ESA').")
    treatment_names: list[str] = Field(
        default_factory=list,
        description="Regexes naming the class only where a treatment is meant ('EPO' is also a lab); not searched.",
    )
    assumed_member: str | None = Field(
        default=None, description="Drug id fact reading records (and says so) when only the class is named."
    )

    _treatment_patterns = field_validator("treatment_names")(lambda cls, v: _valid_patterns(v))


class Trial(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    id: str = Field(pattern=r"^[a-z0-9]+$", description="Lower-case trial name, as a word of a text.")
    label: str = Field(description="The trial's name as written.")
    drug: str = Field(description="Id of the drug the trial tested.")
    spellings: list[str] = Field(default_factory=list, description="Further lower-case spellings of the name.")


class ConceptEntry(_Entry):
    key: str = Field(pattern=r"^[a-z0-9]+$", description="Search token (indexed as 'c' + key).")


OutsideKind = Literal["drug", "condition", "population", "risk"]


class OutsideEntry(_Entry):
    """A drug, condition or population users ask about that lies next to the sources' subject.

    Whether the sources cover it is read from the corpus (guard), never stated here.
    """

    id: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    kind: OutsideKind = Field(
        description="drug; condition / population (never checked by the rules core); risk (a risk group "
        "the rules core reads from the patient's facts)."
    )
    below_age: int | None = Field(
        default=None, gt=0, description="A patient whose stated age is below this belongs to it, named or not (children)."
    )
    criteria_concepts: list[str] = Field(
        default_factory=list,
        description="A risk group: concept keys of the statements that answer whether it qualifies ('which IPSS-R "
        "categories qualify - would a high-risk patient?': the covered categories, after a note). Never a dose.",
    )

    @property
    def population(self) -> bool:
        """Patients other than the sources' (a disease, a group, a risk level), not a drug."""
        return self.kind != "drug"


class Concept(BaseModel):
    """One searchable concept: a drug, a class (with its members' names) or a clinical concept."""

    model_config = ConfigDict(frozen=True)

    key: str = Field(description="Token added to expanded text, e.g. 'cluspatercept'.")
    label: str
    patterns: tuple[str, ...]
    kind: EntityKind
    entity_id: str = Field(description="Id of the drug or class it stands for; the key's stem for concepts.")


class Shorthand(BaseModel):
    """A shorthand as users type it ("pt", "q8wk") and what it means, read before searching."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    pattern: str = Field(description="Case-insensitive regex matched as a whole word; groups feed `means`.")
    means: str = Field(description="The plain words it stands for (may use \\1 for the pattern's groups).")

    @field_validator("pattern")
    @classmethod
    def _compiles(cls, value: str) -> str:
        return _valid_patterns([value])[0]


class Mention(BaseModel):
    """One entity named in a text."""

    model_config = ConfigDict(frozen=True)

    kind: EntityKind
    id: str
    start: int = Field(description="Character offset of the mention in the text searched.")
    end: int = Field(description="End offset (exclusive).")
    text: str


class Lexicon(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    version: int
    drugs: list[Drug]
    classes: list[DrugClass]
    trials: list[Trial]
    concepts: list[ConceptEntry]
    units: dict[str, list[str]] = Field(description="Canonical unit -> lower-case spellings.")
    dose_units: list[str] = Field(description="Canonical units that make a figure a dose.")
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
        description="Regexes in which 'dose' names a regimen ('low-dose lenalidomide'), not a question of dose.",
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
    eligibility_cues: list[str] = Field(
        default_factory=list,
        description="Regexes of a question asking who qualifies (eligible, criteria, categories, covered).",
    )
    approval_cues: list[str] = Field(
        default_factory=list,
        description="Regexes of prior-authorization language ('approved', 'covered', 'PA', 'renewal'): a message about "
        "a patient using them gets the sources' criteria first, then the offer to check the patient.",
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

    _cue_patterns = field_validator(
        "contrast_cues", "aside_cues", "broad_cues", "approval_cues", "source_cues", "trial_cues", "option_cues",
        "renewal_cues", "eligibility_cues", "basis_cues", "overview_cues",
    )(lambda cls, v: _valid_patterns(v))

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
        unknown_units = set(self.dose_units) - set(self.units)
        if unknown_units:
            raise ValueError(f"dose_units: {sorted(unknown_units)[0]!r} is not a unit")
        unknown_aspects = set(self.aspect_concepts) - {c.key for c in self.concepts}
        if unknown_aspects:
            raise ValueError(f"aspect_concepts: {sorted(unknown_aspects)[0]!r} is not a concept key")
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
