"""Finding a typed text in a long text's lines, as the prompt editor's find bar does.

Case-insensitive and literal (the text typed is not a pattern). Matches are found line
by line, where the text area keeps its lines, so no whole text is joined for a search.
"""

from __future__ import annotations

import re
from typing import NamedTuple

Location = tuple[int, int]  # (line, column), as Textual's TextArea counts them


class Match(NamedTuple):
    start: Location
    end: Location


def _pattern(needle: str) -> re.Pattern[str]:
    return re.compile(re.escape(needle), re.IGNORECASE)


def find_all(lines: list[str], needle: str) -> list[Match]:
    """Every match of `needle` in `lines`, in order; none for an empty needle."""
    if not needle or "\n" in needle:
        return []
    pattern = _pattern(needle)
    return [Match((row, found.start()), (row, found.end()))
            for row, line in enumerate(lines) for found in pattern.finditer(line)]


def replace_all(text: str, needle: str, replacement: str) -> str:
    """`text` with every match of `needle` (as `find_all` finds them) replaced."""
    if not needle:
        return text
    return _pattern(needle).sub(lambda _found: replacement, text)
