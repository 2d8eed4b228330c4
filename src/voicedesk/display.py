"""Values as people read them, shared by the CLI and the TUI.

Text from the server is untrusted: control characters (ANSI escapes included) are
made visible instead of reaching the terminal.
"""

from __future__ import annotations

import json
import re
from itertools import islice
from typing import Any

from voicedesk.fields import FIELDS, Kind, Lookup
from voicedesk.records import Lookups
from voicedesk.text import reveal_controls

# Bidi overrides and isolates can reorder a line of a table: shown as code points.
_BIDI = re.compile("[\u202a-\u202e\u2066-\u2069]")


def safe_text(text: str, *, keep_newlines: bool = False) -> str:
    """Text that shows what it holds and cannot drive the terminal."""
    if not keep_newlines:
        text = text.replace("\n", "⏎").replace("\t", " ")
    text = reveal_controls(text, keep="\n\t")
    return _BIDI.sub(lambda match: f"<U+{ord(match.group()):04X}>", text)


def for_terminal(text: str) -> str:
    """Any text about to reach a terminal, whole messages included: line breaks and tabs
    stay, every other control character and bidi control is shown as a symbol."""
    return safe_text(text, keep_newlines=True)


def shorten(text: str, width: int) -> str:
    return text if len(text) <= width else text[: max(width - 1, 0)] + "…"


def format_value(name: str, value: Any, lookups: Lookups | None = None, *, width: int = 60) -> str:
    """One line for a value: names for ids, yes/no for booleans, sizes for long text."""
    field = FIELDS[name]
    lookups = lookups or Lookups()
    if value is None:
        if field.lookup is Lookup.PHONE_NUMBERS:
            return "no number"
        return "not set"
    if field.kind is Kind.BOOLEAN:
        return "on" if value else "off"
    if field.lookup is Lookup.VOICES:
        voice = lookups.voice(value)
        return f"{safe_text(voice.name)} ({value}, {voice.mode})" if voice else f"voice {value}"
    if field.lookup is Lookup.PHONE_NUMBERS:
        number = lookups.phone_number(value)
        return f"{number.phone_number} ({value})" if number else f"number {value}"
    if field.kind is Kind.CHOICE:
        return safe_text(field.choice_label(value))
    if field.is_numeric:
        return f"{value:g}{' ' + field.unit if field.unit else ''}"
    if field.kind is Kind.KEY_VALUE:
        pairs = ", ".join(f"{k}={_inline(v)}" for k, v in islice(value.items(), width))
        return shorten(safe_text(pairs or "none"), width)
    if field.kind is Kind.SCHEMA:
        names = ", ".join(
            f"{_inline(item.get('name'))}:{_inline(item.get('type'))}" if isinstance(item, dict) else _inline(item)
            for item in islice(value, width)
        )
        return shorten(safe_text(names or "none"), width)
    text = safe_text(str(value))
    if len(text) > width:
        return f"{shorten(text, width - 20)} ({len(value):,} chars)"
    return text


def _inline(value: Any) -> str:
    """A part of a one-line summary: text as it is, anything else as compact JSON (a
    stored number stays 41, not "41"), at most a line's worth of it."""
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
    return text[:_INLINE_LIMIT]


_INLINE_LIMIT = 200


def to_json(value: Any, *, ascii_only: bool = False) -> str:
    """Readable JSON that cannot drive a terminal: json escapes C0 itself; DEL, C1,
    bidi controls and line separators can only occur inside strings, where a \\u
    escape means the same character."""
    text = json.dumps(value, ensure_ascii=ascii_only, indent=2)
    return _JSON_UNSAFE.sub(lambda match: f"\\u{ord(match.group()):04x}", text)


_JSON_UNSAFE = re.compile("[\x7f-\x9f\u202a-\u202e\u2066-\u2069\u2028\u2029]")
