"""Typed shapes of the corpus: the manifest (documents and their cleaning rules), passages, sentences."""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

DocumentKind = Literal["review", "article", "label", "policy", "guideline"]
# How the text is laid out, which decides how it is cut into passages (never the kind):
# "wrapped_prose": one paragraph wrapped at the page edge, words hyphenated across lines (an OCR'd PDF);
# "blocks": one block per line: headings, prose paragraphs, bullet or numbered list items (a web page, plain text).
Layout = Literal["wrapped_prose", "blocks"]

_DOC_ID = r"^[A-Za-z0-9][A-Za-z0-9._-]*$"


class ManifestError(ValueError):
    """A manifest that cannot be ingested; the message is one line naming the document and the rule."""


class OcrRepair(BaseModel):
    """One OCR repair: what the scan printed (a regex), what it means, and why we believe so."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    pattern: str
    replacement: str
    why: str

    @field_validator("pattern")
    @classmethod
    def _compiles(cls, pattern: str) -> str:
        try:
            re.compile(pattern)
        except re.error as exc:
            raise ValueError(f"bad regex {pattern!r}: {exc}") from None
        return pattern


class FurnitureBlock(BaseModel):
    """Page furniture (banner, link list, footer): dropped, never retrievable. Anchors are whole lines, inclusive."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    name: str
    first_line: str = Field(min_length=1)
    last_line: str = Field(min_length=1)
    why: str


class Cleaning(BaseModel):
    """The cleaning rules a document declares; ingestion applies these and nothing else."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    ocr_repairs: list[OcrRepair] = Field(default_factory=list)
    furniture: list[FurnitureBlock] = Field(default_factory=list)
    remove_reference_markers: bool = Field(
        default=False, description="Drop numbered markers ('... (ESAs). 1, 2') into a reference list the text lacks."
    )


class Section(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    title: str
    starts_at: str = Field(min_length=1, description="Verbatim (cleaned) opening words of the section's first sentence.")


class DocumentInfo(BaseModel):
    """One manifest entry."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    id: str = Field(pattern=_DOC_ID)
    file: str = Field(description="Path of the text, relative to the manifest (or absolute).")
    title: str
    short_title: str
    kind: DocumentKind
    layout: Layout = "blocks"
    stated_date: str | None = Field(default=None, description="ISO date the text itself states, or None.")
    stated_date_text: str | None = None
    covers: str | None = Field(default=None, description="What the document covers, for refusals; default: its sections.")
    cleaning: Cleaning = Field(default_factory=Cleaning)
    sections: list[Section] = Field(
        default_factory=list, description="wrapped_prose only: topic sections for a text without headings."
    )
    caveats: list[str] = Field(default_factory=list)

    @model_validator(mode="after")
    def _sections_need_wrapped_prose(self) -> DocumentInfo:
        if self.sections and self.layout != "wrapped_prose":
            raise ValueError("sections are only for layout 'wrapped_prose' (a 'blocks' text has its own headings)")
        return self


class Manifest(BaseModel):
    """The documents of a corpus, and where the known conflicts between them are declared."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    documents: list[DocumentInfo] = Field(min_length=1)
    conflicts: str | None = Field(default=None, description="YAML file of known conflicts, relative to the manifest.")

    @field_validator("documents")
    @classmethod
    def _unique_ids(cls, documents: list[DocumentInfo]) -> list[DocumentInfo]:
        seen: set[str] = set()
        for doc in documents:
            if doc.id in seen:
                raise ValueError(f"duplicate document id {doc.id!r}")
            seen.add(doc.id)
        return documents


def manifest_fingerprint(path: Path) -> str:
    """sha256 prefix of a manifest and every file it declares: which documents a decision could cite.

    Cheap (no cleaning, no passages), so recording a decision does not load the corpus.
    """
    digest = hashlib.sha256(path.read_bytes())
    for doc in load_manifest(path).documents:
        file = Path(doc.file) if Path(doc.file).is_absolute() else path.parent / doc.file
        digest.update(file.read_bytes())
    return digest.hexdigest()[:16]


def load_manifest(path: Path) -> Manifest:
    """Read and validate a manifest; any problem is a ManifestError of one line."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as exc:
        raise ManifestError(f"{path}: cannot read the manifest: {exc}") from None
    try:
        return Manifest.model_validate(data)
    except ValidationError as exc:
        raise ManifestError(f"{path}: {_first_error(exc, data)}") from None


def _first_error(exc: ValidationError, data: Any) -> str:
    """'document 'x': cleaning.ocr_repairs[0].pattern: bad regex ...' for the first error."""
    error = exc.errors()[0]
    loc = list(error["loc"])
    where = ""
    if len(loc) >= 2 and loc[0] == "documents" and isinstance(loc[1], int):
        entry = data["documents"][loc[1]]
        name = entry.get("id") if isinstance(entry, dict) else None
        where = f"document {name!r}: " if name else f"document #{loc[1]}: "
        loc = loc[2:]
    field = "".join(f"[{part}]" if isinstance(part, int) else f".{part}" for part in loc).lstrip(".")
    message = error["msg"].removeprefix("Value error, ")
    return f"{where}{field or 'manifest'}: {message}".replace("\n", " ")


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


# --- documents a site adds (`mdsbot ingest PATH`, the app's upload): corpus/library.py ---

SourceFormat = Literal["pdf", "html", "markdown", "text"]


class ExtractionReport(BaseModel):
    """What reading a file left out or could not read (shown under "How this text was cleaned")."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    format: SourceFormat
    title: str | None = Field(default=None, description="Title read from the file (PDF metadata, <title>, first heading).")
    date: str | None = Field(default=None, description="Date read from the file (ISO), if any.")
    pages: int | None = Field(default=None, description="PDF pages read.")
    pages_without_text: list[int] = Field(default_factory=list, description="1-based PDF pages with no text layer.")
    dropped: list[str] = Field(default_factory=list, description="Lines left out as page furniture (the first ones).")
    dropped_count: int = Field(default=0, ge=0, description="All lines left out as page furniture.")

    @property
    def warnings(self) -> list[str]:
        if not self.pages_without_text:
            return []
        pages = ", ".join(str(p) for p in self.pages_without_text)
        return [f"page(s) {pages} of {self.pages} have no text layer (a scanned image or a blank page): "
                "nothing on them is searchable; OCR the PDF to include them"]


class AddedDocument(BaseModel):
    """A document added to the shipped ones: its manifest entry, where it came from, what reading it left out."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    info: DocumentInfo = Field(description="Its entry; `file` is relative to the added documents' folder.")
    source: str = Field(description="The absolute path it was read from, or 'upload:<file name>'.")
    text_sha256: str = Field(description="sha256 of the stored cleaned text: an unchanged file is not re-embedded.")
    added_at: str = Field(description="ISO time (UTC) it was added or last updated.")
    extraction: ExtractionReport


class AddedManifest(BaseModel):
    """<data_dir>/documents/manifest.json: the documents a site added."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    documents: list[AddedDocument] = Field(default_factory=list)
