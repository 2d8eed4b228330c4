"""Line diffs of long texts that stay fast and minimal, for the review (and the CLI).

difflib's `unified_diff` takes 20 s on a 5 MB prompt of repeated lines and, with its
"autojunk" heuristic, shows the whole prompt removed and added again. Here the common
head and tail are cut off first (one pass), and what is left is compared with Myers'
algorithm, which finds the fewest lines removed and added and costs little when they are
few, however long the text. Past a budget of work (texts that differ almost everywhere),
the part left is shown removed and added, and says so. What is shown is bounded too:
lines are cut to a width around where they differ, and the hunks to a number of lines.

Plain Python and plain strings: the caller makes them safe to show (`display.safe_text`).
Texts longer than `LARGE` characters are worth comparing off an event loop.
"""

from __future__ import annotations

from dataclasses import dataclass

LARGE = 200_000  # characters (both sides together)
CONTEXT = 2  # unchanged lines shown around a change
MAX_LINES = 400  # lines of diff shown in all
MAX_WIDTH = 300  # characters shown of one line
_BUDGET = 1_000_000  # steps of the comparison before it gives up on being minimal


@dataclass(frozen=True)
class DiffLine:
    """One line to show: `kind` is " " (unchanged), "-", "+", "@" (where a hunk
    starts, e.g. "@@ -12,3 +12,4 @@") or "…" (a note: lines left out, or a coarse part)."""

    kind: str
    text: str


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
    lines = _hunks(script, a, b, context, max_width)
    if coarse:
        lines.insert(0, DiffLine("…", "(these texts differ almost everywhere: shown removed and added whole)"))
    if len(lines) > max_lines:
        left_out = len(lines) - max_lines
        lines = lines[:max_lines] + [DiffLine("…", f"({left_out:,} more lines of changes not shown)")]
    return lines


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


def _myers(a: list[str], b: list[str]) -> list[Operation] | None:
    """The shortest edit script from a to b (Myers, 1986), or None past the budget."""
    n, m = len(a), len(b)
    if not n or not m:
        return [("-", i, None) for i in range(n)] + [("+", None, j) for j in range(m)]
    offset = n + m + 1
    v = [0] * (2 * offset + 1)
    trace: list[list[int]] = []
    steps = 0
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
                return _backtrack(trace, a, b)
        if steps > _BUDGET:
            return None
    raise AssertionError("unreachable: d = n + m always reaches the end")


def _backtrack(trace: list[list[int]], a: list[str], b: list[str]) -> list[Operation]:
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


def _hunks(script: list[Operation], a: list[str], b: list[str], context: int, max_width: int) -> list[DiffLine]:
    """Unified-diff hunks: each change with `context` unchanged lines around it."""
    changed = [index for index, (kind, _, _) in enumerate(script) if kind != "="]
    # Group changes whose context would touch, then take each group with its context.
    groups: list[tuple[int, int]] = []
    for index in changed:
        if groups and index - groups[-1][1] <= 2 * context + 1:
            groups[-1] = (groups[-1][0], index)
        else:
            groups.append((index, index))
    lines: list[DiffLine] = []
    for first, last in groups:
        part = script[max(0, first - context):last + context + 1]
        start_a = next((i for _, i, _ in part if i is not None), None)
        start_b = next((j for _, _, j in part if j is not None), None)
        count_a = sum(1 for _, i, _ in part if i is not None)
        count_b = sum(1 for _, _, j in part if j is not None)
        lines.append(DiffLine("@", f"@@ -{_range(start_a, count_a)} +{_range(start_b, count_b)} @@"))
        removed = [i for kind, i, _ in part if kind == "-" and i is not None]
        added = [j for kind, _, j in part if kind == "+" and j is not None]
        # One line changed into one: show both around where they differ.
        focus = _first_difference(a[removed[0]], b[added[0]]) if len(removed) == len(added) == 1 else 0
        for kind, i, j in part:
            text = b[j] if kind == "+" else a[i]  # type: ignore[index]
            lines.append(DiffLine(" " if kind == "=" else kind, _cut(text, focus if kind != "=" else 0, max_width)))
    return lines


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


def _cut(text: str, focus: int, width: int) -> str:
    """At most `width` characters of a line, around `focus`, saying what was left out."""
    if len(text) <= width:
        return text
    start = max(0, min(focus - width // 3, len(text) - width))
    shown = text[start:start + width]
    before = f"…({start:,} chars) " if start else ""
    after = f" …({len(text) - start - width:,} chars)" if start + width < len(text) else ""
    return before + shown + after
