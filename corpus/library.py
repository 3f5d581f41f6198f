"""The documents a site adds: cleaned text and an entry each, in <data_dir>/documents/.

``manifest.json`` there (an :class:`AddedManifest`) lists them; ``<id>.txt`` is each one's
stored cleaned text, which citations point into. load_corpus merges them with the shipped
manifest. Ids come from where a document came from (its path, or the uploaded file's name),
so adding the same file again updates it. Writes go to a temporary file first, then replace
the old one: a failed add never leaves a half-written manifest.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import re
from dataclasses import dataclass
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from corpus.extract import Extraction
from corpus.models import AddedDocument, AddedManifest, DocumentInfo, DocumentKind, ManifestError

FOLDER = "documents"
MANIFEST_NAME = "manifest.json"
KINDS = ("label", "policy", "guideline", "review", "article")


class LibraryError(ValueError):
    """An add or remove that cannot be done; one line naming the field and what is allowed."""


class Overrides(BaseModel):
    """What the user states about a document, over what is read from the file (`--title --date --kind`)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    title: str | None = Field(default=None, min_length=1, max_length=300)
    date: str | None = Field(default=None, description="ISO date YYYY-MM-DD (or YYYY-MM, YYYY).")
    kind: DocumentKind | None = None

    @field_validator("date")
    @classmethod
    def _iso(cls, value: str | None) -> str | None:
        if value is not None and not re.fullmatch(r"\d{4}(-\d{2}(-\d{2})?)?", value):
            raise ValueError(f"{value!r} is not a date; use YYYY-MM-DD")
        if value is not None and len(value) == 10:
            dt.date.fromisoformat(value)  # 2030-02-30 is not a date
        return value


def overrides(title: str | None = None, date: str | None = None, kind: str | None = None) -> Overrides:
    """Validated overrides; a bad value is a LibraryError naming the option and the allowed values."""
    try:
        return Overrides(title=title, date=date, kind=kind)
    except ValidationError as exc:
        error = exc.errors()[0]
        name = str(error["loc"][0])
        if name == "kind":
            raise LibraryError(f"--kind: {kind!r} is not one of {', '.join(KINDS)}") from None
        raise LibraryError(f"--{name}: {error['msg'].removeprefix('Value error, ')}") from None


def folder(data_dir: Path) -> Path:
    return data_dir / FOLDER


def load_added(directory: Path) -> AddedManifest:
    """The added documents of a folder (none if it has no manifest yet); a bad one is a ManifestError."""
    path = directory / MANIFEST_NAME
    if not path.exists():
        return AddedManifest()
    try:
        return AddedManifest.model_validate_json(path.read_bytes())
    except (OSError, ValidationError) as exc:
        first = exc.errors()[0]["msg"] if isinstance(exc, ValidationError) else str(exc)
        raise ManifestError(f"{path}: cannot read the added documents: {' '.join(first.split())}") from None


def document_id(source: str) -> str:
    """'<file-stem slug>-<8 hex of the source>': readable, stable for a source, unique across sources."""
    stem = Path(source.removeprefix("upload:")).stem
    slug = re.sub(r"[^a-z0-9]+", "-", stem.lower()).strip("-")[:40] or "document"
    return f"{slug}-{hashlib.sha256(source.encode()).hexdigest()[:8]}"


@dataclass(frozen=True)
class AddResult:
    document: AddedDocument
    changed: bool  # False: the same text was already stored (nothing to embed)
    warnings: list[str]


def add(directory: Path, extraction: Extraction, source: str, stated: Overrides, shipped_ids: set[str]) -> AddResult:
    """Store (or update) one document's cleaned text and entry."""
    doc_id = document_id(source)
    if doc_id in shipped_ids:
        raise LibraryError(f"{source}: its id {doc_id!r} is a shipped document's")
    manifest = load_added(directory)
    old = next((d for d in manifest.documents if d.info.id == doc_id), None)
    text_sha = hashlib.sha256(extraction.text.encode()).hexdigest()
    info = _info(doc_id, extraction, source, stated, old)
    if old is not None and old.text_sha256 == text_sha and old.info == info:
        return AddResult(old, False, extraction.warnings)
    record = AddedDocument(
        info=info, source=source, text_sha256=text_sha,
        added_at=dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"), extraction=extraction.report(),
    )
    directory.mkdir(parents=True, exist_ok=True)
    _write(directory / info.file, extraction.text)
    others = [d for d in manifest.documents if d.info.id != doc_id]
    _save(directory, AddedManifest(documents=[*others, record]))
    return AddResult(record, True, extraction.warnings)


def _info(doc_id: str, extraction: Extraction, source: str, stated: Overrides, old: AddedDocument | None) -> DocumentInfo:
    """The entry: what the user states wins, then what the file says, then what an earlier add was told."""
    before = old.info if old is not None else None
    title = stated.title or extraction.title or (before.title if before else None) or Path(source).stem
    title = " ".join(title.split())
    kind = stated.kind or (before.kind if before else "article")
    date = stated.date or extraction.date or (before.stated_date if before else None)
    return DocumentInfo(
        id=doc_id, file=f"{doc_id}.txt", title=title, short_title=f"{kind.capitalize()}: {title}"[:80], kind=kind,
        layout="blocks", stated_date=date, caveats=extraction.warnings,
    )


def remove(directory: Path, id_or_path: str, shipped_ids: set[str]) -> AddedDocument:
    """Forget an added document (entry and text); a shipped one is refused with how to hide it."""
    if id_or_path in shipped_ids:
        raise LibraryError(
            f"{id_or_path!r} is a shipped document (corpus/manifest.json) and is not removed; to leave it out "
            f"of answers set MDSBOT_HIDDEN_DOCUMENTS={id_or_path} (not for a document the medical-necessity ruleset quotes)"
        )
    manifest = load_added(directory)
    wanted = {id_or_path, _as_source(id_or_path)}
    found = next((d for d in manifest.documents if d.info.id in wanted or d.source in wanted), None)
    if found is None:
        known = ", ".join(d.info.id for d in manifest.documents) or "none"
        raise LibraryError(f"ID_OR_PATH: no added document {id_or_path!r}; added documents: {known}")
    _save(directory, AddedManifest(documents=[d for d in manifest.documents if d is not found]))
    (directory / found.info.file).unlink(missing_ok=True)
    return found


def _as_source(id_or_path: str) -> str:
    try:
        return str(Path(id_or_path).expanduser().resolve())
    except OSError:
        return id_or_path


def _save(directory: Path, manifest: AddedManifest) -> None:
    _write(directory / MANIFEST_NAME, json.dumps(manifest.model_dump(mode="json"), ensure_ascii=False, indent=2))


def _write(path: Path, text: str) -> None:
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)
