"""In Chromium at 1280 px and 390 px: Enter sends; a decision made in the chat or through the API is in the
Decisions tab at once, opens in full, and its report and the CSV export can be downloaded again."""

from __future__ import annotations

import csv
import io
import json

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.slow]

ANSWER_TIMEOUT = 90_000
WIDTHS = {"desktop": 1280, "phone": 390}
VERDICT = ("Can my patient get Reblozyl? IPSS-R low, RS 20%, SF3B1 mutated, sEPO 620 U/L, "
           "4 units in 8 weeks, failed 8 weeks of epoetin with iron replete")


@pytest.fixture(params=list(WIDTHS), ids=list(WIDTHS))
def sized_page(request, browser, app_url):
    """A page on the app at the parametrised width (phone: touch, 390 px); no request may leave 127.0.0.1."""
    width = WIDTHS[request.param]
    context = browser.new_context(viewport={"width": width, "height": 900}, accept_downloads=True,
                                  is_mobile=width < 500, has_touch=width < 500)
    page = context.new_page()
    page.set_default_timeout(60_000)
    outside = []
    page.on("request", lambda r: outside.append(r.url) if not r.url.startswith(("http://127.0.0.1", "data:", "blob:"))
            else None)
    page.goto(app_url)
    page.wait_for_selector("#chat-input textarea")
    page.size_name = request.param
    yield page
    context.close()
    assert outside == []


def send_with_enter(page, text: str):
    before = page.locator("#chatbot .mds-msg").count()
    box = page.locator("#chat-input textarea")
    box.fill(text)
    box.press("Enter")
    page.wait_for_function(f"document.querySelectorAll('#chatbot .mds-msg').length > {before}", timeout=ANSWER_TIMEOUT)
    return page.locator("#chatbot .mds-msg").last


def open_tab(page, name: str) -> None:
    """Click a top tab; on a narrow screen gradio folds the last ones into its "More tabs" menu."""
    page.wait_for_selector("#chat-input textarea")  # the page is laid out
    tab = page.get_by_role("tab", name=name)
    if tab.count():
        tab.first.click()
        return
    page.click('button[aria-label="More tabs"]')
    page.locator(".overflow-dropdown button", has_text=name).first.click()


def test_enter_sends_shift_enter_breaks_the_line_and_the_hint_says_so(sized_page, screenshot):
    page = sized_page
    hint = page.locator("#chat-hint")
    assert hint.is_visible() and "Enter sends" in hint.inner_text() and "Shift+Enter" in hint.inner_text()
    box = page.locator("#chat-input textarea")
    input_box = box.bounding_box()
    hint_box = hint.bounding_box()
    assert hint_box["y"] >= input_box["y"] + input_box["height"] - 1  # under the input
    if page.size_name == "phone":  # the question box takes the whole width, as wide as the conversation
        block = page.locator("#chat-input").bounding_box()
        assert block["width"] >= 0.95 * page.locator("#chatbot").bounding_box()["width"], block
    box.fill("first line")
    box.press("Shift+Enter")
    box.type("second line")
    assert box.input_value() == "first line\nsecond line"
    assert page.locator("#chatbot .mds-msg").count() == 0  # Shift+Enter did not send
    reply = send_with_enter(page, "How is ESA failure defined?")
    assert page.locator('#chatbot [data-testid="user"]').last.inner_text().strip() == "How is ESA failure defined?"
    assert box.input_value() == "" and reply.is_visible()
    screenshot(page, f"app-chat-enter-{page.size_name}")


def test_a_chat_verdict_is_in_the_decisions_tab_with_its_report_and_csv(sized_page, screenshot, tmp_path):
    page = sized_page
    reply = send_with_enter(page, VERDICT)
    assert "MEETS CRITERIA" in reply.locator(":scope > .mds-banner").inner_text()
    decision_id = reply.locator(":scope > .mds-decision-id code").inner_text().strip()
    answer = reply.locator(".mds-answer").inner_text()
    assert "luspatercept.second_line" not in answer and "pathway: second line" in answer  # words, no ids
    assert "not eligible, because:" in answer
    reply.evaluate("el => el.scrollIntoView({block: 'start'})")
    screenshot(page, f"app-chat-verdict-{page.size_name}")

    open_tab(page, "Decisions")
    row = page.locator("#decisions-table [role=row]", has_text=decision_id)
    row.first.wait_for()
    assert "chat" in row.first.inner_text()
    screenshot(page, f"app-decisions-{page.size_name}")
    row.first.locator("[role=gridcell]").first.click()
    record = page.locator(f"#decision-record .mds-record#record-{decision_id}")
    record.wait_for()
    assert "Patient facts used" in record.inner_text() and "Serum EPO: 620 U/L" in record.inner_text()
    assert "What this decision rested on" in record.inner_text()
    screenshot(page, f"app-decision-record-{page.size_name}")

    pdf = download(page, "#decisions-report-pdf", tmp_path)
    assert pdf.suffix == ".pdf" and pdf.read_bytes().startswith(b"%PDF-") and pdf.stat().st_size > 2000
    rows = list(csv.DictReader(io.StringIO(download(page, "#decisions-csv", tmp_path).read_text(encoding="utf-8"))))
    assert decision_id in [r["id"] for r in rows]
    assert next(r for r in rows if r["id"] == decision_id)["surface"] == "chat"


def test_an_api_check_is_in_the_decisions_tab_found_by_its_patient_ref(browser, app_url, screenshot, tmp_path):
    from gradio_client import Client

    patient = {"ipss_r": "high", "serum_epo": {"value": 100, "unit": "U/L"}}
    decision = Client(app_url, verbose=False).predict("imetelstat", json.dumps(patient), "MRN-BROWSER-42", "Dr Who",
                                                       api_name="/check")
    assert decision["decision_id"]
    context = browser.new_context(viewport={"width": 1280, "height": 900}, accept_downloads=True)
    page = context.new_page()
    page.set_default_timeout(60_000)
    page.goto(app_url)
    open_tab(page, "Decisions")
    page.fill("#decisions-text input", "mrn-browser")
    page.locator("#decisions-text input").press("Enter")
    page.wait_for_function("document.querySelector('#decisions-status').innerText.startsWith('1 decision')")
    row = page.locator("#decisions-table [role=row]", has_text=decision["decision_id"])
    assert row.count() == 1 and "API" in row.inner_text() and "MRN-BROWSER-42" in row.inner_text()
    page.fill("#decisions-since input", "30/11/2026")
    page.click("#decisions-search")
    page.wait_for_function("document.querySelector('#decisions-status').innerText.includes('From:')")
    assert "use YYYY-MM-DD" in page.locator("#decisions-status").inner_text()
    screenshot(page, "app-decisions-filter-error")
    context.close()


def download(page, selector: str, folder):
    with page.expect_download() as info:
        page.click(selector)
    path = folder / info.value.suggested_filename
    info.value.save_as(path)
    return path
