"""The vector index: passages and sentences in Chroma, embedded by our own model, queried by vector.

Heavy libraries (sentence-transformers, chromadb, langchain) are imported only
inside functions, so importing the corpus package stays cheap. What is embedded and
by which model: corpus/embedding.py; bringing the collections up to the corpus one
document at a time: corpus/index_sync.py; opening the store: corpus/store.py.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from corpus.embedding import document_hashes, index_hash
from corpus.encoder import QueryEncoder, SentenceTransformerEncoder
from corpus.index_sync import (
    KINDS,
    PASSAGES,
    SENTENCES,
    BuildReport,
    DocumentChanges,
    ProgressFn,
    collections_current,
    create_collections,
    stored_hashes,
    sync_documents,
)
from corpus.ingest import Corpus
from corpus.store import IndexReadOnly, IndexUnavailable
from corpus.vectors import VectorCache, vectors_stamp

if TYPE_CHECKING:  # pragma: no cover
    import chromadb

QUERY_MEMORY = 4096  # query vectors kept per process


class VectorIndex:
    """Two Chroma collections (passages, sentences), built and queried through chromadb directly.

    Querying needs only chromadb and the query encoder (corpus/encoder.py): the
    sentence-transformers model is loaded when a document has to be embedded. Each
    collection's metadata holds every document's hash ("doc:<id>"), so adding or
    changing one document embeds that document only.
    """

    def __init__(
        self,
        client: chromadb.ClientAPI,
        embeddings: Any,
        corpus: Corpus,
        collection_prefix: str,
        encoder: QueryEncoder | None = None,
        *,
        read_only: bool = False,
        reconnect: Callable[[], chromadb.ClientAPI] | None = None,
        vector_root: Path | None = None,
    ):
        self.client = client
        self.embeddings = embeddings
        self.corpus = corpus
        self.prefix = collection_prefix
        self.encoder: QueryEncoder = encoder or SentenceTransformerEncoder(embeddings)
        self.read_only = read_only
        self._reconnect = reconnect  # a fresh client after the store was replaced under us (ingest --force)
        self._vectors_lock = threading.Lock()  # engine lanes ask at once
        self._collections = {kind: self._open(kind) for kind in KINDS}
        # Vectors of candidates' passages and sentences, per document (corpus/vectors.py).
        self.vectors = VectorCache(corpus, vector_root)
        # Query vectors of this process, in memory only: answering never writes to the store.
        self._query_vectors: dict[str, np.ndarray] = {}

    def _open(self, kind: str) -> Any:
        try:
            return self.client.get_collection(f"{self.prefix}_{kind}", embedding_function=None)
        except Exception:  # not built yet (chromadb raises NotFoundError, or ValueError in older versions)
            return None

    def reopen(self) -> None:
        """Look the collections up again: another process (`mdsbot ingest --force`) may have rebuilt them."""
        client = self._reconnect() if self._reconnect is not None else self.client
        # Strict: a store that cannot be reached now raises here and the working handles are kept.
        collections = {kind: client.get_collection(f"{self.prefix}_{kind}", embedding_function=None) for kind in KINDS}
        self.client, self._collections = client, collections

    # -- building ---------------------------------------------------------

    def is_current(self) -> bool:
        return collections_current(self._collections, self.corpus)

    def ensure(self, force: bool = False, progress: ProgressFn | None = None) -> BuildReport:
        """Bring the index up to the corpus: nothing when its content hash is current; else re-embed
        only the documents whose own hash changed (all of them with ``force`` or an older index)."""
        started = time.perf_counter()
        if not force and self.is_current():
            copied = self._map_vectors()
            return BuildReport(False, len(self.corpus.passages), len(self.corpus.sentences),
                               time.perf_counter() - started, vectors_copied=copied)
        if self.read_only:
            raise IndexReadOnly(
                "the index is read-only and not current for these documents; "
                "run `mdsbot ingest` where the data dir is writable"
            )
        changes = self._changes(force)
        embedded = sync_documents(self._collections, self.corpus, self.embeddings, changes, progress)
        if not self.is_current():  # an earlier build stopped half-way: start again from nothing
            return self.ensure(force=True, progress=progress)
        for doc_id in changes.gone:
            self.vectors.forget(doc_id)
        return BuildReport(
            True, len(self.corpus.passages), len(self.corpus.sentences), time.perf_counter() - started,
            embedded=embedded, documents_embedded=changes.stale, documents_removed=changes.gone,
            vectors_copied=self._map_vectors(),
        )

    def _changes(self, force: bool) -> DocumentChanges:
        """The documents whose hash differs from the stored one; with ``force`` or an older index the
        collections are created afresh and every document is stale."""
        wanted = document_hashes(self.corpus)
        stored = None if force else stored_hashes(self._collections)
        if stored is None:
            self._collections.update(create_collections(self.client, self.prefix))
            stored = {}
        stale = sorted(doc_id for doc_id, digest in wanted.items() if stored.get(doc_id) != digest)
        return DocumentChanges(stale, sorted(set(stored) - set(wanted)), wanted)

    def _map_vectors(self) -> int:
        """Candidates are scored with per-document vector files (corpus/vectors.py); copies only new documents'."""
        return self.vectors.ensure(self._collections, vectors_stamp(index_hash(self.corpus)), self._read)

    # -- querying ---------------------------------------------------------

    def embed_query(self, text: str) -> np.ndarray:
        """The query's vector: from this process's memory if it was asked before, else the encoder."""
        vector = self._query_vectors.get(text)
        if vector is None:
            vector = self.embed_queries([text])[0]
        return vector

    def embed_queries(self, texts: list[str]) -> list[np.ndarray]:
        """Vectors for many queries, the new ones encoded in one batched call (ask --batch)."""
        known = self._query_vectors
        new = list(dict.fromkeys(t for t in texts if t not in known))
        encoded = dict(zip(new, self.encoder.encode(new))) if new else {}
        with self._vectors_lock:
            if len(self._query_vectors) + len(encoded) > QUERY_MEMORY:
                self._query_vectors = {}  # bounded: a long-running app does not grow without end
            self._query_vectors.update(encoded)
            vectors = {**known, **encoded}
        return [vectors[t] for t in texts]

    def passage_similarities(self, query_vector: np.ndarray, k: int) -> list[tuple[str, float]]:
        """The k passages nearest the query (id, cosine similarity), best first, from Chroma's HNSW index."""
        return self._nearest(PASSAGES, query_vector, k)

    def sentence_neighbours(self, query_vector: np.ndarray, k: int) -> list[tuple[str, float]]:
        """The k sentences nearest the query (id, cosine similarity), best first."""
        return self._nearest(SENTENCES, query_vector, k)

    def _nearest(self, kind: str, query_vector: np.ndarray, k: int) -> list[tuple[str, float]]:
        got = self._read(
            lambda: self._collections[kind].query(
                query_embeddings=[query_vector.tolist()], n_results=k, include=["distances"]
            )
        )
        # Chroma returns cosine *distance* for a cosine space.
        return [(item_id, 1.0 - float(distance)) for item_id, distance in zip(got["ids"][0], got["distances"][0])]

    def similarities(self, kind: str, ids: list[str], query_vector: np.ndarray) -> dict[str, float]:
        """Cosine similarity of the query with these passages or sentences, from their stored vectors."""
        rows = self.corpus.passage_rows if kind == PASSAGES else self.corpus.sentence_rows
        if not ids:
            return {}
        if not self.vectors.ready:  # an index opened without ensure(): map (or copy) the vectors now
            self._map_vectors()
        scores = self.vectors.vectors(kind, [rows[i] for i in ids]) @ np.asarray(query_vector, dtype=np.float32)
        return dict(zip(ids, scores.tolist()))

    def _read(self, action: Callable[[], Any]) -> Any:
        """A read of the store; after a failure the collections are looked up again once
        (another process may have rebuilt them), then the failure is an IndexUnavailable."""
        try:
            return action()
        except Exception as exc:  # noqa: BLE001  (any store error: retried once below, then reported)
            first = exc
        try:
            self.reopen()
            return action()
        except Exception:  # the first failure says what went wrong (a reopen of a lost store fails vaguely)
            raise IndexUnavailable(first) from first
