"""A virtual table of assistants, drawn with Textual's Line API.

The rows are a plain list of tuples; the widget draws only the lines on screen
(`render_line`), so replacing or narrowing 2,000 rows costs one pass over a Python list
and a screenful of lines, not a widget or a cell per row. Filtering is the app's matcher
(`voicedesk.matching.Catalog`) over each row's id, name and phone number's digits, folded
once per `set_rows` (see `AssistantTable._matching` for what matches, in which order).

Cell text is shown literally: each cell is a `Content` built from the plain string (no
markup is parsed). The caller passes display text (`voicedesk.display.safe_text`
already applied to server strings); it is not re-interpreted here.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import zip_longest

from rich.cells import cell_len
from rich.segment import Segment
from rich.style import Style as RichStyle
from textual import events
from textual.binding import Binding
from textual.cache import LRUCache
from textual.content import Content
from textual.geometry import Region, Size
from textual.message import Message
from textual.strip import Strip

from voicedesk.matching import Catalog, fold
from voicedesk.tui.textual_private import OwnVirtualSize, update_scrollbars

Row = tuple[int, str, str, str, str, str]
"""ID, name, direction, engine, phone number, status."""

COLUMNS = ("ID", "Name", "Direction", "Engine", "Phone number", "Status")

_NAME = 1  # the column that absorbs spare width and is cut first
_NAME_CAP = 48  # the name column's width from content is capped here...
_NAME_MIN = 8  # ...and it shrinks to this on a narrow screen before the others are cut
_NAME_WANTED = 36  # narrower than this (or its content), the columns below are left out
_LEFT_OUT_FIRST = (3, 2)  # engine, then direction
_OTHER_CAP = 20  # direction, engine, phone and status are short; server text is capped
_LEFT = 1  # blank cells before the first column
_GAP = 2  # blank cells between columns
_MEASURE_LIMIT = 256  # longer strings are not measured: they are wider than any cap
_TEXT_LIMIT = 1024  # at most this much of a cell is laid out (a name may be 1 MB)
# Each cell's segment carries its column: equal neighbours stay separate segments.
_COLUMN_META = tuple(RichStyle.from_meta({"column": column}) for column in range(len(COLUMNS)))


# An id or a phone number as people type them.
_PHONE_LIKE = re.compile(r"[+(]?\d[\d\s()./+-]*")
_NOT_DIGITS = re.compile(r"\D")
_HAS_DIGIT = re.compile(r"\d")


def _digits(phone: str) -> str:
    """A phone number's digits ("+49 30 1234" -> "49301234"); nothing for a cell that
    holds no number ("-", or "#12": a number's id, before the numbers are loaded)."""
    return "" if phone.startswith(("#", "-")) else _NOT_DIGITS.sub("", phone)


def _width(text: str, cap: int) -> int:
    return cap if len(text) > _MEASURE_LIMIT else min(cap, cell_len(text))


class AssistantTable(OwnVirtualSize, can_focus=True):
    """A read-only table of assistants with a row cursor.

    Keys: up/down, pageup/pagedown, home/end move the cursor; enter opens the row under
    it (`Opened`). A click moves the cursor; a click on the cursor row, or a double
    click, opens. The cursor follows its assistant when rows are replaced or filtered.
    """

    DEFAULT_CSS = """
    /* AssistantTable: the picker's virtual table (a Line API ScrollView). The cursor row
       stays marked while the filter box has the focus (Enter there opens it); with the
       focus in the table it takes the theme's block cursor and the table a light tint. */
    AssistantTable {
        height: 1fr;
        width: 1fr;
        overflow-x: hidden;
        overflow-y: auto;
        scrollbar-size-vertical: 0;  /* it draws its own scroll indicator, in its last cell */
        background: $surface;
        color: $foreground;

        & > .assistant-table--header {
            background: $panel;
            color: $foreground;
            text-style: bold;
        }
        & > .assistant-table--zebra { background: $surface-lighten-1 50%; }
        &:dark > .assistant-table--zebra { background: $surface-darken-1 40%; }
        & > .assistant-table--cursor {
            background: $block-cursor-blurred-background;
            color: $block-cursor-blurred-foreground;
            text-style: $block-cursor-blurred-text-style;
        }

        &:focus {
            background-tint: $foreground 5%;
            & > .assistant-table--header { background-tint: $foreground 5%; }
            & > .assistant-table--cursor {
                background: $block-cursor-background;
                color: $block-cursor-foreground;
                text-style: $block-cursor-text-style;
            }
        }
        &:ansi > .assistant-table--header { background: ansi_bright_blue; color: ansi_default; }
    }
    """

    ALLOW_SELECT = False  # a double click opens; it does not select text

    BINDINGS = [
        Binding("up", "cursor_up", "Up", show=False),
        Binding("down", "cursor_down", "Down", show=False),
        Binding("pageup", "cursor_page_up", "Page up", show=False),
        Binding("pagedown", "cursor_page_down", "Page down", show=False),
        Binding("home", "cursor_first", "First", show=False),
        Binding("end", "cursor_last", "Last", show=False),
        Binding("enter", "open", "Open", show=False),
        # Marks, for a change of many assistants at once (the picker's "Change marked").
        Binding("space", "toggle_mark", "Mark", id="picker.mark"),
        Binding("shift+down", "mark_down", "Mark down", show=False),
        Binding("shift+up", "mark_up", "Mark up", show=False),
        Binding("ctrl+a", "mark_all", "Mark all", id="picker.mark_all"),
    ]

    COMPONENT_CLASSES = {
        "assistant-table--header",
        "assistant-table--cursor",
        "assistant-table--zebra",
    }
    """
    | Class | Description |
    | :- | :- |
    | `assistant-table--header` | The header line (column names). |
    | `assistant-table--cursor` | The row under the cursor (also shown while blurred). |
    | `assistant-table--zebra` | Every other row. |
    """

    class Opened(Message):
        """The user asked to open the assistant of a row (enter, or a click on it)."""

        def __init__(self, table: AssistantTable, assistant_id: int) -> None:
            super().__init__()
            self.table = table
            self.assistant_id = assistant_id

        @property
        def control(self) -> AssistantTable:
            return self.table

    class MarksChanged(Message):
        """The marked assistants changed (`AssistantTable.marked`)."""

        def __init__(self, table: AssistantTable) -> None:
            super().__init__()
            self.table = table

        @property
        def control(self) -> AssistantTable:
            return self.table

    def __init__(
        self, *, name: str | None = None, id: str | None = None, classes: str | None = None,
        disabled: bool = False,
    ) -> None:
        super().__init__(name=name, id=id, classes=classes, disabled=disabled)
        self._rows: list[Row] = []
        # Per row, its id, name and phone number's digits with NULs between (no query
        # holds one), matched as typed; and the names alone, matched fuzzily.
        self._catalog = Catalog(())
        self._names = Catalog(())
        self._index_by_id: dict[str, int] = {}
        self._shown: list[Row] = []
        self._query = ""
        self._cursor = -1  # index into _shown; -1 when nothing is shown
        self._parked: int | None = None  # the cursor's id while no row is shown
        self._natural: tuple[int, ...] = tuple(cell_len(h) for h in COLUMNS)
        self._layout: tuple[tuple[int, tuple[int, ...]], tuple[int, ...]] | None = None
        self._current_frame: _Frame | None = None
        self._lines: LRUCache[tuple[object, ...], tuple[str, ...]] = LRUCache(1024)
        self.marked: set[int] = set()  # ids, kept across filters and reloads

    # --- the data ------------------------------------------------------------------------

    def set_rows(self, rows: Sequence[Row]) -> None:
        """Replace every row (the current filter still applies, the cursor stays on its
        assistant if it is still shown)."""
        keep = self.cursor_id
        self._rows = list(rows)
        self._catalog = Catalog(f"{row[0]}\0{row[1]}\0{_digits(row[4])}" for row in self._rows)
        self._catalog.prepare(ranking=False)  # folded now, not at the next keystroke
        self._index_by_id = {str(row[0]): index for index, row in enumerate(self._rows)}
        self._names = Catalog(row[1] for row in self._rows)  # what matches fuzzily
        self._names.prepare(ranking=False)
        natural = [cell_len(h) for h in COLUMNS]
        if self._rows:
            columns = list(zip(*self._rows, strict=False))
            natural[0] = max(natural[0], max(len(str(i)) for i in columns[0]))
            for column in range(1, len(COLUMNS)):
                cap = _NAME_CAP if column == _NAME else _OTHER_CAP
                natural[column] = max(natural[column], max(_width(text, cap) for text in columns[column]))
        self._natural = tuple(natural)
        self._reshow(keep, repaint_all=True)

    def filter(self, query: str) -> None:
        """Show the rows that match `query` (blank: all): see `_matching`."""
        query = fold(query.strip())
        if query == self._query:
            return
        self._query = query
        self._reshow(self.cursor_id, repaint_all=False)

    def _on_screen(self) -> list[tuple[Row, bool]]:
        """The rows in view (and which holds the cursor), to tell which lines changed."""
        top = self.scroll_offset.y
        return [(row, top + line == self._cursor)
                for line, row in enumerate(self._shown[top:top + self._page])]

    def _reshow(self, keep: int | None, *, repaint_all: bool) -> None:
        """Apply the filter to the rows; repaint what changed."""
        before = None if repaint_all else self._on_screen()
        top = self.scroll_offset.y
        query = self._query
        self._shown = list(map(self._rows.__getitem__, self._matching(query))) if query else self._rows
        if keep is None:
            keep = self._parked  # the filter had hidden every row: back where it was
        self._parked = None if self._shown else keep
        self._cursor = 0 if self._shown else -1
        if keep is not None and self._shown:
            found = self._index_of(keep)
            if found is not None:
                self._cursor = found
        virtual_size = Size(0, len(self._shown) + 1)  # the header is line 0
        if virtual_size != self.virtual_size:
            if self.styles.height is None or self.styles.height.is_auto:
                self.virtual_size = virtual_size  # our height follows: a layout
            else:
                # A fixed height: only the scrollbar may change, and showing or hiding it
                # asks for a layout itself. A keystroke in a filter stays a repaint.
                self.set_reactive(AssistantTable.virtual_size, virtual_size)
            update_scrollbars(self, virtual_size)
        self._scroll_to_cursor()
        if before is None or self.scroll_offset.y != top:
            self.refresh()
            return
        # Only the lines whose row or cursor changed: a keystroke that keeps what is in
        # view (typing "line" into a list of "... line N") repaints nothing here. (When
        # most changed, one refresh of the whole table costs less than one per line.)
        after = self._on_screen()
        changed = [line for line, (old, new) in enumerate(zip_longest(before, after), start=1) if old != new]
        if len(changed) > self._page // 2:
            self.refresh()
            return
        for line in changed:
            self.refresh_line(top + line)

    def _matching(self, query: str) -> list[int]:
        """The rows that match a (folded) query, in a predictable order: first those
        whose id, name or phone number holds it as typed, then those whose name holds
        its words fuzzily (as the app's lists match; a word with a digit as typed), each
        group in id order. A query of digits (and "+", spaces, dashes, brackets) is an id
        or a phone number: matched by its digits, as typed, never fuzzily ("+49 30-1234"
        finds "+49301234567"), the assistant whose id it is first."""
        if _PHONE_LIKE.fullmatch(query):
            digits = _digits(query)
            found = self._catalog.containing(digits)
            whole = self._index_by_id.get(digits)  # the id typed whole comes first
            if whole is None or not found or found[0] == whole or whole not in found:
                return found
            return [whole] + [index for index in found if index != whole]
        exact = self._catalog.containing(query)
        words = Catalog.words(query)
        letters = tuple(word for word in words if not _HAS_DIGIT.search(word))
        if not letters:
            return exact
        fuzzy, _names = self._names.matching(letters)
        # The fuzzy ones the as-typed ones do not hold, whose names hold each word with a
        # digit as typed: set operations and the catalog's searches, in C, for a key in a
        # 2,000-row filter where most rows match. Indices ascend, as the rows do.
        rest = set(fuzzy).difference(exact)
        for number in (word for word in words if _HAS_DIGIT.search(word)):
            if not rest:
                break
            rest.intersection_update(self._names.containing(number))
        return exact + sorted(rest) if rest else exact

    def _index_of(self, assistant_id: int) -> int | None:
        for index, row in enumerate(self._shown):
            if row[0] == assistant_id:
                return index
        return None

    @property
    def row_count(self) -> int:
        """How many rows are shown (match the filter)."""
        return len(self._shown)

    @property
    def total_count(self) -> int:
        """How many rows there are, shown or not."""
        return len(self._rows)

    @property
    def shown_ids(self) -> list[int]:
        """The ids of the shown rows, in order."""
        return [row[0] for row in self._shown]

    @property
    def cursor_id(self) -> int | None:
        """The id of the assistant under the cursor (None when no row is shown)."""
        return self._shown[self._cursor][0] if self._cursor >= 0 else None

    @property
    def cursor_row(self) -> int:
        """The cursor's index among the shown rows (-1 when none is shown)."""
        return self._cursor

    def get_row(self, assistant_id: int) -> Row | None:
        """The row of this assistant, shown or not (None if there is none)."""
        return next((row for row in self._rows if row[0] == assistant_id), None)

    def move_to(self, assistant_id: int) -> bool:
        """Put the cursor on this assistant; False if it is not shown."""
        index = self._index_of(assistant_id)
        if index is None:
            return False
        self._move_cursor(index)
        return True

    # --- the cursor ----------------------------------------------------------------------

    @property
    def _page(self) -> int:
        """Rows that fit under the header."""
        return max(1, self.scrollable_content_region.height - 1)

    def _move_cursor(self, index: int) -> None:
        if not self._shown:
            return
        index = max(0, min(index, len(self._shown) - 1))
        if index == self._cursor:
            return
        old, self._cursor = self._cursor, index
        if old >= 0:
            self.refresh_line(old + 1)
        self.refresh_line(index + 1)
        self._scroll_to_cursor()

    def _scroll_to_cursor(self) -> None:
        if self._cursor < 0:
            if self.scroll_y:
                self.scroll_to(y=0, animate=False, force=True)
            return
        top = self.scroll_offset.y
        if self._cursor < top:
            self.scroll_to(y=self._cursor, animate=False, force=True)
        elif self._cursor >= top + self._page:
            self.scroll_to(y=self._cursor - self._page + 1, animate=False, force=True)

    def action_cursor_up(self) -> None:
        self._move_cursor(self._cursor - 1)

    def action_cursor_down(self) -> None:
        self._move_cursor(self._cursor + 1)

    def action_cursor_page_up(self) -> None:
        self._move_cursor(self._cursor - self._page)

    def action_cursor_page_down(self) -> None:
        self._move_cursor(self._cursor + self._page)

    def action_cursor_first(self) -> None:
        self._move_cursor(0)

    def action_cursor_last(self) -> None:
        self._move_cursor(len(self._shown) - 1)

    def action_open(self) -> None:
        assistant_id = self.cursor_id
        if assistant_id is not None:
            self.post_message(self.Opened(self, assistant_id))

    # --- marks ----------------------------------------------------------------------------

    def _set_marks(self, ids: set[int], mark: bool) -> None:
        before = len(self.marked)
        if mark:
            self.marked |= ids
        else:
            self.marked -= ids
        if len(self.marked) != before:
            self.refresh()  # a line or all: the marks are drawn in the margin
            self.post_message(self.MarksChanged(self))

    def action_toggle_mark(self) -> None:
        """Mark or unmark the row under the cursor, and go on to the next."""
        assistant_id = self.cursor_id
        if assistant_id is not None:
            self._set_marks({assistant_id}, assistant_id not in self.marked)
            self._move_cursor(self._cursor + 1)

    def action_mark_down(self) -> None:
        self._mark_and_move(+1)

    def action_mark_up(self) -> None:
        self._mark_and_move(-1)

    def _mark_and_move(self, step: int) -> None:
        """A range: shift+arrows mark the row left and the row reached."""
        assistant_id = self.cursor_id
        if assistant_id is None:
            return
        self._move_cursor(self._cursor + step)
        self._set_marks({assistant_id, self.cursor_id or assistant_id}, True)

    def action_mark_all(self) -> None:
        """Mark every row the filter shows; when all of them are marked, unmark them."""
        shown = set(self.shown_ids)
        self._set_marks(shown, not shown <= self.marked)

    def clear_marks(self) -> None:
        self._set_marks(set(self.marked), False)

    def on_click(self, event: events.Click) -> None:
        offset = event.get_content_offset(self)
        if offset is None or offset.y < 1:  # outside, or the header
            return
        if offset.x == self.scrollable_content_region.width - 1:  # the scroll indicator
            event.stop()
            page, rows = self._page, len(self._shown)
            if rows > page:  # the view goes where the click is along the indicator
                self.scroll_to(y=round((offset.y - 1) / max(1, page - 1) * (rows - page)),
                               animate=False, force=True)
            return
        index = self.scroll_offset.y + offset.y - 1
        if not 0 <= index < len(self._shown):
            return
        event.stop()
        if index == self._cursor or event.chain > 1:
            self.action_open()
        else:
            self._move_cursor(index)

    # --- drawing -------------------------------------------------------------------------

    def get_content_width(self, container: Size, viewport: Size) -> int:
        return _LEFT + sum(self._natural) + _GAP * (len(self._natural) - 1) + 1 + 1  # and the indicator

    def column_widths(self, width: int) -> tuple[int, ...]:
        """Column widths for a table `width` cells wide: the others at their content's
        width, the name column taking what is left (at least _NAME_MIN). Where that
        would cut names short of _NAME_WANTED (80 columns), the engine and then the
        direction are left out (width 0): a name says more than they do."""
        key = (width, self._natural)
        if self._layout is not None and self._layout[0] == key:
            return self._layout[1]
        widths = list(self._natural)
        wanted = min(widths[_NAME], _NAME_WANTED)

        def others() -> int:
            shown = [w for column, w in enumerate(widths) if column != _NAME and w]
            return _LEFT + sum(shown) + _GAP * len(shown) + 1

        for column in _LEFT_OUT_FIRST:
            if width - others() >= wanted:
                break
            widths[column] = 0
        widths[_NAME] = max(_NAME_MIN, width - others())
        self._layout = (key, result := tuple(widths))
        return result

    def _cell_texts(self, cells: tuple[object, ...], widths: tuple[int, ...], width: int) -> tuple[str, ...]:
        """A line's text, one string per column (the margin and gaps included), laid out
        once per row and width whatever its style."""
        key = (cells, widths, width)
        if (cached := self._lines.get(key)) is not None:
            return cached
        texts: list[str] = []
        last = len(widths) - 1
        for column, (cell, cell_width) in enumerate(zip(cells, widths, strict=False)):
            if not cell_width:  # a column left out on a narrow screen
                texts.append("")
                continue
            content = Content(str(cell)[:_TEXT_LIMIT])  # literal: never parsed as markup
            if content.cell_length > cell_width:
                content = content.truncate(cell_width, ellipsis=True)
            padding = " " * (cell_width - content.cell_length)
            gap = " " * _GAP if column < last else ""
            if column == 0:  # the id, right-aligned after the margin
                texts.append(" " * _LEFT + padding + content.plain + gap)
            else:
                texts.append(content.plain + padding + gap)
        length = _LEFT + sum(widths) + _GAP * (sum(1 for w in widths if w) - 1)
        if length < width:
            texts[last] += " " * (width - length)
        self._lines[key] = result = tuple(texts)
        return result

    def _frame(self) -> _Frame:
        """What every line of one frame shares (looked up once, not once a line)."""
        width = self.scrollable_content_region.width

        def columns(*component_classes: str) -> tuple[RichStyle, ...]:
            # A style per cell, its column in the meta: each cell is its own segment and
            # starts where its column does in any renderer (an SVG merges equal styles).
            rich_style = self.get_visual_style(*component_classes).rich_style
            return tuple(rich_style + meta for meta in _COLUMN_META)

        top, page, rows = self.scroll_offset.y, self._page, len(self._shown)
        if rows > page:  # the thumb: which lines under the header show where the view is
            size = max(1, round(page * page / rows))
            start = 1 + round((page - size) * top / (rows - page))
            thumb = range(start, start + size)
        else:
            thumb = range(0)
        # In the colours of Textual's scrollbar: its track over what lies behind the table.
        styles = self.styles
        track = self.background_colors[0] + styles.scrollbar_background
        return _Frame(
            width=width - 1,
            widths=self.column_widths(width - 1),
            top=top,
            header=columns("assistant-table--header"),
            plain=columns(),
            zebra=columns("assistant-table--zebra"),
            cursor=columns("assistant-table--cursor"),
            thumb=thumb,
            track=RichStyle.from_color(bgcolor=track.rich_color),
            thumb_style=RichStyle.from_color(bgcolor=(track + styles.scrollbar_color).rich_color),
        )

    def render_lines(self, crop: Region) -> list[Strip]:
        self._current_frame = self._frame()
        try:
            return super().render_lines(crop)
        finally:
            self._current_frame = None

    def render_line(self, y: int) -> Strip:
        frame = self._current_frame or self._frame()
        # The last cell of a line under the header is the scroll indicator: drawn with
        # the line, where Textual's scrollbar is a widget of its own that repaints all its
        # lines whenever the filter changes how many rows there are (up to 3 ms a key).
        # (With every row in view it is blank, in the colour of its line.)
        if y == 0:
            cells: tuple[object, ...] = COLUMNS
            styles = frame.header
        else:
            index = frame.top + y - 1
            if not 0 <= index < len(self._shown):
                cells, styles = (), frame.plain
            elif index == self._cursor:
                cells, styles = self._shown[index], frame.cursor
            elif index % 2:
                cells, styles = self._shown[index], frame.zebra
            else:
                cells, styles = self._shown[index], frame.plain
        if y == 0 or not frame.thumb:
            edge = Segment(" ", styles[-1])
        else:
            edge = Segment(" ", frame.thumb_style if y in frame.thumb else frame.track)
        if not cells:
            return Strip([Segment(" " * frame.width, styles[0]), edge], frame.width + 1)
        texts = self._cell_texts(cells, frame.widths, frame.width)
        if y and cells[0] in self.marked:  # a mark in the margin: a shape, not a colour
            texts = ("•" + texts[0][1:], *texts[1:])
        strip = Strip([Segment(text, style) for text, style in zip(texts, styles, strict=False)])
        if strip.cell_length > frame.width:
            strip = strip.crop(0, frame.width)
        return Strip([*strip, edge], frame.width + 1)


@dataclass(frozen=True)
class _Frame:
    width: int  # of the table, left of the scroll indicator
    widths: tuple[int, ...]
    top: int  # the shown row at the top of the view
    header: tuple[RichStyle, ...]
    plain: tuple[RichStyle, ...]
    zebra: tuple[RichStyle, ...]
    cursor: tuple[RichStyle, ...]
    thumb: range  # the lines of the indicator's thumb (empty: every row is in view)
    track: RichStyle
    thumb_style: RichStyle
