"""The prompt editor for a working day: find and replace (ctrl+f, ctrl+r, F3, F2), the
cursor's line and column, ctrl+home/ctrl+end, and F4 for $VISUAL/$EDITOR (through a real
pseudo-terminal: the app steps aside and takes the file back)."""

from __future__ import annotations

import json
import os
import sys
import time
from pathlib import Path

import pytest
from textual.widgets import Input, Static

from tui_helpers import Terminal, draft_files, focus, make_app, open_editor, top, wait_until
from voicedesk.sandbox import Sandbox
from voicedesk.text_search import Match, find_all, replace_all
from voicedesk.tui.screens.prompt import PromptEditorScreen
from voicedesk.tui.widgets import LargeTextArea


@pytest.fixture
def sandbox():
    with Sandbox(rate_limit=None) as server:
        yield server


def test_find_all_is_literal_and_ignores_case_and_replace_all_replaces_the_same() -> None:
    lines = ["Say Hello.", "hello hello (a.b)", "a.b axb"]
    assert find_all(lines, "HELLO") == [Match((0, 4), (0, 9)), Match((1, 0), (1, 5)), Match((1, 6), (1, 11))]
    assert find_all(lines, "a.b") == [Match((1, 13), (1, 16)), Match((2, 0), (2, 3))]  # not a pattern
    assert find_all(lines, "") == [] and find_all(lines, "a\nb") == []
    text = "\n".join(lines)
    assert replace_all(text, "hello", r"\1 bye") == "Say \\1 bye.\n\\1 bye \\1 bye (a.b)\na.b axb"
    cases = 0
    for needle in ("l", "LL", "a.b", ".", "(", "x"):
        found = find_all(lines, needle)
        assert replace_all(text, needle, "").count("\n") == 2
        assert len(text) - len(replace_all(text, needle, "")) == sum(m.end[1] - m.start[1] for m in found), needle
        cases += 1
    print(f"{cases} needles")


async def open_prompt(pilot, editor) -> PromptEditorScreen:
    await focus(pilot, editor, "system_prompt")
    await pilot.press("enter")
    await wait_until(pilot, lambda: isinstance(pilot.app.screen, PromptEditorScreen))
    return top(pilot.app, PromptEditorScreen)


def position(screen: PromptEditorScreen) -> str:
    return str(screen.query_one("#prompt-position", Static).render())


async def test_find_next_previous_replace_one_and_all_then_undo(sandbox) -> None:
    app = make_app(sandbox, 101)
    async with app.run_test(size=(120, 36)) as pilot:
        editor = await open_editor(pilot)
        screen = await open_prompt(pilot, editor)
        area = screen.query_one(LargeTextArea)
        area.replace_all_exactly("one cat\ntwo Cat three\ncat four")
        await pilot.press("ctrl+home")
        assert area.cursor_location == (0, 0)
        await pilot.press("ctrl+end")
        assert area.cursor_location == (2, 8)
        await pilot.press("ctrl+home", "ctrl+f", *"cat")
        assert isinstance(app.focused, Input) and app.focused.id == "find-text"
        await pilot.press("enter")
        assert area.selected_text == "cat" and area.selection.start == (0, 4)
        await wait_until(pilot, lambda: "match 1 of 3" in position(screen))
        await pilot.press("f3")
        assert area.selection.start == (1, 4) and area.selected_text == "Cat"
        await pilot.press("shift+f3", "shift+f3")  # back to the first, then round to the last
        assert area.selection.start == (2, 0)
        await pilot.press("escape")  # the bar closes, the match stays selected, the text has the focus
        assert app.screen is screen and app.focused is area and area.selected_text == "cat"
        await wait_until(pilot, lambda: position(screen).startswith("Line 3 of 3, column"))
        await pilot.press("ctrl+r", "tab", *"dog", "enter")  # replace this one, select the next
        assert area.text == "one cat\ntwo Cat three\ndog four" and area.selection.start == (0, 4)
        await pilot.press("f2")  # the rest
        assert area.text == "one dog\ntwo dog three\ndog four"
        await pilot.press("escape", "ctrl+z")
        assert area.text == "one cat\ntwo Cat three\ndog four"
        await pilot.press("escape")  # back to the form: the text went to the session
        await wait_until(pilot, lambda: app.screen is editor)
        assert editor.editing.session.value("system_prompt") == "one cat\ntwo Cat three\ndog four"


async def test_f4_without_a_terminal_to_hand_over_says_so_and_changes_nothing(sandbox, monkeypatch) -> None:
    monkeypatch.setenv("VISUAL", "true")
    app = make_app(sandbox, 101)
    async with app.run_test(size=(120, 36)) as pilot:
        editor = await open_editor(pilot)
        before = dict(editor.editing.session.current)
        screen = await open_prompt(pilot, editor)
        await pilot.press("f4")
        await wait_until(pilot, lambda: any("cannot hand itself" in str(n.message) for n in app._notifications))
        await pilot.press("escape")
        await wait_until(pilot, lambda: app.screen is editor)
        assert editor.editing.session.current == before and screen.is_attached is False


EDIT_SCRIPT = """
import os, stat, sys
seen_log, path = sys.argv[1:]  # $VISUAL's own argument, then the file
with open(seen_log, "a") as seen:
    seen.write(f"{stat.S_IMODE(os.stat(path).st_mode):o} {os.path.basename(path)}\\n")
with open(path, encoding="utf-8") as file:
    text = file.read()
with open(path, "w", encoding="utf-8") as file:
    file.write(text + " (edited outside)\\n")
"""


def test_f4_opens_a_long_text_in_the_users_editor_and_takes_it_back(sandbox, tmp_path, monkeypatch) -> None:
    script, seen = tmp_path / "edit.py", tmp_path / "seen.txt"
    script.write_text(EDIT_SCRIPT)
    monkeypatch.setenv("VISUAL", f"{sys.executable} {script} {seen}")
    terminal = Terminal(sandbox, "edit", "101")
    try:
        terminal.wait_for("0 unsaved changes")
        terminal.type("\x06")  # ctrl+f: the finder
        terminal.wait_for("Find a field")
        terminal.type("Initial message")
        time.sleep(0.5)
        terminal.type("\r")
        time.sleep(1)
        terminal.type("\x1bOS")  # F4
        terminal.wait_for("1 unsaved change")
        deadline = time.monotonic() + 30
        while not any("(edited outside)" in f.read_text() for f in draft_files()):
            assert time.monotonic() < deadline, "the edited text never reached the draft"
            time.sleep(0.2)
    finally:
        terminal.close()
    mode, name = seen.read_text().split()
    assert mode == "600" and name.startswith("voicedesk-initial_message-")
    [draft] = [json.loads(f.read_text()) for f in draft_files()]
    edited = json.dumps(draft)
    assert "(edited outside)" in edited and "(edited outside)\\n" not in edited  # the editor's line break dropped
    assert not list(Path(os.environ.get("TMPDIR", "/tmp")).glob("voicedesk-initial_message-*")), "file left"


class FakeApp:
    """What edit_outside needs of an app: a suspension that works, and notices."""

    def __init__(self) -> None:
        self.notices: list[str] = []

    def notify(self, message: str, **_: object) -> None:
        self.notices.append(message)

    def suspend(self):  # noqa: ANN201 - a context manager
        import contextlib

        return contextlib.nullcontext()


@pytest.mark.parametrize(("visual", "text", "expected", "notice"), [
    (None, "hi", None, "Set $VISUAL or $EDITOR"),
    ("false", "hi", None, "ended with status 1"),
    ("/no/such/editor", "hi", None, "Could not start /no/such/editor"),
    ("true", "hi", None, None),  # left as it was: unchanged
    ("true", "bad \ud800 text", None, "unpaired surrogates"),
    ("{python} -c \"import sys; open(sys.argv[1], 'wb').write(b'caf\\xe9')\"", "hi", None, "than UTF-8"),
    ("{python} -c \"import sys; open(sys.argv[1], 'a').write(' there\\n')\"", "hi", "hi there", None),
    ("{python} -c \"import sys; open(sys.argv[1], 'a').write('more\\n')\"", "end\n", "end\nmore\n", None),
])
def test_the_outside_editor_takes_back_only_a_good_edit_and_says_why_not(
        visual, text, expected, notice, monkeypatch) -> None:
    from voicedesk.tui.external_editor import edit_outside

    monkeypatch.delenv("VISUAL", raising=False)
    monkeypatch.delenv("EDITOR", raising=False)
    if visual is not None:
        monkeypatch.setenv("EDITOR", visual.format(python=sys.executable))
    app = FakeApp()
    assert edit_outside(app, text, "system_prompt") == expected  # type: ignore[arg-type]
    assert (notice is None and not app.notices) or (notice is not None and notice in app.notices[0]), app.notices
