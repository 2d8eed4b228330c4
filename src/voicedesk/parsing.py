"""Typed values from text, as typed on the command line (`FIELD=VALUE`) or in a field
whose lookup list could not be loaded. The catalogue says how each field is read."""

from __future__ import annotations

import json
import math
import re
from typing import Any

from voicedesk.fields import Catalogue, Field, Kind, Lookup, Write, catalogue
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


def load_json(text: str) -> Any:
    """JSON typed or read from a file; a ValueError says in a phrase what is wrong."""
    try:
        return json.loads(text, parse_constant=_reject_constant)
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
                         f"(dialect {fields.dialect.value}). See 'voicedesk fields'.")
    return found[0], found[1], raw


def parse_assignment(text: str, fields: Catalogue | None = None, lookups: Lookups | None = None) -> tuple[str, Any]:
    """FIELD=VALUE -> (the setting's name, its edit value)."""
    from voicedesk.wire import WriteError, unwritten

    fields = fields or catalogue()
    field, shape, raw = split_assignment(text, fields)
    if shape is Write.SAME:
        return field.name, parse_value(field, raw, lookups)
    stripped = raw.strip()
    given: Any
    if stripped == "null":
        given = None
    elif shape in (Write.LANGUAGE_ID, Write.MODEL_ID):
        given = whole_number(stripped)
        if given is None:  # a name: as the field takes it under its other name
            return field.name, parse_value(field, raw, lookups)
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


def parse_value(field: Field, text: str, lookups: Lookups | None = None) -> Any:
    lookups = lookups or Lookups()
    stripped = text.strip()
    if stripped == "null":
        if not field.nullable:
            raise ParseError(f"{field.update_name}: {field.label} cannot be null.")
        return None
    try:
        value = _parse(field, text, stripped, lookups)
    except ValueError as error:
        raise ParseError(f"{field.update_name}: {error}") from None
    # Imported here: pydantic, which the editor's first screen (its sliders parse typed
    # numbers) does without.
    from voicedesk.model import TypeProblem, check_types

    try:
        return check_types({field.name: value}, catalogue(field.dialect))[field.name]
    except TypeProblem as problem:
        raise ParseError(f"{field.update_name}: {problem.problems[field.name]}, got {quoted(text)}.") from None


def _parse(field: Field, text: str, stripped: str, lookups: Lookups) -> Any:
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
            return load_json(text)
        except ValueError as error:
            raise ValueError(f"expected JSON ({error}).") from None
    if kind is Kind.CHOICE:
        for choice in field.choices:
            if stripped.lower() in (choice.value.lower(), choice.label.lower()):
                return choice.value
        return stripped  # validation names the allowed values
    if field.lookup is Lookup.VOICES:
        return _voice(stripped, lookups)
    if field.lookup is Lookup.PHONE_NUMBERS:
        return _phone_number(stripped, lookups)
    if field.holds_id:
        if (entry_id := whole_number(stripped)) is not None:
            return entry_id
        return _entry_named(field, stripped, lookups)
    return text  # free text keeps its spaces


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
    ids: list[int] = sorted({entry.id for entry in entries if entry.name == text})
    if len(ids) == 1:
        return ids[0]
    if not ids:
        raise ValueError(f"no entry of the account's {lookup.value} is named {quoted(text)}; "
                         "give its id or its exact name.")
    raise ValueError(f"several of the account's {lookup.value} are named {quoted(text)} "
                     f"(ids {', '.join(map(str, ids))}); give the id.")


def _voice(text: str, lookups: Lookups) -> int:
    if (voice_id := whole_number(text)) is not None:
        return voice_id
    # A 2026 voice is listed once per mode it fits (multimodal and dualplex): one voice.
    ids = sorted({voice.id for voice in lookups.voices or () if voice.name == text})
    if len(ids) == 1:
        return ids[0]
    if not ids:
        raise ValueError(f"no voice is named {quoted(text)}; give its id or its exact name.")
    raise ValueError(f"several voices are named {quoted(text)} (ids {', '.join(map(str, ids))}); give the id.")


def _phone_number(text: str, lookups: Lookups) -> int:
    if (number_id := whole_number(text)) is not None:
        return number_id
    for number in lookups.all_numbers:
        if number.phone_number == text:
            return number.id
    raise ValueError(f"expected a phone number id, or a number of the account, got {quoted(text)}.")
