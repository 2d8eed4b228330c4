"""The system prompt in a screen of its own: a full-size, soft-wrapped TextArea.

Prompts run to hundreds of kilobytes. In the form, a soft-wrapped TextArea of that size
re-wraps whenever its group is shown again; here it is wrapped once, gets the whole
screen, and the session is updated a moment after typing starts (and then again every
such moment while it goes on, or when it pauses) rather than on every keystroke.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import Static, TextArea

from voicedesk.fields import Field
from voicedesk.session import EditSession
from voicedesk.tui.widgets import KeyBar, LargeTextArea

if TYPE_CHECKING:
    from voicedesk.tui.app import VoicedeskApp

# Typing reaches the session (and so the draft) with the first key that comes this long
# after the first key not yet handed over, or this long after the last key when typing
# pauses: never later than twice this. Every way out of this screen hands it over at
# once (see `flush_edits`). The title (the count, the changed mark) is redrawn only when
# typing pauses: a second widget changed by a key gets a frame of its own, which Textual
# paces to come 15-30 ms after the key's, and so delays the next key's.
SYNC_WITHIN = 0.25  # seconds


@dataclass(frozen=True)
class PromptOutcome:
    """How the prompt editor was left; the text was handed over by then (`keep`)."""

    review: bool  # ctrl+s: go on to the review


class PromptEditorScreen(Screen[PromptOutcome]):
    """One text field, full screen. What is typed goes to `keep` as typing goes on (see
    SYNC_WITHIN) and before the screen closes."""

    app: VoicedeskApp

    BINDINGS = [
        Binding("escape", "done", "Back to the form"),
        Binding("ctrl+s", "review", "Review & save", priority=True),
        # Not ctrl+z: that is the text's own undo (ctrl+y redoes).
        Binding("ctrl+o", "revert", "Revert field", priority=True),
    ]

    def __init__(self, field: Field, session: EditSession, keep: Callable[[str], None]) -> None:
        super().__init__()
        self.field = field
        self.session = session
        self._keep = keep
        self._unsynced_since: float | None = None  # the first key not handed over
        self._last_key = 0.0
        self._pause_timer: Timer | None = None  # running while keys come: the title waits for a pause

    def compose(self) -> ComposeResult:
        value = self.session.value(self.field.name) or ""
        yield Static("", id="prompt-title", markup=False)
        yield LargeTextArea(value, soft_wrap=True, id="prompt-text")
        yield KeyBar()

    def on_mount(self) -> None:
        self._show_title()
        self.query_one(TextArea).focus()

    def _show_title(self) -> None:
        field = self.field
        dirty = "  ·  ● changed" if self.session.is_dirty(field.name) else ""
        length = self.query_one(LargeTextArea).length
        self.query_one("#prompt-title", Static).update(
            f"{field.label}  ({field.name})  ·  {length:,} characters{dirty}  ·  Escape returns to the form",
            # One line whatever it says: laid out again, the screen would redraw the whole
            # text area, about 50 ms in a 200 KB prompt.
            layout=False,
        )

    @on(TextArea.Changed, "#prompt-text")
    def _typed(self) -> None:
        self._last_key = now = time.monotonic()
        if self._pause_timer is None:
            self._pause_timer = self.set_timer(SYNC_WITHIN, self._paused)
        if self._unsynced_since is None:
            self._unsynced_since = now
        elif now - self._unsynced_since >= SYNC_WITHIN:
            self._hand_over()

    def _paused(self) -> None:
        self._pause_timer = None
        wait = self._last_key + SYNC_WITHIN - time.monotonic()
        if wait > 0:  # keys came meanwhile: wait for the pause after the last one
            self._pause_timer = self.set_timer(wait, self._paused)
            return
        self.flush_edits()
        self._show_title()

    def flush_edits(self) -> None:
        """Hand over what was typed since the last hand-over, if anything."""
        if self._unsynced_since is not None:
            self._hand_over()

    def _hand_over(self) -> None:
        """Hand the text over (the form's row: into the session and the draft)."""
        self._unsynced_since = None
        self._keep(self.query_one(LargeTextArea).exact)

    async def action_done(self) -> None:
        await self.app.settle()
        self.flush_edits()
        self.dismiss(PromptOutcome(review=False))

    async def action_review(self) -> None:
        await self.app.settle()
        self.flush_edits()
        self.dismiss(PromptOutcome(review=True))

    async def action_revert(self) -> None:
        await self.app.settle()
        session, name = self.session, self.field.name
        session.revert(name)
        # An edit of the text, not a new text: ctrl+z brings back what was reverted.
        self.query_one(LargeTextArea).replace_all_exactly(session.value(name) or "")
        self._hand_over()
