"""What the key-value and schema editors share: a virtual table of rows.

One table widget draws only the lines on screen (Textual's Line API, as the picker's
`AssistantTable`), and one edit line (`edit_line.py`) is laid over the cell being
edited: 5,000 variables are a list of 5,000 small objects, not 10,000 inputs. Keys on
the table: arrows move between cells, Enter (or typing) edits a cell, ctrl+n adds a
row, ctrl+d deletes one. In the edit line: Enter or an arrow up/down ends the edit,
Tab and shift+Tab go on to the next or previous cell, Escape puts the cell back as it
was before the edit.

Every edit of a cell reaches the rows at once, and the editor re-checks them and posts
its `Changed` message when the value or the problems differ from the last ones posted
(so `load` never posts). Rows that came with the value are never ignored, whatever they
hold (their problems are shown); a row added here is ignored while it is blank.
"""

from __future__ import annotations

import copy
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, ClassVar, NamedTuple

from rich.cells import cell_len
from rich.segment import Segment
from rich.style import Style as RichStyle
from textual import events, on
from textual.app import ComposeResult
from textual.content import Content
from textual.geometry import Region, Size
from textual.message import Message
from textual.strip import Strip
from textual.widget import Widget
from textual.widgets import Button, Input, Static

from voicedesk.display import safe_text
from voicedesk.tui.textual_private import OwnVirtualSize

from .edit_line import edit_line_text, load_edit_line, make_edit_line

_TEXT_LIMIT = 1024  # at most this much of a cell is laid out (a value may be 1 MB)
_FIT_LIMIT = 80  # a fitted column is never wider: longer cells are measured this far
_COLUMN_META = tuple(RichStyle.from_meta({"column": column}) for column in range(8))


class Column(NamedTuple):
    heading: str
    width: int  # cells, the gap after it included, of a fixed column (share 0); a fitted one's least
    share: int  # 0: fixed; else a share of what fixed columns leave, relative to the others
    placeholder: str  # shown, dimmed, in an empty cell
    picked: bool = False  # its value is picked from a list (see RowEditor.choices)
    # A share fitted to its longest cell, between `width` and this fraction of the table
    # (names: read whole where the room allows, and the rest to the columns beside).
    fit: float = 0.0


# Below this many cells for the shared columns, the row buttons other than delete (the
# mouse's; the keys do the same) give their room to the text.
_ROOM_FOR_ALL_BUTTONS = 40

class TableRow:
    """One row: subclasses hold its cells, and `new`: added in this editor (while it is
    blank, such a row is ignored)."""

    __slots__ = ("new",)
    new: bool


@dataclass(frozen=True)
class RowProblems:
    messages: tuple[str, ...]
    columns: frozenset[int]  # the cells to flag


class RowEditor(Widget):
    """A table of rows, an edit line, the cursor row's message and an add button."""

    DEFAULT_CSS = """
    /* KeyValueEditor, SchemaEditor and PhraseEditor: a virtual table (RowGrid, drawn line by
       line) with one edit line laid over the cell being edited; the cells look like the form's inputs. */
    RowEditor {
        height: auto;
        width: 1fr;

        & > .editor-grid {
            width: 1fr;
            height: 1;
            overflow-x: hidden;
            overflow-y: auto;
            scrollbar-size-vertical: 0;  /* it draws its own scroll indicator */
            background: transparent;

            & > .row-grid--heading { color: $foreground-muted; text-style: bold; }
            & > .row-grid--empty { color: $foreground-muted; text-style: italic; }
            & > .row-grid--cell { background: $surface; }
            & > .row-grid--cursor { background: $surface; }
            & > .row-grid--invalid { background: $error 25%; }
            & > .row-grid--invalid-cursor { background: $error 25%; }
            & > .row-grid--placeholder { color: $foreground-muted 60%; }
            & > .row-grid--json { color: $text-accent; }
            & > .row-grid--button { color: $foreground-muted; }
            & > .row-grid--track { background: $panel; }
            & > .row-grid--thumb { background: $primary 60%; }
            &:focus {
                & > .row-grid--cursor { background: $primary 25%; }
                & > .row-grid--invalid-cursor { background: $error 40%; }
            }
        }
        & > .editor-line {
            position: absolute;
            height: 1;
            background: $primary 25%;
            &:focus { background: $primary 25%; }
        }
        & > .editor-message {
            height: auto;
            color: $foreground-muted;
            padding-left: 1;
            &.-error { color: $text-error; }
        }
        & > Button.editor-add {  /* Button, to outrank Button.-style-default:focus */
            margin-top: 1;
            min-width: 0;
            width: auto;
            &:focus { background: $primary; color: $text; text-style: bold; }
        }
    }
    """

    COLUMNS: ClassVar[tuple[Column, ...]]
    BUTTONS: ClassVar[tuple[tuple[str, str], ...]]  # (label, action) at each row's end, for the mouse
    ADD_LABEL: ClassVar[str]
    EMPTY_TEXT: ClassVar[str]
    VISIBLE_ROWS: ClassVar[int] = 12  # more scroll inside the table

    def __init__(self, id: str | None = None) -> None:
        super().__init__(id=id)
        self._rows: list[TableRow] = []
        self._problems_of: dict[int, RowProblems] = {}  # by row index
        self._posted: tuple[Any, list[str]] | None = None
        self._value: Any = None
        self._problems: list[str] = []
        self._longest: dict[int, int] = {}  # the widest cell of each fitted column
        self._unsettled = False  # edited since the last check (see edited)
        self.cursor_row = 0
        self.cursor_column = 0
        self._editing: tuple[TableRow, int, TableRow] | None = None  # row, column, row before the edit
        self._line_loaded = ""  # the edit line's text as last put into its cell (or loaded)
        self.grid = RowGrid(self)
        self.line = make_edit_line(self._line_key, classes="editor-line")
        self._show_line(False)
        self._message = Static("", classes="editor-message", markup=False)

    # -- for subclasses --------------------------------------------------------

    def cell_text(self, row: TableRow, column: int) -> str:
        """The cell's exact text (what the edit line starts from)."""
        raise NotImplementedError

    def cell_is_json(self, row: TableRow, column: int) -> bool:
        """Whether the cell shows a stored value that is not text (drawn apart)."""
        return False

    def set_cell(self, row: TableRow, column: int, text: str) -> None:
        raise NotImplementedError

    def choices(self, row: TableRow, column: int) -> list[str] | None:
        """The values a cell is picked from (a list opens instead of the edit line)."""
        return None

    def locked(self, row: TableRow) -> str | None:
        """Why this row's cells cannot be edited, or None."""
        return None

    def hint(self, row: TableRow) -> str | None:
        """A note on the cursor row when it has no problem."""
        return None

    def blank(self, row: TableRow) -> bool:
        raise NotImplementedError

    def new_row(self) -> TableRow:
        raise NotImplementedError

    def check(self, rows: Sequence[TableRow]) -> tuple[Any, list[str], dict[int, RowProblems]]:
        """The value, the problems, and each flagged row's (by index) messages."""
        raise NotImplementedError

    def changed_message(self, value: Any, problems: list[str]) -> Message:
        raise NotImplementedError

    @property
    def value(self) -> Any:
        """A copy of the value as of the last edit."""
        self.settle()
        return copy.deepcopy(self._value)

    # -- building --------------------------------------------------------------

    def compose(self) -> ComposeResult:
        yield self.grid
        yield self.line
        yield self._message
        yield Button(self.ADD_LABEL, compact=True, classes="editor-add")

    def on_mount(self) -> None:
        self.grid.rows_changed()
        self._show_message()

    def set_rows(self, rows: list[TableRow]) -> None:
        """Replace all rows without posting `Changed`."""
        self._stop_editing(focus=self.line.has_focus)
        self._unsettled = False
        self._rows = rows
        self.cursor_row = min(self.cursor_row, max(len(rows) - 1, 0))
        self._posted = self._checked()
        if self.is_mounted:
            self.grid.rows_changed()
            self._show_message()

    def _checked(self) -> tuple[Any, list[str]]:
        self._value, self._problems, self._problems_of = self.check(self._rows)
        self.set_class(not self._rows, "-empty")
        # With the check's pass over the rows, not in every frame.
        self._longest = {
            column: max((cell_len(self.cell_text(row, column)[:_FIT_LIMIT]) for row in self._rows), default=0)
            for column, spec in enumerate(self.COLUMNS) if spec.fit
        }
        return self._value, self._problems

    def longest(self, column: int) -> int:
        """The widest text of a fitted column (as of the last check)."""
        return self._longest.get(column, 0)

    @property
    def problem_rows(self) -> list[int]:
        """The numbers (from 1) of the rows with problems."""
        self.settle()
        return [index + 1 for index in sorted(self._problems_of)]

    @property
    def problems(self) -> list[str]:
        """Human-readable problems, one per line, e.g. 'Row 3 has an empty key'."""
        self.settle()
        return list(self._problems)

    @property
    def row_count(self) -> int:
        return len(self._rows)

    def row_problems(self, index: int) -> RowProblems | None:
        return self._problems_of.get(index)

    def edited(self) -> None:
        """A row changed. It is drawn at once; the check of every row, and the `Changed`
        that takes the value to the form, follow once this burst of edits is over (when
        the editor's queue of messages runs dry): keys that arrive together, as a paste
        or an SSH link catching up, cost one pass over 5,000 rows, not one each."""
        self._unsettled = True
        self.grid.refresh()
        self.check_idle()  # an edit made by an action leaves no message behind to idle after

    def on_idle(self) -> None:
        self.settle()

    def settle(self) -> None:
        """Check the rows and post `Changed` now if an edit is waiting for it."""
        if not self._unsettled:
            return
        self._unsettled = False
        state = self._checked()
        self.grid.refresh()
        self._show_message()
        if state != self._posted:
            self._posted = state
            # The value check() just built (a new object each time): no copy of 5,000 rows.
            self.post_message(self.changed_message(self._value, list(self._problems)))

    def _show_message(self) -> None:
        text, error = "", False
        if self._rows:
            problems = self._problems_of.get(self.cursor_row)
            if problems is not None:
                text, error = f"Row {self.cursor_row + 1}: " + "; ".join(problems.messages), True
            else:
                text = self.hint(self._rows[self.cursor_row]) or self._cut_text()
        self._message.update(safe_text(text[:_TEXT_LIMIT]))
        self._message.set_class(error, "-error")
        self._message.display = bool(text)

    def _cut_text(self) -> str:
        """The cursor's cell in full, while the table has the focus, when its column
        shows only a part of it (a description in a narrow terminal); else nothing."""
        if not self.grid.has_focus or not self.grid.size.width:
            return ""
        column = self.COLUMNS[self.cursor_column]
        text = self.cell_text(self._rows[self.cursor_row], self.cursor_column)
        room = self.grid.cell_span(self.cursor_column)[1] - (2 if column.picked else 0)
        return f"{column.heading}: {text}" if cell_len(safe_text(text[:_TEXT_LIMIT])) > room else ""

    # -- the cursor ------------------------------------------------------------

    def move_cursor(self, row: int | None = None, column: int | None = None) -> None:
        if row is not None and self._rows:
            self.cursor_row = max(0, min(row, len(self._rows) - 1))
        if column is not None:
            self.cursor_column = max(0, min(column, len(self.COLUMNS) - 1))
        self.grid.scroll_to_cursor()
        self.grid.refresh()
        self._show_message()

    # -- editing a cell ----------------------------------------------------------

    @property
    def editing(self) -> bool:
        return self._editing is not None

    def start_edit(self, typed: str = "") -> None:
        """Edit the cursor cell (appending `typed`, a key that started the edit)."""
        if not self._rows:
            return
        row, column = self._rows[self.cursor_row], self.cursor_column
        reason = self.locked(row)
        if reason:
            self.notify(reason, severity="warning", markup=False, timeout=4)
            return
        options = self.choices(row, column)
        if options is not None:
            self._pick(row, column, options, typed)
            return
        self._editing = (row, column, copy.deepcopy(row))
        load_edit_line(self.line, self.cell_text(row, column))
        self._line_loaded = self.line.value
        self._place_line()
        self._show_line(True)
        self.screen.set_focus(self.line)  # at once: the next key must reach it
        if typed:
            self.line.insert_text_at_cursor(typed)

    def _pick(self, row: TableRow, column: int, options: list[str], typed: str) -> None:
        from .search_select_screen import SearchSelectScreen

        current = self.cell_text(row, column)
        shown = options if current in options else [*options, current]

        def picked(index: int | None) -> None:
            if index is not None and row in self._rows and shown[index] != current:
                self.set_cell(row, column, shown[index])
                self.edited()
            self.grid.focus()

        self.app.push_screen(
            SearchSelectScreen(shown, shown.index(current), title=self.COLUMNS[column].heading, query=typed.strip()),
            picked,
        )

    def _place_line(self) -> None:
        if self._editing is None:
            return
        x, width = self.grid.cell_span(self.cursor_column)
        self.line.styles.offset = (x, 1 + self.cursor_row - self.grid.scroll_offset.y)
        self.line.styles.width = max(width, 1)

    @on(Input.Changed, ".editor-line")
    def _line_changed(self, event: Input.Changed) -> None:
        event.stop()  # only the editor's own Changed leaves it
        self._take_line()

    def _take_line(self) -> None:
        """The edit line's text into its cell, if the user changed it. Called on each of
        its changes, and before an edit ends: a change whose message comes after the
        end (keys of one burst) is not lost. An untouched cell keeps its exact value."""
        if self._editing is None or self.line.value == self._line_loaded:
            return
        row, column, _ = self._editing
        self._line_loaded = self.line.value
        self.set_cell(row, column, edit_line_text(self.line))
        self.edited()

    @on(events.DescendantBlur)
    def _line_left(self, event: events.DescendantBlur) -> None:
        # The focus went elsewhere (a click, another screen): the edit is over. (Not when
        # it has come back meanwhile: Tab goes from cell to cell on the same line.)
        if event.widget is self.line and not self.line.has_focus:
            self._stop_editing()

    def _stop_editing(self, *, focus: bool = False) -> None:
        if self._editing is None:
            return
        self._take_line()
        self._editing = None
        if focus:
            self.screen.set_focus(self.grid)
        self._show_line(False)
        self.grid.refresh()

    def _show_line(self, shown: bool) -> None:
        self.line.display = shown
        self.line.can_focus = shown  # hidden, it is no stop for tab or for focusing the row

    def _line_key(self, event: events.Key) -> bool:
        """A key the edit line received: whether the table takes it. Keys that came in
        the burst of the one that ended the edit go to the table, as if it had them."""
        if not self.editing:
            return self.grid.take_key(event)
        steps = {"tab": 1, "shift+tab": -1, "up": -1, "down": 1}
        if event.key == "enter":
            self._stop_editing(focus=True)
        elif event.key == "escape":
            self.action_cancel_edit()
        elif event.key in ("tab", "shift+tab"):
            self.action_edit_next(steps[event.key])
        elif event.key in ("up", "down"):
            self.action_end_edit(steps[event.key])
        else:
            return False
        return True

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ("delete_row", "move_row"):
            return bool(self._rows) and (self.grid.has_focus or self.editing)
        return True

    def action_cancel_edit(self) -> None:
        if self._editing is None:
            return
        row, _, before = self._editing
        self._stop_editing(focus=True)
        if row in self._rows:
            self._rows[self._rows.index(row)] = before
            self.edited()

    def action_edit_next(self, step: int) -> None:
        column = self.cursor_column + step
        row = self._rows[self.cursor_row]
        while 0 <= column < len(self.COLUMNS) and self.choices(row, column) is not None:
            column += step  # a list would open: Tab passes a picked cell by (Enter picks)
        if 0 <= column < len(self.COLUMNS):
            self._take_line()
            self._editing = None  # the line stays, and keeps the focus, for the next cell
            self.move_cursor(column=column)
            self.start_edit()
            if not self.editing:  # the row is locked
                self._show_line(False)
                self.screen.set_focus(self.grid)
            return
        self._stop_editing(focus=True)
        if step > 0:
            self.screen.focus_next()
        else:
            self.screen.focus_previous()

    def action_end_edit(self, step: int) -> None:
        self._stop_editing(focus=True)
        self.move_cursor(row=self.cursor_row + step)

    # -- rows ------------------------------------------------------------------

    async def action_add_row(self) -> None:
        self._stop_editing()
        row = self.new_row()
        row.new = True
        self._rows.append(row)
        self.grid.rows_changed()
        self.move_cursor(row=len(self._rows) - 1, column=0)
        self.edited()
        self.start_edit()

    def action_delete_row(self) -> None:
        if self._rows:
            self.delete_row_at(self.cursor_row)

    def action_move_row(self, offset: int) -> None:
        if self._rows:
            self.move_row_at(self.cursor_row, offset)

    def delete_row_at(self, index: int) -> None:
        editing = self.editing
        self._stop_editing(focus=editing)
        del self._rows[index]
        self.grid.rows_changed()
        if self._rows:
            self.move_cursor(row=min(index, len(self._rows) - 1) if index == self.cursor_row else (
                self.cursor_row - (index < self.cursor_row)))
        else:
            self.cursor_row = 0
            self.query_one(".editor-add", Button).focus()
        self.edited()

    def move_row_at(self, index: int, offset: int) -> None:
        target = index + offset
        if not 0 <= target < len(self._rows):
            return
        self._stop_editing(focus=True)
        self._rows.insert(target, self._rows.pop(index))
        self.move_cursor(row=target)
        self.edited()

    @on(Button.Pressed, ".editor-add")
    async def _add_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        await self.action_add_row()

    def row_button_clicked(self, index: int, action: str) -> None:
        """A click on a row's ✕ (or ↑ ↓): the row's action."""
        if action == "delete":
            self.delete_row_at(index)
        else:
            self.move_row_at(index, -1 if action == "up" else 1)


@dataclass(frozen=True)
class _Frame:
    """What every line of one frame shares (looked up once, not once a line)."""

    top: int
    width: int  # left of the scroll indicator
    cells: tuple[tuple[int, int], ...]  # (x, width) of each column, its gap included
    buttons: tuple[tuple[int, int], ...]
    shown_buttons: tuple[tuple[str, str], ...]  # (label, action) of each
    styles: dict[str, RichStyle]
    thumb: range
    focused: bool


class RowGrid(OwnVirtualSize, can_focus=True):
    """The drawn table of a RowEditor: a heading line, then one line per row."""

    ALLOW_SELECT = False

    COMPONENT_CLASSES = {
        "row-grid--heading", "row-grid--cell", "row-grid--cursor", "row-grid--invalid",
        "row-grid--invalid-cursor", "row-grid--placeholder", "row-grid--json", "row-grid--button",
        "row-grid--empty", "row-grid--track", "row-grid--thumb",
    }

    def __init__(self, editor: RowEditor) -> None:
        super().__init__(classes="editor-grid")
        self.editor = editor
        self._frame: _Frame | None = None

    # --- size and scrolling ---------------------------------------------------------------

    @property
    def page(self) -> int:
        return max(1, self.size.height - 1)

    def rows_changed(self) -> None:
        """The number of rows changed: the height and the scroll range follow."""
        count = self.editor.row_count
        self.can_focus = bool(count)  # empty, the add button takes the focus
        lines = 1 + min(count, self.editor.VISIBLE_ROWS) if count else 1
        if self.styles.height is None or self.styles.height.value != lines:
            self.styles.height = lines
        self.virtual_size = Size(0, count + 1)
        self.scroll_to_cursor()
        self.refresh()

    def scroll_to_cursor(self) -> None:
        top, cursor, page = self.scroll_offset.y, self.editor.cursor_row, self.editor.VISIBLE_ROWS
        if cursor < top:
            self.scroll_to(y=cursor, animate=False, force=True, immediate=True)
        elif cursor >= top + page:
            self.scroll_to(y=cursor - page + 1, animate=False, force=True, immediate=True)

    def on_resize(self) -> None:
        self.editor._show_message()  # what the columns cut depends on the width

    def watch_scroll_y(self, old: float, new: float) -> None:
        super().watch_scroll_y(old, new)
        self.editor._place_line()

    # --- keys and the mouse -------------------------------------------------------------

    def key_opens_screen(self, event: events.Key) -> bool:
        """Enter or typing on a cell picked from a list opens that list (see `KeyOrder`)."""
        editor = self.editor
        if editor.editing or not editor.row_count or not (
                event.key in ("enter", "f2") or (event.is_printable and event.character)):
            return False
        row = editor._rows[editor.cursor_row]
        return editor.locked(row) is None and editor.choices(row, editor.cursor_column) is not None

    def on_key(self, event: events.Key) -> None:
        if self.take_key(event):
            event.stop()
            event.prevent_default()

    def take_key(self, event: events.Key) -> bool:
        """The table's keys, handled here rather than as bindings: a binding runs once the
        key has bubbled up to the app, after the keys behind it (a burst: an arrow, then
        text) have been handled here. Keys sent here in the burst of the one that started
        an edit, before the edit line took the focus, go on into it in order."""
        editor = self.editor
        moves = {
            "up": (-1, 0), "down": (1, 0), "left": (0, -1), "right": (0, 1),
            "pageup": (-editor.VISIBLE_ROWS, 0), "pagedown": (editor.VISIBLE_ROWS, 0),
            "home": (-editor.row_count, 0), "end": (editor.row_count, 0),
        }
        if editor.editing:
            if event.key in ("enter", "escape", "tab", "shift+tab", "up", "down"):
                return editor._line_key(event)
            if event.key == "backspace":
                editor.line.action_delete_left()
            elif event.is_printable and event.character:
                editor.line.insert_text_at_cursor(event.character)
            else:
                return False
        elif not editor.row_count:
            return False
        elif event.key in moves:
            rows, columns = moves[event.key]
            editor.move_cursor(row=editor.cursor_row + rows, column=editor.cursor_column + columns)
        elif event.key in ("enter", "f2") or (event.is_printable and event.character):
            editor.start_edit("" if event.key in ("enter", "f2") else event.character or "")
        else:
            return False
        return True

    def on_focus(self) -> None:
        self.refresh()
        self.editor._show_message()  # the cursor's cut cell is said while focused

    def on_blur(self) -> None:
        self.refresh()
        self.editor._show_message()

    def on_click(self, event: events.Click) -> None:
        offset = event.get_content_offset(self)
        if offset is None or offset.y < 1:
            return
        index = self.scroll_offset.y + offset.y - 1
        editor = self.editor
        if not 0 <= index < editor.row_count:
            return
        event.stop()
        frame = self._frame or self._make_frame()
        for (x, width), (_, action) in zip(frame.buttons, frame.shown_buttons, strict=True):
            if x <= offset.x < x + width:
                editor.row_button_clicked(index, action)
                return
        for column, (x, width) in enumerate(frame.cells):
            if x <= offset.x < x + width:
                again = (index, column) == (editor.cursor_row, editor.cursor_column) and self.has_focus
                self.focus()
                editor.move_cursor(row=index, column=column)
                if again or event.chain > 1:
                    editor.start_edit()
                return

    # --- layout ------------------------------------------------------------------------

    def cell_span(self, column: int) -> tuple[int, int]:
        """Where a column's text is drawn: its x and width (the gap after it left out)."""
        x, width = self._layout(self._table_width())[0][column]
        return x, width - 1

    def _table_width(self) -> int:
        scrolls = self.editor.row_count > self.editor.VISIBLE_ROWS
        return self.scrollable_content_region.width - (1 if scrolls else 0)

    def _buttons(self, width: int) -> tuple[tuple[str, str], ...]:
        """The row buttons shown at this width: all, or delete alone when the text would
        be cramped."""
        buttons = self.editor.BUTTONS
        fixed = sum(column.width for column in self.editor.COLUMNS if not column.share)
        if len(buttons) > 1 and width - fixed - 3 * len(buttons) < _ROOM_FOR_ALL_BUTTONS:
            return tuple(button for button in buttons if button[1] == "delete")
        return buttons

    def _layout(self, width: int) -> tuple[tuple[tuple[int, int], ...], tuple[tuple[int, int], ...]]:
        """Each column's (x, width), its gap included, and each shown button's."""
        editor = self.editor
        columns, buttons = editor.COLUMNS, self._buttons(width)
        fixed = sum(column.width for column in columns if not column.share) + 3 * len(buttons)
        left = max(0, width - fixed)
        # Fitted columns take what their longest cell needs (within their bounds) first.
        fitted = {
            number: max(column.width, min(editor.longest(number) + 2, int(left * column.fit)))
            for number, column in enumerate(columns) if column.share and column.fit
        }
        rest = max(0, left - sum(fitted.values()))
        shares = sum(column.share for number, column in enumerate(columns)
                     if column.share and number not in fitted) or 1
        shared = [number for number, column in enumerate(columns) if column.share and number not in fitted]
        cells, x, given = [], 0, 0
        for number, column in enumerate(columns):
            if not column.share:
                span = column.width
            elif number in fitted:
                span = fitted[number]
            elif number == shared[-1]:
                span = rest - given  # the last shared column takes the rounding
            else:
                span = rest * column.share // shares
                given += span
            cells.append((x, max(span, 2)))
            x += max(span, 2)
        spans = tuple((x + 3 * n, 3) for n in range(len(buttons)))
        return tuple(cells), spans

    # --- drawing -----------------------------------------------------------------------

    def _make_frame(self) -> _Frame:
        editor = self.editor
        width = self._table_width()
        cells, buttons = self._layout(width)
        styles = {
            name.removeprefix("row-grid--"): self.get_component_rich_style(name) for name in self.COMPONENT_CLASSES
        }
        for overlay in ("placeholder", "json"):  # drawn over a cell's own background
            style = styles[overlay]
            styles[overlay] = RichStyle(color=style.color, bold=style.bold, italic=style.italic)
        top, page, rows = self.scroll_offset.y, editor.VISIBLE_ROWS, editor.row_count
        if rows > page:
            size = max(1, round(page * page / rows))
            start = 1 + round((page - size) * top / max(1, rows - page))
            thumb = range(start, start + size)
        else:
            thumb = range(0)
        return _Frame(top, width, cells, buttons, self._buttons(width), styles, thumb, self.has_focus)

    def render_lines(self, crop: Region) -> list[Strip]:
        self._frame = self._make_frame()
        try:
            return super().render_lines(crop)
        finally:
            self._frame = None

    def render_line(self, y: int) -> Strip:
        frame = self._frame or self._make_frame()
        editor, styles = self.editor, frame.styles
        base = self.rich_style
        full = self.scrollable_content_region.width
        if not editor.row_count:
            text = Content(editor.EMPTY_TEXT).truncate(full, ellipsis=True).plain if y == 0 else ""
            return Strip([Segment(text, styles["empty"])]).adjust_cell_length(full, base)
        segments: list[Segment] = []
        if y == 0:
            for number, (heading, (_x, width)) in enumerate(zip(editor.COLUMNS, frame.cells, strict=False)):
                # Its column in the meta: equal neighbours stay apart (an SVG merges them).
                segments.append(Segment(_fit(heading.heading, width), styles["heading"] + _COLUMN_META[number]))
        else:
            index = frame.top + y - 1
            if index >= editor.row_count:
                return Strip.blank(full, base)
            row = editor._rows[index]
            problems = editor.row_problems(index)
            editing = editor._editing
            for column, (spec, (_x, width)) in enumerate(zip(editor.COLUMNS, frame.cells, strict=False)):
                cursor = frame.focused and index == editor.cursor_row and column == editor.cursor_column
                invalid = problems is not None and column in problems.columns
                style = styles["invalid-cursor" if invalid and cursor else "invalid" if invalid
                               else "cursor" if cursor else "cell"]
                if editing is not None and editing[0] is row and editing[1] == column:
                    text, text_style = "", style  # under the edit line
                else:
                    text = editor.cell_text(row, column)
                    if not text:
                        placeholder = spec.placeholder if editor.locked(row) is None else ""
                        text, text_style = placeholder, style + styles["placeholder"]
                    elif editor.cell_is_json(row, column):
                        text, text_style = text, style + styles["json"]
                    else:
                        text_style = style
                if spec.picked:  # picked from a list, as a Select shows it
                    segments.append(Segment(_fit(safe_text(text[:_TEXT_LIMIT]), width - 3), text_style))
                    segments.append(Segment(" ▼", style + styles["placeholder"]))
                else:
                    segments.append(Segment(_fit(safe_text(text[:_TEXT_LIMIT]), width - 1), text_style))
                segments.append(Segment(" ", base))
            for label, _ in frame.shown_buttons:
                segments.append(Segment(f" {label} ", styles["button"]))
        strip = Strip(segments).adjust_cell_length(frame.width, base)
        if full > frame.width:  # the scroll indicator
            edge = styles["thumb"] if y in frame.thumb else styles["track"] if y else base
            strip = Strip([*strip, Segment(" ", edge)])
        return strip


def _fit(text: str, width: int) -> str:
    """`text` cut (with an ellipsis) or padded to exactly `width` cells."""
    if cell_len(text) > width:
        return Content(text).truncate(width, ellipsis=True).plain.ljust(width)
    return text + " " * (width - cell_len(text))
