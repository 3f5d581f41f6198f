"""The eligibility flow of the chat: read patient facts and the drug asked about from free
text, route the turn, merge facts across turns, and show the facts back.

Pharmacists and hematologists type things like "Can my patient get <drug>? IPSS-R low,
RS 20%, SF3B1 mutated, sEPO 620 U/L, 2 units every 4 weeks, failed 8 weeks of epoetin".
``extract_facts`` turns that into the rules core's patient model (a plain dict, see
``rules_core.PatientFacts``) plus the notes (conversions, assumptions) and source
fragments the chat shows, so the user can correct anything misread. Nothing is guessed
silently: every assumption (unit, class member, rounding) becomes a note.

Modules: reader (extractor order) over draft (claimed text); one module per thing read:
risk, labs, genetics, transfusions, mentions + therapies (with cues: negation, response,
time); routing, merge, describe. Import-light on purpose (re + pydantic + the lexicon):
the CLI must start fast.
"""

from bot.eligibility.describe import describe_facts
from bot.eligibility.merge import merge_facts
from bot.eligibility.models import ExtractedFacts, Intent, Routing
from bot.eligibility.reader import extract_facts
from bot.eligibility.routing import is_about_a_patient, is_eligibility_question, mentions_a_patient, route

__all__ = [
    "ExtractedFacts",
    "Intent",
    "Routing",
    "describe_facts",
    "extract_facts",
    "is_about_a_patient",
    "is_eligibility_question",
    "mentions_a_patient",
    "merge_facts",
    "route",
]
