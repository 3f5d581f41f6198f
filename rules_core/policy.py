"""Site policy: thresholds the ruleset applies that the source documents do not state.

The defaults ship as ``policy.yaml`` next to this module; a site may override
any of them with its own YAML file. Values are validated (type and allowed
range) so a typo cannot silently change decisions, and every Decision carries
the values it used.
"""

from __future__ import annotations

from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from rules_core.errors import RulesInputError, describe_error

DEFAULT_POLICY_FILE = "policy.yaml"


class PolicyError(RulesInputError):
    """A policy file that cannot be read or does not validate."""


class SitePolicy(BaseModel):
    """Numbers the ruleset applies where the sources give none. Change them per site, not per patient."""

    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)

    transfusion_dependence_min_rbc_units: int = Field(
        title="Transfusion-dependent from",
        ge=1, le=8,
        description="RBC transfusion-dependent means at least this many RBC units transfused in the last 8 weeks "
        "(fewer means not transfusion-dependent). Unit: RBC units per 8 weeks.",
        json_schema_extra={"unit": "RBC units / 8 weeks"},
    )
    esa_adequate_trial_weeks: int = Field(
        title="An ESA trial counts as failed after",
        # The article states 6-8 weeks: a site may choose within that range, not outside it.
        ge=6, le=8,
        description="An ESA trial without response counts as a failure after at least this many weeks "
        "(with iron repletion documented). Unit: weeks.",
        json_schema_extra={"unit": "weeks"},
    )
    anemia_hemoglobin_below_g_per_dl: float = Field(
        title="Anemic when hemoglobin is below",
        ge=7, le=13, allow_inf_nan=False,
        description="Anemic means hemoglobin below this value. Unit: g/dL (g/L ÷ 10).",
        json_schema_extra={"unit": "g/dL"},
    )
    high_transfusion_burden_min_rbc_units: int = Field(
        title="High transfusion burden from",
        ge=1, le=16,
        description="A high transfusion burden (ESA warning only) is at least this many RBC units in the "
        "last 8 weeks. Unit: RBC units per 8 weeks.",
        json_schema_extra={"unit": "RBC units / 8 weeks"},
    )


    imetelstat_response_window_weeks: int = Field(
        title="Imetelstat response window",
        ge=4, le=52,
        description="Imetelstat renewal: a patient with no response after this many weeks no longer meets "
        "continuation (the sources give no assessment window). Unit: weeks.",
        json_schema_extra={"unit": "weeks"},
    )
    lenalidomide_response_window_weeks: int = Field(
        title="Lenalidomide response window",
        ge=4, le=52,
        description="Lenalidomide renewal: no response after this many weeks no longer meets continuation "
        "(the sources give no assessment window). Unit: weeks.",
        json_schema_extra={"unit": "weeks"},
    )
    ivosidenib_response_window_weeks: int = Field(
        title="Ivosidenib response window",
        ge=4, le=52,
        description="Ivosidenib renewal: no response after this many weeks no longer meets continuation "
        "(the sources give no assessment window). Unit: weeks.",
        json_schema_extra={"unit": "weeks"},
    )
    enasidenib_response_window_weeks: int = Field(
        title="Enasidenib response window",
        ge=4, le=52,
        description="Enasidenib renewal: no response after this many weeks no longer meets continuation "
        "(the sources give no assessment window). Unit: weeks.",
        json_schema_extra={"unit": "weeks"},
    )


def allowed_range(field: str) -> str:
    """'1–8 RBC units / 8 weeks' for a policy field (from its declared bounds)."""
    info = SitePolicy.model_fields[field]
    low = next((m.ge for m in info.metadata if getattr(m, "ge", None) is not None), None)
    high = next((m.le for m in info.metadata if getattr(m, "le", None) is not None), None)
    unit = (info.json_schema_extra or {}).get("unit", "")
    kind = "whole number" if info.annotation is int else "number"
    return f"a {kind} {low:g}–{high:g} {unit}".rstrip()


@lru_cache(maxsize=1)
def default_policy() -> SitePolicy:
    """The shipped defaults (rules_core/policy.yaml)."""
    text = resources.files("rules_core").joinpath(DEFAULT_POLICY_FILE).read_text(encoding="utf-8")
    return _validate(_parse(text, DEFAULT_POLICY_FILE), DEFAULT_POLICY_FILE)


def load_policy(path: str | Path | None = None) -> SitePolicy:
    """The shipped defaults, overridden by the values in ``path`` (YAML or JSON); PolicyError if bad."""
    if path is None:
        return default_policy()
    try:
        text = Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise PolicyError(f"cannot read {str(path)!r}: {getattr(exc, 'strerror', None) or exc}", field="policy") from None
    overrides = _parse(text, str(path))
    return _validate({**default_policy().model_dump(), **overrides}, str(path))


def _parse(text: str, where: str) -> dict[str, Any]:
    import yaml

    try:
        data = yaml.load(text, Loader=yaml.CSafeLoader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        at = f" at line {mark.line + 1}" if mark else ""
        raise PolicyError(f"{where}: not valid YAML{at}", field="policy") from None
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise PolicyError(f"{where}: expected a mapping of policy values, got {type(data).__name__}", field="policy")
    return data


def _validate(data: dict[str, Any], where: str) -> SitePolicy:
    try:
        return SitePolicy.model_validate(data)
    except ValidationError as exc:
        raise PolicyError(_policy_problem(exc), field="policy") from None


_OUT_OF_RANGE = frozenset({"greater_than_equal", "less_than_equal", "greater_than", "less_than"})


def _policy_problem(exc: ValidationError) -> str:
    """'esa_adequate_trial_weeks: 4 is out of range; allowed: a whole number 6–8 weeks'."""
    first = exc.errors(include_url=False)[0]
    field = str(first["loc"][0]) if first["loc"] else ""
    text = describe_error(exc).split(" (and ", 1)[0]
    if first["type"] == "extra_forbidden":
        return f"{field}: unknown policy value; allowed: {', '.join(SitePolicy.model_fields)}"
    if first["type"] in _OUT_OF_RANGE:
        return f"{field}: {first['input']!r} is out of range; allowed: {allowed_range(field)}"
    if field in SitePolicy.model_fields:
        return f"{text}; allowed: {allowed_range(field)}"
    return text


def policy_text(policy: SitePolicy, key: str) -> str:
    """A policy value as statements print it: 10.0 → '10', 9.5 → '9.5'."""
    value = getattr(policy, key)
    return str(int(value)) if float(value).is_integer() else repr(float(value))
