"""The fast query encoder (ONNX export of the packaged MiniLM, run by onnxruntime) against the model of record."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from corpus.encoder import STAMP_FILE, OnnxEncoder, choose_encoder, encoder_path, is_current

ROOT = Path(__file__).resolve().parents[1]
pytestmark = pytest.mark.slow


def _texts(corpus) -> list[str]:
    """A few hundred real texts: every passage and sentence as embedded, and every eval and gold question."""
    from corpus.embedding import passage_document

    texts = [passage_document(p) for p in corpus.passages] + [s.normalized for s in corpus.sentences]
    for path in [*sorted((ROOT / "eval/cases").glob("*.jsonl")), ROOT / "tests/data/retrieval_gold.jsonl"]:
        for line in path.read_text(encoding="utf-8").splitlines():
            row = json.loads(line) if line.strip() else {}
            if isinstance(row.get("question"), str):
                texts.append(row["question"])
    return list(dict.fromkeys(texts))


def test_onnx_vectors_match_sentence_transformers_within_1e_5(engine, index_dir, corpus):
    texts = _texts(corpus)
    assert len(texts) >= 300
    fast = OnnxEncoder(encoder_path(index_dir)).encode(texts)
    reference = np.asarray(engine.index.embeddings.embed_documents(texts), dtype=np.float32)
    distance = 1.0 - np.sum(fast * reference, axis=1) / (np.linalg.norm(fast, axis=1) * np.linalg.norm(reference, axis=1))
    assert distance.max() <= 1e-5, (float(distance.max()), texts[int(distance.argmax())])
    assert np.allclose(np.linalg.norm(fast, axis=1), 1.0, atol=1e-5)


def test_engine_encodes_queries_with_onnxruntime(engine):
    assert engine.encoder_note is None
    assert type(engine.index.encoder).__name__ == "OnnxEncoder"


def test_a_stale_export_is_rebuilt(tmp_path, index_dir):
    data_dir = tmp_path / "data"
    target = encoder_path(data_dir)
    target.parent.mkdir(parents=True)
    target.write_bytes(encoder_path(index_dir).read_bytes())
    (target.parent / STAMP_FILE).write_text(json.dumps({"fingerprint": "another model"}))
    assert not is_current(data_dir)
    choice = choose_encoder(data_dir, embeddings=None)
    assert choice.runtime == "onnxruntime" and choice.note is None and is_current(data_dir)
    vector = choice.encoder.encode(["What dose of imetelstat was used in IMerge?"])
    assert vector.shape == (1, 384)


def test_when_the_export_cannot_be_written_queries_use_sentence_transformers_with_a_note(tmp_path, engine):
    data_dir = tmp_path / "data"
    data_dir.mkdir()
    (data_dir / "query_encoder").write_text("a file where the encoder's folder should be")
    choice = choose_encoder(data_dir, engine.index.embeddings)
    assert choice.runtime == "sentence-transformers"
    assert choice.note and "queries use sentence-transformers" in choice.note and "\n" not in choice.note
    vector = choice.encoder.encode(["What is luspatercept?"])
    reference = OnnxEncoder(encoder_path(engine.settings.data_dir)).encode(["What is luspatercept?"])
    assert float(vector[0] @ reference[0]) > 1 - 1e-5


def test_cold_ask_imports_neither_torch_nor_sentence_transformers(index_dir, engine):
    """A new question, whole CLI process: the query is encoded by onnxruntime."""
    question = "Which transfusion burden did the COMMANDS subgroup analysis use?"
    probe = (
        "import sys, atexit\n"
        "heavy = ('torch', 'sentence_transformers', 'transformers', 'langchain_chroma')\n"
        "atexit.register(lambda: print('HEAVY:', [m for m in heavy if m in sys.modules], file=sys.stderr))\n"
        f"sys.argv = ['mdsbot', 'ask', {question!r}, '--json', '--data-dir', {str(index_dir)!r}]\n"
        "from bot.cli import main\nmain()\n"
    )
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, cwd=ROOT, timeout=300)
    assert result.returncode == 0, result.stderr[-2000:]
    assert json.loads(result.stdout)["status"] in {"answered", "refused"}
    assert "HEAVY: []" in result.stderr, result.stderr[-2000:]
