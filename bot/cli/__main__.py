"""`python -m bot.cli` runs the `mdsbot` command line."""

from bot.cli import main

main()
