"""One change across the assistants marked in the picker, driven through the real app
against the sandbox: marks (space, shift+arrows, ctrl+a over the filter), "Change
marked" with the editor's controls, one combined review, one send whose outcome is told
per assistant; a colleague's change meanwhile is that assistant's conflict, not lost."""

from __future__ import annotations

import pytest
from textual.widgets import Static

from tui_helpers import choose, make_app, top, wait_until
from voicedesk.sandbox import Sandbox
from voicedesk.tui.screens.bulk import BulkReviewScreen, BulkScreen
from voicedesk.tui.screens.picker import PickerScreen
from voicedesk.tui.widgets import AssistantTable
from voicedesk.tui.widgets.search_select_screen import SearchSelectScreen


@pytest.fixture
def sandbox():
    with Sandbox(rate_limit=None) as server:
        yield server


def speed(sandbox: Sandbox, number: int) -> float:
    return float(sandbox.assistant(number)["speech_speed"])


async def picker_table(pilot) -> AssistantTable:
    await wait_until(pilot, lambda: isinstance(pilot.app.screen, PickerScreen)
                     and pilot.app.screen.query_one("#picker-table", AssistantTable).row_count == 14)
    return pilot.app.screen.query_one("#picker-table", AssistantTable)


async def add_speed_field(pilot) -> BulkScreen:
    await wait_until(pilot, lambda: isinstance(pilot.app.screen, SearchSelectScreen))
    await pilot.press(*"speech speed", "enter")
    await wait_until(pilot, lambda: isinstance(pilot.app.screen, BulkScreen) and pilot.app.screen.chosen)
    return top(pilot.app, BulkScreen)


@pytest.mark.parametrize("size", [(120, 36), (80, 24)], ids=["120x36", "80x24"])
async def test_marked_assistants_get_one_change_reviewed_then_sent(sandbox, size) -> None:
    untouched = {number: speed(sandbox, number) for number in (104, 105)}
    app = make_app(sandbox)
    async with app.run_test(size=size) as pilot:
        table = await picker_table(pilot)
        await pilot.press("down")  # into the list, on 101
        await pilot.press("space", "space")  # 101 and 102, the cursor moving on
        await pilot.press("shift+down")  # 103 (and the row reached, 104)
        await pilot.press("space")  # 104 again: unmarked
        assert table.marked == {101, 102, 103}
        status = str(app.screen.query_one("#picker-status", Static).render())
        assert "3 marked" in status
        await pilot.press("ctrl+e")
        bulk = await add_speed_field(pilot)
        await pilot.press("left", "left")  # 1 x -> 0.9 x on the slider
        assert bulk.session.value("speech_speed") == pytest.approx(0.9)
        assert not [r for r in sandbox.requests if r.method == "PUT"]  # nothing before the review's Send
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: isinstance(app.screen, BulkReviewScreen))
        review = top(app, BulkReviewScreen)
        plan = str(review.query_one("#bulk-review-plan", Static).render())
        assert plan.count("Speech speed:") == 3 and "(id 102)" in plan and "(id 104)" not in plan
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: review.done)
        assert "Done: 3 saved." in str(review.query_one("#bulk-review-title", Static).render())
        assert [speed(sandbox, n) for n in (101, 102, 103)] == [0.9, 0.9, 0.9]
        assert {number: speed(sandbox, number) for number in (104, 105)} == untouched
        await pilot.press("escape")  # Close: back to the list, read again, marks cleared
        await wait_until(pilot, lambda: isinstance(app.screen, PickerScreen))
        assert top(app, PickerScreen).query_one("#picker-table", AssistantTable).marked == set()


async def test_a_colleagues_change_meanwhile_is_that_assistants_conflict(sandbox) -> None:
    app = make_app(sandbox)
    async with app.run_test(size=(120, 36)) as pilot:
        await picker_table(pilot)
        table = top(app, PickerScreen).query_one("#picker-table", AssistantTable)
        await pilot.press("ctrl+f", *"bright")
        await wait_until(pilot, lambda: table.row_count == 2)
        await pilot.press("down", "ctrl+a")  # into the list; every row the filter shows
        assert table.marked == {101, 103}
        await pilot.press("ctrl+e")
        await add_speed_field(pilot)
        await pilot.press("left")
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: isinstance(app.screen, BulkReviewScreen))
        review = top(app, BulkReviewScreen)
        sandbox.edit_assistant(103, speech_speed=1.15)  # while the operator reads the review
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: review.done)
        shown = str(review.query_one("#bulk-review-plan", Static).render())
        assert "conflict: Appointment Reminders" in shown and "saved: Bright Smile Dental" in shown
        assert speed(sandbox, 103) == 1.15  # the colleague's value stands
        assert speed(sandbox, 101) == 0.95


async def test_leaving_with_chosen_values_asks_first(sandbox) -> None:
    app = make_app(sandbox)
    async with app.run_test(size=(120, 36)) as pilot:
        table = await picker_table(pilot)
        await pilot.press("down", "space")
        assert table.marked == {101}
        await pilot.press("ctrl+e")
        bulk = await add_speed_field(pilot)
        await pilot.press("escape")
        await choose(pilot, "stay")
        assert app.screen is bulk and bulk.chosen == ["speech_speed"]
        await pilot.press("escape")
        await choose(pilot, "leave")
        await wait_until(pilot, lambda: isinstance(app.screen, PickerScreen))
        assert not [r for r in sandbox.requests if r.method == "PUT"]
