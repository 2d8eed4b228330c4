"""The editor's undo and redo across fields: each edit of a field is a step, taken back
by ctrl+z wherever the focus is, in the order the edits were made.

Text controls have an undo of their own, one word at a time, for as long as the focus
stays in them; here the whole visit is one step: each set of a field merges into the
step still open on that field, and the editor `seal`s it when the focus moves on, or
at once after an edit that is not typing (a slider step, a pick from a list). A step
that ends where it began (typed, then deleted) is no step at all.

Headless: a step holds what the session gives it (its snapshots of a field before and
after), and `same` says whether two snapshots are equal.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

LIMIT = 500  # steps kept; the oldest go first


@dataclass
class Edit:
    """One field's change: `before` and `after` are the session's snapshots."""

    name: str
    before: Any
    after: Any


class EditJournal:
    def __init__(self, same: Callable[[str, Any, Any], bool]) -> None:
        self._same = same
        self._done: list[list[Edit]] = []
        self._undone: list[list[Edit]] = []
        self._open = False  # the last step still takes typing in its field

    def record(self, edits: list[Edit], *, merge: bool = False) -> None:
        """A step made of `edits` (one or more fields); with `merge`, a single field's
        edit joins the open step of the same field, and the step stays open."""
        self._undone.clear()
        last = self._done[-1] if self._done else None
        if merge and self._open and last is not None and len(last) == len(edits) == 1 \
                and last[0].name == edits[0].name:
            last[0].after = edits[0].after
            if self._same(last[0].name, last[0].before, last[0].after):
                self._done.pop()
                self._open = False
            return
        edits = [edit for edit in edits if not self._same(edit.name, edit.before, edit.after)]
        if not edits:
            return
        self._done.append(edits)
        del self._done[:-LIMIT]
        self._open = merge

    def seal(self) -> None:
        """The open step takes no more typing (the focus left its field)."""
        self._open = False

    def undo(self) -> list[Edit] | None:
        """The step to take back (put each edit's `before`), or None."""
        self._open = False
        if not self._done:
            return None
        step = self._done.pop()
        self._undone.append(step)
        return step

    def redo(self) -> list[Edit] | None:
        """The step to make again (put each edit's `after`), or None."""
        self._open = False
        if not self._undone:
            return None
        step = self._undone.pop()
        self._done.append(step)
        return step

    def clear(self) -> None:
        self._done.clear()
        self._undone.clear()
        self._open = False

    @property
    def can_undo(self) -> bool:
        return bool(self._done)

    @property
    def can_redo(self) -> bool:
        return bool(self._undone)
