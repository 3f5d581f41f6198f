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
    """A real `chroma run` server on a free 127.0.0.1 port: ``.url``, ``.process``, ``.path``, ``.restart()``."""
    server = ChromaServer(tmp_path / "server-db")
    server.start()
    yield server
    server.stop()


class ChromaServer:
    def __init__(self, path):
        import socket

        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            self.port = s.getsockname()[1]
        self.path = path
        self.url = f"http://127.0.0.1:{self.port}"
        self.process = None

    def start(self) -> None:
        import subprocess
        import sys
        import time
        import urllib.request
        from pathlib import Path

        chroma = Path(sys.executable).parent / "chroma"
        self.process = subprocess.Popen(
            [str(chroma), "run", "--path", str(self.path), "--host", "127.0.0.1", "--port", str(self.port)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                urllib.request.urlopen(f"{self.url}/api/v2/heartbeat", timeout=1)
                return
            except OSError:
                time.sleep(0.3)
        self.process.kill()
        pytest.fail("chroma server did not start")

    def kill(self) -> None:
        self.process.kill()
        self.process.wait(timeout=20)

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=20)
