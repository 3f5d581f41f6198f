"""Drug names a document introduces, read from the document itself (its title and opening text).

A drug label, or a payer policy about a drug the lexicon does not know, names it as a pair:
"LUMTRIVA (lumatrombopag) tablets", "Lumatrombopag (Lumtriva)". The pair is read from the corpus
as it stands, so a drug an added document introduces is a drug for the guard (subject, dose rails)
and its two names find each other in search; once the document is removed, the drug is unknown
again. Nothing here names a drug: the pairs come from the documents.
"""

from __future__ import annotations

import re
from functools import lru_cache

from pydantic import BaseModel, ConfigDict

from corpus.ingest import Corpus
from corpus.lexicon import Lexicon, load_lexicon
from corpus.lexicon_entries import Drug
from corpus.vocabulary import stem

OPENING_CHARS = 2000  # a label's or policy's title block, highlights and first heading lie within this
_NAME = r"[A-Za-z][A-Za-z]{3,}(?:-[a-z]{4})?"  # a word; a biosimilar's four-letter suffix ('-epbx') stays on
_PAIR = re.compile(rf"\b({_NAME})\s*[®™]?\s*\(\s*({_NAME})\s*[®™]?\s*\)")
# Words that stand beside a drug's name in a title but are not names ('Tablets (oral)').
_FORMS = frozenset({"tablets", "tablet", "capsules", "capsule", "injection", "solution", "suspension", "oral",
                    "subcutaneous", "intravenous", "infusion", "powder", "kit", "for", "use", "and", "with"})


class LearnedDrug(BaseModel):
    """A drug a document names by generic and brand, which the lexicon does not know."""

    model_config = ConfigDict(frozen=True)

    generic: str
    brand: str
    doc_id: str

    @property
    def id(self) -> str:
        return re.sub(r"[^a-z0-9]+", "_", self.generic.lower()).strip("_")

    def as_drug(self) -> Drug:
        key = re.sub(r"[^a-z0-9]", "", self.generic.lower())
        return Drug(id=self.id, label=self.generic.lower(), key=key, rules=False,
                    names=[re.escape(self.generic)], brands=[self.brand])


def learned_drugs(corpus: Corpus, lexicon: Lexicon | None = None) -> tuple[LearnedDrug, ...]:
    """The new drugs the corpus's documents name in their title or opening text, one per generic name."""
    lexicon = lexicon or load_lexicon()
    found: dict[str, LearnedDrug] = {}
    for doc in corpus.documents:
        for first, second in _PAIR.findall(f"{doc.info.title}\n{doc.raw[:OPENING_CHARS]}"):
            pair = _as_pair(first, second, doc.raw[:OPENING_CHARS])
            if pair is None or any(_known(name, lexicon) for name in pair):
                continue  # not a drug's two names, or a drug, class, trial or concept the lexicon knows
            drug = LearnedDrug(generic=pair[0], brand=pair[1], doc_id=doc.id)
            found.setdefault(drug.id, drug)
    return tuple(found.values())


def _known(name: str, lexicon: Lexicon) -> bool:
    return bool(lexicon.mentions(name)) or any(regex.search(name) for _, regex in lexicon.concept_regexes)


def _as_pair(first: str, second: str, text: str) -> tuple[str, str] | None:
    """(generic, brand) of 'BRAND (generic)' or 'Generic (Brand)'; None for an abbreviation or a dosage form."""
    if {first.lower(), second.lower()} & _FORMS or first.lower() == second.lower():
        return None
    if not all(_written_as_name(w) for w in (first, second)):
        return None  # 'sEPO', 'IPSS-R': an abbreviation's mixed case
    if _abbreviates(second, text, first):
        return None
    if second.islower():  # 'LUMTRIVA (lumatrombopag)'
        return second, first
    if first.islower() or not first.isupper() and not second.isupper():  # 'lumatrombopag (Lumtriva)', 'Generic (Brand)'
        return first, second
    return (second, first) if first.isupper() else (first, second)


def _written_as_name(word: str) -> bool:
    """'LUMTRIVA', 'Lumtriva', 'lumatrombopag', 'epoetin-epbx': one case throughout, or a capital first."""
    head = word.split("-")[0]
    return head.isupper() or head.islower() or head[:1].isupper() and head[1:].islower()


def _abbreviates(short: str, text: str, before: str) -> bool:
    """'erythropoiesis-stimulating agents (ESAs)', 'transferrin saturation (TSAT)', 'hemoglobin (Hb)': the
    parenthesised word's letters run, in order, through the words before it, from one of their initials."""
    letters = short.lower()[:-1] if short.endswith("s") and short[:-1].isupper() else short.lower()
    if len(letters) <= 3:
        return True
    if sum(c.isupper() for c in short) < 2:
        return False  # 'Lumtriva' is written as a name, not as an abbreviation
    at = text.find(f"{before} (")
    words = [w.lower() for w in re.split(r"[^A-Za-z]+", text[:at]) if w][-len(letters) + 1:] if at >= 0 else []
    words.append(before.lower())
    return any(w[0] == letters[0] and _in_order(letters, "".join(words[i:])) for i, w in enumerate(words))


def _in_order(letters: str, text: str) -> bool:
    found = iter(text)
    return all(letter in found for letter in letters)


def corpus_lexicon(corpus: Corpus) -> Lexicon:
    """The lexicon with the corpus's learned drugs added (the lexicon itself when there are none)."""
    return with_learned(learned_drugs(corpus))


@lru_cache(maxsize=8)
def with_learned(drugs: tuple[LearnedDrug, ...]) -> Lexicon:
    base = load_lexicon()
    if not drugs:
        return base
    data = base.model_dump()
    data["drugs"] = [*data["drugs"], *(d.as_drug().model_dump() for d in drugs)]
    return Lexicon.model_validate(data)


def with_synonyms(text: str, names: dict[str, str]) -> str:
    """'dose of lumatrombopag' -> 'dose of lumatrombopag (LUMTRIVA)' when the text does not name the other too."""
    for name, other in names.items():
        if re.search(rf"\b{re.escape(other)}\b", text, re.IGNORECASE):
            continue
        text = re.sub(rf"\b{re.escape(name)}\b", lambda m: f"{m.group(0)} ({other})", text, count=1, flags=re.IGNORECASE)
    return text


def name_terms(drugs: tuple[LearnedDrug, ...], doc_id: str) -> set[str]:
    """The search terms of the drugs a document introduces: every passage of it is about them ('The most
    common adverse reactions were ...' in a label is about its drug)."""
    return {stem(name.lower()) for d in drugs if d.doc_id == doc_id for name in (d.generic, d.brand)}


def synonyms(drugs: tuple[LearnedDrug, ...]) -> dict[str, str]:
    """Each learned name (lower case) -> the other name: a question naming one also searches the other."""
    out: dict[str, str] = {}
    for drug in drugs:
        out[drug.generic.lower()] = drug.brand
        out[drug.brand.lower()] = drug.generic
    return out
