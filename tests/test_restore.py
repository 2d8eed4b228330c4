"""Undo a save from the TUI: the history screen's "Restore these values" puts a save's
earlier values into the editor as edits (one undo step), which go through the review
and the normal save like any edit; a later change on the server is named first."""

from __future__ import annotations

import pytest

from tui_helpers import make_app, open_editor, top, wait_until
from voicedesk.sandbox import Sandbox
from voicedesk.tui.screens.editor import EditorScreen
from voicedesk.tui.screens.history import HistoryScreen
from voicedesk.tui.screens.review import ReviewScreen


@pytest.fixture
def sandbox():
    with Sandbox(rate_limit=None) as server:
        yield server


async def save(pilot, editor: EditorScreen, **values) -> None:
    for name, value in values.items():
        editor.editing.session.set(name, value)
    editor.reload_rows()
    await pilot.press("ctrl+s")
    await wait_until(pilot, lambda: isinstance(pilot.app.screen, ReviewScreen)
                     and bool(pilot.app.screen.query(".review-change")))
    await pilot.press("ctrl+s")  # send
    await wait_until(pilot, lambda: pilot.app.screen is editor and not editor.editing.session.dirty)


async def restore_newest(pilot, editor: EditorScreen) -> None:
    editor.action_history()
    await wait_until(pilot, lambda: isinstance(pilot.app.screen, HistoryScreen)
                     and bool(pilot.app.screen.query("#history-list")))
    assert top(pilot.app, HistoryScreen).check_action("restore", ()) is True
    await pilot.press("r")
    await wait_until(pilot, lambda: pilot.app.screen is editor)


@pytest.mark.parametrize("size", [(120, 36), (80, 24)], ids=["120x36", "80x24"])
async def test_restoring_a_save_makes_edits_that_the_review_sends(sandbox, size) -> None:
    before = sandbox.assistant(101)
    app = make_app(sandbox, 101)
    async with app.run_test(size=size) as pilot:
        editor = await open_editor(pilot)
        await save(pilot, editor, speech_speed=0.8, llm_temperature=0.2)
        assert float(sandbox.assistant(101)["speech_speed"]) == 0.8
        await restore_newest(pilot, editor)
        session = editor.editing.session
        assert sorted(session.dirty) == ["llm_temperature", "speech_speed"]
        assert float(session.value("speech_speed")) == float(before["speech_speed"])
        notices = [str(notice.message) for notice in app._notifications]
        assert any(n.startswith("Restored 2 values from before the save of") for n in notices), notices
        await pilot.press("ctrl+z")  # one step takes both back
        await wait_until(pilot, lambda: not session.dirty)
        await pilot.press("ctrl+y")
        await wait_until(pilot, lambda: len(session.dirty) == 2)
        puts_before = len([r for r in sandbox.requests if r.method == "PUT"])
        await save(pilot, editor)  # through the review, as any edit
        assert float(sandbox.assistant(101)["speech_speed"]) == float(before["speech_speed"])
        assert float(sandbox.assistant(101)["llm_temperature"]) == float(before["llm_temperature"])
        assert len([r for r in sandbox.requests if r.method == "PUT"]) == puts_before + 1


async def test_a_change_made_on_the_server_after_the_save_is_a_conflict_when_the_restore_is_sent(sandbox) -> None:
    app = make_app(sandbox, 101)
    async with app.run_test(size=(120, 36)) as pilot:
        editor = await open_editor(pilot)
        await save(pilot, editor, speech_speed=0.8)
        sandbox.edit_assistant(101, speech_speed="1.1")  # a colleague, after that save
        await restore_newest(pilot, editor)
        notices = [str(notice.message) for notice in app._notifications]
        # The editor still holds its own read (0.8), so the restore cannot know yet; the
        # save's re-read finds the colleague's change and asks.
        assert any("Restored 1 value" in n for n in notices), notices
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: isinstance(app.screen, ReviewScreen)
                         and bool(app.screen.query(".review-change")))
        await pilot.press("ctrl+s")  # send: the re-read finds the colleague's change
        await wait_until(pilot, lambda: type(app.screen).__name__ == "ConflictScreen")
        assert float(sandbox.assistant(101)["speech_speed"]) == 1.1  # nothing overwritten unasked
