"""The built-in tools of the 2026 dialect (`tools`): each type's fields and rules, as
api-contract.md ("Built-in tools") lists them.

The list is sent whole, so a tool of a type not listed here, or a field not listed, is
kept exactly as read and sent back unchanged: only what is known is checked.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from voicedesk.text import plain

# Fields whose value is a secret: masked on screen and in drafts, history and output.
SECRET_FIELDS = frozenset({"calcom_api_key"})


@dataclass(frozen=True)
class ToolField:
    name: str
    kind: str  # "text", "bool", "int", "choice", "list", "id"
    required: bool = False
    choices: tuple[str, ...] = ()
    minimum: int | None = None
    maximum: int | None = None
    max_length: int | None = None


@dataclass(frozen=True)
class ToolType:
    type: str
    label: str
    fields: tuple[ToolField, ...]


def _text(name: str, required: bool = False, max_length: int | None = None) -> ToolField:
    return ToolField(name, "text", required, max_length=max_length)


TOOL_TYPES: dict[str, ToolType] = {tool.type: tool for tool in (
    ToolType("end_call", "End the call", (_text("description"),)),
    ToolType("call_transfer", "Transfer the call", (
        _text("phone_number", True), _text("description"), _text("custom"), _text("timezone"),
        ToolField("warm_transfer", "bool"), _text("warm_transfer_message"),
    )),
    ToolType("warm_call_transfer", "Warm transfer to a supervisor", (
        _text("supervisor_phone", True), ToolField("outbound_phone_id", "id", True), _text("description", True),
        _text("custom_sip"),
        ToolField("caller_id_mode", "choice", choices=("outbound_number", "customer_number", "custom")),
        _text("custom_caller_id"), ToolField("hold_music", "choice", choices=("hold_music", "none")),
        ToolField("hold_music_volume", "int", minimum=0, maximum=100), _text("hold_message"),
        _text("summary_instructions"), _text("briefing_initial_message"), _text("connected_message"),
    )),
    ToolType("dtmf_input", "Press keys (DTMF)", (_text("description"),)),
    ToolType("collect_keypad", "Collect keypad input", (
        ToolField("timeout", "int", minimum=1, maximum=30), ToolField("stop_key", "choice", choices=("#", "*")),
    )),
    ToolType("calendar_integration", "Book with Cal.com", (
        _text("calcom_api_key", True), _text("calcom_event_slug", True), _text("calcom_team_slug"),
        ToolField("calcom_endpoint", "choice", choices=("us", "eu", "custom")), _text("calcom_custom_endpoint"),
        ToolField("calcom_booking_fields", "list"), _text("description"),
    )),
    ToolType("assistant_transfer", "Transfer to another assistant", (
        ToolField("assistant_id", "id", True), _text("description", max_length=500),
        _text("message_before_transfer", max_length=500), ToolField("speak_transfer_greeting", "bool"),
    )),
)}


def spec_of(tool: Any) -> ToolType | None:
    """The known type of a tool entry, or None (not an object, or a type not listed:
    stored data may hold any JSON there, a list included)."""
    kind = tool.get("type") if isinstance(tool, dict) else None
    return TOOL_TYPES.get(kind) if isinstance(kind, str) else None




def check_tool(tool: Any, number: int) -> str | None:
    """The first rule the tool at position `number` (from 1) breaks, or None."""
    where = f"Built-in tools, tool {number}"
    if not isinstance(tool, dict):
        return None  # an entry of an old or unknown shape: sent back as it came
    spec = spec_of(tool)
    if spec is None:
        return None if isinstance(tool.get("type"), str) else f"{where} has no type."
    where = f"{where} ({spec.type})"
    for field in spec.fields:
        problem = field_problem(field, tool.get(field.name))
        if problem:
            return f"{where}: {field.name} {problem}"
    return None


def field_problem(field: ToolField, value: Any) -> str | None:
    """What is wrong with one field's value ("is required.", "must be text."), or None;
    None or blank text is a field not set (blank, as the server's `required` sees it)."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return "is required." if field.required else None
    if field.name in SECRET_FIELDS and value in (KEPT, NOT_KEPT):
        return "was not kept in the draft (secrets never are): type it again."
    return _check_value(field, value)


def _check_value(field: ToolField, value: Any) -> str | None:
    if field.kind == "text":
        if not isinstance(value, str):
            return "must be text."
        if field.max_length is not None and len(value) > field.max_length:
            return f"may have at most {field.max_length} characters; it has {len(value)}."
    elif field.kind == "bool":
        # The server's boolean: true, false, 0, 1, "0" or "1".
        if not (isinstance(value, bool) or (type(value) is int and value in (0, 1)) or value in ("0", "1")):
            return "must be true or false."
    elif field.kind in ("int", "id"):
        # Read data may hold ids as strings ("7"): they go back as they came. The server's
        # integer takes those, signs and whole floats alike.
        number = _whole(value)
        if number is None:
            return "must be a whole number."
        if field.minimum is not None and field.maximum is not None and not field.minimum <= number <= field.maximum:
            return f"must be between {field.minimum} and {field.maximum}; {number} is outside."
    elif field.kind == "choice":
        if value not in field.choices:
            return f"must be one of {', '.join(field.choices)}; {plain(value, 40)} is not."
    elif field.kind == "list" and not isinstance(value, list):
        return "must be a list."
    return None


def _whole(value: Any) -> int | None:
    """The server's `integer`: an int, a whole float or a string of digits with a sign."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        return int(value) if value.is_integer() else None
    if isinstance(value, str) and re.fullmatch(r"[+-]?[0-9]+", value):
        return int(value)
    return None


def check_tools(tools: Any) -> str | None:
    """The first rule the tools list breaks, or None."""
    if not isinstance(tools, list):
        return "Built-in tools must be a list of tools."
    for number, tool in enumerate(tools, start=1):
        problem = check_tool(tool, number)
        if problem:
            return problem
    return None


def summary(tools: Any) -> str:
    """One line: the tools' types in order."""
    if not isinstance(tools, list):
        return "not a list"
    names = [str(tool.get("type")) if isinstance(tool, dict) else str(tool) for tool in tools]
    return ", ".join(names) if names else "none"


def gist(tool: dict[str, Any]) -> str:
    """One line about a tool of a known type: its required settings (never a secret),
    then the start of its description; else the first settings it has."""
    spec = spec_of(tool)
    fields = spec.fields if spec else ()
    known = {field.name for field in fields}
    parts = [str(tool[f.name]) if f.kind == "text" else f"{f.name.replace('_', ' ')} {tool[f.name]}" for f in fields
             if f.required and f.name not in SECRET_FIELDS | {"description"} and tool.get(f.name) not in (None, "")]
    if tool.get("description") not in (None, "") and "description" in known:
        parts.append(str(tool["description"]))
    if not parts:
        parts = [f"{f.name} {tool[f.name]}" for f in fields
                 if f.name not in SECRET_FIELDS and tool.get(f.name) not in (None, "")][:2]
    return " · ".join(parts)


KEPT = "*** kept ***"  # a secret as it is shown: the stored one stays unless replaced


def masked(value: Any, secrets: frozenset[str] = SECRET_FIELDS) -> Any:
    """The value with each secret (a key of `secrets` in an object of a list) as KEPT."""
    if not isinstance(value, list) or not secrets:
        return value
    return [
        {key: (KEPT if key in secrets and item else item) for key, item in entry.items()}
        if isinstance(entry, dict) else entry
        for entry in value
    ]


def unmasked(edited: Any, original: Any, secrets: frozenset[str] = SECRET_FIELDS) -> tuple[Any, str | None]:
    """The edited value with each KEPT put back from the entry of the same type at the
    same place in `original` (else from the only entry of that type); a problem when
    there is none to take it from."""
    if not isinstance(edited, list) or not secrets:
        return edited, None
    before = original if isinstance(original, list) else []
    result = []
    for index, entry in enumerate(edited):
        if not isinstance(entry, dict) or not any(entry.get(key) == KEPT for key in secrets):
            result.append(entry)
            continue
        source = before[index] if index < len(before) and isinstance(before[index], dict) \
            and before[index].get("type") == entry.get("type") else None
        if source is None:
            same_type = [e for e in before if isinstance(e, dict) and e.get("type") == entry.get("type")]
            source = same_type[0] if len(same_type) == 1 else None
        if source is None:
            return edited, f"tool {index + 1}: type the secret again ({KEPT!r} has no stored value here)"
        result.append({key: (source.get(key) if key in secrets and item == KEPT else item)
                       for key, item in entry.items()})
    return result, None


# A secret a draft does not hold (one the user typed): replayed, the tool asks for it.
NOT_KEPT = "*** not kept in drafts ***"


def for_draft(value: Any, original: Any, secrets: frozenset[str] = SECRET_FIELDS) -> Any:
    """The value as a draft may hold it: a secret the server stores (the one `unmasked`
    would put back) as KEPT, any other secret as NOT_KEPT; drafts never hold secrets."""
    if not isinstance(value, list) or not secrets:
        return value
    shown = masked(value, secrets)
    restored, _ = unmasked(shown, original, secrets)
    result = []
    for entry, back in zip(value, restored, strict=True):
        if isinstance(entry, dict):
            entry = {key: item if key not in secrets or not item else
                     KEPT if isinstance(back, dict) and back.get(key) == item else NOT_KEPT
                     for key, item in entry.items()}
        result.append(entry)
    return result


def from_draft(value: Any, original: Any, secrets: frozenset[str] = SECRET_FIELDS) -> Any:
    """A draft's value with its kept secrets back from `original` (the server's now);
    one that cannot be put back stays NOT_KEPT, which asks to be typed again."""
    restored, problem = unmasked(value, original, secrets)
    if problem is None:
        return restored
    return [{key: NOT_KEPT if key in secrets and item == KEPT else item for key, item in entry.items()}
            if isinstance(entry, dict) else entry for entry in value]
