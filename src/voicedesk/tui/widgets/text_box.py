"""A TextArea whose redo also answers to ctrl+shift+z, as in most editors (ctrl+y too)."""

from __future__ import annotations

from textual.binding import Binding
from textual.widgets import TextArea


class TextBox(TextArea):
    """Undo is ctrl+z, one step at a time; redo ctrl+y or ctrl+shift+z (where the
    terminal can send it)."""

    BINDINGS = [Binding("ctrl+shift+z", "redo", "Redo", show=False)]
