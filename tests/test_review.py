"""The review shows every change that ctrl+s sends: scrollable with the usual keys from
the moment it opens, its focus visible, the changed fields named above it all."""

from __future__ import annotations

from typing import Any

import pytest
from textual.containers import VerticalScroll
from textual.widgets import Static

from tui_helpers import make_app, open_editor, top, wait_until
from voicedesk.fields import FIELDS
from voicedesk.sandbox import Sandbox
from voicedesk.tui.screens.editor import EditorScreen
from voicedesk.tui.screens.review import ReviewScreen

SIZES = [(120, 36), (80, 24)]

# Fourteen changes to assistant 101: short and long text, numbers, switches, choices,
# the variables and the schema; together far taller than either screen.
CHANGES: dict[str, Any] = {
    "assistant_name": "Bright Smile Dental – Front desk",
    "initial_message": "Good morning, Bright Smile Dental, Anna speaking. How may I help?",
    "speech_speed": 1.1,
    "record_call": False,
    "endpoint_type": "ai",
    "who_speaks_first": "Customer",
    "llm_temperature": 0.3,
    "max_call_duration": 900,
    "variables": {"practice_name": "Bright Smile Dental", "emergency_slot": "07:30", "city": "Berlin"},
    "post_call_schema": [
        {"name": "appointment_booked", "type": "bool", "description": "Whether an appointment was booked"},
        {"name": "callback", "type": "bool", "description": "Wants a call back"},
    ],
    "end_call_tool.description": "End the call once the patient says goodbye.",
    "noise_cancellation": False,
    "voice_stability": 0.8,
}


@pytest.fixture
def sandbox():
    with Sandbox(rate_limit=None) as server:
        yield server


async def many_changes(pilot) -> EditorScreen:
    """The editor of 101 holding CHANGES (as a restored draft would), its review open."""
    app = pilot.app
    editor = await open_editor(pilot)
    prompt = editor.editing.session.value("system_prompt")
    for name, value in {**CHANGES, "system_prompt": prompt.replace("Berlin-Mitte", "Berlin-Pankow")}.items():
        editor.editing.session.set(name, value)
    editor.reload_rows()
    assert editor.problems() == {} and len(editor.editing.session.dirty) == len(CHANGES) + 1
    await pilot.press("ctrl+s")
    await wait_until(pilot, lambda: isinstance(app.screen, ReviewScreen)
                     and len(app.screen.query(".review-change")) == len(CHANGES) + 1)
    await pilot.pause()
    return editor


def seen_lines(review: ReviewScreen) -> dict[Static, set[int]]:
    """For each change, which of its lines are inside the scrolled window now."""
    body = review.query_one("#review-body", VerticalScroll)
    window = body.scrollable_content_region
    seen = {}
    for change in review.query(".review-change").results(Static):
        region = change.region
        top, bottom = max(region.y, window.y), min(region.bottom, window.bottom)
        seen[change] = {line - region.y for line in range(top, bottom)}
    return seen


@pytest.mark.parametrize("size", SIZES, ids=lambda size: f"{size[0]}x{size[1]}")
async def test_every_change_is_reachable_by_the_scroll_keys_right_after_opening(sandbox, size) -> None:
    app = make_app(sandbox, 101)
    async with app.run_test(size=size) as pilot:
        editor = await many_changes(pilot)
        review = top(app, ReviewScreen)
        body = review.query_one("#review-body", VerticalScroll)
        assert app.focused is body  # no Tab needed: the keys scroll it at once
        assert body.max_scroll_y > 0  # more than fits: the point of the test
        summary = str(review.query_one("#review-summary", Static).render())
        assert all(FIELDS[name].label in summary for name in editor.editing.session.dirty)

        for keys in (["down"], ["pagedown"], ["space"]):
            await pilot.press("home")
            assert body.scroll_y == 0
            seen: dict[Static, set[int]] = {}
            presses = 0
            while True:
                for change, lines in seen_lines(review).items():
                    seen.setdefault(change, set()).update(lines)
                if body.scroll_y >= body.max_scroll_y:
                    break
                await pilot.press(*keys)
                presses += 1
                assert presses < 500, keys
            unseen = {str(change.render()).split("\n")[0]: change.region.height - len(seen[change])
                      for change in seen if len(seen[change]) < change.region.height}
            assert not unseen, (keys, unseen)
            assert len(seen) == len(editor.editing.session.dirty)
            assert app.focused is body
        await pilot.press("end")
        assert body.scroll_y == body.max_scroll_y
        await pilot.press("pageup")
        assert body.scroll_y < body.max_scroll_y
    print(f"{size[0]}x{size[1]}: every line of {len(CHANGES) + 1} changes reached with down, pagedown and space")


async def test_the_focus_on_the_changes_is_visible(sandbox) -> None:
    app = make_app(sandbox, 101)
    async with app.run_test(size=(120, 36)) as pilot:
        await many_changes(pilot)
        body = app.screen.query_one("#review-body", VerticalScroll)
        focused_border = body.styles.border_top
        await pilot.press("tab")  # to the Send button
        assert app.focused is not body and body.styles.border_top != focused_border


async def test_a_problem_names_its_field_once() -> None:
    """Most messages begin with the field's label; the review adds it only when not."""
    from textual.widgets import OptionList

    with Sandbox(rate_limit=None, dialect="2026") as sandbox:
        app = make_app(sandbox, 101)
        async with app.run_test(size=(120, 36)) as pilot:
            editor = await open_editor(pilot)
            tools = [dict(tool) for tool in editor.editing.session.value("tools")]
            tools[1].pop("phone_number")
            editor.editing.session.set("tools", tools)
            editor.editing.session.set("assistant_name", "")
            await pilot.press("ctrl+s")
            await wait_until(pilot, lambda: isinstance(app.screen, ReviewScreen)
                             and app.screen.query_one("#review-problems", OptionList).option_count == 2)
            problems = app.screen.query_one("#review-problems", OptionList)
            lines = sorted(str(problems.get_option_at_index(i).prompt) for i in range(2))
    assert lines[0].startswith("✗ Built-in tools, tool 2 (call_transfer): phone_number is required")
    assert lines[1].startswith("✗ Name") and lines[1].count("Name") == 1, lines
    print(f"{len(lines)} problems, each field named once")


async def test_every_button_of_the_review_does_what_its_key_does(sandbox) -> None:
    # The Send button's handler once called the (async) save action without awaiting it:
    # a click sent nothing.
    app = make_app(sandbox, 101)
    async with app.run_test(size=(120, 36)) as pilot:
        editor = await open_editor(pilot)
        editor.editing.session.set("assistant_name", "Clicked")
        editor.reload_rows()
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: isinstance(app.screen, ReviewScreen))
        review = app.screen
        json_shown = review.query_one("#review-json")
        assert await pilot.click("#review-toggle-json")
        await wait_until(pilot, lambda: json_shown.display)
        assert await pilot.click("#review-back")
        await wait_until(pilot, lambda: app.screen is editor)
        assert editor.editing.session.dirty == ["assistant_name"]
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: isinstance(app.screen, ReviewScreen))
        await wait_until(pilot, lambda: app.screen.query_one("#review-save").region.area > 0)
        assert await pilot.click("#review-save")
        await wait_until(pilot, lambda: app.screen is editor and not editor.editing.session.dirty)
        assert sandbox.assistant(101)["name"] == "Clicked"
    print("3 buttons tried")
