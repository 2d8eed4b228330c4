"""The system prompt in a screen of its own: a full-size, soft-wrapped TextArea, with a
find and replace bar (ctrl+f, ctrl+r), the cursor's line and column, and F4 for the
user's own editor.

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
from textual.containers import Horizontal
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import Input, Static, TextArea
from textual.widgets.text_area import Selection

from voicedesk.display import plural
from voicedesk.fields import Field
from voicedesk.session import EditSession
from voicedesk.text_search import Match, find_all, replace_all
from voicedesk.tui.external_editor import edit_outside
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
POSITION_AFTER = 0.15  # seconds the cursor rests before its line and column are shown


@dataclass(frozen=True)
class PromptOutcome:
    """How the prompt editor was left; the text was handed over by then (`keep`)."""

    review: bool  # ctrl+s: go on to the review


class PromptEditorScreen(Screen[PromptOutcome]):
    """One text field, full screen. What is typed goes to `keep` as typing goes on (see
    SYNC_WITHIN) and before the screen closes."""

    HELP_NAME = "the text editor"  # what F1 calls it

    app: VoicedeskApp

    BINDINGS = [
        Binding("escape", "done", "Back to the form"),
        Binding("ctrl+s", "review", "Review & save", priority=True),
        Binding("ctrl+f", "find", "Find", priority=True),
        Binding("ctrl+r", "find(True)", "Replace", priority=True),
        Binding("f3", "find_next(1)", "Next match", show=False),
        Binding("shift+f3", "find_next(-1)", "Previous match", show=False),
        Binding("f2", "replace_all", "Replace all", show=False, priority=True),
        Binding("f4", "outside", "$EDITOR"),
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
        self._position_timer: Timer | None = None  # the cursor's position is shown when it rests
        self._matches: list[Match] = []  # of the find bar's text, as of its last search

    def compose(self) -> ComposeResult:
        value = self.session.value(self.field.name) or ""
        yield Static("", id="prompt-title", markup=False)
        yield LargeTextArea(value, soft_wrap=True, id="prompt-text")
        with Horizontal(id="find-bar"):
            yield Static("Find", classes="find-label")
            yield Input(placeholder="Enter, F3: next; shift+F3: previous", id="find-text", compact=True)
            yield Static("Replace with", classes="find-label replace-part")
            yield Input(placeholder="Enter: this one; F2: all", id="replace-text", classes="replace-part",
                        compact=True)
        yield Static("", id="prompt-position", markup=False)
        yield KeyBar()

    def on_mount(self) -> None:
        self._show_title()
        self._show_position()
        self.query_one(TextArea).focus()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        # While the bar is closed they do nothing (None: still listed by F1).
        if action == "replace_all":
            return self.query_one("#replace-text").display or None
        if action == "find_next":
            return self.query_one("#find-bar").display or None
        return True

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

    @on(TextArea.SelectionChanged, "#prompt-text")
    def _cursor_moved(self) -> None:
        # Shown once the cursor rests (while typing goes on, when it pauses: see `_paused`):
        # redrawn with the keys, the line cost a 200 KB prompt's keystroke 5x its time.
        if self._pause_timer is not None:
            return
        if self._position_timer is None:
            self._position_timer = self.set_timer(POSITION_AFTER, self._show_position)
        else:
            self._position_timer.reset()

    def _show_position(self) -> None:
        if self._position_timer is not None:
            self._position_timer.stop()
            self._position_timer = None
        area = self.query_one(LargeTextArea)
        row, column = area.cursor_location
        text = f"Line {row + 1:,} of {area.document.line_count:,}, column {column + 1:,}"
        if self.query_one("#find-bar").display and self.query_one("#find-text", Input).value:
            text += f"  ·  {self._where_in_matches(area)}"
        self.query_one("#prompt-position", Static).update(text, layout=False)

    def _where_in_matches(self, area: LargeTextArea) -> str:
        if not self._matches:
            return "no match"
        selected = area.selection
        for number, match in enumerate(self._matches, start=1):
            if (match.start, match.end) == (selected.start, selected.end):
                return f"match {number:,} of {len(self._matches):,}"
        return plural(len(self._matches), "match")

    @on(TextArea.Changed, "#prompt-text")
    def _typed(self) -> None:
        if self._position_timer is not None:  # typing: the position waits for its pause
            self._position_timer.stop()
            self._position_timer = None
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
        self._show_position()

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
        bar = self.query_one("#find-bar")
        if bar.display:  # Escape closes the find bar first, the match stays selected
            bar.display = False
            self.query_one(LargeTextArea).focus()
            self._show_position()
            self.refresh_bindings()
            return
        self.flush_edits()
        self.dismiss(PromptOutcome(review=False))

    # --- find and replace --------------------------------------------------------------

    def action_find(self, replace: bool = False) -> None:
        """Open the find bar (with the replace field too), the selection as its text."""
        area = self.query_one(LargeTextArea)
        find = self.query_one("#find-text", Input)
        selected = area.selected_text
        if selected and "\n" not in selected:
            find.value = selected
        self.query_one("#find-bar").display = True
        self.query(".replace-part").set(display=replace)
        find.focus()
        self._search()
        self.refresh_bindings()

    @on(Input.Changed, "#find-text")
    def _search(self) -> None:
        area = self.query_one(LargeTextArea)
        self._matches = find_all(area.document.lines, self.query_one("#find-text", Input).value)
        self._show_position()

    @on(Input.Submitted, "#find-text")
    def _find_submitted(self) -> None:
        self.action_find_next(1)

    def action_find_next(self, step: int) -> None:
        """Select the next (or previous) match after the cursor, wrapping around."""
        if not self._matches:
            self._show_position()
            return
        area = self.query_one(LargeTextArea)
        here = area.selection
        if step > 0:
            ahead = [m for m in self._matches if m.start >= here.end and (m.start, m.end) != (here.start, here.end)]
            match = ahead[0] if ahead else self._matches[0]
        else:
            behind = [m for m in self._matches if m.end <= here.start]
            match = behind[-1] if behind else self._matches[-1]
        area.selection = Selection(match.start, match.end)  # scrolled into view
        self._show_position()

    @on(Input.Submitted, "#replace-text")
    def _replace_one(self) -> None:
        """Replace the selected match, then select the next one."""
        area = self.query_one(LargeTextArea)
        selected = (area.selection.start, area.selection.end)
        if any((m.start, m.end) == selected for m in self._matches):
            area.replace(self.query_one("#replace-text", Input).value, *selected)
            self._search()
        self.action_find_next(1)

    def action_replace_all(self) -> None:
        area = self.query_one(LargeTextArea)
        needle = self.query_one("#find-text", Input).value
        count = len(self._matches)
        if not count:
            self.notify("No match to replace.", timeout=2)
            return
        replacement = self.query_one("#replace-text", Input).value
        # One edit of the whole text: one ctrl+z takes every replacement back.
        area.replace_all_exactly(replace_all(area.exact, needle, replacement))
        self._search()
        self.notify(f"Replaced {plural(count, 'match')}; ctrl+z in the text takes them back.", timeout=4)

    # --- the user's own editor ---------------------------------------------------------

    async def action_outside(self) -> None:
        await self.app.settle()
        self.flush_edits()
        area = self.query_one(LargeTextArea)
        edited = edit_outside(self.app, area.exact, self.field.name)
        if edited is not None:
            area.replace_all_exactly(edited)  # one edit: ctrl+z brings the text back
            self._hand_over()
            self._show_title()

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

