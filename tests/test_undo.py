"""ctrl+z in text is the text's own undo, one step at a time (ctrl+y, ctrl+shift+z
redo); revert field is ctrl+o, which collides with no control's key, and a revert in
the prompt editor can itself be undone."""

from __future__ import annotations

import pytest
from textual.widgets import Input, TextArea

from tui_helpers import focus, make_app, open_editor, wait_until
from voicedesk.sandbox import Sandbox
from voicedesk.tui.screens.prompt import PromptEditorScreen
from voicedesk.tui.widgets import KeyBar


@pytest.fixture
def sandbox():
    with Sandbox(rate_limit=None) as server:
        yield server


async def test_ctrl_z_in_a_text_area_undoes_one_step_and_redo_brings_it_back(sandbox) -> None:
    app = make_app(sandbox, 101)
    async with app.run_test(size=(120, 36)) as pilot:
        editor = await open_editor(pilot)
        await focus(pilot, editor, "initial_message")
        area = editor.rows["initial_message"].control
        assert isinstance(area, TextArea)
        original = area.text
        # Two steps: a cursor move ends a batch of undo (as does a pause of two seconds).
        await pilot.press(*"Hi", "left", "right", *" there")
        assert area.text == "Hi there" + original
        await pilot.press("ctrl+z")
        assert area.text == "Hi" + original and editor.editing.session.value("initial_message") == "Hi" + original
        for redo in ("ctrl+y", "ctrl+shift+z"):
            await pilot.press(redo)
            assert area.text == "Hi there" + original, redo
            await pilot.press("ctrl+z")
            assert area.text == "Hi" + original
        await pilot.press("ctrl+o")  # revert field
        assert area.text == original and editor.editing.session.dirty == []


async def test_revert_in_the_prompt_editor_can_be_undone(sandbox) -> None:
    app = make_app(sandbox, 101)
    async with app.run_test(size=(120, 36)) as pilot:
        editor = await open_editor(pilot)
        original = editor.editing.session.value("system_prompt")
        await focus(pilot, editor, "system_prompt")
        await pilot.press("enter")
        await wait_until(pilot, lambda: isinstance(app.screen, PromptEditorScreen))
        area = app.screen.query_one(TextArea)
        await pilot.press(*"Be brief. ")
        await pilot.press("ctrl+o")
        assert area.text == original and editor.editing.session.dirty == []
        await pilot.press("ctrl+z")
        assert area.text == "Be brief. " + original
        await pilot.press("escape")
        await wait_until(pilot, lambda: app.screen is editor)
        assert editor.editing.session.value("system_prompt") == "Be brief. " + original


async def test_the_key_bar_offers_revert_field_on_ctrl_o_and_not_ctrl_z(sandbox) -> None:
    app = make_app(sandbox, 101)
    async with app.run_test(size=(120, 36)) as pilot:
        editor = await open_editor(pilot)
        for name in ("assistant_name", "initial_message", "speech_speed"):
            await focus(pilot, editor, name)
            await pilot.pause()
            shown = {key.key: key.description for key in editor.query_one(KeyBar).shown}
            assert shown.get("ctrl+o") == "Revert field" and "ctrl+z" not in shown, name
        await focus(pilot, editor, "assistant_name")
        assert isinstance(app.focused, Input)
