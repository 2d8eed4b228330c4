"""Applying a validated update body to a stored read-shape record.

The update speaks the seed's names and types; the record keeps the list's column names
and loose types (decimal strings, 0/1 integers), exactly as the list will return them.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from voicedesk.sandbox.data import SandboxData
from voicedesk.sandbox.rules import (
    resulting_direction,
    resulting_webhook_active,
    to_bool,
    to_int,
    to_number,
)


def _same(value: object) -> object:
    return value


def _decimal_string(value: object) -> str:
    """What a decimal column returns: "0.7", "1", "0.75"."""
    return str(to_number(value))


def _bit(value: object) -> int:
    return int(to_bool(value))


def _optional_int(value: object) -> int | None:
    return None if value is None else to_int(value)


# update name -> (record key, conversion) for the fields that map one to one.
_RENAMES: dict[str, tuple[str, Callable[[object], object]]] = {
    "assistant_name": ("name", _same),
    "voice_id": ("voice_id", to_int),
    "engine_type": ("mode", _same),
    "timezone": ("timezone", _same),
    "initial_message": ("initial_message", _same),
    "system_prompt": ("system_prompt", _same),
    "phone_number_id": ("phone_number_id", _optional_int),
    "endpoint_type": ("endpoint_type", _same),
    "endpoint_sensitivity": ("endpoint_sensitivity", to_number),
    "interrupt_sensitivity": ("interrupt_sensitivity", to_number),
    "ambient_sound_volume": ("ambient_sound_volume", _decimal_string),
    "post_call_evaluation": ("post_call_evaluation", to_bool),
    "send_webhook_only_on_completed": ("send_webhook_only_on_completed", to_bool),
    "include_recording_in_webhook": ("include_recording_in_webhook", to_bool),
    "webhook_url": ("webhook_url", _same),
    "min_interrupt_words": ("min_interrupt_words", _optional_int),
    "post_call_schema": ("post_call_schema", _same),
    "llm_temperature": ("llm_temperature", _decimal_string),
    "voice_stability": ("voice_stability", _decimal_string),
    "voice_similarity": ("voice_similarity", _decimal_string),
    "speech_speed": ("speech_speed", _decimal_string),
    "allow_interruptions": ("allow_interruptions", to_bool),
    "filler_audios": ("fillers", _bit),
    "re_engagement_interval": ("reengagement_interval", to_int),
    "max_call_duration": ("max_duration", to_int),
    "max_silence_duration": ("max_silence_duration", to_int),
    "end_call_on_voicemail": ("end_call_on_voicemail", _bit),
    "noise_cancellation": ("enable_noise_cancellation", to_bool),
    "record_call": ("record", to_bool),
}


def _with_end_call_description(tools: object, description: str) -> list[Any]:
    """The tools list with its end_call entry set, in place of an old-style "end_call"
    string or a previous entry, else appended."""
    entry = {"type": "end_call", "data": {"description": description}}
    result: list[Any] = []
    replaced = False
    for tool in tools if isinstance(tools, list) else []:
        is_end_call = tool == "end_call" or (
            isinstance(tool, dict) and tool.get("type") == "end_call"
        )
        if is_end_call and not replaced:
            result.append(entry)
            replaced = True
        elif not is_end_call:
            result.append(tool)
    return result if replaced else [*result, entry]


def _changes(body: dict[str, Any], record: dict[str, Any], data: SandboxData) -> dict[str, Any]:
    """The record keys and values a valid body sets."""
    changes = {
        key: convert(body[name]) for name, (key, convert) in _RENAMES.items() if name in body
    }
    if "language" in body:
        language = next(x for x in data.languages if x["name"] == body["language"])
        changes["language_id"] = language["id"]
        changes["language"] = language.get("iso_2")
    if "llm_model" in body:
        model = next(x for x in data.models if x["name"] == body["llm_model"])
        changes["llm_model_id"] = model["id"]
    if "calls_direction" in body:
        changes["type"] = resulting_direction(body, record)
    if "who_speaks_first" in body:
        changes["wait_for_customer"] = body["who_speaks_first"] == "Customer"
    if "is_webhook_active" in body or "webhook_url" in body:
        changes["is_webhook_active"] = resulting_webhook_active(body, record)
    if "use_min_interrupt_words" in body and not to_bool(body["use_min_interrupt_words"]):
        changes["min_interrupt_words"] = None
    if "variables" in body:
        # PHP encodes an empty associative array as [].
        changes["variables"] = dict(body["variables"]) if body["variables"] else []
    if "end_call_tool" in body:
        changes["tools"] = _with_end_call_description(
            record.get("tools"), body["end_call_tool"]["description"]
        )
    return changes


def apply_update(record: dict[str, Any], body: dict[str, Any], data: SandboxData) -> bool:
    """Write a body that passed `validate_update` into the record. `updated_at` moves
    only when a value really changed, as Eloquent's save() does. Returns whether it did."""
    changes = {
        key: value
        for key, value in _changes(body, record, data).items()
        if record.get(key) != value or key not in record
    }
    if not changes:
        return False
    record.update(changes)
    record["updated_at"] = now_timestamp()
    return True


def now_timestamp() -> str:
    """The current time as Laravel serialises timestamps."""
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
