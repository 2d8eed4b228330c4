"""GroupList, the editor's sidebar: keys, clicks, and repainting only what changed."""

from __future__ import annotations

from pathlib import Path

from textual.app import App, ComposeResult
from textual.strip import Strip

import voicedesk.tui.widgets as widgets_package
from voicedesk.tui.widgets import GroupList

STYLESHEET = Path(widgets_package.__file__).parent.parent / "voicedesk.tcss"


class CountingList(GroupList):
    """Notes which lines it is asked to draw."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.drawn: list[int] = []

    def render_line(self, y: int) -> Strip:
        self.drawn.append(y)
        return super().render_line(y)


class ListApp(App[None]):
    CSS_PATH = STYLESHEET

    def __init__(self) -> None:
        super().__init__()
        self.events: list[tuple[str, int]] = []

    def compose(self) -> ComposeResult:
        yield CountingList(["Core", "Webhook", "Call behaviour"], id="groups")

    def on_group_list_highlighted(self, message: GroupList.Highlighted) -> None:
        self.events.append(("highlighted", message.index))

    def on_group_list_selected(self, message: GroupList.Selected) -> None:
        self.events.append(("selected", message.index))


async def test_keys_move_and_choose_and_code_posts_nothing() -> None:
    app = ListApp()
    async with app.run_test(size=(40, 10)) as pilot:
        groups = app.query_one(CountingList)
        groups.focus()
        await pilot.press("down", "down", "down", "end", "home", "enter")
        groups.highlighted = 2  # as the editor does when it switches group itself
        await pilot.pause()
        assert app.events == [("highlighted", 1), ("highlighted", 2), ("highlighted", 0),
                              ("highlighted", 2), ("highlighted", 0), ("selected", 0)]
        assert groups.highlighted == 2


async def test_a_click_chooses_the_line_under_it() -> None:
    app = ListApp()
    async with app.run_test(size=(40, 10)) as pilot:
        await pilot.click(CountingList, offset=(3, 2))  # padding 1, so the second line
        assert app.events == [("highlighted", 1), ("selected", 1)]


async def test_a_new_label_or_highlight_repaints_only_its_lines() -> None:
    app = ListApp()
    async with app.run_test(size=(40, 10)) as pilot:
        groups = app.query_one(CountingList)
        await pilot.pause()
        groups.drawn.clear()
        groups.set_mark(1, "● 1")
        await pilot.pause()
        assert set(groups.drawn) == {1}
        assert "Webhook  ● 1" in groups.render_line(1).text
        groups.drawn.clear()
        groups.highlighted = 2
        await pilot.pause()
        assert set(groups.drawn) == {0, 2}


async def test_a_narrow_line_shortens_the_label_and_keeps_the_mark_whole() -> None:
    app = ListApp()
    widths = range(12, 41)
    async with app.run_test(size=(40, 10)) as pilot:
        groups = app.query_one(CountingList)
        groups.set_mark(1, "● 12 ✗")
        for width in widths:
            groups.styles.width = width
            await pilot.pause()
            line = groups.line_text(1)
            assert line.rstrip().endswith("● 12 ✗"), (width, line)
            assert "Webhook" in line or "…" in line, (width, line)
    print(f"{len(widths)} widths")
