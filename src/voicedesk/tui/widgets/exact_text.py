"""Text controls that give back exactly what they were given: `ExactInput` (one line)
and `ExactTextArea` (several).

Each shows every character it cannot show as it is (control characters, bidi controls,
line separators, lone surrogates) as one visible stand-in, and keeps the exact text
beside what it shows (`voicedesk.text.ExactText`), edit by edit: every character the
user did not touch goes back exactly as it came, every character the user typed or
pasted goes back as typed (a typed "␛" is a "␛", not an ESC).

Read the text to send from `exact`; `value` (ExactInput) and `text` (ExactTextArea) are
what is shown. Assigning a new text (`value = ...`, `load_text(...)`) takes it as the
exact text and clears the undo history.

How edits are followed, per control (Textual 8):
- Input: every edit the user makes goes through `Input.replace`; the few places that
  assign `value` directly (the constructor, `clear`, accepting a suggestion) are
  assignments of a new text.
- TextArea: every change of its document (typing, paste, cut, undo, redo) goes through
  `Document.replace_range`, which `ExactDocument` implements on both texts. An undo puts
  back the `replaced_text` that replace returned; it carries the exact text it stands
  for, which is used while an undo runs and only then (a cut text pasted back is typed).
"""

from __future__ import annotations

from textual.actions import SkipAction
from textual.binding import Binding
from textual.widgets import Input
from textual.widgets.input import Selection
from textual.widgets.text_area import Document, DocumentBase, EditResult, Location

from voicedesk.text import ExactText, Step, Undo
from voicedesk.tui.textual_private import OwnDocument, share_lines


class ExactInput(Input):
    """The single-line text control: an Input that shows stand-ins, gives back `exact`,
    and has an undo of its own (ctrl+z; ctrl+y or ctrl+shift+z redo).

    For a table's cell editor: `ExactInput(cell_text, compact=True)`, read `exact` when
    the edit is done (or on each `Input.Changed`), `value = text` to show another cell.
    """

    # Listed in the help screen (F1), not in the key bar: every text field has them.
    BINDINGS = [
        Binding("ctrl+z", "undo", "Undo", show=False),
        Binding("ctrl+y,ctrl+shift+z", "redo", "Redo", show=False),
    ]

    _editing = False  # a change made here, by an edit: the exact text is set already

    def __init__(self, value: str | None = None, **kwargs: object) -> None:
        # Before Input's constructor, which assigns the value (see validate_value).
        self._text = ExactText("", multiline=False)
        self._undo = Undo()
        super().__init__(value, **kwargs)  # type: ignore[arg-type]

    @property
    def exact(self) -> str:
        """The text to send: the original for every untouched character, typed text as typed."""
        return self._text.exact[0]

    def validate_value(self, value: str) -> str:
        if self._editing:
            return value
        # Assigned from outside (the constructor, `clear`, the form after a revert): the
        # text is new, and so is the history.
        self._text = ExactText(value, multiline=False)
        self._undo.clear()
        return self._text.shown[0]

    def replace(self, text: str, start: int, end: int) -> None:
        """Every edit of an Input comes here: `text` is what the user typed or pasted."""
        start, end = sorted((max(0, start), min(len(self.value), end)))
        removed = self.exact[start:end]
        cursor = tuple(self.selection)
        if self._change(text, start, end):
            self._undo.record(Step(start, removed, text, cursor))  # type: ignore[arg-type]

    def _change(self, text: str, start: int, end: int) -> bool:
        """Replace the range with exact `text`; False if nothing changed (or Input's own
        restrictions, a maximum length or a pattern, refused it)."""
        before_shown, before_exact = self._text.shown[0], self._text.exact[0]
        self._text.replace((0, start), (0, end), text)
        if self._text.exact[0] == before_exact:
            self.cursor_position = start + len(text)
            return False
        self._editing = True
        try:
            super().replace(self._text.shown[0][start : start + len(text)], start, end)
            if self.value != self._text.shown[0]:  # refused: the value is as it was
                self._text.shown[0], self._text.exact[0] = before_shown, before_exact
                return False
            if self.value == before_shown:
                # Other characters behind the same stand-ins (a typed "␛" for an ESC):
                # the value's watchers must still hear of the change.
                self.mutate_reactive(Input.value)
        finally:
            self._editing = False
        return True

    def action_undo(self) -> None:
        step = self._undo.undo()
        if step is None:
            raise SkipAction()  # nothing left here: the key goes on (the editor's own undo)
        self._change(step.removed, step.start, step.start + len(step.inserted))
        self.selection = Selection(*step.cursor)

    def action_redo(self) -> None:
        step = self._undo.redo()
        if step is None:
            raise SkipAction()
        self._change(step.inserted, step.start, step.start + len(step.removed))
        self.cursor_position = step.start + len(step.inserted)

    def forget_undo(self) -> None:
        """Drop the undo history (the editor's undo takes the whole visit back now)."""
        self._undo.clear()


class _Replaced(str):
    """The shown text a replace removed, carrying the exact text it stands for."""

    exact: str


class ExactDocument(Document):
    """A plain-text document whose lines are `ExactText`'s shown lines: its only way to
    change, `replace_range`, changes the shown and the exact text together."""

    def __init__(self, text: str) -> None:
        self.content = ExactText(text, multiline=True)
        share_lines(self, self.content.shown)
        self.undoing = False  # set by ExactTextArea while an undo puts text back

    @property
    def exact(self) -> str:
        return self.content.text

    def replace_range(self, start: Location, end: Location, text: str) -> EditResult:
        restoring = self.undoing and isinstance(text, _Replaced)
        exact_text = text.exact if restoring else text  # type: ignore[attr-defined]
        edit = self.content.replace(start, end, exact_text, typed=not restoring)
        replaced = _Replaced(edit.replaced_shown)
        replaced.exact = edit.replaced_exact
        return EditResult(edit.end, replaced)


class ExactTextArea(OwnDocument):
    """A TextArea (plain text) that shows stand-ins and gives back `exact`; undo is
    TextArea's own (ctrl+z), redo ctrl+y or ctrl+shift+z."""

    BINDINGS = [
        Binding("ctrl+shift+z", "redo", "Redo", show=False),
        Binding("ctrl+home", "text_start", "Start of text", show=False),
        Binding("ctrl+end", "text_end", "End of text", show=False),
        Binding("ctrl+shift+home", "text_start(True)", "Select to start", show=False),
        Binding("ctrl+shift+end", "text_end(True)", "Select to end", show=False),
    ]

    _loading: str | None = None  # the exact text the next document is made of

    def __init__(self, text: str = "", **kwargs: object) -> None:
        self._loading = text
        super().__init__("", **kwargs)  # type: ignore[arg-type]

    @property
    def exact(self) -> str:
        """The text to send: the original for every untouched character, typed text as typed."""
        return self.document.exact  # type: ignore[attr-defined]

    @property
    def length(self) -> int:
        """How many characters the text has (kept as it is edited: no text is joined)."""
        return self.document.content.length  # type: ignore[attr-defined]

    def load_text(self, text: str) -> None:
        """Show a new text (the exact one); clears the undo history."""
        self._loading = text
        super().load_text(text)

    def new_document(self, text: str, language: str | None) -> DocumentBase:
        # TextArea asks for a new document for a new text, and again, from its current
        # one, when the language changes: a plain ExactDocument either way (this control
        # does no syntax highlighting).
        if self._loading is not None:
            document, self._loading = ExactDocument(self._loading), None
            return document
        return self.document

    def action_undo(self) -> None:
        if not self.history.undo_stack:
            raise SkipAction()  # nothing left here: the key goes on (the editor's own undo)
        self.undo()

    def action_redo(self) -> None:
        if not self.history.redo_stack:
            raise SkipAction()
        self.redo()

    def forget_undo(self) -> None:
        """Drop the undo history (the editor's undo takes the whole visit back now)."""
        self.history.clear()

    def action_text_start(self, select: bool = False) -> None:
        self.move_cursor(self.document.start, select=select)

    def action_text_end(self, select: bool = False) -> None:
        self.move_cursor(self.document.end, select=select)

    def undo(self) -> None:
        document: ExactDocument = self.document  # type: ignore[assignment]
        document.undoing = True
        try:
            super().undo()
        finally:
            document.undoing = False

    def replace_all_exactly(self, text: str) -> None:
        """Make the whole text `text`, taken exactly (not as typed: no line break is
        changed), as one edit that ctrl+z takes back."""
        document: ExactDocument = self.document  # type: ignore[assignment]
        marked = _Replaced(text)
        marked.exact = text
        document.undoing = True  # so that the document takes the text it carries exactly
        try:
            self.replace(marked, document.start, document.end)
        finally:
            document.undoing = False
