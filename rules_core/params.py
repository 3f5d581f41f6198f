"""The parameters each named predicate or condition takes, as ruleset.yaml writes them (strict pydantic models)."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from rules_core.facts import FIELD_LABELS

Op = Literal[">", ">=", "<", "<="]
Threshold = Annotated[float, Field(ge=0, allow_inf_nan=False)]


class Params(BaseModel):
    """Parameters of a named predicate or condition, as ruleset.yaml writes them (strict, no extras)."""

    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)


class NoParams(Params):
    pass


class Comparison(Params):
    op: Op = Field(description="How the patient's value compares with the limit.")
    limit: Threshold = Field(description="The threshold, in the field's unit (U/L, units, %, g/dL).")


class GeneParams(Params):
    field: Literal["sf3b1", "idh1", "idh2"] = Field(description="The patient field holding the mutation status.")
    gene: str = Field(min_length=1, description="The gene as evidence names it, e.g. IDH1.")


class Del5qParams(Params):
    present: bool = Field(description="true: del(5q) required; false: its absence must be documented.")


class DocumentedParams(Params):
    field: str = Field(description="A PatientFacts field that must be on file.")

    @field_validator("field")
    @classmethod
    def _known(cls, value: str) -> str:
        if value not in FIELD_LABELS:
            raise ValueError(f"{value!r} is not a patient field; use one of {', '.join(FIELD_LABELS)}")
        return value


class SepoAboveParams(Params):
    sepo_above: Threshold = Field(description="Serum EPO above this (U/L) makes the patient ESA-ineligible.")


class RingSideroblastParams(Params):
    at_least: Threshold = Field(description="Ring sideroblasts (%) that suffice alone.")
    with_sf3b1_at_least: Threshold = Field(description="Ring sideroblasts (%) that suffice with SF3B1 mutated.")


class AnemiaParams(Params):
    hb_below: Threshold = Field(description="Hemoglobin below this (g/dL) is anemia.")


class EsaResponseParams(Params):
    sepo_at_least: Threshold = Field(description="Serum EPO (U/L) from which an ESA response is unlikely.")
    units_at_least: int = Field(ge=1, description="RBC units in 8 weeks from which an ESA response is unlikely.")
