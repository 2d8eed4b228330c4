"""Values as people read them, shared by the CLI and the TUI.

Text from the server is untrusted: control characters (ANSI escapes included) are
made visible instead of reaching the terminal.
"""

from __future__ import annotations

import json
import re
from typing import Any

from voicedesk.fields import FIELDS, Field, Kind, Lookup
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
    """One line for a value: names for ids, yes/no for booleans, sizes for long text.

    Any value at all, not only those the field is meant to hold: a server or a file may
    hold anything, and a control shows a stored value as it is."""
    field = FIELDS[name]
    lookups = lookups or Lookups()
    if value is None:
        if field.lookup is Lookup.PHONE_NUMBERS:
            return "no number"
        return "not set"
    if field.kind is Kind.BOOLEAN:
        return "on" if value else "off"
    if not _of_its_kind(field, value):
        return _as_json(value, width)
    if field.lookup is Lookup.VOICES:
        voice = lookups.voice(value)
        return f"{safe_text(voice.name)} ({value}, {voice.mode})" if voice else f"voice {safe_text(str(value))}"
    if field.lookup is Lookup.PHONE_NUMBERS:
        number = lookups.phone_number(value)
        return f"{number.phone_number} ({value})" if number else f"number {safe_text(str(value))}"
    if field.kind is Kind.CHOICE:
        return safe_text(field.choice_label(value))
    if field.is_numeric:
        return f"{_number(value)}{' ' + field.unit if field.unit else ''}"
    if field.kind is Kind.KEY_VALUE:
        return shorten(safe_text(", ".join(f"{k}={v}" for k, v in value.items()) or "none"), width)
    if field.kind is Kind.SCHEMA:
        names = ", ".join(f"{item.get('name')}:{item.get('type')}" for item in value)
        return shorten(safe_text(names or "none"), width)
    raw = str(value)
    text = safe_text(raw)
    if len(text) > width:
        return f"{shorten(text, width - 20)} ({len(raw):,} chars)"
    return text


def _of_its_kind(field: Field, value: Any) -> bool:
    """Whether `value` has a type the field holds, so that it can be shown as one."""
    if field.lookup in (Lookup.VOICES, Lookup.PHONE_NUMBERS):
        return isinstance(value, (int, str))  # an id
    if field.is_numeric:
        return isinstance(value, (int, float))
    if field.kind is Kind.KEY_VALUE:
        return isinstance(value, dict)
    if field.kind is Kind.SCHEMA:
        return isinstance(value, list) and all(isinstance(item, dict) for item in value)
    return True  # text and choices: shown as text


def _number(value: float) -> str:
    try:
        return f"{value:g}"
    except OverflowError:  # an integer beyond a float (too long for str() too, maybe)
        return f"a number of about {int(value.bit_length() * 0.30103) + 1:,} digits"


def _as_json(value: Any, width: int) -> str:
    """A value of another type than its field's, shown as what it is."""
    try:
        text = json.dumps(value, ensure_ascii=False)
    except (TypeError, ValueError, RecursionError):
        text = type(value).__name__
    return shorten(safe_text(text), width)


def to_json(value: Any, *, ascii_only: bool = False) -> str:
    """Readable JSON that cannot drive a terminal: json escapes C0 itself; DEL, C1,
    bidi controls and line separators can only occur inside strings, where a \\u
    escape means the same character."""
    text = json.dumps(value, ensure_ascii=ascii_only, indent=2)
    return _JSON_UNSAFE.sub(lambda match: f"\\u{ord(match.group()):04x}", text)


_JSON_UNSAFE = re.compile("[\x7f-\x9f\u202a-\u202e\u2066-\u2069\u2028\u2029]")
