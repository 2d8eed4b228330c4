"""The one-line control that edits a cell of the table editors (variables, schema).

The one place that says which control that is: swap `make_edit_line` (and, if the new
control hands its text back differently, `load_edit_line` / `edit_line_text`) for
another single-line text control, and both tables use it.

Cells hold the exact text; the line shows control characters as visible stand-ins
(`voicedesk.text`) and gives the text back with them restored.
"""

from __future__ import annotations

from textual.widgets import Input

from voicedesk.text import restore_controls, reveal_controls


def make_edit_line(*, classes: str) -> Input:
    """The control, made once per table and shown over the cell being edited."""
    # Not selecting on focus: a key that starts an edit is added to the text, not typed over it.
    return Input(compact=True, select_on_focus=False, classes=classes)


def load_edit_line(line: Input, text: str) -> None:
    """Show `text` (a cell's exact text) for editing, the cursor at its end, without
    posting a change."""
    with line.prevent(Input.Changed):
        line.value = reveal_controls(text)
    line.cursor_position = len(line.value)


def edit_line_text(line: Input) -> str:
    """The exact text the user has made of the cell."""
    return restore_controls(line.value)
