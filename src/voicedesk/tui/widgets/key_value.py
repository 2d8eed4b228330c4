"""An editor for string-to-string pairs (the assistant's variables)."""

from __future__ import annotations

from collections import defaultdict

from textual import on
from textual.binding import Binding
from textual.message import Message
from textual.widget import Widget
from textual.widgets import Button, Input

from .rows import EditorRow, RowEditor, row_button

_KEY, _VALUE = 0, 1  # columns


class KeyValueRow(EditorRow):
    def __init__(self, key: str = "", value: str = "") -> None:
        super().__init__()
        self.key = key
        self.value = value

    def make_fields(self) -> list[Widget]:
        return [
            Input(self.key, placeholder="key", compact=True, classes="kv-key"),
            Input(self.value, placeholder="value", compact=True, classes="kv-value"),
        ]

    def make_buttons(self) -> list[Button]:
        return [row_button("✕", "delete", "Delete this variable (ctrl+d)")]

    @on(Input.Changed, ".kv-key")
    def _key_changed(self, event: Input.Changed) -> None:
        self.key = event.value

    @on(Input.Changed, ".kv-value")
    def _value_changed(self, event: Input.Changed) -> None:
        self.value = event.value

    @property
    def blank(self) -> bool:
        return not self.key and not self.value

    @property
    def keyless(self) -> bool:
        return not self.key.strip()


class KeyValueEditor(RowEditor):
    """Rows of key and value inputs.

    Empty rows are ignored. A row with text but no key, and keys used more than once,
    are flagged on the row and listed in `problems`; the first row with a key wins.
    """

    ADD_LABEL = "+ Add variable"
    EMPTY_TEXT = "No variables."
    HEADINGS = ("Key", "Value")

    BINDINGS = [
        Binding("ctrl+n", "add_row", "Add variable", id="rows.add"),
        # ctrl+d would otherwise be the input's "delete right" (delete does that too).
        Binding("ctrl+d", "delete_row", "Delete variable", priority=True, id="rows.delete"),
    ]

    class Changed(Message):
        """Sent on every edit that changes the value or the problems."""

        def __init__(self, editor: KeyValueEditor, value: dict[str, str], problems: list[str]) -> None:
            super().__init__()
            self.editor = editor
            self.value = value
            self.problems = problems

        @property
        def control(self) -> KeyValueEditor:
            return self.editor

    def __init__(self, value: dict[str, str], id: str | None = None) -> None:
        super().__init__(id=id)
        self.load(value)

    def load(self, value: dict[str, str]) -> None:
        """Replace all rows with `value`'s pairs, without posting `Changed`."""
        self.set_rows([KeyValueRow(key, text) for key, text in value.items()])

    @property
    def value(self) -> dict[str, str]:
        """The pairs of the rows that have a key; the first row with a key wins."""
        return dict(self._value)

    def new_row(self) -> KeyValueRow:
        return KeyValueRow()

    def check(self) -> tuple[dict[str, str], list[str]]:
        rows: list[KeyValueRow] = self._rows  # type: ignore[assignment]
        numbers_of_key: dict[str, list[int]] = defaultdict(list)
        for number, row in enumerate(rows, 1):
            if not row.keyless:
                numbers_of_key[row.key].append(number)

        value: dict[str, str] = {}
        problems: list[str] = []
        for number, row in enumerate(rows, 1):
            if row.blank:
                row.show_problems([])
            elif row.keyless:
                problems.append(f"Row {number} has an empty key")
                row.show_problems(["This value needs a key"], [_KEY])
            else:
                value.setdefault(row.key, row.value)
                numbers = numbers_of_key[row.key]
                if len(numbers) == 1:
                    row.show_problems([])
                    continue
                if number == numbers[0]:
                    problems.append(f'Duplicate key "{row.key}"')
                others = ", ".join(str(other) for other in numbers if other != number)
                row.show_problems([f"Duplicate key, also in row {others}; the first one counts"], [_KEY])
        return value, problems

    def changed_message(self, value: dict[str, str], problems: list[str]) -> Message:
        return self.Changed(self, value, problems)
