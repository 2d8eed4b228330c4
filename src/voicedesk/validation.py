"""Client-side validation: the server's rules (api-contract.md), in plain words.

Two uses: `problems()` blocks sending a body the server would reject, and `flags()`
warns about stored values that already break a rule (shown, never rewritten) and about
edits the server takes but whose effect is easy to miss (the webhook turned off).
Every message starts with the field's label and says the rule. A value from the server
or the user appears with repr() (or `text.plain`), which writes control characters, bidi
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

from voicedesk.fields import (
    SCHEMA_NAME_PATTERN,
    SCHEMA_NAME_PATTERN_2026,
    SCHEMA_TYPES,
    SETTINGS,
    Catalogue,
    Dialect,
    Field,
    Kind,
    Lookup,
    catalogue,
)
from voicedesk.records import Lookups
from voicedesk.text import plain

_SCHEMA_NAME = re.compile(SCHEMA_NAME_PATTERN)
_SCHEMA_NAME_2026 = re.compile(SCHEMA_NAME_PATTERN_2026)


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
        if not field.minimum <= value <= field.maximum:
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
        return _check_schema(value, field.dialect)
    if field.kind is Kind.ID_LIST:
        return _check_id_list(field, value, lookups or Lookups())
    if field.kind is Kind.TOOLS:
        from voicedesk.tools import check_tools  # the tools' own rules

        return check_tools(value)
    if field.kind is Kind.PHRASES:
        return _check_phrases(label, value)
    return None


def _check_id_list(field: Field, value: Any, lookups: Lookups) -> str | None:
    if not isinstance(value, list) or not all(type(item) is int for item in value):
        return f"{field.label} must be a list of ids (whole numbers)."
    if len(set(value)) != len(value):
        return f"{field.label} names an id twice."
    known = _ids_of(field, lookups)
    if known is not None:
        unknown = [item for item in value if item not in known]
        if unknown:
            verb = "is" if len(unknown) == 1 else "are"
            listed = field.lookup.value if field.lookup else "ids"
            return f"{field.label}: {', '.join(map(str, unknown[:5]))} {verb} not among the account's {listed}."
    return None


def _ids_of(field: Field, lookups: Lookups) -> set[int] | None:
    """The ids a lookup field may hold, when its list is loaded (a provider: checked
    against its language's list, see `_providers_fit_the_language`)."""
    if field.lookup is None or field.lookup.per_language:
        return None
    records = lookups.entries(field.lookup.value)
    return None if records is None else {record.id for record in records}


_PHRASE_KINDS = ("positive", "negative", "question", "neutral")


def _check_phrases(label: str, value: Any) -> str | None:
    if not isinstance(value, Mapping):
        return f"{label} must be an object of phrase lists."
    for kind, phrases in value.items():
        if kind not in _PHRASE_KINDS:
            return f"{label}: {plain(kind)} is not one of {', '.join(_PHRASE_KINDS)}."
        if not isinstance(phrases, list) or not all(isinstance(p, str) and p.strip() for p in phrases):
            return f"{label}: {kind} must be a list of phrases (text, not empty)."
    return None


def _check_lookup(field: Field, value: Any, lookups: Lookups) -> str | None:
    label = field.label
    if field.lookup is Lookup.TIMEZONES:
        if not is_timezone(value):
            return f"{label} must be an IANA time zone name such as Europe/Berlin; {value!r} is not."
    elif field.lookup is Lookup.VOICES:
        if lookups.voices is not None and lookups.voice(value) is None:
            return f"{label} {plain(value)} is not one of the account's voices."
    elif field.lookup is Lookup.PHONE_NUMBERS:
        if lookups.inbound_numbers is not None or lookups.outbound_numbers is not None:
            if lookups.phone_number(value) is None:
                return f"{label} {plain(value)} is not one of the account's phone numbers."
    elif field.holds_id:  # before the lists by name: the 2026 fallback LLM is a model by id
        known = _ids_of(field, lookups)
        if known is not None and value not in known:
            listed = field.lookup.value if field.lookup else "ids"
            return f"{label} {plain(value)} is not one of the account's {listed}."
    elif field.lookup is Lookup.LANGUAGES:
        return _check_name(label, value, lookups.languages, field.update_name != field.name)
    elif field.lookup is Lookup.MODELS:
        return _check_name(label, value, lookups.models, field.update_name != field.name)
    return None


def _check_name(label: str, value: str, records: list[Any] | None, sent_as_id: bool) -> str | None:
    if records is None:
        # A 2026 host takes the id, which only the list gives.
        return f"{label} cannot be sent until the account's list is loaded (the host takes its id)." \
            if sent_as_id else None
    names = [record.name for record in records]
    if names.count(value) > 1 and sent_as_id:
        return f"{label} {value!r} names more than one entry of the account's list; the host takes one id."
    if value in names:
        return None
    close = [name for name in names if name.lower() == value.lower()]
    hint = f" Did you mean {close[0]!r}?" if close else ""
    return f"{label} {value!r} is not one of the account's names.{hint}"


def _check_schema(items: list[Any], dialect: Dialect = Dialect.D2025) -> str | None:
    label = SETTINGS["post_call_schema"].label
    seen: set[str] = set()
    for row, item in enumerate(items, start=1):
        if not isinstance(item, Mapping):
            return f"{label} row {row} is not an object with a name, a type and a description."
        name, kind, description = item.get("name"), item.get("type"), item.get("description")
        if dialect is Dialect.D2026 and not (isinstance(name, str) and _SCHEMA_NAME_2026.match(name)):
            return (f"{label} row {row}: name {name!r} must have 3 to 16 characters: lowercase "
                    "letters, digits and underscores.")
        if not isinstance(name, str) or not _SCHEMA_NAME.match(name):
            return f"{label} row {row}: name {name!r} may only use letters, digits and underscores."
        if name in seen:
            return f"{label} row {row}: name {name!r} is used twice."
        seen.add(name)
        if kind not in SCHEMA_TYPES:
            return f"{label} row {row}: type must be one of {', '.join(SCHEMA_TYPES)}; {kind!r} is not."
        if description is not None and not isinstance(description, str):
            return f"{label} row {row}: the description must be text, not {description!r}."
        text = (description or "").strip()
        if not text:
            return f"{label} row {row}: a description is required."
        if dialect is Dialect.D2026 and not 3 <= len(text) <= 255:
            return f"{label} row {row}: the description must have 3 to 255 characters."
    return None


def _cross_field(
    values: Mapping[str, Any], baseline: Mapping[str, Any], lookups: Lookups, fields: Catalogue
) -> dict[str, tuple[set[str], str]]:
    """Rules between fields: field -> (the fields the rule involves, message)."""
    found: dict[str, tuple[set[str], str]] = {}
    engine = values.get("engine_type")
    if fields.dialect is Dialect.D2026 and isinstance(engine, str):
        _cross_field_2026(values, engine, fields, found)
    if fields.dialect is Dialect.D2026:
        _providers_fit_the_language(values, lookups, fields, found)
    if values.get("is_webhook_active") and not values.get("webhook_url"):
        # Only switching the webhook on needs a URL: clearing the URL alone is the
        # documented way to turn the webhook off.
        found["webhook_url"] = (
            {"is_webhook_active"},
            "Webhook URL is required to turn the webhook on.",
        )
    voice = lookups.voice(values.get("voice_id"))
    if voice is not None and engine is not None and not lookups.voice_fits(voice.id, engine):
        # A 2026 host lists a voice once per mode it fits (multimodal and dualplex).
        modes = " and ".join(dict.fromkeys(plain(v.mode) for v in lookups.voices or () if v.id == voice.id))
        found["voice_id"] = (
            {"voice_id", "engine_type"},
            f"Voice {voice.name!r} is a {modes} voice; the engine type is {plain(engine)}. "
            f"Pick a {plain(engine)} voice.",
        )
    number = lookups.phone_number(values.get("phone_number_id"))
    # Only inbound assistants are picky: a caller ID cannot receive calls, and a
    # number answers for one assistant at a time.
    if number is not None and values.get("calls_direction") == "receive":
        if number.is_caller_id:
            found["phone_number_id"] = (
                {"phone_number_id", "calls_direction"},
                f"Phone number {plain(number.phone_number)} is a caller ID; inbound assistants "
                "cannot take it.",
            )
        elif not number.is_available and number.id != baseline.get("phone_number_id"):
            found["phone_number_id"] = (
                {"phone_number_id", "calls_direction"},
                f"Phone number {plain(number.phone_number)} is already assigned to another assistant.",
            )
    if values.get("use_min_interrupt_words") and values.get("min_interrupt_words") is None:
        found["min_interrupt_words"] = (
            {"use_min_interrupt_words", "min_interrupt_words"},
            "Minimum interrupt words needs a number (0-10) while it is in use.",
        )
    return found


_PROVIDERS = ("synthesizer_provider_id", "transcriber_provider_id")  # 2026 settings, per language


def _providers_fit_the_language(values: Mapping[str, Any], lookups: Lookups, fields: Catalogue,
                                found: dict[str, tuple[set[str], str]]) -> None:
    """A provider is one its language offers (when that language's list is loaded). Only
    a provider being sent is refused: one the server holds is flagged when the language
    changes, and the user picks another (or the language's default)."""
    language = values.get("language")
    for name in _PROVIDERS:
        spec, value = fields[name], values.get(name)
        if value is None or spec.lookup is None:
            continue
        offered = lookups.providers_for(spec.lookup.value, language)
        if offered is None or any(entry.id == value for entry in offered):
            continue
        found[spec.name] = (
            {spec.name},
            f"{spec.label} {plain(value)} is not one the {plain(language)} language offers "
            f"({', '.join(plain(entry.name) for entry in offered) or 'none'}).",
        )


def _cross_field_2026(values: Mapping[str, Any], engine: str, fields: Catalogue,
                      found: dict[str, tuple[set[str], str]]) -> None:
    """The 2026 contract's rules between the mode and other settings."""
    if engine in ("multimodal", "dualplex") and values.get("allow_interruptions") is False:
        found["allow_interruptions"] = (
            {"allow_interruptions", "engine_type"},
            f"Interruptions cannot be turned off in {engine} mode.",
        )
    if engine != "pipeline" and values.get("knowledgebase_mode") == "prompt":
        found["knowledgebase_mode"] = (
            {"knowledgebase_mode", "engine_type"},
            f"Only function_call mode is available for {engine} assistants.",
        )


def problems(
    values: Mapping[str, Any],
    dirty: Collection[str],
    lookups: Lookups | None = None,
    baseline: Mapping[str, Any] | None = None,
    fields: Catalogue | None = None,
) -> dict[str, str]:
    """What the server would reject in a body of the dirty fields, by field name."""
    lookups = lookups or Lookups()
    fields = fields or catalogue()
    found: dict[str, str] = {}
    for name in dirty:
        message = check_field(fields[name], values.get(name), lookups)
        if message:
            found[name] = message
    for name, (involved, message) in _cross_field(values, baseline or {}, lookups, fields).items():
        if involved & set(dirty):
            found.setdefault(name, message)
    engine = values.get("engine_type")
    for name in dirty:  # only what is sent: the server resets the others on a mode change
        spec = fields[name]
        value = values.get(name)
        if spec.modes and engine not in spec.modes and not (value is None or value is False or value in ([], {})):
            found.setdefault(name, f"{spec.label} applies to {' and '.join(spec.modes)} assistants only; "
                                   f"this one is {plain(engine)}.")
    return found


# A variable's name that a prompt's {{name}} surely takes. Inferred: the platform documents
# no rule; template syntaxes of this kind take identifiers.
_TEMPLATE_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


def _warnings(values: Mapping[str, Any], edited: Collection[str], active: bool | None) -> dict[str, str]:
    """Values that are allowed, and may not do what they seem to, and edits that do more
    than they say: warnings, never blocking. `active`: whether the assistant takes calls
    now (None: not known)."""
    found: dict[str, str] = {}
    variables = values.get("variables")
    if isinstance(variables, Mapping):
        odd = [key for key in variables if isinstance(key, str) and key.strip() and not _TEMPLATE_NAME.fullmatch(key)]
        if odd:
            names = ", ".join(repr(key) for key in odd[:3]) + (f" and {len(odd) - 3} more" if len(odd) > 3 else "")
            found["variables"] = (f"Variables: a prompt may not be able to use {names} as {{{{name}}}}. The platform "
                                  "documents no rule; letters, digits and underscores are the safe choice.")
    if "webhook_url" in edited and not values.get("webhook_url") and values.get("is_webhook_active"):
        found["webhook_url"] = ("Webhook URL: cleared while the webhook is on. Saved so, the server turns the "
                                "webhook off: no call results are posted until a URL is set again.")
    if "phone_number_id" in edited and values.get("phone_number_id") is None \
            and values.get("calls_direction") == "receive" and active is not False:
        found["phone_number_id"] = ("Phone number: an inbound assistant without a number cannot be called. "
                                    "Saved so, this one stops taking calls.")
    return found


def flags(
    values: Mapping[str, Any], untouched: Collection[str], lookups: Lookups | None = None,
    fields: Catalogue | None = None, *, active: bool | None = None,
) -> dict[str, str]:
    """Rules that stored, untouched values already break, and what an edit does beyond
    its own value: shown, never blocking. `active`: whether the assistant takes calls now
    (its status; None when the server did not say)."""
    lookups = lookups or Lookups()
    fields = fields or catalogue()
    kept = set(untouched)
    found = _warnings(values, [spec.name for spec in fields if spec.name not in kept], active)
    for name in untouched:
        value = values.get(name)
        if value is None:
            continue
        message = check_field(fields[name], value, lookups)
        if message:
            found[name] = message
    for name, (_, message) in _cross_field(values, values, lookups, fields).items():
        if name in untouched:
            found.setdefault(name, message)
    return found
