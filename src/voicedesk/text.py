"""Text that a control cannot show as it is, shown with stand-ins and given back exactly.

Textual and Rich pass ESC and C1 characters through to the terminal, so a name holding
"\x1b[2J" would clear the screen; bidi controls reorder what the terminal shows; a
text area splits lines at U+2028 and U+2029 and would give them back as "\n"; a lone
surrogate cannot be written at all. Editable text shows each such character as one
visible stand-in (`reveal_controls`), and `ExactText` keeps the exact text beside what
is shown, edit by edit, so that every character the user did not touch goes back as it
came (a literal "␛" stays "␛", an ESC stays ESC), and every character the user typed or
pasted goes back as typed. Stand-ins are never mapped back by looking at them: a typed
"␛" is the user's text.
"""

from __future__ import annotations

import re
from collections import deque
from dataclasses import dataclass
from typing import NamedTuple

Location = tuple[int, int]  # (line, column), as Textual's documents count them

# Characters no control shows as they are. C0 and DEL as the Unicode control pictures;
# line and paragraph separators as "␤"; C1, bidi controls (Unicode's Bidi_Control set)
# and lone surrogates as the replacement character.
_BEYOND_C0 = "\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069\ud800-\udfff"
UNSHOWABLE = f"\x00-\x1f{_BEYOND_C0}"  # for a regular expression's [...]
_UNSHOWABLE = re.compile(f"[{UNSHOWABLE}]")
_UNSHOWABLE_IN_LINES = re.compile(f"[\x00-\x08\x0b-\x1f{_BEYOND_C0}]")  # line breaks and tabs kept

_STAND_IN = {code: chr(0x2400 + code) for code in range(0x20)}
_STAND_IN[0x7F] = "\u2421"
_STAND_IN.update({code: "\ufffd" for code in (
    *range(0x80, 0xA0), 0x061C, 0x200E, 0x200F, *range(0x202A, 0x202F), *range(0x2066, 0x206A), *range(0xD800, 0xE000)
)})
_STAND_IN.update({0x2028: "\u2424", 0x2029: "\u2424"})
_KEEP_LINES = {code: shown for code, shown in _STAND_IN.items() if code not in (0x0A, 0x09)}


def plain(value: object, width: int | None = None) -> str:
    """A value in a message: as it is when it is printable ASCII, else its repr(); cut
    to `width` characters when given."""
    text = str(value)
    if text.isascii() and text.isprintable() and (width is None or len(text) <= width):
        return text
    return repr(value)[:width]


def reveal_controls(text: str, *, keep: str = "") -> str:
    """`text` with one visible stand-in for each character no control shows as it is
    (but "\\n" and "\\t" when `keep` is "\\n\\t"): same length, same positions."""
    if keep == "\n\t":
        # Nearly every text, and long ones, hold nothing to show otherwise: no copy.
        return text if _UNSHOWABLE_IN_LINES.search(text) is None else text.translate(_KEEP_LINES)
    if _UNSHOWABLE.search(text) is None:
        return text
    return text.translate({code: shown for code, shown in _STAND_IN.items() if chr(code) not in keep})


# Line breaks in text the user inserts into a text area: pasted text carries "\r" (most
# terminals send it for a pasted line break) or "\r\n"; each is one line break.
_TYPED_LINE_BREAK = re.compile("\r\n?")


class Edit(NamedTuple):
    """What one replace did: where the inserted text ends, and what it replaced."""

    end: Location
    replaced_shown: str
    replaced_exact: str


class ExactText:
    """A text as a control shows it and as it exactly is, kept in step through edits.

    `shown` and `exact` are lists of lines (one line for a single-line control). Each
    stand-in takes the place of exactly one character, so both lists have the same
    lines of the same lengths and a location means the same character in both. A text
    area's document shares the `shown` list; `replace` is the one way both change.

    Most texts hold no character that needs a stand-in; then `exact` holds the very
    same strings as `shown` and no text is copied.
    """

    def __init__(self, text: str, *, multiline: bool) -> None:
        self.multiline = multiline
        self._keep = "\n\t" if multiline else ""
        shown = reveal_controls(text, keep=self._keep)
        if multiline:
            self.shown = shown.split("\n")
            self.exact = self.shown.copy() if shown is text else text.split("\n")
        else:
            self.shown, self.exact = [shown], [text]
        self.length = len(text)  # of the exact text (as of the shown one: one stand-in a character)

    @property
    def text(self) -> str:
        """The exact text."""
        return "\n".join(self.exact)

    @property
    def shown_text(self) -> str:
        return "\n".join(self.shown)

    def replace(self, start: Location, end: Location, text: str, *, typed: bool = True) -> Edit:
        """Replace the range between two locations with `text`, as Textual's
        `Document.replace_range` does with its lines.

        `text` goes in exactly as given, shown with stand-ins. Typed or pasted text
        (`typed`) has its "\\r" and "\\r\\n" line breaks made "\\n" in a text area, as
        Textual does; text put back by an undo (`typed=False`) is exact already.
        """
        if typed and self.multiline:
            text = _TYPED_LINE_BREAK.sub("\n", text)
        shown_text = reveal_controls(text, keep=self._keep)
        top, bottom = sorted((start, end))
        replaced_shown = _text_range(self.shown, top, bottom)
        replaced_exact = _text_range(self.exact, top, bottom)
        if self.multiline:
            inserted_shown, inserted_exact = shown_text.split("\n"), text.split("\n")
        else:
            inserted_shown, inserted_exact = [shown_text], [text]
        end_location = _splice(self.shown, top, bottom, inserted_shown)
        _splice(self.exact, top, bottom, inserted_exact)
        self.length += len(text) - len(replaced_exact)
        return Edit(end_location, replaced_shown, replaced_exact)


def _text_range(lines: list[str], top: Location, bottom: Location) -> str:
    """Textual's `Document.get_text_range` on one list of lines."""
    (top_row, top_column), (bottom_row, bottom_column) = top, bottom
    if top == bottom or top_row >= len(lines):
        return ""
    if top_row == bottom_row:
        return lines[top_row][top_column:bottom_column]
    parts = [lines[top_row][top_column:], *lines[top_row + 1 : bottom_row]]
    if bottom_row < len(lines):
        parts.append(lines[bottom_row][:bottom_column])
    return "\n".join(parts)


def _splice(lines: list[str], top: Location, bottom: Location, inserted: list[str]) -> Location:
    """Textual's `Document.replace_range` on one list of lines; where the insertion ends."""
    (top_row, top_column), (bottom_row, bottom_column) = top, bottom
    after = lines[bottom_row][bottom_column:] if bottom_row < len(lines) else ""
    before = lines[top_row][:top_column] if top_row < len(lines) else ""
    inserted = [before + inserted[0], *inserted[1:]]
    end_column = len(inserted[-1])
    inserted[-1] += after
    lines[top_row : bottom_row + 1] = inserted
    return (top_row + len(inserted) - 1, end_column)


@dataclass
class Step:
    """One undoable change of a single-line text: at `start`, `removed` was replaced by
    `inserted` (both exact); `cursor` is where the cursor was before it."""

    start: int
    removed: str
    inserted: str
    cursor: tuple[int, int]


class Undo:
    """The undo and redo stacks of a single-line text control.

    Typed characters of one word coalesce into one step (a word ends where a space is
    followed by something else), and so do runs of backspace or delete.
    """

    def __init__(self, limit: int = 100) -> None:
        self._done: deque[Step] = deque(maxlen=limit)
        self._undone: list[Step] = []

    def clear(self) -> None:
        self._done.clear()
        self._undone.clear()

    def record(self, step: Step) -> None:
        self._undone.clear()
        last = self._done[-1] if self._done else None
        if last is not None and _coalesces(last, step):
            if step.inserted:
                last.inserted += step.inserted
            elif step.start < last.start:  # backspace: the removed text grows to the left
                last.start, last.removed = step.start, step.removed + last.removed
            else:  # delete: to the right
                last.removed += step.removed
            return
        self._done.append(step)

    def undo(self) -> Step | None:
        """The step to take back (replace `inserted` at `start` with `removed`)."""
        if not self._done:
            return None
        step = self._done.pop()
        self._undone.append(step)
        return step

    def redo(self) -> Step | None:
        """The step to make again (replace `removed` at `start` with `inserted`)."""
        if not self._undone:
            return None
        step = self._undone.pop()
        self._done.append(step)
        return step


def _coalesces(last: Step, step: Step) -> bool:
    if len(step.inserted) == 1 and not step.removed and not last.removed and last.inserted:
        follows = step.start == last.start + len(last.inserted)
        new_word = last.inserted[-1].isspace() and not step.inserted.isspace()
        return follows and not new_word
    if len(step.removed) == 1 and not step.inserted and not last.inserted and last.removed:
        return step.start + 1 == last.start or step.start == last.start  # backspace or delete
    return False
