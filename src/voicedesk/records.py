"""The account's lookup records, as the lookup endpoints return them.

Unknown keys are ignored (the server may add some); missing optional ones get a
default. Anything else wrong with a record is the server's fault: `read_records` raises
`RecordError`, which `api/` turns into a protocol error.

Plain slotted dataclasses, checked against their own annotations, not pydantic: the
editor reads them on the way to its first screen, and importing pydantic and building
its validators took about 65 ms of a cold start. Slots keep an account's thousands of
voices small (no __dict__ each).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property
from typing import Any, TypeVar


@dataclass(frozen=True, slots=True)
class Voice:
    id: int
    name: str
    # The engine type it works with. A 2025 host says so on the record; a 2026 host
    # does not, and the client fills in the mode its list was asked for.
    mode: str | None = None
    language_id: int | None = None
    gender: str | None = None
    accent: str | None = None
    age: str | None = None

    @property
    def details(self) -> str:
        """Gender, accent and age, as far as the server says them (2026)."""
        return ", ".join(part for part in (self.gender, self.accent, self.age) if part)


@dataclass(frozen=True, slots=True)
class Language:
    id: int
    name: str
    iso_2: str | None = None


@dataclass(frozen=True, slots=True)
class LlmModel:
    id: int
    name: str
    code: str | None = None  # multimodal and dualplex models (2026)


@dataclass(frozen=True, slots=True)
class Named:
    """A 2026 lookup's entry: a mid-call tool, knowledge base, folder, label or provider."""

    id: int
    name: str


@dataclass(frozen=True, slots=True)
class PhoneNumber:
    id: int
    phone_number: str
    country_code: str | None = None
    type_label: str | None = None  # e.g. "Caller ID"
    is_available: bool = True

    @property
    def is_caller_id(self) -> bool:
        return (self.type_label or "").strip().lower() == "caller id"


Record = TypeVar("Record", Voice, Language, LlmModel, PhoneNumber, Named)


@dataclass(frozen=True, slots=True)
class Account:
    """The key's account (GET /user/me), each value as text; None when not given."""

    name: str | None = None
    email: str | None = None
    total_balance: str | None = None  # "12.5": the server may send a number or text


def read_account(item: dict[str, Any]) -> Account:
    """The account record, read loosely: it is shown, never computed with or sent back."""
    return Account(*(_loose_text(item.get(key)) for key in ("name", "email", "total_balance")))


def _loose_text(value: Any) -> str | None:
    if isinstance(value, str):
        return value
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return str(value)  # json.loads refuses integers too long for str()
    return None


class RecordError(ValueError):
    """A record the client cannot read; names the item (from 1) and the key, never the
    server's data."""

    def __init__(self, position: int, key: str, problem: str) -> None:
        super().__init__(f"item {position}, {key}: {problem}")
        self.position, self.key, self.problem = position, key, problem


_MISSING = object()
_TRUE, _FALSE = frozenset({1, "1", "true", "yes", "on"}), frozenset({0, "0", "false", "no", "off"})


def _read_int(value: Any) -> int:
    # Lax as JSON from PHP backends can be: "413" is 413; true is not a number.
    if type(value) is int:
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str) and value.strip().isdecimal():
        try:
            return int(value)
        except ValueError:  # over Python's digit limit; its message would quote the data
            pass
    raise ValueError("expected a whole number")


def _read_str(value: Any) -> str:
    if isinstance(value, str):
        return value
    raise ValueError("expected text")


def _read_bool(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    key = value.strip().lower() if isinstance(value, str) else value
    if type(key) in (int, str):  # only these: 1.0 would equal 1, a list cannot be looked up
        if key in _TRUE:
            return True
        if key in _FALSE:
            return False
    raise ValueError("expected true or false")


_READERS: dict[str, Callable[[Any], Any]] = {"int": _read_int, "str": _read_str, "bool": _read_bool}


_FieldSpec = tuple[str, Callable[[Any], Any], bool, Any]
_FIELDS: dict[type, tuple[_FieldSpec, ...]] = {}


def _fields(record: type) -> tuple[_FieldSpec, ...]:
    """(key, reader, nullable, default) per field, from the annotations (strings here);
    worked out once per record type."""
    known = _FIELDS.get(record)
    if known is not None:
        return known
    specs = []
    for field in dataclasses.fields(record):
        kind, _, rest = str(field.type).partition(" | ")
        default = _MISSING if field.default is dataclasses.MISSING else field.default
        specs.append((field.name, _READERS[kind], rest == "None", default))
    _FIELDS[record] = tuple(specs)
    return _FIELDS[record]


def read_records(record: type[Record], items: list[Any]) -> list[Record]:
    """The records of a lookup list parsed from JSON; raises RecordError."""
    fields = _fields(record)
    records = []
    for position, item in enumerate(items, start=1):
        if not isinstance(item, dict):
            raise RecordError(position, "record", "expected an object")
        values = []
        for key, read, nullable, default in fields:
            value = item.get(key, _MISSING)
            if value is _MISSING:
                if default is _MISSING:
                    raise RecordError(position, key, "missing")
                values.append(default)
            elif value is None:
                if not nullable:
                    raise RecordError(position, key, "must not be null")
                values.append(None)
            else:
                try:
                    values.append(read(value))
                except ValueError as problem:
                    raise RecordError(position, key, str(problem)) from None
        records.append(record(*values))
    return records


class Lookups:
    """The account's lookup lists as far as they are loaded; None means not loaded.

    Validation only checks names and ids against a list that is loaded, so a failed
    lookup degrades to 'unverified' rather than blocking the editor. The lists are not
    changed after construction (the indexes by id rely on it): reloading makes a new one.
    """

    def __init__(
        self,
        voices: list[Voice] | None = None,
        languages: list[Language] | None = None,
        models: list[LlmModel] | None = None,
        inbound_numbers: list[PhoneNumber] | None = None,
        outbound_numbers: list[PhoneNumber] | None = None,
        named: dict[str, list[Any]] | None = None,
    ) -> None:
        self.voices = voices
        self.languages = languages
        self.models = models
        self.inbound_numbers = inbound_numbers
        self.outbound_numbers = outbound_numbers
        # The 2026 lists, by `fields.Lookup` value ("knowledge bases", ...): Named, or
        # LlmModel for the multimodal models. A list not loaded is missing.
        self.named = named or {}
        # The 2026 speech and transcription providers, per language: (`Lookup` value,
        # language id) -> list. Filled as languages are chosen (`remote.load_providers`),
        # the one part that grows after construction (nothing indexes it).
        self.providers: dict[tuple[str, int], list[Named]] = {}

    def providers_for(self, lookup: str, language: object) -> list[Named] | None:
        """The providers a language (by name) offers; None: not loaded (yet)."""
        language_id = self.language_id(language)
        return None if language_id is None else self.providers.get((lookup, language_id))

    def language_id(self, name: object) -> int | None:
        """The id of the one language of this name; None when none or several have it."""
        ids = [lang.id for lang in self.languages or () if lang.name == name]
        return ids[0] if len(ids) == 1 else None

    def entries(self, lookup: str) -> list[Any] | None:
        """The entries (with an id and a name) of a list by its `fields.Lookup` value;
        the providers of every language loaded. None: not loaded."""
        if lookup in ("languages", "models"):
            return self.languages if lookup == "languages" else self.models
        per_language = [entries for (kind, _), entries in self.providers.items() if kind == lookup]
        if per_language:
            return [entry for entries in per_language for entry in entries]
        return self.named.get(lookup)

    def entry(self, lookup: str, entry_id: object) -> Any | None:
        """The entry of a 2026 list with this id (a provider: of any language loaded);
        only an int is an id (see `voice`)."""
        if type(entry_id) is not int:
            return None
        return next((item for item in self.entries(lookup) or () if item.id == entry_id), None)

    def voice(self, voice_id: object) -> Voice | None:
        # Only an int is an id: a server's object would not hash, and true or 11.0
        # would find voices 1 and 11.
        return self._voices_by_id.get(voice_id) if type(voice_id) is int else None

    @cached_property
    def _voices_by_id(self) -> dict[int, Voice]:
        # Looked up on every keystroke's validation; accounts have thousands of voices.
        return {voice.id: voice for voice in self.voices or ()}

    def voice_fits(self, voice_id: int, engine_type: object) -> bool:
        """Whether the voice was listed for this engine type (a 2026 host lists one voice
        for several)."""
        return (voice_id, engine_type) in self._voice_modes

    @cached_property
    def _voice_modes(self) -> frozenset[tuple[int, object]]:
        return frozenset((voice.id, voice.mode) for voice in self.voices or ())

    def voices_for(self, engine_type: object) -> list[Voice]:
        return [v for v in self.voices or () if v.mode == engine_type]

    def language_name(self, language_id: object) -> str | None:
        return next((lang.name for lang in self.languages or () if lang.id == language_id), None)

    def model_name(self, model_id: object) -> str | None:
        return next((m.name for m in self.models or () if m.id == model_id), None)

    def numbers_for(self, direction: object) -> list[PhoneNumber] | None:
        """The numbers an assistant of this call direction may take (None: not loaded)."""
        return self.inbound_numbers if direction == "receive" else self.outbound_numbers

    @cached_property
    def _numbers_by_id(self) -> dict[int, PhoneNumber]:
        seen: dict[int, PhoneNumber] = {}
        for number in (self.outbound_numbers or []) + (self.inbound_numbers or []):
            seen.setdefault(number.id, number)
        return seen

    @property
    def all_numbers(self) -> list[PhoneNumber]:
        return list(self._numbers_by_id.values())

    def phone_number(self, number_id: object) -> PhoneNumber | None:
        """The number with this id; only an int is an id (see `voice`)."""
        return self._numbers_by_id.get(number_id) if type(number_id) is int else None
