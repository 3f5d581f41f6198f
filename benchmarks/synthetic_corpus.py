"""A synthetic corpus of any size: the shipped documents plus generated ones (for bench_scale and tests).

Generated documents are paragraphs of shuffled sentences of the shipped documents mixed with random
filler words (so the vocabulary grows with the corpus, as real documents' does), one paragraph per
line (`blocks` layout), a heading every few paragraphs. Deterministic for a seed.
"""

from __future__ import annotations

import json
import random
import shutil
import string
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SHIPPED = ROOT / "corpus" / "manifest.json"
PASSAGES_PER_DOCUMENT = 1000


def _shipped_sentences() -> list[str]:
    from corpus.ingest import load_corpus

    corpus = load_corpus(SHIPPED)
    return [s.normalized for s in corpus.sentences if len(s.normalized) > 40 and "\n" not in s.normalized]


def _filler(rng: random.Random, n: int) -> list[str]:
    return ["".join(rng.choice(string.ascii_lowercase) for _ in range(rng.randint(5, 10))) for _ in range(n)]


def _paragraph(rng: random.Random, sentences: list[str], filler: list[str]) -> str:
    """One passage's worth: a shipped sentence with some words swapped for filler, and a filler sentence."""
    base = rng.choice(sentences).split()
    for _ in range(max(1, len(base) // 6)):
        base[rng.randrange(len(base))] = rng.choice(filler)
    extra = " ".join(rng.choice(filler) for _ in range(rng.randint(6, 14)))
    text = " ".join(base).rstrip(".") + ". " + extra.capitalize() + "."
    return text[:470]


def write_corpus(target: Path, passages: int, seed: int = 7) -> Path:
    """Write a manifest with the shipped documents and about `passages` generated passages; return its path."""
    rng = random.Random(seed)
    shipped = json.loads(SHIPPED.read_text())
    target.mkdir(parents=True, exist_ok=True)
    for doc in shipped["documents"]:
        (target / doc["file"]).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(SHIPPED.parent / doc["file"], target / doc["file"])
    shutil.copy(SHIPPED.parent / shipped["conflicts"], target / shipped["conflicts"])
    sentences = _shipped_sentences()
    filler = _filler(rng, max(2000, passages // 5))
    documents = list(shipped["documents"])
    for d in range(0, passages, PASSAGES_PER_DOCUMENT):
        count = min(PASSAGES_PER_DOCUMENT, passages - d)
        documents.append(_write_document(target, rng, d // PASSAGES_PER_DOCUMENT, count, sentences, filler))
    manifest = target / "manifest.json"
    manifest.write_text(json.dumps({**shipped, "documents": documents}, indent=1))
    return manifest


def _write_document(target: Path, rng: random.Random, n: int, count: int, sentences: list[str], filler: list[str]) -> dict:
    doc_id = f"9{n:05d}_synthetic"
    lines = []
    for i in range(count):
        if i % 8 == 0:
            lines.append(f"Section {rng.choice(filler).capitalize()} {i // 8}")
        lines.append(_paragraph(rng, sentences, filler))
    path = target / "documents" / f"{doc_id}.txt"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(lines) + "\n")
    return {"id": doc_id, "file": f"documents/{doc_id}.txt", "title": f"Synthetic document {n}",
            "short_title": f"Synthetic {n}", "kind": "article", "layout": "blocks"}
