"""Changed words inside changed lines: exact (what is not marked is what both lines
keep), paired only when similar, condensed around the change, and bounded."""

from __future__ import annotations

import time

from hypothesis import given, settings
from hypothesis import strategies as st

from voicedesk.display import plain_diff_line
from voicedesk.textdiff import MAX_WIDTH, WORD_CONTEXT, DiffLine, changed_runs, diff_lines

WORDS = st.lists(st.sampled_from(["a", "b", "ab", " ", "  ", ",", "ü", "\t", "x y"]), max_size=12).map("".join)
cases = 0


def unmarked(text: str, runs: list[tuple[int, int]]) -> str:
    kept, position = [], 0
    for start, end in runs:
        assert position <= start <= end <= len(text), (runs, text)
        kept.append(text[position:start])
        position = end
    return "".join(kept) + text[position:]


@settings(max_examples=500)
@given(WORDS, WORDS)
def test_what_is_not_marked_is_what_both_lines_keep(old: str, new: str) -> None:
    global cases
    cases += 1
    found = changed_runs(old, new)
    if found is None:
        return
    runs_old, runs_new = found
    assert unmarked(old, runs_old) == unmarked(new, runs_new)
    if old != new:
        assert any(end > start for start, end in runs_old + runs_new), "a difference must be marked"


def test_cases_were_tried() -> None:
    print(f"word diff: {cases} cases")


def marked(line: DiffLine) -> list[str]:
    return [text for text, changed in line.parts() if changed]


def test_a_changed_word_is_marked_in_both_lines_and_the_rest_is_not() -> None:
    shown = diff_lines("Answer briefly in German.\nBe kind.", "Answer briefly in English.\nBe kind.")
    removed, added = (line for line in shown if line.kind in "-+")
    assert marked(removed) == ["German"] and marked(added) == ["English"]
    assert plain_diff_line(removed) == "-Answer briefly in [-German-]."
    assert plain_diff_line(added) == "+Answer briefly in {+English+}."


def test_words_apart_by_a_space_are_one_run_as_in_git() -> None:
    old, new = "I said hello world today", "I said good day today"
    found = changed_runs(old, new)
    assert found is not None
    assert [old[start:end] for start, end in found[0]] == ["hello world"]
    assert [new[start:end] for start, end in found[1]] == ["good day"]


def test_lines_too_different_are_not_paired() -> None:
    assert changed_runs("Always answer politely.", "Never hang up first!") is None
    shown = diff_lines("Always answer politely.", "Never hang up first!")
    assert [line.marks for line in shown if line.kind in "-+"] == [None, None]


def test_a_paragraph_with_one_word_changed_shows_that_word_in_its_sentence() -> None:
    paragraph = ("You are the receptionist of the Krüger practice in Berlin. You answer calls politely, in "
                 "German, and you keep every answer short. When a caller asks for an appointment, offer the "
                 "next free slot and confirm it by repeating the date and time. Never give medical advice.")
    changed = paragraph.replace("next free slot", "next two free slots")
    removed, added = (line for line in diff_lines(paragraph, changed) if line.kind in "-+")
    # Not the paragraph twice: the change with its context, the rest left out.
    assert len(added.text) < 2 * WORD_CONTEXT + 40 and added.text.startswith("…") and added.text.endswith("…")
    assert marked(added) == ["two ", "slots"] and marked(removed) == ["slot"]
    assert "free slot" in removed.text and len(removed.text) < 2 * WORD_CONTEXT + 40
    # An insertion only: the removed line has no mark but the same context.
    inserted = diff_lines("a b c d", "a b X c d")
    assert [line.parts() for line in inserted if line.kind in "-+"] == [
        [("a b c d", False)], [("a b ", False), ("X ", True), ("c d", False)]]


def test_a_megabyte_line_marks_its_one_change_quickly() -> None:
    line = "word " * 200_000
    other = line[:600_000] + "WORD" + line[600_004:]
    started = time.perf_counter()
    shown = diff_lines(line, other)
    took = time.perf_counter() - started
    removed, added = (line for line in shown if line.kind in "-+")
    assert marked(removed) == ["word"] and marked(added) == ["WORD"]
    assert len(added.text) <= 2 * WORD_CONTEXT + 10
    print(f"1 MB line, one word changed: {took * 1000:.0f} ms")


def test_many_long_changed_lines_stay_bounded() -> None:
    # Every line changed in many places: the word comparisons share one budget, and what
    # is past it is shown as whole (cut) lines.
    before = "\n".join(" ".join(f"w{n}x{k}" for k in range(2_000)) for n in range(60))
    after = "\n".join(" ".join(f"w{n}x{k}" if k % 3 else f"W{k}" for k in range(2_000)) for n in range(60))
    started = time.perf_counter()
    shown = diff_lines(before, after)
    took = time.perf_counter() - started
    assert all(len(line.text) < 4 * MAX_WIDTH for line in shown)
    assert sum(line.kind in "-+" for line in shown) == 120
    print(f"60 long lines changed everywhere: {took * 1000:.0f} ms, "
          f"{sum(line.marks is not None for line in shown)} lines marked")


def test_marks_survive_safe_text() -> None:
    # A control character inside a run becomes a symbol; the marks stay around the words.
    removed, added = (line for line in diff_lines("say \x1bhi now", "say \x1bho now") if line.kind in "-+")
    assert plain_diff_line(added) == "+say ␛{+ho+} now"
