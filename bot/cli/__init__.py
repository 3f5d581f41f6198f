"""The ``mdsbot`` command line.

Every heavy import (torch, chromadb, langchain, gradio) happens inside the
command that needs it, so ``mdsbot check`` stays well under a second.
"""

from __future__ import annotations

import sys

import typer
from typer.core import TyperGroup
from typer.exceptions import TyperException

from corpus.offline import offline_environment

# No hub, no analytics, ever: set before any library that reads them is imported.
offline_environment()


class JsonErrorsGroup(TyperGroup):
    """With --json anywhere on the command line, click's own usage errors (a bad option value, an unknown
    option) are one JSON line on stderr too, like every error the CLI raises itself (bot/cli/terminal.py)."""

    def main(self, args=None, prog_name=None, standalone_mode=True, **extra):
        argv = sys.argv[1:] if args is None else list(args)
        if "--json" not in argv or not standalone_mode:
            return super().main(args=argv, prog_name=prog_name, standalone_mode=standalone_mode, **extra)
        try:
            code = super().main(args=argv, prog_name=prog_name, standalone_mode=False, **extra)
        except TyperException as exc:  # click's usage errors (typer's vendored click) derive from it
            if not hasattr(exc, "format_message"):
                raise
            from bot.cli.terminal import usage_error_json

            typer.echo(usage_error_json(exc), err=True)
            sys.exit(exc.exit_code)
        sys.exit(code if isinstance(code, int) else 0)


app = typer.Typer(
    cls=JsonErrorsGroup,
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
