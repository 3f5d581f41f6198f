"""The stored vectors of passages and sentences, per document, for scoring candidates only.

Retrieval asks Chroma for its top-k; the sentences of the candidate passages (and candidate
passages Chroma did not rank) are then scored against the query with their own vectors, read
from `<data dir>/vectors/<doc_id>/<key>.{passages,sentences}.npy` through memory maps. The files
are copied from the index once per document content (paged `get`, never one request for all),
so they work the same with the embedded store and a Chroma server, and a start with current
files reads nothing from the index.
"""

from __future__ import annotations

import hashlib
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

from corpus.ingest import Corpus
from corpus.lexical_docs import document_key, safe_name

PAGE = 2000  # ids per Chroma get: far below SQLite's variable limit
KINDS = ("passages", "sentences")


class VectorCache:
    def __init__(self, corpus: Corpus, root: Path | None):
        self.corpus = corpus
        self.root = root
        self._arrays: dict[str, list[np.ndarray]] = {kind: [] for kind in KINDS}
        self._starts: dict[str, np.ndarray] = {}

    def ensure(self, collections: dict[str, Any], stamp: str, read: Callable[[Callable[[], Any]], Any]) -> int:
        """Map every document's vectors, copying from the index those not stored yet; returns how many were copied."""
        self._arrays = {kind: [] for kind in KINDS}
        copied = 0
        writable = self.root is not None and _writable(self.root)
        for doc in self.corpus.documents:
            key = document_key(self.corpus, doc.id, stamp)
            loaded = self._load(doc.id, key)
            if loaded is None:
                passages = self.corpus.passages_of(doc.id)
                loaded = {kind: self._fetch(collections[kind], read, doc.id, _ids(passages, kind)) for kind in KINDS}
                copied += 1
                if writable:
                    self._save(doc.id, key, loaded)
            for kind in KINDS:
                self._arrays[kind].append(loaded[kind])
        for kind in KINDS:
            sizes = [len(a) for a in self._arrays[kind]]
            self._starts[kind] = np.cumsum([0] + sizes)
        return copied

    @property
    def ready(self) -> bool:
        return bool(self._starts)

    def vectors(self, kind: str, rows: list[int]) -> np.ndarray:
        """The stored vectors of these corpus rows (passage or sentence order)."""
        starts = self._starts[kind]
        arrays = self._arrays[kind]
        wanted = np.asarray(rows, dtype=np.int64)
        docs = np.searchsorted(starts, wanted, side="right") - 1
        out = np.zeros((len(wanted), arrays[0].shape[1] if arrays and arrays[0].ndim == 2 else 0), dtype=np.float32)
        for d in np.unique(docs).tolist():  # one fancy-index read per document
            mask = docs == d
            out[mask] = arrays[d][wanted[mask] - starts[d]]
        return out

    def forget(self, doc_id: str) -> None:
        if self.root is not None:
            shutil.rmtree(self.root / safe_name(doc_id), ignore_errors=True)

    # -- files and the index ---------------------------------------------------------

    def _load(self, doc_id: str, key: str) -> dict[str, np.ndarray] | None:
        if self.root is None:
            return None
        paths = {kind: self.root / safe_name(doc_id) / f"{key}.{kind}.npy" for kind in KINDS}
        if not all(p.exists() for p in paths.values()):
            return None
        try:
            # Plain ndarray views of the memory maps: np.memmap's own indexing is slow per call.
            return {kind: np.load(path, mmap_mode="r").view(np.ndarray) for kind, path in paths.items()}
        except (OSError, ValueError):
            return None

    def _save(self, doc_id: str, key: str, arrays: dict[str, np.ndarray]) -> None:
        folder = self.root / safe_name(doc_id)
        shutil.rmtree(folder, ignore_errors=True)  # older versions of this document
        folder.mkdir(parents=True, exist_ok=True)
        for kind, array in arrays.items():
            with tempfile.NamedTemporaryFile(dir=folder, suffix=".npy", delete=False) as handle:
                np.save(handle, array)
            Path(handle.name).replace(folder / f"{key}.{kind}.npy")

    @staticmethod
    def _fetch(collection: Any, read: Callable[[Callable[[], Any]], Any], doc_id: str, ids: list[str]) -> np.ndarray:
        found: dict[str, Any] = {}
        for start in range(0, len(ids), PAGE):
            page = ids[start : start + PAGE]
            got = read(lambda page=page: collection.get(ids=page, include=["embeddings"]))
            found.update(zip(got["ids"], got["embeddings"]))
        missing = [i for i in ids if i not in found]
        if missing:
            raise ValueError(f"the index lacks vectors of document {doc_id!r} (e.g. {missing[0]}); run `mdsbot ingest --force`")
        return np.asarray([found[i] for i in ids], dtype=np.float32)


def _ids(passages: list, kind: str) -> list[str]:
    if kind == "passages":
        return [p.id for p in passages]
    return [s.id for p in passages for s in p.sentences]


def vectors_stamp(index_hash: str) -> str:
    """Vectors change with the model and what is embedded (corpus/embedding.py index_hash without the corpus part)."""
    return hashlib.sha256(index_hash.split("|", 1)[-1].encode()).hexdigest()[:12]


def _writable(root: Path) -> bool:
    try:
        root.mkdir(parents=True, exist_ok=True)
        return True
    except OSError:
        return False
