"""The ruleset as data: loader validation, site policy, fingerprint, quotes, and no sources named in Python."""

from __future__ import annotations

import copy
import inspect
import json
import re
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from bot.cli import _load_command_modules, app
from rules_core import SitePolicy, evaluate, load_policy, load_ruleset
from rules_core.conditions import CONDITIONS
from rules_core.drugs import BRANDS
from rules_core.loader import RulesetError, compile_ruleset, parse_ruleset, shipped_spec
from rules_core.policy import PolicyError, default_policy
from rules_core.registry import PREDICATES
from rules_core.ruleset import RULES, RULESET

REPO = Path(__file__).resolve().parents[1]
RULES_CORE = REPO / "rules_core"
DOCUMENTS = REPO / "corpus" / "documents"
RULESET_TEXT = (RULES_CORE / "ruleset.yaml").read_text(encoding="utf-8")
_load_command_modules()


def raw_ruleset() -> dict:
    return yaml.load(RULESET_TEXT, Loader=yaml.CSafeLoader)


def compile_raw(raw: dict):
    return compile_ruleset(parse_ruleset(yaml.safe_dump(raw, allow_unicode=True, sort_keys=False)), default_policy())


def second_line_criterion(raw: dict, key: str) -> tuple[list, int]:
    """(the criteria list, the index) of a luspatercept.second_line criterion, unshared so edits stay local."""
    pathway = raw["drugs"]["luspatercept"]["pathways"][0]
    pathway["criteria"] = [copy.deepcopy(c) for c in pathway["criteria"]]
    return pathway["criteria"], next(i for i, c in enumerate(pathway["criteria"]) if c["id"] == key)


# --- loader validation: one line naming the rule ------------------------------------------------


def _edit(key: str, change):
    def apply(raw: dict) -> None:
        criteria, i = second_line_criterion(raw, key)
        change(criteria[i])

    return apply


LOADER_ERRORS = {
    "unknown predicate": (
        _edit("transfusion_dependent", lambda c: c.update(check="rbc_unit")),
        "luspatercept.second_line.transfusion_dependent: check: unknown predicate 'rbc_unit'",
    ),
    "bad parameter value": (
        _edit("transfusion_dependent", lambda c: c.update(params={"op": "ge", "limit": 2})),
        "luspatercept.second_line.transfusion_dependent: params.op: 'ge' is not allowed",
    ),
    "unknown parameter": (
        _edit("ring_sideroblasts", lambda c: c["params"].update(at_most=3)),
        "luspatercept.second_line.ring_sideroblasts: params.at_most: unknown key; parameters: at_least, with_sf3b1_at_least",
    ),
    "missing parameter": (
        _edit("ring_sideroblasts", lambda c: c.update(params={"at_least": 15})),
        "luspatercept.second_line.ring_sideroblasts: params.with_sf3b1_at_least: required",
    ),
    "missing quote": (
        _edit("lower_risk", lambda c: c.pop("cite")),
        "luspatercept.second_line.lower_risk: cite: required",
    ),
    "empty quote": (
        _edit("lower_risk", lambda c: c.update(cite={"doc_id": c["cite"]["doc_id"], "quote": ""})),
        "luspatercept.second_line.lower_risk: cite.quote:",
    ),
    "unknown document": (
        _edit("lower_risk", lambda c: c.update(cite={"doc_id": "999_x", "quote": c["cite"]["quote"]})),
        "luspatercept.second_line.lower_risk: cite.doc_id: '999_x' is not a source",
    ),
    "unknown policy value": (
        _edit("transfusion_dependent", lambda c: c.update(params={"op": ">=", "limit": {"policy": "td_units"}})),
        "luspatercept.second_line.transfusion_dependent: params.limit: unknown policy value 'td_units'",
    ),
    "statement names a policy value its check does not use": (
        _edit("lower_risk", lambda c: c.update(statement="Lower-risk, ≥ {esa_adequate_trial_weeks} weeks")),
        "luspatercept.second_line.lower_risk: statement: {esa_adequate_trial_weeks} is not a value this rule uses",
    ),
    "unknown patient field": (
        _edit("documented.sf3b1", lambda c: c.update(params={"field": "sf3b2"})),
        "luspatercept.second_line.documented.sf3b1: params.field: 'sf3b2' is not a patient field",
    ),
    "unknown criterion kind": (
        _edit("lower_risk", lambda c: c.update(kind="legal")),
        "luspatercept.second_line.lower_risk: kind: 'legal' is not allowed",
    ),
    "duplicate id": (
        _edit("ring_sideroblasts", lambda c: c.update(id="lower_risk")),
        "luspatercept.second_line.lower_risk: id used twice",
    ),
    "missing line of therapy": (
        lambda raw: raw["drugs"]["luspatercept"]["pathways"][1].pop("line_of_therapy"),
        "luspatercept.first_line: line_of_therapy: required",
    ),
    "unknown warning condition": (
        lambda raw: raw["drugs"]["luspatercept"]["warnings"][0].update(when="sometimes"),
        "luspatercept.first_line_sources_disagree: when: unknown condition 'sometimes'",
    ),
    "unknown warning kind": (
        lambda raw: raw["drugs"]["luspatercept"]["warnings"][0].update(kind="gossip"),
        "luspatercept.first_line_sources_disagree: kind: 'gossip' is not allowed",
    ),
    "unknown agent": (
        lambda raw: raw["drugs"]["imetelstat"]["warnings"][0].update(params={"agents": ["aspirin"]}),
        "imetelstat.prior_lenalidomide_or_hma: params.agents: 'aspirin' is not a known agent",
    ),
    "drug missing": (
        lambda raw: raw["drugs"].pop("enasidenib"),
        "drugs: expected exactly epoetin_alfa,",
    ),
}


@pytest.mark.parametrize("case", list(LOADER_ERRORS))
def test_loader_rejects_bad_data_with_one_line_naming_the_rule(case):
    change, expected = LOADER_ERRORS[case]
    raw = raw_ruleset()
    change(raw)
    with pytest.raises(RulesetError) as caught:
        compile_raw(raw)
    message = str(caught.value)
    assert "\n" not in message
    assert message.startswith("ruleset.yaml: ") and expected in message, message


def test_loader_rejects_malformed_yaml():
    with pytest.raises(RulesetError, match=r"^ruleset.yaml: not valid YAML at line \d+"):
        parse_ruleset("id: x\ndrugs: [\n")


def test_shipped_data_compiles_unchanged_through_a_yaml_round_trip():
    assert compile_raw(raw_ruleset()).info == RULESET  # the test helper itself changes nothing


def test_every_registered_factory_takes_exactly_its_declared_parameters():
    for name, entry in [*PREDICATES.items(), *CONDITIONS.items()]:
        declared = [*entry.params.model_fields, *(["drug"] if entry.needs_drug else [])]
        assert list(inspect.signature(entry.factory).parameters) == declared, name


def test_every_pathway_states_its_line_of_therapy():
    lines = {p.id: p.line_of_therapy for rules in RULES.values() for p in rules.pathways}
    assert lines["luspatercept.first_line"] == "first_line" and lines["luspatercept.second_line"] == "second_line"
    assert lines["lenalidomide.transfusion_dependent"] == "any"


def test_warnings_carry_a_kind():
    kinds = {w.id: w.kind for rules in RULES.values() for w in rules.warnings}
    assert kinds["luspatercept.first_line_sources_disagree"] == "sources_disagree"
    assert kinds["imetelstat.hematologic_toxicity"] == "safety"


# --- site policy ---------------------------------------------------------------------------------


def test_shipped_policy_values():
    assert default_policy().model_dump() == {
        "transfusion_dependence_min_rbc_units": 2,
        "esa_adequate_trial_weeks": 6,
        "anemia_hemoglobin_below_g_per_dl": 10,
        "high_transfusion_burden_min_rbc_units": 4,
        "imetelstat_response_window_weeks": 24,
        "lenalidomide_response_window_weeks": 16,
        "ivosidenib_response_window_weeks": 24,
        "enasidenib_response_window_weeks": 24,
    }


def test_every_decision_shows_the_policy_it_used():
    decision = evaluate("luspatercept", {"ipss_r": "low"})
    assert decision.policy == default_policy()
    assert json.loads(decision.model_dump_json())["policy"]["transfusion_dependence_min_rbc_units"] == 2


def test_criteria_that_rest_on_policy_say_so():
    criteria = {c.id: c for rules in RULES.values() for p in rules.pathways for c in p.criteria}
    td = criteria["luspatercept.second_line.transfusion_dependent"]
    assert td.basis == "site_policy" and td.policy_keys == ("transfusion_dependence_min_rbc_units",)
    assert criteria["lenalidomide.anemic_non_td.anemic"].policy_keys == ("anemia_hemoglobin_below_g_per_dl",)
    assert criteria["epoetin_alfa.first_line.no_prior_esa_failure"].policy_keys == ("esa_adequate_trial_weeks",)
    quoted = criteria["imetelstat.second_line.transfusion_burden_4"]  # the threshold is in its quote
    assert quoted.basis == "source" and quoted.policy_keys == ()
    assert criteria["luspatercept.first_line.sepo_below_500"].basis == "source"


def test_fingerprint_covers_the_policy():
    other = SitePolicy.model_validate({**default_policy().model_dump(), "esa_adequate_trial_weeks": 8})
    assert load_ruleset(other).info.fingerprint != RULESET.fingerprint
    assert load_ruleset(default_policy()).info.fingerprint == RULESET.fingerprint
    assert evaluate("luspatercept", {}, other).ruleset.fingerprint == load_ruleset(other).info.fingerprint


def test_fingerprint_covers_the_data():
    raw = raw_ruleset()
    criteria, i = second_line_criterion(raw, "lower_risk")
    criteria[i]["statement"] += "."
    changed = compile_raw(raw)
    assert changed.info.fingerprint != RULESET.fingerprint


def _patients() -> list[dict]:
    out = [json.loads(line).get("patient") for line in (REPO / "tests" / "data_rules" / "vignettes.jsonl").open()]
    out += [json.loads(line).get("patient") for line in (REPO / "eval" / "cases" / "eligibility.jsonl").open()]
    return [p for p in out if isinstance(p, dict)]


def _statuses(decision) -> dict[str, str]:
    return {c.id: c.status for p in decision.pathways for c in p.criteria}


def _valid(patient: dict) -> bool:
    try:
        evaluate("luspatercept", patient)
        return True
    except ValueError:
        return False


POLICY_CHANGES = {
    # changed value → (patient field it concerns, the values of that field for which criteria may change)
    "transfusion_dependence_min_rbc_units": (3, lambda p: p.get("rbc_units_last_8_weeks") == 2),
    "esa_adequate_trial_weeks": (8, lambda p: any(t.get("weeks") in (6, 7) for t in p.get("therapies") or [])),
    "anemia_hemoglobin_below_g_per_dl": (9, lambda p: p.get("hemoglobin") is not None),
}


@pytest.mark.parametrize("key", list(POLICY_CHANGES))
def test_policy_override_changes_exactly_the_criteria_that_use_it(key):
    value, concerned = POLICY_CHANGES[key]
    policy = SitePolicy.model_validate({**default_policy().model_dump(), key: value})
    changed = 0
    for patient in filter(_valid, _patients()):
        for drug in RULES:
            before, after = _statuses(evaluate(drug, patient)), _statuses(evaluate(drug, patient, policy))
            criteria = {c.id: c for p in RULES[drug].pathways for c in p.criteria}
            for rule_id in before:
                if before[rule_id] != after[rule_id]:
                    changed += 1
                    assert key in criteria[rule_id].policy_keys, rule_id
                    assert concerned(patient), (rule_id, patient)
    assert changed, f"no vignette exercises {key}"


def test_policy_override_examples():
    td2 = {"ipss_r": "low", "ring_sideroblasts_pct": 20, "sf3b1": "mutated", "serum_epo": {"value": 620, "unit": "U/L"},
           "rbc_units_last_8_weeks": 2, "therapies": []}
    strict = load_policy_text("transfusion_dependence_min_rbc_units: 3\n")
    assert evaluate("luspatercept", td2).decision == "meets_criteria"
    assert evaluate("luspatercept", td2, strict).decision == "does_not_meet"
    statement = evaluate("luspatercept", td2, strict).pathways[0].criteria[2].statement
    assert statement == "RBC transfusion-dependent: ≥ 3 RBC units in the last 8 weeks"

    six_weeks = {"ipss_r": "low", "ring_sideroblasts_pct": 20, "sf3b1": "mutated", "serum_epo": {"value": 100, "unit": "U/L"},
                 "rbc_units_last_8_weeks": 4,
                 "therapies": [{"agent": "epoetin_alfa", "weeks": 6, "response": "none", "iron_replete": True}]}
    eight = load_policy_text("esa_adequate_trial_weeks: 8\n")
    assert evaluate("luspatercept", six_weeks).decision == "meets_criteria"
    assert evaluate("luspatercept", six_weeks, eight).decision == "does_not_meet"
    assert evaluate("epoetin_alfa", six_weeks, eight).pathways[0].criteria[2].status == "met"  # no failure yet


def load_policy_text(text: str) -> SitePolicy:
    import tempfile

    with tempfile.NamedTemporaryFile("w", suffix=".yaml", delete=False, encoding="utf-8") as f:
        f.write(text)
    try:
        return load_policy(f.name)
    finally:
        Path(f.name).unlink()


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("transfusion_dependence_min_rbc_units: 0\n",
         "transfusion_dependence_min_rbc_units: 0 is out of range; allowed: a whole number 1–8 RBC units / 8 weeks"),
        ("esa_adequate_trial_weeks: 12\n", "esa_adequate_trial_weeks: 12 is out of range; allowed: a whole number 6–8 weeks"),
        ("esa_adequate_trial_weeks: '6'\n", "esa_adequate_trial_weeks: expected a whole number, got '6'; allowed: a whole number 6–8"),
        ("anemia_hemoglobin_below_g_per_dl: 100\n", "anemia_hemoglobin_below_g_per_dl: 100 is out of range; allowed: a number 7–13 g/dL"),
        ("td_units: 3\n", "td_units: unknown policy value; allowed: transfusion_dependence_min_rbc_units, "),
        ("- 3\n", "expected a mapping of policy values, got list"),
        ("a: [\n", "not valid YAML at line"),
    ],
)
def test_bad_policy_file_is_one_line_naming_field_and_range(text, expected):
    with pytest.raises(PolicyError) as caught:
        load_policy_text(text)
    assert "\n" not in str(caught.value) and expected in str(caught.value), str(caught.value)


def test_partial_policy_file_keeps_the_other_defaults():
    policy = load_policy_text("anemia_hemoglobin_below_g_per_dl: 9.5\n")
    assert policy.anemia_hemoglobin_below_g_per_dl == 9.5
    assert policy.transfusion_dependence_min_rbc_units == default_policy().transfusion_dependence_min_rbc_units


def test_cli_policy_option(tmp_path):
    patient = tmp_path / "p.json"
    patient.write_text(json.dumps({"ipss_r": "low", "ring_sideroblasts_pct": 20, "sf3b1": "mutated",
                                   "serum_epo": {"value": 620, "unit": "U/L"}, "rbc_units_last_8_weeks": 2}))
    policy = tmp_path / "policy.yaml"
    policy.write_text("transfusion_dependence_min_rbc_units: 3\n")
    runner = CliRunner()
    default = runner.invoke(app, ["check", "--drug", "luspatercept", "--patient", str(patient), "--json"])
    site = runner.invoke(app, ["check", "--drug", "luspatercept", "--patient", str(patient), "--json", "--policy", str(policy)])
    assert json.loads(default.stdout)["decision"] == "meets_criteria"
    assert json.loads(site.stdout)["decision"] == "does_not_meet"
    assert json.loads(site.stdout)["policy"]["transfusion_dependence_min_rbc_units"] == 3
    options = runner.invoke(app, ["options", "--patient", str(patient), "--json", "--policy", str(policy)])
    assert all(d["policy"]["transfusion_dependence_min_rbc_units"] == 3 for d in json.loads(options.stdout))
    text = runner.invoke(app, ["check", "--drug", "luspatercept", "--patient", str(patient), "--policy", str(policy)]).stdout
    assert "site policy (not in the sources): transfusion_dependence_min_rbc_units = 3" in text
    policy.write_text("transfusion_dependence_min_rbc_units: 99\n")
    bad = runner.invoke(app, ["check", "--drug", "luspatercept", "--patient", str(patient), "--policy", str(policy)])
    assert bad.exit_code == 2
    assert bad.stderr.strip() == ("error: policy: transfusion_dependence_min_rbc_units: 99 is out of range; "
                                  "allowed: a whole number 1–8 RBC units / 8 weeks")


# --- quotes and names -----------------------------------------------------------------------------


def _quotes(node, path="ruleset"):
    """Every {doc_id, quote} in the raw data file, definitions included."""
    if isinstance(node, dict):
        if {"doc_id", "quote"} <= set(node):
            yield path, node["doc_id"], node["quote"]
        for key, value in node.items():
            yield from _quotes(value, f"{path}.{key}")
    elif isinstance(node, list):
        for i, value in enumerate(node):
            yield from _quotes(value, f"{path}[{i}]")


QUOTES = list(_quotes(raw_ruleset()))


@pytest.mark.parametrize(("path", "doc_id", "quote"), QUOTES, ids=[q[0] for q in QUOTES])
def test_every_quote_in_the_data_file_is_verbatim_in_its_document(path, doc_id, quote):
    text = " ".join((DOCUMENTS / f"{doc_id}.txt").read_text(encoding="utf-8").split())
    assert quote in text


def _source_names() -> list[str]:
    """Document ids, trial names and brands: they belong in the data files only."""
    names = [s.doc_id for s in shipped_spec().sources]
    names += [doc_id.split("_", 1)[1] for doc_id in names]  # the hash part alone
    names += ["COMMANDS", "MEDALIST", "IMerge", "QUAZAR", "STIMULUS"]
    names += list(BRANDS)
    return names


@pytest.mark.parametrize("module", sorted(RULES_CORE.glob("*.py")), ids=lambda p: p.name)
def test_no_rules_core_module_names_a_document_trial_or_brand(module):
    text = module.read_text(encoding="utf-8")
    found = [n for n in _source_names() if re.search(rf"(?<![\w-]){re.escape(n)}(?![\w-])", text, re.IGNORECASE)]
    assert not found, f"{module.name} names {found}: move it to a data file"
    assert not re.search(r"\b\d{3}_[0-9a-f]{16}\b", text)


def test_brand_names_are_data():
    assert BRANDS["Reblozyl"] == "luspatercept"
    assert "Reblozyl" in (REPO / "corpus" / "lexicon.yaml").read_text(encoding="utf-8")
