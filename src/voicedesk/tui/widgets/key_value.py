"""An editor for named values (the assistant's variables), as a virtual table."""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Mapping, Sequence
from typing import Any

from textual.binding import Binding
from textual.message import Message

from .rows import Column, RowEditor, RowProblems, TableRow

_KEY, _VALUE = 0, 1  # columns

_KINDS = {bool: "true or false", int: "a number", float: "a number", dict: "an object", list: "a list"}


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a JSON value")  # NaN and Infinity: no body may hold them


class Variable(TableRow):
    """One name and its value. A value stored as something else than text (a number, an
    object) is kept as it is; edited, its text is read as JSON."""

    __slots__ = ("key", "value", "text", "json", "bad_json")

    def __init__(self, key: str = "", value: Any = "") -> None:
        self.key = key
        self.value = value
        self.json = not isinstance(value, str)
        self.text = json.dumps(value, ensure_ascii=False) if self.json else value
        self.bad_json = False
        self.new = False


class KeyValueEditor(RowEditor):
    """Rows of key and value.

    Blank rows added here are ignored. A row with text but no key, and keys used more
    than once, are flagged and listed in `problems`; the first row with a key wins.
    """

    ADD_LABEL = "+ Add variable"
    EMPTY_TEXT = "No variables."
    COLUMNS = (Column("Key", 10, 1, "key", fit=0.45), Column("Value", 0, 2, "value"))
    BUTTONS = (("✕", "delete"),)

    BINDINGS = [
        Binding("ctrl+n", "add_row", "Add variable", id="rows.add"),
        # ctrl+d would otherwise be the edit line's "delete right" (delete does that too).
        Binding("ctrl+d", "delete_row", "Delete variable", priority=True, id="rows.delete"),
    ]

    class Changed(Message):
        """Sent on every edit that changes the value or the problems."""

        def __init__(self, editor: KeyValueEditor, value: dict[str, Any], problems: list[str]) -> None:
            super().__init__()
            self.editor = editor
            self.value = value
            self.problems = problems

        @property
        def control(self) -> KeyValueEditor:
            return self.editor

    def __init__(self, value: Mapping[str, Any], id: str | None = None) -> None:
        super().__init__(id=id)
        self.load(value)

    def load(self, value: Mapping[str, Any]) -> None:
        """Replace all rows with `value`'s pairs, without posting `Changed`."""
        self.set_rows([Variable(key, item) for key, item in value.items()])

    def new_row(self) -> Variable:
        return Variable()

    def cell_text(self, row: TableRow, column: int) -> str:
        assert isinstance(row, Variable)
        return row.key if column == _KEY else row.text

    def cell_is_json(self, row: TableRow, column: int) -> bool:
        return column == _VALUE and row.json  # type: ignore[attr-defined]

    def set_cell(self, row: TableRow, column: int, text: str) -> None:
        assert isinstance(row, Variable)
        if column == _KEY:
            row.key = text
            return
        row.text = text
        if not row.json:
            row.value = text
            return
        try:
            row.value, row.bad_json = json.loads(text, parse_constant=_reject_constant), False
        except ValueError:
            row.bad_json = True

    def blank(self, row: TableRow) -> bool:
        return not row.key and not row.text  # type: ignore[attr-defined]

    def hint(self, row: TableRow) -> str | None:
        assert isinstance(row, Variable)
        if not row.json:
            return None
        kind = "null" if row.value is None else _KINDS.get(type(row.value), "a value")
        return (f"{row.key!r} holds {kind}, not text: it is sent back as it is. Edited, it is read "
                'as JSON (41, true, "some text", {...}).')

    def check(self, rows: Sequence[TableRow]) -> tuple[dict[str, Any], list[str], dict[int, RowProblems]]:
        numbers_of_key: dict[str, list[int]] = defaultdict(list)
        for number, row in enumerate(rows, 1):
            if row.key.strip() and not (row.new and self.blank(row)):  # type: ignore[attr-defined]
                numbers_of_key[row.key].append(number)  # type: ignore[attr-defined]

        value: dict[str, Any] = {}
        problems: list[str] = []
        flagged: dict[int, RowProblems] = {}
        for number, row in enumerate(rows, 1):
            assert isinstance(row, Variable)
            if row.new and self.blank(row):
                continue
            if not row.key.strip():
                problems.append(f"Row {number} has an empty key")
                flagged[number - 1] = RowProblems(("This value needs a key",), frozenset({_KEY}))
                continue
            messages, columns = [], set()
            numbers = numbers_of_key[row.key]
            if len(numbers) > 1:
                if number == numbers[0]:
                    problems.append(f'Duplicate key "{row.key}"')
                others = ", ".join(str(other) for other in numbers if other != number)
                messages.append(f"Duplicate key, also in row {others}; the first one counts")
                columns.add(_KEY)
            if row.bad_json:
                problems.append(f'Row {number}: the value of "{row.key}" is not JSON')
                messages.append('It held a value that is not text, so it is read as JSON: put text in "quotes"')
                columns.add(_VALUE)
            else:
                value.setdefault(row.key, row.value)
            if messages:
                flagged[number - 1] = RowProblems(tuple(messages), frozenset(columns))
        return value, problems, flagged

    def changed_message(self, value: dict[str, Any], problems: list[str]) -> Message:
        return self.Changed(self, value, problems)
