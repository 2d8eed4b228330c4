"""Typed values from text, as typed on the command line (`FIELD=VALUE`) or in a field
whose lookup list could not be loaded. The catalogue says how each field is read."""

from __future__ import annotations

import json
from typing import Any

from voicedesk.fields import FIELDS, Field, Kind, Lookup
from voicedesk.model import TypeProblem, check_types
from voicedesk.records import Lookups

_TRUE = {"true", "yes", "on", "1"}
_FALSE = {"false", "no", "off", "0"}


class ParseError(ValueError):
    """Text that is not a value of its field; the message names the field."""


def split_assignment(text: str) -> tuple[str, str]:
    name, sep, raw = text.partition("=")
    name = name.strip()
    if not sep:
        raise ParseError(f"{text!r} is not FIELD=VALUE.")
    if name not in FIELDS:
        raise ParseError(f"{name!r} is not a field of the assistant. See 'voicedesk fields'.")
    return name, raw


def parse_value(field: Field, text: str, lookups: Lookups | None = None) -> Any:
    lookups = lookups or Lookups()
    stripped = text.strip()
    if stripped == "null":
        if not field.nullable:
            raise ParseError(f"{field.name}: {field.label} cannot be null.")
        return None
    try:
        value = _parse(field, text, stripped, lookups)
    except ValueError as error:
        raise ParseError(f"{field.name}: {error}") from None
    try:
        return check_types({field.name: value})[field.name]
    except TypeProblem as problem:
        raise ParseError(f"{field.name}: {problem.problems[field.name]}, got {text!r}.") from None


def _parse(field: Field, text: str, stripped: str, lookups: Lookups) -> Any:
    kind = field.kind
    if kind is Kind.BOOLEAN:
        lowered = stripped.lower()
        if lowered in _TRUE | _FALSE:
            return lowered in _TRUE
        raise ValueError(f"expected true/false, yes/no or on/off, got {text!r}.")
    if kind is Kind.INTEGER:
        try:
            return int(stripped)
        except ValueError:
            raise ValueError(f"expected a whole number, got {text!r}.") from None
    if kind is Kind.NUMBER:
        try:
            return float(stripped)
        except ValueError:
            raise ValueError(f"expected a number, got {text!r}.") from None
    if kind in (Kind.KEY_VALUE, Kind.SCHEMA):
        try:
            return json.loads(text)
        except json.JSONDecodeError as error:
            raise ValueError(f"expected JSON ({error.msg} at character {error.pos}).") from None
    if kind is Kind.CHOICE:
        for choice in field.choices:
            if stripped.lower() in (choice.value.lower(), choice.label.lower()):
                return choice.value
        return stripped  # validation names the allowed values
    if field.lookup is Lookup.VOICES:
        return _voice(stripped, lookups)
    if field.lookup is Lookup.PHONE_NUMBERS:
        return _phone_number(stripped, lookups)
    return text  # free text keeps its spaces


def _voice(text: str, lookups: Lookups) -> int:
    if text.isdigit():
        return int(text)
    matches = [voice for voice in lookups.voices or () if voice.name == text]
    if len(matches) == 1:
        return matches[0].id
    if not matches:
        raise ValueError(f"no voice is named {text!r}; give its id or its exact name.")
    ids = ", ".join(str(voice.id) for voice in matches)
    raise ValueError(f"several voices are named {text!r} (ids {ids}); give the id.")


def _phone_number(text: str, lookups: Lookups) -> int:
    if text.isdigit():
        return int(text)
    for number in lookups.all_numbers:
        if number.phone_number == text:
            return number.id
    raise ValueError(f"expected a phone number id, or a number of the account, got {text!r}.")
