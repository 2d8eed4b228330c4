"""LargeTextArea repaints only the lines an edit changed, and the screen still shows the
text exactly as a whole repaint would draw it."""

from __future__ import annotations

import pytest
from textual.app import App, ComposeResult

from voicedesk.tui.widgets import LargeTextArea

WIDTH = 40
# Lines that fit, one that wraps to two rows, brackets that match across lines.
TEXT = "\n".join(
    ["(open", "short line", "a line long enough to wrap once at forty cells wide", "close)"]
    + [f"line {n}" for n in range(4, 60)]
)


class AreaApp(App[None]):
    def compose(self) -> ComposeResult:
        yield LargeTextArea(TEXT, soft_wrap=True)


async def shown_and_redrawn(pilot) -> tuple[str, str]:
    """The screen as it is, and as a whole repaint of the text area draws it."""
    await pilot.pause()
    shown = pilot.app.export_screenshot()
    pilot.app.query_one(LargeTextArea).refresh()
    await pilot.pause()
    return shown, pilot.app.export_screenshot()


def count_drawn_lines(area: LargeTextArea) -> list[int]:
    drawn: list[int] = []
    draw = area.render_line

    def counting(y: int):  # noqa: ANN202 - a Strip, as the method it wraps
        drawn.append(y)
        return draw(y)

    area.render_line = counting  # type: ignore[method-assign]  # a counting spy in place of the method
    return drawn


async def test_a_keystroke_in_a_line_repaints_that_line_alone() -> None:
    app = AreaApp()
    async with app.run_test(size=(WIDTH, 20)) as pilot:
        area = app.query_one(LargeTextArea)
        area.move_cursor((1, 0))
        await pilot.pause()
        drawn = count_drawn_lines(area)
        await pilot.press("x")
        await pilot.pause()
        assert area.document[1] == "xshort line"
        assert drawn == [1]  # the second row: line 1, which the cursor was and is on
        shown, redrawn = await shown_and_redrawn(pilot)
        assert shown == redrawn


@pytest.mark.parametrize(
    ("cursor", "keys", "expect"),
    [
        ((2, 0), ["x"] * 30, "rewraps to three rows: the rows below move"),
        ((1, 5), ["enter"], "a new line"),
        ((1, 0), ["backspace"], "two lines joined"),
        ((1, 0), ["shift+down", "shift+down", "y"], "a selection over lines replaced"),
        ((0, 0), ["delete"], "the bracket at the cursor deleted: its match, lines below, unmarked"),
        ((3, 4), ["delete"], "the cursor left on a bracket: its match, lines above, marked"),
        ((15, 0), ["down"] * 20 + ["z"], "typing after the view scrolled"),
    ],
)
async def test_what_an_edit_leaves_on_screen_is_what_a_whole_repaint_draws(cursor, keys, expect) -> None:
    app = AreaApp()
    async with app.run_test(size=(WIDTH, 20)) as pilot:
        area = app.query_one(LargeTextArea)
        area.move_cursor(cursor)
        await pilot.pause()
        before = area.text
        await pilot.press(*keys)
        assert area.text != before, expect
        shown, redrawn = await shown_and_redrawn(pilot)
        assert shown == redrawn, expect
