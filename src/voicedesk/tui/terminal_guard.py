"""The last guard between what the TUI draws and the terminal.

Server and file text is shown through `voicedesk.display.safe_text`, the app's `notify`
and the text controls' stand-ins, which make every character that could drive the
terminal visible. This line filter, which Textual applies to every line of every widget
it draws, makes sure that a place that was missed still sends nothing the terminal would
act on: Rich gives those characters no width, so dropping them leaves the layout as it
was drawn (a lone surrogate, one cell wide and not even writable, becomes "�").
"""

from __future__ import annotations

import re

from rich.segment import Segment
from textual.color import Color
from textual.filter import LineFilter

from voicedesk.text import UNSHOWABLE

_UNSAFE = re.compile(f"[{UNSHOWABLE}]")


def _harmless(match: re.Match[str]) -> str:
    return "\ufffd" if "\ud800" <= match.group() <= "\udfff" else ""


class TerminalGuard(LineFilter):
    def apply(self, segments: list[Segment], background: Color) -> list[Segment]:
        search = _UNSAFE.search
        if not any(control is None and search(text) for text, _, control in segments):
            return segments  # every line, nearly always: one scan in C per segment
        return [
            segment if segment.control is not None else Segment(_UNSAFE.sub(_harmless, segment.text), segment.style)
            for segment in segments
        ]
