"""HTML of the web app (bot/webapp/html.py): answers, citations, refusals, conflicts, decisions, sources."""

from __future__ import annotations

import re

import pytest

from bot.models import BotResponse, Check, Citation, Conflict
from bot.webapp import html, sources_html
from bot.webapp import decision_html as decision_view
from rules_core import SUPPORTED_DRUGS, evaluate, evaluate_options, plain


def citation(n: int, text: str = "First sentence. Second sentence here.", quote: str = "Second sentence here.") -> Citation:
    return Citation(
        n=n,
        doc_id="002_b313ab8f7ec3a988",
        doc_title="Luspatercept article",
        doc_date="2025-12-08",
        section="Primary Indication Criteria",
        passage_id=f"002-p00{n}",
        text=text,
        start=10,
        end=10 + len(text),
        quote=quote,
        quote_start=26,
        quote_end=10 + len(text),
    )


def answered(**extra) -> BotResponse:
    return BotResponse(
        status="answered",
        route="retrieval",
        answer="Second sentence here. [1] Another claim. [2]",
        citations=[citation(1), citation(2, "Only one.", "Only one.")],
        **extra,
    )


def test_markers_link_to_their_source_passage():
    out = html.response_html(answered(), "k1")
    for n in (1, 2):
        assert f'href="#mds-k1-cite-{n}"' in out
        assert f'<details class="mds-cite" id="mds-k1-cite-{n}">' in out
    assert "<sup>[1]</sup>" in out
    assert "Luspatercept article" in out and "Primary Indication Criteria" in out
    assert "Article: luspatercept medical necessity" in out  # the short title heads each source
    assert "stated date 2025-12-08" in out


def test_quoted_span_is_highlighted_inside_the_passage():
    out = html.response_html(answered(), "k")
    assert "First sentence. <mark>Second sentence here.</mark>" in out


def test_unknown_marker_stays_plain_text():
    response = BotResponse(status="answered", route="retrieval", answer="Claim [7]", citations=[citation(1)])
    assert "&#91;7&#93;" in html.response_html(response, "k")


def test_text_is_escaped_for_html_and_markdown():
    response = BotResponse(status="answered", route="retrieval", answer="<script>alert(1)</script> *x* _y_ $z$ [a](b)")
    out = html.response_html(response, "k")
    assert "<script>" not in out
    assert "&lt;script&gt;" in out
    assert "*" not in out and "_y_" not in out and "$" not in out


@pytest.mark.parametrize(
    ("quote", "marked"),
    [
        ("whole passage text", ["whole passage text"]),
        ("Intro: first item second item", ["Intro:", "first item", "second item"]),
    ],
)
def test_quote_spans_whole_or_piece_by_piece(quote, marked):
    passage = "whole passage text" if quote.startswith("whole") else "Intro:\n• first item\n• second item"
    spans = html.quote_spans(passage, quote)
    assert [passage[a:b] for a, b in spans] == marked


def test_quote_not_in_passage_marks_nothing():
    assert html.quote_spans("abc def", "zzz yyy") == []
    assert html.quote_spans("abc def", "") == []


def test_refusal_needs_information_and_blocked_look_distinct():
    refused = html.response_html(BotResponse(status="refused", route="refusal", answer="Not covered."), "a")
    needs = html.response_html(
        BotResponse(
            status="needs_information",
            route="rules",
            answer="I need more facts.",
            missing_facts=["serum_epo"],
        ),
        "b",
    )
    blocked = html.response_html(BotResponse(status="refused", route="refusal", answer="Withheld.", blocked=True), "c")
    answer = html.response_html(answered(), "d")
    assert "mds-badge-refused" in refused and "mds-status-refused" in refused
    assert "mds-badge-needs" in needs and "☐ Serum erythropoietin level" in needs
    assert "mds-badge-blocked" in blocked and "mds-blocked" in blocked
    assert "mds-badge" not in answer


def test_missing_field_names_get_their_label():
    out = html.missing_facts_html(["serum_epo", "something else", "therapies[0].weeks"],
                                  {"therapies[0].weeks": "weeks of the ESA trial"})
    assert "☐ Serum erythropoietin level<" in out and "serum&#95;epo" not in out  # words, not field ids
    assert "☐ Something else" in out
    assert "☐ Weeks of the ESA trial<" in out  # the decision's own label for a field path


def test_conflict_is_flagged_with_both_positions():
    positions = [citation(1), citation(2, "Other view.", "Other view.")]
    response = answered(conflicts=[Conflict(topic="first-line luspatercept", positions=positions, summary="They disagree.")])
    out = html.response_html(response, "k")
    assert "mds-badge-conflict" in out
    assert "⚠ Sources disagree: first-line luspatercept" in out
    assert out.count('class="mds-cite-marker" href="#mds-k-cite-2"') >= 2  # in the answer and in the conflict


def test_rules_answer_shows_decision_facts_notes_and_checks():
    decision = evaluate("luspatercept", {"ipss_r": "low", "serum_epo": {"value": 620, "unit": "U/L"}})
    response = BotResponse(
        status="answered",
        route="rules",
        answer="Insufficient documentation.",
        decision=decision.model_dump(mode="json"),
        extracted_facts={"ipss_r": "low", "serum_epo": {"value": 620, "unit": "U/L"}},
        notes=["sEPO read as U/L"],
        checks=[Check(name="grounded", passed=True), Check(name="no dose", passed=False, detail="dose found")],
    )
    out = html.response_html(response, "k")
    assert "mds-badge-rules" in out
    assert "mds-banner-insufficient_documentation" in out
    assert "620 U/L" in out
    assert "ℹ︎ sEPO read as U/L" in out
    assert "Guard checks: 1/2 passed" in out


def test_decision_banner_table_checklist_and_warnings():
    decision = evaluate(
        "luspatercept",
        {
            "ipss_r": "low",
            "serum_epo": {"value": 620, "unit": "U/L"},
            "rbc_units_last_8_weeks": 4,
            "ring_sideroblasts_pct": 20,
        },
    ).model_dump(mode="json")
    out = decision_view.decision_html(decision)
    assert "INSUFFICIENT DOCUMENTATION" in out
    assert out.count('<tr class="mds-crit ') == sum(len(p["criteria"]) for p in decision["pathways"])
    symbols = set(re.findall(r'<td class="mds-crit-status" title="[^"]+">(.)</td>', out))
    assert symbols <= {"✓", "✗", "?"} and "?" in symbols and "✓" in symbols
    for fact in decision["missing_facts"]:  # asked for by label, never by field id
        assert html.text(fact["label"][:1].upper() + fact["label"][1:]) in out
        assert html.text(fact["field"]) + " (" not in out
    for warning in decision["warnings"]:
        assert html.text(plain.plain_text(warning["text"])) in out
    assert f"Ruleset {decision['ruleset']['id']} version {decision['ruleset']['version']}" in out


def test_meets_criteria_opens_the_chosen_pathway():
    decision = evaluate(
        "luspatercept",
        {
            "ipss_r": "low",
            "ring_sideroblasts_pct": 20,
            "sf3b1": "mutated",
            "serum_epo": {"value": 620, "unit": "U/L"},
            "rbc_units_last_8_weeks": 4,
        },
    ).model_dump(mode="json")
    out = decision_view.decision_html(decision)
    assert "mds-banner-meets_criteria" in out
    assert "Luspatercept meets the medical-necessity criteria (second line after ESA failure or ineligibility)." in out
    assert decision["pathway"] not in out  # no pathway ids, only their names
    assert "Decision support, not a substitute for clinical judgement." in decision_view.decision_html(decision, notice=True)
    assert out.count("<details class=\"mds-pathway-block mds-pathway-eligible\" open>") == 1


def test_options_list_every_supported_drug():
    decisions = [d.model_dump(mode="json") for d in evaluate_options({"ipss_r": "low"})]
    out = decision_view.options_html(decisions)
    for drug in SUPPORTED_DRUGS:
        assert f"<b>{html.text(drug.replace('_', ' '))}</b>" in out
    assert "epoetin_alfa" not in out and "supply" not in out


def test_options_say_why_a_drug_does_not_meet():
    patient = {"ipss_r": "low", "serum_epo": {"value": 150, "unit": "U/L"}, "rbc_units_last_8_weeks": 1,
               "hemoglobin": {"value": 9.2, "unit": "g/dL"}, "del5q": False, "therapies": []}
    decisions = [d.model_dump(mode="json") for d in evaluate_options(patient)]
    out = decision_view.options_html(decisions)
    luspatercept = next(d for d in decisions if d["drug"] == "luspatercept")
    assert luspatercept["decision"] == "does_not_meet"
    row = re.search(r'<tr class="mds-option[^"]*"><td><b>luspatercept</b>.*?</tr>', out).group(0)
    assert "Second line after ESA failure or ineligibility: not met, 1 RBC units in 8 weeks &lt; 2 units" in row


def test_sources_browser_shows_caveats_furniture_and_repairs(corpus):
    for doc in corpus.documents:
        passages = corpus.passages_of(doc.id)
        dropped = [b for b in corpus.dropped if b.doc_id == doc.id]
        repairs = doc.info.cleaning.ocr_repairs
        out = sources_html.document_html(doc, passages) + sources_html.cleaning_html(doc, dropped)
        for caveat in doc.info.caveats:
            assert html.text(caveat) in out
        for p in passages:
            assert f'id="passage-{p.id}"' in out
        for block in dropped:
            assert html.text(block.name) in out
        if repairs:
            assert "OCR repairs applied to this document" in out
            assert "OCR repaired:" in out
        else:
            assert "OCR repair" not in out
        if dropped:
            assert "Dropped page furniture" in out


@pytest.mark.parametrize(
    "message",
    [
        "![x](http://images.example/pixel.png)",
        '<img src="http://images.example/y.png"> and <a href="http://links.example">here</a>',
        "[site](http://links.example/) <http://auto.example/>",
        "[ref][1]\n\n[1]: http://refs.example/",
    ],
)
def test_user_markdown_renders_as_the_typed_text_with_no_image_or_link(message):
    """Rendered by a real CommonMark renderer (markdown-it, which gradio ships): text only, nothing to fetch."""
    from markdown_it import MarkdownIt

    rendered = MarkdownIt("commonmark").render(html.user_markdown(message))
    assert set(re.findall(r"<(\w+)", rendered)) == {"p"}, rendered  # paragraphs of text: no img, no a, no html
    unescaped = re.sub(r"<[^>]+>", "", rendered).replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", '"').replace("&amp;", "&")
    assert " ".join(unescaped.split()) == " ".join(message.split())


def test_the_rail_that_repaired_or_blocked_a_reply_is_shown_beside_it():
    checks = [Check(name="citations", passed=True, detail="ok"),
              Check(name="subject", passed=False, detail="the question names metformin, which no source passage covers")]
    repaired = BotResponse(status="refused", route="refusal", answer="The source documents do not cover metformin.",
                           checks=checks)
    out = html.response_html(repaired, "k")
    assert "🛡 Repaired by the guard (subject)" in out and "no source passage covers" in out
    blocked = repaired.model_copy(update={"blocked": True})
    assert "🛡 Blocked by the guard (subject)" in html.response_html(blocked, "k")
    passed = repaired.model_copy(update={"checks": checks[:1]})
    assert "mds-guard-action" not in html.response_html(passed, "k")


def test_chat_facts_are_listed_in_words_not_field_ids():
    out = html.facts_html({"ipss_r": "low", "serum_epo": {"value": 620, "unit": "U/L"},
                           "therapies": [{"agent": "epoetin_alfa", "weeks": 8, "response": "none"}]})
    assert "<td>Serum EPO</td><td>620 U/L</td>" in out and "<td>IPSS-R</td><td>low</td>" in out
    assert "serum&#95;epo" not in out and "ipss&#95;r" not in out and "epoetin alfa, 8 weeks" in out
