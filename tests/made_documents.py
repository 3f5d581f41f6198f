"""Documents the ingest tests make for themselves: a PDF (fpdf2) with a page that has no text layer,
a web page with navigation, cookie banner, footer and a related-questions list, and a Markdown file.

Each states facts no shipped document covers, so a question about them is answered only from it.
"""

from __future__ import annotations

from pathlib import Path

LABEL_TITLE = "Romiplostim injection: prescribing information excerpt"
LABEL_DOSE = "The recommended initial dose of romiplostim is 1 mcg/kg once weekly as a subcutaneous injection."
LABEL_PAGES = [
    [
        ("heading", "Dosage and administration"),
        ("text", LABEL_DOSE + " Adjust the weekly dose by increments of 1 mcg/kg until the platelet count is at least "
                 "50 x 10^9/L. Do not exceed the maximum weekly dose of 10 mcg/kg."),
        ("heading", "Dose preparation"),
        ("text", "Reconstitute the lyophilized romiplostim powder with sterile water for injection only. "
                 "The reconstituted solution may be kept for up to 24 hours in a refrigerator before use."),
    ],
    [],  # no text layer: reported by page number
    [
        ("heading", "Monitoring"),
        ("text", "Obtain a complete blood count with platelet counts weekly during the dose adjustment phase of "
                 "romiplostim therapy. After a stable dose is reached, obtain platelet counts monthly."),
        ("bullet", "Discontinue romiplostim if the platelet count does not increase after four weeks at the maximum dose."),
        ("bullet", "Check peripheral blood smears for immature or dysplastic cells before starting therapy."),
    ],
]


def write_pdf(path: Path, pages: list[list[tuple[str, str]]] = LABEL_PAGES, title: str = LABEL_TITLE) -> Path:
    from fpdf import FPDF

    pdf = FPDF(format="A4")
    pdf.set_title(title)
    pdf.set_auto_page_break(True, margin=15)
    for blocks in pages:
        pdf.add_page()
        for kind, text in blocks:
            pdf.set_font("Helvetica", "B" if kind == "heading" else "", 14 if kind == "heading" else 11)
            pdf.multi_cell(0, 6, ("- " if kind == "bullet" else "") + text)
            pdf.ln(3)
    pdf.output(str(path))
    return path


def long_pdf(path: Path, pages: int = 50) -> Path:
    """A text PDF of many pages (the ingest benchmark): each page a heading and three paragraphs."""
    body = []
    for n in range(pages):
        topic = f"Clinical note {n + 1}"
        paragraphs = [
            f"In cohort {n + 1}, patients received supportive care for {n % 7 + 2} weeks before any change of therapy. "
            f"The median hemoglobin rose by {n % 5 + 1}.{n % 10} g/dL and transfusion needs fell in most patients. "
            "Adverse events were mostly mild and resolved without a change of dose.",
            f"Follow-up visits took place every {n % 3 + 2} weeks. Blood counts, ferritin and reticulocytes were "
            "recorded at each visit, and treatment adherence was checked by pill count. Patients who missed more "
            "than two visits were contacted by the study nurse.",
            f"The investigators of site {n + 1} report that the protocol was feasible in routine practice. "
            "They recommend that future studies record quality of life with a validated questionnaire at baseline "
            "and after twelve weeks.",
        ]
        body.append([("heading", topic), *(("text", p) for p in paragraphs)])
    return write_pdf(path, body, title="Supportive care cohort notes")


COOKIE_TEXT = "We use cookies to improve your experience on this site. Accept all cookies or manage preferences."
NAV_TEXT = ["Drug library", "Contact the editors"]
FOOTER_TEXT = "2031 Example Health Media. All rights reserved."
RELATED = ["Is eltrombopag safe while travelling abroad?", "Can eltrombopag tablets be split for children?"]
POLICY_FACT = (
    "Eltrombopag is covered for adults with lower-risk MDS and severe thrombocytopenia when the platelet count is "
    "below 20 x 10^9/L on two counts at least seven days apart."
)


def write_html(path: Path, related_inside_article: bool = True) -> Path:
    """A payer policy page; the related-questions list sits inside the article (trafilatura keeps such lists)."""
    related = (
        "<h3>Related Questions</h3><ul>" + "".join(f'<li><a href="/q/{i}">{q}</a></li>' for i, q in enumerate(RELATED)) + "</ul>"
    )
    html = f"""<!DOCTYPE html><html><head><title>Eltrombopag coverage policy | Example Health Plan</title></head><body>
<div id="cookie-banner" class="cookie-consent"><p>{COOKIE_TEXT}</p><button>Accept all cookies</button></div>
<header><nav><ul><li><a href="/">Home</a></li><li><a href="/drugs">{NAV_TEXT[0]}</a></li>
<li><a href="/contact">{NAV_TEXT[1]}</a></li></ul></nav></header>
<main><article>
<h1>Eltrombopag coverage policy</h1>
<h2>Coverage criteria</h2>
<p>{POLICY_FACT}</p>
<p>Coverage is renewed every six months when the platelet count has risen to at least 50 x 10^9/L or
transfusions of platelets are no longer needed.</p>
<h2>Documentation</h2>
<ul><li>Two platelet counts with their dates.</li><li>A bone marrow report confirming lower-risk MDS.</li></ul>
{related if related_inside_article else ""}
</article>
{"" if related_inside_article else f'<aside class="related">{related}</aside>'}
</main>
<footer><p>&copy; {FOOTER_TEXT}</p><p>Privacy policy | Terms of use</p></footer>
</body></html>"""
    path.write_text(html, encoding="utf-8")
    return path


MARKDOWN_FACT = "Sotatercept was given at 0.3 mg/kg every three weeks in the pilot cohort described here."


def write_markdown(path: Path, extra: str = "") -> Path:
    path.write_text(
        f"""# Sotatercept pilot cohort notes

**Sotatercept** was studied in a small [pilot cohort](https://example.org/pilot) of patients
with lower-risk MDS and anemia. {MARKDOWN_FACT}

## Outcomes

- Eight of twenty patients became transfusion independent for at least eight weeks.
- Hypertension was the most common adverse event.
{extra}
""",
        encoding="utf-8",
    )
    return path
