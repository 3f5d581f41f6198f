"""The engine: corpus, index, retriever and answerer built once, shared by CLI, app and eval."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from bot.settings import Settings

if TYPE_CHECKING:  # pragma: no cover
    from bot.qa.answerer import Answerer
    from bot.conversation import Conversation
    from bot.guard.runner import Guard
    from bot.models import BotResponse
    from corpus.index import BuildReport, VectorIndex
    from corpus.ingest import Corpus
    from corpus.retrieval import HybridRetriever


def open_index(settings: Settings, corpus: Corpus) -> VectorIndex:
    """The index the settings name, with its query cache beside it (in memory only for a server or a read-only dir)."""
    from corpus.index import QUERY_CACHE_FOLDER, VectorIndex, load_embeddings, open_client
    from corpus.query_cache import QueryCache

    from corpus.store import reopen_embedded

    client, read_only = open_client(settings.data_dir, settings.chroma_url)
    embedded_and_writable = not settings.chroma_url and not read_only
    cache = QueryCache(settings.data_dir / QUERY_CACHE_FOLDER if embedded_and_writable else None)
    reconnect = (lambda: reopen_embedded(settings.data_dir, client.get_settings())) if embedded_and_writable else None
    return VectorIndex(
        client, load_embeddings(), corpus, settings.collection, query_cache=cache, read_only=read_only, reconnect=reconnect
    )


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

    @classmethod
    def from_settings(cls, settings: Settings | None = None, progress=None) -> Engine:
        """Load the model once; (re)build the index only if its content hash is stale."""
        from bot.qa.answerer import Answerer
        from corpus.conflicts import load_conflicts
        from bot.guard.runner import Guard
        from corpus.ingest import load_corpus
        from corpus.retrieval import HybridRetriever

        settings = settings or Settings()
        corpus = load_corpus(settings.manifest)
        conflicts = load_conflicts(corpus)
        index = open_index(settings, corpus)
        build = index.ensure(progress=progress)
        retriever = HybridRetriever(corpus, index)
        answerer = Answerer(
            corpus, retriever, max_sentences=settings.max_sentences, conflicts=conflicts, tuning=settings.answering
        )
        chat_model = None
        if settings.llm:
            from bot.qa.drafter import make_chat_model

            chat_model = make_chat_model(settings.llm)  # LLMConfigError (a ValueError): one clear line
        guard = Guard(corpus, conflicts=conflicts, tuning=settings.guard)
        return cls(settings, corpus, index, retriever, answerer, guard, build, chat_model)

    def ask(self, question: str) -> BotResponse:
        """One question in a fresh conversation."""
        return self.conversation().send(question)

    def conversation(self) -> Conversation:
        from bot.conversation import Conversation

        return Conversation(self)
