"""Copying to the clipboard of the terminal the operator sits at, over SSH too: OSC 52.

The text goes to the terminal as an escape sequence (`ESC ] 52 ; c ; base64 BEL`), so it
reaches the clipboard of the machine the operator types on, not the server's. Textual's
`App.copy_to_clipboard` writes exactly that (and keeps the text as `App.clipboard`); this
module builds on it and adds what it lacks:

- inside tmux ($TMUX), the same sequence again wrapped for tmux's passthrough
  (`ESC P tmux; ...ESC doubled... ESC \\`): tmux forwards it to the outer terminal when
  `allow-passthrough` is on, and takes the plain one itself when `set-clipboard` is on;
- inside GNU screen ($STY, $TERM starting "screen"), wrapped in screen's DCS in pieces
  of 76 characters (screen cuts a DCS string at 768 bytes);
- a size limit: past `MAX_BYTES` of base64 nothing is sent and the notice says why
  (many terminals cap the sequence near 100 kB, and some drop a longer one silently);
- a notice that says what was copied and that the terminal must allow it: no terminal
  answers an OSC 52 write, so whether it worked cannot be known here.

`copy(app, text, what)` copies with a notice; `through(text, env)` is the wrapped
sequence, which voicedesk's app writes after Textual's own whenever anything is copied
(a text field's ctrl+c too).
"""

from __future__ import annotations

import base64
import os
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from textual.app import App

MAX_BYTES = 100_000  # of base64: about 74 kB of text
_SCREEN_PIECE = 76


def osc52(text: str) -> str:
    return f"\x1b]52;c;{base64.b64encode(text.encode('utf-8')).decode('ascii')}\a"


def wrapped(sequence: str, env: Mapping[str, str]) -> str | None:
    """`sequence` wrapped for the multiplexer between us and the terminal, if any."""
    if env.get("TMUX"):
        return "\x1bPtmux;" + sequence.replace("\x1b", "\x1b\x1b") + "\x1b\\"
    if env.get("STY") and env.get("TERM", "").startswith("screen"):
        pieces = [sequence[start:start + _SCREEN_PIECE] for start in range(0, len(sequence), _SCREEN_PIECE)]
        return "".join(f"\x1bP{piece}\x1b\\" for piece in pieces)
    return None


def through(text: str, env: Mapping[str, str]) -> str | None:
    """What to write besides Textual's plain sequence for `text` to reach the terminal
    through a multiplexer ($TMUX, GNU screen), or None when there is none."""
    return wrapped(osc52(text), env)


def fits(text: str) -> bool:
    return (len(text.encode("utf-8")) + 2) // 3 * 4 <= MAX_BYTES


def copy(app: App[Any], text: str, what: str) -> None:
    """Put `text` on the terminal's clipboard and say so in a notice naming `what`
    ("the changes", "the assistant's id")."""
    size = f"{len(text):,} character{'' if len(text) == 1 else 's'}"
    if not fits(text):
        app.notify(f"Not copied: {what} ({size}) is more than a terminal takes through OSC 52 "
                   f"(about {MAX_BYTES * 3 // 4:,} bytes).", title="Copy", severity="warning",
                   markup=False, timeout=6)
        return
    # The plain sequence, and App.clipboard; voicedesk's app adds the wrapped one (`through`).
    app.copy_to_clipboard(text)
    where = "; in tmux: set-clipboard on, or allow-passthrough on" if os.environ.get("TMUX") else ""
    app.notify(f"Copied {what}: {size} (OSC 52: your terminal must allow clipboard access{where}).",
               title="Copy", markup=False, timeout=4)
