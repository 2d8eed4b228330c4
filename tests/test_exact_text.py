"""Text goes back exactly as it came: for any string and any edit the user makes, the
value handed on is that string with that edit applied, whatever characters it holds
(controls, the stand-ins themselves, private use, bidi controls, line separators, lone
surrogates). The provenance logic (voicedesk.text) is tried on many cases, the real
widgets (ExactInput, ExactTextArea, LargeTextArea) and the editor on a sample."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from textual import events
from textual.app import App, ComposeResult
from textual.widgets.text_area import Selection

from tui_helpers import make_app, open_editor, puts, review_text, wait_until
from voicedesk.display import safe_text
from voicedesk.sandbox import Sandbox
from voicedesk.text import UNSHOWABLE, ExactText, Step, Undo, reveal_controls
from voicedesk.tui.screens.prompt import PromptEditorScreen
from voicedesk.tui.screens.review import ReviewScreen
from voicedesk.tui.widgets import ExactInput, ExactTextArea, LargeTextArea

# Characters that were altered before, or that a control cannot show, and plain ones.
SPECIAL = [
    "\x1b", "\x00", "\x07", "\x7f", "\x9b", "\x85", "\r", "\r\n", "\n", "\t", "\x0b", "\x1c",
    "\u2028", "\u2029", "\u202e", "\u2066", "\u200f", "\u061c", "\ud800", "\udfff",
    "\u241b", "\u2424", "\u2400", "\u2421", "\ufffd", "\ue09b", "\ue080", "\u23ce",
    "a", " ", "é", "字", "🎧", "[b]",
]
texts = st.lists(st.one_of(st.characters(), st.sampled_from(SPECIAL)), max_size=30).map("".join)
_UNSHOWN = re.compile(f"[{UNSHOWABLE}]")
_TYPED_BREAK = re.compile("\r\n?")


def location(text: str, offset: int, multiline: bool) -> tuple[int, int]:
    if not multiline:
        return (0, offset)
    return (text.count("\n", 0, offset), offset - text.rfind("\n", 0, offset) - 1)


def typed(text: str, multiline: bool) -> str:
    """What a text area makes of typed or pasted text: its line breaks are line breaks."""
    return _TYPED_BREAK.sub("\n", text) if multiline else text


def check_shown(content: ExactText) -> None:
    """What the control shows stands for the exact text one character for one, and holds
    nothing a terminal would act on."""
    assert len(content.shown) == len(content.exact)
    for shown, exact in zip(content.shown, content.exact, strict=True):
        assert len(shown) == len(exact)
        assert not _UNSHOWN.search(shown.replace("\t", "") if content.multiline else shown)


def test_any_edit_of_any_text_gives_back_exactly_that_edit() -> None:
    cases = 0

    @settings(max_examples=1500)
    @given(texts, st.lists(st.tuples(st.integers(0, 60), st.integers(0, 60), texts), min_size=1, max_size=4),
           st.booleans())
    def check(original: str, edits: list[tuple[int, int, str]], multiline: bool) -> None:
        nonlocal cases
        cases += 1
        content = ExactText(original, multiline=multiline)
        assert content.text == original  # untouched, it is exact
        check_shown(content)
        expected, done = original, []
        for a, b, inserted in edits:
            a, b = sorted((min(a, len(expected)), min(b, len(expected))))
            start, end = location(expected, a, multiline), location(expected, b, multiline)
            edit = content.replace(start, end, inserted)
            expected = expected[:a] + typed(inserted, multiline) + expected[b:]
            assert content.text == expected
            check_shown(content)
            done.append((start, edit, inserted, end))
        for start, edit, _, _ in reversed(done):  # undo, as TextArea does: put back what was replaced
            content.replace(start, edit.end, edit.replaced_exact, typed=False)
        assert content.text == original
        check_shown(content)
        for start, _, inserted, end in done:  # redo: the same edits again
            content.replace(start, end, inserted)
        assert content.text == expected

    check()
    print(f"exact text: {cases} cases")


def test_undo_of_a_single_line_gives_back_every_step_exactly() -> None:
    """Undo's steps (typed words, backspace runs, pastes), taken back and made again."""
    cases = 0
    actions = st.one_of(
        st.tuples(st.just("type"), st.sampled_from(list("ab ␛\x1b\u202e"))),
        st.tuples(st.just("backspace"), st.just("")),
        st.tuples(st.just("delete"), st.just("")),
        st.tuples(st.just("paste"), texts),
        st.tuples(st.just("move"), st.integers(0, 40).map(str)),
    )

    @settings(max_examples=800)
    @given(texts, st.lists(actions, max_size=12))
    def check(original: str, script: list[tuple[str, str]]) -> None:
        nonlocal cases
        cases += 1
        text, cursor, undo, states = original, len(original), Undo(), [original]
        for action, argument in script:
            if action == "move":
                cursor = min(int(argument), len(text))
                continue
            start, end, inserted = {
                "type": (cursor, cursor, argument), "paste": (cursor, cursor, argument),
                "backspace": (max(cursor - 1, 0), cursor, ""), "delete": (cursor, min(cursor + 1, len(text)), ""),
            }[action]
            if text[start:end] == inserted:
                continue  # nothing changes: ExactInput records nothing
            undo.record(Step(start, text[start:end], inserted, (cursor, cursor)))
            text = text[:start] + inserted + text[end:]
            cursor = start + len(inserted)
            states.append(text)
        taken_back = []
        while (step := undo.undo()) is not None:
            text = text[: step.start] + step.removed + text[step.start + len(step.inserted):]
            taken_back.append(text)
        assert text == original
        assert set(taken_back) <= set(states)  # every undo lands on a state the user saw
        while (step := undo.redo()) is not None:
            text = text[: step.start] + step.inserted + text[step.start + len(step.removed):]
        assert text == states[-1]

    check()
    print(f"single-line undo: {cases} cases")


def test_typed_characters_of_a_word_are_one_step() -> None:
    undo, text = Undo(), ""
    for char in "hello world":
        undo.record(Step(len(text), "", char, (len(text), len(text))))
        text += char
    step = undo.undo()
    assert step is not None and step.inserted == "world"
    step = undo.undo()
    assert step is not None and step.inserted == "hello "
    assert undo.undo() is None


def test_untouched_long_text_is_not_copied() -> None:
    prompt = "plain line of a prompt\n" * 20_000
    content = ExactText(prompt, multiline=True)
    assert all(shown is exact for shown, exact in zip(content.shown, content.exact, strict=True))
    assert reveal_controls(prompt, keep="\n\t") is prompt


# -- the real widgets ------------------------------------------------------------------


SAMPLE = [
    "plain",
    "",
    "A␛[2J literal stand-ins ␤ \ue09b private use",
    "\x1b[31mred\x1b[0m \x9b31m C1 \x00 NUL \x7f DEL",
    "bidi \u202eevil\u202c and \u2066isolate\u2069 \u200f",
    "line\u2028separator\u2029paragraph \x85 next-line",
    "lone \ud800 surrogate",
    "windows\r\nline\rends\tand tabs",
]


class Controls(App[None]):
    def compose(self) -> ComposeResult:
        yield ExactInput(id="one")
        yield ExactTextArea(id="many")


async def paste(pilot, text: str) -> None:
    """A bracketed paste, as the terminal's driver hands it to the app."""
    pilot.app.post_message(events.Paste(text))
    await pilot.pause()


@pytest.mark.parametrize("original", SAMPLE)
async def test_the_single_line_control_gives_back_exactly_what_was_edited(original) -> None:
    app = Controls()
    async with app.run_test() as pilot:
        box = app.query_one(ExactInput)
        box.value = original
        box.focus()
        await pilot.pause()
        assert box.exact == original and not _UNSHOWN.search(box.value)
        await pilot.press("end", "!")
        assert box.exact == original + "!"
        await paste(pilot, "p\x1bq\u202e␛\nsecond line")  # an Input takes the first line
        assert box.exact == original + "!p\x1bq\u202e␛"
        assert not _UNSHOWN.search(box.value)
        await pilot.press("ctrl+z")  # the paste
        assert box.exact == original + "!"
        await pilot.press("ctrl+z")  # the "!"
        assert box.exact == original
        await pilot.press("ctrl+y", "ctrl+shift+z")
        assert box.exact == original + "!p\x1bq\u202e␛"
        await pilot.press("home", "delete")
        assert box.exact == (original + "!p\x1bq\u202e␛")[1:]
        await pilot.press("ctrl+z", "ctrl+z", "ctrl+z")
        assert box.exact == original
        if original:
            # The same stand-in typed over the character it stands for: the user's "␛".
            shown_first = box.value[0]
            await pilot.press("home", "shift+right")
            box.post_message(events.Key("key", shown_first))  # as a terminal's UTF-8 arrives
            await pilot.pause()
            assert box.exact == shown_first + original[1:]


@pytest.mark.parametrize("original", SAMPLE)
async def test_the_text_area_gives_back_exactly_what_was_edited(original) -> None:
    app = Controls()
    async with app.run_test() as pilot:
        area = app.query_one(ExactTextArea)
        area.load_text(original)
        area.focus()
        await pilot.pause()
        assert area.exact == original
        assert not _UNSHOWN.search(area.text.replace("\n", "").replace("\t", ""))
        area.move_cursor(area.document.end)
        await pilot.press("!")
        assert area.exact == original + "!"
        await paste(pilot, "x\ry\r\nz\u2028w\x1b")
        assert area.exact == original + "!x\ny\nz\u2028w\x1b"
        await pilot.press("ctrl+z")  # TextArea's own undo: the paste is a step of its own
        assert area.exact == original + "!"
        await pilot.press("ctrl+z")
        assert area.exact == original
        await pilot.press("ctrl+y", "ctrl+y")
        assert area.exact == original + "!x\ny\nz\u2028w\x1b"
        area.history.checkpoint()
        area.move_cursor((0, 0))
        await pilot.press("delete")
        assert area.exact == (original + "!x\ny\nz\u2028w\x1b")[1:]
        await pilot.press("ctrl+z")
        assert area.exact == original + "!x\ny\nz\u2028w\x1b"
        await pilot.press("ctrl+shift+z")
        assert area.exact == (original + "!x\ny\nz\u2028w\x1b")[1:]


async def test_a_cut_text_pasted_back_is_typed_text() -> None:
    """Pasted stand-ins are the user's literal text, even when they were cut from here."""
    app = Controls()
    async with app.run_test() as pilot:
        area = app.query_one(ExactTextArea)
        area.load_text("a\x1bb")
        area.focus()
        area.selection = Selection((0, 1), (0, 2))
        await pilot.press("ctrl+x")
        assert area.exact == "ab"
        await pilot.press("ctrl+v")
        assert area.exact == "a␛b"


# -- in the editor, against the sandbox -------------------------------------------------

NAME = "Desk ␛ \ue09b \x1b[31m \u202eevil\u202c end"
INITIAL = "Hello\u2028there\u2029\r\nnext \x85 ␛ \x1b[2J"
PROMPT = "You are \u202ehelpful\u202c.\u2028Rules ␛ \x1b]52;c;cHduZWQ=\x07\n" * 50


@pytest.fixture
def sandbox():
    with Sandbox(rate_limit=None) as server:
        server.edit_assistant(101, name=NAME, initial_message=INITIAL, system_prompt=PROMPT)
        yield server


async def test_edits_in_the_editor_send_exactly_the_edited_text(sandbox) -> None:
    app = make_app(sandbox, 101)
    async with app.run_test(size=(120, 36)) as pilot:
        editor = await open_editor(pilot)
        assert editor.editing.session.dirty == []  # shown, untouched: nothing changed
        await editor.focus_field("assistant_name")
        await wait_until(pilot, lambda: editor.rows["assistant_name"].control_has_focus)
        await pilot.press("end", "!")
        assert editor.editing.session.value("assistant_name") == NAME + "!"

        await editor.focus_field("initial_message")
        await wait_until(pilot, lambda: editor.rows["initial_message"].control_has_focus)
        await pilot.press("home", "X")
        assert editor.editing.session.value("initial_message") == "X" + INITIAL

        await editor.focus_field("system_prompt")
        await wait_until(pilot, lambda: editor.rows["system_prompt"].control_has_focus)
        await pilot.press("enter")
        await wait_until(pilot, lambda: isinstance(app.screen, PromptEditorScreen))
        await pilot.pause()
        assert app.screen.query_one(LargeTextArea).exact == PROMPT
        await pilot.press("Y", "escape")
        await wait_until(pilot, lambda: app.screen is editor)
        assert editor.editing.session.value("system_prompt") == "Y" + PROMPT

        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: isinstance(app.screen, ReviewScreen))
        shown = review_text(app.screen)
        assert f"{safe_text(NAME)}  →  {safe_text(NAME + '!')}" in shown
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: len(puts(sandbox)) == 1)
    body = puts(sandbox)[0].body
    sent = {value for value in body.values() if isinstance(value, str)}
    assert {NAME + "!", "X" + INITIAL, "Y" + PROMPT} <= sent
    record = sandbox.assistant(101)
    assert record["name"] == NAME + "!" and record["system_prompt"] == "Y" + PROMPT
