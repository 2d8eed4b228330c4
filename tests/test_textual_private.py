"""A canary for Textual's private API: every private name voicedesk relies on (fenced in
`voicedesk/tui/textual_private.py`, plus the terminal driver's and the app's few) still
exists in the installed Textual with the shape voicedesk uses. After a Textual upgrade a
failure here names what changed, before some screen misbehaves quietly."""

from __future__ import annotations

import asyncio
import inspect

import pytest
import textual
from textual.app import App, ComposeResult
from textual.drivers.linux_driver import LinuxDriver
from textual.geometry import Size
from textual.scroll_view import ScrollView
from textual.strip import Strip
from textual.widget import Widget
from textual.widgets import Input, OptionList, TextArea
from textual.widgets.text_area import Document

from voicedesk.tui.textual_private import (
    OwnVirtualSize,
    being_removed,
    hovered_option,
    pump_task,
    share_lines,
    update_scrollbars,
)

WHERE = f"(Textual {textual.__version__}; see voicedesk/tui/textual_private.py)"


def parameters_of(owner: type, name: str) -> list[str]:
    """The parameter names of `owner.name`, failing clearly when it is gone."""
    method = getattr(owner, name, None)
    assert callable(method), f"Textual's private {owner.__name__}.{name} is gone {WHERE}"
    return list(inspect.signature(method).parameters)


# (class, private method, the parameters voicedesk calls it with or overrides it with)
METHODS = [
    (ScrollView, "_size_updated", ["self", "size", "virtual_size", "container_size", "layout"]),
    (Widget, "_scroll_update", ["self", "virtual_size"]),
    (TextArea, "_set_document", ["self", "text", "language"]),
    (TextArea, "_build_highlight_map", ["self"]),
    (TextArea, "_rewrap_and_refresh_virtual_size", ["self"]),
    (LinuxDriver, "_sigcont_application", ["self"]),  # tui/driver.py overrides it
]


@pytest.mark.parametrize("owner, name, expected", METHODS, ids=lambda v: getattr(v, "__name__", str(v)))
def test_private_methods_keep_their_signatures(owner, name, expected) -> None:
    found = [p for p in parameters_of(owner, name) if p not in ("args", "_")]
    assert found == [p for p in expected if p not in ("args", "_")], (
        f"Textual's private {owner.__name__}.{name} now takes {found}, voicedesk expects {expected} {WHERE}"
    )


def test_a_document_keeps_its_lines_and_newline_where_share_lines_puts_them() -> None:
    document = Document("first\r\nsecond")
    assert getattr(document, "_lines", None) == ["first", "second"], f"Document._lines changed {WHERE}"
    assert getattr(document, "_newline", None) == "\r\n", f"Document._newline changed {WHERE}"
    lines = ["one", "two"]
    share_lines(document, lines)
    lines.append("three")  # kept by someone else, edited in place
    assert document.text == "one\ntwo\nthree", f"Document no longer reads its text from _lines {WHERE}"
    assert document.line_count == 3


def test_a_text_area_has_the_highlight_query_the_fence_resets() -> None:
    area = TextArea()
    assert hasattr(area, "_highlight_query"), f"TextArea._highlight_query is gone {WHERE}"


async def test_the_driver_and_app_attributes_used_outside_the_fence_exist() -> None:
    # tui/driver.py reads these of a LinuxDriver, tui/app.py reads App._driver.
    driver = LinuxDriver(App())
    for name in ("_must_signal_resume", "_writer_thread", "_file"):
        assert hasattr(driver, name), f"Textual's LinuxDriver.{name} is gone {WHERE}"
    assert hasattr(App(), "_driver"), f"Textual's App._driver is gone {WHERE}"


class Grid(OwnVirtualSize):
    def render_line(self, y: int) -> Strip:
        return Strip.blank(self.size.width)


class CanaryApp(App[None]):
    def compose(self) -> ComposeResult:
        yield Input(id="input")
        yield Grid(id="grid")
        yield OptionList(*[f"option {n}" for n in range(20)], id="options")


async def test_the_fenced_accesses_still_do_their_jobs() -> None:
    app = CanaryApp()
    async with app.run_test(size=(60, 30)) as pilot:
        grid = app.query_one(Grid)
        grid.styles.height = 5
        await pilot.pause()
        grid.set_reactive(ScrollView.virtual_size, Size(0, 200))
        update_scrollbars(grid, Size(0, 200))
        grid.scroll_to(y=150, animate=False, immediate=True)
        await pilot.press("x")
        await pilot.pause()
        # The layouts that follow (each keystroke in the Input asks for one) offer the
        # viewport as the virtual size: compared with the grid's own, nothing changed, so
        # the scrollbars are not updated (and repainted) again.
        updates: list[Size] = []
        update = grid._scroll_update

        def counted(virtual_size: Size) -> None:
            updates.append(virtual_size)
            update(virtual_size)

        grid._scroll_update = counted  # type: ignore[method-assign]  # a spy in place of the method
        await pilot.press("a", "b")
        await pilot.pause()
        assert updates == [], f"ScrollView._size_updated no longer gets the virtual size it compares {WHERE}"
        assert grid.virtual_size == Size(0, 200) and grid.scroll_y == 150
        grid.set_reactive(ScrollView.virtual_size, Size(0, 20))
        update_scrollbars(grid, Size(0, 20))
        assert grid.scroll_y == grid.max_scroll_y == 15, f"Widget._scroll_update no longer clamps the offset {WHERE}"

        # The option under the mouse.
        options = app.query_one(OptionList)
        assert hovered_option(options) is None
        await pilot.hover(options, offset=(3, 2))
        await pilot.pause()
        assert hovered_option(options) == 1, f"OptionList._mouse_hovering_over changed {WHERE}"

        # A pump's task: the one its handlers run in.
        ran_in: list[object] = []
        grid.call_later(lambda: ran_in.append(asyncio.current_task()))
        await pilot.pause()
        assert ran_in and pump_task(grid) is ran_in[0], f"MessagePump._task is no longer the pump's task {WHERE}"
        assert pump_task(app) is not pump_task(grid)


class Child(Widget):
    seen: list[tuple[bool, bool]] = []

    def on_unmount(self) -> None:
        # Children go first: the screen is still attached here, its widgets are leaving.
        screen = self.screen
        Child.seen.append((screen.is_attached, being_removed(screen)))


class ClosingApp(App[None]):
    def compose(self) -> ComposeResult:
        yield Child()


async def test_a_screen_whose_widgets_are_being_removed_counts_as_being_removed() -> None:
    # The window a worker of the picker once fell into at exit (NoMatches on its table):
    # `is_attached` still says yes, `being_removed` says no.
    Child.seen = []
    app = ClosingApp()
    async with app.run_test() as pilot:
        screen = app.screen
        assert not being_removed(screen)
        await pilot.pause()
    assert Child.seen == [(True, True)], f"the prune's window changed: {Child.seen} {WHERE}"
    assert being_removed(screen)
