"""An editor for the post-call schema: rows of name, type and description, as a virtual
table. A row keeps every attribute the server stored beside those three (`required`,
`unit`, ...): only the cells the user edits change."""

from __future__ import annotations

import json
import re
from collections import defaultdict
from collections.abc import Sequence
from typing import Any

from textual.binding import Binding
from textual.message import Message

from voicedesk.fields import SCHEMA_NAME_PATTERN, SCHEMA_NAME_PATTERN_2026, SCHEMA_TYPES

from .rows import Column, RowEditor, RowProblems, TableRow

_NAME = re.compile(SCHEMA_NAME_PATTERN)
_NAME_2026 = re.compile(SCHEMA_NAME_PATTERN_2026)
_TYPE_CHOICES = " or ".join([", ".join(SCHEMA_TYPES[:-1]), SCHEMA_TYPES[-1]])

_NAME_COLUMN, _TYPE_COLUMN, _DESCRIPTION_COLUMN = 0, 1, 2
_KEYS = ("name", "type", "description")
_MISSING = object()  # a stored row without that key

SchemaField = dict[str, Any]


class SchemaRow(TableRow):
    """A stored row (kept whole) and the cells edited here."""

    __slots__ = ("source", "edits")

    def __init__(self, source: Any) -> None:
        self.source = source
        self.edits: dict[str, str] = {}
        self.new = False

    def cell(self, column: int) -> Any:
        key = _KEYS[column]
        if key in self.edits:
            return self.edits[key]
        return self.source.get(key, _MISSING) if isinstance(self.source, dict) else _MISSING

    def as_field(self) -> Any:
        if not isinstance(self.source, dict):
            return self.source
        return {**self.source, **self.edits}  # stored keys keep their places


def _text(value: Any) -> str:
    if value is _MISSING:
        return ""
    return value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)


class SchemaEditor(RowEditor):
    """Rows of name, type and description, in order.

    Blank rows added here are ignored. Names must match `SCHEMA_NAME_PATTERN` and be
    unique, descriptions must not be empty, and types must be one of `SCHEMA_TYPES`;
    problems are flagged on the row and listed in `problems` ("Row 2: description is
    empty"). `strict`: the 2026 contract's rules, names of 3 to 16 lowercase letters,
    digits and underscores and descriptions of 3 to 255 characters.
    """

    ADD_LABEL = "+ Add field"
    EMPTY_TEXT = "No fields."
    COLUMNS = (
        Column("Name", 8, 1, "name", fit=0.4),
        Column("Type", 11, 0, "", picked=True),
        Column("Description", 0, 1, "what to extract"),
    )
    BUTTONS = (("↑", "up"), ("↓", "down"), ("✕", "delete"))

    BINDINGS = [
        Binding("ctrl+n", "add_row", "Add field", id="rows.add"),
        # ctrl+d would otherwise be the edit line's "delete right" (delete does that too).
        Binding("ctrl+d", "delete_row", "Delete field", priority=True, id="rows.delete"),
        # alt+ for terminals (macOS) that keep ctrl+arrows for themselves.
        Binding("ctrl+up,alt+up", "move_row(-1)", "Move up", id="rows.move_up"),
        Binding("ctrl+down,alt+down", "move_row(1)", "Move down", id="rows.move_down"),
    ]

    class Changed(Message):
        """Sent on every edit that changes the value or the problems."""

        def __init__(self, editor: SchemaEditor, value: list[Any], problems: list[str]) -> None:
            super().__init__()
            self.editor = editor
            self.value = value
            self.problems = problems

        @property
        def control(self) -> SchemaEditor:
            return self.editor

    def __init__(self, value: Sequence[Any], id: str | None = None, *, strict: bool = False) -> None:
        super().__init__(id=id)
        self.strict = strict
        self.load(value)

    def load(self, value: Sequence[Any]) -> None:
        """Replace all rows with `value`'s rows, without posting `Changed`."""
        self.set_rows([SchemaRow(item) for item in value])

    def new_row(self) -> SchemaRow:
        return SchemaRow({"name": "", "type": SCHEMA_TYPES[0], "description": ""})

    def cell_text(self, row: TableRow, column: int) -> str:
        assert isinstance(row, SchemaRow)
        if not isinstance(row.source, dict):
            return _text(row.source) if column == _NAME_COLUMN else ""
        return _text(row.cell(column))

    def cell_is_json(self, row: TableRow, column: int) -> bool:
        assert isinstance(row, SchemaRow)
        if not isinstance(row.source, dict):
            return column == _NAME_COLUMN
        value = row.cell(column)
        return value is not _MISSING and not isinstance(value, str)

    def set_cell(self, row: TableRow, column: int, text: str) -> None:
        assert isinstance(row, SchemaRow)
        row.edits[_KEYS[column]] = text

    def choices(self, row: TableRow, column: int) -> list[str] | None:
        return list(SCHEMA_TYPES) if column == _TYPE_COLUMN else None

    def locked(self, row: TableRow) -> str | None:
        assert isinstance(row, SchemaRow)
        if isinstance(row.source, dict):
            return None
        return "This row is not an object with a name, a type and a description; it can only be deleted (ctrl+d)."

    def blank(self, row: TableRow) -> bool:
        assert isinstance(row, SchemaRow)
        return row.cell(_NAME_COLUMN) == "" and row.cell(_DESCRIPTION_COLUMN) == "" and (
            row.cell(_TYPE_COLUMN) in SCHEMA_TYPES)

    def hint(self, row: TableRow) -> str | None:
        assert isinstance(row, SchemaRow)
        if not isinstance(row.source, dict):
            return None
        others = [key for key in row.source if key not in _KEYS]
        if not others:
            return None
        return f"Also stored on this row, and sent back as it is: {', '.join(others)}."

    def check(self, rows: Sequence[TableRow]) -> tuple[list[Any], list[str], dict[int, RowProblems]]:
        numbers_of_name: dict[str, list[int]] = defaultdict(list)
        for number, row in enumerate(rows, 1):
            assert isinstance(row, SchemaRow)
            name = row.cell(_NAME_COLUMN)
            if isinstance(name, str) and name and not (row.new and self.blank(row)):
                numbers_of_name[name].append(number)

        value: list[Any] = []
        problems: list[str] = []
        flagged: dict[int, RowProblems] = {}
        for number, row in enumerate(rows, 1):
            assert isinstance(row, SchemaRow)
            if row.new and self.blank(row):
                continue
            value.append(row.as_field())
            if not isinstance(row.source, dict):
                message = "not an object with a name, a type and a description"
                problems.append(f"Row {number}: {message}")
                flagged[number - 1] = RowProblems((message,), frozenset({_NAME_COLUMN}))
                continue
            messages: list[str] = []
            invalid = set()
            name, kind, description = (row.cell(column) for column in range(3))
            if name is _MISSING or name == "":
                messages.append("name is empty")
            elif not isinstance(name, str):
                messages.append(f"name must be text, not {_text(name)}")
            elif self.strict and not _NAME_2026.fullmatch(name):
                messages.append("name must have 3 to 16 characters: lowercase letters, digits and underscores")
            elif not _NAME.fullmatch(name):
                messages.append("name may only contain letters, digits and underscores")
            elif len(numbers_of_name[name]) > 1:
                others = ", ".join(str(other) for other in numbers_of_name[name] if other != number)
                messages.append(f'name "{name}" is also used in row {others}')
            if messages:
                invalid.add(_NAME_COLUMN)
            if kind not in SCHEMA_TYPES:
                messages.append(f'unknown type "{_text(kind)}": choose {_TYPE_CHOICES}')
                invalid.add(_TYPE_COLUMN)
            if description is _MISSING or description is None or (
                    isinstance(description, str) and not description.strip()):
                messages.append("description is empty")
                invalid.add(_DESCRIPTION_COLUMN)
            elif not isinstance(description, str):
                messages.append(f"description must be text, not {_text(description)}")
                invalid.add(_DESCRIPTION_COLUMN)
            elif self.strict and not 3 <= len(description.strip()) <= 255:
                messages.append("description must have 3 to 255 characters")
                invalid.add(_DESCRIPTION_COLUMN)
            if messages:
                flagged[number - 1] = RowProblems(tuple(messages), frozenset(invalid))
                problems.extend(f"Row {number}: {message}" for message in messages)
        return value, problems, flagged

    def changed_message(self, value: list[Any], problems: list[str]) -> Message:
        return self.Changed(self, value, problems)
