"""Fact reading that respects negation, time, coordination, signs and shorthand (issue 12).

Each example from the issue, read by the real reader; the labelled set behind the
per-field figures is eval/cases/facts.jsonl (scored by `mdsbot eval`).
"""

from __future__ import annotations

import pytest

from bot.eligibility import extract_facts


def therapies(text: str) -> list[dict]:
    return extract_facts(text).facts.get("therapies", [])


@pytest.mark.parametrize("text", ["he did not fail epoetin alfa after 12 weeks; he is still responding",
                                  "Never lost response to epoetin alfa - still responding"])
def test_a_denied_failure_or_loss_is_not_read(text):
    assert [t["response"] for t in therapies(text)] == ["responding"]


def test_has_not_failed_an_unnamed_esa_records_neither_failure_nor_agent():
    extracted = extract_facts("has not failed ESA")
    assert "therapies" not in extracted.facts
    assert all("response" not in a.assumed for a in extracted.assumptions)


@pytest.mark.parametrize("text", ["never had len or HMA", "Never had lenalidomide nor azacitidine.",
                                  "Denies any prior luspatercept or imetelstat."])
def test_negation_covers_every_drug_of_a_list(text):
    extracted = extract_facts(text)
    assert therapies(text) == [] and extracted.assumptions == []
    assert extracted.drugs == []  # a negated drug is not the drug asked about


def test_never_on_one_drug_failed_another():
    assert therapies("Never on luspatercept; failed darbepoetin alfa.") == [
        {"agent": "darbepoetin_alfa", "response": "none"}]


def test_a_response_stated_once_for_a_list_applies_to_each():
    assert therapies("Prior azacitidine and decitabine, no response to either.") == [
        {"agent": "azacitidine", "response": "none"}, {"agent": "decitabine", "response": "none"}]
    assert therapies("Lost response to lenalidomide and then to luspatercept.") == [
        {"agent": "lenalidomide", "response": "lost"}, {"agent": "luspatercept", "response": "lost"}]


@pytest.mark.parametrize("text, value", [
    ("sEPO was 620 U/L last year, now 150", 150),
    ("sEPO 45 U/L in 2019; repeat sEPO today 410 U/L", 410),
    ("sEPO was 180 mU/mL before ESA; latest value 540 mU/mL", 540),
])
def test_the_latest_serum_epo_wins(text, value):
    extracted = extract_facts(text)
    assert extracted.facts["serum_epo"]["value"] == value
    assert any("current value" in note for note in extracted.notes)


def test_the_latest_of_several_hemoglobins_wins():
    facts = extract_facts("Hb 9.0 g/dL last week, 8.2 g/dL yesterday, 7.6 g/dL today.").facts
    assert facts["hemoglobin"] == {"value": 7.6, "unit": "g/dL"}


@pytest.mark.parametrize("text, field", [
    ("Hb 8.1 g/dL. Hb 9.4 g/dL.", "hemoglobin"),
    ("sEPO 480 mU/mL in the clinic note, 510 mU/mL on the lab sheet.", "serum_epo"),
    ("BM blasts 2%. BM blasts 12%.", "bone_marrow_blasts_pct"),
    ("Never transfused; 4 units in the last 8 weeks.", "rbc_units_last_8_weeks"),
    ("IDH2 mutated. IDH2 wild-type.", "idh2"),
    ("Luspatercept: responding. Luspatercept: no response.", "therapies"),
])
def test_two_values_with_no_time_cue_are_asked(text, field):
    extracted = extract_facts(text)
    assert field not in extracted.facts and field in extracted.unresolved


@pytest.mark.parametrize("text, field", [("sEPO -620", "serum_epo"), ("Hb -8.2 g/dL", "hemoglobin"),
                                         ("Blasts -1% in the marrow", "bone_marrow_blasts_pct"),
                                         ("-6 units transfused in the last 8 weeks", "rbc_units_last_8_weeks")])
def test_a_negative_value_is_an_error_not_its_absolute_value(text, field):
    extracted = extract_facts(text)
    assert field not in extracted.facts and field in extracted.unresolved
    assert any("negative" in note for note in extracted.notes)


@pytest.mark.parametrize("text", ["Hb 85 g/dL", "Hb 8.1 g/L", "Hb 0.72 g/dL"])
def test_an_impossible_hemoglobin_is_asked(text):
    assert "hemoglobin" not in extract_facts(text).facts


def test_a_hyphen_joining_label_and_value_is_not_a_sign():
    assert extract_facts("sEPO-620 U/L").facts["serum_epo"]["value"] == 620


@pytest.mark.parametrize("text, units", [("4 u pRBC in past 8 wks", 4), ("1u weekly", 8),
                                         ("Transfused 4 units over the last 56 days.", 4),
                                         ("3 units in the 8 weeks before starting, 1 unit in the most recent 8 weeks", 1)])
def test_shorthand_transfusion_burdens(text, units):
    assert extract_facts(text).facts["rbc_units_last_8_weeks"] == units


def test_shorthand_age_sex_and_ring_sideroblasts():
    facts = extract_facts("74M, IPSS-R low, Ring sids 35%.").facts
    assert facts["age_years"] == 74 and facts["ring_sideroblasts_pct"] == 35


def test_a_bound_is_an_assumption_not_a_fact():
    extracted = extract_facts("Hb below 10")
    assert "hemoglobin" not in extracted.facts
    [assumption] = extracted.assumptions
    assert assumption.assumed == {"value": 9.9, "unit": "g/dL"} and assumption.read == "Hb below 10"


@pytest.mark.parametrize("text, genes", [
    ("Neither SF3B1 nor IDH1 mutated.", {"sf3b1": "wild_type", "idh1": "wild_type"}),
    ("No del(5q), SF3B1 or IDH1/IDH2 mutations.", {"sf3b1": "wild_type", "idh1": "wild_type", "idh2": "wild_type"}),
    ("no del(5q), SF3B1 mutated", {"sf3b1": "mutated"}),
])
def test_a_negated_gene_list_covers_each_gene(text, genes):
    facts = extract_facts(text).facts
    assert {gene: facts.get(gene) for gene in genes} == genes


def test_the_age_now_wins_over_the_age_at_diagnosis():
    assert extract_facts("Age 71 at diagnosis, now 74.").facts["age_years"] == 74
    assert extract_facts("Epoetin beta for 12 weeks without response.").facts == {}  # another agent


def test_a_time_word_belongs_to_the_value_it_precedes():
    assert extract_facts("Hb 8 now 9").facts["hemoglobin"]["value"] == 9
    assert extract_facts("age 71, Hb 8 now 9").facts["age_years"] == 71  # "now 9" is the Hb, not the age


@pytest.mark.parametrize(
    ("text", "category"),
    [("R-IPSS lo risk, sEPO 90", "low"), ("IPSS-R: VH, RS 20%", "very_high"), ("revised IPSS vl; Hb 8.1", "very_low"),
     ("Hi IPSS-R is low", "low")],  # a greeting before the label is no category
)
def test_chart_shorthand_for_an_ipss_r_category_after_its_label(text, category):
    from bot.eligibility import extract_facts

    assert extract_facts(text).facts.get("ipss_r") == category


@pytest.mark.parametrize(("text", "blasts"), [("marrow aspirate: bl 2%", 2), ("BMB bl 1%, RS 30%", 1)])
def test_chart_shorthand_bl_after_a_marrow_word_is_the_blast_count(text, blasts):
    from bot.eligibility import extract_facts

    assert extract_facts(text).facts.get("bone_marrow_blasts_pct") == blasts


@pytest.mark.parametrize("text", ["bl 3% on the smear", "PB bl 2%, Hb 8"])
def test_bl_alone_or_in_blood_is_no_marrow_blast_count(text):
    from bot.eligibility import extract_facts

    assert extract_facts(text).facts.get("bone_marrow_blasts_pct") is None


@pytest.mark.parametrize(
    ("text", "field", "value"),
    [("neither del 5q nor any IDH1 mutation", "idh1", "wild_type"), ("neither del 5q nor any IDH1 mutation", "del5q", False),
     ("Neither 5q- nor an IDH2 variant on NGS.", "idh2", "wild_type"), ("Neither 5q- nor an IDH2 variant on NGS.", "del5q", False)],
)
def test_neither_nor_negates_every_item_even_with_an_article(text, field, value):
    from bot.eligibility import extract_facts

    assert extract_facts(text).facts.get(field) == value


def test_a_negated_list_does_not_reach_a_gene_stated_mutated_after_it():
    from bot.eligibility import extract_facts

    facts = extract_facts("no del 5q, SF3B1 mutated").facts
    assert facts.get("del5q") is False and facts.get("sf3b1") == "mutated"


@pytest.mark.parametrize(
    ("text", "status", "genes"),
    [("SF3B1 and IDH2 both mutated", "mutated", ("sf3b1", "idh2")),
     ("IDH1 and IDH2 are both negative", "wild_type", ("idh1", "idh2"))],
)
def test_all_or_both_before_a_status_gives_it_to_the_whole_group(text, status, genes):
    from bot.eligibility import extract_facts

    facts = extract_facts(text).facts
    assert all(facts.get(g) == status for g in genes)


@pytest.mark.parametrize(
    ("text", "therapies"),
    [("His wife failed epoetin alfa after 12 weeks; he is ESA-naive.", []),
     ("She failed epoetin alfa after 12 weeks; her sister is on luspatercept.",
      [{"agent": "epoetin_alfa", "weeks": 12, "response": "none"}])],
)
def test_a_relatives_course_is_not_the_patients_therapy(text, therapies):
    from bot.eligibility import extract_facts

    read = extract_facts(text)
    assert (read.facts.get("therapies") or []) == therapies and any("someone other" in n for n in read.notes)


@pytest.mark.parametrize("text", ["darbepoetin continued with a response, Hb 10.2 g/dL", "Epoetin alfa ongoing with good response."])
def test_a_course_going_on_with_a_response_is_responding(text):
    from bot.eligibility import extract_facts

    assert extract_facts(text).facts["therapies"][0]["response"] == "responding"


def test_a_failure_and_a_response_said_of_the_same_course_are_asked_not_guessed():
    from bot.eligibility import extract_facts

    read = extract_facts("No response to darbepoetin; darbepoetin continuing with good response.")
    assert not read.facts.get("therapies") and "therapies" in read.unresolved


@pytest.mark.parametrize(
    ("text", "agents"),
    [("Tried epoetin alfa for 10 weeks, it didn't work.", ["epoetin_alfa"]),
     ("lenalidomide and azacitidine: none of them helped", ["lenalidomide", "azacitidine"])],
)
def test_it_did_not_work_or_none_helped_is_no_response(text, agents):
    from bot.eligibility import extract_facts

    therapies = extract_facts(text).facts["therapies"]
    assert [t["agent"] for t in therapies] == agents and all(t["response"] == "none" for t in therapies)
