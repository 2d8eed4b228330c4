"""The speed work of voicedesk.speed keeps the program's behaviour: the collector, off
while the app starts, is on again once the first screen says it is ready, whichever
screen that is and however its load ended; and it is frozen, not off, from then on."""

from __future__ import annotations

import gc

import pytest

from tui_helpers import make_app, open_editor, top, wait_until
from voicedesk import speed
from voicedesk.sandbox import Sandbox
from voicedesk.tui.screens.editor import EditorScreen
from voicedesk.tui.screens.picker import PickerScreen


@pytest.fixture
def sandbox():
    with Sandbox(rate_limit=None) as server:
        yield server


@pytest.fixture(autouse=True)
def only_readiness_turns_it_on(monkeypatch):
    # The fallback would turn the collector on after a while whatever the screens say.
    monkeypatch.setattr(speed, "COLLECTOR_OFF_AT_MOST", 3600.0)
    yield
    gc.enable()
    gc.unfreeze()


def first_screen(app):
    return app.screen_stack[-1] if len(app.screen_stack) > 1 else None


@pytest.mark.parametrize(("assistant_id", "expected"), [
    (None, PickerScreen),  # the picker, its first page shown
    (101, EditorScreen),  # the editor, its first group shown
    (999_999, EditorScreen),  # the editor, saying the assistant was not found
])
async def test_the_collector_is_back_on_once_the_first_screen_is_ready(
        sandbox, monkeypatch, assistant_id, expected) -> None:
    assert gc.isenabled()
    turned_off: list[bool] = []
    off = speed.collector_off_until_ready

    def off_and_noted() -> None:
        off()
        turned_off.append(gc.isenabled())

    monkeypatch.setattr(speed, "collector_off_until_ready", off_and_noted)
    app = make_app(sandbox, assistant_id)
    async with app.run_test(size=(120, 36)) as pilot:
        await wait_until(pilot, lambda: isinstance(first_screen(app), expected))
        screen = first_screen(app)
        assert turned_off == [False]  # off while it started
        if assistant_id == 101:
            await wait_until(pilot, lambda: screen.ready)
        elif assistant_id is None:
            await wait_until(pilot, lambda: "assistants" in str(screen.query_one("#picker-status").render()))
            # Its lists load after the pages: ended before, run_test's teardown (which skips
            # App.exit) would meet its load still under way.
            await wait_until(pilot, lambda: screen.lookups is not None)
        else:
            await wait_until(pilot, lambda: "not found" in str(screen.query_one("#loading-message").render()).lower())
        await wait_until(pilot, gc.isenabled)
        assert gc.get_freeze_count() > 0  # what start-up made lives on outside the passes


async def test_leaving_an_editor_collects_it(sandbox) -> None:
    app = make_app(sandbox)
    async with app.run_test(size=(120, 36)) as pilot:
        await wait_until(pilot, lambda: isinstance(app.screen, PickerScreen) and app.screen.records)
        await wait_until(pilot, gc.isenabled)
        record = top(app, PickerScreen).records[0]
        app.open_assistant(record["id"], record)
        editor = await open_editor(pilot)
        collections = gc.get_stats()[2]["collections"]
        await pilot.press("escape")
        await wait_until(pilot, lambda: isinstance(app.screen, PickerScreen))
        await wait_until(pilot, lambda: gc.get_stats()[2]["collections"] > collections)
        assert not editor.is_attached
