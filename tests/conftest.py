"""Shared fixtures: one real engine (real MiniLM, real embedded Chroma) per test session."""

from __future__ import annotations

from corpus.offline import offline_environment

offline_environment()

import pytest  # noqa: E402


@pytest.fixture(scope="session")
def corpus():
    from corpus.ingest import load_corpus

    return load_corpus()


@pytest.fixture(scope="session")
def index_dir(tmp_path_factory):
    return tmp_path_factory.mktemp("mdsbot-index")


@pytest.fixture(scope="session")
def engine(index_dir):
    from bot.engine import Engine
    from bot.settings import Settings

    return Engine.from_settings(Settings(data_dir=index_dir))


@pytest.fixture
def chroma_run(tmp_path):
    """A real `chroma run` server on a free 127.0.0.1 port (corpus/chroma_server.py): ``.url``, ``.process``,
    ``.path``, ``.kill()``, ``.start()`` again on the same store and port."""
    from corpus.chroma_server import ChromaServer, ServerDidNotStart

    server = ChromaServer(tmp_path / "server-db")
    try:
        server.start()
    except ServerDidNotStart as exc:
        pytest.fail(str(exc))
    yield server
    server.stop()
