"""Translation between the API's shapes and edit values.

Read: a list record (database names, loose types, the same for every dialect) -> edit
values keyed by setting name. Write: edit values -> an update body in the dialect's
names and shapes (2025: the seed's, end_call_tool nested; 2026: the read side's names,
ids for languages and models, flat tools). How each field is read and written is data
in the catalogue (`Field.source`, `Field.read`, `Field.update_name`, `Field.write`).
"""

from __future__ import annotations

import copy
import json
import math
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from voicedesk.fields import Catalogue, Field, Kind, Read, Write, catalogue
from voicedesk.records import Lookups

_DIRECTIONS = {"inbound": "receive", "outbound": "make"}
_WAIT_FOR_CUSTOMER = {False: "AI assistant", True: "Customer"}
# Old read data names the bool schema type in full; the update accepts only "bool".
_SCHEMA_TYPE_ALIASES = {"boolean": "bool"}


@dataclass
class Loaded:
    values: dict[str, Any]  # edit values by setting name
    read_only: dict[str, Any]  # what the record holds that the update cannot change
    notes: dict[str, str] = field(default_factory=dict)  # read problems, by field
    # Settings the record does not report (their value is None, and unknown).
    unreported: frozenset[str] = frozenset()


class _Unreadable(ValueError):
    """A stored value that has no edit value; the message says what was stored."""


# A number as text ("0.7", "-3", "1e3"), ASCII only: float() would also take "inf",
# "nan", "1_000" and other scripts' digits, none of which a server means as a number.
_DECIMAL = re.compile(r"[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?", re.ASCII)
_WHOLE = re.compile(r"[+-]?\d+", re.ASCII)
# The database's integer columns are 64-bit: anything wider is no stored count or id.
_INT_MAX = 2**63 - 1
# Copies, comparisons and drafts recurse through edit values; no real value nests deeper.
MAX_DEPTH = 32


def _described(raw: Any) -> str:
    """A stored value as a note quotes it: short whatever its size, never its nesting."""
    if raw is None or isinstance(raw, bool):
        return json.dumps(raw)
    if isinstance(raw, int):
        if _fits_64_bits(raw):
            return str(raw)
        if raw.bit_length() > 14_000:  # str() refuses ints past 4,300 digits
            return "a number of thousands of digits"
        return f"a {len(str(abs(raw))):,}-digit number"
    if isinstance(raw, float):
        return json.dumps(raw)  # NaN and Infinity as the server wrote them
    if isinstance(raw, str):
        return repr(raw if len(raw) <= 40 else raw[:39] + "…")
    if isinstance(raw, list):
        return "a list"
    if isinstance(raw, dict):
        return "an object"
    return type(raw).__name__


def _fits_64_bits(number: int) -> bool:
    return -_INT_MAX - 1 <= number <= _INT_MAX


def _as_int(raw: Any) -> int:
    if isinstance(raw, bool):
        raise _Unreadable(f"the server stored {_described(raw)}, not a whole number")
    if isinstance(raw, int):
        number = raw
    elif isinstance(raw, str) and _WHOLE.fullmatch(raw.strip()) and len(raw.strip()) <= 20:
        number = int(raw)
    else:
        value = _as_number(raw)
        if value != int(value):
            raise _Unreadable(f"the server stored {_described(raw)}, not a whole number")
        number = int(value)
    if not _fits_64_bits(number):
        raise _Unreadable(f"the server stored {_described(raw)}, too large for this setting")
    return number


def _as_number(raw: Any) -> int | float:
    """A finite number: NaN and Infinity are no value a setting can hold or send."""
    if isinstance(raw, bool):
        raise _Unreadable(f"the server stored {_described(raw)}, not a number")
    if isinstance(raw, str) and _DECIMAL.fullmatch(raw.strip()):
        parsed = float(raw)
        whole = math.isfinite(parsed) and parsed.is_integer() and "." not in raw
        number: int | float = int(parsed) if whole else parsed
    elif isinstance(raw, (int, float)):
        number = raw
    else:
        raise _Unreadable(f"the server stored {_described(raw)}, not a number")
    try:
        finite = math.isfinite(number)
    except OverflowError:  # an int beyond any float
        finite = False
    if not finite:
        what = "not a finite number" if isinstance(raw, float) else "too large for this setting"
        raise _Unreadable(f"the server stored {_described(raw)}, {what}")
    return number


def _as_bool(raw: Any) -> bool:
    if isinstance(raw, bool):
        return raw
    if raw in (0, 1, "0", "1"):
        return bool(int(raw))
    raise _Unreadable(f"the server stored {_described(raw)}, not true or false")


def _as_text(raw: Any) -> str:
    if not isinstance(raw, str):
        raise _Unreadable(f"the server stored {_described(raw)}, not text")
    return raw


def _end_call_description(tools: Any) -> str | None:
    if tools is None:
        return None
    if not isinstance(tools, list):
        raise _Unreadable(f"the server stored {_described(tools)} as its tools, not a list")
    for tool in tools:
        if isinstance(tool, dict) and tool.get("type") == "end_call":
            data = tool.get("data")
            if data is None:
                return None
            if not isinstance(data, dict):
                raise _Unreadable(f"the end call tool's data is {_described(data)}, not an object")
            description = data.get("description")
            return None if description is None else _as_text(description)
    return None  # older records list tool names as strings: no description stored


def _tools(raw: Any) -> list[Any]:
    """The built-in tools in the shape they are written: `{type, data: {...}}` becomes
    `{type, ...}`. An entry that is not of that shape is kept exactly as it came (and
    sent back so): the list is sent whole."""
    if not isinstance(raw, list):
        raise _Unreadable(f"the server stored {_described(raw)} as its tools, not a list")
    flat: list[Any] = []
    for item in copy.deepcopy(raw):
        data = item.get("data") if isinstance(item, dict) else None
        if isinstance(item, dict) and isinstance(data, dict) and set(item) == {"type", "data"} \
                and isinstance(item["type"], str) and "type" not in data:
            flat.append({"type": item.get("type"), **data})
        else:
            flat.append(item)
    return flat


def _id_list(raw: Any) -> list[int]:
    if not isinstance(raw, list):
        raise _Unreadable(f"the server stored {_described(raw)}, not a list of ids")
    return [_as_int(item) for item in raw]


def _phrases(raw: Any) -> dict[str, Any]:
    if isinstance(raw, list) and not raw:
        return {}  # PHP encodes an empty map as []
    if not isinstance(raw, dict):
        raise _Unreadable(f"the server stored {_described(raw)}, not an object")
    return copy.deepcopy(raw)


def _nested_deeper_than(value: Any, limit: int) -> bool:
    """Whether lists and objects nest more than `limit` levels (walked without recursion)."""
    stack = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, (list, dict)):
            if depth > limit:
                return True
            children = item.values() if isinstance(item, dict) else item
            stack.extend((child, depth + 1) for child in children)
    return False


def _variables(raw: Any) -> dict[str, Any]:
    """The stored object as it is: values that are not text (numbers, booleans, objects)
    stay what they are, so that sending the object back changes only what was edited."""
    if isinstance(raw, list) and not raw:
        return {}  # PHP encodes an empty map as []
    if not isinstance(raw, dict):
        raise _Unreadable(f"the server stored {type(raw).__name__}, not an object")
    return copy.deepcopy(raw)


def _schema(raw: Any, notes: list[str]) -> list[Any]:
    """The stored rows as they are, every attribute kept (`required`, `unit`, ...): the
    schema is sent whole, so a row nobody edited must go back as it came. Only an old
    "boolean" type becomes "bool", the one the update accepts, and a note says so."""
    if not isinstance(raw, list):
        raise _Unreadable(f"the server stored {type(raw).__name__}, not a list")
    items = copy.deepcopy(raw)
    renamed: dict[str, list[int]] = {}
    for number, item in enumerate(items, start=1):
        if isinstance(item, dict) and isinstance(item.get("type"), str) and item["type"] in _SCHEMA_TYPE_ALIASES:
            renamed.setdefault(item["type"], []).append(number)
            item["type"] = _SCHEMA_TYPE_ALIASES[item["type"]]
    for stored, numbers in renamed.items():
        rows = ", ".join(map(str, numbers[:5])) + (f" and {len(numbers) - 5} more" if len(numbers) > 5 else "")
        notes.append(
            f"type {stored!r} (row{'s' if len(numbers) > 1 else ''} {rows}) is not one an update takes: "
            f"shown as {_SCHEMA_TYPE_ALIASES[stored]!r}, and sent so when the schema is saved"
        )
    return items


def _read_value(spec: Field, record: dict[str, Any], lookups: Lookups, notes: list[str]) -> Any:
    raw = record.get(spec.source) if spec.source else None
    rule = spec.read
    if rule is Read.NOT_NULL:
        return raw is not None
    if rule is Read.END_CALL_TOOL:
        return _end_call_description(raw)
    if raw is None:
        return None
    if rule is Read.DECIMAL:
        return _as_number(raw)
    if rule in (Read.INT_BOOL, Read.BOOL):
        return _as_bool(raw)
    if rule is Read.DIRECTION:
        if not isinstance(raw, str) or raw not in _DIRECTIONS:
            raise _Unreadable(f"the server stored {_described(raw)}, not inbound or outbound")
        return _DIRECTIONS[raw]
    if rule is Read.WAIT_FOR_CUSTOMER:
        return _WAIT_FOR_CUSTOMER[_as_bool(raw)]
    if rule is Read.LANGUAGE_ID:
        return _name_for(_as_int(raw), lookups.languages, lookups.language_name, "language")
    if rule is Read.MODEL_ID:
        return _name_for(_as_int(raw), lookups.models, lookups.model_name, "model")
    if rule in (Read.VARIABLES, Read.SCHEMA, Read.TOOLS, Read.PHRASES) and _nested_deeper_than(raw, MAX_DEPTH):
        raise _Unreadable(f"the server stored lists or objects nested more than {MAX_DEPTH} levels deep")
    if rule is Read.VARIABLES:
        return _variables(raw)
    if rule is Read.SCHEMA:
        return _schema(raw, notes)
    if rule is Read.TOOLS:
        return _tools(raw)
    if rule is Read.ID_LIST:
        return _id_list(raw)
    if rule is Read.PHRASES:
        return _phrases(raw)
    if spec.kind is Kind.INTEGER or spec.holds_id:
        return _as_int(raw)
    if spec.kind is Kind.NUMBER:
        return _as_number(raw)
    if spec.kind in (Kind.TEXT, Kind.LONG_TEXT, Kind.CHOICE, Kind.LOOKUP):
        return _as_text(raw)
    return raw


def _name_for(
    raw_id: int, records: list[Any] | None, resolve: Callable[[int], str | None], what: str
) -> str | None:
    if records is None:
        raise _Unreadable(f"{what} id {raw_id} (the account's {what}s are not loaded)")
    name = resolve(raw_id)
    if name is None:
        raise _Unreadable(f"{what} id {raw_id} is not among the account's {what}s")
    return name


def read_record(record: dict[str, Any], lookups: Lookups | None = None,
                fields: Catalogue | None = None) -> Loaded:
    """A list record -> edit values. Unreadable values become None with a note."""
    lookups = lookups or Lookups()
    fields = fields or catalogue()
    values: dict[str, Any] = {}
    notes: dict[str, str] = {}
    unreported = set()
    for spec in fields:
        if not spec.reported and spec.source not in record:
            values[spec.name] = None
            unreported.add(spec.name)
            continue
        field_notes: list[str] = []
        try:
            values[spec.name] = _read_value(spec, record, lookups, field_notes)
        except _Unreadable as problem:
            values[spec.name] = None
            field_notes.append(str(problem))
        if field_notes:
            notes[spec.name] = "; ".join(field_notes)
    used = {spec.source for spec in fields if spec.source}
    read_only = {key: value for key, value in record.items() if key not in used}
    return Loaded(values, read_only, notes, frozenset(unreported))


class WriteError(ValueError):
    """An edit value this dialect's body cannot express (a language name that is not
    among the account's languages, with the lists not loaded, ...)."""


_TYPES = {"receive": "inbound", "make": "outbound"}
_WAITS = {"AI assistant": False, "Customer": True}


def written(spec: Field, value: Any, lookups: Lookups) -> Any:
    """An edit value as the dialect's body holds it."""
    if value is None or spec.write is Write.SAME:
        return value
    if spec.write is Write.DIRECTION:
        return _TYPES.get(value, value)  # anything else goes as it is: the rules said so
    if spec.write is Write.WAIT_FOR_CUSTOMER:
        return _WAITS.get(value, value)
    records = lookups.languages if spec.write is Write.LANGUAGE_ID else lookups.models
    what = "language" if spec.write is Write.LANGUAGE_ID else "model"
    if records is None:
        raise WriteError(f"{spec.label} {value!r} cannot be sent: the host wants its id, and the "
                         f"account's {what}s are not loaded. Reload the lists and try again.")
    ids = [record.id for record in records if record.name == value]
    if len(ids) != 1:
        raise WriteError(f"{spec.label} {value!r} is {'not one' if not ids else 'more than one'} of the "
                         f"account's {what}s; the host wants one id.")
    return ids[0]


def unwritten(spec: Field, value: Any, shape: Write, lookups: Lookups) -> Any:
    """A value given in a body's shape (`shape`, e.g. a language id) -> the edit value.
    A value that has none raises WriteError naming the setting."""
    if value is None or shape is Write.SAME:
        return value
    if shape is Write.DIRECTION:
        back = {wire: edit for edit, wire in _TYPES.items()}
        if isinstance(value, str) and value in back:
            return back[value]
        raise WriteError(f"{spec.update_name} must be inbound or outbound, not {_described(value)}.")
    if shape is Write.WAIT_FOR_CUSTOMER:
        if isinstance(value, bool):
            return {wait: edit for edit, wait in _WAITS.items()}[value]
        raise WriteError(f"wait_for_customer must be true or false, not {_described(value)}.")
    records = lookups.languages if shape is Write.LANGUAGE_ID else lookups.models
    what = "language" if shape is Write.LANGUAGE_ID else "model"
    if type(value) is not int:
        raise WriteError(f"{_described(value)} is no {what} id (a whole number).")
    if records is None:
        raise WriteError(f"{what} id {value} cannot be checked: the account's {what}s are not loaded.")
    name = next((record.name for record in records if record.id == value), None)
    if name is None:
        raise WriteError(f"{what} id {value} is not among the account's {what}s.")
    return name


def to_body(values: dict[str, Any], fields: Catalogue | None = None,
            lookups: Lookups | None = None) -> dict[str, Any]:
    """Edit values (only those to send) -> the update body, nested where the API nests,
    in the dialect's names and shapes. Raises WriteError (see `written`)."""
    fields = fields or catalogue()
    lookups = lookups or Lookups()
    body: dict[str, Any] = {}
    for spec in fields:  # catalogue order keeps bodies stable and readable
        if spec.name not in values:
            continue
        target = body
        *parents, leaf = spec.update_name.split(".")
        for parent in parents:
            target = target.setdefault(parent, {})
        target[leaf] = written(spec, values[spec.name], lookups)
    return body


class UnknownKey(KeyError):
    def __init__(self, key: str) -> None:
        self.key = key
        super().__init__(key)

    def __str__(self) -> str:
        return f"{_described(self.key)} is not a field of the assistant"


def from_body(body: dict[str, Any], fields: Catalogue | None = None,
              lookups: Lookups | None = None) -> dict[str, Any]:
    """An update body (partial allowed) -> edit values by setting name.

    Takes either dialect's names (see `Catalogue.resolve`), the nested end_call_tool
    object and its dotted spelling; an unknown key raises UnknownKey naming it (a typo
    must never be dropped silently), a value the name's shape cannot hold WriteError.
    """
    fields = fields or catalogue()
    lookups = lookups or Lookups()
    values: dict[str, Any] = {}
    for key, value in body.items():
        found = fields.resolve(key)
        if found is not None:
            spec, shape = found
            values[spec.name] = unwritten(spec, value, shape, lookups)
            continue
        if isinstance(value, dict) and any(name.startswith(key + ".") for name in fields.by_name):
            for inner_key, inner_value in value.items():
                dotted = f"{key}.{inner_key}"
                if dotted not in fields.by_name:
                    raise UnknownKey(dotted)
                values[dotted] = inner_value
            continue
        raise UnknownKey(key)
    return values
