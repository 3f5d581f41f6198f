"""The ``mdsbot`` command line.

Every heavy import (torch, chromadb, langchain, gradio) happens inside the
command that needs it, so ``mdsbot check`` stays well under a second.
"""

from __future__ import annotations

import typer

from corpus.offline import offline_environment

# No hub, no analytics, ever: set before any library that reads them is imported.
offline_environment()

app = typer.Typer(
    name="mdsbot",
    help="Grounded Q&A and medical-necessity checks for lower-risk MDS.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


def _load_command_modules() -> None:
    from bot.cli import decisions, documents, evaluation, qa, rules  # noqa: F401  (each module registers its command on `app`)


def main() -> None:
    _load_command_modules()
    app()
