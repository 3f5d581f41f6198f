"""The cut corpus (passages, sentences, dropped furniture) kept in the data dir, so a start with
unchanged documents does not clean and split them again (~0.3 ms a passage: 30 s at 100,000).

`<data dir>/corpus/<key>.json`, key: the manifest and every file it declares (models.manifest_fingerprint)
and the source of the code that cuts them. Read back without validation (orjson + model_construct):
the file is what `load_corpus` produced for exactly these inputs. JSON, not pickle: reading it runs no code.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import orjson

from corpus.ingest import MANIFEST, Corpus, Document, load_corpus
from corpus.models import DroppedBlock, Passage, Sentence, load_manifest, manifest_fingerprint

CACHE_FORMAT = "1"
_CUTTING_CODE = ("ingest.py", "cleaning.py", "text.py", "models.py", "lexicon.yaml")


def load_corpus_cached(manifest_path: Path | None, cache_dir: Path | None) -> Corpus:
    """`load_corpus`, read from the cache when its inputs are unchanged (written when they were not)."""
    path = (manifest_path or MANIFEST).resolve()
    if cache_dir is None:
        return load_corpus(path)
    file = cache_dir / f"{_key(path)}.json"
    if file.exists():
        try:
            return _read(file, path)
        except (OSError, ValueError, KeyError, TypeError):
            pass  # damaged: cut again below
    corpus = load_corpus(path)
    _write(file, corpus)
    return corpus


def _key(manifest_path: Path) -> str:
    digest = hashlib.sha256(f"{CACHE_FORMAT}|{manifest_path}|{manifest_fingerprint(manifest_path)}".encode())
    here = Path(__file__).resolve().parent
    for name in _CUTTING_CODE:
        digest.update((here / name).read_bytes())
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


def _read(file: Path, manifest_path: Path) -> Corpus:
    data = orjson.loads(file.read_bytes())
    manifest = load_manifest(manifest_path)
    documents = tuple(Document(info, _raw(manifest_path, info.file)) for info in manifest.documents)
    passages = tuple(_passage(p) for p in data["passages"])
    dropped = tuple(DroppedBlock.model_construct(**d) for d in data["dropped"])
    conflicts_file = manifest_path.parent / manifest.conflicts if manifest.conflicts else None
    by_id = {p.id: p for p in passages}
    return Corpus(documents, passages, dropped, data["content_hash"], conflicts_file, by_id)


def _passage(fields: dict) -> Passage:
    sentences = [Sentence.model_construct(**s) for s in fields.pop("sentences")]
    return Passage.model_construct(**fields, sentences=sentences)


def _raw(manifest_path: Path, name: str) -> str:
    file = Path(name) if Path(name).is_absolute() else manifest_path.parent / name
    return file.read_text(encoding="utf-8")
