"""KeyBar, every screen's footer: the keys that apply to the focus, and clicks on them."""

from __future__ import annotations

from pathlib import Path

from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.widgets import Input, Static

import voicedesk.tui.widgets as widgets_package
from voicedesk.tui.widgets import KeyBar

STYLESHEET = Path(widgets_package.__file__).parent.parent / "voicedesk.tcss"


class Box(Static, can_focus=True):
    BINDINGS = [
        Binding("ctrl+o", "open", "Open"),
        Binding("o", "open", "Open too"),  # a second key for an action: shown once
        Binding("ctrl+g", "greyed", "Greyed"),
        Binding("ctrl+h", "hidden", "Hidden", show=False),
    ]

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        return None if action == "greyed" else True  # None: shown, but disabled

    def action_open(self) -> None:
        self.app.opened += 1  # type: ignore[attr-defined]  # BarApp's counter; self.app is typed as any App


class BarApp(App[None]):
    CSS_PATH = STYLESHEET
    BINDINGS = [Binding("ctrl+s", "save", "Save")]

    def __init__(self) -> None:
        super().__init__()
        self.saved = self.opened = self.bells = 0

    def compose(self) -> ComposeResult:
        yield Input(id="text")
        yield Box("box", id="box")
        yield KeyBar()

    def action_save(self) -> None:
        self.saved += 1

    def bell(self) -> None:
        self.bells += 1


def keys(app: BarApp) -> list[tuple[str, str, bool]]:
    return [(k.display, k.description, k.enabled) for k in app.query_one(KeyBar).shown]


def bar_text(app: BarApp) -> str:
    return app.query_one(KeyBar).render_line(0).text.rstrip()


async def test_the_bar_follows_the_focus() -> None:
    app = BarApp()
    async with app.run_test(size=(100, 5)) as pilot:
        app.query_one("#text").focus()
        await pilot.pause()
        assert ("^s", "Save", True) in keys(app)
        assert not any(description.startswith("Open") for _, description, _ in keys(app))
        app.query_one("#box").focus()
        await pilot.pause()
        shown = keys(app)
        assert ("^o", "Open", True) in shown and ("^s", "Save", True) in shown
        assert ("^g", "Greyed", False) in shown
        assert not any(d in ("Open too", "Hidden") for _, d, _ in shown)
        assert shown[-1][1] == "palette" and bar_text(app).rstrip().endswith("^p palette")


async def test_clicking_a_key_presses_it_and_a_disabled_key_only_rings() -> None:
    app = BarApp()
    async with app.run_test(size=(100, 5)) as pilot:
        app.query_one("#box").focus()
        await pilot.pause()
        text = bar_text(app)
        await pilot.click(KeyBar, offset=(text.index("Open") + 1, 0))
        await pilot.click(KeyBar, offset=(text.index("Save"), 0))
        await pilot.click(KeyBar, offset=(text.index("Greyed"), 0))
        await pilot.pause()
        assert (app.opened, app.saved, app.bells) == (1, 1, 1)


class QuitHelpApp(BarApp):
    BINDINGS = [Binding("ctrl+s", "save", "Save"), Binding("f1", "help", "Help"), Binding("ctrl+q", "quit", "Quit")]

    def action_help(self) -> None:
        pass


async def test_a_narrow_bar_leaves_out_whole_keys_from_the_right_and_keeps_quit_help_and_the_palette() -> None:
    app = QuitHelpApp()
    widths = range(34, 101)
    async with app.run_test(size=(100, 5)) as pilot:
        app.query_one("#box").focus()
        await pilot.pause()
        bar = app.query_one(KeyBar)
        every = [(k.display, k.description) for k in bar.shown]
        for width in widths:
            await pilot.resize_terminal(width, 5)
            await pilot.pause()
            text = bar.render_line(0).text
            drawn = [(k.display, k.description) for k in bar.shown]
            # Whole keys only, in their order, each drawn as " key description ".
            assert drawn == [key for key in every if key in drawn], width
            assert all(f" {display} {description} " in text + " " for display, description in drawn), (width, text)
            assert {"Quit", "Help", "palette"} <= {description for _, description in drawn}, (width, text)
            left_out = [key for key in every if key not in drawn]
            # What goes first is the last of the others (the least important).
            others = [key for key in every if key[1] not in ("Quit", "Help", "palette")]
            assert left_out == others[len(others) - len(left_out):], (width, left_out)
    print(f"{len(widths)} widths")


async def test_delete_on_a_nullable_number_is_named_for_what_it_sets() -> None:
    """In the 2026 editor delete sets a nullable number to none: "Off" for most, and
    "Automatic" for the turn detection threshold, whose none means automatic."""
    from tui_helpers import focus, make_app, open_editor
    from voicedesk.fields import Dialect, catalogue
    from voicedesk.sandbox import Sandbox

    nullable = [f.name for f in catalogue(Dialect.D2026).fields if f.nullable and f.ranged and f.is_numeric]
    with Sandbox(rate_limit=None, dialect="2026") as sandbox:
        app = make_app(sandbox, 101)
        async with app.run_test(size=(120, 36)) as pilot:
            editor = await open_editor(pilot)
            for name in nullable:
                await focus(pilot, editor, name)
                await pilot.pause()
                named = {k.description for k in app.screen.query_one(KeyBar).shown if k.display == "del"}
                assert named == {"Automatic" if name == "turn_detection_threshold" else "Off"}, (name, named)
    print(f"{len(nullable)} nullable numbers")
