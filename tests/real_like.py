"""Documents laid out like real ones (TEST FIXTURES: invented drug, plan and study; not medical advice).

`write_label_pdf` writes a US prescribing-information style label with fpdf2: a highlights box,
a boxed warning, a contents list, numbered sections ("2 DOSAGE AND ADMINISTRATION", "2.1 ..."),
a dose table, a running header and a footer with the page number on every page, and words
hyphenated at line ends (soft hyphens that must go, and real hyphens that must stay).
Its highlights are set in two columns. The payer policy page and the journal article are files in tests/data/real_like/.
"""

from __future__ import annotations

from pathlib import Path

FOLDER = Path(__file__).parent / "data" / "real_like"
POLICY_HTML = FOLDER / "esa-policy.html"
ARTICLE_MD = FOLDER / "pharmacist-article.md"

LABEL_TITLE = "LUMTRIVA (lumatrombopag) tablets: prescribing information (test fixture)"
HEADER = "LUMTRIVA (lumatrombopag) tablets - TEST FIXTURE, NOT REAL PRESCRIBING INFORMATION"
FOOTER = "Reference ID: 9900001  |  Page {page} of {pages}"

STARTING_DOSE = "The recommended starting dosage of LUMTRIVA is 25 mg taken orally once daily with food."
BOXED = (
    "LUMTRIVA can cause hepatotoxicity, including severe and life-threatening liver injury. Measure serum ALT, "
    "AST and bilirubin before starting LUMTRIVA, every 2 weeks during dose adjustment, and monthly once a stable "
    "dose is reached. Discontinue LUMTRIVA if ALT rises to 3 times the upper limit of normal or more with "
    "increasing bilirubin."
)
MAX_DOSE = "Do not exceed a dosage of 75 mg once daily."

# (kind, text): h = section heading, p = paragraph, b = bullet, box = bordered block, t = table rows ("a|b")
LABEL: list[tuple[str, str]] = [
    ("columns", "HIGHLIGHTS OF PRESCRIBING INFORMATION\nThese highlights do not include all the information needed to use "
            "LUMTRIVA safely and effectively. See full prescribing information for LUMTRIVA.\n"
            "LUMTRIVA (lumatrombopag) tablets, for oral use\nInitial U.S. Approval: 2029\n"
            "WARNING: HEPATOTOXICITY\nSee full prescribing information for complete boxed warning.\n"
            "--- INDICATIONS AND USAGE ---\n"
            "LUMTRIVA is a thrombopoietin receptor agonist indicated for thrombocytopenia in adults with lower-risk "
            "myelodysplastic syndromes. (1)\n"
            "--- DOSAGE AND ADMINISTRATION ---\n"
            "Starting dosage: 25 mg orally once daily with food. (2.1)\n"
            "Adjust to keep the platelet count at or above 50 x 10^9/L. (2.2)\n"
            "--- WARNINGS AND PRECAUTIONS ---\n"
            "Hepatotoxicity: measure liver tests before and during treatment. (5.1)\n"
            "Thrombotic complications: use with caution in patients with known risk factors. (5.2)\n"
            "--- ADVERSE REACTIONS ---\n"
            "The most common adverse reactions (at least 20%) were nausea, diarrhea, headache and fatigue. (6)"),
    ("p", "FULL PRESCRIBING INFORMATION: CONTENTS*"),
    ("toc", "WARNING: HEPATOTOXICITY\n1 INDICATIONS AND USAGE\n2 DOSAGE AND ADMINISTRATION\n2.1 Recommended Dosage\n"
            "2.2 Dose Adjustments\n2.3 Discontinuation\n3 DOSAGE FORMS AND STRENGTHS\n4 CONTRAINDICATIONS\n"
            "5 WARNINGS AND PRECAUTIONS\n5.1 Hepatotoxicity\n5.2 Thrombotic and Thromboembolic Complications\n"
            "6 ADVERSE REACTIONS"),
    ("p", "*Sections or subsections omitted from the full prescribing information are not listed."),
    ("page", ""),
    ("h", "FULL PRESCRIBING INFORMATION"),
    ("box", "WARNING: HEPATOTOXICITY\n" + BOXED),
    ("h", "1 INDICATIONS AND USAGE"),
    ("p", "LUMTRIVA is a thrombopoietin receptor agonist indicated for the treatment of thrombocytopenia in adult "
          "patients with lower-risk myelodysplastic syndromes whose platelet count is below 30 x 10^9/L after at "
          "least one prior therapy. Limitations of use: LUMTRIVA is not indicated to normalize platelet counts."),
    ("h", "2 DOSAGE AND ADMINISTRATION"),
    ("h", "2.1 Recommended Dosage"),
    ("p", STARTING_DOSE + " For patients of East-Asian ancestry or with moderate hepatic impairment, start "
          "LUMTRIVA at 12.5 mg once daily. Use the lowest dosage that achieves and maintains a platelet count "
          "at or above 50 x 10^9/L as necessary to reduce the risk of bleeding. " + MAX_DOSE),
    ("h", "2.2 Dose Adjustments"),
    ("p", "Adjust the daily dosage of LUMTRIVA based on the platelet count as shown in Table 1. Wait at least "
          "2 weeks between dose increases to see the full effect of a dosage change."),
    ("p", "Table 1: Dose Adjustments of LUMTRIVA Based on Platelet Count"),
    ("t", "Platelet count|Dose adjustment\n"
          "Below 50 x 10^9/L after at least 2 weeks|Increase the daily dose by 12.5 mg, up to 75 mg daily\n"
          "50 to 200 x 10^9/L|Keep the current dose\n"
          "Above 200 to 400 x 10^9/L|Decrease the daily dose by 12.5 mg\n"
          "Above 400 x 10^9/L|Stop LUMTRIVA and restart at a dose 12.5 mg lower once below 150 x 10^9/L"),
    ("h", "2.3 Discontinuation"),
    ("p", "Discontinue LUMTRIVA if the platelet count does not increase to a level sufficient to avoid "
          "clinically important bleeding after 4 weeks at the maximum daily dose of 75 mg."),
    ("h", "3 DOSAGE FORMS AND STRENGTHS"),
    ("p", "Tablets: 12.5 mg and 25 mg, film-coated, round, white to off-white."),
    ("h", "4 CONTRAINDICATIONS"),
    ("p", "None."),
    ("h", "5 WARNINGS AND PRECAUTIONS"),
    ("h", "5.1 Hepatotoxicity"),
    ("p", "In the pivotal trial, ALT elevations of 3 times the upper limit of normal or more occurred in 6% of "
          "patients receiving LUMTRIVA and in 2% of patients receiving placebo. Most hepatotoxic events occurred "
          "within the first 3 months of treatment and were reversible after discontinuation."),
    ("h", "5.2 Thrombotic and Thromboembolic Complications"),
    ("p", "Thrombotic and thromboembolic complications may result from increases in platelet counts with "
          "LUMTRIVA. Portal vein thrombosis has been reported in patients with chronic liver disease. Consider "
          "the potential for an increased risk of thromboembolism when administering LUMTRIVA to patients with "
          "known risk factors for thromboembolism."),
    ("h", "6 ADVERSE REACTIONS"),
    ("p", "The most common adverse reactions, reported in at least 20% of patients, were nausea, diarrhea, "
          "headache and fatigue. Serious adverse reactions occurred in 14% of patients receiving LUMTRIVA."),
    ("p", "Non-hematologic adverse reactions were mostly low-grade and self-limited; dose-dependent increases "
          "in liver enzymes were uncommon, and treatment-emergent thrombosis was rare in the placebo-controlled "
          "period of the pivotal trial, which enrolled transfusion-dependent and transfusion-independent patients."),
    ("b", "Nausea was reported in 31% of patients receiving LUMTRIVA and in 12% receiving placebo."),
    ("b", "Diarrhea was reported in 24% of patients receiving LUMTRIVA and in 10% receiving placebo."),
]


def write_label_pdf(path: Path) -> Path:
    from fpdf import FPDF

    class Label(FPDF):
        def header(self) -> None:
            self.set_font("Helvetica", "I", 8)
            self.cell(0, 5, HEADER, align="C", new_x="LMARGIN", new_y="NEXT")
            self.ln(2)

        def footer(self) -> None:
            self.set_y(-12)
            self.set_font("Helvetica", "", 8)
            self.cell(0, 5, FOOTER.format(page=self.page_no(), pages="{nb}"), align="C")

    pdf = Label(format="Letter")
    pdf.set_title(LABEL_TITLE)
    pdf.set_auto_page_break(True, margin=18)
    pdf.set_margins(20, 15, 80)  # a narrow column, so long words fall at line ends and are hyphenated
    pdf.add_page()
    for kind, text in LABEL:
        _block(pdf, kind, text)
    pdf.output(str(path))
    return path


def _block(pdf, kind: str, text: str) -> None:
    if kind == "page":
        pdf.add_page()
    elif kind == "columns":  # the highlights: two columns, as real labels set them
        pdf.set_font("Helvetica", "", 8)
        with pdf.text_columns(ncols=2, gutter=6, balance=True) as columns:
            for paragraph in text.split("\n"):
                columns.write(paragraph + "\n")
        pdf.ln(2)
    elif kind == "h":
        pdf.set_font("Helvetica", "B", 10)
        pdf.ln(2)
        pdf.cell(0, 6, text, new_x="LMARGIN", new_y="NEXT")
    elif kind == "t":
        pdf.set_font("Helvetica", "", 8)
        with pdf.table(col_widths=(45, 75), text_align="LEFT") as table:
            for row in text.split("\n"):
                cells = table.row()
                for cell in row.split("|"):
                    cells.cell(cell)
        pdf.ln(2)
    else:
        pdf.set_font("Helvetica", "B" if kind == "toc" else "", 9)
        lines = [wrapped for para in text.split("\n") for wrapped in _hyphenated(pdf, para, kind == "b")]
        if kind == "box":
            pdf.rect(pdf.l_margin - 2, pdf.get_y() - 1, pdf.epw + 4, 4.5 * len(lines) + 2)
        for line in lines:
            pdf.cell(0, 4.5, line, new_x="LMARGIN", new_y="NEXT")
        pdf.ln(1.5)


def _hyphenated(pdf, text: str, bullet: bool) -> list[str]:
    """Lines that fit the column; a long word that does not fit is broken with a hyphen, as typesetters do."""
    words = (("- " if bullet else "") + text).split()
    lines: list[str] = []
    line = ""
    for word in words:
        trial = f"{line} {word}".strip()
        if pdf.get_string_width(trial) <= pdf.epw:
            line = trial
            continue
        if "-" in word[1:-1] and pdf.get_string_width(f"{line} {word.split('-')[0]}-".strip()) <= pdf.epw:
            head = word.split("-")[0]  # a compound broken at its own hyphen, which stays
            lines.append(f"{line} {head}-".strip())
            line = word[len(head) + 1:]
            continue
        if len(word) >= 9 and word.isalpha():
            head = _fitting_head(pdf, line, word)
            if head:
                lines.append(f"{line} {head}-".strip())
                line = word[len(head):]
                continue
        lines.append(line)
        line = word
    return [*lines, line] if line else lines


def _fitting_head(pdf, line: str, word: str) -> str:
    for cut in range(len(word) - 4, 3, -1):
        if pdf.get_string_width(f"{line} {word[:cut]}-".strip()) <= pdf.epw:
            return word[:cut]
    return ""
