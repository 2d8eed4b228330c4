"""The 2026 dialect of the sandbox: the platform's current update contract, its extra
lists (mid-call tools, knowledge bases, folders, labels, multimodal models) and records
with the current columns, written from api-contract.md ("The 2026 dialect").

Like rules.py it does not use `voicedesk.fields`: the sandbox plays the server. Like a
Laravel server it ignores keys it does not know, the seed's names included: a 2025 body
answers 200 and changes nothing, the case a client must notice by reading back.
Settings the list does not report (`tool_ids`, `folder_id`, ...) are kept beside the
record, under HIDDEN, which the list leaves out.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

from voicedesk.sandbox.apply import now_timestamp
from voicedesk.sandbox.data import SandboxData
from voicedesk.sandbox.rules import (
    Errors,
    Rule,
    _array,
    _between,
    _boolean,
    _Context,
    _integer,
    _label,
    _list,
    _max_chars,
    _nullable,
    _numeric,
    _object,
    _one_of,
    _required,
    _run,
    _string,
    _timezone,
    _url,
    is_blank,
    is_integer,
    phone_number_fits,
    schema_errors,
    to_bool,
    to_int,
    to_number,
)

HIDDEN = "__not_listed__"  # the record's key for what the list does not report
UNREPORTED = ("secondary_language_ids", "tool_ids", "folder_id", "label_ids", "chat_llm_fallback_id",
              "turn_detection_threshold", "tts_emotion_enabled", "reengagement_prompt", "voice_mail_message")

MULTIMODAL_MODELS = (
    {"id": 31, "name": "GPT-4o Realtime", "code": "gpt-4o-realtime", "type": "multimodal"},
    {"id": 32, "name": "Gemini 2.5 Flash Live", "code": "gemini-2.5-flash-live", "type": "multimodal"},
    {"id": 41, "name": "Ultravox Dualplex", "code": "ultravox-v0.7", "type": "dualplex"},
)
MID_CALL_TOOLS = (
    {"id": 71, "name": "Check order status", "description": "Looks up an order", "endpoint":
     "https://api.shop.example/orders", "method": "GET", "timeout": 10, "headers": {}, "schema": {}},
    {"id": 72, "name": "Create ticket", "description": "Opens a support ticket", "endpoint":
     "https://desk.example/tickets", "method": "POST", "timeout": 15, "headers": {}, "schema": {}},
    {"id": 73, "name": "Check opening hours", "description": "Today's opening hours", "endpoint":
     "https://api.example/hours", "method": "GET", "timeout": 5, "headers": {}, "schema": {}},
)
KNOWLEDGE_BASES = (
    {"id": 81, "name": "Dental FAQ", "description": "Treatments and prices", "status": "ready",
     "status_label": "Ready", "documents_count": 12, "assistants_count": 1},
    {"id": 82, "name": "Insurance terms", "description": "Policy booklets", "status": "ready",
     "status_label": "Ready", "documents_count": 40, "assistants_count": 1},
)
FOLDERS = ({"id": 91, "name": "Customers A-M", "color": "#2f80ed", "assistants_count": 3},
           {"id": 92, "name": "Customers N-Z", "color": "#27ae60", "assistants_count": 2})
LABELS = ({"id": 95, "name": "priority", "color": "#eb5757", "assistants_count": 2},
          {"id": 96, "name": "pilot", "color": "#f2c94c", "assistants_count": 1})
# The speech (TTS) and transcription (STT) providers; which a language offers: `providers`.
SYNTHESIZER_PROVIDERS = ({"id": 1, "name": "ElevenLabs", "code": "elevenlabs"},
                         {"id": 2, "name": "Cartesia", "code": "cartesia"},
                         {"id": 3, "name": "Azure", "code": "azure"})
TRANSCRIBER_PROVIDERS = ({"id": 11, "name": "Deepgram", "code": "deepgram"},
                         {"id": 12, "name": "Azure", "code": "azure"},
                         {"id": 13, "name": "Gladia", "code": "gladia"})
_EVERY_PROVIDER_LANGUAGES = (1, 2)  # English and German; the others have Azure only


def providers(kind: str, language_id: int) -> list[dict[str, Any]]:
    """The providers (`kind`: "synthesizer" or "transcriber") a language offers."""
    every = SYNTHESIZER_PROVIDERS if kind == "synthesizer" else TRANSCRIBER_PROVIDERS
    return [p for p in every if language_id in _EVERY_PROVIDER_LANGUAGES or p["name"] == "Azure"]


_GENDERS = ("female", "male")
_ACCENTS = ("American", "British", "German", "French", "Spanish", "Italian", "neutral")


def voice_records(data: SandboxData, mode: str | None) -> list[dict[str, Any]]:
    """The voices as a 2026 host lists them: no mode on the record (dualplex voices are
    the multimodal ones), gender, accent and language instead."""
    wanted = "multimodal" if mode == "dualplex" else mode
    voices = []
    for index, voice in enumerate(data.voices):
        if wanted is not None and voice["mode"] != wanted:
            continue
        voices.append({
            "id": voice["id"], "name": voice["name"], "language_id": 1 + index % 3,
            "gender": _GENDERS[index % 2], "accent": _ACCENTS[index % len(_ACCENTS)],
            "age": ("young", "middle aged", "old")[index % 3], "preview_url": None,
            "synthesizer_provider_id": 1,
        })
    return voices


def model_records(data: SandboxData, kind: str | None) -> list[dict[str, Any]]:
    if kind in ("multimodal", "dualplex"):
        return [{k: v for k, v in m.items() if k != "type"} for m in MULTIMODAL_MODELS if m["type"] == kind]
    return data.models


def with_current_columns(record: dict[str, Any]) -> dict[str, Any]:
    """A record as a 2026 host stores it: the current columns, the unreported ones aside."""
    record.setdefault("knowledgebase_mode", "function_call")
    record.setdefault("ringing_time", 30)
    record.setdefault("max_initial_silence_duration", None)
    record.setdefault("multimodal_model_id", None if record.get("mode") == "pipeline" else 31)
    record.setdefault("synthesizer_provider_id", None)
    record.setdefault("transcriber_provider_id", None)
    if record.get("ambient_sound") is None:
        record["ambient_sound"] = "off"
    record.setdefault(HIDDEN, {})
    return record


def current_demo(data: SandboxData) -> None:
    """What the demo account holds on a 2026 host beyond the seed's settings: tools of
    several types, knowledge bases, fillers, folders and labels."""
    first = data.assistants.get(101)
    if first is not None:
        first["tools"] = [
            {"type": "end_call", "data": {"description": "End the call when the patient has no further questions."}},
            {"type": "call_transfer", "data": {
                "phone_number": "+4930120045699", "description": "Transfer to the practice team for emergencies",
                "warm_transfer": False}},
            {"type": "calendar_integration", "data": {
                "calcom_api_key": "cal_live_7f3a9c2e5b1d", "calcom_event_slug": "checkup", "calcom_endpoint": "eu",
                "description": "Book check-ups"}},
            {"type": "sms_followup", "data": {"template": "Thanks for calling!"}},  # a type the docs do not list
        ]
        first["knowledgebase_id"] = 81
        first["filler_config"] = {"positive": ["Great!", "Sure."], "negative": ["I see."],
                                  "question": ["Let me check."], "neutral": ["Okay."]}
        first[HIDDEN].update(tool_ids=[71, 73], folder_id=91, label_ids=[95])
    second = data.assistants.get(102)
    if second is not None:
        second["tools"].append({"type": "collect_keypad", "data": {"timeout": 10, "stop_key": "#"}})
        second["ringing_time"] = 25


def listed(record: dict[str, Any]) -> dict[str, Any]:
    """The record as the list shows it."""
    return {key: value for key, value in record.items() if key != HIDDEN}


# -- the update's rules ----------------------------------------------------------------

_ZERO_TO_ONE = (_numeric, _between(0, 1))
_SENSITIVITY = (_numeric, _between(0, 5))


def _id_in(items: Callable[[_Context], list[dict[str, Any]]]) -> Rule:
    def rule(attribute: str, value: object, ctx: _Context) -> str | None:
        if any(item["id"] == to_int(value) for item in items(ctx)):
            return None
        return f"The selected {_label(attribute)} is invalid."

    return rule


def _provider_of_language(kind: str) -> Rule:
    def rule(attribute: str, value: object, ctx: _Context) -> str | None:
        language = ctx.body.get("language_id") if "language_id" in ctx.body else next(
            (x["id"] for x in ctx.data.languages if x.get("iso_2") == ctx.record.get("language")), None)
        offered = providers(kind, to_int(language)) if is_integer(language) else []
        if any(item["id"] == to_int(value) for item in offered):
            return None
        return f"The selected {_label(attribute)} is invalid."

    return rule


def _ids_in(items: Callable[[_Context], list[dict[str, Any]]]) -> Rule:
    def rule(attribute: str, value: object, ctx: _Context) -> str | None:
        if not isinstance(value, list):
            return f"The {_label(attribute)} must be an array."
        known = {item["id"] for item in items(ctx)}
        for index, item in enumerate(value):
            if _integer(attribute, item, ctx) is not None or to_int(item) not in known:
                return f"The selected {attribute}.{index} is invalid."
        return None

    return rule


RULES: dict[str, tuple[Rule, ...]] = {
    "name": (_required, _string, _max_chars(255)),
    "voice_id": (_required, _integer, _id_in(lambda ctx: ctx.data.voices)),
    "language_id": (_required, _integer, _id_in(lambda ctx: ctx.data.languages)),
    "secondary_language_ids": (_ids_in(lambda ctx: ctx.data.languages),),
    "llm_model_id": (_nullable, _integer, _id_in(lambda ctx: ctx.data.models)),
    "multimodal_model_id": (_nullable, _integer, _id_in(lambda ctx: list(MULTIMODAL_MODELS))),
    "chat_llm_fallback_id": (_nullable, _integer, _id_in(lambda ctx: ctx.data.models)),
    "type": (_required, _one_of("inbound", "outbound")),
    "mode": (_required, _one_of("pipeline", "multimodal", "dualplex")),
    "timezone": (_required, _string, _timezone),
    "initial_message": (_nullable, _string, _max_chars(200)),
    "system_prompt": (_required, _string),
    "phone_number_id": (_nullable, _integer, _id_in(lambda ctx: ctx.data.phone_numbers)),
    "endpoint_type": (_required, _one_of("vad", "ai")),
    "endpoint_sensitivity": _SENSITIVITY,
    "interrupt_sensitivity": _SENSITIVITY,
    "turn_detection_threshold": (_nullable, *_ZERO_TO_ONE),
    "ambient_sound": (_one_of("off", "office", "city", "forest", "crowded_room", "cafe", "nature"),),
    "ambient_sound_volume": _ZERO_TO_ONE,
    "post_call_evaluation": (_boolean,),
    "send_webhook_only_on_completed": (_boolean,),
    "include_recording_in_webhook": (_boolean,),
    "is_webhook_active": (_boolean,),
    "webhook_url": (_nullable, _string, _url),
    "min_interrupt_words": (_nullable, _integer, _between(0, 10)),
    "variables": (_object,),
    "post_call_schema": (_list,),
    "tools": (_list,),
    "tool_ids": (_ids_in(lambda ctx: list(MID_CALL_TOOLS)),),
    "knowledgebase_id": (_nullable, _integer, _id_in(lambda ctx: list(KNOWLEDGE_BASES))),
    "knowledgebase_mode": (_one_of("function_call", "prompt"),),
    "llm_temperature": _ZERO_TO_ONE,
    "voice_stability": _ZERO_TO_ONE,
    "voice_similarity": _ZERO_TO_ONE,
    "speech_speed": (_numeric, _between(0.7, 1.2)),
    "tts_emotion_enabled": (_boolean,),
    "synthesizer_provider_id": (_nullable, _integer, _provider_of_language("synthesizer")),
    "transcriber_provider_id": (_nullable, _integer, _provider_of_language("transcriber")),
    "allow_interruptions": (_boolean,),
    "fillers": (_boolean,),
    "filler_config": (_array,),
    "reengagement_interval": (_integer, _between(7, 600)),
    "reengagement_prompt": (_nullable, _string, _max_chars(1000)),
    "max_duration": (_integer, _between(20, 1200)),
    "max_silence_duration": (_integer, _between(1, 360)),
    "max_initial_silence_duration": (_nullable, _integer, _between(1, 120)),
    "ringing_time": (_integer, _between(1, 60)),
    "end_call_on_voicemail": (_boolean,),
    "voice_mail_message": (_nullable, _string, _max_chars(1000)),
    "enable_noise_cancellation": (_boolean,),
    "record": (_boolean,),
    "wait_for_customer": (_boolean,),
    "folder_id": (_nullable, _integer, _id_in(lambda ctx: list(FOLDERS))),
    "label_ids": (_ids_in(lambda ctx: list(LABELS)),),
}

_SCHEMA_ITEM_RULES: dict[str, tuple[Rule, ...]] = {
    "name": (_required, _string),
    "type": (_required, _one_of("string", "number", "bool")),
    "description": (_required, _string),
}
# type -> {field: (required, rules)}: api-contract.md, "Built-in tools".
_TOOL_FIELDS: dict[str, dict[str, tuple[Rule, ...]]] = {
    "end_call": {"description": (_nullable, _string)},
    "call_transfer": {"phone_number": (_required, _string), "description": (_nullable, _string),
                      "warm_transfer": (_nullable, _boolean)},
    "warm_call_transfer": {"supervisor_phone": (_required, _string), "outbound_phone_id": (_required, _integer),
                           "description": (_required, _string),
                           "caller_id_mode": (_nullable, _one_of("outbound_number", "customer_number", "custom")),
                           "hold_music": (_nullable, _one_of("hold_music", "none")),
                           "hold_music_volume": (_nullable, _integer, _between(0, 100))},
    "dtmf_input": {"description": (_nullable, _string)},
    "collect_keypad": {"timeout": (_nullable, _integer, _between(1, 30)), "stop_key": (_nullable, _one_of("#", "*"))},
    "calendar_integration": {"calcom_api_key": (_required, _string), "calcom_event_slug": (_required, _string),
                             "calcom_endpoint": (_nullable, _one_of("us", "eu", "custom"))},
    "assistant_transfer": {"assistant_id": (_required, _integer), "description": (_nullable, _string, _max_chars(500)),
                           "message_before_transfer": (_nullable, _string, _max_chars(500))},
}


def _nested_errors(name: str, value: Any, ctx: _Context) -> Errors:  # a JSON value of the body
    errors: Errors = {}
    if name == "post_call_schema":
        errors.update(schema_errors(value, _SCHEMA_ITEM_RULES, ctx))
        for index, item in enumerate(value):
            prefix = f"post_call_schema.{index}"
            if not isinstance(item, dict):
                continue
            row_name = item.get("name", "")  # the rules above reported a missing one
            if f"{prefix}.name" not in errors and not (
                    3 <= len(row_name) <= 16 and row_name.isascii()
                    and all(c.islower() or c.isdigit() or c == "_" for c in row_name)):
                errors[f"{prefix}.name"] = [
                    f"{prefix}.name field must be 3-16 lowercase letters, digits or underscores"]
            description = item.get("description", "")
            if f"{prefix}.description" not in errors and not 3 <= len(description) <= 255:
                errors[f"{prefix}.description"] = [f"{prefix}.description must be between 3 and 255 characters"]
    elif name == "tools":
        for index, tool in enumerate(value):
            prefix = f"tools.{index}"
            kind = tool.get("type") if isinstance(tool, dict) else None
            if isinstance(tool, dict) and not isinstance(kind, str):
                errors[f"{prefix}.type"] = [f"The {prefix}.type field must be a string."]
                continue
            fields = _TOOL_FIELDS.get(kind) if isinstance(kind, str) else None
            if fields is None:
                continue  # kept as it is: the server knows types the docs do not
            for key, rules in fields.items():
                if message := _run(rules, f"{prefix}.{key}", tool.get(key), ctx):
                    errors[f"{prefix}.{key}"] = [message]
    elif name == "filler_config" and isinstance(value, dict):
        for kind, phrases in value.items():
            if kind not in ("positive", "negative", "question", "neutral") or not isinstance(phrases, list):
                errors[f"filler_config.{kind}"] = [f"The filler_config.{kind} is invalid."]
                continue
            for index, phrase in enumerate(phrases):
                # `filler_config.*.*` => string: Laravel trims input and makes "" null.
                if is_blank(phrase) or not isinstance(phrase, str):
                    errors[f"filler_config.{kind}.{index}"] = [f"The filler_config.{kind}.{index} must be a string."]
    return errors


# Settings of some modes only (api-contract.md's 2026 table).
_MODE_ONLY = {
    "llm_model_id": ("pipeline",), "transcriber_provider_id": ("pipeline",), "fillers": ("pipeline",),
    "multimodal_model_id": ("multimodal", "dualplex"), "chat_llm_fallback_id": ("multimodal", "dualplex"),
    "turn_detection_threshold": ("multimodal", "dualplex"),
}


def _resulting(ctx: _Context, key: str) -> object:
    return ctx.body.get(key, ctx.record.get(key))


def _cross_field(ctx: _Context) -> Errors:
    errors: Errors = {}
    mode = _resulting(ctx, "mode")
    if mode in ("multimodal", "dualplex") and "allow_interruptions" in ctx.body \
            and not to_bool(ctx.body["allow_interruptions"]):
        errors["allow_interruptions"] = ["Interruptions cannot be disabled in multimodal or dualplex mode."]
    if mode != "pipeline" and ctx.body.get("knowledgebase_mode") == "prompt":
        errors["knowledgebase_mode"] = ["Only function_call mode is available for multimodal assistants."]
    for key, modes in _MODE_ONLY.items():
        value = ctx.body.get(key)
        if key in ctx.body and value is not None and value is not False and mode not in modes:
            errors[key] = [f"The {_label(key)} is only available for {' and '.join(modes)} assistants."]
    if "voice_id" in ctx.body or "mode" in ctx.body:
        voice_id = _resulting(ctx, "voice_id")
        wanted = "multimodal" if mode == "dualplex" else mode
        voice = next((v for v in ctx.data.voices if voice_id is not None and v["id"] == to_int(voice_id)), None)
        if voice is not None and voice["mode"] != wanted:
            errors["voice_id"] = ["The selected voice is not compatible with the selected engine type."]
    if "phone_number_id" in ctx.body or "type" in ctx.body:
        direction = _resulting(ctx, "type")
        errors.update(phone_number_fits(ctx, direction if isinstance(direction, str) else None))
    if "webhook_url" in ctx.body or "is_webhook_active" in ctx.body:
        active = to_bool(_resulting(ctx, "is_webhook_active")) and not (
            "webhook_url" in ctx.body and ctx.body["webhook_url"] is None and "is_webhook_active" not in ctx.body)
        if active and is_blank(_resulting(ctx, "webhook_url")):
            errors["webhook_url"] = ["The webhook url field is required when is webhook active is true."]
    return errors


def validate_update(body: dict[str, Any], record: dict[str, Any], data: SandboxData) -> Errors:
    """The 422 `errors` for a 2026 body; {} when valid. Unknown keys are ignored."""
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
    for key, messages in _cross_field(ctx).items():
        if key not in failed:
            errors.setdefault(key, []).extend(messages)
    return errors


def _decimal(value: object) -> str:
    return str(to_number(value))


def _optional_int(value: object) -> int | None:
    return None if value is None else to_int(value)


def _wrapped_tools(tools: Any) -> list[Any]:
    """Written flat, stored (and listed) wrapped: {type, data: {...}}."""
    stored = []
    for tool in tools:
        if isinstance(tool, dict) and "type" in tool:
            stored.append({"type": tool["type"], "data": {k: v for k, v in tool.items() if k != "type"}})
        else:
            stored.append(copy.deepcopy(tool))
    return stored


_STORED: dict[str, Callable[[Any], object]] = {  # by the JSON value sent
    "ambient_sound_volume": _decimal, "llm_temperature": _decimal, "voice_stability": _decimal,
    "voice_similarity": _decimal, "speech_speed": _decimal, "fillers": lambda v: int(to_bool(v)),
    "end_call_on_voicemail": lambda v: int(to_bool(v)), "tools": _wrapped_tools,
    "variables": lambda v: dict(v) if v else [],  # PHP encodes an empty map as []
}
for _name in ("voice_id", "language_id", "reengagement_interval", "max_duration", "max_silence_duration",
              "ringing_time"):
    _STORED[_name] = to_int
for _name in ("phone_number_id", "llm_model_id", "multimodal_model_id", "knowledgebase_id",
              "max_initial_silence_duration", "min_interrupt_words", "synthesizer_provider_id",
              "transcriber_provider_id"):
    _STORED[_name] = _optional_int
for _name in ("post_call_evaluation", "send_webhook_only_on_completed", "include_recording_in_webhook",
              "is_webhook_active", "allow_interruptions", "enable_noise_cancellation", "record",
              "wait_for_customer"):
    _STORED[_name] = to_bool


def apply_update(record: dict[str, Any], body: dict[str, Any], data: SandboxData) -> bool:
    """Write a valid 2026 body into the record; keys it does not know change nothing.
    A mode change resets the mode's own settings (models, providers), as documented."""
    hidden = record.setdefault(HIDDEN, {})
    changes: dict[str, Any] = {}
    for name in RULES:
        if name not in body:
            continue
        stored = _STORED.get(name)
        value = stored(body[name]) if stored else copy.deepcopy(body[name])
        if name in UNREPORTED:
            hidden[name] = value
        else:
            changes[name] = value
    if "language_id" in changes:
        changes["language"] = next((x.get("iso_2") for x in data.languages if x["id"] == changes["language_id"]), None)
    if "webhook_url" in body and body["webhook_url"] is None and "is_webhook_active" not in body:
        changes["is_webhook_active"] = False
    if "mode" in changes and changes["mode"] != record.get("mode"):
        for reset in ("multimodal_model_id", "synthesizer_provider_id", "transcriber_provider_id"):
            changes.setdefault(reset, None)
    changes = {key: value for key, value in changes.items() if record.get(key) != value or key not in record}
    if not changes:
        return False
    record.update(changes)
    record["updated_at"] = now_timestamp()
    return True
