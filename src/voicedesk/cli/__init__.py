"""The command line (`voicedesk`): `main` is the click group every command is on."""

from voicedesk.cli import files  # noqa: F401  (registers pull)
from voicedesk.cli.commands import main

__all__ = ["main"]
