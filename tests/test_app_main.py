"""`python app.py`: host/port from args or settings, offline environment, a cheap `import app`."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

import app

ROOT = Path(__file__).resolve().parents[1]


def test_defaults_are_localhost_7860(monkeypatch):
    monkeypatch.delenv("MDSBOT_HOST", raising=False)
    monkeypatch.delenv("MDSBOT_PORT", raising=False)
    settings = app.settings_from(app.parse_args([]))
    assert (settings.host, settings.port) == ("127.0.0.1", 7860)


def test_environment_then_arguments(monkeypatch):
    monkeypatch.setenv("MDSBOT_HOST", "0.0.0.0")
    monkeypatch.setenv("MDSBOT_PORT", "9000")
    settings = app.settings_from(app.parse_args([]))
    assert (settings.host, settings.port) == ("0.0.0.0", 9000)
    settings = app.settings_from(app.parse_args(["--host", "127.0.0.1", "--port", "7999"]))
    assert (settings.host, settings.port) == ("127.0.0.1", 7999)


def test_bad_port_is_rejected():
    from pydantic import ValidationError

    with pytest.raises(ValidationError):
        app.settings_from(app.parse_args(["--port", "70000"]))


def test_offline_environment_forces_analytics_off(monkeypatch):
    monkeypatch.setenv("GRADIO_ANALYTICS_ENABLED", "True")
    monkeypatch.delenv("HF_HUB_OFFLINE", raising=False)
    app.offline_environment()
    assert os.environ["GRADIO_ANALYTICS_ENABLED"] == "False"
    assert os.environ["HF_HUB_OFFLINE"] == "1"


class FakeDemo:
    blocked = False

    def block_thread(self):
        self.blocked = True


def test_main_serves_at_once_and_loads_the_engine_in_the_background(monkeypatch):
    import bot.webapp
    from bot.webapp.loading import BackgroundEngine

    real_engine, demo, calls = object(), FakeDemo(), {}
    monkeypatch.setattr(app, "load_engine", lambda settings: calls.setdefault("settings", settings) and real_engine)
    monkeypatch.setattr(app, "build_app", lambda engine: calls.setdefault("engine", engine) and demo)
    monkeypatch.setattr(
        bot.webapp, "launch",
        lambda d, host, port, block, extra_hosts: calls.setdefault("launch", (d, host, port, block, extra_hosts)),
    )
    monkeypatch.setenv("MDSBOT_ALLOWED_HOSTS", '["mdsbot.internal"]')
    app.main(["--host", "127.0.0.1", "--port", "7001"])
    assert calls["launch"] == (demo, "127.0.0.1", 7001, False, ("mdsbot.internal",)) and demo.blocked
    engine = calls["engine"]
    assert isinstance(engine, BackgroundEngine)
    assert engine.wait(timeout=10) is real_engine
    assert calls["settings"].port == 7001
    assert engine.corpus.passages  # the sources tab needs no model


def test_background_engine_hands_over_the_engine_or_its_error():
    import threading

    from bot.webapp.loading import BackgroundEngine

    gate = threading.Event()

    class Engine:
        def conversation(self, record=None):
            return "conversation"

    def slow():
        gate.wait(10)
        return Engine()

    loading = BackgroundEngine(slow, corpus="corpus", log=False)
    assert not loading.ready and loading.corpus == "corpus"
    gate.set()
    assert loading.conversation() == "conversation" and loading.ready

    def broken():
        raise OSError("index unreadable")

    failed = BackgroundEngine(broken, corpus=None, log=False)
    with pytest.raises(OSError, match="index unreadable"):
        failed.conversation()
    assert not failed.ready


def test_import_app_loads_nothing_heavy():
    code = (
        "import sys, app, bot.webapp, bot.webapp.html, bot.webapp.patient_form; "
        "heavy = [m for m in ('gradio', 'torch', 'chromadb', 'sentence_transformers') if m in sys.modules]; "
        "print(','.join(heavy))"
    )
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == ""


def test_help_runs_without_loading_the_model():
    out = subprocess.run([sys.executable, "app.py", "--help"], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert out.returncode == 0
    assert "--host" in out.stdout and "--port" in out.stdout
