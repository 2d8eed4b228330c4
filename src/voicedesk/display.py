"""Values as people read them, shared by the CLI and the TUI.

Text from a server or a file is untrusted. Two functions make it safe to show:

- `for_terminal` is the guard every line passes on its way to a terminal (the CLI's
  `echo`, the TUI's notifications): each character that could drive the terminal or
  reorder what it shows becomes a visible symbol. Applying it twice changes nothing, so
  text that is safe already passes unchanged.
- `safe_text` shows a value: the same symbols, and also a character that merely looks
  like one of them (a literal "␛") is written as its code point, so two values that
  differ never look the same (the review and the CLI's plan show every difference that
  will be sent). Apply it once, to the value itself.
"""

from __future__ import annotations

import json
import re
from collections.abc import Collection
from itertools import islice
from typing import Any

from voicedesk.fields import SETTINGS, Dialect, Field, Kind, Lookup, catalogue
from voicedesk.records import Lookups
from voicedesk.text import UNSHOWABLE
from voicedesk.textdiff import DiffLine

# Symbols: C0 controls (but line breaks and tabs, where a terminal line may have them)
# and DEL as the Unicode control pictures, which every terminal font has; everything
# else no terminal should get raw (C1, bidi controls, line separators, lone surrogates)
# as its code point.
_UNSAFE = re.compile(f"[{UNSHOWABLE}]")
# The symbols `safe_text` uses, where they stand for themselves: shown as code points.
_LOOKALIKE = "\u2400-\u2421\u23ce"
_SHOWN = re.compile(f"[{UNSHOWABLE}{_LOOKALIKE}]")


def _symbol(char: str) -> str:
    code = ord(char)
    if code < 0x20:
        return chr(0x2400 + code)
    return "\u2421" if code == 0x7F else f"<U+{code:04X}>"


def for_terminal(text: str) -> str:
    """Any text about to reach a terminal, whole messages included: line breaks and tabs
    stay, every other character that could drive the terminal or reorder the line is
    shown as a symbol. Safe text passes unchanged."""
    if _UNSAFE.search(text) is None:
        return text
    return _UNSAFE.sub(lambda match: match.group() if match.group() in "\n\t" else _symbol(match.group()), text)


def safe_text(text: str, *, keep_newlines: bool = False) -> str:
    """A value as it is shown: what `for_terminal` shows, on one line unless
    `keep_newlines` (a line break as "⏎", a tab as "␉"), and a character used here as a
    symbol, where it stands for itself, as its code point. Different texts never look
    the same."""
    if _SHOWN.search(text) is None:
        return text

    def shown(match: re.Match[str]) -> str:
        char = match.group()
        if char in "\n\t":
            return char if keep_newlines else "⏎" if char == "\n" else "␉"
        if "\u2400" <= char <= "\u2421" or char == "\u23ce":
            return f"<U+{ord(char):04X}>"
        return _symbol(char)

    return _SHOWN.sub(shown, text)


def shorten(text: str, width: int) -> str:
    return text if len(text) <= width else text[: max(width - 1, 0)] + "…"


# What an unreported setting held before it was set here (its baseline, None, is no value).
NOT_REPORTED = "not reported"


def plural(count: int, noun: str) -> str:
    """`1 change`, `2 changes`."""
    return f"{count} {noun}{'' if count == 1 else 's'}"


def format_before(name: str, value: Any, unreported: Collection[str], lookups: Lookups | None = None, *,
                  width: int = 60) -> str:
    """A change's old value: as `format_value`, or unknown for a setting the server's
    list does not report."""
    return NOT_REPORTED if name in unreported else format_value(name, value, lookups, width=width)


def format_value(name: str, value: Any, lookups: Lookups | None = None, *, width: int = 60) -> str:
    """One line for a value: names for ids, yes/no for booleans, sizes for long text.
    Whatever came from the server is shown through `safe_text`.

    Any value at all, not only those the field is meant to hold: a server or a file may
    hold anything, and a control shows a stored value as it is."""
    field = SETTINGS[name]
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
        if voice is None:
            return safe_text(f"voice {value}")
        about = ", ".join(part for part in (voice.mode if voice.gender is None else voice.details,) if part)
        return safe_text(f"{voice.name} ({value}{', ' + about if about else ''})")
    if field.lookup is Lookup.PHONE_NUMBERS:
        number = lookups.phone_number(value)
        return safe_text(f"{number.phone_number} ({value})" if number else f"number {value}")
    if field.kind is Kind.CHOICE:
        label = field.choice_label(value)
        newer = catalogue(Dialect.D2026).by_name.get(name)
        if label == str(value) and newer is not None:  # a choice only 2026 has (dualplex)
            label = newer.choice_label(value)
        return safe_text(label)
    if field.kind is Kind.ID_LIST:
        names = ", ".join(_entry_name(field, item, lookups) for item in islice(value, width))
        return shorten(safe_text(names or "none"), width)
    if field.kind is Kind.TOOLS:
        from voicedesk.tools import summary  # only a 2026 host has tools

        return shorten(safe_text(summary(value)), width)
    if field.kind is Kind.PHRASES:
        counts = ", ".join(f"{_inline(kind)} {len(items) if isinstance(items, list) else '?'}"
                           for kind, items in islice(value.items(), width))
        return shorten(safe_text(counts or "none"), width)
    if field.holds_id:
        return shorten(safe_text(_entry_name(field, value, lookups)), width)
    if field.is_numeric:
        return f"{_number(value)}{' ' + field.unit if field.unit else ''}"
    if field.kind is Kind.KEY_VALUE:
        pairs = ", ".join(f"{k}={_inline(v)}" for k, v in islice(value.items(), width))
        return shorten(safe_text(pairs or "none"), width)
    if field.kind is Kind.SCHEMA:
        names = ", ".join(
            f"{_inline(item.get('name'))}:{_inline(item.get('type'))}" if isinstance(item, dict) else _inline(item)
            for item in islice(value, width)
        )
        return shorten(safe_text(names or "none"), width)
    raw = str(value)
    text = safe_text(raw)
    if len(text) > width:
        return f"{shorten(text, width - 20)} ({len(raw):,} chars)"
    return text


def seconds_text(seconds: int | float) -> str:
    """A duration in seconds, with minutes beside it from one minute on: `45 s`,
    `600 s (10 min)`, `90 s (1 min 30 s)`."""
    text = f"{_number(seconds)} s"
    if seconds < 60 or not float(seconds).is_integer():
        return text
    minutes, rest = divmod(int(seconds), 60)
    return f"{text} ({minutes} min{f' {rest} s' if rest else ''})"


def format_recorded(name: str, value: Any, lookups: Lookups | None = None, *, width: int = 60) -> str:
    """A value read back from a file (the history): as `format_value` shows it when this
    version knows the field and the value has its type, else as compact JSON, safely."""
    # pydantic, imported here: it is not needed on the way to the editor's first screen.
    from voicedesk.model import TypeProblem, check_types

    if name in SETTINGS:
        try:
            check_types({name: value}, catalogue(SETTINGS[name].dialect))
        except TypeProblem:
            pass
        else:
            return format_value(name, value, lookups, width=width)
    return shorten(safe_text(json.dumps(value, ensure_ascii=False)), width)


def _inline(value: Any) -> str:
    """A part of a one-line summary: text as it is, anything else as compact JSON (a
    stored number stays 41, not "41"), at most a line's worth of it."""
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
    return text[:_INLINE_LIMIT]


_INLINE_LIMIT = 200


def _entry_name(field: Field, entry_id: Any, lookups: Lookups) -> str:
    """An id of a list as its name and id, or the id alone when the list does not have it."""
    if field.lookup is Lookup.LANGUAGES:
        name = lookups.language_name(entry_id)
    elif field.lookup is Lookup.MODELS:
        name = lookups.model_name(entry_id)
    else:
        entry = lookups.entry(field.lookup.value, entry_id) if field.lookup else None
        name = entry.name if entry is not None else None
    return f"{name} ({entry_id})" if name is not None else f"#{_inline(entry_id)}"


def _of_its_kind(field: Field, value: Any) -> bool:
    """Whether `value` has a type the field holds, so that it can be shown as one."""
    if field.lookup in (Lookup.VOICES, Lookup.PHONE_NUMBERS):
        return isinstance(value, (int, str))  # an id
    if field.kind in (Kind.ID_LIST, Kind.TOOLS):
        return isinstance(value, list)
    if field.kind is Kind.PHRASES:
        return isinstance(value, dict)
    if field.is_numeric:
        return isinstance(value, (int, float))
    if field.kind is Kind.KEY_VALUE:
        return isinstance(value, dict)
    if field.kind is Kind.SCHEMA:
        return isinstance(value, list) and all(isinstance(item, dict) for item in value)
    return True  # text and choices: shown as text


def _number(value: int | float) -> str:
    try:
        return f"{value:g}"
    except OverflowError:  # an integer beyond a float (too long for str() too, maybe)
        return f"a number of about {int(int(value).bit_length() * 0.30103) + 1:,} digits"


def _as_json(value: Any, width: int) -> str:
    """A value of another type than its field's, shown as what it is."""
    try:
        text = json.dumps(value, ensure_ascii=False)
    except (TypeError, ValueError, RecursionError):
        text = type(value).__name__
    return shorten(safe_text(text), width)


def to_json(value: Any, *, ascii_only: bool = False) -> str:
    """Readable JSON that cannot drive a terminal: json escapes C0 itself; DEL, C1,
    bidi controls, line separators and lone surrogates can only occur inside strings,
    where a \\u escape means the same character."""
    text = json.dumps(value, ensure_ascii=ascii_only, indent=2)
    return _JSON_UNSAFE.sub(lambda match: f"\\u{ord(match.group()):04x}", text)


# json.dumps escapes C0 in strings; the line breaks left are its indentation.
_JSON_UNSAFE = re.compile(f"(?!\n)[{UNSHOWABLE}]")


# --- Changes of long values, as diffs (the review, the history, the CLI's plan) ---------

# Above this many characters a text change is shown as a diff of lines.
DIFF_FROM = 60


def diff_sides(name: str, before: Any, after: Any) -> tuple[str, str] | None:
    """The two texts whose diff shows a change of setting `name`, or None for a change
    shown on one line (a setting this version does not know, too)."""
    field = SETTINGS.get(name)
    if field is None:
        return None
    if field.kind in (Kind.KEY_VALUE, Kind.SCHEMA, Kind.ID_LIST, Kind.PHRASES):
        return to_json(before), to_json(after)
    if field.kind is Kind.TOOLS:
        from voicedesk.tools import masked  # only a 2026 host has tools

        return to_json(masked(before)), to_json(masked(after))
    # Text against text (or nothing) as a diff; a value of another type is shown whole.
    sides = (before, after)
    texts = all(side is None or isinstance(side, str) for side in sides) and sides != (None, None)
    if texts and (field.kind is Kind.LONG_TEXT or max(len(before or ""), len(after or "")) > DIFF_FROM):
        return before or "", after or ""
    return None


def recorded_diff_sides(name: str, before: Any, after: Any) -> tuple[str, str] | None:
    """`diff_sides` for values read back from a file (the history): a value of another
    type than its field's is shown on one line, as `format_recorded` shows it."""
    field = SETTINGS.get(name)
    if field is None or not all(value is None or _of_its_kind(field, value) for value in (before, after)):
        return None
    return diff_sides(name, before, after)


def diff_parts(line: DiffLine) -> list[tuple[str, bool]]:
    """A diff line's text as shown (`safe_text` on each run, so a mark stays around the
    characters it marks), each run with whether it changed."""
    return [(safe_text(text), changed) for text, changed in line.parts()]


def plain_diff_line(line: DiffLine) -> str:
    """A diff line without colour: its sign, then the changed words marked as git's
    `--word-diff=plain` marks them (`[-removed-]`, `{+added+}`)."""
    sign = line.kind if line.kind in "+- " else ""
    opening, closing = ("[-", "-]") if line.kind == "-" else ("{+", "+}")
    return sign + "".join(f"{opening}{text}{closing}" if changed else text for text, changed in diff_parts(line))
