"""An editor for the 2026 filler phrases (`filler_config`): one row per phrase, with its
kind (positive, negative, question, neutral), as a virtual table (see rows.py).

What the server stored beside those four lists (another key, a value that is not a list,
an entry that is not text) is one locked row each: kept exactly and sent back as it is,
unless the row is deleted. A kind whose phrases are all deleted stays as an empty list.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any

from textual.binding import Binding
from textual.message import Message

from .rows import Column, RowEditor, RowProblems, TableRow

KINDS = ("positive", "negative", "question", "neutral")
_PHRASE, _KIND = 0, 1  # columns
_TEXT = object()  # the `raw` of a row that is a phrase (its text is `text`)


class Phrase(TableRow):
    """One phrase of one kind; `whole`: the row stands for the stored value of its key
    (a key that is not one of KINDS, or not a list); `item`: a stored entry that is not
    text. Both are locked."""

    __slots__ = ("kind", "raw", "text", "whole")

    def __init__(self, kind: str, text: str = "", raw: Any = _TEXT, whole: bool = False) -> None:
        self.kind = kind
        self.text = text
        self.raw = raw  # the stored value of a locked row
        self.whole = whole
        self.new = False

    @property
    def locked(self) -> bool:
        return self.whole or self.raw is not _TEXT


class PhraseEditor(RowEditor):
    """The filler phrases; posts `Changed` with the new object and the rows' problems."""

    ADD_LABEL = "+ Add phrase"
    EMPTY_TEXT = "No phrases."
    COLUMNS = (Column("Phrase", 0, 1, "what the assistant says"), Column("Kind", 12, 0, "", picked=True))
    BUTTONS = (("✕", "delete"),)

    BINDINGS = [
        Binding("ctrl+n", "add_row", "Add phrase", id="rows.add"),
        # ctrl+d would otherwise be the edit line's "delete right" (delete does that too).
        Binding("ctrl+d", "delete_row", "Delete phrase", priority=True, id="rows.delete"),
    ]

    class Changed(Message):
        def __init__(self, editor: PhraseEditor, value: dict[str, Any] | None, problems: list[str]) -> None:
            super().__init__()
            self.editor = editor
            self.value = value
            self.problems = problems

        @property
        def control(self) -> PhraseEditor:
            return self.editor

    def __init__(self, value: Any, id: str | None = None) -> None:  # noqa: A002 - Textual's name
        super().__init__(id=id)
        self._keys: tuple[str, ...] = ()
        self.load(value)

    def load(self, value: Any) -> None:
        """Replace all rows with `value`'s phrases, without posting `Changed`."""
        self._unset = value is None  # nothing stored: no phrases is still nothing
        value = value if isinstance(value, Mapping) else {}
        self._keys = tuple(value)  # the stored keys, in their order
        rows: list[TableRow] = []
        for kind, phrases in value.items():
            if kind not in KINDS or not isinstance(phrases, list):
                rows.append(Phrase(kind, raw=phrases, whole=True))
                continue
            for item in phrases:
                rows.append(Phrase(kind, item) if isinstance(item, str) else Phrase(kind, raw=item))
        self.set_rows(rows)

    def new_row(self) -> Phrase:
        # Of the kind of the row the cursor is on: adding to the list being read.
        rows = self._rows
        current = rows[self.cursor_row] if rows and self.cursor_row < len(rows) else None
        kind = current.kind if isinstance(current, Phrase) and current.kind in KINDS else KINDS[0]
        return Phrase(kind)

    def cell_text(self, row: TableRow, column: int) -> str:
        assert isinstance(row, Phrase)
        if column == _KIND:
            return row.kind
        return json.dumps(row.raw, ensure_ascii=False) if row.locked else row.text

    def cell_is_json(self, row: TableRow, column: int) -> bool:
        return column == _PHRASE and row.locked  # type: ignore[attr-defined]

    def set_cell(self, row: TableRow, column: int, text: str) -> None:
        assert isinstance(row, Phrase)
        if column == _KIND:
            row.kind = text
        else:
            row.text = text

    def choices(self, row: TableRow, column: int) -> list[str] | None:
        return list(KINDS) if column == _KIND else None

    def locked(self, row: TableRow) -> str | None:
        assert isinstance(row, Phrase)
        if not row.locked:
            return None
        return "Kept as the server stored it and sent back as it is; it can only be deleted (ctrl+d)."

    def hint(self, row: TableRow) -> str | None:
        assert isinstance(row, Phrase)
        if row.whole:
            return f"Stored under {row.kind!r}, which is not a list of phrases of one of {', '.join(KINDS)}."
        if row.locked:
            return "Not text: kept as the server stored it."
        return None

    def blank(self, row: TableRow) -> bool:
        return not row.locked and not row.text  # type: ignore[attr-defined]

    def check(self, rows: Sequence[TableRow]) -> tuple[dict[str, Any] | None, list[str], dict[int, RowProblems]]:
        value: dict[str, Any] = {key: None for key in self._keys}  # stored keys keep their places
        present: set[str] = set()
        problems: list[str] = []
        flagged: dict[int, RowProblems] = {}
        for number, row in enumerate(rows, 1):
            assert isinstance(row, Phrase)
            if row.new and self.blank(row):
                continue
            present.add(row.kind)
            if row.whole:
                value[row.kind] = row.raw
                continue
            phrases = value.get(row.kind)
            if not isinstance(phrases, list):
                phrases = value[row.kind] = []
            phrases.append(row.raw if row.locked else row.text)
            if not row.locked and not row.text.strip():
                problems.append(f"Row {number}: the phrase is empty")
                flagged[number - 1] = RowProblems(("the phrase is empty",), frozenset({_PHRASE}))
        for key in self._keys:
            if key not in present:
                if key in KINDS:
                    value[key] = []  # its phrases were deleted: an empty list, as it was stored
                else:
                    del value[key]  # its row was deleted
        return (None if self._unset and not value else value), problems, flagged

    def changed_message(self, value: dict[str, Any] | None, problems: list[str]) -> Message:
        return self.Changed(self, value, problems)
