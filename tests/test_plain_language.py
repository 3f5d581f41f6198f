"""Plain language where a person reads a decision (rules_core/plain.py): pathway names are ruleset data,
validated by the loader; views never show ids ("luspatercept.second_line", "epoetin_alfa")."""

from __future__ import annotations

import re

import pytest
import yaml

from rules_core import SUPPORTED_DRUGS, evaluate, evaluate_options, plain
from rules_core.loader import RulesetError, shipped_spec
from rules_core.render import render_decision
from rules_core.spec import parse_ruleset

ID = re.compile(r"\b[a-z0-9]+_[a-z0-9_]+\b")


def test_every_pathway_has_a_plain_name():
    for drug in SUPPORTED_DRUGS:
        for pathway in evaluate(drug, {}).pathways:
            assert pathway.name and not ID.search(pathway.name) and "." not in pathway.name, pathway


@pytest.mark.parametrize("bad", ["luspatercept_second_line", "x", "renewal: {window}"])
def test_the_loader_rejects_a_pathway_name_that_is_not_words(bad):
    raw = yaml.safe_load(shipped_spec().model_dump_json())
    raw["drugs"]["luspatercept"]["pathways"][0]["name"] = bad
    with pytest.raises(RulesetError, match=r"luspatercept.*name"):
        parse_ruleset(yaml.safe_dump(raw))


def test_a_missing_name_is_rejected():
    raw = yaml.safe_load(shipped_spec().model_dump_json())
    del raw["drugs"]["imetelstat"]["pathways"][0]["name"]
    with pytest.raises(RulesetError, match="name"):
        parse_ruleset(yaml.safe_dump(raw))


def test_a_not_eligible_pathway_says_what_blocks_it():
    decision = evaluate("luspatercept", {"ipss_r": "low", "serum_epo": {"value": 150, "unit": "U/L"},
                                         "rbc_units_last_8_weeks": 1, "del5q": False, "therapies": []})
    assert decision.decision == "does_not_meet"
    second = next(p for p in decision.pathways if p.id == "luspatercept.second_line")
    assert plain.blocking_reason(second).startswith("RBC transfusion-dependent: ≥ 2 RBC units in the last 8 weeks: not met (1 RBC")
    assert plain.reasons(decision)[0].startswith("Second line after ESA failure or ineligibility: ")
    assert "[not eligible] second line after ESA failure or ineligibility (luspatercept.second_line)" in render_decision(decision)


def test_documentation_checks_do_not_repeat_themselves():
    decision = evaluate("luspatercept", {"ipss_r": "low"})
    documented = next(c for p in decision.pathways for c in p.criteria if c.kind == "documentation" and c.status == "met")
    assert plain.shown_evidence(documented) == "on file"


def test_views_read_agent_ids_as_words():
    assert plain.plain_text("prior ESA: epoetin_alfa, darbepoetin_alfa") == "prior ESA: epoetin alfa, darbepoetin alfa"
    for d in evaluate_options({"ipss_r": "low", "therapies": [{"agent": "epoetin_alfa", "response": "lost"}]}):
        assert not ID.search(plain.options_reason(d) + plain.verdict_sentence(d)), plain.options_reason(d)


def test_policy_values_in_words_with_units():
    rows = dict(plain.policy_rows(evaluate("luspatercept", {}).policy))
    assert rows["Transfusion-dependent from"] == "2 RBC units / 8 weeks"
    assert rows["Anemic when hemoglobin is below"] == "10 g/dL"
