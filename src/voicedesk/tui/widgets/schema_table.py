"""An editor for the post-call schema: rows of name, type and description."""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Sequence

from textual import on
from textual.binding import Binding
from textual.content import Content
from textual.message import Message
from textual.widget import Widget
from textual.widgets import Button, Input, Select

from voicedesk.fields import SCHEMA_NAME_PATTERN, SCHEMA_TYPES

from .rows import EditorRow, RowEditor, row_button

_NAME = re.compile(SCHEMA_NAME_PATTERN)
_TYPE_CHOICES = " or ".join([", ".join(SCHEMA_TYPES[:-1]), SCHEMA_TYPES[-1]])

_NAME_COLUMN, _TYPE_COLUMN, _DESCRIPTION_COLUMN = 0, 1, 2

SchemaField = dict[str, str]


class SchemaRow(EditorRow):
    def __init__(self, name: str = "", type: str = SCHEMA_TYPES[0], description: str = "") -> None:
        super().__init__()
        self.field_name = name
        self.field_type = type
        self.description = description

    def make_fields(self) -> list[Widget]:
        # A loaded type the platform does not document stays visible (and flagged)
        # instead of being silently replaced by the first choice.
        types = [*SCHEMA_TYPES] + ([] if self.field_type in SCHEMA_TYPES else [self.field_type])
        return [
            Input(self.field_name, placeholder="name", compact=True, classes="schema-name"),
            Select(
                [(Content(choice), choice) for choice in types],
                value=self.field_type,
                allow_blank=False,
                compact=True,
                classes="schema-type",
            ),
            Input(self.description, placeholder="what to extract", compact=True, classes="schema-description"),
        ]

    def make_buttons(self) -> list[Button]:
        return [
            row_button("↑", "up", "Move up (ctrl+up)"),
            row_button("↓", "down", "Move down (ctrl+down)"),
            row_button("✕", "delete", "Delete this field (ctrl+d)"),
        ]

    @on(Input.Changed, ".schema-name")
    def _name_changed(self, event: Input.Changed) -> None:
        self.field_name = event.value

    @on(Select.Changed)
    def _type_changed(self, event: Select.Changed) -> None:
        if isinstance(event.value, str):
            self.field_type = event.value

    @on(Input.Changed, ".schema-description")
    def _description_changed(self, event: Input.Changed) -> None:
        self.description = event.value

    @property
    def blank(self) -> bool:
        return not self.field_name and not self.description and self.field_type in SCHEMA_TYPES

    def as_field(self) -> SchemaField:
        return {"name": self.field_name, "type": self.field_type, "description": self.description}


class SchemaEditor(RowEditor):
    """Rows of name, type and description, in order.

    Blank rows are ignored. Names must match `SCHEMA_NAME_PATTERN` and be unique,
    descriptions must not be empty, and types must be one of `SCHEMA_TYPES`; problems
    are flagged on the row and listed in `problems` ("Row 2: description is empty").
    """

    ADD_LABEL = "+ Add field"
    EMPTY_TEXT = "No fields."
    HEADINGS = ("Name", "Type", "Description")

    BINDINGS = [
        Binding("ctrl+n", "add_row", "Add field", id="rows.add"),
        # ctrl+d would otherwise be the input's "delete right" (delete does that too).
        Binding("ctrl+d", "delete_row", "Delete field", priority=True, id="rows.delete"),
        # alt+ for terminals (macOS) that keep ctrl+arrows for themselves.
        Binding("ctrl+up,alt+up", "move_row(-1)", "Move up", id="rows.move_up"),
        Binding("ctrl+down,alt+down", "move_row(1)", "Move down", id="rows.move_down"),
    ]

    class Changed(Message):
        """Sent on every edit that changes the value or the problems."""

        def __init__(self, editor: SchemaEditor, value: list[SchemaField], problems: list[str]) -> None:
            super().__init__()
            self.editor = editor
            self.value = value
            self.problems = problems

        @property
        def control(self) -> SchemaEditor:
            return self.editor

    def __init__(self, value: Sequence[SchemaField], id: str | None = None) -> None:
        super().__init__(id=id)
        self.load(value)

    def load(self, value: Sequence[SchemaField]) -> None:
        """Replace all rows with `value`'s fields, without posting `Changed`."""
        self.set_rows(
            [
                SchemaRow(
                    str(field.get("name", "")),
                    str(field.get("type", SCHEMA_TYPES[0])),
                    str(field.get("description", "")),
                )
                for field in value
            ]
        )

    @property
    def value(self) -> list[SchemaField]:
        """The non-blank rows as {"name", "type", "description"}, in order."""
        return [dict(field) for field in self._value]

    def new_row(self) -> SchemaRow:
        return SchemaRow()

    def check(self) -> tuple[list[SchemaField], list[str]]:
        rows: list[SchemaRow] = self._rows  # type: ignore[assignment]
        numbers_of_name: dict[str, list[int]] = defaultdict(list)
        for number, row in enumerate(rows, 1):
            if not row.blank and row.field_name:
                numbers_of_name[row.field_name].append(number)

        value: list[SchemaField] = []
        problems: list[str] = []
        for number, row in enumerate(rows, 1):
            if row.blank:
                row.show_problems([])
                continue
            value.append(row.as_field())
            messages: list[str] = []
            invalid = []
            if not row.field_name:
                messages.append("name is empty")
            elif not _NAME.fullmatch(row.field_name):
                messages.append("name may only contain letters, digits and underscores")
            elif len(numbers_of_name[row.field_name]) > 1:
                others = ", ".join(str(other) for other in numbers_of_name[row.field_name] if other != number)
                messages.append(f'name "{row.field_name}" is also used in row {others}')
            if messages:
                invalid.append(_NAME_COLUMN)
            if row.field_type not in SCHEMA_TYPES:
                messages.append(f'unknown type "{row.field_type}": choose {_TYPE_CHOICES}')
                invalid.append(_TYPE_COLUMN)
            if not row.description.strip():
                messages.append("description is empty")
                invalid.append(_DESCRIPTION_COLUMN)
            row.show_problems(messages, invalid)
            problems.extend(f"Row {number}: {message}" for message in messages)
        return value, problems

    def changed_message(self, value: list[SchemaField], problems: list[str]) -> Message:
        return self.Changed(self, value, problems)
