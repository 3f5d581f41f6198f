"""The engine: corpus, index, retriever and answerer built once, shared by CLI, app and eval."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from bot.settings import Settings

if TYPE_CHECKING:  # pragma: no cover
    from bot.conversation import Conversation
    from bot.guard.runner import Guard
    from bot.models import BotResponse
    from bot.qa.answerer import Answerer
    from corpus.index import VectorIndex
    from corpus.index_sync import BuildReport
    from corpus.ingest import Corpus
    from corpus.lexical import LexicalState
    from corpus.retrieval import HybridRetriever


def load_settings_corpus(settings: Settings) -> Corpus:
    """The shipped documents (less the hidden ones) and the documents the site added, as the settings say.

    A document the medical-necessity ruleset quotes cannot be hidden: its criteria cite it (ManifestError).
    """
    from corpus.corpus_cache import load_corpus_cached
    from corpus.models import ManifestError
    from rules_core.loader import shipped_spec

    quoted = {source.doc_id for source in shipped_spec().sources} if settings.hidden_documents else set()
    for doc_id in settings.hidden_documents:
        if doc_id in quoted:
            raise ManifestError(
                f"MDSBOT_HIDDEN_DOCUMENTS: {doc_id!r} is quoted by the medical-necessity ruleset "
                "(rules_core/ruleset.yaml sources) and cannot be hidden while the ruleset cites it"
            )
    # Cut once per content: a start with unchanged documents reads the cut corpus from the data dir.
    return load_corpus_cached(
        settings.manifest, settings.data_dir / "corpus", settings.added_documents, settings.hidden_documents
    )


def open_index(settings: Settings, corpus: Corpus, embeddings: Any = None, encoder: Any = None) -> VectorIndex:
    """The index the settings name: read-only dirs through a snapshot, a damaged store as IndexDamaged,
    and (embedded, writable) a way to reconnect after another process rebuilt it."""
    from corpus.embedding import load_embeddings
    from corpus.index import VectorIndex
    from corpus.store import open_client, reopen_embedded

    client, read_only = open_client(settings.data_dir, settings.chroma_url)
    writable = not settings.chroma_url and not read_only
    reconnect = (lambda: reopen_embedded(settings.data_dir, client.get_settings())) if writable else None
    return VectorIndex(
        client, embeddings or load_embeddings(), corpus, settings.collection, encoder,
        read_only=read_only, reconnect=reconnect, vector_root=None if read_only else settings.data_dir / "vectors",
    )


def open_lexical(settings: Settings, corpus: Corpus, read_only: bool = False) -> LexicalState:
    """BM25 and the terms of every unit: loaded from the data dir when current (corpus/lexical.py);
    with a Chroma server too (the lexical state is local). A read-only data dir is read, never written."""
    from corpus.lexical import open_state

    root = settings.data_dir / "lexical"
    return open_state(corpus, root if (not read_only or root.exists()) else None)


@dataclass
class Engine:
    settings: Settings
    corpus: Corpus
    index: VectorIndex
    retriever: HybridRetriever
    answerer: Answerer
    guard: Guard
    build: BuildReport
    chat_model: Any = None  # optional LangChain drafter (MDSBOT_LLM); off by default
    encoder_note: str | None = None  # why queries are not encoded by the fast ONNX runtime, if they are not

    @classmethod
    def from_settings(cls, settings: Settings | None = None, progress=None) -> Engine:
        """Load the model once; (re)build the index only if its content hash is stale."""
        from bot.guard.corpus_facts import corpus_facts
        from bot.guard.runner import Guard
        from corpus.learned import corpus_lexicon
        from bot.qa.answerer import Answerer
        from corpus.conflicts import load_conflicts
        from corpus.encoder import choose_encoder
        from corpus.embedding import load_embeddings
        from corpus.retrieval import HybridRetriever

        settings = settings or Settings()
        corpus = load_settings_corpus(settings)
        conflicts = load_conflicts(corpus)
        embeddings = load_embeddings()
        encoder = choose_encoder(settings.data_dir, embeddings)  # exports the ONNX file once if missing or stale
        index = open_index(settings, corpus, embeddings, encoder.encoder)
        build = index.ensure(progress=progress)
        lexical = open_lexical(settings, corpus, index.read_only)
        build.lexical = lexical.report
        retriever = HybridRetriever(corpus, index, lexical, settings.retrieval_candidates)
        answerer = Answerer(
            corpus, retriever, max_sentences=settings.max_sentences, conflicts=conflicts, tuning=settings.answering
        )
        chat_model = None
        if settings.llm:
            from bot.qa.drafter import make_chat_model

            chat_model = make_chat_model(settings.llm)  # LLMConfigError (a ValueError): one clear line
        guard = Guard(
            corpus, conflicts=conflicts, tuning=settings.guard, corpus_words=lexical.words,
            facts=corpus_facts(corpus, corpus_lexicon(corpus), None if index.read_only else settings.data_dir / "guard"),
        )
        return cls(settings, corpus, index, retriever, answerer, guard, build, chat_model, encoder.note)

    def ask(self, question: str) -> BotResponse:
        """One question in a fresh conversation."""
        return self.conversation().send(question)

    def prefetch(self, questions: list[str]) -> None:
        """Encode the query vectors of many questions in one batched call before they are asked (ask --batch)."""
        self.retriever.prefetch(questions)

    def conversation(self, record: Any = None) -> Conversation:
        """A new conversation; ``record`` (bot.records.recorder.Recording) stores each of its verdicts."""
        from bot.conversation import Conversation

        return Conversation(self, record)
