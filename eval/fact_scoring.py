"""Scoring facts read from one sentence against its labels (the ``fact_extraction`` case type).

A case labels fields three ways: ``expect`` (must be read, with this value), ``absent``
(must stay unfilled) and ``ask`` (too ambiguous to fill: must stay unfilled; a careful
bot asks). Per field, a sentence counts as

* true positive: an ``expect`` field read with the expected value;
* false negative: an ``expect`` field not read, or read with another value;
* false positive: a field read with a wrong value, or read at all when ``absent``/``ask``.

Fields a case does not label are not scored. Values compare as the labels' author wrote
them: therapies by the exact set of agents (weeks, response, ongoing only where the label
gives them), numbers within ``_EPS``, a value with no unit by value alone, g/L = 10 × g/dL
and U/L = mU/mL.
"""

from __future__ import annotations

from typing import Any, Iterable, Mapping

# The patient-model fields the labelled sentences cover, in report order.
FACT_FIELDS: tuple[str, ...] = (
    "therapies", "serum_epo", "hemoglobin", "rbc_units_last_8_weeks", "bone_marrow_blasts_pct",
    "ring_sideroblasts_pct", "age_years", "ipss_r", "ipss", "sf3b1", "del5q", "idh1", "idh2",
)
_EPS = 1e-6
# Unit -> factor to the field's canonical unit.
_TO_CANONICAL = {"g/dL": 1.0, "g/L": 0.1, "U/L": 1.0, "mU/mL": 1.0}
_COURSE_KEYS = ("weeks", "response", "ongoing")


def is_filled(field: str, value: Any) -> bool:
    """A field counts as read when it holds something; an empty therapy list reads no course."""
    if value is None:
        return False
    return bool(value) if field == "therapies" else True


def _measure(value: Any, with_unit: bool) -> float | None:
    if isinstance(value, Mapping):
        number = value.get("value")
        factor = _TO_CANONICAL.get(value.get("unit"), 1.0) if with_unit else 1.0
        return None if number is None else float(number) * factor
    return float(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else None


def _same_measure(expected: Any, actual: Any) -> bool:
    with_unit = isinstance(expected, Mapping) and "unit" in expected
    want, got = _measure(expected, with_unit), _measure(actual, with_unit)
    return want is not None and got is not None and abs(want - got) < _EPS


def _same_course(expected: Mapping[str, Any], actual: Mapping[str, Any]) -> bool:
    # "ongoing" is scored once the patient model carries it (an entry holding the key).
    keys = [key for key in _COURSE_KEYS if key in expected and (key != "ongoing" or key in actual)]
    return all(actual.get(key) == expected[key] for key in keys)


def _same_therapies(expected: list[Mapping[str, Any]], actual: list[Mapping[str, Any]]) -> bool:
    by_agent = {entry.get("agent"): entry for entry in actual}
    if set(by_agent) != {entry.get("agent") for entry in expected}:
        return False
    return all(_same_course(entry, by_agent[entry.get("agent")]) for entry in expected)


def same_value(field: str, expected: Any, actual: Any) -> bool:
    if field == "therapies":
        return isinstance(actual, list) and _same_therapies(expected, actual)
    if isinstance(expected, (Mapping, int, float)) and not isinstance(expected, bool):
        return _same_measure(expected, actual)
    return expected == actual


def score_fields(labels: Mapping[str, Any], facts: Mapping[str, Any]) -> tuple[dict[str, dict[str, int]], list[str]]:
    """Per labelled field ``{"tp", "fp", "fn"}``, and one failure line per miss."""
    scores: dict[str, dict[str, int]] = {}
    failures: list[str] = []
    for field, expected in (labels.get("expect") or {}).items():
        actual = facts.get(field)
        row = scores.setdefault(field, {"tp": 0, "fp": 0, "fn": 0})
        if is_filled(field, actual) and same_value(field, expected, actual):
            row["tp"] += 1
            continue
        row["fn"] += 1
        row["fp"] += int(is_filled(field, actual))
        failures.append(f"{field}: expected {expected!r}, read {actual!r}")
    for how in ("absent", "ask"):
        for field in labels.get(how) or []:
            row = scores.setdefault(field, {"tp": 0, "fp": 0, "fn": 0})
            if is_filled(field, facts.get(field)):
                row["fp"] += 1
                failures.append(f"{field}: should be unfilled ({how}), read {facts.get(field)!r}")
    return scores, failures


def field_totals(results: Iterable[Mapping[str, Any]], field: str | None) -> dict[str, int]:
    """tp / fp / fn summed over fact-extraction results, for one field or (None) all of them."""
    totals = {"tp": 0, "fp": 0, "fn": 0}
    for result in results:
        for name, row in (result.get("fields") or {}).items():
            if field is None or name == field:
                for key in totals:
                    totals[key] += row.get(key, 0)
    return totals
