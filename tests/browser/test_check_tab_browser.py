"""The Medical necessity tab as a pharmacist uses it, in Chromium at 1280 px (desktop) and 390 px (phone):
one screen for a check, messages by the form's labels, values typed with their units, the decision
recorded with its id, and the reports a payer reads.

Screenshots go to $MDSBOT_SCREENSHOTS when set, else the test's tmp dir (look at them: layout).
"""

from __future__ import annotations

import io
import os
import re
from pathlib import Path

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.slow]

WIDTHS = {"desktop": (1280, 900), "phone": (390, 844)}
FIELD_ID = re.compile(r"\b[a-z0-9]+_[a-z0-9_]+\b|\[\d+\]\.")  # ring_sideroblasts_pct, therapies[0].agent


@pytest.fixture(params=list(WIDTHS))
def check_page(request, browser, app_url):
    width, height = WIDTHS[request.param]
    context = browser.new_context(viewport={"width": width, "height": height}, accept_downloads=True)
    page = context.new_page()
    page.set_default_timeout(60_000)
    outside = []
    page.on("request", lambda r: outside.append(r.url) if not r.url.startswith(("http://127.0.0.1", "data:", "blob:")) else None)
    page.goto(app_url)
    page.get_by_role("tab", name="Medical necessity").click()
    page.wait_for_selector("#field-drug input")
    page.mds_name = request.param
    yield page
    context.close()
    assert outside == []


@pytest.fixture
def shoot(tmp_path):
    folder = Path(os.environ.get("MDSBOT_SCREENSHOTS") or tmp_path)
    folder.mkdir(parents=True, exist_ok=True)

    def take(page, name: str) -> Path:
        path = folder / f"check-{name}-{page.mds_name}.png"
        page.screenshot(path=str(path))  # the viewport: what the person sees after the click
        return path

    return take


def in_viewport(page, selector: str) -> bool:
    box = page.locator(selector).first.bounding_box()
    size = page.viewport_size
    return box is not None and box["y"] >= -2 and box["y"] + min(box["height"], 40) <= size["height"]


def settle(page, selector: str) -> None:
    """Wait until the element has been brought into view (the page scrolls it there after the check)."""
    page.wait_for_function(
        "sel => { const b = document.querySelector(sel).getBoundingClientRect(); return b.top >= -2 && b.top < innerHeight - 40; }",
        arg=selector, timeout=5_000,
    )


def fill_patient(page, ring: str, agent: str | None) -> None:
    page.fill("#field-drug input", "Reblozyl")
    page.keyboard.press("Enter")
    page.fill("#field-patient_ref input", "MRN-0042")
    page.fill("#field-prescriber input", "Dr Ada Prescriber")
    page.fill("#field-reviewer input", "Pat Pharmacist")
    page.locator('#field-ipss_r input[value="low"]').check()
    page.fill("#field-ring_sideroblasts_pct input", ring)
    page.locator('#field-sf3b1 input[value="mutated"]').check()
    page.fill("#field-serum_epo input", "620 U/L")
    page.locator('#field-serum_epo-unit input[value="mU/mL"]').check()  # the unit typed in the value wins
    page.fill("#field-hemoglobin input", "98 g/L")
    page.fill("#field-rbc_units_last_8_weeks input", "4 units")
    page.locator('#field-therapies input[value="as listed below"]').check()
    if agent:
        page.fill("#therapy-0-agent input", agent)
        page.keyboard.press("Enter")
    page.fill("#therapy-0-weeks input", "8 weeks")


def test_an_unknown_drug_is_named_by_its_label_in_words(check_page):
    page = check_page
    page.fill("#field-drug input", "aspirin")
    page.keyboard.press("Enter")
    page.click("#check-form")
    error = page.locator("#field-drug-error")
    error.wait_for(state="visible")
    message = error.inner_text()
    assert message.startswith("⚠ Drug: 'aspirin' is not a supported drug; use one of epoetin alfa,"), message
    assert not FIELD_ID.search(message), message


def test_errors_name_the_label_then_the_verdict_shows_in_view(check_page, shoot, tmp_path):
    page = check_page
    fill_patient(page, ring="150", agent=None)
    page.click("#check-form")
    error = page.locator("#field-ring_sideroblasts_pct-error")
    error.wait_for(state="visible")
    assert error.inner_text().strip() == "⚠ Ring sideroblasts (%): 150 is out of range 0–100"
    assert "Therapy 1, agent: required" in page.locator("#field-therapies-error").inner_text()
    result = page.locator("#decision").inner_text()
    assert "Ring sideroblasts (%): 150 is out of range 0–100" in result and not FIELD_ID.search(result), result
    settle(page, "#field-ring_sideroblasts_pct-error")
    assert in_viewport(page, "#field-ring_sideroblasts_pct-error")
    shoot(page, "field-error")

    page.fill("#field-ring_sideroblasts_pct input", "20%")
    page.fill("#therapy-0-agent input", "Procrit")
    page.keyboard.press("Enter")
    page.click("#check-form")
    banner = page.locator("#decision .mds-banner")
    banner.wait_for()
    settle(page, "#decision .mds-banner")
    assert in_viewport(page, "#decision .mds-banner")
    assert in_viewport(page, "#decision .mds-notice")
    assert "MEETS CRITERIA" in banner.inner_text()
    assert page.locator("#decision .mds-notice").inner_text() == "Decision support, not a substitute for clinical judgement."
    assert error.is_hidden()
    assert page.locator("#field-hemoglobin-error").inner_text().strip() == (
        "Read as 98 g/L (9.8 g/dL); the unit typed is used, not the unit chosen (g/dL).")
    assert page.locator("#field-serum_epo-error").inner_text().strip() == (
        "Read as 620 U/L; the unit typed is used, not the unit chosen (mU/mL).")
    decision_id = re.search(r"Decision id (\S+)", page.locator("#decision .mds-decision-id").inner_text()).group(1)
    text = page.locator("#decision").inner_text()
    assert "luspatercept.second_line" not in text and "epoetin_alfa" not in text
    assert "(second line after ESA failure or ineligibility)" in text
    shoot(page, "verdict")

    with page.expect_download() as download:
        page.click("#download-pdf")
    pdf = tmp_path / download.value.suggested_filename
    download.value.save_as(pdf)
    flat = pdf_text(pdf)
    for expected in (f"Decision id {decision_id}", "Patient reference MRN-0042", "Prescriber Dr Ada Prescriber",
                     "Reviewer Pat Pharmacist", "Request type Initial request", "Reviewed by (name, signature)",
                     "Decision support, not a substitute for clinical judgement.", "Hemoglobin 98 g/L"):
        assert expected in flat, expected


def test_check_all_drugs_gives_reasons_that_fit_and_a_report(check_page, shoot, tmp_path):
    page = check_page
    page.locator('#field-ipss_r input[value="low"]').check()
    page.fill("#field-serum_epo input", "150 U/L")
    page.fill("#field-hemoglobin input", "9.2 g/dL")
    page.fill("#field-rbc_units_last_8_weeks input", "1")
    page.locator('#field-del5q input[value="no"]').check()
    page.locator('#field-therapies input[value="none: no prior therapy"]').check()
    page.click("#check-all-form")
    rows = page.locator("#decision tr.mds-option")
    rows.first.wait_for()
    settle(page, "#decision")
    assert rows.count() == 7
    why = page.locator("#decision tr.mds-option-does_not_meet td.mds-option-why").first.inner_text()
    assert ": not met, " in why and not FIELD_ID.search(why), why
    table_fits = page.evaluate(
        "() => { const t = document.querySelector('#decision table.mds-options-table');"
        " const panel = document.querySelector('#decision'); return t.getBoundingClientRect().right <= panel.getBoundingClientRect().right + 1; }"
    )
    assert table_fits
    assert "epoetin alfa" in page.locator("#decision .mds-options-table").inner_text()
    shoot(page, "all-drugs")
    assert page.locator("#download-pdf").inner_text().strip() == "Download all-drugs report (PDF)"
    with page.expect_download() as download:
        page.click("#download-pdf")
    pdf = tmp_path / download.value.suggested_filename
    download.value.save_as(pdf)
    assert pdf.name.startswith("mdsbot-options-")
    flat = pdf_text(pdf)
    assert "Options" in flat and "luspatercept does not meet criteria" in flat and "Why" in flat


def pdf_text(path: Path) -> str:
    from pypdf import PdfReader

    return " ".join(" ".join(p.extract_text() for p in PdfReader(io.BytesIO(path.read_bytes())).pages).split())
