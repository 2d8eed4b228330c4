"""The command line (`voicedesk`): `main` is the click group every command is on."""

from voicedesk.cli import shell  # noqa: F401  (registers completion and locate)
from voicedesk.cli.commands import main

__all__ = ["main"]
