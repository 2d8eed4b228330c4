"""The editor's questions before edits are dropped or sent: leaving or quitting with
unsaved changes (one question with the same answers on every way out), and reverting
all. Each lists what would be lost, and the safe answer comes first (it has the focus).
"""

from __future__ import annotations

from voicedesk.display import format_value, plural, safe_text
from voicedesk.session import EditSession
from voicedesk.tui.screens.modals import Ask

# The answers of `going_question`.
STAY, REVIEW_AND_SAVE, DISCARD = "stay", "save", "discard"


def what_is_changed(session: EditSession, at_most: int = 8) -> str:
    """The changed fields and their new values, one per line."""
    lines = [f"  {session.fields[change.field].label}: "
             f"{format_value(change.field, change.after, session.lookups, width=50)}"
             for change in session.changes()]
    if len(lines) > at_most:
        lines[at_most - 1:] = [f"  … and {len(lines) - at_most + 1} more"]
    return "\n".join(lines)


def going_question(session: EditSession, going: str) -> Ask:
    """Before `going` ("Quit", "Leave") with unsaved changes. Escape answers "cancel",
    which is staying too."""
    return Ask(
        f"{going} with unsaved changes?",
        f"{plural(len(session.dirty), 'unsaved change')} to {safe_text(session.name)}:\n{what_is_changed(session)}",
        [(STAY, "Keep editing", "primary"), (REVIEW_AND_SAVE, "Review and save", "success"),
         (DISCARD, "Discard changes", "error")],
    )


def revert_all_question(session: EditSession) -> Ask:
    """Answered "revert" to drop every change (ctrl+z brings them back)."""
    return Ask(
        "Revert all changes?",
        f"This drops {plural(len(session.dirty), 'unsaved change')} to {safe_text(session.name)} "
        f"(ctrl+z brings them back):\n{what_is_changed(session)}",
        [("cancel", "Keep editing", "primary"), ("revert", "Revert all", "error")],
    )
