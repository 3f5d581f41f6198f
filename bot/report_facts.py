"""The patient facts of a decision report: every field of the rules core's patient model, documented
or not, by its label and in plain words (bot/decision_report.py)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from functools import lru_cache
from typing import Any

from rules_core import plain


def report_patient_rows(patient: Any) -> list[tuple[str, str]]:
    """Patient facts (model, mapping or None) as the report's rows."""
    return patient_rows(_patient_dict(patient))


def patient_rows(facts: Mapping[str, Any]) -> list[tuple[str, str]]:
    """Every patient field of the rules core, documented or not, by its label, in the model's order."""
    fields, labels = _patient_fields()
    rows = [(labels.get(name, name.replace("_", " ")), format_fact(name, facts.get(name))) for name in fields]
    rows += [(name, format_fact(name, facts[name])) for name in facts if name not in fields]  # never drop input
    return rows


def format_fact(name: str, value: Any) -> str:
    if value is None:
        return "not documented"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, Mapping) and "value" in value:
        return f"{_number(value['value'])} {value.get('unit', '')}".strip()
    if name == "therapies" and isinstance(value, Sequence) and not isinstance(value, str):
        if not value:
            return "none (no prior therapy documented as given)"
        return "; ".join(f"{i}. {_therapy(t)}" for i, t in enumerate(value, 1))
    if isinstance(value, (int, float)):
        text = _number(value)
        return f"{text}%" if name.endswith("_pct") else text
    return str(value).replace("_", " ")


def _therapy(therapy: Mapping[str, Any]) -> str:
    parts = [plain.drug_name(therapy.get("agent", "?"))]
    if therapy.get("weeks") is not None:
        parts.append(f"{therapy['weeks']} weeks")
    if therapy.get("response") is not None:
        parts.append(f"response {therapy['response']}")
    if therapy.get("iron_replete") is not None:
        parts.append("iron replete" if therapy["iron_replete"] else "not iron replete")
    if therapy.get("ongoing"):
        parts.append("ongoing")
    return ", ".join(parts)


def _number(value: Any) -> str:
    return f"{value:g}" if isinstance(value, float) else str(value)


@lru_cache(maxsize=1)
def _patient_fields() -> tuple[tuple[str, ...], dict[str, str]]:
    from rules_core.facts import PatientFacts

    return tuple(PatientFacts.model_fields), {n: f.title or n for n, f in PatientFacts.model_fields.items()}


def _patient_dict(patient: Any) -> dict[str, Any]:
    """Validated facts (brand names normalised, units canonical) when they validate; else as given."""
    if patient is None or hasattr(patient, "model_dump"):
        return as_dict(patient)
    from pydantic import ValidationError

    from rules_core.facts import PatientFacts

    try:
        return PatientFacts.model_validate(dict(patient)).model_dump(mode="json")
    except ValidationError:
        return dict(patient)


def as_dict(value: Any) -> dict[str, Any]:
    if value is None:
        return {}
    if hasattr(value, "model_dump"):
        return value.model_dump(mode="json")
    return dict(value)
