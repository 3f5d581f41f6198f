"""The facts shown back to the user, one line each, so they can correct anything misread."""

from __future__ import annotations

from typing import Any

from corpus.lexicon import load_lexicon
from corpus.text import format_number

_CATEGORY_DISPLAY = {
    "very_low": "very low", "low": "low", "intermediate": "intermediate", "high": "high",
    "very_high": "very high", "int1": "intermediate-1", "int2": "intermediate-2",
}
_RESPONSE_DISPLAY = {"none": "no response", "lost": "lost response", "intolerant": "intolerant",
                     "responding": "responding"}
_GENES = ("sf3b1", "idh1", "idh2")


def _describe_therapy(entry: dict[str, Any]) -> str:
    parts = [load_lexicon().label(str(entry["agent"]))]
    if entry.get("weeks") is not None:
        parts.append(f"{entry['weeks']} weeks")
    if entry.get("response"):
        parts.append(_RESPONSE_DISPLAY.get(entry["response"], str(entry["response"])))
    if entry.get("iron_replete") is not None:
        parts.append("iron replete" if entry["iron_replete"] else "not iron replete")
    return ", ".join(parts)


def _describe_risk_and_marrow(facts: dict[str, Any]) -> list[str]:
    lines = []
    if "age_years" in facts:
        lines.append(f"Age: {facts['age_years']} years")
    if "ipss_r" in facts:
        lines.append(f"IPSS-R: {_CATEGORY_DISPLAY.get(facts['ipss_r'], facts['ipss_r'])}")
    if "ipss" in facts:
        lines.append(f"IPSS: {_CATEGORY_DISPLAY.get(facts['ipss'], facts['ipss'])}")
    if "bone_marrow_blasts_pct" in facts:
        lines.append(f"Bone marrow blasts: {format_number(facts['bone_marrow_blasts_pct'])}%")
    if "ring_sideroblasts_pct" in facts:
        lines.append(f"Ring sideroblasts: {format_number(facts['ring_sideroblasts_pct'])}%")
    lines.extend(f"{gene.upper()}: {'mutated' if facts[gene] == 'mutated' else 'wild-type'}"
                 for gene in _GENES if gene in facts)
    if "del5q" in facts:
        lines.append(f"del(5q): {'present' if facts['del5q'] else 'absent'}")
    return lines


def _describe_blood_and_history(facts: dict[str, Any]) -> list[str]:
    lines = []
    if "serum_epo" in facts:
        lines.append(f"Serum EPO: {format_number(facts['serum_epo']['value'])} {facts['serum_epo']['unit']}")
    if "hemoglobin" in facts:
        lines.append(f"Hemoglobin: {format_number(facts['hemoglobin']['value'])} {facts['hemoglobin']['unit']}")
    if "rbc_units_last_8_weeks" in facts:
        lines.append(f"RBC transfusions: {facts['rbc_units_last_8_weeks']} units / 8 weeks")
    if "therapies" in facts:
        if facts["therapies"]:
            lines.extend(f"Prior therapy: {_describe_therapy(entry)}" for entry in facts["therapies"])
        else:
            lines.append("Prior therapy: none")
    return lines


def describe_facts(facts: dict[str, Any]) -> list[str]:
    """One human line per fact, in a stable clinical order, for the user to check."""
    return _describe_risk_and_marrow(facts) + _describe_blood_and_history(facts)
