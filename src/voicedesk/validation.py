"""Client-side validation: the server's rules (api-contract.md), in plain words.

Two uses: `problems()` blocks sending a body the server would reject, and `flags()`
warns about stored values that already break a rule (shown, never rewritten).
Every message starts with the field's label and says the rule. A value from the server
or the user appears with repr() (or `_plain`), which writes control characters, bidi
controls and line separators as escapes: a message can be shown anywhere as it is.
"""

from __future__ import annotations

import os
import re
from collections.abc import Collection, Mapping
from functools import cache, lru_cache
from importlib.util import find_spec
from typing import Any
from urllib.parse import urlsplit
from zoneinfo import TZPATH, available_timezones

from voicedesk.fields import FIELDS, SCHEMA_NAME_PATTERN, SCHEMA_TYPES, Field, Kind, Lookup
from voicedesk.records import Lookups

_SCHEMA_NAME = re.compile(SCHEMA_NAME_PATTERN)


@cache
def timezones() -> frozenset[str]:
    """The IANA names Python knows; the API has no timezone endpoint."""
    return frozenset(available_timezones())


def is_timezone(name: object) -> bool:
    """Whether `name` is one of `timezones()`, without listing them all: the list opens
    every file under zoneinfo's folders, about 10 ms that the editor's first screen
    would wait for."""
    return isinstance(name, str) and _is_zone_file(name)


@lru_cache(maxsize=256)  # checked on every keystroke's refresh
def _is_zone_file(name: str) -> bool:
    """A TZif file under a folder of zoneinfo's search path, as `available_timezones`
    finds them: not in right/ or posix/, not posixrules, not behind a linked folder."""
    if find_spec("tzdata") is not None:
        return name in timezones()  # the tzdata package's list counts too
    parts = name.split("/")
    if name == "posixrules" or any(part in ("", ".", "..") for part in parts) or (
        len(parts) > 1 and parts[0] in ("right", "posix")
    ):
        return False
    for root in TZPATH:
        folder = root
        if any(os.path.islink(folder := os.path.join(folder, part)) for part in parts[:-1]):
            continue  # os.walk does not enter a linked folder
        try:
            with open(os.path.join(root, name), "rb") as zone:
                if zone.read(4) == b"TZif":
                    return True
        except (OSError, ValueError):  # ValueError: a NUL in the name (server text)
            continue
    return False


def _plain(value: object) -> str:
    """A value in a message: as it is when it is printable ASCII, else its repr()."""
    text = str(value)
    return text if text.isascii() and text.isprintable() else repr(value)


def _number(value: float) -> str:
    return f"{value:g}"


def is_valid_url(text: str) -> bool:
    parts = urlsplit(text)
    return parts.scheme in ("http", "https") and bool(parts.hostname) and " " not in text


def check_field(field: Field, value: Any, lookups: Lookups | None = None) -> str | None:
    """The first rule this one value breaks, or None. Cross-field rules are elsewhere."""
    label = field.label
    if value is None:
        return None if field.nullable else f"{label} must be set."
    if field.max_length is not None and isinstance(value, str) and len(value) > field.max_length:
        return f"{label} may have at most {field.max_length} characters; it has {len(value)}."
    if field.ranged and field.is_numeric:
        if field.kind is Kind.INTEGER and (isinstance(value, bool) or value != int(value)):
            return f"{label} must be a whole number."
        if not field.minimum <= value <= field.maximum:  # type: ignore[operator]
            return (
                f"{label} must be between {_number(field.minimum)} and "  # type: ignore[arg-type]
                f"{_number(field.maximum)}{' ' + field.unit if field.unit not in ('', 'x') else ''}; "  # type: ignore[arg-type]
                f"{_number(value)} is outside."
            )
    if field.kind is Kind.CHOICE and value not in {c.value for c in field.choices}:
        options = ", ".join(c.value for c in field.choices)
        return f"{label} must be one of {options}; {value!r} is not."
    if field.required and isinstance(value, str) and not value.strip():
        return f"{label} must not be empty."
    if field.name == "webhook_url" and not is_valid_url(value):
        return f"{label} must be a full http:// or https:// address; {value!r} is not."
    if field.kind is Kind.LOOKUP:
        return _check_lookup(field, value, lookups or Lookups())
    if field.kind is Kind.KEY_VALUE:
        empty = [key for key in value if not key.strip()]
        if empty:
            return f"{label} may not have an empty name."
    if field.kind is Kind.SCHEMA:
        return _check_schema(value)
    return None


def _check_lookup(field: Field, value: Any, lookups: Lookups) -> str | None:
    label = field.label
    if field.lookup is Lookup.TIMEZONES:
        if not is_timezone(value):
            return f"{label} must be an IANA time zone name such as Europe/Berlin; {value!r} is not."
    elif field.lookup is Lookup.VOICES:
        if lookups.voices is not None and lookups.voice(value) is None:
            return f"{label} {_plain(value)} is not one of the account's voices."
    elif field.lookup is Lookup.LANGUAGES:
        return _check_name(label, value, lookups.languages)
    elif field.lookup is Lookup.MODELS:
        return _check_name(label, value, lookups.models)
    elif field.lookup is Lookup.PHONE_NUMBERS:
        if lookups.inbound_numbers is not None or lookups.outbound_numbers is not None:
            if lookups.phone_number(value) is None:
                return f"{label} {_plain(value)} is not one of the account's phone numbers."
    return None


def _check_name(label: str, value: str, records: list[Any] | None) -> str | None:
    if records is None:
        return None
    names = [record.name for record in records]
    if value in names:
        return None
    close = [name for name in names if name.lower() == value.lower()]
    hint = f" Did you mean {close[0]!r}?" if close else ""
    return f"{label} {value!r} is not one of the account's names.{hint}"


def _check_schema(items: list[Any]) -> str | None:
    label = FIELDS["post_call_schema"].label
    seen: set[str] = set()
    for row, item in enumerate(items, start=1):
        if not isinstance(item, Mapping):
            return f"{label} row {row} is not an object with a name, a type and a description."
        name, kind, description = item.get("name"), item.get("type"), item.get("description")
        if not isinstance(name, str) or not _SCHEMA_NAME.match(name):
            return f"{label} row {row}: name {name!r} may only use letters, digits and underscores."
        if name in seen:
            return f"{label} row {row}: name {name!r} is used twice."
        seen.add(name)
        if kind not in SCHEMA_TYPES:
            return f"{label} row {row}: type must be one of {', '.join(SCHEMA_TYPES)}; {kind!r} is not."
        if description is not None and not isinstance(description, str):
            return f"{label} row {row}: the description must be text, not {description!r}."
        if not (description or "").strip():
            return f"{label} row {row}: a description is required."
    return None


def _cross_field(
    values: Mapping[str, Any], baseline: Mapping[str, Any], lookups: Lookups
) -> dict[str, tuple[set[str], str]]:
    """Rules between fields: field -> (the fields the rule involves, message)."""
    found: dict[str, tuple[set[str], str]] = {}
    if values.get("is_webhook_active") and not values.get("webhook_url"):
        # Only switching the webhook on needs a URL: clearing the URL alone is the
        # documented way to turn the webhook off.
        found["webhook_url"] = (
            {"is_webhook_active"},
            "Webhook URL is required to turn the webhook on.",
        )
    voice = lookups.voice(values.get("voice_id"))
    engine = values.get("engine_type")
    if voice is not None and engine is not None and voice.mode != engine:
        found["voice_id"] = (
            {"voice_id", "engine_type"},
            f"Voice {voice.name!r} is a {_plain(voice.mode)} voice; the engine type is {_plain(engine)}. "
            f"Pick a {_plain(engine)} voice.",
        )
    number = lookups.phone_number(values.get("phone_number_id"))
    # Only inbound assistants are picky: a caller ID cannot receive calls, and a
    # number answers for one assistant at a time.
    if number is not None and values.get("calls_direction") == "receive":
        if number.is_caller_id:
            found["phone_number_id"] = (
                {"phone_number_id", "calls_direction"},
                f"Phone number {_plain(number.phone_number)} is a caller ID; inbound assistants "
                "cannot take it.",
            )
        elif not number.is_available and number.id != baseline.get("phone_number_id"):
            found["phone_number_id"] = (
                {"phone_number_id", "calls_direction"},
                f"Phone number {_plain(number.phone_number)} is already assigned to another assistant.",
            )
    if values.get("use_min_interrupt_words") and values.get("min_interrupt_words") is None:
        found["min_interrupt_words"] = (
            {"use_min_interrupt_words", "min_interrupt_words"},
            "Minimum interrupt words needs a number (0-10) while it is in use.",
        )
    return found


def problems(
    values: Mapping[str, Any],
    dirty: Collection[str],
    lookups: Lookups | None = None,
    baseline: Mapping[str, Any] | None = None,
) -> dict[str, str]:
    """What the server would reject in a body of the dirty fields, by field name."""
    lookups = lookups or Lookups()
    found: dict[str, str] = {}
    for name in dirty:
        message = check_field(FIELDS[name], values.get(name), lookups)
        if message:
            found[name] = message
    for name, (involved, message) in _cross_field(values, baseline or {}, lookups).items():
        if involved & set(dirty):
            found.setdefault(name, message)
    return found


def flags(
    values: Mapping[str, Any], untouched: Collection[str], lookups: Lookups | None = None
) -> dict[str, str]:
    """Rules that stored, untouched values already break: shown, never sent."""
    lookups = lookups or Lookups()
    found: dict[str, str] = {}
    for name in untouched:
        value = values.get(name)
        if value is None:
            continue
        message = check_field(FIELDS[name], value, lookups)
        if message:
            found[name] = message
    for name, (_, message) in _cross_field(values, values, lookups).items():
        if name in untouched:
            found.setdefault(name, message)
    return found
