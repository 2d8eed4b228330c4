"""Leaving the editor or quitting writes the draft that is still pending: edits reverted
just before are not offered again the next time."""

from __future__ import annotations

import pytest

from tui_helpers import choose, draft_files, make_app, open_editor, wait_until
from voicedesk.sandbox import Sandbox
from voicedesk.tui.screens.editor import EditorScreen
from voicedesk.tui.screens.modals import Ask
from voicedesk.tui.screens.picker import PickerScreen


@pytest.fixture
def sandbox():
    with Sandbox(rate_limit=None) as server:
        yield server


async def edited_and_drafted(pilot) -> EditorScreen:
    editor = await open_editor(pilot)
    await editor.focus_field("speech_speed")
    await wait_until(pilot, lambda: editor.rows["speech_speed"].control_has_focus)
    await pilot.press("right")
    await wait_until(pilot, lambda: bool(draft_files()))
    return editor


async def test_reverted_then_quit_at_once_leaves_no_draft(sandbox) -> None:
    app = make_app(sandbox, 101)
    async with app.run_test(size=(120, 36)) as pilot:
        editor = await edited_and_drafted(pilot)
        await pilot.press("ctrl+r")
        await choose(pilot, "revert")
        await wait_until(pilot, lambda: app.screen is editor and not editor.editing.session.dirty)
        await pilot.press("ctrl+q")  # nothing unsaved: no question
        await wait_until(pilot, lambda: not app.is_running)
    assert draft_files() == []
    app = make_app(sandbox, 101)
    async with app.run_test(size=(120, 36)) as pilot:
        await wait_until(pilot, lambda: isinstance(app.screen, EditorScreen) and app.screen.ready)
        await pilot.pause(0.2)
        assert not isinstance(app.screen, Ask)  # nothing to restore


async def test_an_edit_undone_then_left_at_once_leaves_no_draft(sandbox) -> None:
    app = make_app(sandbox, 101)
    async with app.run_test(size=(120, 36)) as pilot:
        editor = await edited_and_drafted(pilot)
        await pilot.press("left")  # back to the stored value: nothing unsaved
        assert not editor.editing.session.dirty
        await pilot.press("escape")  # no question: back to the assistants
        await wait_until(pilot, lambda: isinstance(app.screen, PickerScreen))
        assert draft_files() == []
