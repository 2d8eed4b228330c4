"""Each reusable widget carries its look in its DEFAULT_CSS: mounted in a bare App (no
stylesheet of the app's), it has its size, colours and component styles. Each case is
also run with that DEFAULT_CSS removed, and must then find something missing: the
checks look at what the DEFAULT_CSS gives."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pytest
from textual.app import App, ComposeResult
from textual.color import Color
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import OptionList

from voicedesk.tui.widgets import (
    AssistantTable,
    GroupList,
    KeyBar,
    KeyValueEditor,
    OnOffSwitch,
    SearchSelect,
    SearchSelectScreen,
    Slider,
    ToggleChoice,
    ToolEditor,
)
from voicedesk.tui.widgets.rows import RowEditor


def colour(app: App[None], variable: str) -> Color:
    return Color.parse(app.theme_variables[variable])


def drawn(widget: Widget) -> list[str]:
    return [] if widget.region.width and widget.region.height else [f"{widget} is not drawn: {widget.region}"]


def one_line(app: App[None], widget: Widget, what: str, background: str, bold: str | None = None) -> list[str]:
    """A one-line control: drawn one line high on its background, `bold` part bold."""
    problems = drawn(widget)
    if widget.region.height != 1:
        problems.append(f"{what} is one line high, not {widget.region.height}")
    if widget.styles.background != colour(app, background):
        problems.append(f"{what}'s background is ${background}, not {widget.styles.background}")
    if bold is not None and not widget.get_component_rich_style(bold).bold:
        problems.append(f"{what}'s {bold} is bold")
    return problems


def check_slider(app: App[None], slider: Widget) -> list[str]:
    return one_line(app, slider, "a slider", "surface", "slider--value")


def check_on_off(app: App[None], switch: Widget) -> list[str]:
    return one_line(app, switch, "an on/off switch", "surface", "on-off--word")


def check_toggle_choice(app: App[None], choice: Widget) -> list[str]:
    return one_line(app, choice, "a choice of two", "surface", "toggle-choice--chosen")


def check_search_select(app: App[None], select: Widget) -> list[str]:
    return one_line(app, select, "a search select", "surface")


def check_picker(app: App[None], _: Widget) -> list[str]:
    screen = app.screen
    assert isinstance(screen, SearchSelectScreen)
    query, options = screen.query_one("#search-select-query"), screen.option_list
    problems = drawn(query) + drawn(options)
    if query.styles.border.top[0] != "round":
        problems.append(f"the filter box has a round border, not {query.styles.border.top[0]!r}")
    if options.styles.scrollbar_size_vertical != 0:
        problems.append("the list has no scroll bar (the count line says how much there is)")
    if screen.query_one("#search-select-dialog").region.width > 76:
        problems.append("the dialog is at most 76 cells wide")
    return problems


def check_rows(app: App[None], editor: Widget) -> list[str]:
    grid = editor.query_one(".editor-grid")
    problems = drawn(editor) + drawn(grid)
    if grid.styles.scrollbar_size_vertical != 0:
        problems.append("the grid draws its own scroll indicator, not a scroll bar")
    if not grid.get_component_rich_style("row-grid--heading").bold:
        problems.append("the grid's heading is bold")
    if editor.region.height >= app.size.height:
        problems.append(f"the editor is as high as its rows, not the screen ({editor.region.height})")
    return problems


def check_table(app: App[None], table: Widget) -> list[str]:
    problems = drawn(table)
    if table.styles.scrollbar_size_vertical != 0:
        problems.append("the table draws its own scroll indicator, not a scroll bar")
    if table.styles.background != colour(app, "surface"):
        problems.append(f"the table's background is the surface, not {table.styles.background}")
    if not table.get_component_rich_style("assistant-table--header").bold:
        problems.append("the table's header is bold")
    return problems


def check_key_bar(app: App[None], bar: Widget) -> list[str]:
    return one_line(app, bar, "the key bar", "footer-background", "key-bar--key")


def check_group_list(app: App[None], groups: Widget) -> list[str]:
    problems = drawn(groups)
    if groups.styles.background != colour(app, "surface"):
        problems.append(f"the group list's background is the surface, not {groups.styles.background}")
    highlight = groups.get_component_rich_style("group-list--highlight", partial=False).bgcolor
    if highlight is None or Color.from_rich_color(highlight) == groups.styles.background:
        problems.append("the highlighted group stands out")
    return problems


def check_tools(app: App[None], tools: Widget) -> list[str]:
    problems = drawn(tools)
    if tools.query_one(OptionList).styles.background.a != 0:
        problems.append("the tools list is transparent: its highlight shows only while it has the focus")
    return problems


@dataclass
class Case:
    owner: type[Widget]  # whose DEFAULT_CSS gives the look
    make: Callable[[], Widget]
    check: Callable[[App[None], Widget], list[str]]
    opens: bool = False  # the widget is a screen, pushed rather than mounted


CASES = {
    "slider": Case(Slider, lambda: Slider(0.85, 0.7, 1.2, 0.05, unit="x"), check_slider),
    "search_select": Case(SearchSelect, lambda: SearchSelect([("German", "de"), ("French", "fr")], "de"),
                          check_search_select),
    "search_select_screen": Case(SearchSelectScreen, lambda: SearchSelectScreen(
        [f"Voice {n}" for n in range(50)], 3, title="Voice"), check_picker, opens=True),
    "on_off_switch": Case(OnOffSwitch, lambda: OnOffSwitch(True), check_on_off),
    "toggle_choice": Case(ToggleChoice, lambda: ToggleChoice([("Inbound", "in"), ("Outbound", "out")], "in"),
                          check_toggle_choice),
    "row_editor": Case(RowEditor, lambda: KeyValueEditor({"city": "Berlin", "tone": "warm"}), check_rows),
    "assistant_table": Case(AssistantTable, AssistantTable, check_table),
    "key_bar": Case(KeyBar, KeyBar, check_key_bar),
    "group_list": Case(GroupList, lambda: GroupList(["Basics", "Voice", "Call behaviour"]), check_group_list),
    "tool_editor": Case(ToolEditor, lambda: ToolEditor([{"type": "end_call"}]), check_tools),
}


class Bare(App[None]):
    """No CSS_PATH, no CSS: only the widgets' own DEFAULT_CSS (and Textual's)."""

    AUTO_FOCUS = None  # the look at rest

    def __init__(self, case: Case) -> None:
        super().__init__()
        self.case = case
        self.widget = case.make()

    def compose(self) -> ComposeResult:
        if not self.case.opens:
            yield self.widget

    def on_mount(self) -> None:
        if self.case.opens:
            assert isinstance(self.widget, Screen)
            self.push_screen(self.widget)


async def problems_of(case: Case) -> list[str]:
    app = Bare(case)
    async with app.run_test(size=(100, 24)) as pilot:
        await pilot.pause()
        if isinstance(app.widget, AssistantTable):
            app.widget.set_rows([(1, "Hotline", "inbound", "pipeline", "-", "active")])
            await pilot.pause()
        return case.check(app, app.widget)


@pytest.mark.parametrize("name", list(CASES))
async def test_a_widget_in_a_bare_app_has_its_own_look(name) -> None:
    assert await problems_of(CASES[name]) == []


@pytest.mark.parametrize("name", list(CASES))
async def test_without_its_default_css_the_check_finds_it_missing(name, monkeypatch) -> None:
    case = CASES[name]
    assert case.owner.__dict__.get("DEFAULT_CSS"), f"{case.owner.__name__} has no DEFAULT_CSS of its own"
    monkeypatch.setattr(case.owner, "DEFAULT_CSS", "")
    assert await problems_of(case) != []
