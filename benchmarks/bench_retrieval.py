"""Retrieval quality by component on the gold questions (tests/data/retrieval_gold.jsonl):
lexical only, dense only, hybrid. Prints recall@1, recall@5 and MRR. Run on demand."""

from __future__ import annotations

import json
import os
import sys
import tempfile
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("HF_HUB_OFFLINE", "1")


def metrics(ranks: list[int | None]) -> str:
    r1 = sum(1 for r in ranks if r == 1) / len(ranks)
    r5 = sum(1 for r in ranks if r is not None and r <= 5) / len(ranks)
    mrr = sum(1 / r for r in ranks if r) / len(ranks)
    return f"recall@1 {r1:.2f}  recall@5 {r5:.2f}  MRR {mrr:.3f}"


def main() -> None:
    from bot.engine import Engine
    from bot.settings import Settings
    from corpus.vocabulary import words

    gold = [json.loads(x) for x in (ROOT / "tests/data/retrieval_gold.jsonl").read_text().splitlines() if x.strip()]
    with tempfile.TemporaryDirectory() as tmp:
        engine = Engine.from_settings(Settings(data_dir=Path(tmp)))
        retriever, corpus = engine.retriever, engine.corpus
        passages = corpus.passages

        def rank_of(order: list[str], case) -> int | None:
            golds = [case["gold"]] if isinstance(case["gold"], str) else case["gold"]
            ids = {p.id for p in passages if any(g in p.normalized for g in golds)}
            return next((i + 1 for i, pid in enumerate(order) if pid in ids), None)

        rows = {"lexical (bm25s, plain words)": [], "lexical (+ vocabulary, typo fix)": [], "dense (MiniLM, Chroma)": [], "hybrid (RRF, 4 rankings)": []}
        import bm25s

        plain = bm25s.BM25()
        plain.index([words(p.normalized) for p in passages], show_progress=False)
        for case in gold:
            q = case["question"]
            scores = plain.get_scores([w for w in words(q) if w in {t for p in passages for t in words(p.normalized)}])
            rows["lexical (bm25s, plain words)"].append(rank_of([passages[i].id for i in np.argsort(-scores, kind="stable")], case))
            analysis = retriever.analyze(q)
            lex = retriever.lexical.passages.scores(analysis.tokens)
            rows["lexical (+ vocabulary, typo fix)"].append(rank_of([passages[i].id for i in np.argsort(-lex, kind="stable")], case))
            vector = engine.index.embed_query(q)
            rows["dense (MiniLM, Chroma)"].append(rank_of([pid for pid, _ in engine.index.passage_similarities(vector, len(passages))], case))
            rows["hybrid (RRF, 4 rankings)"].append(rank_of([h.passage.id for h in retriever.search(q, k=len(passages))], case))
        print(f"{len(gold)} gold questions, {len(passages)} passages")
        for name, ranks in rows.items():
            print(f"  {name:<36} {metrics(ranks)}")


if __name__ == "__main__":
    main()
