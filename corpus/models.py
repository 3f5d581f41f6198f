"""Typed shapes of the corpus: documents, passages, the sentences inside them."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

DocumentKind = Literal["clinical_review", "medical_necessity_article"]


class Section(BaseModel):
    title: str
    starts_at: str = Field(description="Verbatim (cleaned) opening words of the section's first sentence.")


class DocumentInfo(BaseModel):
    """One manifest entry."""

    model_config = ConfigDict(frozen=True)

    id: str
    file: str
    title: str
    short_title: str
    kind: DocumentKind
    stated_date: str | None = Field(description="ISO date the text itself states, or None.")
    stated_date_text: str | None = None
    caveats: list[str] = Field(default_factory=list)
    sections: list[Section] = Field(default_factory=list)


class Sentence(BaseModel):
    """The unit an extractive answer quotes: one sentence, or one list item."""

    model_config = ConfigDict(frozen=True)

    id: str
    passage_id: str
    doc_id: str
    normalized: str
    start: int = Field(description="Span of the original characters in the shipped file.")
    end: int


class Passage(BaseModel):
    """The unit of retrieval and citation: 1-3 sentences, or a heading's bullet list."""

    model_config = ConfigDict(frozen=True)

    id: str
    doc_id: str
    section: str
    kind: Literal["prose", "list"]
    start: int = Field(description="Start of the original text in the shipped file.")
    end: int = Field(description="End (exclusive) of the original text in the shipped file.")
    text: str = Field(description="The original characters, exactly file[start:end].")
    normalized: str = Field(description="Cleaned text: OCR repaired, reference markers removed, lines joined.")
    sentences: list[Sentence]


class DroppedBlock(BaseModel):
    """Text deliberately left out of the passages, with the reason."""

    model_config = ConfigDict(frozen=True)

    doc_id: str
    name: str
    why: str
    start: int
    end: int
