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


async def test_a_narrow_bar_crops_and_drops_the_palette_key() -> None:
    app = BarApp()
    async with app.run_test(size=(20, 5)) as pilot:
        app.query_one("#box").focus()
        await pilot.pause()
        text = bar_text(app)
        assert "palette" not in text and text.startswith(" ^o Open ")  # the focused widget's keys come first


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
