"""Reading one message: the extractors, in their declared order, over one working draft."""

from __future__ import annotations

from collections.abc import Callable

from bot.eligibility.coordination import extract_coordinated
from bot.eligibility.draft import Draft
from bot.eligibility.genetics import extract_del5q, extract_mutations
from bot.eligibility.labs import (
    extract_hemoglobin,
    extract_percentages_label_first,
    extract_percentages_value_first,
    extract_serum_epo,
)
from bot.eligibility.models import ExtractedFacts
from bot.eligibility.risk import extract_age, extract_risk
from bot.eligibility.therapies import extract_drugs_and_therapies
from bot.eligibility.transfusions import extract_transfusions
from bot.settings import FactReading

# Order matters: each extractor claims the text it read. Counts with a period ("4 units in
# 8 weeks") and labelled labs go first, so their numbers are never read as an age, a
# percentage or a course length; label-first percentages ("RS 20%") before value-first
# ones ("20% RS"); drug names last, so "EPO 620" is a lab, not an ESA.
FIELD_EXTRACTORS: tuple[Callable[[Draft], None], ...] = (
    extract_transfusions,
    extract_serum_epo,
    extract_hemoglobin,
    extract_age,
    extract_risk,
    extract_percentages_label_first,
    extract_percentages_value_first,
    extract_mutations,
    extract_del5q,
)

# How a field is named in a note to the user.
FIELD_LABELS = {
    "serum_epo": "Serum EPO", "hemoglobin": "Hemoglobin", "rbc_units_last_8_weeks": "RBC transfusions",
    "bone_marrow_blasts_pct": "Bone marrow blasts", "ring_sideroblasts_pct": "Ring sideroblasts",
    "age_years": "Age", "ipss_r": "IPSS-R", "ipss": "IPSS", "sf3b1": "SF3B1", "idh1": "IDH1", "idh2": "IDH2",
    "del5q": "del(5q)",
}


def extract_facts(text: str, reading: FactReading | None = None) -> ExtractedFacts:
    """Read the patient facts and the drug(s) asked about from one message."""
    draft = Draft(text=text, reading=reading or FactReading())
    extract_coordinated(draft, FIELD_EXTRACTORS)  # "RS and blasts: 20% and 3%" before "blasts: 20%" is read
    for extractor in FIELD_EXTRACTORS:
        extractor(draft)
    drugs = extract_drugs_and_therapies(draft)
    draft.settle(FIELD_LABELS)
    return ExtractedFacts(
        drug=drugs[0] if drugs else None,
        drugs=drugs,
        facts=draft.facts,
        notes=draft.notes,
        spans=draft.spans,
        assumptions=draft.assumptions,
        unresolved=sorted(set(draft.unresolved)),
    )
