"""Control characters made visible, reversibly, so untrusted text cannot drive the terminal.

Textual and Rich pass ESC and C1 characters through to the terminal, so a name holding
"\x1b[2J" would clear the screen. Shown text maps each control character to a visible
stand-in (C0 to the Unicode control pictures, ␛ for ESC; DEL to ␡; C1 to a private-use
code point) and editable text maps them back, so an untouched value stays byte-exact.
"""

from __future__ import annotations

import re

_C1_BASE = 0xE000  # private use: U+E080..U+E09F stand for C1 U+0080..U+009F

_TO_VISIBLE = {code: chr(0x2400 + code) for code in range(0x20)}
_TO_VISIBLE[0x7F] = "\u2421"
_TO_VISIBLE.update({code: chr(_C1_BASE + code) for code in range(0x80, 0xA0)})
_FROM_VISIBLE = {ord(shown): chr(code) for code, shown in _TO_VISIBLE.items()}

_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f]")


def reveal_controls(text: str, *, keep: str = "") -> str:
    """Replace control characters (but those in `keep`, e.g. "\\n\\t") with stand-ins."""
    table = {code: shown for code, shown in _TO_VISIBLE.items() if chr(code) not in keep}
    return text.translate(table)


def restore_controls(text: str) -> str:
    """The inverse of reveal_controls: stand-ins back to the characters they show."""
    return text.translate(_FROM_VISIBLE)


def has_controls(text: str) -> bool:
    return _CONTROL.search(text) is not None
