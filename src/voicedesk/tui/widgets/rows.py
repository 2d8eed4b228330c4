"""What the key-value and schema editors share: a list of one-line rows.

Each row is a handful of compact fields plus mouse-only buttons (the keyboard has
bindings instead, so tab goes field to field), and a message line shown only when
the row has problems. The editor re-checks every row on each edit and posts its
`Changed` message when the value or the problems differ from the last ones posted,
so rows built by `load` (whose inputs announce their initial values on mount) never
post anything.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, ClassVar

from textual import on
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.message import Message
from textual.widget import Widget
from textual.widgets import Button, Input, Select, Static


def row_button(label: str, name: str, tooltip: str) -> Button:
    """A small button that the mouse can press but tab skips.

    `name` says what it does to its row: "delete", "up" or "down".
    """
    button = Button(label, name=name, compact=True, classes=f"row-button row-{name}", tooltip=tooltip)
    button.can_focus = False
    return button


class EditorRow(Widget):
    """One row of an editor.

    The row keeps its own copy of what its fields hold (subclasses update it from
    their fields' messages), so it can be checked before its fields are mounted.
    """

    def __init__(self) -> None:
        super().__init__(classes="editor-row")
        self.message = Static("", classes="row-message", markup=False)
        self.fields: list[Widget] = []
        self._invalid_columns: set[int] = set()

    def make_fields(self) -> list[Widget]:
        """The row's focusable fields, left to right."""
        raise NotImplementedError

    def make_buttons(self) -> list[Button]:
        raise NotImplementedError

    def compose(self) -> ComposeResult:
        self.fields = self.make_fields()
        self._flag_fields()
        yield from self.fields
        yield from self.make_buttons()
        yield self.message

    @property
    def blank(self) -> bool:
        """A row with nothing typed in it yet; ignored rather than flagged."""
        raise NotImplementedError

    def show_problems(self, messages: Sequence[str], invalid_columns: Sequence[int] = ()) -> None:
        self.set_class(bool(messages), "-invalid")
        self.message.update("; ".join(messages))
        self._invalid_columns = set(invalid_columns)
        self._flag_fields()

    def _flag_fields(self) -> None:
        for column, field in enumerate(self.fields):
            field.set_class(column in self._invalid_columns, "-invalid")

    def focused_column(self) -> int:
        focused = self.screen.focused if self.is_attached else None
        for column, field in enumerate(self.fields):
            if focused is not None and (focused is field or field in focused.ancestors):
                return column
        return 0


class RowEditor(Widget):
    """A list of rows, an empty note and an add button, checked on every edit."""

    ADD_LABEL: ClassVar[str]
    EMPTY_TEXT: ClassVar[str]
    HEADINGS: ClassVar[tuple[str, ...]]

    def __init__(self, id: str | None = None) -> None:
        super().__init__(id=id)
        self._rows: list[EditorRow] = []
        self._posted: tuple[Any, list[str]] | None = None
        self._value: Any = None
        self._problems: list[str] = []

    # -- for subclasses --------------------------------------------------------

    def check(self) -> tuple[Any, list[str]]:
        """Show each row's problems; return the value and the list of problems."""
        raise NotImplementedError

    @property
    def value(self) -> Any:
        """A copy of the value as of the last edit."""
        raise NotImplementedError

    def changed_message(self, value: Any, problems: list[str]) -> Message:
        raise NotImplementedError

    def new_row(self) -> EditorRow:
        raise NotImplementedError

    # -- building --------------------------------------------------------------

    def compose(self) -> ComposeResult:
        with Widget(classes="editor-headings"):
            for heading in self.HEADINGS:
                yield Static(heading, classes="editor-heading")
        yield Vertical(*self._rows, classes="editor-rows")
        yield Static(self.EMPTY_TEXT, classes="editor-empty")
        yield Button(self.ADD_LABEL, compact=True, classes="editor-add")

    def set_rows(self, rows: list[EditorRow]) -> None:
        """Replace all rows without posting `Changed`."""
        if self.is_mounted:
            container = self.query_one(".editor-rows", Vertical)
            container.remove_children()
            container.mount_all(rows)
        self._rows = rows
        self._posted = self._checked()

    def _checked(self) -> tuple[Any, list[str]]:
        self._value, self._problems = self.check()
        self.set_class(not self._rows, "-empty")
        return self._value, self._problems

    @property
    def problems(self) -> list[str]:
        """Human-readable problems, one per line, e.g. 'Row 3 has an empty key'."""
        return list(self._problems)

    def edited(self) -> None:
        state = self._checked()
        if state != self._posted:
            self._posted = state
            self.post_message(self.changed_message(self.value, self.problems))

    # -- messages from the fields inside ---------------------------------------

    @on(Input.Changed)
    @on(Select.Changed)
    def _field_changed(self, event: Message) -> None:
        # Only the editor's own Changed leaves the editor.
        event.stop()
        self.edited()

    @on(Input.Submitted)
    def _field_submitted(self, event: Input.Submitted) -> None:
        # Enter in a field moves on, as tab does, rather than leaking a submit.
        event.stop()
        self.screen.focus_next()

    @on(Button.Pressed)
    async def _button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        if event.button.has_class("editor-add"):
            await self.action_add_row()
            return
        row = self._row_of(event.button)
        if row is None:
            return
        index = self._rows.index(row)
        if event.button.name == "delete":
            await self.delete_row_at(index)
        elif event.button.name in ("up", "down"):
            self.move_row_at(index, -1 if event.button.name == "up" else 1)

    # -- actions ---------------------------------------------------------------

    def _row_of(self, widget: Widget | None) -> EditorRow | None:
        if widget is None:
            return None
        for node in widget.ancestors_with_self:
            if isinstance(node, EditorRow):
                return node if node in self._rows else None
        return None

    @property
    def focused_row(self) -> EditorRow | None:
        return self._row_of(self.screen.focused)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        # Row actions only apply with a row focused; otherwise the key goes elsewhere
        # (ctrl+d, for instance, back to the input's own "delete right").
        if action in ("delete_row", "move_row"):
            return self.focused_row is not None
        return True

    async def action_add_row(self) -> None:
        row = self.new_row()
        self._rows.append(row)
        await self.query_one(".editor-rows", Vertical).mount(row)
        row.fields[0].focus()
        self.edited()

    async def action_delete_row(self) -> None:
        row = self.focused_row
        if row is not None:
            await self.delete_row_at(self._rows.index(row))

    def action_move_row(self, offset: int) -> None:
        row = self.focused_row
        if row is not None:
            self.move_row_at(self._rows.index(row), offset)

    def move_row_at(self, index: int, offset: int) -> None:
        target = index + offset
        if not 0 <= target < len(self._rows):
            return
        row = self._rows.pop(index)
        self._rows.insert(target, row)
        container = self.query_one(".editor-rows", Vertical)
        if offset < 0:
            container.move_child(row, before=self._rows[target + 1])
        else:
            container.move_child(row, after=self._rows[target - 1])
        row.scroll_visible()
        self.edited()

    async def delete_row_at(self, index: int) -> None:
        row = self._rows.pop(index)
        column = row.focused_column()
        had_focus = row.has_focus_within
        await row.remove()
        if had_focus:
            # Keep the keyboard where it was: same column, next row (or the last one).
            if self._rows:
                self._rows[min(index, len(self._rows) - 1)].fields[column].focus()
            else:
                self.query_one(".editor-add", Button).focus()
        self.edited()
