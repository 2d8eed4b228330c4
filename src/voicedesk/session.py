"""The edit session: one assistant's baseline, the user's edits, and what to send.

Plain Python, no Textual: the TUI and the CLI are two faces over this object, so a
change made with `voicedesk set` and with the form produce the same body.
"""

from __future__ import annotations

import copy
import math
from dataclasses import dataclass
from typing import Any

from voicedesk import validation, wire
from voicedesk.fields import SETTINGS, Catalogue, Kind, catalogue
from voicedesk.journal import Edit, EditJournal
from voicedesk.records import Lookups


@dataclass(frozen=True)
class Change:
    field: str
    before: Any
    after: Any


@dataclass(frozen=True)
class Conflict:
    field: str
    base: Any  # what this session loaded
    mine: Any  # what the user set
    theirs: Any  # what the server holds now


@dataclass(frozen=True)
class Rebase:
    adopted: list[Change]  # remote changes taken on fields the user did not touch
    conflicts: list[Conflict]  # fields changed on both sides, differently


def _normal(name: str, value: Any) -> Any:
    """Numbers compare by value (0.85 from a slider equals "0.85" from the server)."""
    if SETTINGS[name].kind is Kind.NUMBER and type(value) in (int, float) and _is_finite(value):
        return round(float(value), 10)
    return value


def _is_finite(number: float) -> bool:
    try:
        return math.isfinite(number)
    except OverflowError:  # an int beyond any float
        return False


def _equal(a: Any, b: Any) -> bool:
    """== where NaN equals NaN: a value is always the same as itself, whatever it holds."""
    if a == b:
        return True
    if isinstance(a, float) and isinstance(b, float):
        return a != a and b != b
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(_equal(a[key], b[key]) for key in a)
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(map(_equal, a, b))
    return False


def same_value(name: str, a: Any, b: Any) -> bool:
    return _equal(_normal(name, a), _normal(name, b))


def _unsendable(value: Any) -> str | None:
    """What in a value no body can carry, or None: JSON has no NaN or Infinity, and
    UTF-8 no unpaired surrogate (JSON text and argv in a non-UTF-8 locale can hold one)."""
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, float) and not math.isfinite(item):
            return "NaN or Infinity"
        if isinstance(item, str) and not item.isascii():
            try:
                item.encode("utf-8")
            except UnicodeEncodeError:
                return "an unpaired surrogate (a broken character)"
        elif isinstance(item, dict):
            stack.extend(item)
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    return None


class EditSession:
    def __init__(
        self, assistant_id: int, record: dict[str, Any], lookups: Lookups | None = None,
        fields: Catalogue | None = None,
    ) -> None:
        self.assistant_id = assistant_id
        self.lookups = lookups or Lookups()
        self.fields = fields or catalogue()  # the host's dialect: which settings, which rules
        # The unreported settings the user has set: changes whatever the value, even
        # None (a cleared voicemail message, the fallback LLM set to none).
        self._set_unreported: set[str] = set()
        self._load(record)
        self.current: dict[str, Any] = copy.deepcopy(self.baseline)
        self.server_errors: dict[str, str] = {}
        # What the server's last refusal said about no field: its own message, and
        # entries whose key names no field. Stale once anything is edited.
        self.server_notes: list[str] = []
        self.journal = EditJournal(self._same_state)

    def _load(self, record: dict[str, Any]) -> None:
        loaded = wire.read_record(record, self.lookups, self.fields)
        self.record = record
        self.baseline: dict[str, Any] = loaded.values
        self.read_only = loaded.read_only
        self.read_notes = loaded.notes
        # Their value is unknown, not None: shown as not reported, sent only when set.
        self.unreported = loaded.unreported

    @property
    def name(self) -> str:
        name = self.record.get("name")
        return name if isinstance(name, str) else ""

    def value(self, name: str) -> Any:
        return self.current[self.fields[name].name]

    def set(self, name: str, value: Any) -> None:
        """Set a field's value; a server error on it is stale once the user edits it.
        Sets of one field join one step of the journal until it is sealed."""
        name = self.fields[name].name
        before = self._state(name)
        self._set(name, value, name in self.unreported)
        self.journal.record([Edit(name, before, self._state(name))], merge=True)

    def set_many(self, values: dict[str, Any]) -> None:
        """Set several fields as one step of the journal (a save's values restored)."""
        names = [self.fields[name].name for name in values]
        before = {name: self._state(name) for name in names}
        for name, value in zip(names, values.values(), strict=True):
            self._set(name, value, name in self.unreported)
        self.journal.seal()
        self.journal.record([Edit(name, state, self._state(name)) for name, state in before.items()])

    def _set(self, name: str, value: Any, chosen: bool) -> None:
        self.current[name] = copy.deepcopy(value)
        if chosen:
            self._set_unreported.add(name)
        else:
            self._set_unreported.discard(name)
        self.server_errors.pop(name, None)
        self.server_notes.clear()

    # A field's state for the journal: its value, and whether an unreported setting has
    # been set here (its value then counts even when it is None).
    def _state(self, name: str) -> tuple[Any, bool]:
        return copy.deepcopy(self.current[name]), name in self._set_unreported

    def _same_state(self, name: str, a: tuple[Any, bool], b: tuple[Any, bool]) -> bool:
        return a[1] == b[1] and same_value(name, a[0], b[0])

    def undo(self) -> list[str]:
        """Take back the last step of the journal; the fields it changed (none: nothing
        left to undo)."""
        step = self.journal.undo() or []
        for edit in step:
            self._set(edit.name, edit.before[0], edit.before[1])
        return [edit.name for edit in step]

    def redo(self) -> list[str]:
        """Make the last undone step again; the fields it changed."""
        step = self.journal.redo() or []
        for edit in step:
            self._set(edit.name, edit.after[0], edit.after[1])
        return [edit.name for edit in step]

    def is_dirty(self, name: str) -> bool:
        if name in self.unreported:
            return name in self._set_unreported
        return not same_value(name, self.current[name], self.baseline[name])

    def is_unknown(self, name: str) -> bool:
        """Not reported by the server and not set here: what it holds is unknown."""
        return name in self.unreported and name not in self._set_unreported

    @property
    def dirty(self) -> list[str]:
        """The changed fields, in catalogue order."""
        return [spec.name for spec in self.fields if self.is_dirty(spec.name)]

    def revert(self, name: str) -> None:
        """Back to the baseline: one step of the journal (ctrl+z brings the edit back)."""
        name = self.fields[name].name
        before = self._state(name)
        self._set(name, self.baseline[name], False)
        self.journal.record([Edit(name, before, self._state(name))])

    def revert_all(self) -> None:
        """Every field back to the baseline: one step of the journal."""
        before = {name: self._state(name) for name in self.dirty}
        self.current = copy.deepcopy(self.baseline)
        self._set_unreported.clear()
        self.server_errors.clear()
        self.server_notes.clear()
        self.journal.record([Edit(name, state, self._state(name)) for name, state in before.items()])

    def changes(self) -> list[Change]:
        return [Change(name, self.baseline[name], self.current[name]) for name in self.dirty]

    def body(self) -> dict[str, Any]:
        return wire.to_body({name: self.current[name] for name in self.dirty}, self.fields, self.lookups)

    def validate(self) -> dict[str, str]:
        """Problems that must be fixed before sending: client rules, then the server's."""
        dirty = self.dirty
        found = validation.problems(self.current, dirty, self.lookups, self.baseline, self.fields)
        for name in dirty:
            if (what := _unsendable(self.current[name])) is not None:  # says more than any rule
                found[name] = f"{SETTINGS[name].label} holds {what}, which cannot be sent."
        for name, message in self.server_errors.items():
            found.setdefault(name, message)
        return found

    def flags(self) -> dict[str, str]:
        """Stored values that break a rule or could not be read: shown, never sent."""
        untouched = [spec.name for spec in self.fields if not self.is_dirty(spec.name)]
        status = self.record.get("status")
        active = status == "active" if isinstance(status, str) else None
        found = validation.flags(self.current, untouched, self.lookups, self.fields, active=active)
        for name, note in self.read_notes.items():
            if name in untouched:
                found.setdefault(name, f"{SETTINGS[name].label}: {note}.")
        for name in self.unreported:
            if name in untouched:
                found.setdefault(name, f"{SETTINGS[name].label}: not reported by the server, so what it "
                                       "holds is unknown; nothing is sent unless you set it.")
        return found

    def apply_server_errors(self, errors: dict[str, list[str]], message: str = "") -> dict[str, str]:
        """Attach a 422's messages to their fields; returns those naming no field. Those
        and the 422's own `message` become `server_notes`."""
        self.server_errors.clear()
        unplaced: dict[str, str] = {}
        for key, messages in errors.items():
            text = " ".join(messages) if isinstance(messages, list) else str(messages)
            name = _field_for_error_key(key, self.fields)
            if name is None:
                unplaced[key] = text
            else:
                joined = f"{self.server_errors[name]} {text}" if name in self.server_errors else text
                self.server_errors[name] = joined
        self.server_notes = [message] if message else []
        self.server_notes += [f"{key}: {text}" if key else text for key, text in unplaced.items()]
        return unplaced

    def mark_not_taken(self, messages: dict[str, str]) -> None:
        """After a save: fields the server answered 200 to but did not take. They hold
        the user's values again, and the message stands until the field is edited (a
        send of the same value would be ignored the same way)."""
        self.server_errors.update(messages)

    def assume_sent(self, names: list[str], values: dict[str, Any]) -> None:
        """After a save: settings the server does not report hold what was sent, as far
        as anyone can tell; they are no longer unknown."""
        for name in names:
            self.baseline[name] = copy.deepcopy(values[name])
            self.current[name] = copy.deepcopy(values[name])
        self.unreported = self.unreported - set(names)
        self._set_unreported -= set(names)

    def reset(self, record: dict[str, Any]) -> None:
        """Start over from a fresh read: it becomes the baseline, nothing is dirty and
        there is nothing to undo."""
        self._load(record)
        self.revert_all()
        self.journal.clear()

    def accept_sent(self) -> None:
        """After a save that could not be read back: what was sent is the baseline, and
        there is nothing to undo."""
        self.journal.clear()
        self.baseline = copy.deepcopy(self.current)
        self.unreported = self.unreported - self._set_unreported
        self._set_unreported.clear()
        self.server_errors.clear()
        self.server_notes.clear()

    def set_lookups(self, lookups: Lookups) -> None:
        """Adopt freshly loaded lookups: names that needed them can now be read."""
        self.lookups = lookups
        fresh = wire.read_record(self.record, lookups, self.fields)
        for name, value in fresh.values.items():
            if self.baseline[name] is None and value is not None:
                if not self.is_dirty(name):
                    self.current[name] = copy.deepcopy(value)
                self.baseline[name] = value
        self.read_notes = fresh.notes

    def rebase(self, record: dict[str, Any]) -> Rebase:
        """Move the baseline to a fresh read of the same assistant.

        Untouched fields take the remote value. Edited fields keep the user's value;
        where the remote value also changed (and differs), that is a conflict the
        caller must resolve (keep mine: nothing to do; take theirs: revert).
        """
        old_baseline = self.baseline
        was_dirty = set(self.dirty)
        self._load(record)
        adopted: list[Change] = []
        conflicts: list[Conflict] = []
        for spec in self.fields:
            name = spec.name
            if name in self.unreported:  # still unknown: what this session knew stands
                self.baseline[name] = old_baseline[name]
                continue
            base, theirs = old_baseline[name], self.baseline[name]
            if same_value(name, base, theirs):
                continue
            if name not in was_dirty:
                self.current[name] = copy.deepcopy(theirs)
                adopted.append(Change(name, base, theirs))
            elif not same_value(name, self.current[name], theirs):
                conflicts.append(Conflict(name, base, self.current[name], theirs))
        return Rebase(adopted, conflicts)


def _field_for_error_key(key: str, fields: Catalogue) -> str | None:
    """A 422's key (the dialect's update names) -> the setting: 'post_call_schema.0.name'
    -> 'post_call_schema', 'tools.1.phone_number' -> 'tools', 'name' -> 'assistant_name';
    'end_call_tool.description' stays."""
    parts = key.split(".")
    for end in range(len(parts), 0, -1):
        found = fields.by_update_name.get(".".join(parts[:end]))
        if found is not None:
            return found.name
    return None
