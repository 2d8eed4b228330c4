"""The 2026 built-in tools as a list in the form: one line per tool (its type's label and
a gist), keys to add, edit, move and remove tools, and an undo of its own.

A tool is edited in a screen of its own (`screens/tool.py`); every change reaches the
form at once (`Changed`). An entry voicedesk does not know (a type not listed in
`tools.TOOL_TYPES`, or not an object) is shown as such and kept exactly: it can be
moved or removed, not edited. Nothing here shows a secret (see `tools.gist`).
"""

from __future__ import annotations

import copy
import json
from typing import TYPE_CHECKING, Any

from textual import on
from textual.actions import SkipAction
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.message import Message
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from voicedesk.display import safe_text, shorten
from voicedesk.tools import TOOL_TYPES, check_tool, check_tools, gist, spec_of
from voicedesk.tui.messages import ReviewWanted

if TYPE_CHECKING:
    from voicedesk.tui.app import VoicedeskApp

_ADD = "  + Add a tool (ctrl+n)"
_LINE = 200  # at most this much of a gist is laid out


def describe(entry: Any) -> tuple[str, str]:
    """An entry's label and gist, as shown (safe, one line)."""
    if not isinstance(entry, dict):
        return "Not a tool object", shorten(safe_text(json.dumps(entry, ensure_ascii=False)), _LINE)
    spec = spec_of(entry)
    if spec is None:
        return shorten(safe_text(str(entry.get("type"))), 40), "a type voicedesk does not know: kept as stored"
    return spec.label, shorten(safe_text(gist(entry)), _LINE)


def entry_note(entry: Any, number: int) -> tuple[str, bool]:
    """What the line under the list says about the highlighted entry, and whether it is
    a problem."""
    problem = check_tool(entry, number)
    if problem:
        return problem, True
    spec = spec_of(entry)
    if spec is None:
        return ("Kept exactly as the server stored it and sent back unchanged; it can be moved or "
                "removed. Enter shows it."), False
    known = {field.name for field in spec.fields} | {"type"}
    others = [safe_text(str(key)) for key in entry if key not in known]
    if others:
        return f"Also stored on this tool, and sent back as it is: {shorten(', '.join(others), _LINE)}.", False
    return "", False


class _Lines(OptionList):
    """The tools, one option each, and the add line last."""

    DEFAULT_CSS = "_Lines { height: auto; max-height: 10; }"
    BINDINGS = [Binding("enter", "select", "Edit tool", id="tools.edit")]


class ToolEditor(Vertical):
    """The list of built-in tools; posts `Changed` with the new list on every change."""

    app: VoicedeskApp  # opens an entry's screen (`edit_tool`)

    DEFAULT_CSS = """
    ToolEditor { height: auto; }
    ToolEditor > .tools-note { color: $text-muted; height: auto; }
    ToolEditor > .tools-note.-error { color: $error; }
    /* Its highlight shows only while it has the focus. */
    ToolEditor > OptionList { background: transparent; text-wrap: nowrap; text-overflow: ellipsis; }
    """

    BINDINGS = [
        Binding("ctrl+n", "add", "Add tool", id="tools.add"),
        Binding("ctrl+d,delete", "remove", "Remove tool", priority=True, id="tools.remove"),
        # alt+ for terminals (macOS) that keep ctrl+arrows for themselves.
        Binding("ctrl+up,alt+up", "move(-1)", "Move up", id="tools.move_up"),
        Binding("ctrl+down,alt+down", "move(1)", "Move down", id="tools.move_down"),
        Binding("ctrl+z", "undo", "Undo", id="tools.undo"),
        Binding("ctrl+y,ctrl+shift+z", "redo", "Redo", show=False, id="tools.redo"),
    ]

    class Changed(Message):
        """The list changed (an edit, an add, a move, a removal, an undo)."""

        def __init__(self, editor: ToolEditor, value: list[Any]) -> None:
            super().__init__()
            self.editor = editor
            self.value = value

        @property
        def control(self) -> ToolEditor:
            return self.editor

    def __init__(self, value: Any, *, id: str | None = None) -> None:  # noqa: A002 - Textual's name
        super().__init__(id=id)
        self._value: list[Any] = copy.deepcopy(value) if isinstance(value, list) else []
        self._undo: list[list[Any]] = []
        self._redo: list[list[Any]] = []
        self.lines = _Lines(compact=True, markup=False)
        self._note = Static("", classes="tools-note", markup=False)

    def compose(self) -> ComposeResult:
        yield self.lines
        yield self._note

    def on_mount(self) -> None:
        self._show()

    # --- the value -------------------------------------------------------------------

    @property
    def value(self) -> list[Any]:
        return copy.deepcopy(self._value)

    def load(self, value: Any) -> None:
        """Show another value (a reload) without posting. Its own undo history goes, as a
        text control's does: the editor's undo (ctrl+z) brings back what was shown."""
        value = value if isinstance(value, list) else []
        if value != self._value:
            self.forget_undo()
            self._value = copy.deepcopy(value)
            self._show()

    def entry(self, index: int) -> Any:
        return copy.deepcopy(self._value[index])

    def begin_change(self) -> None:
        """What is shown now is a step ctrl+z goes back to."""
        self._undo.append(copy.deepcopy(self._value))

    def forget_unchanged_step(self) -> None:
        """After `begin_change` and edits that came to nothing: no empty undo step."""
        if self._undo and self._undo[-1] == self._value:
            self._undo.pop()

    def replace(self, index: int, entry: Any) -> None:
        """Put an edited entry in (the tool screen, after `begin_change`)."""
        if 0 <= index < len(self._value) and self._value[index] != entry:
            self._value[index] = copy.deepcopy(entry)
            self._changed()

    def _changed(self, highlight: int | None = None, *, redoing: bool = False) -> None:
        if not redoing:
            self._redo.clear()  # a new change: what was undone stays undone
        self._show(highlight)
        self.post_message(self.Changed(self, copy.deepcopy(self._value)))

    # --- showing ---------------------------------------------------------------------

    @property
    def highlighted(self) -> int | None:
        """The highlighted tool's index (None: none, or the add line)."""
        index = self.lines.highlighted
        return index if index is not None and index < len(self._value) else None

    def _show(self, highlight: int | None = None) -> None:
        keep = self.lines.highlighted if highlight is None else highlight
        options = []
        for number, entry in enumerate(self._value, 1):
            label, about = describe(entry)
            bad = check_tool(entry, number) is not None
            options.append(Option(Content.assemble(
                ("✗ " if bad else "  ", "$error" if bad else ""), f"{number}. ", (label, "bold"),
                "  " if about else "", (about, "$text-muted"),
            )))
        options.append(Option(Content.styled(_ADD, "$text-muted")))
        self.lines.clear_options()
        self.lines.add_options(options)
        self.lines.highlighted = min(keep if keep is not None else 0, len(options) - 1)
        self._show_note()

    @on(OptionList.OptionHighlighted)
    def _show_note(self, event: OptionList.OptionHighlighted | None = None) -> None:
        if event is not None:
            event.stop()
        index = self.highlighted
        text, problem = entry_note(self._value[index], index + 1) if index is not None else ("", False)
        if problem and text == check_tools(self._value):
            text = ""  # the row says the list's first problem already
        self._note.update(text)
        self._note.set_class(problem, "-error")
        self._note.display = bool(text)

    # --- actions ---------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ("remove", "move"):
            return self.highlighted is not None
        if action == "undo":
            return bool(self._undo)
        if action == "redo":
            return bool(self._redo)
        return True

    @on(OptionList.OptionSelected)
    def _selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        index = self.highlighted
        if index is None:
            self.action_add()
        else:
            self.open(index)

    def open(self, index: int) -> None:
        """Edit an entry in a screen of its own; the whole visit is one undo step."""
        self.run_worker(self._edit(index), group="tool")

    async def _edit(self, index: int) -> None:
        self.begin_change()
        outcome = await self.app.edit_tool(
            self.entry(index), index + 1, len(self._value), lambda entry: self.replace(index, entry))
        self.forget_unchanged_step()
        self.lines.focus()
        if outcome.review:
            self.post_message(ReviewWanted())

    def action_add(self) -> None:
        from .search_select_screen import SearchSelectScreen

        types = list(TOOL_TYPES.values())

        def picked(choice: int | None) -> None:
            if choice is None:
                self.lines.focus()
                return
            highlighted = self.highlighted
            index = len(self._value) if highlighted is None else highlighted + 1
            self.begin_change()
            self._value.insert(index, {"type": types[choice].type})
            self._changed(index)
            self.open(index)

        self.app.push_screen(SearchSelectScreen(
            [f"{spec.label}  ({spec.type})" for spec in types], None, title="Add a built-in tool",
        ), picked)

    def action_remove(self) -> None:
        index = self.highlighted
        if index is None:
            return
        label, _ = describe(self._value[index])
        self.begin_change()
        del self._value[index]
        self._changed(min(index, len(self._value)))
        self.notify(f"Removed tool {index + 1} ({label}). ctrl+z brings it back.", markup=False, timeout=4)

    def action_move(self, offset: int) -> None:
        index = self.highlighted
        if index is None or not 0 <= index + offset < len(self._value):
            return
        self.begin_change()
        self._value.insert(index + offset, self._value.pop(index))
        self._changed(index + offset)

    def action_undo(self) -> None:
        if not self._undo:
            raise SkipAction()  # nothing left here: the key goes on (the editor's own undo)
        self._redo.append(self._value)
        self._value = self._undo.pop()
        self._changed(redoing=True)

    def action_redo(self) -> None:
        if not self._redo:
            raise SkipAction()
        self._undo.append(self._value)
        self._value = self._redo.pop()
        self._changed(redoing=True)

    def forget_undo(self) -> None:
        """Drop the undo history (the editor's undo takes the whole visit back now)."""
        self._undo.clear()
        self._redo.clear()
