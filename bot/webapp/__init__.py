"""The web app (Gradio): chat, medical-necessity checks, sources browser, API endpoints.

Importing this package is cheap; gradio is imported by ``bot.webapp.ui`` only,
through :func:`build_app` and :func:`launch`.
"""

from __future__ import annotations

from typing import Any


def build_app(engine: Any) -> Any:
    from bot.webapp.ui import build_app as _build_app

    return _build_app(engine)


def launch(
    demo: Any, host: str, port: int, *, block: bool = True, quiet: bool = False, extra_hosts: tuple[str, ...] = ()
) -> Any:
    from bot.webapp.ui import launch as _launch

    return _launch(demo, host, port, block=block, quiet=quiet, extra_hosts=extra_hosts)


__all__ = ["build_app", "launch"]
