"""The command line (`voicedesk`): `main` is the click group every command is on; the
modules imported here add theirs (`@main.command()`)."""

from voicedesk.cli import files, many, shell  # noqa: F401  (they register their commands)
from voicedesk.cli.commands import main

__all__ = ["main"]
