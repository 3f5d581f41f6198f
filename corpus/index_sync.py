"""The two Chroma collections (passages, sentences) kept in step with the corpus, one document at a time.

Each collection's metadata holds every document's hash ("doc:<id>"), so adding or changing one
document embeds that document only. The hashes are recorded last: a build stopped half-way is
seen as not current and built again.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from corpus.embedding import INDEX_FORMAT, MODEL_ID, index_hash, passage_document, passage_metadata, sentence_metadata
from corpus.ingest import Corpus

if TYPE_CHECKING:  # pragma: no cover
    import chromadb

    from corpus.lexical import LexicalReport

EMBED_BATCH = 64
_DOC_KEY = "doc:"  # collection metadata "doc:<id>": that document's hash when its rows were embedded
PASSAGES = "passages"
SENTENCES = "sentences"
KINDS = (PASSAGES, SENTENCES)

ProgressFn = Callable[[int, int], None]


@dataclass
class BuildReport:
    rebuilt: bool  # anything embedded or deleted
    passages: int
    sentences: int
    seconds: float
    embedded: int = 0  # texts (passages + sentences) embedded by this build
    documents_embedded: list[str] = field(default_factory=list)  # documents new or changed since the last build
    documents_removed: list[str] = field(default_factory=list)  # documents whose vectors were deleted
    vectors_copied: int = 0  # documents whose vectors were copied from the index into the data dir now
    lexical: LexicalReport | None = None  # set by the engine (corpus/lexical.py)


@dataclass(frozen=True)
class DocumentChanges:
    """What a build must do: the documents to embed again, those to delete, every document's hash."""

    stale: list[str]
    gone: list[str]
    wanted: dict[str, str]


def collections_current(collections: Mapping[str, Any], corpus: Corpus) -> bool:
    """Both collections exist, carry this corpus's hash and hold one row per passage or sentence."""
    expected = {PASSAGES: len(corpus.passages), SENTENCES: len(corpus.sentences)}
    for kind, collection in collections.items():
        if collection is None:
            return False
        metadata = collection.metadata or {}
        if metadata.get("content_hash") != index_hash(corpus) or collection.count() != expected[kind]:
            return False
    return True


def stored_hashes(collections: Mapping[str, Any]) -> dict[str, str] | None:
    """Document hashes the collections were built with; None when they must be built from nothing."""
    metas = [(c.metadata or {}) if c is not None else None for c in collections.values()]
    if any(m is None or m.get("model") != MODEL_ID or m.get("format") != INDEX_FORMAT for m in metas):
        return None
    hashes = [{k[len(_DOC_KEY):]: v for k, v in m.items() if k.startswith(_DOC_KEY)} for m in metas]
    return hashes[0] if all(h == hashes[0] for h in hashes) and hashes[0] else None


def create_collections(client: chromadb.ClientAPI, prefix: str) -> dict[str, Any]:
    """Empty collections of both kinds, replacing any of the same names."""
    existing = {c.name for c in client.list_collections()}
    created = {}
    for kind in KINDS:
        name = f"{prefix}_{kind}"
        if name in existing:
            client.delete_collection(name)
        created[kind] = client.create_collection(
            name, configuration={"hnsw": {"space": "cosine"}}, metadata={"model": MODEL_ID, "format": INDEX_FORMAT},
            embedding_function=None,
        )
    return created


def sync_documents(
    collections: Mapping[str, Any], corpus: Corpus, embeddings: Any, changes: DocumentChanges, progress: ProgressFn | None
) -> int:
    """Delete the rows of changed and removed documents, embed the changed ones; record the hashes last."""
    changed = set(changes.stale)
    items = {
        PASSAGES: [(p.id, passage_document(p), passage_metadata(p)) for p in corpus.passages if p.doc_id in changed],
        SENTENCES: [(s.id, s.normalized, sentence_metadata(s)) for s in corpus.sentences if s.doc_id in changed],
    }
    total = sum(len(rows) for rows in items.values())
    done = 0
    for kind, rows in items.items():
        collection = collections[kind]
        if changes.stale or changes.gone:
            collection.delete(where={"doc_id": {"$in": [*changes.stale, *changes.gone]}})
        for batch_start in range(0, len(rows), EMBED_BATCH):
            batch = rows[batch_start : batch_start + EMBED_BATCH]
            texts = [text for _, text, _ in batch]
            collection.add(
                ids=[row_id for row_id, _, _ in batch], documents=texts, metadatas=[meta for _, _, meta in batch],
                embeddings=embeddings.embed_documents(texts),
            )
            done += len(batch)
            if progress:
                progress(done, total)
    _record_hashes(collections, corpus, changes.wanted)
    return total


def _record_hashes(collections: Mapping[str, Any], corpus: Corpus, wanted: dict[str, str]) -> None:
    metadata = {"content_hash": index_hash(corpus), "model": MODEL_ID, "format": INDEX_FORMAT}
    metadata |= {f"{_DOC_KEY}{doc_id}": digest for doc_id, digest in wanted.items()}
    for collection in collections.values():
        collection.modify(metadata=metadata)  # replaces the whole metadata: removed documents' keys go
