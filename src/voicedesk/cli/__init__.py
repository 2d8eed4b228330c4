"""The command line (`voicedesk`): `main` is the click group every command is on."""

from voicedesk.cli import many  # noqa: F401  (registers its commands)
from voicedesk.cli.commands import main

__all__ = ["main"]
