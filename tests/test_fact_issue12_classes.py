"""Issue #12 classes of fact reading, each on wordings that are not in eval/cases: transfusion counts
(listed, repeated, zero, rate first, non-red-cell products), course weeks after a dose, a running
course's week, and tolerance that contradicts intolerance."""

from __future__ import annotations

import pytest

from bot.eligibility.reader import extract_facts

UNITS = "rbc_units_last_8_weeks"


@pytest.mark.parametrize(
    "text, units",
    [
        # counts listed under one window are summed
        ("She got 1 unit in week 2, 2 units in week 4 and 1 unit in week 7 of the past 8 weeks.", 4),
        ("3 units on day 5 and 3 units on day 40 over the last 8 weeks.", 6),
        # a product that is not red cells is left out of the sum
        ("4 units of pRBC plus 6 units of platelets over the last 8 weeks.", 4),
        ("1 unit of RBC and 2 units of FFP within the past 8 weeks.", 1),
        # a count repeated on each occasion
        ("3 units at each of 2 visits in the past 8 weeks.", 6),
        ("Given 1 unit on each of four occasions during the last 8 weeks.", 4),
        # the rate first, the count after
        ("Every 4 weeks, transfusions of 3 units.", 6),
        ("weekly RBC transfusions of one unit", 8),
        # zero over a window of at least 8 weeks
        ("Transfused 8 units last spring; zero units over the past 12 weeks.", 0),
        ("Needed 4 units in 2023, none in the past 8 weeks.", 0),
    ],
)
def test_transfusion_counts_read_over_the_window(text, units):
    assert extract_facts(text).facts.get(UNITS) == units


@pytest.mark.parametrize(
    "text",
    [
        "2 units of platelets and 1 unit of FFP in the last 8 weeks.",  # no red cells at all
        "3 units at 2 separate visits over the past 8 weeks.",  # 3 in all, or 3 at each? not said
        "No response to epoetin; none in the last 8 weeks.",  # "none" of what? no count named
        "Received 4 units before, none in the last 4 weeks.",  # a window shorter than the criteria's
    ],
)
def test_a_count_the_text_does_not_fix_is_not_recorded(text):
    assert UNITS not in extract_facts(text).facts


def test_platelets_are_named_as_not_counted():
    notes = extract_facts("4 units of pRBC plus 6 units of platelets over the last 8 weeks.").notes
    assert any("6 units of platelets" in note and "not red cells" in note for note in notes)


@pytest.mark.parametrize(
    "text, course",
    [
        ("Lenalidomide 5 mg/day for 20 weeks, no response.", {"agent": "lenalidomide", "weeks": 20, "response": "none"}),
        ("Darbepoetin 500 mcg/week for 10 weeks without response.",
         {"agent": "darbepoetin_alfa", "weeks": 10, "response": "none"}),
        ("Epoetin alfa 40,000 IU weekly for 9 weeks.", {"agent": "epoetin_alfa", "weeks": 9}),
        ("Darbepoetin 300 mcg q2w, currently in week 10, no response.",
         {"agent": "darbepoetin_alfa", "weeks": 10, "response": "none"}),
        ("Imetelstat 7.5 mg/kg q4w - now at week 20 and responding.",
         {"agent": "imetelstat", "weeks": 20, "response": "responding"}),
    ],
)
def test_course_weeks_after_a_dose_or_the_week_it_is_in(text, course):
    assert extract_facts(text).facts["therapies"] == [course]


@pytest.mark.parametrize(
    "text",
    [
        "Tolerating luspatercept fine, but intolerant of luspatercept per the pharmacy note.",
        "Imetelstat: not tolerated. Imetelstat well tolerated per clinic.",
    ],
)
def test_tolerating_and_intolerant_of_one_drug_is_asked(text):
    extracted = extract_facts(text)
    assert "therapies" not in extracted.facts
    assert "therapies" in extracted.unresolved


@pytest.mark.parametrize(
    "text, therapies",
    [
        ("Luspatercept well tolerated, responding.", [{"agent": "luspatercept", "response": "responding"}]),
        ("Could not tolerate darbepoetin; now tolerating epoetin alfa well.",
         [{"agent": "darbepoetin_alfa", "response": "intolerant"}, {"agent": "epoetin_alfa"}]),
    ],
)
def test_tolerating_alone_states_no_response(text, therapies):
    assert extract_facts(text).facts["therapies"] == therapies


@pytest.mark.parametrize(
    "text, expected",
    [
        ("IPSS-R not low but intermediate.", {"ipss_r": "intermediate"}),
        ("R-IPSS: not very low, it's low", {"ipss_r": "low"}),
        ("IPSS not int-2, it is int-1", {"ipss": "int1"}),
        ("IPSS-R is not high.", {}),  # only denied: nothing stated
    ],
)
def test_a_denied_risk_category_gives_way_to_the_one_stated_after_it(text, expected):
    assert extract_facts(text).facts == expected


@pytest.mark.parametrize(
    "text, age",
    [
        ("She was 70 at diagnosis; turned 74 this year.", 74),
        ("He turned 80 last week.", 80),
    ],
)
def test_the_latest_age_wins(text, age):
    assert extract_facts(text).facts["age_years"] == age


def test_a_future_birthday_is_not_the_age():
    assert "age_years" not in extract_facts("Turns 75 next month.").facts


@pytest.mark.parametrize(
    "text, facts",
    [
        ("Iron stain: RS none.", {"ring_sideroblasts_pct": 0}),
        ("no RS identified; blasts 2%", {"ring_sideroblasts_pct": 0, "bone_marrow_blasts_pct": 2}),
        ("Ring sideroblasts absent.", {"ring_sideroblasts_pct": 0}),
        ("No RS reported yet.", {}),  # not done is not none seen
        ("RS: none documented.", {}),
        ("No RS percentage available.", {}),
    ],
)
def test_ring_sideroblasts_reported_absent_read_as_zero(text, facts):
    assert extract_facts(text).facts == facts


@pytest.mark.parametrize(
    "text, therapies",
    [
        ("Darbepoetin, then EPO, both without response.",
         [{"agent": "darbepoetin_alfa", "response": "none"}, {"agent": "epoetin_alfa", "response": "none"}]),
        ("No response to erythropoietin and Aranesp.",
         [{"agent": "epoetin_alfa", "response": "none"}, {"agent": "darbepoetin_alfa", "response": "none"}]),
        # a class name naming the member beside it is that member, not another course
        ("Prior ESA (darbepoetin) x 12 weeks, no response.", [{"agent": "darbepoetin_alfa", "weeks": 12, "response": "none"}]),
    ],
)
def test_a_class_name_listed_beside_a_member_is_the_other_member(text, therapies):
    assert extract_facts(text).facts["therapies"] == therapies


def test_a_member_offered_as_an_alternative_to_its_class_name_is_asked_not_recorded():
    extracted = extract_facts("Failed EPO or Aranesp for 10 weeks, the records are unclear.")
    assert "therapies" not in extracted.facts
    [assumption] = extracted.assumptions
    assert assumption.assumed == {"agent": "epoetin_alfa", "weeks": 10, "response": "none"}
    assert assumption.alternatives == [{"agent": "darbepoetin_alfa", "weeks": 10, "response": "none"}]


@pytest.mark.parametrize(
    "text, agent",
    [
        ("Since initiating darbepoetin she has had no transfusions.", "darbepoetin_alfa"),
        ("No transfusions since starting on imetelstat.", "imetelstat"),
    ],
)
def test_since_starting_a_drug_is_a_course_not_a_request(text, agent):
    extracted = extract_facts(text)
    assert [t["agent"] for t in extracted.facts["therapies"]] == [agent]
    assert extracted.drugs == []


@pytest.mark.parametrize(
    "text, facts",
    [
        ("sEPO 420 U/L (2023), 610 U/L (2025).", {"serum_epo": {"value": 610, "unit": "U/L"}}),
        ("Hb 9.1 g/dL in 03/2025 and 8.0 g/dL in 11/2024.", {"hemoglobin": {"value": 9.1, "unit": "g/dL"}}),
        ("In 2023 sEPO was 620 U/L; in 2025 it is 150 U/L.", {"serum_epo": {"value": 150, "unit": "U/L"}}),
        ("RS 12% (Mar 2024); RS 20% (Jan 2024).", {"ring_sideroblasts_pct": 12}),
    ],
)
def test_of_two_dated_values_the_latest_wins(text, facts):
    assert extract_facts(text).facts == facts


@pytest.mark.parametrize(
    "text, field",
    [
        ("Hb 7.9 g/dL in January, 8.8 g/dL in March.", "hemoglobin"),  # no year: the order is not certain
        ("sEPO 300 U/L and 450 U/L, both in 2024.", "serum_epo"),  # one date for both
        ("Hb 8.0 g/dL (2024), Hb 9.0 g/dL.", "hemoglobin"),  # one undated
    ],
)
def test_values_the_dates_do_not_order_are_asked(text, field):
    extracted = extract_facts(text)
    assert field not in extracted.facts
    assert field in extracted.unresolved


@pytest.mark.parametrize(
    "text, facts",
    [
        ("RS 16%, I mean 6%.", {"ring_sideroblasts_pct": 6}),
        ("Blasts 3%, actually 6%.", {"bone_marrow_blasts_pct": 6}),
        ("sEPO 450 U/L, correction: 540.", {"serum_epo": {"value": 540, "unit": "U/L"}}),
        ("Hb 8.2 g/dL - sorry, 9.2 g/dL.", {"hemoglobin": {"value": 9.2, "unit": "g/dL"}}),
        ("4 units in the last 8 weeks, correction, 6 units in the last 8 weeks.", {"rbc_units_last_8_weeks": 6}),
        ("72 yo, actually 73.", {"age_years": 73}),
    ],
)
def test_a_value_corrected_in_the_same_message_is_the_corrected_one(text, facts):
    assert extract_facts(text).facts == facts


@pytest.mark.parametrize(
    "text, drugs, facts",
    [
        # never given: no drug asked about, and every ESA denied is ESA-naive
        ("Neither epoetin nor darbepoetin was tried.", [], {"therapies": []}),
        ("Can she get luspatercept? Neither epoetin nor darbepoetin was tried.", ["luspatercept"], {"therapies": []}),
        ("Neither lenalidomide nor an HMA.", [], {}),
        # given, and the outcome stated for the list
        ("Neither epoetin alfa nor lenalidomide helped.", [],
         {"therapies": [{"agent": "epoetin_alfa", "response": "none"}, {"agent": "lenalidomide", "response": "none"}]}),
        ("Neither darbepoetin nor luspatercept worked; can she get imetelstat?", ["imetelstat"],
         {"therapies": [{"agent": "darbepoetin_alfa", "response": "none"}, {"agent": "luspatercept", "response": "none"}]}),
    ],
)
def test_neither_nor_negates_the_list_unless_an_outcome_follows(text, drugs, facts):
    extracted = extract_facts(text)
    assert extracted.drugs == drugs
    assert extracted.facts == facts


@pytest.mark.parametrize("text, weeks", [("s/p 10 wk epo, no response.", 10), ("on epo x 16 wks, NR", 16),
                                         ("completed 12 weeks of epo without response", 12)])
def test_a_course_of_epo_is_epoetin_therapy(text, weeks):
    therapies = extract_facts(text).facts.get("therapies") or []
    assert [t.get("agent") for t in therapies] == ["epoetin_alfa"] and therapies[0].get("weeks") == weeks


@pytest.mark.parametrize("text", ["EPO was 150 U/L", "epo of 620", "epo level 300 two weeks ago"])
def test_an_epo_value_is_the_serum_level_never_a_therapy(text):
    facts = extract_facts(text).facts
    assert not facts.get("therapies") and "serum_epo" in facts
