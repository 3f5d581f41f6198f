"""Reading users' files into stored text (no model): PDF pages without text, web-page furniture, Markdown."""

from __future__ import annotations

import pytest

from corpus.extract import ExtractionError, extract, reflow_markdown
from corpus.extract import drop_furniture_lines
from corpus.extract_html import extract_html
from corpus.library import LibraryError, overrides
from tests.made_documents import (
    COOKIE_TEXT,
    FOOTER_TEXT,
    LABEL_DOSE,
    MARKDOWN_FACT,
    NAV_TEXT,
    POLICY_FACT,
    RELATED,
    write_html,
    write_markdown,
    write_pdf,
)


def test_pdf_text_is_read_and_a_page_without_text_is_reported_by_number(tmp_path):
    got = extract(write_pdf(tmp_path / "label.pdf"))
    assert got.format == "pdf" and got.pages == 3 and got.pages_without_text == [2]
    assert "page(s) 2 of 3 have no text layer" in got.warnings[0]
    assert LABEL_DOSE in got.text
    assert "Dosage and administration\n" in got.text  # a heading is its own block
    assert "- Discontinue romiplostim" in got.text  # a bullet is an item


def test_a_pdf_without_any_text_layer_is_one_clear_error(tmp_path):
    with pytest.raises(ExtractionError, match="no page has a text layer"):
        extract(write_pdf(tmp_path / "scan.pdf", pages=[[], []]))


@pytest.mark.parametrize("inside", [True, False])
def test_web_page_furniture_is_left_out_and_listed(tmp_path, inside):
    got = extract(write_html(tmp_path / "policy.html", related_inside_article=inside))
    assert POLICY_FACT in " ".join(got.text.split())
    for furniture in [COOKIE_TEXT, *NAV_TEXT, FOOTER_TEXT, *RELATED, "Related Questions", "Privacy policy"]:
        assert furniture not in got.text, furniture
    dropped = " ".join(got.dropped)
    for furniture in [COOKIE_TEXT, *NAV_TEXT, *RELATED]:
        assert furniture in dropped, furniture
    assert got.title == "Eltrombopag coverage policy"


def test_furniture_inside_the_article_is_dropped_by_our_rules():
    """trafilatura keeps a consent line, a plain related-questions list and a copyright line inside <article>."""
    page = (
        "<html><body><article><h1>Policy X</h1><p>Drug A is covered for adults with anemia when hemoglobin is below "
        "9 g/dL on two checks.</p><p>We use cookies to improve your experience. Accept all cookies.</p>"
        "<h2>Related questions</h2><ul><li>Is drug A safe when travelling abroad?</li><li>Can drug A be split?</li></ul>"
        "<h2>Renewal</h2><p>Coverage is renewed every six months after a documented response.</p>"
        "<p>© 2031 Example Media. All rights reserved.</p></article></body></html>"
    )
    got = extract_html(page)
    assert "Drug A is covered" in got.text and "## Renewal" in got.text and "renewed every six months" in got.text
    for furniture in ["cookies", "Related questions", "travelling abroad", "split", "All rights reserved"]:
        assert furniture not in got.text, furniture
    assert {"Related questions", "Is drug A safe when travelling abroad?"} <= set(got.dropped)


def test_related_list_ends_at_the_next_content_block():
    kept, dropped = drop_furniture_lines(["## You may also like", "- Other page", "A real paragraph follows here."])
    assert kept == ["A real paragraph follows here."] and dropped == ["## You may also like", "- Other page"]


def test_a_markdown_related_list_is_furniture_but_a_recommended_dosage_section_is_content(tmp_path):
    page = tmp_path / "policy.md"
    page.write_text(
        "# Plan policy\n\n## Recommended dosage\n\n- 750 micrograms once weekly\n\n"
        "## Related articles\n\n- Best pizza in town\n- Ten tips for travel\n\nWe use cookies to improve this site.\n",
        encoding="utf-8",
    )
    got = extract(page)
    assert "## Recommended dosage" in got.text and "750 micrograms once weekly" in got.text
    for furniture in ["Related articles", "Best pizza", "Ten tips", "cookies"]:
        assert furniture not in got.text, furniture
    assert got.dropped_count == 4 and "Best pizza in town" in " ".join(got.dropped)


def test_markdown_paragraphs_are_joined_and_inline_markup_dropped(tmp_path):
    got = extract(write_markdown(tmp_path / "notes.md"))
    assert MARKDOWN_FACT in got.text and "**" not in got.text and "](" not in got.text
    assert "small pilot cohort of patients\nwith" not in got.text  # the wrapped line joined its paragraph
    assert got.title == "Sotatercept pilot cohort notes"
    assert reflow_markdown("1) first\n2) second\n") == "  1. first\n\n  2. second\n"


def test_unknown_file_types_and_bad_overrides_are_one_line_naming_the_field(tmp_path):
    (tmp_path / "notes.docx").write_bytes(b"PK")
    with pytest.raises(ExtractionError, match=r"unknown file type '\.docx'; allowed: .*\.pdf"):
        extract(tmp_path / "notes.docx")
    with pytest.raises(LibraryError, match="^--kind: 'leaflet' is not one of label, policy, guideline, review, article$"):
        overrides(kind="leaflet")
    with pytest.raises(LibraryError, match="^--date: "):
        overrides(date="2030-02-30")
    with pytest.raises(LibraryError, match="^--date: 'March 2030' is not a date"):
        overrides(date="March 2030")


# --- real documents' layout (tests/test_real_like_documents.py runs them end to end) -------------


def test_running_headers_footers_and_page_numbers_are_dropped_by_repetition():
    from corpus.extract_pdf import drop_running_lines

    # Body lines that differ only in their figures ("... 7 responses", "... 14 responses") are not furniture.
    body = [[f"In this cohort, {7 * n + i} patients had a response at week {i + 5}." for i in range(4)] for n in range(3)]
    pages = [["Drug X tablets", *body[n], f"Reference ID: 123  Page {n + 1} of 3", f"{n + 1}"] for n in range(3)]
    kept, dropped = drop_running_lines(pages)
    assert kept == [*body[0], *body[1], *body[2]]
    assert dropped == ["Drug X tablets", "Reference ID: 123  Page 1 of 3", "1"]  # each running line listed once


def test_line_end_hyphens_a_typesetters_go_a_compounds_stay():
    from corpus.extract_pdf import reflow_lines

    lines = ["Adverse reactions were mostly low-grade and dose-", "dependent; patients were moni-",
             "tored weekly and the dose-dependent rise was rare."]
    assert reflow_lines(lines) == [
        "Adverse reactions were mostly low-grade and dose-dependent; patients were monitored weekly and the "
        "dose-dependent rise was rare."
    ]


def test_pdf_headings_numbered_ruled_and_in_capitals_and_section_pointers_dropped():
    from corpus.extract_pdf import reflow_lines

    lines = ["2 DOSAGE AND ADMINISTRATION", "2.1 Recommended Dosage", "The recommended dosage is 25 mg once daily",
             "with food. (2.1)", "--- ADVERSE REACTIONS ---", "12 patients had nausea and 3 had fatigue, which",
             "resolved."]
    assert reflow_lines(lines) == ["2 DOSAGE AND ADMINISTRATION", "2.1 Recommended Dosage",
                                   "The recommended dosage is 25 mg once daily with food.", "ADVERSE REACTIONS",
                                   "12 patients had nausea and 3 had fatigue, which resolved."]


def test_html_tables_become_one_item_per_row_named_by_headings():
    from corpus.extract_html import tables_as_lists

    html = ("<table><tr><th>Code</th><th>Description</th></tr><tr><td>Q5106</td><td>Injection, 1000 units</td></tr>"
            "</table><table><tr><th>Policy number</th><td>RX-1</td></tr></table>")
    out = tables_as_lists(html)
    assert "<li>Code: Q5106; Description: Injection, 1000 units</li>" in out and "<li>Policy number: RX-1</li>" in out


def test_markdown_inline_markup_citation_markers_images_and_references():
    text = ("# Study\n\nA. Author<sup>1</sup>, *J Ex*.\n\nESAs are first.[1,2] Doses rose [3].\n\n"
            "![Figure 1](f.png)\n\n*Figure 1. Response by group.*\n\n## References\n\n1. Doe J. A paper. doi:10.1/x\n\n"
            "## Appendix\n\nMore text.\n")
    kept, dropped = drop_furniture_lines(reflow_markdown(text).strip().split("\n\n"))
    assert kept == ["# Study", "A. Author, J Ex.", "ESAs are first. Doses rose.", "Figure 1. Response by group.",
                    "## Appendix", "More text."]
    assert dropped == ["## References", "1. Doe J. A paper. doi:10.1/x"]


def test_a_drug_pair_is_read_but_abbreviations_and_known_names_are_not():
    from corpus.learned import _as_pair

    assert _as_pair("LUMTRIVA", "lumatrombopag", "") == ("lumatrombopag", "LUMTRIVA")
    assert _as_pair("Lumatrombopag", "Lumtriva", "") == ("Lumatrombopag", "Lumtriva")
    assert _as_pair("lumatrombopag", "LUMTRIVA", "long-term treatment with lumatrombopag (LUMTRIVA)") == (
        "lumatrombopag", "LUMTRIVA")
    for first, second, text in [("agents", "ESAs", "erythropoiesis-stimulating agents (ESAs)"), ("syndromes", "MDS", ""),
                                ("saturation", "TSAT", "transferrin saturation (TSAT)"), ("hemoglobin", "Hb", ""),
                                ("erythropoietin", "sEPO", ""), ("Tablets", "oral", "")]:
        assert _as_pair(first, second, text) is None, (first, second)
