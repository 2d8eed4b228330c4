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
    (posting `Selected`). Setting `highlighted` from code posts nothing."""

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
    }
    """

    BINDINGS = [
        Binding("up", "move(-1)", "Up", show=False),
        Binding("down", "move(1)", "Down", show=False),
        Binding("home", "move_to(0)", "First", show=False),
        Binding("end", "move_to(-1)", "Last", show=False),
        Binding("enter", "select", "Open group", show=False),
    ]
    COMPONENT_CLASSES = {"group-list--highlight"}

    class Highlighted(_LineMessage):
        """The user moved the highlight to line `index`."""

    class Selected(_LineMessage):
        """The user chose line `index` (enter, or a click)."""

    def __init__(
        self, labels: Iterable[str], *, id: str | None = None, disabled: bool = False  # noqa: A002 - Textual's name
    ) -> None:
        super().__init__(id=id, disabled=disabled)
        self._labels = list(labels)
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
        self._highlighted = min(self._highlighted, len(self._labels) - 1)
        self.refresh(layout=True)

    def set_label(self, index: int, label: str) -> None:
        if self._labels[index] != label:
            self._labels[index] = label
            self._refresh_line(index)

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

    def render_line(self, y: int) -> Strip:
        width = self.content_region.width
        plain = self.rich_style
        if not 0 <= y < len(self._labels):
            return Strip.blank(width, plain)
        text = f" {self._labels[y]} "
        if cell_len(text) > width:
            text = set_cell_size(text, max(width - 1, 0)) + "…"
        style = self.get_component_rich_style("group-list--highlight") if y == self._highlighted else plain
        return Strip([Segment(set_cell_size(text, width), style)], width)
