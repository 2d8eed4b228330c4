"""Line diffs of long texts that stay fast and minimal, for the review (and the CLI).

difflib's `unified_diff` takes 20 s on a 5 MB prompt of repeated lines and, with its
"autojunk" heuristic, shows the whole prompt removed and added again. Here the common
head and tail are cut off first (one pass), and what is left is compared with Myers'
algorithm, which finds the fewest lines removed and added and costs little when they are
few, however long the text. Past a budget of work (texts that differ almost everywhere),
the part left is shown removed and added, and says so. What is shown is bounded too:
lines are cut to a width around where they differ, and the hunks to a number of lines.

Inside a changed line, the words that changed are marked: a removed line is paired with
the added line in its place when most of it stays (`DiffLine.marks`), compared word by
word with the same algorithm, after cutting their common head and tail (so a one-word
change in a megabyte line costs one pass), within a budget of its own.

Plain Python and plain strings: the caller makes them safe to show (`display.safe_text`).
Texts longer than `LARGE` characters are worth comparing off an event loop.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

LARGE = 200_000  # characters (both sides together)
CONTEXT = 2  # unchanged lines shown around a change
MAX_LINES = 400  # lines of diff shown in all
MAX_WIDTH = 300  # characters shown of one line
_BUDGET = 1_000_000  # steps of the comparison before it gives up on being minimal
_WORD_BUDGET = 300_000  # the same, for the words of the changed lines of one diff, together
_WORD_LIMIT = 20_000  # characters of a line's changed middle compared word by word, at most
_LONGEST_WORD = 64  # characters a mark extends to take a changed word whole
SIMILAR = 0.5  # the share of two lines' characters that must stay for them to be paired
WORD_CONTEXT = 40  # unchanged characters shown on each side of a changed word
# A word, a run of spaces, or one other character: what a change is marked in.
_TOKEN = re.compile(r"\w+|\s+|[^\w\s]")


@dataclass(frozen=True)
class DiffLine:
    """One line to show: `kind` is " " (unchanged), "-", "+", "@" (where a hunk
    starts, e.g. "@@ -12,3 +12,4 @@") or "…" (a note: lines left out, or a coarse part)."""

    kind: str
    text: str
    # The changed runs of `text` (start, end), on a "-" or "+" line paired with its
    # counterpart (empty: nothing of it changed, the other line only adds); None when
    # the whole line is the change.
    marks: tuple[tuple[int, int], ...] | None = None

    def parts(self) -> list[tuple[str, bool]]:
        """The text as runs, each with whether it is marked as changed (for showing:
        apply `safe_text` to each run, so the marks stay where they are)."""
        parts: list[tuple[str, bool]] = []
        position = 0
        for start, end in self.marks or ():
            if start > position:
                parts.append((self.text[position:start], False))
            parts.append((self.text[start:end], True))
            position = end
        if position < len(self.text) or not parts:
            parts.append((self.text[position:], False))
        return parts


def diff_lines(
    before: str, after: str, *, context: int = CONTEXT, max_lines: int = MAX_LINES, max_width: int = MAX_WIDTH
) -> list[DiffLine]:
    """The changes from `before` to `after` as hunks of lines; empty when they are equal."""
    if before == after:
        return []
    # Lines end at "\n" only: splitlines() would also split at \r, U+2028 and more, and
    # a text that differs only there would show no change.
    a, b = before.split("\n"), after.split("\n")
    head = _common_head(a, b)
    tail = _common_tail(a, b, head)
    middle_a, middle_b = a[head:len(a) - tail], b[head:len(b) - tail]
    found = _myers(middle_a, middle_b)
    coarse = found is None
    operations: list[Operation] = found if found is not None else (
        [("-", i, None) for i in range(len(middle_a))] + [("+", None, j) for j in range(len(middle_b))])
    # Back to whole-text line numbers, with the cut head and tail as unchanged lines.
    script: list[Operation] = [("=", i, i) for i in range(max(0, head - context), head)]
    script += [(kind, None if i is None else i + head, None if j is None else j + head)
               for kind, i, j in operations]
    script += [("=", len(a) - tail + n, len(b) - tail + n) for n in range(min(tail, context))]
    entries = _hunks(script, context)
    if coarse:
        entries.insert(0, ("…", "(these texts differ almost everywhere: shown removed and added whole)", None))
    left_out = len(entries) - max_lines
    if left_out > 0:
        entries = entries[:max_lines] + [("…", f"({left_out:,} more lines of changes not shown)", None)]
    return _shown(entries, a, b, max_width)


def _common_head(a: list[str], b: list[str]) -> int:
    limit = min(len(a), len(b))
    # Whole slices compare in C; halve the step on a mismatch (a binary search).
    low, high = 0, limit
    while low < high:
        mid = (low + high + 1) // 2
        if a[:mid] == b[:mid]:
            low = mid
        else:
            high = mid - 1
    return low


def _common_tail(a: list[str], b: list[str], head: int) -> int:
    limit = min(len(a), len(b)) - head
    low, high = 0, limit
    while low < high:
        mid = (low + high + 1) // 2
        if a[len(a) - mid:] == b[len(b) - mid:]:
            low = mid
        else:
            high = mid - 1
    return low


Operation = tuple[str, "int | None", "int | None"]  # "=", "-" or "+"; line in a; line in b


class Budget:
    """Steps of comparison left (shared by the word diffs of one text's lines)."""

    def __init__(self, steps: int) -> None:
        self.left = steps


def _myers(a: Sequence[str], b: Sequence[str], budget: Budget | None = None) -> list[Operation] | None:
    """The shortest edit script from a to b (Myers, 1986), or None past the budget
    (which is charged with the steps taken)."""
    n, m = len(a), len(b)
    if not n or not m:
        return [("-", i, None) for i in range(n)] + [("+", None, j) for j in range(m)]
    offset = n + m + 1
    v = [0] * (2 * offset + 1)
    trace: list[list[int]] = []
    steps = 0
    limit = _BUDGET if budget is None else budget.left
    for d in range(n + m + 1):
        trace.append(v[offset - d - 1:offset + d + 2])
        for k in range(-d, d + 1, 2):
            if k == -d or (k != d and v[offset + k - 1] < v[offset + k + 1]):
                x = v[offset + k + 1]
            else:
                x = v[offset + k - 1] + 1
            y = x - k
            start = x
            while x < n and y < m and a[x] == b[y]:
                x += 1
                y += 1
            steps += x - start + 1
            v[offset + k] = x
            if x >= n and y >= m:
                if budget is not None:
                    budget.left -= steps
                return _backtrack(trace, a, b)
        if steps > limit:
            if budget is not None:
                budget.left = 0
            return None
    raise AssertionError("unreachable: d = n + m always reaches the end")


def _backtrack(trace: list[list[int]], a: Sequence[str], b: Sequence[str]) -> list[Operation]:
    x, y = len(a), len(b)
    operations: list[Operation] = []
    for d in range(len(trace) - 1, 0, -1):
        saved = trace[d]  # v after step d - 1, for k from -d - 1 to d + 1

        def v(k: int, saved: list[int] = saved, d: int = d) -> int:
            return saved[k + d + 1]

        k = x - y
        previous_k = k + 1 if k == -d or (k != d and v(k - 1) < v(k + 1)) else k - 1
        previous_x = v(previous_k)
        previous_y = previous_x - previous_k
        while x > previous_x and y > previous_y:
            x, y = x - 1, y - 1
            operations.append(("=", x, y))
        if x == previous_x:
            operations.append(("+", None, previous_y))
        else:
            operations.append(("-", previous_x, None))
        x, y = previous_x, previous_y
    while x > 0 and y > 0:
        x, y = x - 1, y - 1
        operations.append(("=", x, y))
    operations.reverse()
    return operations


# What `_hunks` lays out: ("@", header, None) or ("…", note, None), or a line of the
# script: (kind, line in a, line in b). Texts are taken and cut only for what is shown.
Entry = tuple[str, "int | str | None", "int | None"]


def _hunks(script: list[Operation], context: int) -> list[Entry]:
    """Unified-diff hunks: each change with `context` unchanged lines around it."""
    changed = [index for index, (kind, _, _) in enumerate(script) if kind != "="]
    # Group changes whose context would touch, then take each group with its context.
    groups: list[tuple[int, int]] = []
    for index in changed:
        if groups and index - groups[-1][1] <= 2 * context + 1:
            groups[-1] = (groups[-1][0], index)
        else:
            groups.append((index, index))
    entries: list[Entry] = []
    for first, last in groups:
        part = script[max(0, first - context):last + context + 1]
        start_a = next((i for _, i, _ in part if i is not None), None)
        start_b = next((j for _, _, j in part if j is not None), None)
        count_a = sum(1 for _, i, _ in part if i is not None)
        count_b = sum(1 for _, _, j in part if j is not None)
        entries.append(("@", f"@@ -{_range(start_a, count_a)} +{_range(start_b, count_b)} @@", None))
        entries += [(kind, i if kind != "+" else None, j) for kind, i, j in part]
    return entries


def _shown(entries: list[Entry], a: list[str], b: list[str], max_width: int) -> list[DiffLine]:
    """The lines to show: each block of removed lines followed by added ones has its
    lines paired in order, and a pair similar enough marks its changed words; long lines
    are cut around their first difference."""
    lines: list[DiffLine] = []
    budget = Budget(_WORD_BUDGET)
    index = 0
    while index < len(entries):
        kind, i, j = entries[index]
        if kind in "@…":
            lines.append(DiffLine(kind, str(i)))
            index += 1
            continue
        if kind == "=":
            lines.append(DiffLine(" ", _cut(a[i], 0, max_width)[0]))  # type: ignore[index]
            index += 1
            continue
        end = index
        while end < len(entries) and entries[end][0] in "-+":
            end += 1
        block = entries[index:end]
        removed = [a[i] for kind, i, _ in block if kind == "-"]  # type: ignore[index]
        added = [b[j] for kind, _, j in block if kind == "+"]  # type: ignore[index]
        runs: dict[tuple[str, int], list[tuple[int, int]]] = {}
        for n, (old, new) in enumerate(zip(removed, added, strict=False)):
            found = changed_runs(old, new, budget)
            if found is not None:
                runs["-", n], runs["+", n] = found
        counts = {"-": 0, "+": 0}
        for kind, _, _ in block:
            n = counts[kind]
            counts[kind] += 1
            text = removed[n] if kind == "-" else added[n]
            marks = runs.get((kind, n))
            if marks is None:
                # Unpaired: cut around where it differs from its neighbour of the other kind.
                other = (added if kind == "-" else removed)
                focus = _first_difference(text, other[n]) if n < len(other) else 0
                lines.append(DiffLine(kind, _cut(text, focus, max_width)[0]))
                continue
            lines.append(_condensed(kind, text, marks, max_width))
        index = end
    return lines


def changed_runs(old: str, new: str, budget: Budget | None = None
                 ) -> tuple[list[tuple[int, int]], list[tuple[int, int]]] | None:
    """The runs of characters that changed from line `old` to line `new`, word by word
    (start, end in each), or None when the lines are too different to pair (less than
    `SIMILAR` of their characters stay) or too long to compare (`budget`: the steps
    left for the lines of one diff)."""
    if old == new:
        return [], []
    if budget is not None and budget.left <= 0:
        return None
    # Back to where the word that differs starts and forward to where it ends, in both
    # (a "word" of thousands of letters is marked where it differs).
    head = _word_edge(old, new, _first_difference(old, new), lambda x, n: x[n - 1:n + 1])
    limit = min(len(old), len(new)) - head
    tail = _word_edge(old, new, _common_end(old, new, limit), lambda x, n: x[len(x) - n - 1:len(x) - n + 1])
    middle_old, middle_new = old[head:len(old) - tail], new[head:len(new) - tail]
    if len(middle_old) > _WORD_LIMIT or len(middle_new) > _WORD_LIMIT:
        return None
    tokens_old, tokens_new = _TOKEN.findall(middle_old), _TOKEN.findall(middle_new)
    operations = _myers(tokens_old, tokens_new, budget or Budget(_WORD_BUDGET))
    if operations is None:
        return None
    marks_old, marks_new = _runs(operations, tokens_old, tokens_new, head)
    changed = sum(end - start for start, end in marks_old + marks_new)
    if changed > (1 - SIMILAR) * (len(old) + len(new)):
        return None
    return marks_old, marks_new


def _word_edge(old: str, new: str, common: int, around: Callable[[str, int], str]) -> int:
    """`common` characters shared at one end, fewer if a word goes on past them (the
    characters `around` the edge make one token in both lines)."""
    for back in range(min(common, _LONGEST_WORD) + 1):
        n = common - back
        if not n or not (_TOKEN.fullmatch(around(old, n)) and _TOKEN.fullmatch(around(new, n))):
            return n
    return common


def _runs(operations: list[Operation], old: list[str], new: list[str], offset: int
          ) -> tuple[list[tuple[int, int]], list[tuple[int, int]]]:
    """The character runs of the changed tokens in each line, and an empty run where
    the other line has one and this has none (the place of an insertion, which a
    condensed line shows). Changes apart by only spaces or one punctuation mark are one
    run, in both lines ("[-8:00-]", not "[-8-]:[-00-]"), as git's word diff shows them."""
    joined: list[Operation] = []
    for index, (kind, i, j) in enumerate(operations):
        if (kind == "=" and 0 < index < len(operations) - 1 and _joins(old[i])  # type: ignore[index]
                and operations[index - 1][0] != "=" and operations[index + 1][0] != "="):
            joined += [("-", i, None), ("+", None, j)]
        else:
            joined.append((kind, i, j))
    runs: tuple[list[tuple[int, int]], list[tuple[int, int]]] = ([], [])
    at = [offset, offset]  # where the next token starts, in old and in new
    for kind, i, j in joined:
        if kind == "=":
            at[0] += len(old[i])  # type: ignore[index]
            at[1] += len(new[j])  # type: ignore[index]
            continue
        side = 0 if kind == "-" else 1
        start = at[side]
        at[side] += len(old[i] if i is not None else new[j])  # type: ignore[index]
        mine = runs[side]
        if mine and mine[-1][1] == start:
            mine[-1] = (mine[-1][0], at[side])
        else:
            mine.append((start, at[side]))
        other = runs[1 - side]
        if not other or other[-1][1] != at[1 - side]:
            other.append((at[1 - side], at[1 - side]))
    return runs


def _joins(token: str) -> bool:
    return token.isspace() or (len(token) == 1 and not token.isalnum())


def _condensed(kind: str, text: str, marks: list[tuple[int, int]], max_width: int) -> DiffLine:
    """A paired line: its changed runs with `WORD_CONTEXT` characters around each, the
    unchanged stretches between them left out ("…"), so a paragraph with one word
    changed shows that word in its sentence, not the paragraph twice; a run longer than
    `max_width` is cut, saying how much."""
    pieces: list[tuple[str, bool]] = []
    position = 0
    for start, end in marks:
        pieces.append((text[position:start], False))
        pieces.append((text[start:end], True))
        position = end
    pieces.append((text[position:], False))
    shown, shown_marks = "", []
    last = len(pieces) - 1
    for index, (piece, changed) in enumerate(pieces):
        if changed:
            piece = _cut(piece, 0, max_width)[0]
            if piece:  # an empty run is where the other line has a change: not marked
                shown_marks.append((len(shown), len(shown) + len(piece)))
        elif index == 0 and len(piece) > WORD_CONTEXT:
            piece = _leading(piece[-WORD_CONTEXT:])
        elif index == last and len(piece) > WORD_CONTEXT:
            piece = _trailing(piece[:WORD_CONTEXT]) + "…"
        elif 0 < index < last and len(piece) > 2 * WORD_CONTEXT + 1:
            piece = _trailing(piece[:WORD_CONTEXT]) + _leading(piece[-WORD_CONTEXT:])
        shown += piece
    return DiffLine(kind, shown, tuple(shown_marks))


def _range(start: int | None, count: int) -> str:
    if count == 0:
        return "0,0"
    return f"{start + 1}" if count == 1 else f"{start + 1},{count}"  # type: ignore[operator]


def _first_difference(x: str, y: str) -> int:
    limit = min(len(x), len(y))
    low, high = 0, limit
    while low < high:
        mid = (low + high + 1) // 2
        if x[:mid] == y[:mid]:
            low = mid
        else:
            high = mid - 1
    return low


def _leading(context: str) -> str:
    """Context before a change, after "…": from a word's start where one starts in its
    first half (then with a space between, as words are)."""
    space = context.find(" ", 0, len(context) // 2)
    return f"… {context[space + 1:]}" if space >= 0 else f"…{context}"


def _trailing(context: str) -> str:
    """Context after a change, to a word's end where one ends in its second half."""
    space = context.rfind(" ", len(context) // 2)
    return context[:space + 1] if space >= 0 else context


def _common_end(x: str, y: str, limit: int) -> int:
    """How many characters x and y end with in common, at most `limit`."""
    low, high = 0, limit
    while low < high:
        mid = (low + high + 1) // 2
        if x[len(x) - mid:] == y[len(y) - mid:]:
            low = mid
        else:
            high = mid - 1
    return low


def _cut(text: str, focus: int, width: int) -> tuple[str, int, int]:
    """At most `width` characters of a line, around `focus`, saying what was left out;
    with where the part shown starts in `text` and in the result."""
    if len(text) <= width:
        return text, 0, 0
    start = max(0, min(focus - width // 3, len(text) - width))
    shown = text[start:start + width]
    before = f"…({start:,} chars) " if start else ""
    after = f" …({len(text) - start - width:,} chars)" if start + width < len(text) else ""
    return before + shown + after, start, len(before)
