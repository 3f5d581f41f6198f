"""`mdsbot check`, `mdsbot options`, `mdsbot schema`: the rules core on the command line."""

from __future__ import annotations

from bot.cli import app  # noqa: F401
