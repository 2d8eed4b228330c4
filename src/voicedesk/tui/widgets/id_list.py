"""A list of ids chosen from one of the account's lists (languages, mid-call tools,
labels): each entry with a check box; space toggles. Ids that the list does not have
(the server stored them, the list lost them) stay chosen, shown first, so sending the
list back does not drop them unasked.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from rich.segment import Segment
from textual.strip import Strip
from textual.widgets import Checkbox, SelectionList


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

    @property
    def chosen(self) -> list[Any]:
        """The ids ticked, in the list's order."""
        ticked = set(self.selected)
        return [self.get_option_at_index(i).value for i in range(self.option_count)
                if self.get_option_at_index(i).value in ticked]

    def render_line(self, y: int) -> Strip:
        # Textual draws the same "X" in every box (its BUTTON_INNER, Checkbox's too),
        # ticked or not, told apart by colour alone: an unticked box is drawn empty,
        # readable in a monochrome terminal.
        strip = super().render_line(y)
        segments = list(strip)
        index = self.scroll_offset.y + y
        if len(segments) > 1 and segments[1].text == Checkbox.BUTTON_INNER and index < self.option_count \
                and self.get_option_at_index(index).value not in self.selected:
            segments[1] = Segment(" " * len(Checkbox.BUTTON_INNER), segments[1].style)
            return Strip(segments, strip.cell_length)
        return strip

    def show(self, chosen: list[Any] | None) -> None:
        """Tick exactly these (a reload)."""
        wanted = set(chosen or [])
        if wanted != set(self.selected):
            self.deselect_all()
            for item in wanted:
                self.select(item)
