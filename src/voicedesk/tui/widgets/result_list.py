"""The list of a searchable list's picker (`SearchSelectScreen`): an `OptionList` of
one-line rows, cheap to refill on every keystroke."""

from __future__ import annotations

from collections.abc import Iterable

from rich.segment import Segment
from textual import events
from textual.content import Content
from textual.css.styles import RulesMap
from textual.geometry import Size
from textual.strip import Strip
from textual.style import Style
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from voicedesk.tui.textual_private import hovered_option

# Drawn rows kept across refills: a few of the picker's windows (WINDOW_SIZE) of them.
_KEPT_STRIPS = 400


class OneLineRow(Content):
    """The prompt of a list row: one line at any width (the list does not wrap), which
    spares the list measuring every row's text. (Labels are one line: `SearchSelect`
    shows them through `safe_text`.)"""

    __slots__ = ()

    def get_height(self, rules: RulesMap, width: int) -> int:
        return 1


class ResultList(OptionList):
    """The picker's `OptionList`, made cheap to refill on every keystroke.

    - It draws its one-line rows directly: the general route (a visual per option,
      padded, wrapped and post-processed) costs several times as much per row, and a
      refill redraws every visible row.
    - Its height is set to its row count, capped at its max-height, rather than left
      auto: refilling a list of auto height lays out the whole screen (and redraws the
      scroll bar) on every keystroke; a fixed height only when the height changes.
    - A resize keeps what is drawn: OptionList would forget its measured and drawn rows
      and draw them again, in a frame of its own; one-line rows measure the same at any
      size, and the drawn ones are kept by width. (The height changes with every filter
      that changes how many rows there are.)
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id, markup=False)
        self._one_line = True  # every option's prompt is a OneLineRow
        # Drawn rows, kept across set_options: the picker lists the same Option objects
        # again when a query comes back (erasing) or the unfiltered window is reshown.
        self._strips: dict[tuple[Option, int, Style, int], Strip] = {}

    def set_options(self, options: Iterable[Option]) -> ResultList:  # type: ignore[override]
        options = list(options)
        self._one_line = all(isinstance(option.prompt, OneLineRow) for option in options)
        if len(self._strips) > _KEPT_STRIPS:
            self._strips.clear()
        self.fit(len(options))  # before the refill, so that it asks for no layout
        super().set_options(options)
        return self

    def fit(self, rows: int | None = None) -> None:
        """Set the height to `rows` (the option count by default), up to max-height."""
        self.styles.height = min(self.option_count if rows is None else rows, self.max_rows)

    @property
    def max_rows(self) -> int:
        """How many rows the list shows at most (its max-height)."""
        if (max_height := self.styles.max_height) is None:
            return self.app.size.height
        return int(max_height.resolve(self.container_size, self.app.size))

    def on_resize(self, event: events.Resize) -> None:
        if self._one_line:
            event.prevent_default()  # OptionList's own handler, which clears and redraws

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        if self._one_line:
            return self.option_count
        return super().get_content_height(container, viewport, width)

    def render_line(self, y: int) -> Strip:
        index = self.scroll_offset.y + y
        options = self.options
        if not self._one_line or index >= len(options):
            return super().render_line(y)
        # The styles OptionList.render_line picks (no option here is ever disabled).
        if self.highlighted == index:
            style = self.get_visual_style("option-list--option", "option-list--option-highlighted")
        elif hovered_option(self) == index:
            style = self.get_visual_style("option-list--option", "option-list--option-hover")
        else:
            style = self.get_visual_style("option-list--option")
        option = options[index]
        width = self.scrollable_content_region.width
        key = (option, index, style, width)
        strip = self._strips.get(key)
        if strip is None:
            padding = self.get_component_styles("option-list--option").padding
            prompt = option.prompt
            assert isinstance(prompt, Content)
            room = max(0, width - padding.left - padding.right)
            if prompt.cell_length > room:
                prompt = prompt.truncate(room, ellipsis=self.styles.text_overflow == "ellipsis")
            rich_style = style.rich_style
            segments = [
                Segment(" " * padding.left, rich_style),
                *prompt.render_segments(style),
                Segment(" " * max(0, width - padding.left - prompt.cell_length), rich_style),
            ]
            strip = self._strips[key] = Strip(segments, width).apply_meta({"option": index})
        return strip
