"""Values as people read them, shared by the CLI and the TUI.

Text from the server is untrusted: control characters (ANSI escapes included) are
made visible instead of reaching the terminal.
"""

from __future__ import annotations

import json
import re
from typing import Any

from voicedesk.fields import FIELDS, Kind, Lookup
from voicedesk.records import Lookups

# C0 and C1 controls, DEL, and bidi overrides/isolates that can reorder a line.
_UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def _visible(match: re.Match[str]) -> str:
    code = ord(match.group())
    if code < 0x20:
        return chr(0x2400 + code)  # the Unicode control pictures: ␛ for ESC
    if code == 0x7F:
        return "␡"
    return f"<U+{code:04X}>"


def safe_text(text: str, *, keep_newlines: bool = False) -> str:
    """Text that shows what it holds and cannot drive the terminal."""
    text = _UNSAFE.sub(_visible, text)
    if not keep_newlines:
        text = text.replace("\n", "⏎").replace("\t", " ")
    return text


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
        return shorten(safe_text(", ".join(f"{k}={v}" for k, v in value.items()) or "none"), width)
    if field.kind is Kind.SCHEMA:
        names = ", ".join(f"{item['name']}:{item['type']}" for item in value)
        return shorten(safe_text(names or "none"), width)
    text = safe_text(str(value))
    if len(text) > width:
        return f"{shorten(text, width - 20)} ({len(value):,} chars)"
    return text


def to_json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, indent=2)
