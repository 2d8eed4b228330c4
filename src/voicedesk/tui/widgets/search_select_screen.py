"""The picker of a searchable list: a filter box over a list of the labels, filtered
and ranked by the app's matcher (`voicedesk.matching.Catalog.search`) as the operator
types. Opened by `SearchSelect`, and by the table editors' list cells.

Lists run to thousands of entries (5,000 voices) and every keystroke refilters, so:

- only the best matches are highlighted and listed ("type more to narrow");
- unfiltered, the list holds a window of `WINDOW_SIZE` entries around the current value,
  which slides as the highlight moves, so every entry stays reachable by the keys;
- the list (`ResultList`) draws its one-line rows itself, and is refilled as the Input's
  value changes, so the frame that echoes a key shows its matches too.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content, Span
from textual.screen import ModalScreen
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option

from voicedesk.matching import REMEMBERED_QUERIES, Catalog, Recent

from .result_list import OneLineRow, ResultList

# Unfiltered, the list holds this many entries around the highlight (a few pages);
# moving past either end slides the window, so the whole list is still reachable.
WINDOW_SIZE = 100
# How matched characters are marked in the list.
_MATCH_STYLE = "bold underline $text-accent"
# After the label of the value chosen now.
_CURRENT = "  ◂ current"


class SearchSelectScreen(ModalScreen[int | None]):
    """The picker: dismisses with the index of the chosen label, or None if cancelled."""

    DEFAULT_CSS = """
    /* Top-aligned so the filter box stays put while the list below it shrinks and
       grows; the dialog itself is a transparent full-height column (an auto-height
       parent would size itself to the whole list, ignoring the list's max-height). */
    SearchSelectScreen {
        align: center top;
    }

    SearchSelectScreen #search-select-dialog {
        width: 100%;
        max-width: 76;
        height: 100%;
        margin: 1 2;
        background: transparent;

        & > #search-select-query {
            border: round $primary;
            border-title-color: $text-primary;
            border-title-style: bold;
            background: $panel;
            padding: 0 1;
        }
        & > #search-select-count {
            height: 1;
            padding: 0 2;
            color: $foreground-muted;
            background: $panel;
        }
        /* Its height is set from code (its row count, up to max-height). No scroll bar:
           the list is refilled on every keystroke, and a scroll bar is redrawn, in a frame
           of its own, on every layout; the count line above says how much there is, and the
           wheel and the arrow and page keys still scroll. */
        & > #search-select-options {
            width: 100%;
            height: auto;
            max-height: 65vh;
            scrollbar-size-vertical: 0;
            padding: 0 1;
            border: none;
            text-wrap: nowrap;
            text-overflow: ellipsis;
            background: $panel;
            scrollbar-background: $panel;
            & > .option-list--option { padding: 0 1; }
            /* Bold too: where colours do not show (NO_COLOR, a monochrome terminal) it
               still says which row Enter picks. */
            & > .option-list--option-highlighted { background: $primary 50%; text-style: bold; }
        }
    }
    """

    BINDINGS = [
        Binding("escape", "cancel", "Cancel"),
        Binding("enter", "pick", "Choose"),
        Binding("down", "move('cursor_down')", "Next", show=False),
        Binding("up", "move('cursor_up')", "Previous", show=False),
        Binding("pagedown", "move('page_down')", "Page down", show=False),
        Binding("pageup", "move('page_up')", "Page up", show=False),
    ]

    def __init__(
        self,
        labels: Sequence[str],
        current: int | None,
        *,
        title: str,
        query: str = "",
    ) -> None:
        super().__init__()
        # A SearchSelect passes its prepared catalog; any other sequence is prepared here.
        self._labels = labels if isinstance(labels, Catalog) else Catalog(labels)
        self._current = current
        self._title = title
        self._initial_query = query
        self._filtered = False  # False: the list is the window at `_window_start`
        self._window_start = 0
        self._shown: list[int] = []  # entry index of each option in the list
        # Made here, so `option_list` answers (empty) even before the screen is composed.
        self._count = Static(id="search-select-count", markup=False)
        self._option_list = ResultList(id="search-select-options")
        # The list's Options for recent queries and windows, reused when they come back.
        self._rows: Recent[tuple[str, ...] | int, list[Option]] = Recent(REMEMBERED_QUERIES)

    def compose(self) -> ComposeResult:
        with Vertical(id="search-select-dialog"):
            query = Input(
                self._initial_query,
                placeholder="Type to filter",
                id="search-select-query",
                select_on_focus=False,
            )
            query.border_title = Content(self._title)
            yield query
            yield self._count
            yield self._option_list

    def on_resize(self) -> None:
        self._option_list.fit()  # its max-height is relative to the screen

    def on_mount(self) -> None:
        # Filtered as the value changes, inside the keystroke's own handling, so the
        # frame that echoes the key shows the list for it too (`Input.Changed` arrives
        # later, as a message, often a frame later).
        self.watch(self.query_one("#search-select-query", Input), "value", self._query_edited, init=False)
        self._filter(self._initial_query)
        # Fold the labels once the picker is drawn, not on the first keystroke.
        self.call_after_refresh(self._labels.prepare)

    def on_unmount(self) -> None:
        self._labels.forget_searches()  # the catalog outlives the picker

    @property
    def option_list(self) -> OptionList:
        return self._option_list

    @property
    def shown_labels(self) -> list[str]:
        """The labels currently listed, in order (for tests and debugging)."""
        return [self._labels[index] for index in self._shown]

    def _query_edited(self, query: str) -> None:
        self._filter(query)

    @on(Input.Changed, "#search-select-query")
    def _query_changed(self, event: Input.Changed) -> None:
        event.stop()  # already filtered by `_query_edited`

    def _filter(self, query: str) -> None:
        words = Catalog.words(query)
        total = len(self._labels)
        if not words:
            # Unfiltered, the current value is highlighted, in a window around it, and
            # (unless near the end) mid-list without scrolling, which would cost a frame.
            self._filtered = False
            anchor = self._current if self._current is not None else 0
            self._show_window(self._window_around(anchor, self._option_list.max_rows // 2), anchor)
            self._count.update(f"{total:,} options", layout=False)
            return
        self._filtered = True
        result = self._labels.search(words)
        labels, offsets = self._labels.labels, self._labels.offsets
        self._set_list(words, result.best, lambda: [
            self._highlighted(labels[index], offsets(words, index), index == self._current) for index in result.best
        ])
        if self._shown:
            self._option_list.highlighted = 0  # the best match
        if not result.candidates:
            count = "No matches"
        elif len(result.candidates) > len(result.best):
            count = f"Best {len(result.best):,} of {len(result.candidates):,} matches: type more to narrow"
        else:
            count = f"{len(result.candidates):,} of {total:,}"
        self._count.update(count, layout=False)  # one line, always

    def _set_list(
        self, key: tuple[str, ...] | int, shown: list[int], prompts: Callable[[], list[Content]]
    ) -> None:
        """List the entries `shown`, their rows made by `prompts` unless kept under `key`."""
        self._shown = shown
        rows = self._rows.recall(key)
        if rows is None:
            rows = self._rows.keep(key, [Option(prompt) for prompt in prompts()])
        self._option_list.set_options(rows)

    # -- the unfiltered window ----------------------------------------------------------

    def _window_around(self, index: int, above: int = WINDOW_SIZE // 2) -> int:
        """The start of a window with `index` at `above` (in its middle by default)."""
        return max(0, min(index - above, len(self._labels) - WINDOW_SIZE))

    def _show_window(self, start: int, highlighted: int, *, screen_row: int | None = None) -> None:
        """List entries from `start`, `highlighted` highlighted (at `screen_row` rows
        below the list's top if given, else wherever it scrolls into view)."""
        labels = self._labels.labels
        end = min(len(labels), start + WINDOW_SIZE)
        self._window_start = start

        def rows() -> list[Content]:
            return [self._prompt(label, current=index == self._current)
                    for index, label in enumerate(labels[start:end], start)]

        self._set_list(start, list(range(start, end)), rows)
        if self._shown:
            row = highlighted - start
            self._option_list.highlighted = row
            if screen_row is not None:
                self._option_list.scroll_to(y=row - screen_row, animate=False, immediate=True)

    def _slide(self, action: str) -> bool:
        """Before a move in the unfiltered list, slide the window if the move would reach
        its edge; True if the move was made here (wrapping around the whole list)."""
        option_list = self._option_list
        row = option_list.highlighted
        total = len(self._labels)
        if self._filtered or row is None or len(self._shown) == total:
            return False
        start, end = self._window_start, self._window_start + len(self._shown)
        entry = start + row
        page = max(1, option_list.scrollable_content_region.height)
        screen_row = row - round(option_list.scroll_y)
        if action == "cursor_down" and entry == total - 1:
            self._show_window(0, 0)  # wrap, as the whole list would
            return True
        if action == "cursor_up" and entry == 0:
            self._show_window(self._window_around(total - 1), total - 1)
            return True
        forward = action in ("cursor_down", "page_down")
        if (forward and end < total and row + page >= len(self._shown) - 1) or (
            not forward and start > 0 and row - page <= 0
        ):
            self._show_window(self._window_around(entry), entry, screen_row=screen_row)
        return False

    # -- matching -----------------------------------------------------------------------

    @staticmethod
    def _prompt(label: str, spans: list[Span] | None = None, current: bool = False) -> Content:
        # The label literally, never as markup; the value chosen now is marked in words.
        if not current:
            return OneLineRow(label, spans)
        marker = Span(len(label), len(label) + len(_CURRENT), "italic")
        return OneLineRow(f"{label}{_CURRENT}", [*(spans or ()), marker])

    @classmethod
    def _highlighted(cls, label: str, offsets: Sequence[int], current: bool = False) -> Content:
        spans: list[Span] = []
        for offset in offsets:
            if label[offset].isspace():
                continue
            if spans and spans[-1].end == offset:  # one span per run of matched characters
                spans[-1] = Span(spans[-1].start, offset + 1, _MATCH_STYLE)
            else:
                spans.append(Span(offset, offset + 1, _MATCH_STYLE))
        return cls._prompt(label, spans, current)

    def action_move(self, action: str) -> None:
        if not self._slide(action):
            getattr(self._option_list, f"action_{action}")()

    def action_pick(self) -> None:
        highlighted = self._option_list.highlighted
        if highlighted is not None:
            self.dismiss(self._shown[highlighted])

    def action_cancel(self) -> None:
        self.dismiss(None)

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.action_pick()

    @on(OptionList.OptionSelected)
    def _clicked(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.dismiss(self._shown[event.option_index])

    def on_click(self, event: events.Click) -> None:
        # A click on the backdrop (outside the box and list) closes the picker, like escape.
        if event.widget in (self, self.query_one("#search-select-dialog")):
            self.dismiss(None)
