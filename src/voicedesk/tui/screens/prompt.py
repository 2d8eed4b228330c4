"""The system prompt in a screen of its own: a full-size, soft-wrapped TextArea.

Prompts run to hundreds of kilobytes. In the form, a soft-wrapped TextArea of that size
re-wraps whenever its group is shown again; here it is wrapped once, gets the whole
screen, and the session is updated when typing pauses rather than on every keystroke.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import Static, TextArea

from voicedesk.text import reveal_controls
from voicedesk.tui.widgets import KeyBar, LargeTextArea

if TYPE_CHECKING:
    from voicedesk.tui.form import FieldRow

# How long typing must pause before the edit reaches the session (and the draft).
_SYNC_AFTER = 0.3


class PromptEditorScreen(Screen[None]):
    BINDINGS = [
        Binding("escape", "done", "Back to the form"),
        Binding("ctrl+s", "review", "Review & save", priority=True),
        # Not ctrl+z: that is the text's own undo (ctrl+y redoes).
        Binding("ctrl+o", "revert", "Revert field", priority=True),
    ]

    def __init__(self, row: FieldRow) -> None:
        super().__init__()
        self.row = row
        self._sync_timer: Timer | None = None

    def compose(self) -> ComposeResult:
        field = self.row.field
        value = self.row.session.value(field.name) or ""
        yield Static("", id="prompt-title", markup=False)
        yield LargeTextArea(reveal_controls(value, keep="\n\t"), soft_wrap=True, id="prompt-text")
        yield KeyBar()

    def on_mount(self) -> None:
        self._show_title()
        self.query_one(TextArea).focus()

    def _show_title(self) -> None:
        field = self.row.field
        length = len(self.query_one(TextArea).text)
        dirty = "  ·  ● changed" if self.row.session.is_dirty(field.name) else ""
        self.query_one("#prompt-title", Static).update(
            f"{field.label}  ({field.name})  ·  {length:,} characters{dirty}  ·  Escape returns to the form"
        )

    @on(TextArea.Changed, "#prompt-text")
    def _typed(self) -> None:
        if self._sync_timer is not None:
            self._sync_timer.stop()
        self._sync_timer = self.set_timer(_SYNC_AFTER, self.sync)

    def sync(self) -> None:
        """Hand the text to the form row, which updates the session and the draft."""
        self.row.take_text(self.query_one(TextArea).text)
        self._show_title()

    def action_done(self) -> None:
        self.sync()
        self.dismiss()

    def action_review(self) -> None:
        self.sync()
        self.dismiss()
        self.row.screen.action_review()  # type: ignore[attr-defined]

    def action_revert(self) -> None:
        session, name = self.row.session, self.row.field.name
        session.revert(name)
        text_area = self.query_one(TextArea)
        # An edit of the text, not a new text: ctrl+z brings back what was reverted.
        text_area.replace(reveal_controls(session.value(name) or "", keep="\n\t"),
                          text_area.document.start, text_area.document.end)
        self.sync()
