"""A short list of labels with one highlighted: the editor's sidebar of groups.

OptionList redraws all its lines when one prompt changes or the highlight moves; the
sidebar's counts change on the keystroke that makes a field dirty, and the highlight on
every group switch. This list repaints only the lines concerned.
"""

from __future__ import annotations

from collections.abc import Iterable

from rich.cells import cell_len, set_cell_size
from rich.segment import Segment
from textual import events
from textual.binding import Binding
from textual.geometry import Region
from textual.message import Message
from textual.strip import Strip
from textual.widget import Widget


class _LineMessage(Message):
    def __init__(self, group_list: GroupList, index: int) -> None:
        super().__init__()
        self.group_list = group_list
        self.index = index

    @property
    def control(self) -> GroupList:
        return self.group_list


class GroupList(Widget, can_focus=True):
    """Up and down move the highlight (posting `Highlighted`); enter or a click chooses
    (posting `Selected`). Setting `highlighted` from code posts nothing.

    Each line is a label and a mark (counts, an error sign): when the line is too
    narrow the label is shortened, never the mark. A `hint` (the keys that move between
    groups) is drawn on the last line when there is room below the labels.
    """

    DEFAULT_CSS = """
    GroupList {
        background: $surface;
        & > .group-list--highlight {
            background: $block-cursor-blurred-background;
            color: $block-cursor-blurred-foreground;
            text-style: $block-cursor-blurred-text-style;
        }
        &:focus > .group-list--highlight {
            background: $block-cursor-background;
            color: $block-cursor-foreground;
            text-style: $block-cursor-text-style;
        }
        &:disabled { text-opacity: 50%; }
        & > .group-list--hint { color: $text-muted; }
    }
    """

    BINDINGS = [
        Binding("up", "move(-1)", "Up", show=False),
        Binding("down", "move(1)", "Down", show=False),
        Binding("home", "move_to(0)", "First", show=False),
        Binding("end", "move_to(-1)", "Last", show=False),
        Binding("enter", "select", "Open group", show=False),
    ]
    COMPONENT_CLASSES = {"group-list--highlight", "group-list--hint"}

    class Highlighted(_LineMessage):
        """The user moved the highlight to line `index`."""

    class Selected(_LineMessage):
        """The user chose line `index` (enter, or a click)."""

    def __init__(
        self, labels: Iterable[str], *, hint: str = "", id: str | None = None,  # noqa: A002 - Textual's name
        disabled: bool = False,
    ) -> None:
        super().__init__(id=id, disabled=disabled)
        self._labels = list(labels)
        self._marks = [""] * len(self._labels)
        self._hint = hint
        self._highlighted = 0

    # --- state -------------------------------------------------------------------------

    @property
    def highlighted(self) -> int:
        return self._highlighted

    @highlighted.setter
    def highlighted(self, index: int) -> None:
        if index != self._highlighted:
            self._refresh_line(self._highlighted)
            self._highlighted = index
            self._refresh_line(index)

    def set_labels(self, labels: Iterable[str]) -> None:
        """Other lines altogether (the host's dialect has other groups)."""
        self._labels = list(labels)
        self._marks = [""] * len(self._labels)
        self._highlighted = min(self._highlighted, len(self._labels) - 1)
        self.refresh(layout=True)

    def set_mark(self, index: int, mark: str) -> None:
        """What line `index` shows after its label (kept whole however narrow)."""
        if self._marks[index] != mark:
            self._marks[index] = mark
            self._refresh_line(index)

    def line_text(self, index: int) -> str:
        """Line `index` as drawn (without its style)."""
        return self._line(index, self.content_region.width)

    def _refresh_line(self, index: int) -> None:
        self.refresh(Region(0, index, self.size.width, 1))  # relative to the content area

    # --- keys and mouse ----------------------------------------------------------------

    def action_move(self, offset: int) -> None:
        self._highlight_by_user((self._highlighted + offset) % len(self._labels))

    def action_move_to(self, index: int) -> None:
        self._highlight_by_user(index % len(self._labels))

    def action_select(self) -> None:
        self.post_message(self.Selected(self, self._highlighted))

    def _highlight_by_user(self, index: int) -> None:
        if index != self._highlighted:
            self.highlighted = index
            self.post_message(self.Highlighted(self, index))

    def on_click(self, event: events.Click) -> None:
        offset = event.get_content_offset(self)
        if offset is None or not 0 <= offset.y < len(self._labels):
            return
        event.stop()
        self._highlight_by_user(offset.y)
        self.post_message(self.Selected(self, offset.y))

    # --- drawing -----------------------------------------------------------------------

    def _line(self, index: int, width: int) -> str:
        mark = f"  {self._marks[index]} " if self._marks[index] else " "
        label = f" {self._labels[index]}"
        room = width - cell_len(mark)
        if cell_len(label) > room:
            label = set_cell_size(label, max(room - 1, 0)) + "…"
        return set_cell_size(label + mark, width)

    def render_line(self, y: int) -> Strip:
        width = self.content_region.width
        plain = self.rich_style
        height = self.content_region.height
        if self._hint and y == height - 1 and height > len(self._labels) + 1:
            hint = set_cell_size(f" {self._hint}", width)
            return Strip([Segment(hint, self.get_component_rich_style("group-list--hint"))], width)
        if not 0 <= y < len(self._labels):
            return Strip.blank(width, plain)
        style = self.get_component_rich_style("group-list--highlight") if y == self._highlighted else plain
        return Strip([Segment(self._line(y, width), style)], width)
