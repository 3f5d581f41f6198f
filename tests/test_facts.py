"""The chat's eligibility understanding: bot.eligibility reads free text into rules_core patient facts.

The free-text cases live in tests/data/eligibility_chat.jsonl: each gives the
exact facts expected and the decision the rules core must reach on them for
the drug asked about, so a change in either the reader or the rules that
alters what a pharmacist would be told shows up here.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from bot.eligibility import (
    ExtractedFacts,
    describe_facts,
    extract_facts,
    is_eligibility_question,
    merge_facts,
)
from corpus.lexicon import load_lexicon
from rules_core import SUPPORTED_DRUGS

CASES_FILE = Path(__file__).parent / "data" / "eligibility_chat.jsonl"
CASES = [json.loads(line) for line in CASES_FILE.read_text(encoding="utf-8").splitlines() if line.strip()]


def _rules_core():
    """(PatientFacts, evaluate) from the rules core, wherever it exports them."""
    rules_core = pytest.importorskip("rules_core")
    patient_facts = getattr(rules_core, "PatientFacts", None)
    evaluate = getattr(rules_core, "evaluate", None)
    try:
        if patient_facts is None:
            from rules_core.facts import PatientFacts as patient_facts
        if evaluate is None:
            from rules_core.evaluator import evaluate
    except ImportError as error:  # pragma: no cover - only while rules_core is being written
        pytest.skip(f"rules_core not importable yet: {error}")
    return patient_facts, evaluate


# --------------------------------------------------------------------------- #
# The free-text eligibility questions
# --------------------------------------------------------------------------- #


def test_case_file_is_large_and_varied():
    assert len(CASES) >= 40
    assert len({case["id"] for case in CASES}) == len(CASES)
    assert {case["expect_drug"] for case in CASES} == set(SUPPORTED_DRUGS)
    assert {case["expect_decision"] for case in CASES} == {
        "meets_criteria", "does_not_meet", "insufficient_documentation"}


@pytest.mark.parametrize("case", CASES, ids=[case["id"] for case in CASES])
def test_case_facts_are_extracted_exactly(case):
    extracted = extract_facts(case["text"])
    assert extracted.assumed_facts() == case["expect_facts"]
    assert extracted.drug == case["expect_drug"]
    assert extracted.drugs == case.get("expect_drugs", [case["expect_drug"]])
    for expected_note in case.get("expect_notes_contain", []):
        notes = extracted.notes + [assumption.note for assumption in extracted.assumptions]
        assert any(expected_note in note for note in notes), (expected_note, notes)


@pytest.mark.parametrize("case", CASES, ids=[case["id"] for case in CASES])
def test_case_is_recognised_as_an_eligibility_question(case):
    assert is_eligibility_question(case["text"])


@pytest.mark.parametrize("case", CASES, ids=[case["id"] for case in CASES])
def test_case_facts_validate_and_give_the_expected_decision(case):
    patient_facts, evaluate = _rules_core()
    extracted = extract_facts(case["text"])
    patient_facts.model_validate(extracted.assumed_facts())
    decision = evaluate(extracted.drug, extracted.assumed_facts())
    assert decision.decision == case["expect_decision"], decision.summary


@pytest.mark.parametrize("case", CASES, ids=[case["id"] for case in CASES])
def test_every_fact_shows_where_it_came_from(case):
    extracted = extract_facts(case["text"])
    lowered = case["text"].lower()
    for name in extracted.facts:
        if name == "therapies":
            continue
        assert name in extracted.spans
        assert extracted.spans[name].lower() in lowered
    for entry in extracted.facts.get("therapies", []):
        assert f"therapies.{entry['agent']}" in extracted.spans or "iron_replete" in extracted.spans


def test_extraction_is_deterministic():
    for case in CASES[:10]:
        assert extract_facts(case["text"]) == extract_facts(case["text"])


# --------------------------------------------------------------------------- #
# Which drug is asked about
# --------------------------------------------------------------------------- #


@pytest.mark.parametrize(
    "text, drug, prior",
    [
        ("failed Procrit, can she get Reblozyl?", "luspatercept", {"agent": "epoetin_alfa", "response": "none"}),
        ("Can she get Reblozyl after 8 weeks of Procrit without response?", "luspatercept",
         {"agent": "epoetin_alfa", "weeks": 8, "response": "none"}),
        ("Reblozyl for a patient who failed Aranesp?", "luspatercept",
         {"agent": "darbepoetin_alfa", "response": "none"}),
        ("On Procrit for 8 weeks without response; is Reblozyl an option?", "luspatercept",
         {"agent": "epoetin_alfa", "weeks": 8, "response": "none"}),
        ("Is Aranesp appropriate after she was intolerant of Procrit?", "darbepoetin_alfa",
         {"agent": "epoetin_alfa", "response": "intolerant"}),
        ("Patient relapsed after 24 weeks of Reblozyl. Can she get Rytelo?", "imetelstat",
         {"agent": "luspatercept", "weeks": 24, "response": "lost"}),
    ],
)
def test_drug_in_the_question_is_not_the_drug_in_the_history(text, drug, prior):
    extracted = extract_facts(text)
    assert extracted.drug == drug
    assert extracted.facts["therapies"] == [prior]


@pytest.mark.parametrize(
    "text, drug",
    [
        ("is epoetin alfa appropriate?", "epoetin_alfa"),
        ("Is epoetin appropriate for her?", "epoetin_alfa"),
        ("can my patient get Procrit?", "epoetin_alfa"),
        ("Should I start Aranesp?", "darbepoetin_alfa"),
        ("Is an ESA appropriate for him?", "epoetin_alfa"),
        ("Does he qualify for luspatercept-aamt?", "luspatercept"),
        ("Is TIBSOVO an option for my patient?", "ivosidenib"),
        ("Candidate for idhifa?", "enasidenib"),
        ("Can she get revlimid?", "lenalidomide"),
        ("Eligible for RYTELO?", "imetelstat"),
        ("Can she go on Reblozyl?", "luspatercept"),
        ("Can she have Aranesp? had Procrit before", "darbepoetin_alfa"),
        ("Can we add luspatercept?", "luspatercept"),
    ],
)
def test_drug_names_brands_and_case(text, drug):
    extracted = extract_facts(text)
    assert extracted.drug == drug
    assert is_eligibility_question(text)


def test_generic_esa_as_the_drug_is_assumed_epoetin_with_a_note():
    extracted = extract_facts("Is an ESA appropriate for her? IPSS-R low, sEPO 100 U/L")
    assert extracted.drug == "epoetin_alfa"
    assert "ESA not named: assumed epoetin alfa." in extracted.notes


def test_two_drugs_asked_keep_their_order():
    extracted = extract_facts("Can my patient get Rytelo or Reblozyl?")
    assert extracted.drugs == ["imetelstat", "luspatercept"]
    assert extracted.drug == "imetelstat"


def test_drug_without_rules_is_not_a_supported_drug():
    extracted = extract_facts("Can my patient get Vidaza? IPSS-R high")
    assert extracted.drug is None and extracted.drugs == []
    assert any("no medical-necessity rules" in note for note in extracted.notes)
    assert not is_eligibility_question("Can my patient get Vidaza? IPSS-R high")


def test_supported_drugs_mirror_the_rules_core():
    # The reader checks the lexicon's drugs with `rules: true`; the rules core keeps them in the sources' order.
    assert set(load_lexicon().rules_drugs) == set(SUPPORTED_DRUGS)


# --------------------------------------------------------------------------- #
# Is it an eligibility question at all?
# --------------------------------------------------------------------------- #


@pytest.mark.parametrize(
    "text",
    [
        "what did MEDALIST show for luspatercept?",
        "what is the dose of imetelstat?",
        "What are the side effects of Reblozyl?",
        "How does luspatercept work?",
        "What response rate did COMMANDS report for luspatercept vs epoetin alfa?",
        "Is luspatercept approved for first-line use?",
        "sEPO 150 U/L; what is the dose of epoetin alfa?",
        "What is the response rate of luspatercept in patients with RS ≥15%?",
        "sEPO is 150, no del5q",
        "Is she eligible? IPSS-R low, RS 20%",  # no drug named: the engine must ask which
        "Tell me about lower-risk MDS",
        "Can my patient get Vidaza?",
    ],
)
def test_not_eligibility_questions(text):
    assert not is_eligibility_question(text)


@pytest.mark.parametrize(
    "text",
    [
        "Can my patient get Reblozyl?",
        "Is luspatercept medically necessary for this patient?",
        "Would the insurer approve Reblozyl for my patient?",
        "Is imetelstat indicated for this patient?",
        "Should I start Rytelo?",
        "Reblozyl: IPSS-R low, RS 20%, SF3B1 mutated, sEPO 620 U/L, 4 units in 8 weeks",
        "Luspatercept after ESA failure? IPSS-R low, RS 20%",
        "Is lenalidomide a reasonable option for her?",
        "Would an HMA-pretreated patient qualify for imetelstat?",
    ],
)
def test_eligibility_questions(text):
    assert is_eligibility_question(text)


@pytest.mark.parametrize(
    "text, expected",
    [
        ("IPSS-R is low", {"ipss_r": "low"}),
        ("RS is 20 percent and she is SF3B1 mutated", {"ring_sideroblasts_pct": 20, "sf3b1": "mutated"}),
        ("her epo was 620", {"serum_epo": {"value": 620, "unit": "U/L"}}),
        ("she gets 2 units every 4 weeks", {"rbc_units_last_8_weeks": 4}),
        ("Blasts were 2%. del(5q) is absent.", {"bone_marrow_blasts_pct": 2, "del5q": False}),
        ("the Procrit trial lasted 10 weeks with no response",
         {"therapies": [{"agent": "epoetin_alfa", "weeks": 10, "response": "none"}]}),
        ("sEPO ~ 300 U/L, RS about 20%", {"serum_epo": {"value": 300, "unit": "U/L"}, "ring_sideroblasts_pct": 20}),
    ],
)
def test_follow_up_answers(text, expected):
    extracted = extract_facts(text)
    assert extracted.drug is None
    assert extracted.facts == expected


def test_follow_up_turn_has_facts_but_no_drug():
    extracted = extract_facts("sEPO is 150, no del5q")
    assert extracted.drug is None and extracted.drugs == []
    assert extracted.facts == {"serum_epo": {"value": 150, "unit": "U/L"}, "del5q": False}
    assert "Serum EPO 'sEPO is 150' given without a unit: assumed U/L." in extracted.notes


# --------------------------------------------------------------------------- #
# Negations
# --------------------------------------------------------------------------- #


@pytest.mark.parametrize(
    "text, present",
    [
        ("del(5q)", True), ("del5q", True), ("del 5q", True), ("5q deletion", True), ("isolated del(5q)", True),
        ("MDS with del(5q)", True), ("5q- syndrome", True), ("del(5)(q13q33)", True), ("del(5q) present", True),
        ("no del(5q)", False), ("non-del(5q)", False), ("non-del5q", False), ("without 5q deletion", False),
        ("no 5q deletion", False), ("del(5q) negative", False), ("del(5q): absent", False),
        ("negative for del(5q)", False), ("del(5q) not detected", False),
    ],
)
def test_del5q_presence_and_absence(text, present):
    assert extract_facts(f"IPSS-R low, {text}, Hb 8 g/dL").facts["del5q"] is present


def test_normal_karyotype_does_not_guess_del5q():
    extracted = extract_facts("IPSS-R low, normal karyotype")
    assert "del5q" not in extracted.facts
    assert any("Normal karyotype" in note for note in extracted.notes)


def test_del5q_status_pending_is_not_recorded():
    assert "del5q" not in extract_facts("del(5q) pending").facts


@pytest.mark.parametrize(
    "text, expected",
    [
        ("SF3B1-mutated", {"sf3b1": "mutated"}),
        ("SF3B1 mut", {"sf3b1": "mutated"}),
        ("SF3B1 mutation (VAF 32%)", {"sf3b1": "mutated"}),
        ("SF3B1 K700E", {"sf3b1": "mutated"}),
        ("mutated SF3B1", {"sf3b1": "mutated"}),
        ("SF3B1 wild-type", {"sf3b1": "wild_type"}),
        ("SF3B1 WT", {"sf3b1": "wild_type"}),
        ("SF3B1 negative", {"sf3b1": "wild_type"}),
        ("no SF3B1 mutation", {"sf3b1": "wild_type"}),
        ("SF3B1 mutation not detected", {"sf3b1": "wild_type"}),
        ("negative for SF3B1", {"sf3b1": "wild_type"}),
        ("IDH2 mutation", {"idh2": "mutated"}),
        ("IDH1 R132H", {"idh1": "mutated"}),
        ("IDH1/2 wild-type", {"idh1": "wild_type", "idh2": "wild_type"}),
        ("SF3B1 and IDH2 mutations", {"sf3b1": "mutated", "idh2": "mutated"}),
        ("SF3B1 mutated, IDH1 wild-type", {"sf3b1": "mutated", "idh1": "wild_type"}),
        ("no del(5q), SF3B1 mutated", {"sf3b1": "mutated", "del5q": False}),
        ("SF3B1 not tested", {}),
        ("IDH2 pending", {}),
    ],
)
def test_mutation_status(text, expected):
    assert extract_facts(text).facts == expected


def test_idh_without_gene_number_is_not_guessed():
    extracted = extract_facts("IDH mutation detected")
    assert extracted.facts == {}
    assert any("IDH1 or IDH2" in note for note in extracted.notes)


@pytest.mark.parametrize(
    "text, therapies",
    [
        ("ESA-naive", []),
        ("ESA naïve", []),
        ("never had an ESA", []),
        ("never received an ESA", []),
        ("no prior ESA", []),
        ("EPO-naive", []),
        ("no prior therapy", []),
        ("no prior treatment", []),
        ("treatment-naive", []),
        ("previously untreated", []),
        ("ESA-naive, prior azacitidine x 6 months", [{"agent": "azacitidine", "weeks": 24}]),
    ],
)
def test_explicit_no_prior_therapy(text, therapies):
    assert extract_facts(text).facts["therapies"] == therapies


def test_therapy_history_not_mentioned_stays_undocumented():
    assert "therapies" not in extract_facts("IPSS-R low, sEPO 100 U/L, can she get Procrit?").facts


def test_never_had_a_named_drug_is_not_that_drug_and_not_esa_naive():
    extracted = extract_facts("never had Reblozyl; can she get Rytelo?")
    assert extracted.drug == "imetelstat"
    assert "therapies" not in extracted.facts


@pytest.mark.parametrize(
    "text, units",
    [
        ("transfusion-independent", 0),
        ("transfusion independent", 0),
        ("no transfusions", 0),
        ("no RBC transfusions in the last 8 weeks", 0),
        ("does not require transfusions", 0),
    ],
)
def test_no_transfusions(text, units):
    assert extract_facts(text).facts == {"rbc_units_last_8_weeks": units}


@pytest.mark.parametrize("text", [
    "not transfusion dependent", "Not transfusion-dependent.", "pt isn't transfusion dependent yet",
    "he is not yet transfusion-dependent", "not TD yet", "no longer transfusion dependent", "she isn't TD",
])
def test_not_transfusion_dependent_is_not_zero_units(text):
    extracted = extract_facts(text)  # below a dependence threshold is not "no transfusions"
    assert extracted.facts == {}
    assert any("is not a unit count" in note for note in extracted.notes)
    assert not any("dependence stated" in note for note in extracted.notes)


def test_transfusion_dependent_without_a_count_asks_for_units():
    extracted = extract_facts("transfusion dependent")
    assert extracted.facts == {}
    assert any("without a unit count" in note for note in extracted.notes)


@pytest.mark.parametrize(
    "text, iron",
    [("iron replete", True), ("adequate iron", True), ("iron stores adequate", True),
     ("iron deficient", False), ("iron deficiency", False), ("not iron replete", False)],
)
def test_iron_status_goes_on_the_esa_course(text, iron):
    facts = extract_facts(f"failed 8 weeks of Procrit, {text}").facts
    assert facts["therapies"] == [{"agent": "epoetin_alfa", "weeks": 8, "response": "none", "iron_replete": iron}]


def test_iron_status_without_any_esa_course_is_only_noted():
    extracted = extract_facts("Can she get Retacrit? iron replete, sEPO 100 U/L, ESA-naive")
    assert extracted.facts["therapies"] == []
    assert any("iron status is recorded only with a prior ESA course" in note for note in extracted.notes)


# --------------------------------------------------------------------------- #
# Prior therapies
# --------------------------------------------------------------------------- #


@pytest.mark.parametrize(
    "text, entry",
    [
        ("failed Procrit", {"agent": "epoetin_alfa", "response": "none"}),
        ("no response to 8 weeks of Aranesp", {"agent": "darbepoetin_alfa", "weeks": 8, "response": "none"}),
        ("refractory to epoetin alfa", {"agent": "epoetin_alfa", "response": "none"}),
        ("Procrit-refractory", {"agent": "epoetin_alfa", "response": "none"}),
        ("ESA failure after 12 weeks", {"agent": "epoetin_alfa", "weeks": 12, "response": "none"}),
        ("lost response to Aranesp", {"agent": "darbepoetin_alfa", "response": "lost"}),
        ("relapsed after Retacrit", {"agent": "epoetin_alfa", "response": "lost"}),
        ("intolerant to Revlimid", {"agent": "lenalidomide", "response": "intolerant"}),
        ("responding to darbepoetin", {"agent": "darbepoetin_alfa", "response": "responding"}),
        ("Epogen x 3 wks without response", {"agent": "epoetin_alfa", "weeks": 3, "response": "none"}),
        ("12-week trial of darbepoetin, no response", {"agent": "darbepoetin_alfa", "weeks": 12, "response": "none"}),
        ("previously on Vidaza", {"agent": "azacitidine"}),
        ("prior decitabine", {"agent": "decitabine"}),
        ("after failing an HMA", {"agent": "azacitidine", "response": "none"}),
        ("epoetin alfa 40,000 units weekly x 8 weeks, no response",
         {"agent": "epoetin_alfa", "weeks": 8, "response": "none"}),
        ("prior ESA (darbepoetin) for 12 weeks, no response",
         {"agent": "darbepoetin_alfa", "weeks": 12, "response": "none"}),
        ("luspatercept for 6 months then lost response", {"agent": "luspatercept", "weeks": 24, "response": "lost"}),
        ("TD despite Retacrit 40k weekly x 12 wks w/ iron repletion",
         {"agent": "epoetin_alfa", "weeks": 12, "response": "none", "iron_replete": True}),
        ("Aranesp 500 mcg q3 weeks for 9 weeks, no response",
         {"agent": "darbepoetin_alfa", "weeks": 9, "response": "none"}),
        ("on Reblozyl 1 mg/kg for 24 weeks and lost response",
         {"agent": "luspatercept", "weeks": 24, "response": "lost"}),
        ("She had a good response to EPO for 2 years then relapsed", {"agent": "epoetin_alfa", "response": "lost"}),
    ],
)
def test_prior_therapy_entries(text, entry):
    assert extract_facts(text).assumed_facts()["therapies"] == [entry]


def test_two_prior_therapies_keep_their_own_responses():
    facts = extract_facts("Aranesp x 12 weeks with loss of response and intolerant to lenalidomide").facts
    assert facts["therapies"] == [
        {"agent": "darbepoetin_alfa", "weeks": 12, "response": "lost"},
        {"agent": "lenalidomide", "response": "intolerant"},
    ]


def test_failed_applies_to_each_drug_in_a_list():
    facts = extract_facts("failed Procrit and Aranesp").facts
    assert facts["therapies"] == [
        {"agent": "epoetin_alfa", "response": "none"},
        {"agent": "darbepoetin_alfa", "response": "none"},
    ]


def test_generic_esa_history_is_noted():
    extracted = extract_facts("failed ESA, can she get Reblozyl?")
    assert "therapies" not in extracted.facts  # an assumption, settled by the chat against the verdict
    assert extracted.assumed_facts()["therapies"] == [{"agent": "epoetin_alfa", "response": "none"}]
    assert extracted.assumptions[0].note == "ESA not named: assumed epoetin alfa."
    assert extracted.assumptions[0].alternatives == [{"agent": "darbepoetin_alfa", "response": "none"}]


def test_months_of_therapy_are_converted_with_a_note():
    extracted = extract_facts("lost response to Aranesp after 6 months")
    assert extracted.facts["therapies"] == [{"agent": "darbepoetin_alfa", "weeks": 24, "response": "lost"}]
    assert any("counted as 24 weeks" in note for note in extracted.notes)


# --------------------------------------------------------------------------- #
# Units, numbers and conversions
# --------------------------------------------------------------------------- #


@pytest.mark.parametrize(
    "text, epo, note",
    [
        ("sEPO 620 U/L", {"value": 620, "unit": "U/L"}, None),
        ("EPO 620 U/l", {"value": 620, "unit": "U/L"}, None),
        ("serum erythropoietin 80 mU/mL", {"value": 80, "unit": "mU/mL"}, None),
        ("sEPO 45 mU/ml", {"value": 45, "unit": "mU/mL"}, None),
        ("sEPO 800 IU/L", {"value": 800, "unit": "U/L"}, "800 IU/L recorded as U/L"),
        ("s-EPO 450 mIU/mL", {"value": 450, "unit": "mU/mL"}, "450 mIU/mL recorded as mU/mL"),
        ("sEPO 150", {"value": 150, "unit": "U/L"}, "given without a unit: assumed U/L"),
        ("EPO level 1,200 U/L", {"value": 1200, "unit": "U/L"}, None),
        ("sEPO of 42.5 U/L", {"value": 42.5, "unit": "U/L"}, None),
        ("sEPO > 500", {"value": 500.1, "unit": "U/L"}, "strict bound"),
        ("sEPO <500 U/L", {"value": 499.9, "unit": "U/L"}, "strict bound"),
        ("sEPO ≤ 500 U/L", {"value": 500, "unit": "U/L"}, "recorded as the stated bound"),
    ],
)
def test_serum_epo_units(text, epo, note):
    extracted = extract_facts(text)
    assert extracted.assumed_facts() == {"serum_epo": epo}
    if note:
        assert any(note in n for n in extracted.notes), extracted.notes


def test_epo_dose_is_not_a_serum_level():
    facts = extract_facts("EPO 40,000 units weekly for 8 weeks").assumed_facts()
    assert "serum_epo" not in facts
    assert facts["therapies"] == [{"agent": "epoetin_alfa", "weeks": 8}]


@pytest.mark.parametrize(
    "text, hb, note",
    [
        ("Hb 8.5 g/dL", {"value": 8.5, "unit": "g/dL"}, None),
        ("Hb 9 g/dl", {"value": 9, "unit": "g/dL"}, None),
        ("hemoglobin 85 g/L", {"value": 85, "unit": "g/L"}, None),
        ("haemoglobin of 7.9", {"value": 7.9, "unit": "g/dL"}, "assumed g/dL"),
        ("Hgb 92", {"value": 92, "unit": "g/L"}, "assumed g/L"),
        ("Hb 8,5 g/dL", {"value": 8.5, "unit": "g/dL"}, None),
    ],
)
def test_hemoglobin_units(text, hb, note):
    extracted = extract_facts(text)
    assert extracted.facts == {"hemoglobin": hb}
    if note:
        assert any(note in n for n in extracted.notes), extracted.notes


def test_two_values_with_no_time_cue_are_asked_not_guessed():
    extracted = extract_facts("sEPO 45 mU/ml, EPO 620 U/l")
    assert "serum_epo" not in extracted.facts
    assert extracted.unresolved == ["serum_epo"]
    assert extracted.drugs == []  # the second "EPO" is a lab, not the drug
    assert any("does not say which is current" in note for note in extracted.notes)


@pytest.mark.parametrize(
    "text, units, note",
    [
        ("4 units in 8 weeks", 4, None),
        ("2 units every 4 weeks", 4, "2 units every 4 weeks = 4 units per 8 weeks"),
        ("two units every four weeks", 4, "= 4 units per 8 weeks"),
        ("1 unit a month", 2, "1 unit a month = 2 units per 8 weeks"),
        ("transfused monthly", 2, "assumed 1 unit per transfusion"),
        ("monthly transfusions", 2, "assumed 1 unit per transfusion"),
        ("twice monthly transfusions", 4, "= 4 units per 8 weeks"),
        ("transfusions twice monthly", 4, "= 4 units per 8 weeks"),
        ("2 units per month", 4, "2 units per month = 4 units per 8 weeks"),
        ("2 units monthly", 4, "= 4 units per 8 weeks"),
        ("1 unit every 2 weeks", 4, "= 4 units per 8 weeks"),
        ("2 units every 2 weeks", 8, "= 8 units per 8 weeks"),
        ("transfused every 2 weeks", 4, "assumed 1 unit per transfusion"),
        ("4u/8wk", 4, None),
        ("3 units q4 weeks", 6, "= 6 units per 8 weeks"),
        ("2 units every 3 weeks", 5, "5.3 units per 8 weeks, recorded as 5"),
        ("4 PRBC units in the past 8 weeks", 4, None),
        ("transfusion burden of 6 units per 8 weeks", 6, None),
    ],
)
def test_transfusion_burden_per_8_weeks(text, units, note):
    extracted = extract_facts(text)
    assert extracted.facts == {"rbc_units_last_8_weeks": units}
    if note:
        assert any(note in n for n in extracted.notes), extracted.notes


def test_weeks_of_esa_are_not_transfusion_units():
    facts = extract_facts("8 weeks of ESA without response, 2 units in 8 weeks").assumed_facts()
    assert facts["rbc_units_last_8_weeks"] == 2
    assert facts["therapies"] == [{"agent": "epoetin_alfa", "weeks": 8, "response": "none"}]
    assert extract_facts("failed 8 weeks of epoetin").assumed_facts() == {
        "therapies": [{"agent": "epoetin_alfa", "weeks": 8, "response": "none"}]}


@pytest.mark.parametrize(
    "text, expected",
    [
        ("RS 20%", {"ring_sideroblasts_pct": 20}),
        ("RS: 20 %", {"ring_sideroblasts_pct": 20}),
        ("ring sideroblasts of 15%", {"ring_sideroblasts_pct": 15}),
        ("20% ring sideroblasts", {"ring_sideroblasts_pct": 20}),
        ("RS ≥ 15%", {"ring_sideroblasts_pct": 15}),
        ("RS 5.5%", {"ring_sideroblasts_pct": 5.5}),
        ("blasts 3%", {"bone_marrow_blasts_pct": 3}),
        ("BM blasts 1.5 %", {"bone_marrow_blasts_pct": 1.5}),
        ("2% marrow blasts", {"bone_marrow_blasts_pct": 2}),
        ("blasts <5%", {"bone_marrow_blasts_pct": 4.9}),
        ("RS 20% blasts 2%", {"ring_sideroblasts_pct": 20, "bone_marrow_blasts_pct": 2}),
        ("PB blasts 1%", {}),
        ("SF3B1 VAF 35% with ring sideroblasts", {"sf3b1": "mutated"}),  # VAF is not an RS percentage
    ],
)
def test_percentages(text, expected):
    assert extract_facts(text).assumed_facts() == expected


@pytest.mark.parametrize(
    "text, expected",
    [
        ("IPSS-R very low", {"ipss_r": "very_low"}),
        ("IPSS-R: low", {"ipss_r": "low"}),
        ("IPSS-R intermediate", {"ipss_r": "intermediate"}),
        ("R-IPSS int", {"ipss_r": "intermediate"}),
        ("low-risk by IPSS-R", {"ipss_r": "low"}),
        ("very high IPSS-R", {"ipss_r": "very_high"}),
        ("IPSS-R score 2.5", {"ipss_r": "low"}),
        ("IPSS int-1", {"ipss": "int1"}),
        ("intermediate-1 IPSS", {"ipss": "int1"}),
        ("IPSS INT-2", {"ipss": "int2"}),
        ("IPSS low", {"ipss": "low"}),
        ("IPSS high", {"ipss": "high"}),
        ("IPSS-R low and IPSS int-1", {"ipss_r": "low", "ipss": "int1"}),
    ],
)
def test_risk_categories(text, expected):
    assert extract_facts(text).facts == expected


def test_unscored_risk_is_not_guessed():
    extracted = extract_facts("lower-risk MDS; IPSS intermediate")
    assert extracted.facts == {}
    assert any("without an IPSS-R or IPSS category" in note for note in extracted.notes)
    assert any("intermediate-1 or -2" in note for note in extracted.notes)


@pytest.mark.parametrize(
    "text, age",
    [("72-year-old woman", 72), ("72 year old", 72), ("age 80", 80), ("aged 67", 67), ("80 yo", 80),
     ("81 y/o", 81), ("68 years old", 68), ("70 years of age", 70)],
)
def test_age(text, age):
    assert extract_facts(text).facts == {"age_years": age}


# --------------------------------------------------------------------------- #
# Across turns, and what the user is shown
# --------------------------------------------------------------------------- #


def test_merge_later_turn_overrides_field_by_field():
    first = extract_facts("Can she get Reblozyl? IPSS-R low, sEPO 620 U/L, RS 20%").facts
    second = extract_facts("sorry, sEPO is 150, and SF3B1 mutated").facts
    merged = merge_facts(first, second)
    assert merged == {"ipss_r": "low", "serum_epo": {"value": 150, "unit": "U/L"},
                      "ring_sideroblasts_pct": 20, "sf3b1": "mutated"}
    assert first["serum_epo"] == {"value": 620, "unit": "U/L"}  # inputs untouched


def test_merge_therapies_by_agent():
    old = {"therapies": [{"agent": "epoetin_alfa", "response": "none"}, {"agent": "azacitidine"}]}
    new = extract_facts("it was 10 weeks of Procrit").facts
    assert new == {"therapies": [{"agent": "epoetin_alfa", "weeks": 10}]}
    merged = merge_facts(old, new)
    assert merged["therapies"] == [{"agent": "epoetin_alfa", "response": "none", "weeks": 10},
                                   {"agent": "azacitidine"}]
    assert merge_facts(old, {"therapies": [{"agent": "lenalidomide"}]})["therapies"][-1] == {"agent": "lenalidomide"}


def test_merge_iron_follow_up_qualifies_the_earlier_esa_course():
    first = extract_facts("failed 8 weeks of Aranesp, can she get Reblozyl?").facts
    follow_up = extract_facts("she was iron replete")
    assert follow_up.drug is None
    merged = merge_facts(first, follow_up.facts)
    assert merged["therapies"] == [
        {"agent": "darbepoetin_alfa", "weeks": 8, "response": "none", "iron_replete": True}]
    assert "therapies" not in merge_facts({"ipss_r": "low"}, follow_up.facts)
    assert extract_facts("ESA-naive, iron replete").facts == {"therapies": []}


def test_merge_explicit_no_prior_therapy_replaces_history():
    old = {"therapies": [{"agent": "epoetin_alfa", "response": "none"}]}
    assert merge_facts(old, extract_facts("no prior therapy").facts)["therapies"] == []
    assert merge_facts(old, {})["therapies"] == old["therapies"]


def test_merged_conversation_reaches_a_decision():
    _, evaluate = _rules_core()
    turns = [
        "Can my patient get Reblozyl? IPSS-R low, RS 20%, SF3B1 mutated",
        "sEPO 620 U/L and 2 units every 4 weeks",
        "she failed 8 weeks of Procrit",
        "iron replete",
    ]
    facts: dict = {}
    decisions = []
    for turn in turns:
        facts = merge_facts(facts, extract_facts(turn).facts)
        decisions.append(evaluate("luspatercept", facts).decision)
    assert decisions == ["insufficient_documentation", "meets_criteria", "meets_criteria", "meets_criteria"]
    assert facts["therapies"] == [{"agent": "epoetin_alfa", "weeks": 8, "response": "none", "iron_replete": True}]


def test_describe_facts_lines():
    facts = extract_facts(
        "Can my patient get Reblozyl? 72-year-old, IPSS-R low, IPSS int-1, blasts 3%, RS 20%, SF3B1 mutated, "
        "IDH2 wild-type, no del(5q), sEPO 620 U/L, Hb 8.5 g/dL, 2 units every 4 weeks, "
        "failed 8 weeks of epoetin with iron replete"
    ).facts
    assert describe_facts(facts) == [
        "Age: 72 years",
        "IPSS-R: low",
        "IPSS: intermediate-1",
        "Bone marrow blasts: 3%",
        "Ring sideroblasts: 20%",
        "SF3B1: mutated",
        "IDH2: wild-type",
        "del(5q): absent",
        "Serum EPO: 620 U/L",
        "Hemoglobin: 8.5 g/dL",
        "RBC transfusions: 4 units / 8 weeks",
        "Prior therapy: epoetin alfa, 8 weeks, no response, iron replete",
    ]


def test_describe_no_prior_therapy_and_empty():
    assert describe_facts({"therapies": []}) == ["Prior therapy: none"]
    assert describe_facts({}) == []
    assert describe_facts({"serum_epo": {"value": 500.1, "unit": "U/L"}}) == ["Serum EPO: 500.1 U/L"]


def test_result_model_shape():
    extracted = extract_facts("Can she get Reblozyl? RS 20%")
    assert isinstance(extracted, ExtractedFacts)
    assert extracted.model_dump() == {
        "drug": "luspatercept",
        "drugs": ["luspatercept"],
        "facts": {"ring_sideroblasts_pct": 20},
        "notes": [],
        "spans": {"ring_sideroblasts_pct": "RS 20%", "drug": "Reblozyl"},
        "assumptions": [],
        "unresolved": [],
    }


def test_module_stays_import_light():
    code = (
        "import sys, bot.eligibility; "
        "heavy = [m for m in ('torch', 'sentence_transformers', 'chromadb', 'langchain_core', 'numpy', 'gradio') "
        "if m in sys.modules]; print(heavy); sys.exit(1 if heavy else 0)"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            cwd=Path(__file__).resolve().parents[1])
    assert result.returncode == 0, result.stdout + result.stderr


def test_long_pasted_notes_stay_fast():
    import time

    started = time.perf_counter()
    for text in ("EPO " * 3000, "failed Procrit " * 1000, " ".join(case["text"] for case in CASES) * 3):
        extract_facts(text)
    assert time.perf_counter() - started < 10


# --------------------------------------------------------------------------- #
# Settings, the lexicon and the shared text helpers
# --------------------------------------------------------------------------- #


def test_strict_bound_step_and_hemoglobin_unit_guess_come_from_settings():
    from bot.settings import FactReading

    text = "Can she get luspatercept? sEPO > 500 U/L, Hb 12"
    default = extract_facts(text)
    assert default.assumed_facts()["serum_epo"]["value"] == 500.1
    assert default.facts["hemoglobin"] == {"value": 12, "unit": "g/dL"}
    tuned = extract_facts(text, FactReading(strict_bound_step=0.5, hemoglobin_g_per_dl_max=10,
                                            hemoglobin_g_per_dl_min=1))
    assert tuned.assumed_facts()["serum_epo"]["value"] == 500.5
    assert tuned.facts["hemoglobin"] == {"value": 12, "unit": "g/L"}
    assert "Serum EPO 'sEPO > 500 U/L': strict bound, recorded just above it (500.5)." in tuned.notes


def test_fact_reading_settings_are_read_from_the_environment(monkeypatch):
    from bot.settings import Settings

    monkeypatch.setenv("MDSBOT_FACT_READING__WEEKS_PER_MONTH", "5")
    reading = Settings().fact_reading
    assert reading.weeks_per_month == 5
    extracted = extract_facts("Can she get luspatercept? 2 units monthly, failed 3 months of epoetin", reading)
    assert extracted.facts["therapies"][0]["weeks"] == 15
    assert any("1 month counted as 5 weeks" in note for note in extracted.notes)


def test_number_words_are_read_by_corpus_text():
    from corpus.text import parse_number, parse_number_as_written

    assert parse_number("twenty-four") == 24 and parse_number_as_written("8,5") == 8.5
    assert parse_number_as_written("20") == 20 and isinstance(parse_number_as_written("20.0"), float)
    extracted = extract_facts("Patient relapsed after twenty-four weeks of luspatercept. Can she get imetelstat?")
    assert extracted.facts["therapies"] == [{"agent": "luspatercept", "weeks": 24, "response": "lost"}]


def test_class_treatment_names_are_for_fact_reading_only():
    from corpus.vocabulary import concepts_in

    lexicon = load_lexicon()
    assert [m.id for m in lexicon.mentions("failed EPO", treatments=True)] == ["esa"]
    assert lexicon.mentions("failed EPO") == []
    assert "cesa" not in {c.key for c in concepts_in("serum EPO level")}
    extracted = extract_facts("Can my patient get luspatercept? failed EPO, EPO level 600")
    assert extracted.assumed_facts()["therapies"] == [{"agent": "epoetin_alfa", "response": "none"}]
    assert extracted.facts["serum_epo"] == {"value": 600, "unit": "U/L"}


def test_eligibility_code_names_no_brand_or_trial_and_stays_small():
    import re

    lexicon = load_lexicon()
    names = [brand for drug in lexicon.drugs for brand in drug.brands] + [trial.label for trial in lexicon.trials]
    package = Path(__file__).resolve().parents[1] / "bot" / "eligibility"
    for module in package.glob("*.py"):
        source = module.read_text(encoding="utf-8")
        assert len(source.splitlines()) <= 300, module.name
        for name in names:
            assert not re.search(rf"(?<![\w-]){re.escape(name)}(?!\w)", source, re.IGNORECASE), (module.name, name)
