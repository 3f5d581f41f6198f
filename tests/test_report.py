"""The decision report (bot/decision_report.py and its parts): what a pharmacist files, in Markdown and PDF."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest

from bot import decision_report as report
from bot import report_facts, report_files
from bot import report_pdf
from rules_core import PatientFacts, evaluate, evaluate_options, plain

WHEN = datetime(2026, 1, 2, 3, 4, 5, tzinfo=timezone.utc)
PATIENT = {
    "ipss_r": "low",
    "ring_sideroblasts_pct": 20,
    "sf3b1": "mutated",
    "serum_epo": {"value": 620, "unit": "U/L"},
    "hemoglobin": {"value": 8.1, "unit": "g/dL"},
    "rbc_units_last_8_weeks": 4,
    "therapies": [{"agent": "Procrit", "weeks": 8, "response": "none", "iron_replete": True}],
}


@pytest.fixture(scope="module")
def decision():
    return evaluate("Reblozyl", PATIENT)


@pytest.fixture(scope="module")
def markdown(decision):
    return report_files.render_markdown(
        report.build_report(decision, PatientFacts.model_validate(PATIENT), requested_drug="Reblozyl", generated_at=WHEN)
    )


def test_markdown_has_decision_ruleset_and_time(decision, markdown):
    assert markdown.startswith("# Medical-necessity decision: luspatercept")
    assert "**MEETS CRITERIA**" in markdown
    assert "requested as “Reblozyl”" in markdown
    assert f"{decision.ruleset.id} version {decision.ruleset.version}" in markdown
    assert decision.ruleset.fingerprint in markdown
    assert "2026-01-02 03:04:05 UTC" in markdown
    assert "| Pathway | second line after ESA failure or ineligibility |" in markdown
    assert decision.pathway not in markdown


def test_markdown_lists_every_patient_field_documented_or_not(markdown):
    for name, info in PatientFacts.model_fields.items():
        assert f"| {report_files.markdown_cell(info.title)} |" in markdown
        assert f"| {name} " not in markdown  # labels, never field ids
    assert "| 620 U/L |" in markdown
    assert "| 20% |" in markdown
    assert "1. epoetin alfa, 8 weeks, response none, iron replete" in markdown  # brand normalised, in words
    assert "| Age | not documented |" in markdown


def test_markdown_has_every_criterion_with_status_evidence_and_quote(decision, markdown):
    for pathway in decision.pathways:
        if pathway.status == "not_applicable":
            continue
        assert f"### {pathway.name}:" in markdown
        for c in pathway.criteria:
            assert c.id not in markdown  # no ids to decode (they broke mid-word in the PDF)
            assert report_files.markdown_cell(c.citation.quote) in markdown
            if c.kind == "clinical":
                assert report_files.markdown_cell(plain.plain_text(c.evidence)) in markdown
    assert "✓ met" in markdown and "✗ not met" in markdown


def test_markdown_missing_documentation_checklist_and_warnings():
    decision = evaluate("luspatercept", {"ipss_r": "low"})
    text = report_files.render_markdown(report.build_report(decision, {"ipss_r": "low"}, generated_at=WHEN))
    assert decision.decision == "insufficient_documentation"
    for fact in decision.missing_facts:
        assert f"- [ ] {report_files.markdown_cell(fact.label)}" in text
    assert "? missing" in text
    warned = evaluate("luspatercept", PATIENT)
    text = report_files.render_markdown(report.build_report(warned, PATIENT, generated_at=WHEN))
    for w in warned.warnings:
        assert report_files.markdown_cell(plain.plain_text(w.text)) in text


def test_markdown_cells_cannot_break_the_table():
    assert report_files.markdown_cell("a | b\nc") == "a \\| b c"


def test_dict_and_model_give_the_same_report(decision):
    as_model = report.build_report(decision, PATIENT, generated_at=WHEN)
    as_dict = report.build_report(decision.model_dump(mode="json"), dict(PATIENT), generated_at=WHEN)
    assert as_model == as_dict


def test_naive_time_is_taken_as_utc(decision):
    built = report.build_report(decision, PATIENT, generated_at=datetime(2026, 1, 2, 3, 4, 5))
    assert built.generated_at == "2026-01-02 03:04:05 UTC"


@pytest.mark.parametrize(
    ("name", "value", "shown"),
    [
        ("age_years", None, "not documented"),
        ("del5q", False, "no"),
        ("del5q", True, "yes"),
        ("bone_marrow_blasts_pct", 4.5, "4.5%"),
        ("hemoglobin", {"value": 85.0, "unit": "g/L"}, "85 g/L"),
        ("therapies", [], "none (no prior therapy documented as given)"),
        ("therapies", [{"agent": "luspatercept", "response": "lost"}], "1. luspatercept, response lost"),
    ],
)
def test_format_fact(name, value, shown):
    assert report_facts.format_fact(name, value) == shown


def _is_pdf(data: bytes) -> bool:
    return data.startswith(b"%PDF-") and data.rstrip().endswith(b"%%EOF") and b"/Type /Page" in data


def test_pdf_with_a_unicode_font(decision):
    if report_pdf.find_unicode_font()[0] is None:
        pytest.skip("no DejaVu Sans on this machine; the fallback is tested below")
    data = report_files.render_pdf(report.build_report(decision, PATIENT, generated_at=WHEN))
    assert _is_pdf(data)
    assert b"DejaVu" in data  # the embedded font, so ≥ ✓ ✗ print as such


def test_pdf_without_a_unicode_font_falls_back_to_ascii(decision, monkeypatch):
    monkeypatch.setattr(report_pdf, "find_unicode_font", lambda: (None, None, None))
    data = report_files.render_pdf(report.build_report(decision, PATIENT, generated_at=WHEN))
    assert _is_pdf(data)
    assert b"Helvetica" in data


def test_ascii_text_spells_out_symbols():
    assert report_pdf.ascii_text("≥ 15% ✓ → ✗ ≤ “x”") == ">= 15% [x] -> [ ] <= \"x\""


def test_write_report_writes_both_files(decision, tmp_path):
    files = report_files.write_report(decision, PATIENT, tmp_path / "out", requested_drug="Reblozyl", generated_at=WHEN)
    assert files.markdown.name == "mdsbot-decision-luspatercept-20260102T030405Z.md"
    assert files.pdf.name == "mdsbot-decision-luspatercept-20260102T030405Z.pdf"
    assert "MEETS CRITERIA" in files.markdown.read_text(encoding="utf-8")
    assert _is_pdf(files.pdf.read_bytes())


@pytest.mark.parametrize("verdict_patient", [{}, {"ipss_r": "high"}])
def test_every_decision_kind_renders(tmp_path, verdict_patient):
    for drug in ("luspatercept", "lenalidomide", "imetelstat"):
        decision = evaluate(drug, verdict_patient)
        files = report_files.write_report(decision, verdict_patient, tmp_path / drug, generated_at=WHEN)
        assert report.DECISION_LABEL[decision.decision] in files.markdown.read_text(encoding="utf-8")


DETAILS = report.RequestDetails.of(patient_ref="MRN-0042", prescriber="Dr Ada Prescriber", reviewer="Pat Pharmacist")


def pdf_text(data: bytes) -> list[str]:
    """The text of each page, as a payer's system would extract it."""
    import io

    from pypdf import PdfReader

    return [page.extract_text() for page in PdfReader(io.BytesIO(data)).pages]


def test_the_pdf_a_payer_reads_has_the_request_header_notice_signature_and_no_ids(decision):
    recorded = decision.model_copy(update={"decision_id": "20260102-030405-abcd1234"})
    pages = pdf_text(report_files.render_pdf(report.build_report(recorded, PATIENT, generated_at=WHEN, details=DETAILS)))
    text = "\n".join(pages)
    flat = " ".join(text.split())
    for label, value in [("Patient reference", "MRN-0042"), ("Prescriber", "Dr Ada Prescriber"),
                         ("Reviewer", "Pat Pharmacist"), ("Date of review", "2026-01-02 03:04:05 UTC"),
                         ("Request type", "Initial request"), ("Decision id", "20260102-030405-abcd1234")]:
        assert f"{label} {value}" in flat, label
    assert "Pathway second line after ESA failure or ineligibility" in flat
    assert "Reviewed by (name, signature): ____" in flat and "Date: ____" in flat
    assert all(report.NOTICE in " ".join(page.split()) for page in pages)  # on every page, not only at the end
    assert "Decision support, not a substitute for clinical judgement." in " ".join(pages[0].split()[:120])
    assert "_" not in text.replace("____", "")  # no ids ("lower_ri sk"), no code names ("epoetin_alfa")
    assert not any(c.id in flat or c.id.split(".", 1)[1] in flat for p in recorded.pathways for c in p.criteria)
    for w in recorded.warnings:
        assert " ".join(plain.plain_text(w.text).split())[:60] in flat
    assert "Site policy" in flat and "Transfusion-dependent from 2 RBC units / 8 weeks" in flat


def test_the_pdf_says_not_recorded_and_not_given_when_so():
    decision = evaluate("luspatercept", {"ipss_r": "low"})
    flat = " ".join(" ".join(pdf_text(report_files.render_pdf(report.build_report(decision, {"ipss_r": "low"}, generated_at=WHEN)))).split())
    assert "Decision id not recorded" in flat and "Prescriber not given" in flat
    assert "Provide:" in flat or "documentation is missing" in flat


def test_the_all_drugs_report_gives_each_drug_and_why(tmp_path):
    patient = {"ipss_r": "low", "serum_epo": {"value": 150, "unit": "U/L"}, "rbc_units_last_8_weeks": 1,
               "hemoglobin": {"value": 9.2, "unit": "g/dL"}, "del5q": False, "therapies": []}
    decisions = evaluate_options(PatientFacts.model_validate(patient))
    files = report_files.write_options_report(decisions, patient, tmp_path, generated_at=WHEN, details=DETAILS)
    assert files.pdf.name == "mdsbot-options-20260102T030405Z.pdf"
    flat = " ".join(" ".join(pdf_text(files.pdf.read_bytes())).split())
    markdown = files.markdown.read_text(encoding="utf-8")
    for d in decisions:
        assert f"| {d.drug.replace('_', ' ')} | {report.DECISION_LABEL[d.decision].lower()} | {report_files.markdown_cell(plain.options_reason(d))} |" in markdown
    assert "epoetin alfa" in flat and "epoetin_alfa" not in flat
    assert "Second line after ESA failure or ineligibility: not met, 1 RBC units in 8 weeks < 2 units" in markdown
    assert "Patient reference MRN-0042" in flat and report.NOTICE in flat
