"""Classes of misreading found on the labelled set (issue #12 item 2), each tested on phrasings
that are not in eval/cases: a value that is not the patient's now is never recorded."""

from __future__ import annotations

import pytest

from bot.eligibility.reader import extract_facts


@pytest.mark.parametrize(
    "text, expected",
    [
        ("Neither 5q deletion nor an IDH2 mutation found.", {"del5q": False, "idh2": "wild_type"}),
        ("neither del(5q) nor any SF3B1 mutation", {"del5q": False, "sf3b1": "wild_type"}),
        ("del(5q) present, no IDH1 nor SF3B1 mutation", {"del5q": True, "idh1": "wild_type", "sf3b1": "wild_type"}),
    ],
)
def test_a_negated_gene_list_with_an_article_covers_each_member(text, expected):
    assert extract_facts(text).facts == expected


@pytest.mark.parametrize("text", ["81-year-old woman; age 79 on the referral.", "Age: 70. She is a 74 yo."])
def test_two_different_ages_are_asked_not_the_first_taken(text):
    extracted = extract_facts(text)
    assert "age_years" not in extracted.facts
    assert "age_years" in extracted.unresolved


@pytest.mark.parametrize(
    "text, facts",
    [
        ("His sister failed darbepoetin; he is ESA-naive.", {"therapies": []}),
        ("Her mother, 90, had lenalidomide.", {}),
    ],
)
def test_someone_elses_course_is_not_the_patients(text, facts):
    extracted = extract_facts(text)
    assert extracted.facts == facts
    assert any("someone other than the patient" in note for note in extracted.notes)


@pytest.mark.parametrize(
    "text, facts",
    [
        ("We transfuse below a trigger of Hb 7.5 g/dL.", {}),
        ("Hb 8.4 g/dL, goal of 11 g/dL.", {"hemoglobin": {"value": 8.4, "unit": "g/dL"}}),
        ("Aiming for transfusion independence; 3 units in the past 8 weeks.", {"rbc_units_last_8_weeks": 3}),
    ],
)
def test_a_threshold_or_target_is_not_the_patients_value(text, facts):
    assert extract_facts(text).facts == facts


@pytest.mark.parametrize(
    "text, therapies",
    [
        ("Will add luspatercept in case darbepoetin fails; darbepoetin for 6 weeks so far.",
         [{"agent": "darbepoetin_alfa", "weeks": 6}]),
        ("Epoetin alfa 8 weeks; switch to imetelstat should she fail it.", [{"agent": "epoetin_alfa", "weeks": 8}]),
    ],
)
def test_a_response_in_a_plan_is_not_an_outcome(text, therapies):
    assert extract_facts(text).facts["therapies"] == therapies


@pytest.mark.parametrize("text", ["She is not ESA-naive - darbepoetin alfa for 12 weeks, refractory.",
                                  "No longer ESA naive; darbepoetin alfa x12 wks, refractory."])
def test_not_naive_is_an_exposure(text):
    assert extract_facts(text).facts["therapies"] == [
        {"agent": "darbepoetin_alfa", "weeks": 12, "response": "none"}]


def test_a_course_stated_failed_and_responding_is_asked():
    extracted = extract_facts("Darbepoetin alfa refractory. Darbepoetin alfa continuing with good response.")
    assert "therapies" not in extracted.facts or extracted.facts["therapies"] == []
    assert "therapies" in extracted.unresolved


@pytest.mark.parametrize("text", ["Received 5 units over the past 3 weeks.", "3 u pRBC in the last 21 days."])
def test_a_window_shorter_than_eight_weeks_is_not_scaled_up(text):
    extracted = extract_facts(text)
    assert "rbc_units_last_8_weeks" not in extracted.facts
    assert any("less than the last 8 weeks" in note for note in extracted.notes)


@pytest.mark.parametrize("text", ["3 units in week 2 and 1 unit in week 7.", "2 units in wk 3 of the last 8 wks"])
def test_a_numbered_week_is_not_a_weekly_rate(text):
    assert "rbc_units_last_8_weeks" not in extract_facts(text).facts


@pytest.mark.parametrize(
    "text, expected",
    [
        ("Blasts and RS were 2% and 40%, respectively.", {"bone_marrow_blasts_pct": 2, "ring_sideroblasts_pct": 40}),
        ("sEPO, Hb: 75 U/L, 7.9 g/dL", {"serum_epo": {"value": 75, "unit": "U/L"},
                                       "hemoglobin": {"value": 7.9, "unit": "g/dL"}}),
        ("Age and RBC units: 80 and 6 in the past 8 weeks.", {"age_years": 80, "rbc_units_last_8_weeks": 6}),
    ],
)
def test_labels_then_values_are_paired_in_order(text, expected):
    assert extract_facts(text).facts == expected


def test_labels_without_as_many_values_are_not_paired():
    extracted = extract_facts("RS and blasts 12%.")
    assert extracted.facts == {}
    assert any("which value is which" in note for note in extracted.notes)


@pytest.mark.parametrize(
    "text, facts, unresolved",
    [
        ("Marrow blasts 1% in 2022, 4% on this month's repeat biopsy.", {"bone_marrow_blasts_pct": 4}, []),
        ("RS 12% initially and 22% now", {"ring_sideroblasts_pct": 22}, []),
        ("Blasts 2% or 7%, the report is unclear.", {}, ["bone_marrow_blasts_pct"]),
        ("Blasts 3%, 45% cellularity.", {"bone_marrow_blasts_pct": 3}, []),
    ],
)
def test_a_later_bare_percentage_is_the_same_count_again(text, facts, unresolved):
    extracted = extract_facts(text)
    assert extracted.facts == facts
    assert extracted.unresolved == unresolved


@pytest.mark.parametrize(
    "text, expected",
    [
        ("Blasts 1% in PB, marrow blasts 6%.", {"bone_marrow_blasts_pct": 6}),
        ("Marrow blasts 5%, 2% in the peripheral blood.", {"bone_marrow_blasts_pct": 5}),
    ],
)
def test_peripheral_blood_blasts_after_the_value_are_not_the_marrow_count(text, expected):
    assert extract_facts(text).facts == expected


@pytest.mark.parametrize(
    "text, expected",
    [
        ("R-IPSS VH", {"ipss_r": "very_high"}),
        ("IPSS-R: lo risk", {"ipss_r": "low"}),
        ("marrow bl 2.5%, 18% RS", {"bone_marrow_blasts_pct": 2.5, "ring_sideroblasts_pct": 18}),
        ("SF3B1 and IDH2 both wild-type", {"sf3b1": "wild_type", "idh2": "wild_type"}),
    ],
)
def test_shorthand_categories_labels_and_shared_status(text, expected):
    assert extract_facts(text).facts == expected


@pytest.mark.parametrize(
    "text, therapies",
    [
        ("Darbepoetin x 10 wks, intol.", [{"agent": "darbepoetin_alfa", "weeks": 10, "response": "intolerant"}]),
        ("Azacitidine then decitabine; none of them helped.",
         [{"agent": "azacitidine", "response": "none"}, {"agent": "decitabine", "response": "none"}]),
        ("Lenalidomide did not work.", [{"agent": "lenalidomide", "response": "none"}]),
        ("Imetelstat NR at 16 wks.", [{"agent": "imetelstat", "weeks": 16, "response": "none"}]),
        ("8 wk darbepoetin alfa, no response.", [{"agent": "darbepoetin_alfa", "weeks": 8, "response": "none"}]),
        ("Taking darbepoetin alfa plus lenalidomide.", [{"agent": "darbepoetin_alfa"}, {"agent": "lenalidomide"}]),
    ],
)
def test_shorthand_responses_durations_and_plus(text, therapies):
    assert extract_facts(text).facts["therapies"] == therapies


@pytest.mark.parametrize(
    "text, hemoglobin",
    [
        ("Hb 10.2 g/dL initial, 7.8 g/dL at this visit", 7.8),
        ("Initial Hgb 9.9 g/dL; Hgb 8.0 g/dL now", 8.0),
    ],
)
def test_initial_is_past_and_this_visit_is_current(text, hemoglobin):
    assert extract_facts(text).facts["hemoglobin"]["value"] == hemoglobin


@pytest.mark.parametrize(
    "text, category",
    [
        ("IPSS-R very low in 2020, upgraded to high after the repeat marrow.", "high"),
        ("IPSS-R intermediate initially, re-stratified as low after restaging.", "low"),
        ("IPSS-R low, platelets now low too.", "low"),  # "now low" is not a re-scoring
    ],
)
def test_a_rescored_risk_category_is_the_current_one(text, category):
    assert extract_facts(text).facts["ipss_r"] == category
