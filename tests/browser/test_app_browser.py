"""End to end in Chromium: ask and see a cited answer, check a patient and download the report, browse sources."""

from __future__ import annotations

import json
import re

import pytest
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.slow]

ANSWER_TIMEOUT = 90_000


def ask(page, question: str):
    before = page.locator("#chatbot .mds-msg").count()
    page.fill("#chat-input textarea", question)
    page.click("#chat-send")
    page.wait_for_function(
        f"document.querySelectorAll('#chatbot .mds-msg, #chatbot .mds-error').length > {before}",
        timeout=ANSWER_TIMEOUT,
    )
    assert page.locator("#chatbot .mds-msg").count() > before, page.locator("#chatbot").inner_text()
    page.locator("#engine-status").wait_for(state="hidden", timeout=5_000)  # "loading" goes once it answered
    return page.locator("#chatbot .mds-msg").last


def test_question_gets_an_answer_with_clickable_citations(open_page, screenshot):
    page = open_page()
    message = ask(page, "What did the IMerge trial show for imetelstat?")
    markers = message.locator(".mds-answer a.mds-cite-marker")
    assert markers.count() >= 1, message.inner_html()
    first = markers.first
    target = first.get_attribute("href").lstrip("#")
    source = page.locator(f"details#{target}")
    assert source.get_attribute("open") is None
    first.click()
    page.wait_for_function(f"document.getElementById('{target}').open === true")
    assert source.locator("mark").count() >= 1  # the cited span, highlighted
    assert "stated date 2025-12-08" in source.inner_text() or "no date stated" in source.inner_text()
    message.evaluate("el => el.scrollIntoView({block: 'start'})")
    screenshot(page, "app-chat")


def test_refusal_looks_different_and_new_conversation_clears(open_page, screenshot):
    page = open_page()
    message = ask(page, "What is the capital of France?")
    assert message.locator(".mds-badge-refused").is_visible()
    assert "mds-status-refused" in message.get_attribute("class")
    screenshot(page, "app-chat-refusal")
    page.click("#chat-new")
    page.wait_for_function("document.querySelectorAll('#chatbot .mds-msg').length === 0")
    ask(page, "How is ESA failure defined?")
    assert user_messages(page) == ["How is ESA failure defined?"]


def test_clicking_an_example_asks_it(open_page):
    page = open_page()
    example = page.locator("#chat-examples button", has_text="trial of imetelstat").first
    example.click()
    page.wait_for_function("document.querySelectorAll('#chatbot .mds-msg').length === 1", timeout=ANSWER_TIMEOUT)
    assert "IMerge" in page.locator("#chatbot").inner_text()


def user_messages(page) -> list[str]:
    return [t.strip() for t in page.locator('#chatbot [data-testid="user"]').all_inner_texts()]


def test_two_browser_sessions_keep_their_own_conversations(open_page):
    first, second = open_page(), open_page()
    ask(first, "Can my patient get Reblozyl? IPSS-R low, RS 20%, SF3B1 mutated, sEPO 620 U/L")
    ask(second, "Can my patient get Reblozyl? IPSS-R high, sEPO 100 U/L")
    reply = ask(first, "4 units in 8 weeks, failed 8 weeks of epoetin with iron replete")
    assert user_messages(first) == [
        "Can my patient get Reblozyl? IPSS-R low, RS 20%, SF3B1 mutated, sEPO 620 U/L",
        "4 units in 8 weeks, failed 8 weeks of epoetin with iron replete",
    ]
    assert user_messages(second) == ["Can my patient get Reblozyl? IPSS-R high, sEPO 100 U/L"]
    # the first session's second turn used its own first-turn facts, not the other session's
    assert reply.locator(":scope > .mds-banner-meets_criteria").is_visible()
    facts = reply.locator(".mds-facts").text_content()
    assert "620 U/L" in facts and "100 U/L" not in facts


def test_eligibility_over_two_turns_asks_then_decides(open_page, screenshot):
    page = open_page()
    first = ask(page, "Can my patient get Reblozyl? IPSS-R low, RS 20%, SF3B1 mutated, sEPO 620 U/L")
    assert first.locator(".mds-badge-needs").is_visible()
    checklist = first.locator(":scope > .mds-missing").inner_text()
    assert "RBC units transfused in the last 8 weeks" in checklist and "rbc_units" not in checklist  # words, no ids
    second = ask(page, "4 units in 8 weeks, failed 8 weeks of epoetin with iron replete")
    assert second.locator(".mds-badge-rules").is_visible()
    assert "MEETS CRITERIA" in second.locator(":scope > .mds-banner").inner_text()
    assert second.locator(".mds-answer a.mds-cite-marker").count() >= 1
    second.evaluate("el => el.scrollIntoView({block: 'start'})")
    screenshot(page, "app-chat-eligibility")
    second.locator("details.mds-decision-details > summary").click()
    assert second.locator("table.mds-criteria tr.mds-crit").count() >= 5


def choose(page, field: str, value: str) -> None:
    page.locator(f'#field-{field} input[value="{value}"]').check()


def open_check_tab(page):
    page.get_by_role("tab", name="Medical necessity").click()
    page.wait_for_selector("#field-drug input")


def test_form_check_shows_field_messages_then_a_decision_and_downloads(open_page, screenshot, tmp_path):
    page = open_page()
    open_check_tab(page)
    page.fill("#field-drug input", "Reblozyl")
    page.keyboard.press("Enter")
    choose(page, "ipss_r", "low")
    page.fill("#field-ring_sideroblasts_pct input", "20")
    choose(page, "sf3b1", "mutated")
    page.fill("#field-serum_epo input", "620")
    page.fill("#field-hemoglobin input", "95")  # 95 g/dL: surely g/L
    page.fill("#field-rbc_units_last_8_weeks input", "4")
    choose(page, "therapies", "as listed below")
    page.fill("#therapy-0-agent input", "Procrit")
    page.keyboard.press("Enter")
    page.fill("#therapy-0-weeks input", "8")
    page.click("#check-form")
    error = page.locator("#field-hemoglobin-error")
    error.wait_for(state="visible")
    assert "Hemoglobin: 95 g/dL is outside 3–20 g/dL" in error.inner_text()
    assert page.locator("#download-pdf").is_disabled()
    screenshot(page, "app-check-field-error")

    page.locator('#field-hemoglobin-unit input[value="g/L"]').check()
    page.click("#check-form")
    banner = page.locator("#decision .mds-banner")
    banner.wait_for()
    assert "MEETS CRITERIA" in banner.inner_text()
    assert error.is_hidden()
    assert "(second line after ESA failure or ineligibility)" in page.locator("#decision .mds-summary").inner_text()
    rows = page.locator("#decision table.mds-criteria tr.mds-crit")
    assert rows.count() >= 5
    assert set(page.locator("#decision td.mds-crit-status").all_text_contents()) <= {"✓", "✗", "?"}
    assert page.locator("#decision .mds-warnings").is_visible()
    screenshot(page, "app-check")

    with page.expect_download() as download:
        page.click("#download-md")
    markdown = tmp_path / download.value.suggested_filename
    download.value.save_as(markdown)
    text = markdown.read_text(encoding="utf-8")
    assert markdown.suffix == ".md" and "**MEETS CRITERIA**" in text
    assert "| Hemoglobin | 95 g/L |" in text
    assert "1. epoetin alfa, 8 weeks" in text
    assert re.search(r"\| Ruleset \| \S+ version \S+ \|", text)
    with page.expect_download() as download:
        page.click("#download-pdf")
    pdf = tmp_path / download.value.suggested_filename
    download.value.save_as(pdf)
    assert pdf.suffix == ".pdf" and pdf.read_bytes().startswith(b"%PDF-")


PATIENT = {
    "ipss_r": "low",
    "serum_epo": {"value": 150, "unit": "U/L"},
    "rbc_units_last_8_weeks": 1,
    "hemoglobin": {"value": 9.2, "unit": "g/dL"},
    "del5q": False,
    "therapies": [],
}


def test_uploaded_json_check_all_and_load_into_form(open_page, screenshot, tmp_path):
    page = open_page()
    open_check_tab(page)
    page.get_by_role("tab", name="Patient JSON").click()
    upload = tmp_path / "patient.json"
    upload.write_text(json.dumps(PATIENT), encoding="utf-8")
    page.locator("#patient-upload input[type=file]").set_input_files(str(upload))
    page.wait_for_function("document.querySelector('#patient-json').innerText.includes('150')")
    page.click("#check-all-json")
    options = page.locator("#decision .mds-options tr.mds-option")
    options.first.wait_for()
    assert options.count() == 7
    screenshot(page, "app-check-all")

    page.fill("#field-drug input", "aspirin")
    page.keyboard.press("Enter")
    page.click("#check-json")
    page.locator("#field-drug-error").wait_for(state="visible")
    assert "'aspirin' is not a supported drug" in page.locator("#field-drug-error").inner_text()

    page.click("#json-to-form")
    page.get_by_role("tab", name="Form").click()
    # The form is filled by the server's reply: wait for it (a loaded machine answers later).
    expect(page.locator("#field-serum_epo input")).to_have_value("150")
    expect(page.locator('#field-ipss_r input[value="low"]')).to_be_checked()
    expect(page.locator('#field-therapies input[value="none: no prior therapy"]')).to_be_checked()


def test_sources_show_passages_and_caveats(open_page, screenshot):
    page = open_page()
    page.get_by_role("tab", name="Sources").click()
    view = page.locator("#source-view")
    view.locator(".mds-caveats").wait_for()
    assert view.locator(".mds-passage-card").count() > 10
    cleaning = page.locator("#source-cleaning")
    assert not cleaning.is_visible()  # how the text was cleaned: collapsed until asked for
    page.locator("#source-cleaning-accordion").get_by_text("How this text was cleaned").click()
    cleaning.get_by_text("OCR repairs applied").wait_for()
    screenshot(page, "app-sources-review")
    page.locator("#source-doc label", has_text="Article").click()
    page.wait_for_function("document.querySelector('#source-cleaning').innerText.includes('Dropped page furniture')")
    assert "2025" in view.locator(".mds-doc-meta").inner_text()
    screenshot(page, "app-sources-article")


HOSTILE_MARKDOWN = (
    "What is ESA failure? ![x](http://images.example/pixel.png) "
    '<img src="http://img2.example/y.png"> [site](http://links.example/) http://bare.example/z.png'
)


def test_user_markdown_loads_no_remote_image_and_is_shown_as_typed(open_page):
    """open_page fails the test on any request that leaves 127.0.0.1: the page must stay offline."""
    page = open_page()
    ask(page, HOSTILE_MARKDOWN)
    assert page.locator("#chatbot img").count() == 0
    assert page.locator("#chatbot a[href*='example']").count() == 0
    assert user_messages(page) == [HOSTILE_MARKDOWN]
