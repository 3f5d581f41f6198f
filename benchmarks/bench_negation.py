"""Negation in fact reading: the bot's own cues against medspaCy's ConText (run on demand).

    python benchmarks/bench_negation.py [--cases eval/cases/facts.jsonl] [--split dev]

medspaCy is NOT a dependency of mdsbot (it pulls in spaCy); run this with an interpreter
that has it, e.g. a throw-away venv: ``python -m venv /tmp/ms && /tmp/ms/bin/pip install
medspacy pydantic-settings pyyaml`` then ``PYTHONPATH=. /tmp/ms/bin/python benchmarks/bench_negation.py``.
ConText runs on a blank English pipeline (no model download).

Two readers are scored on the labelled fact sentences with the eval's own scorer
(eval/fact_scoring.py), per field and overall:

* ``own``: bot/eligibility as shipped (negation cues in cues.py: NEGATED_BEFORE/AFTER
  for drug mentions, NEGATED_CUE for response cues, JOINED for lists);
* ``context``: the same reader with those cues switched off and ConText's ``is_negated``
  deciding instead, for every drug mention and every response cue (both given to ConText
  as target entities, so its scope rules -- termination, pseudo-negation -- apply).
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.eligibility import cues, extract_facts, mentions  # noqa: E402
from eval.fact_scoring import FACT_FIELDS, score_fields  # noqa: E402

NEVER = re.compile(r"(?!x)x")  # a pattern that matches nothing


def _load(path: Path, split: str | None) -> list[dict]:
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    return [r for r in rows if split is None or r.get("split") == split]


def _score(rows: list[dict]) -> dict[str, tuple[float | None, float | None, int]]:
    totals: dict[str, dict[str, int]] = {}
    passed = 0
    for row in rows:
        fields, failures = score_fields(row, extract_facts(row["text"]).facts)
        passed += not failures
        for name, counts in fields.items():
            for key in ("tp", "fp", "fn"):
                for bucket in (name, "all"):
                    totals.setdefault(bucket, {"tp": 0, "fp": 0, "fn": 0})[key] += counts[key]
    out = {}
    for name, c in totals.items():
        precision = c["tp"] / (c["tp"] + c["fp"]) if c["tp"] + c["fp"] else None
        recall = c["tp"] / (c["tp"] + c["fn"]) if c["tp"] + c["fn"] else None
        out[name] = (precision, recall, c["tp"] + c["fp"] + c["fn"])
    out["sentences passed"] = (passed / len(rows), None, len(rows))
    return out


class ContextNegation:
    """ConText over our own spans: which drug mentions and response cues it calls negated."""

    def __init__(self) -> None:
        import medspacy
        from loguru import logger

        logger.remove()  # PyRuSH logs every sentence at DEBUG: never print the (sealed) case texts

        self.nlp = medspacy.load(enable=["medspacy_pyrush", "medspacy_context"])
        self.context = self.nlp.get_pipe("medspacy_context")

    def negated_spans(self, text: str, spans: list[tuple[int, int]]) -> set[tuple[int, int]]:
        doc = self.nlp.make_doc(text)
        for name, component in self.nlp.pipeline:
            if name != "medspacy_context":
                doc = component(doc)
        ents, keys = [], []
        for start, end in sorted(set(spans)):
            span = doc.char_span(start, end, label="TARGET", alignment_mode="expand")
            if span is not None and all(span.start >= e.end or span.end <= e.start for e in ents):
                ents.append(span)
                keys.append((start, end))
        doc.ents = ents
        doc = self.context(doc)
        return {key for key, ent in zip(keys, doc.ents) if ent._.is_negated}


def _install_context(negation: ContextNegation) -> None:
    """Switch our negation cues off; ConText decides for drug mentions and response cues."""
    cues.NEGATED_BEFORE = NEVER
    cues.NEGATED_AFTER = NEVER
    cues.NEGATED_CUE = NEVER
    original_classify, original_assign = mentions._classify, mentions._assign_responses

    def classify(draft, found):  # noqa: ANN001
        original_classify(draft, found)
        negated = negation.negated_spans(draft.text, [(m.start, m.end) for m in found])
        for mention in found:
            if (mention.start, mention.end) in negated:
                mention.role = "negated"

    def assign(draft, found):  # noqa: ANN001
        cue_spans = [(c.start(), c.end()) for _, pattern in cues.RESPONSES for c in pattern.finditer(draft.text)]
        negated = negation.negated_spans(draft.text, cue_spans)
        text = draft.text
        # blank out denied cues so the response reader never sees them
        for start, end in negated:
            text = text[:start] + " " * (end - start) + text[end:]
        real_text, draft.text = draft.text, text
        try:
            original_assign(draft, found)
        finally:
            draft.text = real_text

    mentions._classify, mentions._assign_responses = classify, assign


def _print(title: str, scores: dict) -> None:
    print(f"\n{title}")
    for name in ("all", *FACT_FIELDS, "sentences passed"):
        if name in scores:
            p, r, n = scores[name]
            fmt = lambda v: "  -  " if v is None else f"{v:.3f}"  # noqa: E731
            print(f"  {name:24s} precision {fmt(p)}  recall {fmt(r)}  (n={n})")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=Path, default=ROOT / "eval" / "cases" / "facts.jsonl")
    parser.add_argument("--split", default=None, help="only lines with this split (dev/sealed); default all")
    args = parser.parse_args()
    rows = _load(args.cases, args.split)
    print(f"{len(rows)} labelled sentences from {args.cases}" + (f" (split {args.split})" if args.split else ""))
    _print("own cues (bot/eligibility/cues.py)", _score(rows))
    _install_context(ContextNegation())
    _print("medspaCy ConText", _score(rows))


if __name__ == "__main__":
    main()
