"""The account's lookup records, as the lookup endpoints return them.

Unknown keys are ignored (the server may add some); missing optional ones get a
default. Anything else wrong with a record is the server's fault and surfaces as a
protocol error in `api/`.
"""

from __future__ import annotations

from functools import cached_property
from typing import Any, TypeVar

from pydantic import ConfigDict, TypeAdapter
from pydantic.dataclasses import dataclass

# Pydantic dataclasses with slots: validated like models, but an account's thousands of
# voices take a quarter of the memory that BaseModel instances (a __dict__ each) would.
_record = dataclass(config=ConfigDict(extra="ignore"), frozen=True, slots=True)


@_record
class Voice:
    id: int
    name: str
    mode: str  # "pipeline" or "multimodal": the engine type it works with


@_record
class Language:
    id: int
    name: str
    iso_2: str | None = None


@_record
class LlmModel:
    id: int
    name: str


@_record
class PhoneNumber:
    id: int
    phone_number: str
    country_code: str | None = None
    type_label: str | None = None  # e.g. "Caller ID"
    is_available: bool = True

    @property
    def is_caller_id(self) -> bool:
        return (self.type_label or "").strip().lower() == "caller id"


Record = TypeVar("Record", Voice, Language, LlmModel, PhoneNumber)
_adapters: dict[type, TypeAdapter[Any]] = {}


def _adapter(of: Any) -> TypeAdapter[Any]:
    if of not in _adapters:
        _adapters[of] = TypeAdapter(of)
    return _adapters[of]


def read_record(record: type[Record], item: object) -> Record:
    """One record from the server's parsed JSON; raises pydantic.ValidationError."""
    return _adapter(record).validate_python(item)


def read_records(record: type[Record], raw: bytes) -> list[Record]:
    """A JSON array of records, parsed and checked in one pass, with no dict per item
    in between (accounts have thousands of voices); raises pydantic.ValidationError."""
    return _adapter(list[record]).validate_json(raw)  # type: ignore[valid-type]


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
    ) -> None:
        self.voices = voices
        self.languages = languages
        self.models = models
        self.inbound_numbers = inbound_numbers
        self.outbound_numbers = outbound_numbers

    def voice(self, voice_id: object) -> Voice | None:
        return self._voices_by_id.get(voice_id)  # type: ignore[arg-type]

    @cached_property
    def _voices_by_id(self) -> dict[int, Voice]:
        # Looked up on every keystroke's validation; accounts have thousands of voices.
        return {voice.id: voice for voice in self.voices or ()}

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
        return self._numbers_by_id.get(number_id)  # type: ignore[arg-type]
