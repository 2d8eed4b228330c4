"""What the editor's marks show: each row's changed mark, problem and flag, the groups'
counts in the sidebar, and the status line; redrawn where they changed only, so that a
keystroke costs what it changes."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from textual.content import Content
from textual.widgets import Static

from voicedesk.display import plural
from voicedesk.fields import Catalogue
from voicedesk.session import EditSession
from voicedesk.tui.form import FieldRow
from voicedesk.tui.widgets import GroupList


class StatePainter:
    def __init__(self, session: EditSession, fields: Catalogue, rows: dict[str, FieldRow],
                 problems: Callable[[], dict[str, str]], groups: GroupList, status: Static) -> None:
        """`rows` is the editor's own dict of built rows (it grows as groups are built)."""
        self._session = session
        self._fields = fields
        self._rows = rows
        self._problems = problems
        self._groups = groups
        self._status = status
        self._shown_state: dict[str, tuple[Any, ...]] = {}
        self._shown_status = ""

    def forget_shown(self) -> None:
        """The rows were drawn afresh (reloaded, rebuilt): draw every mark again."""
        self._shown_state.clear()

    def refresh(self) -> None:
        """Bring marks, messages, counts and the status line up to date (cheaply)."""
        session = self._session
        problems = self._problems()
        flags = session.flags()
        dirty = set(session.dirty)
        for name, row in self._rows.items():
            enabled_by = row.field.enabled_by
            state = (name in dirty, problems.get(name), flags.get(name), row.control.disabled,
                     session.value(enabled_by) if enabled_by else None)
            if self._shown_state.get(name) != state:
                self._shown_state[name] = state
                row.show_state(problems.get(name), flags.get(name))
        for index, group in enumerate(self._fields.groups):
            names = [f.name for f in self._fields.fields_in(group)]
            count = sum(name in dirty for name in names)
            errors = sum(name in problems for name in names)
            self._groups.set_mark(index, " ".join(filter(None, [f"● {count}" if count else "", "✗" if errors else ""])))
        status = plural(len(dirty), "unsaved change")
        if problems:
            status += f"  ·  {plural(len(problems), 'problem')} to fix"
        if dirty:
            status += "  ·  ctrl+s to review"
        if status != self._shown_status:
            self._shown_status = status
            # Coloured through its content, not a class: toggling a class restyles the line.
            text = Content.styled(status, "$text-warning") if dirty else status
            self._status.update(text, layout=False)  # one line: no layout
