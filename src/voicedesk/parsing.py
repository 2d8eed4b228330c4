"""Typed values from text, as typed on the command line (`FIELD=VALUE`) or in a field
whose lookup list could not be loaded. The catalogue says how each field is read."""

from __future__ import annotations

import difflib
import json
import math
import re
from collections.abc import Callable, Iterable
from typing import Any, TypeVar

from voicedesk.fields import Catalogue, Dialect, Field, Kind, Lookup, Read, Write, catalogue
from voicedesk.records import Lookups

_TRUE = {"true", "yes", "on", "1"}
_FALSE = {"false", "no", "off", "0"}


class ParseError(ValueError):
    """Text that is not a value of its field; the message names the field."""


# The API's ids and counts are 64-bit: 19 digits at most.
_ID_DIGITS = 19


def quoted(text: str, width: int = 40) -> str:
    """A person's text quoted in a message: one short repr, however long the text."""
    return repr(text if len(text) <= width else text[: width - 1] + "…")


class _NotAllowed(ValueError):
    """NaN or Infinity: Python's json reads them, JSON has no such values."""


def _reject_constant(name: str) -> Any:
    raise _NotAllowed(f"it holds {name}, which JSON does not allow")


def load_json(text: str, *, numbers_as_text: bool = False) -> Any:
    """JSON typed or read from a file; a ValueError says in a phrase what is wrong.
    `numbers_as_text`: every number as the text it was written as (`123` -> "123")."""
    number = str if numbers_as_text else None
    try:
        return json.loads(text, parse_constant=_reject_constant, parse_int=number, parse_float=number)
    except json.JSONDecodeError as error:
        raise ValueError(f"{error.msg} at line {error.lineno}, column {error.colno}") from None
    except _NotAllowed:
        raise
    except RecursionError:
        raise ValueError("its lists or objects are nested too deeply") from None
    except ValueError:  # Python's json refuses whole numbers past 4,300 digits
        raise ValueError("it holds a whole number of more than 4,300 digits") from None


def whole_number(text: str) -> int | None:
    """The id or count in `text` (ASCII digits only: "²" is a digit to Python), or None."""
    stripped = text.strip()
    if stripped.isascii() and stripped.isdigit() and len(stripped) <= _ID_DIGITS:
        return int(stripped)
    return None


# How a duration may be typed, in every message that refuses one.
DURATION_FORMS = "90, 90s, 1:30 or 10m"
_SECONDS = re.compile(r"(\d{1,9})\s*(?:s|sec|secs|seconds?)?", re.IGNORECASE)
_MINUTES_SECONDS = re.compile(r"(\d{1,7})\s*(?::|m|min)\s*([0-5]?\d)\s*(?:s|sec)?", re.IGNORECASE)
_MINUTES = re.compile(r"(\d{1,7}(?:[.,]\d{1,3})?)\s*(?:m|min|mins|minutes?)", re.IGNORECASE)


def parse_seconds(text: str, *, or_else: str = "") -> int:
    """A duration as people type it, in whole seconds: `90`, `90s`, `1:30`, `1m30s`,
    `10m`, `1,5 min`. A ValueError says which forms are read (and `or_else`, another
    thing the text may be)."""
    stripped = text.strip()
    if stripped.isascii() and stripped.isdigit():  # plain seconds, as every whole number
        if len(stripped) > _ID_DIGITS:
            raise ValueError(f"expected a whole number of at most {_ID_DIGITS} digits, got {quoted(text)}.")
        return int(stripped)
    if (match := _SECONDS.fullmatch(stripped)) is not None:
        return int(match[1])
    if (match := _MINUTES_SECONDS.fullmatch(stripped)) is not None:
        # "1:5" is not read as 1:05: a colon takes two digits of seconds.
        if ":" not in stripped or len(match[2]) == 2:
            return int(match[1]) * 60 + int(match[2])
    if (match := _MINUTES.fullmatch(stripped)) is not None:
        seconds = float(match[1].replace(",", ".")) * 60
        if seconds.is_integer():
            return int(seconds)
    forms = f"{DURATION_FORMS}, or {or_else}" if or_else else DURATION_FORMS
    raise ValueError(f"expected a whole number of seconds ({forms}), got {quoted(text)}.")


def parse_number(text: str, *, integer: bool = False, or_else: str = "") -> int | float:
    """A number as people type it: a decimal point or a decimal comma ("0,7"). A
    ValueError says in a phrase what is wrong (and `or_else`, as in `parse_seconds`)."""
    expected = f"expected {'a whole number' if integer else 'a number'}{f' (or {or_else})' if or_else else ''}"
    stripped = text.strip()
    if stripped.count(",") == 1 and "." not in stripped:
        stripped = stripped.replace(",", ".")
    if integer:
        if len(stripped) > _ID_DIGITS + 1:  # a sign and 19 digits; int() fails past 4,300
            raise ValueError(f"expected a whole number of at most {_ID_DIGITS} digits, got {quoted(text)}.")
        try:
            return int(stripped)
        except ValueError:
            pass  # "2.0" and "1e3" are whole numbers too
    try:
        number = float(stripped)
    except ValueError:
        raise ValueError(f"{expected}, got {quoted(text)}.") from None
    if not math.isfinite(number):  # "nan", "inf", "1e999": nothing JSON can send
        raise ValueError(f"expected a finite number, got {quoted(text)}.")
    if integer:
        if not number.is_integer():
            raise ValueError(f"{expected}, got {quoted(text)}.")
        return int(number)
    return number


def is_duration(field: Field) -> bool:
    """Whether the field holds seconds (typed as durations, shown with minutes)."""
    return field.kind is Kind.INTEGER and field.unit == "s"


def split_assignment(text: str, fields: Catalogue | None = None) -> tuple[Field, Write, str]:
    """FIELD=VALUE -> the setting, the shape its value is given in (a name of either
    dialect: see `Catalogue.resolve`), and the text of the value."""
    fields = fields or catalogue()
    name, sep, raw = text.partition("=")
    name = name.strip()
    if not sep:
        raise ParseError(f"{quoted(text)} is not FIELD=VALUE.")
    found = fields.resolve(name)
    if found is None:
        raise ParseError(f"{quoted(name)} is not a field of the assistant on this host "
                         f"(dialect {fields.dialect.value}){did_you_mean(name, fields) or '.'} See 'voicedesk fields'.")
    return found[0], found[1], raw


def did_you_mean(name: str, fields: Catalogue) -> str:
    """"; did you mean X" for the names closest to a mistyped field name (this dialect's
    update names and the seed's names), or ""."""
    names = list(dict.fromkeys([*fields.by_update_name, *(f.name for f in catalogue(Dialect.D2025))]))
    folded = {candidate.casefold(): candidate for candidate in names}
    close = difflib.get_close_matches(name.casefold(), list(folded), n=3, cutoff=0.6)
    if not close:
        return ""
    # A seed's name the host reads differently is shown as the host's.
    shown = list(dict.fromkeys(found[0].update_name if (found := fields.resolve(folded[c])) else folded[c]
                               for c in close))
    return f"; did you mean {' or '.join(shown)}?"


def parse_assignment(
    text: str, fields: Catalogue | None = None, lookups: Lookups | None = None,
    current: Callable[[str], Any] | None = None,
) -> tuple[str, Any]:
    """FIELD=VALUE -> (the setting's name, its edit value). `current`: a setting's value
    now, by name, where the reading depends on it (see `parse_value`)."""
    from voicedesk.wire import WriteError, unwritten

    fields = fields or catalogue()
    field, shape, raw = split_assignment(text, fields)
    if shape is Write.SAME:
        return field.name, parse_value(field, raw, lookups, current(field.name) if current else None)
    stripped = raw.strip()
    given: Any
    if stripped == "null":
        given = None
    elif shape in (Write.LANGUAGE_ID, Write.MODEL_ID):
        given = whole_number(stripped)
        if given is None:  # a name: as the field takes it under its other name
            return field.name, parse_value(field, raw, lookups, current(field.name) if current else None)
    elif shape is Write.DIRECTION and _direction(stripped) is not None:
        return field.name, _direction(stripped)
    elif shape is Write.WAIT_FOR_CUSTOMER:
        if stripped.lower() not in _TRUE | _FALSE:
            raise ParseError(f"wait_for_customer: expected true or false, got {quoted(raw)}.")
        given = stripped.lower() in _TRUE
    else:
        given = stripped
    try:
        value = unwritten(field, given, shape, lookups or Lookups())
    except WriteError as error:
        raise ParseError(str(error)) from None
    if value is None and not field.nullable:
        raise ParseError(f"{field.update_name}: {field.label} cannot be null.")
    return field.name, value


def parse_value(field: Field, text: str, lookups: Lookups | None = None, now: Any = None) -> Any:
    """The edit value `text` means. `now`, the field's value now: variables that are all
    text take a number typed as text too (`{"code": 123}` is "123")."""
    lookups = lookups or Lookups()
    stripped = text.strip()
    if stripped == "null":
        if not field.nullable:
            raise ParseError(f"{field.update_name}: {field.label} cannot be null.")
        return None
    try:
        value = _parse(field, text, stripped, lookups, now)
    except ValueError as error:
        raise ParseError(f"{field.update_name}: {error}") from None
    # Imported here: pydantic, which the editor's first screen (its sliders parse typed
    # numbers) does without.
    from voicedesk.model import TypeProblem, check_types

    try:
        return check_types({field.name: value}, catalogue(field.dialect))[field.name]
    except TypeProblem as problem:
        raise ParseError(f"{field.update_name}: {problem.problems[field.name]}, got {quoted(text)}.") from None


def _parse(field: Field, text: str, stripped: str, lookups: Lookups, now: Any) -> Any:
    kind = field.kind
    if kind is Kind.BOOLEAN:
        lowered = stripped.lower()
        if lowered in _TRUE | _FALSE:
            return lowered in _TRUE
        raise ValueError(f"expected true/false, yes/no or on/off, got {quoted(text)}.")
    if kind in (Kind.INTEGER, Kind.NUMBER):
        # How a nullable number is set to none, and what that means.
        or_else = "" if not field.nullable else (
            "null: automatic" if field.name == "turn_detection_threshold" else "null: off")
        if is_duration(field):
            return parse_seconds(stripped, or_else=or_else)
        return parse_number(stripped, integer=kind is Kind.INTEGER, or_else=or_else)
    if kind in (Kind.KEY_VALUE, Kind.SCHEMA, Kind.ID_LIST, Kind.TOOLS, Kind.PHRASES):
        try:
            value = load_json(text)
            if kind is Kind.KEY_VALUE and isinstance(value, dict) and _all_text(now) \
                    and any(map(_is_number, value.values())):
                # The variables are text: `{"code": 123}` means "123", as written.
                written = load_json(text, numbers_as_text=True)
                value = {key: written[key] if _is_number(item) else item for key, item in value.items()}
            return value
        except ValueError as error:
            raise ValueError(f"expected JSON ({error}).") from None
    if kind is Kind.CHOICE:
        for choice in field.choices:
            if stripped.lower() in (choice.value.lower(), choice.label.lower()):
                return choice.value
        if field.read is Read.DIRECTION and (direction := _direction(stripped)) is not None:
            return direction
        return stripped  # validation names the allowed values
    if field.lookup in (Lookup.LANGUAGES, Lookup.MODELS) and not field.holds_id:
        return _listed_name(field.lookup, stripped, lookups)
    if field.lookup is Lookup.VOICES:
        return _voice(stripped, lookups)
    if field.lookup is Lookup.PHONE_NUMBERS:
        return _phone_number(stripped, lookups)
    if field.holds_id:
        if (entry_id := whole_number(stripped)) is not None:
            return entry_id
        return _entry_named(field, stripped, lookups)
    return text  # free text keeps its spaces


def _all_text(variables: Any) -> bool:
    """Variables whose every value is text (none at all: text, as the API documents them)."""
    return isinstance(variables, dict) and all(isinstance(value, str) for value in variables.values())


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _entry_named(field: Field, text: str, lookups: Lookups) -> int:
    """The id of the one entry of the field's list with this exact name."""
    lookup = field.lookup
    entries = lookups.entries(lookup.value) if lookup else None
    if lookup and lookup.per_language and not entries:
        # Listed per language, loaded only to check a provider being sent: by id.
        raise ValueError(f"expected the provider's id (a whole number), got {quoted(text)}.")
    if lookup is None or entries is None:
        listed = lookup.value if lookup else "list"
        raise ValueError(f"expected an id (a whole number), got {quoted(text)}; the account's "
                         f"{listed} did not load, so names cannot be looked up.")
    named = _named(text, entries, lambda entry: entry.name)
    ids: list[int] = sorted({entry.id for entry in named})
    if len(ids) == 1:
        return ids[0]
    if not ids:
        raise ValueError(f"no entry of the account's {lookup.value} is named {quoted(text)}; "
                         "give its id or its name.")
    raise ValueError(f"several of the account's {lookup.value} are named {quoted(text)} "
                     f"({_listing(named, lambda entry: entry.name)}); give the id.")


def _voice(text: str, lookups: Lookups) -> int:
    if (voice_id := whole_number(text)) is not None:
        return voice_id
    # A 2026 voice is listed once per mode it fits (multimodal and dualplex): one voice.
    named = _named(text, lookups.voices or [], lambda voice: voice.name)
    ids = sorted({voice.id for voice in named})
    if len(ids) == 1:
        return ids[0]
    if not ids:
        raise ValueError(f"no voice is named {quoted(text)}; give its id or its name.")
    raise ValueError(f"several voices are named {quoted(text)} ({_listing(named, lambda voice: voice.name)}); "
                     "give the id.")


def _phone_number(text: str, lookups: Lookups) -> int:
    if (number_id := whole_number(text)) is not None:
        return number_id
    typed = _dialled(text)
    ids = sorted({number.id for number in lookups.all_numbers if _dialled(number.phone_number) == typed})
    if len(ids) == 1:
        return ids[0]
    if ids:
        raise ValueError(f"several of the account's numbers are {quoted(text)} "
                         f"(ids {', '.join(map(str, ids))}); give the id.")
    raise ValueError(f"expected a phone number id, or a number of the account, got {quoted(text)}.")


def _dialled(number: str) -> str:
    """A phone number as dialled: without spaces, dashes, dots and brackets; 00 as +."""
    digits = re.sub(r"[\s\-./()]", "", number)
    return "+" + digits[2:] if digits.startswith("00") else digits


def _direction(text: str) -> str | None:
    """A call direction in either vocabulary (inbound/outbound, receive/make) -> the
    edit value (receive/make); None when it is neither."""
    word = text.strip().lower()
    return {"inbound": "receive", "outbound": "make", "receive": "receive", "make": "make"}.get(word)


Entry = TypeVar("Entry")


def _named(text: str, entries: Iterable[Entry], name_of: Callable[[Entry], str]) -> list[Entry]:
    """The entries named exactly `text`, else those named so ignoring case."""
    entries = list(entries)
    exact = [entry for entry in entries if name_of(entry) == text]
    if exact:
        return exact
    folded = text.casefold()
    return [entry for entry in entries if name_of(entry).casefold() == folded]


def _listing(entries: list[Any], name_of: Callable[[Any], str]) -> str:
    """Entries as a message names them: their ids, with their names where these differ."""
    unique = sorted({entry.id: entry for entry in entries}.values(), key=lambda entry: entry.id)
    if len({name_of(entry) for entry in unique}) == 1:
        return "ids " + ", ".join(str(entry.id) for entry in unique)
    return ", ".join(f"{quoted(name_of(entry))} (id {entry.id})" for entry in unique)


def _listed_name(lookup: Lookup, text: str, lookups: Lookups) -> str:
    """A language or model as the account's list names it: its name in any case, or a
    language's ISO code (`de`). Text the list does not know stays as typed (validation
    says so); a name two entries share in different cases is an error naming both."""
    records = lookups.languages if lookup is Lookup.LANGUAGES else lookups.models
    if records is None:
        return text  # not loaded: nothing to read it by
    named: list[Any] = _named(text, records, lambda record: record.name)
    if not named and lookup is Lookup.LANGUAGES:
        code = text.casefold()
        named = [language for language in lookups.languages or () if (language.iso_2 or "").casefold() == code]
    names: list[str] = sorted({record.name for record in named})
    if len(names) == 1:
        return names[0]
    if not names:
        return text
    what = "languages" if lookup is Lookup.LANGUAGES else "models"
    raise ValueError(f"several of the account's {what} match {quoted(text)} "
                     f"({_listing(named, lambda record: record.name)}); give the exact name.")
