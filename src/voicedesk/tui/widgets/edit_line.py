"""The one-line control that edits a cell of the table editors (variables, schema).

The one place that says which control that is (both tables use it): the editor's
single-line text control, `ExactInput`, which shows control characters as visible
stand-ins and gives back exactly the cell's text with the user's edit applied.
"""

from __future__ import annotations

from collections.abc import Callable

from textual import events
from textual.widgets import Input

from voicedesk.tui.widgets.exact_text import ExactInput


class EditLine(ExactInput):
    """An Input that first offers every key to its table (`keys`): Enter, Tab, Escape and
    the arrows that end or move an edit are the table's, and must be handled in order
    with the typing around them. As bindings they would run only once the key had
    bubbled up to the app, after the keys behind it: "city<Tab>Berlin" in one burst
    (fast typing over SSH) put "cityBerlin" in one cell."""

    def __init__(self, keys: Callable[[events.Key], bool], *, classes: str) -> None:
        # Not selecting on focus: a key that starts an edit adds to the text, not over it.
        super().__init__(compact=True, select_on_focus=False, classes=classes)
        self._keys = keys

    def on_key(self, event: events.Key) -> None:
        if self._keys(event):
            event.stop()
            event.prevent_default()  # and Input's own key handler does not run


def make_edit_line(keys: Callable[[events.Key], bool], *, classes: str) -> EditLine:
    """The control, made once per table and shown over the cell being edited; `keys`
    answers whether the table took a key."""
    return EditLine(keys, classes=classes)


def load_edit_line(line: EditLine, text: str) -> None:
    """Show `text` (a cell's exact text) for editing, the cursor at its end, without
    posting a change."""
    with line.prevent(Input.Changed):
        line.value = text  # taken as the exact text
    line.cursor_position = len(line.value)


def edit_line_text(line: EditLine) -> str:
    """The exact text the user has made of the cell."""
    return line.exact
