"""Retrieval at scale: synthetic corpora of 1,000 / 10,000 / 100,000 passages, embedded and on a `chroma run` server.

    nice .venv/bin/python benchmarks/bench_scale.py [--sizes 1000,10000,100000] [--modes embedded,server]
                                                    [--embed-up-to 10000] [--questions 120] [--keep DIR]

Per size and mode it prints: build time and texts/s (index, vectors copied to the data dir, lexical
state), start time of an engine with a current index (corpus load shown apart), ask p50/p95 over the
eval questions with a warm engine (retrieval + answer + guard; the query vectors are encoded in a
first pass and kept in memory, so query embedding is excluded), resident memory after start and peak,
and the Chroma server's peak memory. Each stage runs in its own process. With --keep DIR the synthetic
corpus, data dir and server store stay in DIR, and a later run with the same DIR reuses them (its
build stage then only checks that the index is current: a way to measure start time again without
an 11-minute build at 100,000 passages). Above --embed-up-to passages
the synthetic passages get random unit vectors (deterministic per text; the shipped documents are
still embedded by the model): the output says so. On demand only, never a timed test.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from corpus.chroma_server import ChromaServer  # noqa: E402  (after the path: the one `chroma run` helper)
ENV = {**os.environ, "HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1", "GRADIO_ANALYTICS_ENABLED": "False",
       "PYTHONPATH": str(ROOT)}


class RandomForSynthetic:
    """The model for the shipped documents' texts, random unit vectors (seeded by the text) for the rest."""

    def __init__(self, model, shipped: set[str]):
        self.model, self.shipped = model, shipped

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        import hashlib

        import numpy as np

        real = [t for t in texts if t in self.shipped]
        vectors = dict(zip(real, self.model.embed_documents(real))) if real else {}
        out = []
        for t in texts:
            if t in vectors:
                out.append(vectors[t])
                continue
            rng = np.random.default_rng(int.from_bytes(hashlib.sha256(t.encode()).digest()[:8], "little"))
            v = rng.standard_normal(384)
            out.append((v / np.linalg.norm(v)).tolist())
        return out

    def embed_query(self, text: str) -> list[float]:
        return self.model.embed_query(text)


def _settings(data_dir: str, manifest: str, url: str | None):
    from bot.settings import Settings

    return Settings(data_dir=Path(data_dir), manifest=Path(manifest), chroma_url=url)


def child_build(data_dir: str, manifest: str, url: str | None, random_vectors: bool) -> dict:
    """Cut the corpus, build the index (langchain-chroma, batches of 32), copy the vectors, build the lexical state."""
    from bot.engine import open_index, open_lexical
    from corpus.corpus_cache import load_corpus_cached
    from bot.guard.corpus_facts import corpus_facts
    from corpus.encoder import ensure_encoder
    from corpus.lexicon import load_lexicon
    from corpus.embedding import load_embeddings, passage_document
    from corpus.ingest import load_corpus

    settings = _settings(data_dir, manifest, url)
    started = time.perf_counter()
    corpus = load_corpus_cached(settings.manifest, settings.data_dir / "corpus")
    cut_s = time.perf_counter() - started
    embeddings = load_embeddings()
    if random_vectors:
        shipped = load_corpus(ROOT / "corpus" / "manifest.json")
        texts = {passage_document(p) for p in shipped.passages} | {s.normalized for s in shipped.sentences}
        embeddings = RandomForSynthetic(embeddings, texts)
    started = time.perf_counter()
    report = open_index(settings, corpus, embeddings).ensure()
    index_s = time.perf_counter() - started
    lexical = open_lexical(settings, corpus).report
    ensure_encoder(settings.data_dir)  # the ONNX query encoder, as `mdsbot ingest` builds it
    corpus_facts(corpus, load_lexicon(), settings.data_dir / "guard")  # the guard's per-document facts, as ingest does
    return {"passages": len(corpus.passages), "sentences": len(corpus.sentences), "index_s": index_s, "cut_s": cut_s,
            "lexical_s": lexical.seconds, "rebuilt": report.rebuilt or not lexical.loaded, "rss_mb": _peak_mb()}


def child_ask(data_dir: str, manifest: str, url: str | None, questions: int) -> dict:
    """Start an engine on the current index, then ask the eval questions twice: the second pass is timed."""
    import statistics

    started = time.perf_counter()
    import chromadb  # noqa: F401  (the imports of a start, timed apart: they do not grow with the corpus)
    import onnxruntime  # noqa: F401

    import bot.guard.runner  # noqa: F401
    import bot.qa.answerer  # noqa: F401
    from bot.engine import Engine
    from corpus.corpus_cache import load_corpus_cached

    imports_s = time.perf_counter() - started
    settings = _settings(data_dir, manifest, url)
    engine = Engine.from_settings(settings)
    start_s = time.perf_counter() - started
    rss_start = _current_mb()
    built_at_start = len(engine.corpus.store.built_rows)  # passages the start itself built (the rest: when read)
    started = time.perf_counter()
    load_corpus_cached(settings.manifest, settings.data_dir / "corpus")  # the corpus's share of the start, read again
    corpus_s = time.perf_counter() - started
    asked = _questions()[:questions]
    for q in asked:  # warm: query vectors (and the meaning check's) encoded and kept in memory
        engine.ask(q)
    times = []
    for q in asked:
        t = time.perf_counter()
        engine.ask(q)
        times.append((time.perf_counter() - t) * 1000)
    times.sort()
    build = engine.build
    return {"corpus_s": corpus_s, "start_s": start_s, "imports_s": imports_s, "rebuilt_index": build.rebuilt,
            "vectors_copied": build.vectors_copied, "lexical_loaded": build.lexical.loaded,
            "built_at_start": built_at_start, "built_after_asking": len(engine.corpus.store.built_rows),
            "p50_ms": statistics.median(times), "p95_ms": times[int(0.95 * (len(times) - 1))],
            "rss_start_mb": rss_start, "rss_peak_mb": _peak_mb(), "n": len(times)}


def _questions() -> list[str]:
    from eval.cases import QuestionCase, load_cases

    return [case.question for case in load_cases() if isinstance(case, QuestionCase)]


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _current_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def _in_child(function: str, *args) -> dict:
    code = f"import json, sys; sys.path.insert(0, {str(ROOT)!r}); from benchmarks.bench_scale import {function}; " \
           f"print('RESULT ' + json.dumps({function}(*{list(args)!r})))"
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=ENV, capture_output=True, text=True)
    lines = [x for x in done.stdout.splitlines() if x.startswith("RESULT ")]
    if done.returncode != 0 or not lines:
        raise SystemExit(f"{function} failed:\n{done.stderr[-3000:]}")
    return json.loads(lines[-1][7:])


def bench(size: int, mode: str, args, root: Path) -> dict:
    from benchmarks.synthetic_corpus import write_corpus

    corpus_dir = root / f"corpus-{size}"
    kept = corpus_dir.joinpath("manifest.json").exists() and args.keep
    manifest = str(corpus_dir / "manifest.json") if kept else str(write_corpus(corpus_dir, size))
    data_dir = str(root / f"data-{size}-{mode}")
    server = ChromaServer(root / f"server-{size}").start() if mode == "server" else None
    try:
        url = server.url if server else None
        built = _in_child("child_build", data_dir, manifest, url, size > args.embed_up_to)
        asked = _in_child("child_ask", data_dir, manifest, url, args.questions)
        result = {**built, **asked, "server_peak_mb": server.peak_mb() if server else None}
    finally:
        if server:
            server.stop()
    if not args.keep:
        shutil.rmtree(data_dir, ignore_errors=True)
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000,10000,100000", help="comma-separated passage counts")
    parser.add_argument("--modes", default="embedded,server", help="embedded, server or both")
    parser.add_argument("--embed-up-to", type=int, default=10000, help="largest size embedded by the model")
    parser.add_argument("--questions", type=int, default=120, help="eval questions asked per run")
    parser.add_argument("--keep", type=Path, help="keep corpora, data dirs and server stores here; reuse them if there")
    args = parser.parse_args()
    print(f"bench_scale {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}, {os.cpu_count()} cores, "
          f"load {os.getloadavg()[0]:.1f}; ask = retrieval + answer + guard, warm engine, query embedding excluded")
    header = ("size", "mode", "vectors", "passages", "build s", "texts/s", "lexical s", "start s", "(imports s)", "(corpus s)",
              "ask p50 ms", "p95 ms", "RSS start MB", "peak MB", "server MB")
    print(" | ".join(header))
    rows = []
    with tempfile.TemporaryDirectory(prefix="bench-scale-") as tmp:
        root = args.keep or Path(tmp)
        root.mkdir(parents=True, exist_ok=True)
        for size in [int(s) for s in args.sizes.split(",") if s]:
            for mode in [m for m in args.modes.split(",") if m]:
                r = bench(size, mode, args, root)
                texts = r["passages"] + r["sentences"]
                vectors = "model" if size <= args.embed_up_to else "random*"
                line = (size, mode, vectors, r["passages"], f"{r['index_s']:.1f}", f"{texts / r['index_s']:.0f}",
                        f"{r['lexical_s']:.1f}", f"{r['start_s']:.2f}", f"{r['imports_s']:.2f}", f"{r['corpus_s']:.2f}", f"{r['p50_ms']:.1f}",
                        f"{r['p95_ms']:.1f}", f"{r['rss_start_mb']:.0f}", f"{r['rss_peak_mb']:.0f}",
                        f"{r['server_peak_mb']:.0f}" if r["server_peak_mb"] else "-")
                print(" | ".join(str(x) for x in line), flush=True)
                print(f"  passages built by the start: {r['built_at_start']}, after asking: {r['built_after_asking']}")
                if not r["rebuilt"]:
                    print(f"  ({size} {mode}: kept in {root}, already current: build s and lexical s are the checks, not a build)")
                assert not r["rebuilt_index"] and r["lexical_loaded"] and not r["vectors_copied"], r
                rows.append((mode, r["passages"], r["rss_start_mb"]))
    _growth(rows)
    print("* random unit vectors for the synthetic passages (the shipped documents' texts embedded by the model)")


def _growth(rows: list[tuple[str, int, float]]) -> None:
    """Resident memory after start, per passage, between the smallest and largest size of each mode."""
    for mode in dict.fromkeys(m for m, _, _ in rows):
        points = sorted((n, mb) for m, n, mb in rows if m == mode)
        if len(points) >= 2 and points[-1][0] > points[0][0]:
            (n0, m0), (n1, m1) = points[0], points[-1]
            print(f"memory growth ({mode}): {(m1 - m0) * 1024 / (n1 - n0):.1f} KB per passage after start "
                  f"({n0} -> {n1} passages)")


if __name__ == "__main__":
    main()
