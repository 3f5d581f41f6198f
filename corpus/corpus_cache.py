"""The cut corpus (passages, sentences, dropped furniture) kept in the data dir, so a start with
unchanged documents does not clean and split them again (~0.3 ms a passage: 30 s at 100,000), nor
build their models: it reads columns (corpus/passage_store.py) and passages are built when read.

`<data dir>/corpus/<key>/`, key: the manifest and every file it declares (models.manifest_fingerprint),
the site's added documents (their manifest and files) and hidden ones, and the source of the code that
cuts them. `meta.json` (ids, section titles, documents' rows and digests, dropped blocks),
`columns.npz` (spans, section and kind numbers, sentence bounds, text offsets) and `texts.npy` (the
cleaned texts as one UTF-8 array, memory-mapped: read only where a passage is built). Read back
without validation: the files are what `load_corpus` produced for exactly these inputs. No pickle:
reading them runs no code.
"""

from __future__ import annotations

import hashlib
import shutil
from collections.abc import Iterable
from pathlib import Path

import numpy as np
import orjson

from corpus.ingest import MANIFEST, Corpus, Document, corpus_entries, load_corpus, read_text
from corpus.models import DroppedBlock, manifest_fingerprint
from corpus.passage_store import Columns, DocumentRows, PassageStore

CACHE_FORMAT = "3"
_CUTTING_CODE = ("ingest.py", "cutting.py", "cleaning.py", "text.py", "models.py", "passage_store.py", "lexicon.yaml")
_ARRAYS = ("section", "kind", "span", "sentence_span", "first_sentence", "text_offsets")


def load_corpus_cached(
    manifest_path: Path | None, cache_dir: Path | None, added_dir: Path | None = None, hidden: Iterable[str] = ()
) -> Corpus:
    """`load_corpus`, read from the cache when its inputs are unchanged (written when they were not)."""
    path = (manifest_path or MANIFEST).resolve()
    hidden = tuple(sorted(set(hidden)))
    if cache_dir is None:
        return load_corpus(path, added_dir, hidden)
    folder = cache_dir / _key(path, added_dir, hidden)
    if (folder / "meta.json").exists():
        try:
            return _read(folder, path, added_dir, hidden)
        except (OSError, ValueError, KeyError, TypeError, IndexError):
            pass  # damaged: cut again below
    corpus = load_corpus(path, added_dir, hidden)
    _write(folder, corpus)
    return corpus


def _key(manifest_path: Path, added_dir: Path | None, hidden: tuple[str, ...]) -> str:
    digest = hashlib.sha256(f"{CACHE_FORMAT}|{manifest_path}|{manifest_fingerprint(manifest_path)}|{hidden}".encode())
    here = Path(__file__).resolve().parent
    for name in _CUTTING_CODE:
        digest.update((here / name).read_bytes())
    if added_dir is not None and added_dir.is_dir():
        for file in sorted(added_dir.iterdir()):  # the added manifest and texts: changed by ingest and remove
            stat = file.stat()
            digest.update(f"{file.name}|{stat.st_size}|{stat.st_mtime_ns}".encode())
    return digest.hexdigest()[:20]


def _write(folder: Path, corpus: Corpus) -> None:
    store = corpus.store
    columns = store.columns
    meta = {
        "content_hash": corpus.content_hash,
        "dropped": [d.model_dump() for d in corpus.dropped],
        "documents": [[d.doc_id, d.first, d.end, d.digest] for d in store.documents.values()],
        "sections": columns.sections, "passage_ids": columns.passage_ids, "sentence_ids": columns.sentence_ids,
    }
    partial = folder.with_suffix(".partial")
    try:
        shutil.rmtree(partial, ignore_errors=True)
        partial.mkdir(parents=True)
        np.savez(partial / "columns.npz", **{name: getattr(columns, name) for name in _ARRAYS})
        np.save(partial / "texts.npy", columns.blob)
        (partial / "meta.json").write_bytes(orjson.dumps(meta))  # last: its presence marks a complete folder
        for old in folder.parent.iterdir():  # one corpus per data dir is kept
            if old != partial:
                shutil.rmtree(old, ignore_errors=True) if old.is_dir() else old.unlink(missing_ok=True)
        partial.replace(folder)
    except OSError:
        shutil.rmtree(partial, ignore_errors=True)  # a read-only data dir: cut at every start


def _read(folder: Path, manifest_path: Path, added_dir: Path | None, hidden: tuple[str, ...]) -> Corpus:
    meta = orjson.loads((folder / "meta.json").read_bytes())
    manifest, entries, added = corpus_entries(manifest_path, added_dir, hidden)
    documents = tuple(Document(info, read_text(declared_in, info)) for info, declared_in in entries)
    rows = [DocumentRows(doc_id, first, end, digest) for doc_id, first, end, digest in meta["documents"]]
    if [r.doc_id for r in rows] != [d.id for d in documents]:
        raise ValueError("the cut corpus is of other documents")
    with np.load(folder / "columns.npz") as arrays:
        numbers = {name: arrays[name] for name in _ARRAYS}
    blob = np.load(folder / "texts.npy", mmap_mode="r").view(np.ndarray)  # pages read where passages are built
    columns = Columns(meta["passage_ids"], meta["sentence_ids"], meta["sections"], blob=blob, **numbers)
    _check(columns, rows)
    store = PassageStore(columns, rows, {d.id: d.raw for d in documents})
    conflicts_file = manifest_path.parent / manifest.conflicts if manifest.conflicts else None
    return Corpus(
        documents, store, tuple(DroppedBlock.model_construct(**d) for d in meta["dropped"]), meta["content_hash"],
        conflicts_file, added={record.info.id: record for record in added}, hidden=frozenset(hidden),
    )


def _check(columns: Columns, rows: list[DocumentRows]) -> None:
    """Columns of one length each (a truncated or mixed folder is cut again, never half-read)."""
    passages, sentences = len(columns.passage_ids), len(columns.sentence_ids)
    consistent = (
        len(columns.section) == len(columns.kind) == len(columns.span) == passages == (rows[-1].end if rows else 0)
        and len(columns.first_sentence) == passages + 1 and int(columns.first_sentence[-1]) == sentences
        and len(columns.sentence_span) == sentences and len(columns.text_offsets) == passages + sentences + 1
        and int(columns.text_offsets[-1]) == len(columns.blob)
    )
    if not consistent:
        raise ValueError("the cut corpus's columns disagree")
