"""The entries of the lexicon (corpus/lexicon.yaml): drugs, classes, trials, concepts, outside-sources
entries, shorthand, and a mention of one in a text. Validated on load (corpus/lexicon.py)."""

from __future__ import annotations

import re
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

EntityKind = Literal["drug", "class", "trial", "concept"]


def valid_patterns(patterns: list[str]) -> list[str]:
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

    _patterns = field_validator("names")(lambda cls, v: valid_patterns(v))


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

    _treatment_patterns = field_validator("treatment_names")(lambda cls, v: valid_patterns(v))


class Trial(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    id: str = Field(pattern=r"^[a-z0-9]+$", description="Lower-case trial name, as a word of a text.")
    label: str = Field(description="The trial's name as written.")
    drug: str = Field(description="Id of the drug the trial tested.")
    comparator: str | None = Field(
        default=None, description="Id of the drug its control arm received; none for placebo."
    )
    spellings: list[str] = Field(default_factory=list, description="Further lower-case spellings of the name.")


class ConceptEntry(_Entry):
    key: str = Field(pattern=r"^[a-z0-9]+$", description="Search token (indexed as 'c' + key).")


class QualifierSide(BaseModel):
    """One side of a qualifier that excludes the others (first-line; after ESA failure)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    label: str = Field(description="How mdsbot writes the side to a user ('first-line').")
    concepts: list[str] = Field(default_factory=list, description="Concept keys that name this side.")
    names: list[str] = Field(default_factory=list, description="Further case-insensitive regexes naming this side.")

    _patterns = field_validator("names")(lambda cls, v: valid_patterns(v))


class ExclusiveQualifier(BaseModel):
    """Qualifiers of one event that exclude each other: what a source says of one side is not said of another."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    name: str = Field(description="What the sides qualify ('line of therapy').")
    sides: list[QualifierSide] = Field(min_length=2)


class MarkerPolarity(BaseModel):
    """A marker that defines a population by its presence or its absence (del(5q) / non-del(5q))."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    marker: str = Field(description="The marker as written to a user ('del(5q)').")
    present: QualifierSide
    absent: QualifierSide = Field(description="Read before `present`: its words are never also read as the marker present.")
    either: list[str] = Field(default_factory=list, description="Regexes naming both polarities at once ('RS status').")

    _patterns = field_validator("either")(lambda cls, v: valid_patterns(v))


class MarkerPolarities(BaseModel):
    """The lexicon's `marker_polarity` block: the markers, and the questions another population's criteria answer."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    markers: list[MarkerPolarity] = Field(default_factory=list)
    criteria_cues: list[str] = Field(
        default_factory=list,
        description="Regexes of a question asking who is eligible, enrolled or approved, who a trial's patients mostly were, or why.",
    )

    _patterns = field_validator("criteria_cues")(lambda cls, v: valid_patterns(v))


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
        return valid_patterns([value])[0]


class Mention(BaseModel):
    """One entity named in a text."""

    model_config = ConfigDict(frozen=True)

    kind: EntityKind
    id: str
    start: int = Field(description="Character offset of the mention in the text searched.")
    end: int = Field(description="End offset (exclusive).")
    text: str
