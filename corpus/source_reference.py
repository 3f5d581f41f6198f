"""A question's reference to a source by its description: which document, not what topic.

"How does the luspatercept medical necessity article define ESA failure?" asks the article's definition: the words
describing the article ("medical necessity") are no topic of their own, and the article's passages answer. The words
that describe a document are its manifest title's and short title's, and its kind (with the short title's prefix:
"Review: ..."), so an added document is referred to the same way. A reference no document's description fits ("the
NCCN-based article") is left in the question, and then no document is singled out.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from corpus.ingest import Corpus

_KINDS = r"articles?|reviews?|papers?|documents?|sources?|web\s*pages?|polic(?:y|ies)|guidelines?|labels?"
_REFERENCE = re.compile(
    rf"\b(?:(?:according\s+to|as\s+per|per|in|from|does|do|did|by)\s+)?the\s+((?:[\w/()-]+\s+){{0,5}}?)({_KINDS})\b(?:'s)?",
    re.IGNORECASE,
)
# A second part ("... and contrast it with the advice in the article", "...; what does the review say?"): a reference
# then belongs to its part (searched alone by the answerer), not to the whole question.
_SECOND_PART = re.compile(r"[;?]\s*\w|\b(?:and|but|while|whereas)\s+(?:contrast|compare|what|how|does|do|did|is|are|was|"
                          r"were|give|describe|list|where|which|why)\b", re.IGNORECASE)
_GENERIC = frozenset({"paper", "document", "source", "webpage"})  # any document's kind


@dataclass(frozen=True)
class SourceReferences:
    text: str  # the question without the references a document's description fits
    documents: tuple[str, ...]  # the one document the whole question refers to; () when none in particular


def _singular(word: str) -> str:
    word = re.sub(r"\s+", "", word.lower())
    return "policy" if word == "policies" else word.removesuffix("s")


def _words(text: str) -> set[str]:
    return set(re.findall(r"[\w/]+", text.lower()))  # "medical-necessity" is described by "medical necessity"


class SourceDescriptions:
    """Each document's kinds and describing words, read once from the manifest entries."""

    def __init__(self, corpus: Corpus):
        self._documents = [
            (doc.id, {doc.info.kind, _singular(doc.info.short_title.partition(":")[0])},
             _words(f"{doc.info.title} {doc.info.short_title}"))
            for doc in corpus.documents
        ]

    def _described(self, words: set[str], kind: str) -> list[str]:
        return [doc_id for doc_id, kinds, described in self._documents
                if (kind in kinds or kind in _GENERIC) and words <= described]

    def read(self, text: str) -> SourceReferences:
        named: list[str] = []
        singled_out = True

        def strip(match: re.Match[str]) -> str:
            nonlocal singled_out
            words, kind = _words(match.group(1)), _singular(match.group(2))
            fits = self._described(words, kind)
            if words and not fits:  # a description no document fits: a topic, left in the question
                singled_out = False
                return match.group(0)
            singled_out = singled_out and len(fits) == 1
            named.extend(fits)
            return " "

        stripped = _REFERENCE.sub(strip, text)
        whole = singled_out and not _SECOND_PART.search(text)
        return SourceReferences(text=stripped, documents=tuple(dict.fromkeys(named)) if whole else ())
