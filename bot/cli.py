"""The ``mdsbot`` command line.

Every heavy import (torch, chromadb, langchain, gradio) happens inside the
command that needs it, so ``mdsbot check`` stays well under a second.
"""

from __future__ import annotations

import os

import typer

# No hub, no analytics, ever: set before any library that reads them is imported.
for _key, _value in {
    "HF_HUB_OFFLINE": "1",
    "TRANSFORMERS_OFFLINE": "1",
    "GRADIO_ANALYTICS_ENABLED": "False",
    "ANONYMIZED_TELEMETRY": "False",
    "TOKENIZERS_PARALLELISM": "false",
}.items():
    os.environ.setdefault(_key, _value)

app = typer.Typer(
    name="mdsbot",
    help="Grounded Q&A and medical-necessity checks for lower-risk MDS.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


def _register_commands() -> None:
    from bot import cli_qa, cli_rules  # noqa: F401  (commands register themselves on `app`)

    try:
        from bot import cli_eval  # noqa: F401
    except ImportError:  # eval commands are optional until eval/ exists
        pass


def main() -> None:
    _register_commands()
    app()


if __name__ == "__main__":
    # Run as a script this module is `__main__`, not the `bot.cli` the commands register on.
    from bot.cli import main as _main

    _main()
