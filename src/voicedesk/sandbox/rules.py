"""The server's validation of an update body, written from api-contract.md and the seed.

This module deliberately does not use `voicedesk.fields`: the sandbox plays the server,
so a test that compares the client's validation with this one compares two independent
readings of the same documents.

Errors come back as Laravel shapes them: a dict from the update body's field name
(dotted when nested: `end_call_tool.description`, `post_call_schema.0.name`) to a list of
messages in Laravel's words. Like Laravel without `bail`, every field is checked, but each
field reports only its first failed rule. Only the fields present in the body are
checked; a few rules look at the resulting record (body value, else the stored one).
"""

from __future__ import annotations

import functools
import math
import re
import zoneinfo
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from voicedesk.sandbox.data import SandboxData

Errors = dict[str, list[str]]

# -- PHP/Laravel value semantics (shared with the code that applies an update) --------

_INTEGER_STRING = re.compile(r"[+-]?\d+")
_NUMERIC_STRING = re.compile(r"\s*[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?")


def is_integer(value: object) -> bool:
    """Laravel's `integer`: an int, an integral float or a string of digits."""
    if isinstance(value, bool):
        return False
    if isinstance(value, int):
        return True
    if isinstance(value, float):
        return value.is_integer()
    return isinstance(value, str) and _INTEGER_STRING.fullmatch(value) is not None


def is_numeric(value: object) -> bool:
    """PHP's is_numeric: a finite number or a numeric string."""
    if isinstance(value, bool):
        return False
    if isinstance(value, (int, float)):
        return math.isfinite(value)
    return isinstance(value, str) and _NUMERIC_STRING.fullmatch(value) is not None


def is_boolean(value: object) -> bool:
    """Laravel's `boolean`: true, false, 0, 1, "0" or "1" (compared strictly)."""
    if isinstance(value, bool):
        return True
    return (type(value) is int and value in (0, 1)) or value in ("0", "1")


def to_int(value: object) -> int:
    if isinstance(value, (int, float, str)):
        return int(value)
    raise TypeError(f"not a number: {value!r}")


def to_number(value: object) -> int | float:
    """A value that passed `numeric` as a Python number."""
    if isinstance(value, str):
        return int(value) if _INTEGER_STRING.fullmatch(value) else float(value)
    return value  # type: ignore[return-value]


def to_bool(value: object) -> bool:
    return value in (True, 1, "1")


def is_blank(value: object) -> bool:
    """Laravel's `required` fails on null, blank strings and empty arrays."""
    if value is None:
        return True
    if isinstance(value, str):
        return value.strip() == ""
    return isinstance(value, (list, dict)) and not value


# -- single-value rules -----------------------------------------------------------------


@dataclass(frozen=True)
class _Context:
    body: dict[str, Any]
    record: dict[str, Any]
    data: SandboxData


# A rule gets the attribute's dotted name, its value and the context; it returns the
# error message, or None when the value passes.
Rule = Callable[[str, object, _Context], "str | None"]


def _label(attribute: str) -> str:
    return attribute.replace("_", " ")


def _num(value: float) -> str:
    return f"{value:g}"


def _nullable(attribute: str, value: object, ctx: _Context) -> str | None:
    return None  # a marker: `_run` stops at a null value when the chain starts with it


def _required(attribute: str, value: object, ctx: _Context) -> str | None:
    return f"The {_label(attribute)} field is required." if is_blank(value) else None


def _string(attribute: str, value: object, ctx: _Context) -> str | None:
    return None if isinstance(value, str) else f"The {_label(attribute)} must be a string."


def _integer(attribute: str, value: object, ctx: _Context) -> str | None:
    return None if is_integer(value) else f"The {_label(attribute)} must be an integer."


def _numeric(attribute: str, value: object, ctx: _Context) -> str | None:
    return None if is_numeric(value) else f"The {_label(attribute)} must be a number."


def _boolean(attribute: str, value: object, ctx: _Context) -> str | None:
    if is_boolean(value):
        return None
    return f"The {_label(attribute)} field must be true or false."


def _max_chars(limit: int) -> Rule:
    def rule(attribute: str, value: object, ctx: _Context) -> str | None:
        if len(value) <= limit:  # type: ignore[arg-type]
            return None
        return f"The {_label(attribute)} must not be greater than {limit} characters."

    return rule


def _between(low: float, high: float) -> Rule:
    def rule(attribute: str, value: object, ctx: _Context) -> str | None:
        if low <= to_number(value) <= high:
            return None
        return f"The {_label(attribute)} must be between {_num(low)} and {_num(high)}."

    return rule


def _one_of(*choices: str) -> Rule:
    def rule(attribute: str, value: object, ctx: _Context) -> str | None:
        return None if value in choices else f"The selected {_label(attribute)} is invalid."

    return rule


def _matches(pattern: str) -> Rule:
    compiled = re.compile(pattern)

    def rule(attribute: str, value: object, ctx: _Context) -> str | None:
        if isinstance(value, str) and compiled.search(value):
            return None
        return f"The {_label(attribute)} format is invalid."

    return rule


@functools.cache
def _timezones() -> frozenset[str]:
    return frozenset(zoneinfo.available_timezones())


def _timezone(attribute: str, value: object, ctx: _Context) -> str | None:
    if value in _timezones():
        return None
    return f"The {_label(attribute)} must be a valid timezone."


def _is_http_url(value: str) -> bool:
    try:
        parts = urlsplit(value)
    except ValueError:  # e.g. an unclosed IPv6 bracket
        return False
    return (
        parts.scheme in ("http", "https")
        and bool(parts.hostname)
        and not any(c.isspace() for c in value)
    )


def _url(attribute: str, value: object, ctx: _Context) -> str | None:
    if _is_http_url(value):  # type: ignore[arg-type]
        return None
    return f"The {_label(attribute)} must be a valid URL."


def _array(attribute: str, value: object, ctx: _Context) -> str | None:
    if isinstance(value, (dict, list)):
        return None
    return f"The {_label(attribute)} must be an array."


def _object(attribute: str, value: object, ctx: _Context) -> str | None:
    """An object with string keys. PHP cannot tell `[]` from `{}`, so an empty list passes."""
    if isinstance(value, dict) or value == []:
        return None
    return f"The {_label(attribute)} must be an object of names and values."


def _list(attribute: str, value: object, ctx: _Context) -> str | None:
    return None if isinstance(value, list) else f"The {_label(attribute)} must be a list."


def _account_has(collection: str, key: str) -> Rule:
    """Laravel's `exists` against one of the account's lookup lists."""

    def rule(attribute: str, value: object, ctx: _Context) -> str | None:
        wanted = to_int(value) if key == "id" else value
        if any(item[key] == wanted for item in getattr(ctx.data, collection)):
            return None
        return f"The selected {_label(attribute)} is invalid."

    return rule


def _run(rules: tuple[Rule, ...], attribute: str, value: object, ctx: _Context) -> str | None:
    if value is None and rules and rules[0] is _nullable:
        return None
    for rule in rules:
        message = rule(attribute, value, ctx)
        if message:
            return message
    return None


# -- the table of update fields ---------------------------------------------------------

_ZERO_TO_ONE = (_numeric, _between(0, 1))
_SENSITIVITY = (_numeric, _between(0, 5))

RULES: dict[str, tuple[Rule, ...]] = {
    "assistant_name": (_required, _string, _max_chars(255)),
    "voice_id": (_required, _integer, _account_has("voices", "id")),
    "language": (_required, _string, _max_chars(100), _account_has("languages", "name")),
    "llm_model": (_required, _string, _max_chars(100), _account_has("models", "name")),
    "calls_direction": (_required, _one_of("receive", "make")),
    "engine_type": (_required, _one_of("pipeline", "multimodal")),
    "timezone": (_required, _string, _timezone),
    "initial_message": (_string,),
    "system_prompt": (_required, _string),
    "phone_number_id": (_nullable, _integer, _account_has("phone_numbers", "id")),
    "endpoint_type": (_required, _one_of("vad", "ai")),
    "endpoint_sensitivity": _SENSITIVITY,
    "interrupt_sensitivity": _SENSITIVITY,
    "ambient_sound_volume": _ZERO_TO_ONE,
    "post_call_evaluation": (_boolean,),
    "send_webhook_only_on_completed": (_boolean,),
    "include_recording_in_webhook": (_boolean,),
    "is_webhook_active": (_boolean,),
    "webhook_url": (_nullable, _string, _url),
    "use_min_interrupt_words": (_boolean,),
    "min_interrupt_words": (_integer, _between(0, 10)),
    "variables": (_object,),
    "post_call_schema": (_list,),
    "end_call_tool": (_array,),
    "llm_temperature": _ZERO_TO_ONE,
    "voice_stability": _ZERO_TO_ONE,
    "voice_similarity": _ZERO_TO_ONE,
    "speech_speed": (_numeric, _between(0.7, 1.2)),
    "allow_interruptions": (_boolean,),
    "filler_audios": (_boolean,),
    "re_engagement_interval": (_integer, _between(7, 600)),
    "max_call_duration": (_integer, _between(20, 1200)),
    "max_silence_duration": (_integer, _between(1, 120)),
    "end_call_on_voicemail": (_boolean,),
    "noise_cancellation": (_boolean,),
    "record_call": (_boolean,),
    "who_speaks_first": (_required, _one_of("AI assistant", "Customer")),
}

SCHEMA_TYPES = ("string", "number", "bool")
_SCHEMA_ITEM_RULES: dict[str, tuple[Rule, ...]] = {
    "name": (_required, _string, _matches(r"^[A-Za-z0-9_]+$")),
    "type": (_required, _one_of(*SCHEMA_TYPES)),
    "description": (_required, _string),
}
_END_CALL_DESCRIPTION_RULES = (_required, _string, _max_chars(500))


def schema_errors(items: list[Any], item_rules: dict[str, tuple[Rule, ...]], ctx: _Context) -> Errors:
    """Each schema row's first failed rule per key (`post_call_schema.N.key`)."""
    errors: Errors = {}
    for index, item in enumerate(items):
        prefix = f"post_call_schema.{index}"
        if not isinstance(item, dict):
            errors[prefix] = [f"The {_label(prefix)} must be an array."]
            continue
        for key, rules in item_rules.items():
            if message := _run(rules, f"{prefix}.{key}", item.get(key), ctx):
                errors[f"{prefix}.{key}"] = [message]
    return errors


def _nested_errors(name: str, value: object, ctx: _Context) -> Errors:
    """Errors of the parts of a valid container: schema items, the end call tool's
    description. (Variables' values are not checked: no document says they must be text,
    and stored records hold numbers, booleans and objects there.)"""
    errors: Errors = {}
    if name == "post_call_schema":
        errors.update(schema_errors(value, _SCHEMA_ITEM_RULES, ctx))  # type: ignore[arg-type]
    elif name == "end_call_tool":
        description = value.get("description") if isinstance(value, dict) else None
        attribute = "end_call_tool.description"
        if message := _run(_END_CALL_DESCRIPTION_RULES, attribute, description, ctx):
            errors[attribute] = [message]
    return errors


# -- rules across fields, on the resulting record ------------------------------------


def resulting_direction(body: dict[str, Any], record: dict[str, Any]) -> str | None:
    """The record's `type` after the update: receive = inbound, make = outbound."""
    if "calls_direction" in body:
        return {"receive": "inbound", "make": "outbound"}[body["calls_direction"]]
    return record.get("type")


def resulting_webhook_active(body: dict[str, Any], record: dict[str, Any]) -> bool:
    """`webhook_url: null` alone disables the webhook, as the seed's notes say."""
    if "is_webhook_active" in body:
        return to_bool(body["is_webhook_active"])
    if "webhook_url" in body and body["webhook_url"] is None:
        return False
    return to_bool(record.get("is_webhook_active"))


def _voice_matches_engine(ctx: _Context) -> Errors:
    voice_id = ctx.body.get("voice_id", ctx.record.get("voice_id"))
    engine = ctx.body.get("engine_type", ctx.record.get("mode"))
    voice = next((v for v in ctx.data.voices if voice_id is not None
                  and v["id"] == to_int(voice_id)), None)
    if voice is None or voice["mode"] == engine:
        return {}
    return {"voice_id": [f"The selected voice is not available for the {engine} engine type."]}


def _webhook_url_when_active(ctx: _Context) -> Errors:
    url = ctx.body.get("webhook_url", ctx.record.get("webhook_url"))
    if resulting_webhook_active(ctx.body, ctx.record) and is_blank(url):
        return {"webhook_url": [
            "The webhook url field is required when is webhook active is true."
        ]}
    return {}


def _phone_number_fits_direction(ctx: _Context) -> Errors:
    return phone_number_fits(ctx, resulting_direction(ctx.body, ctx.record))


def phone_number_fits(ctx: _Context, direction: str | None) -> Errors:
    """Inbound numbers exclude caller IDs and numbers assigned elsewhere (both dialects)."""
    phone_id = ctx.body.get("phone_number_id", ctx.record.get("phone_number_id"))
    if phone_id is None or direction != "inbound":
        return {}
    phone_id = to_int(phone_id)
    number = next((n for n in ctx.data.phone_numbers if n["id"] == phone_id), None)
    if number is None:
        return {}
    if (number.get("type_label") or "").strip().lower() == "caller id":
        return {"phone_number_id": [
            "The selected phone number is a Caller ID number and cannot receive calls."
        ]}
    taken = any(
        other.get("phone_number_id") == phone_id and other["id"] != ctx.record["id"]
        for other in ctx.data.assistants.values()
    )
    if taken:
        return {"phone_number_id": [
            "The selected phone number is already assigned to another assistant."
        ]}
    return {}


def _min_words_when_used(ctx: _Context) -> Errors:
    if not to_bool(ctx.body["use_min_interrupt_words"]):
        return {}
    words = ctx.body.get("min_interrupt_words", ctx.record.get("min_interrupt_words"))
    if words is None:
        return {"min_interrupt_words": [
            "The min interrupt words field is required when use min interrupt words is true."
        ]}
    return {}


# Each cross-field rule runs when the body touches any of its fields and none of them
# already failed on its own.
_CROSS_FIELD_RULES: tuple[tuple[tuple[str, ...], Callable[[_Context], Errors]], ...] = (
    (("voice_id", "engine_type"), _voice_matches_engine),
    (("webhook_url", "is_webhook_active"), _webhook_url_when_active),
    (("phone_number_id", "calls_direction"), _phone_number_fits_direction),
    (("use_min_interrupt_words",), _min_words_when_used),
)


def validate_update(body: dict[str, Any], record: dict[str, Any], data: SandboxData) -> Errors:
    """The 422 `errors` for this update body against the stored record; {} when valid.
    Keys the server does not know are ignored, as Laravel ignores unvalidated input."""
    ctx = _Context(body, record, data)
    errors: Errors = {}
    for name, rules in RULES.items():
        if name not in body:
            continue
        if message := _run(rules, name, body[name], ctx):
            errors[name] = [message]
        else:
            errors.update(_nested_errors(name, body[name], ctx))
    failed = {key.split(".")[0] for key in errors}
    for fields, rule in _CROSS_FIELD_RULES:
        if any(f in body for f in fields) and not failed.intersection(fields):
            for key, messages in rule(ctx).items():
                errors.setdefault(key, []).extend(messages)
    return errors
