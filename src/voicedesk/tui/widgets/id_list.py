"""A list of ids chosen from one of the account's lists (languages, mid-call tools,
labels): each entry with a check box; space toggles. Ids that the list does not have
(the server stored them, the list lost them) stay chosen, shown first, so sending the
list back does not drop them unasked. A box is ticked with an X and empty otherwise, so
that the choice reads without colour (SelectionList draws an X in both, coloured).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from rich.segment import Segment
from textual.strip import Strip
from textual.widgets import SelectionList


class IdListSelect(SelectionList[Any]):
    DEFAULT_CSS = "IdListSelect { height: auto; max-height: 8; }"

    def __init__(self, options: Iterable[tuple[str, Any]], chosen: list[Any] | None, *,
                 id: str | None = None) -> None:  # noqa: A002 - Textual's name
        options = list(options)
        known = {value for _, value in options}
        chosen = list(chosen or [])
        self._kept = [item for item in chosen if item not in known]
        entries = [(f"#{item} (not in the account's list)", item, True) for item in self._kept]
        entries += [(label, value, value in chosen) for label, value in options]
        super().__init__(*entries, id=id, compact=True)

    def render_line(self, y: int) -> Strip:
        line = super().render_line(y)
        index = self.scroll_offset.y + y
        if index >= self.option_count or self.get_option_at_index(index).value in self._selected:
            return line
        segments = list(line)
        if len(segments) < 3:
            return line
        inner = segments[1]  # the box's inside, between its two sides
        segments[1] = Segment(" " * len(inner.text), inner.style, inner.control)
        return Strip(segments, line.cell_length)

    @property
    def chosen(self) -> list[Any]:
        """The ids ticked, in the list's order."""
        ticked = set(self.selected)
        return [self.get_option_at_index(i).value for i in range(self.option_count)
                if self.get_option_at_index(i).value in ticked]

    def show(self, chosen: list[Any] | None) -> None:
        """Tick exactly these (a reload)."""
        wanted = set(chosen or [])
        if wanted != set(self.selected):
            self.deselect_all()
            for item in wanted:
                self.select(item)
