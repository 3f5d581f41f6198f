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
