"""A TextArea for long texts that repaints only the lines an edit changed.

TextArea repaints every visible line after each edit, and in Textual 8 each line it
draws costs time in proportion to the whole document (it sums the wrapped height per
line): about 15 ms a keystroke in a 200 KB prompt. Most keystrokes change one line and
leave every other line where it was; those repaint just the rows of the lines they
touched. An edit that scrolls the view, adds or removes lines, or changes the wrapped
height still repaints everything, as does anything that is not an edit (cursor moves,
undo, a new text).
"""

from __future__ import annotations

from typing import Self

from textual.geometry import Region
from textual.widgets.text_area import Edit, EditResult, Location

from .text_box import TextBox


class LargeTextArea(TextBox):
    # Class defaults: TextArea's own __init__ already refreshes.
    _in_edit = False
    _repaint_asked = False  # a whole repaint was asked for during the edit

    def refresh(self, *regions: Region, repaint: bool = True, layout: bool = False, recompose: bool = False) -> Self:
        if self._in_edit and repaint and not (regions or layout or recompose):
            self._repaint_asked = True  # what to repaint is decided when the edit is done
            return self
        return super().refresh(*regions, repaint=repaint, layout=layout, recompose=recompose)

    def edit(self, edit: Edit) -> EditResult:
        selection = self.selection
        # The virtual size is the wrapped height (TextArea sets it after each edit): reading
        # it costs nothing, where `wrapped_document.height` sums every line's wraps.
        before = (self.scroll_offset, self.virtual_size)
        touched = [edit.top[0], edit.bottom[0], selection.start[0], selection.end[0], *self._bracket_lines()]
        self._in_edit, self._repaint_asked = True, False
        try:
            result = super().edit(edit)
        finally:
            self._in_edit = False
        if self._repaint_asked:
            if (self.scroll_offset, self.virtual_size) != before:  # lines moved: all of them
                super().refresh()
            else:
                touched += [result.end_location[0], *self._bracket_lines()]
                self._repaint_rows(min(touched), max(touched))
        return result

    def _bracket_lines(self) -> list[int]:
        """The line of the bracket that matches the one at the cursor (TextArea marks it)."""
        if not self.match_cursor_bracket:
            return []
        row, column = location = self.selection.end
        line = self.document[row] if row < self.document.line_count else ""
        match: Location | None = self.find_matching_bracket(line[column:column + 1], location)
        return [match[0]] if match is not None else []

    def _repaint_rows(self, first_line: int, last_line: int) -> None:
        wrapped = self.wrapped_document
        top = wrapped.location_to_offset((first_line, 0)).y
        bottom = wrapped.location_to_offset((last_line, 0)).y + len(wrapped.get_offsets(last_line))
        self.refresh_lines(top, bottom - top + 1)
