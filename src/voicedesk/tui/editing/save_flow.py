"""The editor's save: send the changed fields, with the retry and conflict loop, and say
what came of it. The review screen runs it (`save`, `stop`); the editor's quit runs it
too."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import TYPE_CHECKING

from voicedesk.api import ApiError, ValidationError
from voicedesk.display import plural, safe_text
from voicedesk.fields import SETTINGS
from voicedesk.history import History
from voicedesk.remote import Progress, SaveConflict, SaveRefused, SaveResult, Stage, save
from voicedesk.session import Change, EditSession
from voicedesk.tui.editing.draft_keeper import DraftKeeper
from voicedesk.tui.screens.modals import Ask

if TYPE_CHECKING:
    from voicedesk.tui.app import VoicedeskApp


class SaveFlow:
    """One edit session's saves. `problems` is everything that blocks saving now (the
    rules, the server's 422, the controls' own); `reload` shows the session's values
    again after the server's were taken over."""

    def __init__(self, app: VoicedeskApp, session: EditSession, drafts: DraftKeeper,
                 problems: Callable[[], dict[str, str]], reload: Callable[[], None],
                 refresh: Callable[[], None]) -> None:
        self._app = app
        self.session = session
        self._drafts = drafts
        self.problems = problems
        self._reload = reload
        self._refresh = refresh  # marks and counts only
        self._saving: asyncio.Task[SaveResult] | None = None  # a save, until it ends
        self._stage = Stage.READING

    def stop(self) -> bool:
        """Stop a save still reading, before anything was sent; False once the update has
        gone out (it cannot be called back)."""
        if self._saving is None or self._stage is not Stage.READING:
            return False
        self._saving.cancel()
        return True

    async def _save_once(self, progress: Progress | None) -> SaveResult | None:
        """One save; None when `stop` stopped it."""
        def follow(stage: Stage, text: str) -> None:
            self._stage = stage
            if progress is not None:
                progress(stage, text)

        self._stage = Stage.READING
        task = asyncio.create_task(save(self._app.client, self.session, history=History(), progress=follow))
        self._saving = task
        try:
            await asyncio.wait({task})
        finally:
            task.cancel()  # this worker was cancelled: the save goes with it (if still reading)
            self._saving = None
        return None if task.cancelled() else task.result()

    async def save(self, progress: Progress | None = None) -> bool:
        """Send the changed fields; on failure the edits stay and the user may retry. Runs
        in a worker (it may ask). `progress` hears what the save is doing (its reads can be
        long scans). True when everything sent was taken."""
        session = self.session
        while True:
            try:
                result = await self._save_once(progress)
                if result is None:
                    self._app.notify("Stopped before anything was sent. Your edits are kept.",
                                     title="Not saved", timeout=5)
                    return False
            except SaveConflict as conflict:
                self._after_rebase(conflict.adopted)
                theirs = await self._app.resolve_conflicts(conflict.conflicts, session.lookups)
                if theirs is None:
                    return False
                for name in theirs:
                    session.revert(name)
                self._drafts.note_edit()
                self._reload()
                continue  # read again: someone may have changed more meanwhile
            except SaveRefused as refused:
                self._after_rebase(refused.adopted)
                self._app.notify(
                    "With the server's newer values adopted, your changes break a rule; the "
                    "fields are marked. Nothing was sent.",
                    title="Not saved", severity="error", timeout=8,
                )
                return False
            except ValidationError:
                self._refresh()
                # What names a field is on it; everything else the server said is here.
                lines = ["The server rejected the change (422).", *session.server_notes]
                if session.server_errors:
                    labels = ", ".join(SETTINGS[name].label for name in session.server_errors)
                    lines.append(f"Marked on the fields: {labels}.")
                self._app.notify("\n".join([*lines, "Your edits are kept."]),
                                 title="Not saved", severity="error", timeout=12)
                return False
            except ApiError as error:
                answer = await self._app.push_screen_wait(Ask(
                    "Could not save",
                    f"{error.message}\n\nYour edits are kept.",
                    [("retry", "Retry", "primary"), ("cancel", "Back to editing", "default")],
                    error=True,
                ))
                if answer == "retry":
                    continue
                return False
            break
        return self._said(result)

    def _said(self, result: SaveResult) -> bool:
        """Tell what a save that reached its end did; True when all of it was taken."""
        notify, session = self._app.notify, self.session
        if result.not_taken:
            self._drafts.note_edit()  # the values the server did not take stay in the draft
        else:
            self._drafts.forget()
        self._after_rebase(result.adopted)
        if result.earlier:
            names = ", ".join(SETTINGS[change.field].label for change in result.earlier)
            notify(f"The save whose answer was lost had reached the server ({names}); it is now "
                   "recorded in the history.", title="Saved earlier", timeout=8)
        if not result.sent:
            if not result.earlier:
                notify("Nothing to send: the server already holds your values.", timeout=4)
            if result.history_error:
                notify(result.history_error, severity="warning", timeout=8)
            return True
        if result.taken:
            notify(f"Saved {plural(len(result.taken), 'field')} to {safe_text(session.name)}.",
                   title="Saved", timeout=4)
        if result.not_taken:
            names = ", ".join(SETTINGS[c.field].label for c in result.not_taken)
            hint = (" None of the fields sent was taken: the host may speak the other dialect."
                    if result.nothing_taken else "")
            notify(f"{names}: the server answered 200 but did not take "
                   f"{'these values' if len(result.not_taken) > 1 else 'this value'}. "
                   f"Your values are kept as unsaved edits, marked on the fields.{hint}",
                   title="Not taken by the server", severity="error", timeout=20)
        if result.reread_error:
            notify(f"Saved, but reading it back failed: {result.reread_error.message}",
                   severity="warning", timeout=8)
        if result.history_error:
            notify(result.history_error, severity="warning", timeout=8)
        return not result.not_taken

    def _after_rebase(self, adopted: list[Change]) -> None:
        """Show what a fresh read brought in on fields the user had not touched."""
        self._reload()
        if adopted:
            names = ", ".join(SETTINGS[change.field].label for change in adopted)
            self._app.notify(f"Changed on the server meanwhile and taken over (you had not touched "
                             f"them): {names}.", title="Updated from the server", timeout=8)
