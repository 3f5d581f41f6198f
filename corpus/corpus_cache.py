"""The cut corpus (passages, sentences, dropped furniture) kept in the data dir, so a start with
unchanged documents does not clean and split them again (~0.3 ms a passage: 30 s at 100,000).

`<data dir>/corpus/<key>.json`, key: the manifest and every file it declares (models.manifest_fingerprint),
the site's added documents (their manifest and files) and hidden ones, and the source of the code that
cuts them. Read back without validation (orjson + model_construct):
the file is what `load_corpus` produced for exactly these inputs. JSON, not pickle: reading it runs no code.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from pathlib import Path

import orjson

from corpus.ingest import MANIFEST, Corpus, Document, corpus_entries, load_corpus, read_text
from corpus.models import DroppedBlock, Passage, Sentence, manifest_fingerprint

CACHE_FORMAT = "2"
_CUTTING_CODE = ("ingest.py", "cleaning.py", "text.py", "models.py", "lexicon.yaml")


def load_corpus_cached(
    manifest_path: Path | None, cache_dir: Path | None, added_dir: Path | None = None, hidden: Iterable[str] = ()
) -> Corpus:
    """`load_corpus`, read from the cache when its inputs are unchanged (written when they were not)."""
    path = (manifest_path or MANIFEST).resolve()
    hidden = tuple(sorted(set(hidden)))
    if cache_dir is None:
        return load_corpus(path, added_dir, hidden)
    file = cache_dir / f"{_key(path, added_dir, hidden)}.json"
    if file.exists():
        try:
            return _read(file, path, added_dir, hidden)
        except (OSError, ValueError, KeyError, TypeError):
            pass  # damaged: cut again below
    corpus = load_corpus(path, added_dir, hidden)
    _write(file, corpus)
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


def _write(file: Path, corpus: Corpus) -> None:
    data = {
        "content_hash": corpus.content_hash,
        "passages": [p.model_dump() for p in corpus.passages],
        "dropped": [d.model_dump() for d in corpus.dropped],
    }
    try:
        file.parent.mkdir(parents=True, exist_ok=True)
        for old in file.parent.glob("*.json"):
            old.unlink(missing_ok=True)  # one corpus per data dir is kept
        partial = file.with_suffix(".partial")
        partial.write_bytes(orjson.dumps(data))
        partial.replace(file)
    except OSError:
        pass  # a read-only data dir: cut at every start


def _read(file: Path, manifest_path: Path, added_dir: Path | None, hidden: tuple[str, ...]) -> Corpus:
    data = orjson.loads(file.read_bytes())
    manifest, entries, added = corpus_entries(manifest_path, added_dir, hidden)
    documents = tuple(Document(info, read_text(declared_in, info)) for info, declared_in in entries)
    passages = tuple(_passage(p) for p in data["passages"])
    dropped = tuple(DroppedBlock.model_construct(**d) for d in data["dropped"])
    conflicts_file = manifest_path.parent / manifest.conflicts if manifest.conflicts else None
    by_id = {p.id: p for p in passages}
    return Corpus(
        documents, passages, dropped, data["content_hash"], conflicts_file,
        added={record.info.id: record for record in added}, hidden=frozenset(hidden), _by_id=by_id,
    )


def _passage(fields: dict) -> Passage:
    sentences = [Sentence.model_construct(**s) for s in fields.pop("sentences")]
    return Passage.model_construct(**fields, sentences=sentences)
