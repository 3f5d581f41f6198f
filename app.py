"""mdsbot web app: ``python app.py [--host 127.0.0.1] [--port 7860]``.

Offline: no analytics, no update check, no share link, system fonts. Host and
port come from ``--host/--port``, else MDSBOT_HOST / MDSBOT_PORT, else
127.0.0.1:7860. Importing this module loads nothing heavy; ``main()`` serves
at once and loads the embedding model and index once, in the background.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Sequence
from typing import Any

from corpus.offline import offline_environment


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="app.py", description="Start the mdsbot web app.")
    parser.add_argument("--host", help="interface to bind (default: MDSBOT_HOST or 127.0.0.1)")
    parser.add_argument("--port", type=int, help="port (default: MDSBOT_PORT or 7860)")
    return parser.parse_args(argv)


def settings_from(args: argparse.Namespace) -> Any:
    from bot.settings import Settings

    overrides = {k: v for k, v in {"host": args.host, "port": args.port}.items() if v is not None}
    return Settings(**overrides)


def build_app(engine: Any) -> Any:
    """The Gradio Blocks around a loaded engine (see bot.webapp.ui)."""
    from bot.webapp import build_app as _build_app

    return _build_app(engine)


def load_engine(settings: Any) -> Any:
    from bot.engine import Engine

    return Engine.from_settings(settings)


def main(argv: Sequence[str] | None = None) -> None:
    """Serve at once; the model loads in the background (only the chat waits for it)."""
    offline_environment()
    started = time.perf_counter()
    settings = settings_from(parse_args(argv))
    from bot.webapp.loading import BackgroundEngine
    from bot.engine import load_settings_corpus

    engine = BackgroundEngine(lambda: load_engine(settings), corpus=load_settings_corpus(settings), settings=settings)
    demo = build_app(engine)
    from bot.webapp import launch

    launch(demo, settings.host, settings.port, block=False, extra_hosts=tuple(settings.allowed_hosts))
    url = f"http://{settings.host}:{settings.port}"
    print(f"mdsbot: serving on {url} after {time.perf_counter() - started:.1f} s", file=sys.stderr)
    demo.block_thread()


if __name__ == "__main__":
    main()
