"""Patient facts: the JSON a pharmacist (or the chat bot) supplies.

Every field is optional and absent means "not documented". Unknown fields are
an error, so a misspelt ``sEPO`` cannot silently become "missing". Common
spellings of enumerated values (case, spaces, hyphens) are canonicalised
before validation; anything else is rejected with the allowed values.
"""

from __future__ import annotations

from types import MappingProxyType
from typing import Annotated, Any, Literal, get_args

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator
from pydantic_core import PydanticCustomError

from rules_core.drugs import alias_key, normalise_agent

IpssR = Literal["very_low", "low", "intermediate", "high", "very_high"]
Ipss = Literal["low", "int1", "int2", "high"]
Mutation = Literal["mutated", "wild_type"]
Response = Literal["responding", "none", "lost", "intolerant"]
Percent = Annotated[float, Field(ge=0, le=100, allow_inf_nan=False)]

_IPSS_R_VALUES = frozenset(get_args(IpssR))
_IPSS_VALUES = frozenset(get_args(Ipss))
_MUTATION_VALUES = frozenset(get_args(Mutation))
_RESPONSES = frozenset(get_args(Response))
_IPSS_SYNONYMS = {"int_1": "int1", "intermediate_1": "int1", "int_2": "int2", "intermediate_2": "int2"}
_MUTATION_SYNONYMS = {"wildtype": "wild_type", "wt": "wild_type", "mut": "mutated", "mutant": "mutated"}
_EPO_UNITS = {"u/l": "U/L", "iu/l": "U/L", "mu/ml": "mU/mL", "miu/ml": "mU/mL"}
_HB_UNITS = {"g/dl": "g/dL", "g/l": "g/L"}
# Physiological bounds: 0.85 "g/dL" or 95 "g/dL" is almost surely a unit slip and would flip the anemia test.
_HB_RANGE = {"g/dL": (3.0, 20.0), "g/L": (30.0, 200.0)}
MAX_RBC_UNITS = 60  # in 8 weeks; more is a typing error, not a patient


def _canonical(value: Any, allowed: frozenset[str], synonyms: dict[str, str] | None = None) -> Any:
    """'Very Low' → 'very_low'; non-strings pass through for the type check to reject."""
    if not isinstance(value, str) or value in allowed:  # fast path: already canonical
        return value
    key = alias_key(value)
    return (synonyms or {}).get(key, key)




def _canonical_unit(value: Any, units: dict[str, str]) -> Any:
    if not isinstance(value, str) or value in units.values():
        return value
    return units.get(value.strip().lower().replace(" ", ""), value)


class _Facts(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)


class SerumEpo(_Facts):
    """Serum erythropoietin; U/L and mU/mL are the same quantity."""

    value: float = Field(ge=0, le=100_000, allow_inf_nan=False, description="Serum EPO, in `unit` (0–100,000).",
                         json_schema_extra={"unit": "U/L or mU/mL (see unit)",
                                            "implausible": "above 100,000 U/L is not a serum EPO level: check the value and unit"})
    unit: Literal["U/L", "mU/mL"] = Field(description="U/L or mU/mL (equal quantities; IU/L and mIU/mL accepted).")

    @field_validator("unit", mode="before")
    @classmethod
    def _unit(cls, value: Any) -> Any:
        return _canonical_unit(value, _EPO_UNITS)

    @property
    def u_per_l(self) -> float:
        return self.value


class Hemoglobin(_Facts):
    value: float = Field(gt=0, allow_inf_nan=False, description="Hemoglobin, in `unit`.", json_schema_extra={"unit": "g/dL or g/L (see unit)"})
    unit: Literal["g/dL", "g/L"] = Field(description="g/dL or g/L (g/L ÷ 10 = g/dL).")

    @field_validator("unit", mode="before")
    @classmethod
    def _unit(cls, value: Any) -> Any:
        return _canonical_unit(value, _HB_UNITS)

    @model_validator(mode="after")
    def _plausible(self) -> Hemoglobin:
        low, high = _HB_RANGE[self.unit]
        if not low <= self.value <= high:
            raise PydanticCustomError(
                "hemoglobin_range",
                "{value} {unit} is outside {low}–{high} {unit}; likely a unit slip: check the unit (g/dL or g/L)",
                {"value": f"{self.value:g}", "unit": self.unit, "low": f"{low:g}", "high": f"{high:g}"},
            )
        return self

    @property
    def g_per_dl(self) -> float:
        return self.value / 10 if self.unit == "g/L" else self.value


class Therapy(_Facts):
    """One past or current therapy. Brand names are normalised to the generic."""

    agent: str = Field(title="Agent", description="Generic or brand name, normalised to the generic.")
    weeks: int | None = Field(title="Weeks", default=None, ge=0, le=520, description="Weeks on the therapy so far (ongoing) or in "
                              "total (past), 0–520.", json_schema_extra={
                                  "unit": "weeks", "implausible": "more than 520 weeks (10 years): check it is weeks, not days"})
    response: Response | None = Field(title="Response", default=None, description="responding (response achieved and held), none (no "
                                      "response), lost (response lost: relapse) or intolerant.")
    iron_replete: bool | None = Field(title="Iron replete", default=None, description="Iron repletion verified during the trial (ESAs).")
    ongoing: bool = Field(title="Ongoing now", default=False, description="true: the patient is on it now, so a request for this drug is a "
                          "renewal (continuation); false (default): a past therapy.")

    @field_validator("agent", mode="before")
    @classmethod
    def _agent(cls, value: Any) -> Any:
        return normalise_agent(value) if isinstance(value, str) else value

    @field_validator("response", mode="before")
    @classmethod
    def _response(cls, value: Any) -> Any:
        return _canonical(value, _RESPONSES)


class PatientFacts(_Facts):
    """What is documented about the patient. Absent = not documented."""

    age_years: int | None = Field(title="Age", default=None, ge=18, le=120, description="Age, in years, 18–120 (adults; not used "
                                  "by any criterion).", json_schema_extra={
                                      "unit": "years", "implausible": "the ruleset is for adults aged 18–120: check the value"})
    ipss_r: IpssR | None = Field(title="IPSS-R risk", default=None, description="IPSS-R risk category.")
    ipss: Ipss | None = Field(title="IPSS risk (if no IPSS-R)", default=None, description="IPSS risk category (used only when IPSS-R is absent).")
    bone_marrow_blasts_pct: Percent | None = Field(title="Bone marrow blasts", default=None, description="Bone marrow blasts, in percent.",
                                                   json_schema_extra={"unit": "%"})
    ring_sideroblasts_pct: Percent | None = Field(title="Ring sideroblasts", default=None, description="Ring sideroblasts (iron stain), in percent.",
                                                  json_schema_extra={"unit": "%"})
    sf3b1: Mutation | None = Field(title="SF3B1", default=None, description="SF3B1 mutation status.")
    idh1: Mutation | None = Field(title="IDH1", default=None, description="IDH1 mutation status.")
    idh2: Mutation | None = Field(title="IDH2", default=None, description="IDH2 mutation status.")
    del5q: bool | None = Field(title="del(5q)", default=None, description="del(5q) present in the karyotype.")
    serum_epo: SerumEpo | None = Field(title="Serum EPO", default=None, description="Serum erythropoietin level with its unit.")
    hemoglobin: Hemoglobin | None = Field(title="Hemoglobin", default=None, description="Hemoglobin with its unit.")
    rbc_units_last_8_weeks: int | None = Field(title="RBC units transfused, last 8 weeks", default=None, ge=0, le=MAX_RBC_UNITS, description="RBC units transfused in the last "
                                               "8 weeks, 0–60.", json_schema_extra={
                                                   "unit": "RBC units / 8 weeks",
                                                   "implausible": "more than 60 units in 8 weeks: check it is the count "
                                                   "for the last 8 weeks, not a total or a volume"})
    therapies: list[Therapy] | None = Field(
        title="Prior anemia therapy", default=None, description="Absent = history not documented; [] = no prior therapy."
    )

    @field_validator("ipss_r", mode="before")
    @classmethod
    def _ipss_r(cls, value: Any) -> Any:
        return _canonical(value, _IPSS_R_VALUES)

    @field_validator("ipss", mode="before")
    @classmethod
    def _ipss(cls, value: Any) -> Any:
        return _canonical(value, _IPSS_VALUES, _IPSS_SYNONYMS)

    @field_validator("sf3b1", "idh1", "idh2", mode="before")
    @classmethod
    def _mutation(cls, value: Any) -> Any:
        return _canonical(value, _MUTATION_VALUES, _MUTATION_SYNONYMS)


# Human labels for missing_documentation: "serum_epo (serum erythropoietin level)".
FIELD_LABELS = MappingProxyType({
    "age_years": "age in years",
    "ipss_r": "IPSS-R risk category",
    "ipss": "IPSS risk category",
    "bone_marrow_blasts_pct": "bone marrow blast percentage",
    "ring_sideroblasts_pct": "ring sideroblast percentage (bone marrow iron stain)",
    "sf3b1": "SF3B1 mutation status",
    "idh1": "IDH1 mutation status",
    "idh2": "IDH2 mutation status",
    "del5q": "del(5q) karyotype status",
    "serum_epo": "serum erythropoietin level",
    "hemoglobin": "hemoglobin level",
    "rbc_units_last_8_weeks": "RBC units transfused in the last 8 weeks",
    "therapies": "prior anemia therapy history (agents, weeks, response, iron repletion)",
})
