"""The long-text diff: exact, minimal, bounded, and fast on megabytes."""

from __future__ import annotations

import difflib
import time

from hypothesis import given, settings
from hypothesis import strategies as st

from voicedesk.textdiff import MAX_LINES, MAX_WIDTH, diff_lines

LINES = st.lists(st.sampled_from(["a", "b", "c", "", "a\r", "a\u2028"]), max_size=14)
cases = 0


def apply_shown(before: list[str], shown) -> list[str]:
    """Rebuild the after text from the before text and the hunks (all shown in full)."""
    after, position = [], 0
    for line in shown:
        if line.kind == "@":
            start = int(line.text.split()[1][1:].split(",")[0])
            start = start - 1 if start else 0
            after += before[position:start]
            position = start
        elif line.kind == " ":
            assert before[position] == line.text
            after.append(line.text)
            position += 1
        elif line.kind == "-":
            assert before[position] == line.text
            position += 1
        elif line.kind == "+":
            after.append(line.text)
    return after + before[position:]


@settings(max_examples=400)
@given(LINES, LINES)
def test_the_hunks_turn_before_into_after_with_the_fewest_lines_changed(a, b) -> None:
    global cases
    cases += 1
    before, after = "\n".join(a), "\n".join(b)
    shown = diff_lines(before, after, max_lines=10_000)
    if before == after:
        assert shown == []
        return
    assert shown, "a difference must show"
    assert apply_shown(before.split("\n"), shown) == after.split("\n")
    changed = sum(line.kind in "+-" for line in shown)
    matcher = difflib.SequenceMatcher(None, before.split("\n"), after.split("\n"), autojunk=False)
    at_most = sum(i2 - i1 + j2 - j1 for tag, i1, i2, j1, j2 in matcher.get_opcodes() if tag != "equal")
    assert changed <= at_most


def test_cases_were_tried() -> None:
    print(f"diff: {cases} cases")


def test_a_5_mb_prompt_of_repeated_lines_shows_only_the_changed_line_quickly() -> None:
    prompt = "\n".join(["Always answer politely and briefly."] * 140_000)  # 5 MB
    lines = prompt.split("\n")
    lines[70_000] = "Always answer politely, briefly and in German."
    started = time.perf_counter()
    shown = diff_lines(prompt, "\n".join(lines))
    took = time.perf_counter() - started
    assert [line.kind for line in shown] == ["@", " ", " ", "-", "+", " ", " "]
    assert shown[0].text == "@@ -69999,5 +69999,5 @@"
    assert shown[4].text == "Always answer politely, briefly and in German."
    print(f"5 MB prompt, one line changed: {took * 1000:.0f} ms")


def test_what_is_shown_is_bounded() -> None:
    before = "\n".join(f"line {n}" for n in range(50_000))
    after = "\n".join(f"other {n}" for n in range(50_000))
    shown = diff_lines(before, after)
    assert len(shown) == MAX_LINES + 1 and "more lines" in shown[-1].text
    assert "differ almost everywhere" in shown[0].text
    one = "x" * 1_000_000
    shown = diff_lines(one, one[:600_000] + "Y" + one[600_001:])
    assert all(len(line.text) < MAX_WIDTH + 40 for line in shown)
    assert "Y" in shown[-1].text  # the window is around the difference


def test_a_difference_only_in_line_separators_shows() -> None:
    shown = diff_lines("a\u2028b", "a\nb")
    assert [line.kind for line in shown] == ["@", "-", "+", "+"]
