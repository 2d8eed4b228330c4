"""The one-line control that edits a cell of the table editors (variables, schema).

The one place that says which control that is: to use another single-line text control,
derive `EditLine` from it instead of `Input` (and, if it hands its text back differently,
change `load_edit_line` / `edit_line_text`); both tables use it.

Cells hold the exact text; the line shows control characters as visible stand-ins
(`voicedesk.text`) and gives the text back with them restored.
"""

from __future__ import annotations

from collections.abc import Callable

from textual import events
from textual.widgets import Input

from voicedesk.text import restore_controls, reveal_controls


class EditLine(Input):
    """An Input that first offers every key to its table (`keys`): Enter, Tab, Escape and
    the arrows that end or move an edit are the table's, and must be handled in order
    with the typing around them. As bindings they would run only once the key had
    bubbled up to the app, after the keys behind it: "city<Tab>Berlin" in one burst
    (fast typing over SSH) put "cityBerlin" in one cell."""

    def __init__(self, keys: Callable[[events.Key], bool], *, classes: str) -> None:
        # Not selecting on focus: a key that starts an edit adds to the text, not over it.
        super().__init__(compact=True, select_on_focus=False, classes=classes)
        self._keys = keys

    async def _on_key(self, event: events.Key) -> None:
        if self._keys(event):
            event.stop()
            event.prevent_default()  # and Input's own handling does not run


def make_edit_line(keys: Callable[[events.Key], bool], *, classes: str) -> Input:
    """The control, made once per table and shown over the cell being edited; `keys`
    answers whether the table took a key."""
    return EditLine(keys, classes=classes)


def load_edit_line(line: Input, text: str) -> None:
    """Show `text` (a cell's exact text) for editing, the cursor at its end, without
    posting a change."""
    with line.prevent(Input.Changed):
        line.value = reveal_controls(text)
    line.cursor_position = len(line.value)


def edit_line_text(line: Input) -> str:
    """The exact text the user has made of the cell."""
    return restore_controls(line.value)
