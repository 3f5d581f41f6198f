"""Text matching rules of the evaluation harness (documented in docs/eval.md).

Everything here is pure and deterministic:

* ``contains`` / ``find_terms``: case-insensitive substring checks used for
  ``must_include`` and ``must_not_include``.
* ``collapse`` and :class:`CorpusText`: whitespace-collapsed, case-insensitive
  location of a ``gold_quote`` in the *shipped* documents, mapped back to raw
  character offsets, so a retrieved passage can be judged by span overlap.
* ``is_gold_passage``: a passage is the gold passage when its span overlaps the
  quote's span in the same document, or when the quote is contained in the
  passage's cleaned text.
* ``split_cited_sentences`` / ``sentence_support``: the citation-support check
  (numbers and key terms of each cited sentence must be in its cited passages).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, Iterable, Mapping, Sequence

from corpus.cleaning import MappedText, QuoteFinder, fold_case, quote_form
from corpus.lexicon import load_lexicon
from corpus.text import normalise_number

MANIFEST = Path(__file__).resolve().parent.parent / "corpus" / "manifest.json"
DOCUMENTS_DIR = MANIFEST.parent / "documents"

# ---------------------------------------------------------------------------
# must_include / must_not_include


def fold(text: str) -> str:
    """Case-fold and collapse whitespace (the haystack of every substring check)."""
    return " ".join(str(text).casefold().split())


def contains(haystack: str, needle: str) -> bool:
    """Case-insensitive, whitespace-collapsed substring test. An empty needle never matches."""
    n = fold(needle)
    return bool(n) and n in fold(haystack)


def find_terms(haystack: str, needles: Iterable[str]) -> tuple[list[str], list[str]]:
    """Split ``needles`` into (found, missing), keeping their order."""
    hay = fold(haystack)
    found: list[str] = []
    missing: list[str] = []
    for needle in needles:
        n = fold(needle)
        (found if n and n in hay else missing).append(needle)
    return found, missing


def flatten_text(value: Any) -> str:
    """Every string (and number) inside a nested dict/list, in a stable order, one per line.

    This is the "rendered decision" a rules answer is matched against: verdict,
    pathway, criteria statements, evidence, citations, warnings.
    """
    parts: list[str] = []

    def walk(v: Any) -> None:
        if v is None:
            return
        if isinstance(v, str):
            parts.append(v)
        elif isinstance(v, bool):
            parts.append(str(v).lower())
        elif isinstance(v, (int, float)):
            parts.append(str(v))
        elif isinstance(v, Mapping):
            for key in v:  # insertion order of the producer: stable
                walk(v[key])
        elif isinstance(v, (list, tuple)):
            for item in v:
                walk(item)
        else:
            parts.append(str(v))

    walk(value)
    return "\n".join(parts)


# ---------------------------------------------------------------------------
# gold quotes in the shipped documents

def collapse(text: str) -> str:
    """Whitespace-collapsed, case-insensitive form used to locate quotes (corpus.cleaning.quote_form).

    A hyphen followed by whitespace (a word broken across lines, ``LR-\\nMDS``)
    collapses to a bare hyphen, so ``LR-MDS`` and ``LR- MDS`` both match it.
    """
    return fold_case(quote_form(MappedText(text)).text)


@dataclass(frozen=True)
class Span:
    doc_id: str
    start: int
    end: int  # exclusive, raw offsets in the shipped file

    def overlaps(self, doc_id: str, start: int, end: int) -> bool:
        return self.doc_id == doc_id and start < self.end and self.start < end


class CorpusText:
    """The shipped documents, raw, with their collapsed forms for quote location."""

    def __init__(self, documents: Mapping[str, str]):
        self.raw: dict[str, str] = dict(sorted(documents.items()))
        self._finders = {doc_id: QuoteFinder(text, ignore_case=True) for doc_id, text in self.raw.items()}

    @classmethod
    def from_dir(cls, directory: Path = DOCUMENTS_DIR) -> "CorpusText":
        docs = {p.stem: p.read_text(encoding="utf-8") for p in sorted(Path(directory).glob("*.txt"))}
        if not docs:
            raise FileNotFoundError(f"no documents (*.txt) in {directory}")
        return cls(docs)

    @property
    def doc_ids(self) -> list[str]:
        return list(self.raw)

    def locate(self, quote: str) -> list[Span]:
        """Every raw span of ``quote`` (collapsed match), in document then offset order."""
        return [Span(doc_id, a, b) for doc_id, finder in self._finders.items() for a, b in finder.spans(quote)]

    def resolve_doc(self, doc_id: str | None, start: int | None, end: int | None, text: str | None) -> str | None:
        """Which shipped document a passage belongs to.

        First by its original text (the passage's ``text`` is the slice
        ``raw[start:end]``), then by id: exact, or a shipped id that starts with
        or contains the given one.
        """
        if text is not None and start is not None and end is not None:
            hits = [d for d, raw in self.raw.items() if 0 <= start < end <= len(raw) and raw[start:end] == text]
            if len(hits) == 1:
                return hits[0]
        if doc_id:
            if doc_id in self.raw:
                return doc_id
            for known in self.raw:
                if known.startswith(doc_id) or doc_id in known or known in doc_id:
                    return known
        return None

    def slice(self, doc_id: str | None, start: int | None, end: int | None) -> str:
        if doc_id not in self.raw or start is None or end is None:
            return ""
        raw = self.raw[doc_id]
        if not (0 <= start <= end <= len(raw)):
            return ""
        return raw[start:end]


@lru_cache(maxsize=1)
def shipped_corpus() -> CorpusText:
    """The documents the shipped manifest lists, raw."""
    from corpus.models import load_manifest

    documents = load_manifest(MANIFEST).documents
    return CorpusText({d.id: (MANIFEST.parent / d.file).read_text(encoding="utf-8") for d in documents})


def _get(obj: Any, name: str, default: Any = None) -> Any:
    if isinstance(obj, Mapping):
        return obj.get(name, default)
    return getattr(obj, name, default)


def passage_fields(hit: Any) -> dict[str, Any]:
    """doc_id/start/end/text/normalized of a retrieval hit (``Hit.passage``) or a bare passage."""
    passage = _get(hit, "passage", None) or hit
    return {
        "id": _get(passage, "id"),
        "doc_id": _get(passage, "doc_id"),
        "section": _get(passage, "section"),
        "start": _get(passage, "start"),
        "end": _get(passage, "end"),
        "text": _get(passage, "text"),
        "normalized": _get(passage, "normalized"),
        "score": _get(hit, "score"),
    }


def is_gold_passage(passage: Mapping[str, Any], quote: str, gold_spans: Sequence[Span], corpus: CorpusText) -> bool:
    """The matching rule for "the retrieved passage is the gold passage"."""
    start, end = passage.get("start"), passage.get("end")
    if gold_spans and isinstance(start, int) and isinstance(end, int):
        doc = corpus.resolve_doc(passage.get("doc_id"), start, end, passage.get("text"))
        if doc is not None and any(s.overlaps(doc, start, end) for s in gold_spans):
            return True
    needle = collapse(quote)
    for field in ("normalized", "text"):
        value = passage.get(field)
        if needle and isinstance(value, str) and needle in collapse(value):
            return True
    return False


def gold_rank(hits: Sequence[Mapping[str, Any]], quote: str, corpus: CorpusText) -> int | None:
    """1-based rank of the first gold passage among ``hits``; None when absent."""
    spans = corpus.locate(quote)
    for rank, passage in enumerate(hits, start=1):
        if is_gold_passage(passage, quote, spans, corpus):
            return rank
    return None


# ---------------------------------------------------------------------------
# citation support

_MARKERS = re.compile(r"(?:\s*\[\d+\])+")
_MARKER_NUM = re.compile(r"\[(\d+)\]")
# A number that is not part of an identifier (SF3B1, IDH2, del(5q), Q3W, IgG1).
_NUMBER = re.compile(r"(?<![A-Za-z0-9.])\d+(?:[.,]\d+)*(?![A-Za-z0-9])")


def numbers_in(text: str) -> set[str]:
    """Normalised numbers of a text: ``1.0`` == ``1``, ``150.0`` == ``150``; en dashes split ranges."""
    text = text.replace("\u2013", " ").replace("\u2014", " ").replace("\u2212", "-")
    return {normalise_number(m.group(0)) for m in _NUMBER.finditer(text)}


# Key terms: canonical name -> surface forms. Drugs (generic and brands) and trials come
# from the lexicon; OCR misspellings ('SF3BI', '/DH2') are not listed: the manifest's
# declared repairs turn them into these forms.
def _lexicon_terms() -> dict[str, tuple[str, ...]]:
    lexicon = load_lexicon()
    drugs = {d.key: (d.key, *(b.lower() for b in d.brands)) for d in lexicon.drugs}
    trials = {t.id: (t.id, *t.spellings) for t in lexicon.trials}
    return {**drugs, **trials}


KEY_TERMS: dict[str, tuple[str, ...]] = {
    **_lexicon_terms(),
    "placebo": ("placebo",),
    "sf3b1": ("sf3b1",),
    "del(5q)": ("del(5q)", "del5q", "del 5q", "5q-"),
    "idh1": ("idh1",),
    "idh2": ("idh2",),
    "ring sideroblasts": ("ring sideroblast", "mds rs", "rs/sf3b"),
    "thrombocytopenia": ("thrombocytopenia",),
    "neutropenia": ("neutropenia",),
    "nccn": ("nccn",),
    "fda": ("fda",),
    "epo": ("sepo", "serum epo", "erythropoietin", "epo"),
    "iron": ("iron",),
    "aml": ("aml", "acute myeloid"),
    "ipss-r": ("ipss-r",),
    "ipss-m": ("ipss-m",),
    "hma": ("hma", "hypomethylating"),
}


def _term_pattern(form: str) -> re.Pattern[str]:
    return re.compile(r"(?<![a-z0-9])" + re.escape(form) + r"(?![a-z0-9])")


_TERM_PATTERNS: dict[str, list[re.Pattern[str]]] = {
    canon: [_term_pattern(f) for f in forms] for canon, forms in KEY_TERMS.items()
}


@lru_cache(maxsize=1)
def _declared_repairs() -> tuple[tuple[re.Pattern[str], str], ...]:
    """Every OCR repair the shipped manifest declares, in order (raw evidence still has the misspellings)."""
    from corpus.models import load_manifest

    documents = load_manifest(MANIFEST).documents
    return tuple((re.compile(r.pattern), r.replacement) for d in documents for r in d.cleaning.ocr_repairs)


def repair_misspellings(text: str) -> str:
    for pattern, replacement in _declared_repairs():
        text = pattern.sub(replacement, text)
    return text


def key_terms_in(text: str) -> set[str]:
    low = " ".join(repair_misspellings(text).casefold().split())
    return {canon for canon, pats in _TERM_PATTERNS.items() if any(p.search(low) for p in pats)}


@dataclass(frozen=True)
class CitedSentence:
    text: str  # the sentence without its markers
    markers: tuple[int, ...]


def split_cited_sentences(answer: str) -> tuple[list[CitedSentence], list[str]]:
    """Split an answer into sentences that end with citation markers, and uncited remainders.

    A cited sentence is the text since the previous marker group (or the start)
    up to a group of markers ``[n]``; a trailing full stop after the markers is
    ignored.
    """
    cited: list[CitedSentence] = []
    pos = 0
    for m in _MARKERS.finditer(answer):
        body = answer[pos : m.start()].strip()
        body = body.lstrip(".;:,) \n\t").strip()
        nums = tuple(int(x) for x in _MARKER_NUM.findall(m.group(0)))
        if body:
            cited.append(CitedSentence(body, nums))
        pos = m.end()
    rest = answer[pos:].strip().lstrip(".;:,) ").strip()
    uncited = [rest] if re.search(r"[A-Za-z0-9]", rest) else []
    return cited, uncited


@dataclass(frozen=True)
class SupportVerdict:
    supported: bool
    missing_numbers: tuple[str, ...]
    missing_terms: tuple[str, ...]
    unknown_markers: tuple[int, ...]


def sentence_support(
    sentence: CitedSentence, passages_by_marker: Mapping[int, str], exempt_numbers: frozenset[str] = frozenset()
) -> SupportVerdict:
    """Numbers and key terms of ``sentence`` must all be in the union of its cited passages
    (``exempt_numbers``: values the response states as its own, e.g. the site policy's thresholds)."""
    unknown = tuple(n for n in sentence.markers if n not in passages_by_marker)
    evidence = "\n".join(passages_by_marker[n] for n in sentence.markers if n in passages_by_marker)
    missing_numbers = tuple(sorted(numbers_in(sentence.text) - numbers_in(evidence) - exempt_numbers))
    missing_terms = tuple(sorted(key_terms_in(sentence.text) - key_terms_in(evidence)))
    ok = not unknown and not missing_numbers and not missing_terms and bool(evidence)
    return SupportVerdict(ok, missing_numbers, missing_terms, unknown)
