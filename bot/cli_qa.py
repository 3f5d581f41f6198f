"""`mdsbot ask`, `mdsbot chat`, `mdsbot ingest`, `mdsbot corpus`."""

from __future__ import annotations

from bot.cli import app  # noqa: F401
