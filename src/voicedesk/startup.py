"""The `voicedesk` command: the CLI, imported with the collector off (see `voicedesk.speed`)."""

from __future__ import annotations

from voicedesk.speed import collector_off_while_importing


def main() -> None:
    """The `voicedesk` command."""
    with collector_off_while_importing():
        from voicedesk.cli import main as cli_main
    cli_main()
