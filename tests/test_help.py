"""F1 shows the keys of the screen it is pressed on, every key that works there."""

from __future__ import annotations

import pytest

from tui_helpers import focus, make_app, open_editor, wait_until
from voicedesk.sandbox import Sandbox
from voicedesk.tui.screens.help import HelpScreen
from voicedesk.tui.screens.picker import PickerScreen
from voicedesk.tui.screens.prompt import PromptEditorScreen
from voicedesk.tui.screens.review import ReviewScreen


@pytest.fixture
def sandbox():
    with Sandbox(rate_limit=None) as server:
        yield server


async def help_on(pilot) -> tuple[str, str]:
    """The help's title and text for the screen on top; closed again after."""
    under = pilot.app.screen
    await pilot.press("f1")
    await wait_until(pilot, lambda: isinstance(pilot.app.screen, HelpScreen))
    screen = pilot.app.screen
    assert isinstance(screen, HelpScreen)
    title = str(screen.query_one("#help-title").render())
    from voicedesk.tui.screens.help import help_text

    text = help_text(screen.fields, screen.keys, screen.where).plain
    await pilot.press("escape")
    await wait_until(pilot, lambda: pilot.app.screen is under)
    return title, text


async def test_f1_lists_the_keys_of_the_screen_it_is_pressed_on(sandbox) -> None:
    app = make_app(sandbox)
    seen = {}
    async with app.run_test(size=(120, 36)) as pilot:
        await wait_until(pilot, lambda: isinstance(app.screen, PickerScreen) and app.screen.query("AssistantTable"))
        seen["picker"] = await help_on(pilot)
        await pilot.press("enter")
        editor = await open_editor(pilot)
        seen["editor"] = await help_on(pilot)
        await focus(pilot, editor, "system_prompt")
        await pilot.press("enter")
        await wait_until(pilot, lambda: isinstance(app.screen, PromptEditorScreen))
        seen["prompt"] = await help_on(pilot)
        await pilot.press("x", "escape")
        await wait_until(pilot, lambda: app.screen is editor)
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: isinstance(app.screen, ReviewScreen))
        seen["review"] = await help_on(pilot)
    expected = {
        "picker": ["Reload", "Filter", "Copy id", "Quit", "Help"],
        "editor": ["Review & save", "Find field", "Revert field", "Revert all", "Undo", "Next group", "Quit",
                   "What operators see in lists"],  # and what the fields mean
        "prompt": ["Find", "Replace", "Next match", "$EDITOR", "Revert field", "Back to the form"],
        "review": ["Send", "Back to editing", "Body JSON", "Copy changes", "Copy body"],
    }
    for where, words in expected.items():
        title, text = seen[where]
        missing = [word for word in words if word not in text]
        assert not missing, (where, missing)
    assert [seen[where][0].removeprefix("voicedesk help: ") for where in expected] == [
        "the assistants", "the editor", "the text editor", "the review"]
    assert "Keys of the editor's controls" not in seen["review"][1]  # only over an editor
    print(f"{sum(map(len, expected.values()))} keys on {len(expected)} screens")
