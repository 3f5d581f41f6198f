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


def test_main_serves_the_engine_on_the_configured_address(monkeypatch):
    calls = {}
    monkeypatch.setattr(app, "load_engine", lambda settings: calls.setdefault("engine", object()))
    monkeypatch.setattr(app, "build_app", lambda engine: calls.setdefault("demo", ("demo", engine)))
    import bot.webapp

    monkeypatch.setattr(bot.webapp, "launch", lambda demo, host, port: calls.setdefault("launch", (demo, host, port)))
    app.main(["--host", "127.0.0.1", "--port", "7001"])
    assert calls["launch"] == (("demo", calls["engine"]), "127.0.0.1", 7001)


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
