"""Long values' changes as the review and the history show them: a diff of lines, the
changed words marked inside a changed line (reverse video, which reads without colour
too). Server text goes in as plain text (`display.diff_parts` makes it safe), never markup."""

from __future__ import annotations

from rich.text import Text

from voicedesk.display import diff_parts
from voicedesk.textdiff import DiffLine

DIFF_STYLES = {"+": "green", "-": "red", "@": "cyan", "…": "dim italic", " ": ""}
_MARKED = {"+": "bold reverse green", "-": "bold reverse red"}


def append_diff(text: Text, lines: list[DiffLine], indent: str = "  ") -> None:
    """The lines of a diff, each with its sign, appended to `text`."""
    for line in lines:
        style = DIFF_STYLES[line.kind]
        text.append(f"{indent}{line.kind if line.kind in '+- ' else ''}", style=style)
        for part, changed in diff_parts(line):
            text.append(part, style=_MARKED[line.kind] if changed else style)
        text.append("\n")
