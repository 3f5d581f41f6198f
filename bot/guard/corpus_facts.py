"""What the whole corpus states, for the guard: the drugs some sentence doses, and what some passage
names (drugs, classes, `outside_sources` entries). Read per document and kept per document content
in `<data dir>/guard/<doc_id>/<key>.json`, so a start with current files reads a few small files and
a changed or added document is read again alone (`forget_document` when one is removed)."""

from __future__ import annotations

import hashlib
import json
import shutil
from dataclasses import dataclass
from pathlib import Path

from bot.guard.claims import dose_facts
from bot.guard.subject import Coverage
from corpus.ingest import Corpus
from corpus.lexical_docs import analyzer_fingerprint, document_key, safe_name
from corpus.lexicon import Lexicon

FACTS_FORMAT = "1"  # bump when what is read per document changes


@dataclass(frozen=True)
class CorpusFacts:
    dosed: frozenset[str]  # drugs some source sentence gives a dose or schedule for
    coverage: Coverage  # what some passage names


def corpus_facts(corpus: Corpus, lexicon: Lexicon, root: Path | None) -> CorpusFacts:
    # The drugs a document names depend on the lexicon, learned names included (corpus.learned).
    stamp = f"{FACTS_FORMAT}|{analyzer_fingerprint()}|{drugs_fingerprint(lexicon)}"
    dosed: set[str] = set()
    drugs: set[str] = set()
    classes: set[str] = set()
    outside: set[str] = set()
    for doc in corpus.documents:
        facts = _document_facts(corpus, doc.id, lexicon, root, stamp)
        dosed.update(facts["dosed"])
        drugs.update(facts["drugs"])
        classes.update(facts["classes"])
        outside.update(facts["outside"])
    coverage = Coverage(drugs=frozenset(drugs), classes=frozenset(classes), outside=frozenset(outside))
    return CorpusFacts(frozenset(dosed), coverage)


def drugs_fingerprint(lexicon: Lexicon) -> str:
    names = sorted(f"{d.id}={'|'.join(d.surface_patterns)}" for d in lexicon.drugs)
    return hashlib.sha256("\n".join(names).encode()).hexdigest()[:12]


def forget_document(root: Path, doc_id: str) -> None:
    shutil.rmtree(root / safe_name(doc_id), ignore_errors=True)


def _document_facts(corpus: Corpus, doc_id: str, lexicon: Lexicon, root: Path | None, stamp: str) -> dict[str, list[str]]:
    path = root / safe_name(doc_id) / f"{document_key(corpus, doc_id, stamp)}.json" if root is not None else None
    if path is not None and path.exists():
        try:
            return json.loads(path.read_text())
        except (OSError, ValueError):
            pass  # read again below
    passages = corpus.passages_of(doc_id)
    coverage = Coverage.of((f"{p.section} {p.normalized}" for p in passages), lexicon)
    facts = {
        "dosed": sorted({d for p in passages for s in p.sentences for d in dose_facts(s.normalized, lexicon).drugs}),
        "drugs": sorted(coverage.drugs),
        "classes": sorted(coverage.classes),
        "outside": sorted(coverage.outside),
    }
    if path is not None:
        try:
            shutil.rmtree(path.parent, ignore_errors=True)  # older versions of this document
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(json.dumps(facts))
        except OSError:
            pass  # a read-only data dir: read each start
    return facts
