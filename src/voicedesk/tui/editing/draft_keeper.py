"""The editor's draft: every edit on disk within about a second, and the drafts that
earlier sessions left unsaved, offered when the assistant is opened again."""

from __future__ import annotations

import contextlib
import time
from collections.abc import Callable
from typing import TYPE_CHECKING

from textual.timer import Timer

from voicedesk.display import format_value, plural
from voicedesk.drafts import Draft, DraftError, DraftSlot, DraftStore, DraftWriter, HeldDraft
from voicedesk.fields import SETTINGS
from voicedesk.session import EditSession
from voicedesk.tui.screens.modals import Ask

if TYPE_CHECKING:
    from voicedesk.tui.app import VoicedeskApp


class DraftKeeper:
    """One edit session's draft: holds its lock, writes it (debounced), drops it when the
    edits were sent or dropped on purpose, and offers the drafts others left behind."""

    def __init__(self, app: VoicedeskApp, session: EditSession, store: DraftStore,
                 reload: Callable[[], None]) -> None:
        """`reload` shows the session's values again (after a draft is restored)."""
        self._app = app
        self._session = session
        self._store = store
        self._reload = reload
        self._host = app.settings.host
        self.slot: DraftSlot = store.slot(self._host, session.assistant_id)
        self.writer = DraftWriter(self.slot, debounce=1.0)
        self._timer: Timer | None = None  # armed only while a write is pending
        self._problem: str | None = None  # the last write failure shown

    def note_edit(self) -> None:
        """Every edit reaches the draft file within about a second: the first edit after a
        write arms a one-shot timer (an editor without pending edits wakes nobody)."""
        session, host = self._session, self._host
        self.writer.schedule(lambda: Draft.from_session(session, host), time.monotonic())
        self._arm_timer()

    def _arm_timer(self) -> None:
        wait = self.writer.wait(time.monotonic())
        if wait is not None and self._timer is None:
            # The app's timer, not the editor's: a message handled by the editor while
            # another screen covers it (the prompt editor) makes Textual repaint all of that
            # screen, some 30 ms for a 200 KB prompt, once a second while typing.
            self._timer = self._app.set_timer(wait, self._write_if_due)

    def _write_if_due(self) -> None:
        self._timer = None
        try:
            if self.writer.flush_if_due(time.monotonic()):
                self._problem = None
        except DraftError as problem:
            if str(problem) != self._problem:  # retried each second: said once
                self._problem = str(problem)
                self._app.notify(str(problem), title="Draft not saved", severity="error", timeout=8)
        self._arm_timer()  # not due yet, or failed: try again when it is

    def write_now(self) -> None:
        """Whatever is pending goes to disk at once (a hang-up, a profile switch); raises
        DraftError when the disk refuses."""
        self.writer.flush()

    def forget(self) -> None:
        """The edits were sent or deliberately dropped: this session's draft goes (drafts
        of other sessions stay)."""
        self.writer.cancel()
        self._stop_timer()
        try:
            self.slot.discard()
        except DraftError as problem:
            self._app.notify(str(problem), severity="warning", timeout=8)

    def close(self) -> None:
        """The editor closes: a pending write goes to disk (leaving within a second of an
        edit; a failure leaves the draft of a second ago, offered next time), the lock goes."""
        self._stop_timer()
        with contextlib.suppress(DraftError):
            self.write_now()
        self.slot.close()

    def _stop_timer(self) -> None:
        if self._timer is not None:  # the app's: it would outlive the editor
            self._timer.stop()
            self._timer = None

    async def offer_left_behind(self) -> None:
        """Take this session's draft lock, then offer the drafts that sessions which ended
        unsaved left (newest first), each against the server's values now. One can be
        restored; the others stay for a later session. Runs in a worker (it asks)."""
        assistant_id = self._session.assistant_id
        try:
            self.slot.hold()
        except DraftError as problem:
            self._warn(problem, "Drafts not kept")
        try:
            found = self._store.left_behind(self._host, assistant_id, own=self.slot)
        except DraftError as problem:
            self._warn(problem, "Draft not restored")
            return
        for unreadable in found.problems:
            self._warn(unreadable, "Draft not restored")
        if found.live:
            others = "Another voicedesk is" if found.live == 1 else f"{found.live} other voicedesk sessions are"
            self._app.notify(f"{others} editing this assistant right now. Each keeps its own draft; a save "
                             "here first reads the server again, so no change is overwritten unseen.",
                             title="Also open elsewhere", severity="warning", timeout=10)
        try:
            for index, held in enumerate(found.drafts):
                answer = await self._app.push_screen_wait(self._question(held, index, len(found.drafts)))
                if answer == "later":
                    held.release()
                elif answer == "discard":
                    try:
                        held.discard()
                    except DraftError as problem:
                        self._warn(problem, "Draft not discarded")
                    else:
                        self._app.notify("Draft discarded.", timeout=3)
                else:  # Escape restores too: nothing is lost by accident
                    self._restore(held)
                    kept = len(found.drafts) - index - 1
                    if kept:
                        self._app.notify(f"{plural(kept, 'older draft')} of this assistant kept: offered "
                                         "again when it is next opened.", timeout=8)
                    return
        finally:
            found.release()  # those not decided (the editor closed meanwhile) stay on disk

    def _question(self, held: HeldDraft, index: int, count: int) -> Ask:
        session, draft = self._session, held.draft
        lines = []
        moved = draft.moved_on_server(session)
        for name, edit in draft.fields.items():
            line = (f"{SETTINGS[name].label}: {format_value(name, edit.value, session.lookups, width=40)}"
                    f"  (server: {format_value(name, session.baseline[name], session.lookups, width=40)}")
            lines.append(line + (", changed since the draft)" if name in moved else ")"))
        saved = f" from {draft.saved_at:%Y-%m-%d %H:%M} UTC" if draft.saved_at else ""
        several = (f"{count} drafts of this assistant were left unsaved; this is draft {index + 1} of "
                   f"{count}, newest first.\n\n" if count > 1 else "")
        that = "that was" if len(draft.fields) == 1 else "that were"
        return Ask(
            "Restore unsaved changes?",
            f"{several}A draft{saved} holds {plural(len(draft.fields), 'change')} {that} never sent:\n\n"
            + "\n".join(lines),
            [("restore", "Restore", "primary"), ("later", "Keep for later", "default"),
             ("discard", "Discard the draft", "error")],
        )

    def _restore(self, held: HeldDraft) -> None:
        """Replay a left-behind draft; once this session's own draft holds its edits, the
        old file goes (until then it stays, so a failed write loses nothing)."""
        draft = held.draft
        try:
            moved = draft.apply_to(self._session)
        except ValueError as problem:  # kept on disk for an editor that can replay it
            held.release()
            self._app.notify(f"The draft was not restored: {problem}.", title="Draft kept",
                             severity="error", timeout=12)
            return
        self._reload()
        note = (f" Changed on the server since: {', '.join(SETTINGS[n].label for n in moved)}."
                if moved else "")
        self._app.notify(f"Restored {plural(len(draft.fields), 'change')}.{note}",
                         title="Draft restored", timeout=8)
        self.note_edit()
        try:
            self.writer.flush()
            held.discard()
        except DraftError as problem:
            self._warn(problem, "Draft kept where it was")

    def _warn(self, problem: DraftError, title: str) -> None:
        self._app.notify(str(problem), title=title, severity="warning", timeout=12)
