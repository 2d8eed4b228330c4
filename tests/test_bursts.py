"""Keys typed ahead of a binding count for it: a burst of keys (an SSH link catching up)
arrives at once, and every binding that reads or acts on the edits (quit, review, leave,
revert) must see every key that came before it, whatever control holds the focus.

The bursts are sent as the terminal driver sends keys, all before the app handles any;
`test_nothing_lost.py` sends some through a real pseudo-terminal."""

from __future__ import annotations

import unicodedata
from collections.abc import Callable

import pytest
from textual import events
from textual.keys import REPLACED_KEYS, _character_to_key, _get_unicode_name_from_key

from tui_helpers import choose, control_of, dialog_message, focus, make_app, open_editor, wait_until
from voicedesk.fields import FIELDS
from voicedesk.sandbox import Sandbox
from voicedesk.tui.screens.editor import EditorScreen
from voicedesk.tui.screens.modals import Ask
from voicedesk.tui.screens.picker import PickerScreen
from voicedesk.tui.screens.prompt import PromptEditorScreen
from voicedesk.tui.screens.review import ReviewScreen
from voicedesk.tui.widgets import SchemaEditor


@pytest.fixture
def sandbox():
    with Sandbox(rate_limit=None) as server:
        yield server


def burst(app, keys: list[str]) -> None:
    """Queue every key at once, as the driver does with a burst read from the terminal
    (Pilot.press would wait for the app to handle each key before the next)."""
    for key in keys:
        if len(key) == 1 and not key.isalnum():
            key = _character_to_key(key)
        char: str | None
        try:
            char = unicodedata.lookup(_get_unicode_name_from_key(REPLACED_KEYS.get(key, key)))
        except KeyError:
            char = key if len(key) == 1 else None
        event = events.Key(key, char)
        event.set_sender(app)
        app._driver.send_message(event)


# The focused field and the keys that edit it (the first keys of each burst).
EDITS: dict[str, list[str]] = {
    "assistant_name": [*"XY"],  # Input: the session follows its value at once
    "initial_message": [*"XY"],  # TextArea: through its Changed message, later
    "speech_speed": ["right", "right"],  # Slider
    "record_call": ["space"],  # Switch
    "variables": [*"_x"],  # the key-value editor: its first key's Input
    "post_call_schema": [*"_x"],  # the schema editor: its first name's Input
}


async def quit_asks(pilot, editor: EditorScreen) -> None:
    await wait_until(pilot, lambda: isinstance(pilot.app.screen, Ask) or not pilot.app.is_running)
    assert pilot.app.is_running, "quit without asking"
    assert "1 unsaved change" in await dialog_message(pilot)
    await choose(pilot, "stay")


async def review_shows_it(pilot, editor: EditorScreen) -> None:
    app = pilot.app
    await wait_until(pilot, lambda: isinstance(app.screen, ReviewScreen)
                     or any("No changes" in str(n.message) for n in app._notifications))
    assert isinstance(app.screen, ReviewScreen), "no review"
    await wait_until(pilot, lambda: app.screen.query(".review-change"))
    [change] = app.screen.query(".review-change")
    assert str(change.render()).startswith(FIELDS[editor.editing.session.dirty[0]].label)
    await pilot.press("escape")


async def leave_asks(pilot, editor: EditorScreen) -> None:
    await wait_until(pilot, lambda: isinstance(pilot.app.screen, (Ask, PickerScreen)))
    assert isinstance(pilot.app.screen, Ask), "left without asking"
    assert pilot.app.screen.title_text == "Leave with unsaved changes?"
    await choose(pilot, "stay")


async def the_cell_edit_is_undone(pilot, editor: EditorScreen) -> None:
    """In the variables and schema tables Escape ends the cell's edit and undoes it
    (the README's keys): it must see the keys of that edit, and leave nothing behind."""
    await pilot.pause()
    assert pilot.app.screen is editor
    await wait_until(pilot, lambda: not editor.session.dirty)


async def revert_all_counts_it(pilot, editor: EditorScreen) -> None:
    app = pilot.app
    await wait_until(pilot, lambda: isinstance(app.screen, Ask)
                     or any("Nothing to revert" in str(n.message) for n in app._notifications))
    assert isinstance(app.screen, Ask), "nothing to revert"
    assert "1 unsaved change" in await dialog_message(pilot)
    await choose(pilot, "revert")
    await wait_until(pilot, lambda: app.screen is editor and not editor.session.dirty)


async def revert_field_reverts_it(pilot, editor: EditorScreen) -> None:
    await wait_until(pilot, lambda: any("Reverted" in str(n.message) or "unchanged" in str(n.message)
                                        for n in pilot.app._notifications))
    await pilot.pause()
    assert editor.editing.session.dirty == [], "the keys before ctrl+o came after the revert"


BINDINGS: dict[str, Callable] = {
    "ctrl+q": quit_asks,
    "ctrl+s": review_shows_it,
    "escape": leave_asks,
    "ctrl+r": revert_all_counts_it,
    "ctrl+o": revert_field_reverts_it,
}


# Keys that a field's control takes for itself, with what they do there instead.
OWN_KEYS: dict[str, dict[str, Callable]] = {
    "variables": {"escape": the_cell_edit_is_undone},
    "post_call_schema": {"escape": the_cell_edit_is_undone},
}


@pytest.mark.parametrize("name", list(EDITS))
async def test_a_binding_sees_every_key_typed_before_it(sandbox, name) -> None:
    app = make_app(sandbox, 101)
    async with app.run_test(size=(120, 36)) as pilot:
        editor = await open_editor(pilot)
        for key, outcome in {**BINDINGS, **OWN_KEYS.get(name, {})}.items():
            await focus(pilot, editor, name)
            app.clear_notifications()
            burst(app, [*EDITS[name], key])
            await outcome(pilot, editor)
            await wait_until(pilot, lambda: app.screen is editor)
            # Clean again for the next binding.
            editor.editing.session.revert_all()
            editor.reload_rows()
            await pilot.pause()
            assert editor.editing.session.dirty == []
    print(f"{len(BINDINGS)} bindings each saw the keys typed before them in {FIELDS[name].label}")


async def test_keys_after_a_command_key_go_where_it_moved_the_focus(sandbox) -> None:
    """Typed ahead of a screen that a key opens or closes, keys go to that screen: ctrl+f,
    the field's name, Enter, then a step of the slider it found; and the same with "/"
    (find) from a switch. Before, the name went into the field that had the focus."""
    app = make_app(sandbox, 101)
    async with app.run_test(size=(120, 36)) as pilot:
        editor = await open_editor(pilot)
        speed = editor.editing.session.value("speech_speed")
        cases = 0
        for start, opener in (("assistant_name", "ctrl+f"), ("record_call", "/")):
            await focus(pilot, editor, start)
            burst(app, [opener, *"speech_speed", "enter", "right"])
            await wait_until(pilot, lambda: editor.editing.session.dirty == ["speech_speed"])
            assert editor.editing.session.value("speech_speed") == pytest.approx(speed + 0.05)
            assert editor.rows["speech_speed"].control_has_focus
            editor.editing.session.revert_all()
            editor.reload_rows()
            await pilot.pause()
            cases += 1
    print(f"{cases} bursts typed ahead of the finder reached it")


async def test_typing_ahead_into_a_list_opens_it_once_and_filters_by_every_key(sandbox) -> None:
    """A list opens on typing, filtered by what is typed; typed faster than it opens,
    each key opened one more list, and the filter had only the last key. Every control
    that opens a list on typing: the form's lists and the schema table's type column."""
    from voicedesk.tui.widgets.search_select import SearchSelectScreen

    app = make_app(sandbox, 101)
    async with app.run_test(size=(120, 36)) as pilot:
        editor = await open_editor(pilot)
        cases = 0
        for name, keys, wanted in (
            ("language", [*"ital", "enter"], lambda: editor.editing.session.value("language") == "Italian"),
            ("timezone", [*"tokyo", "enter"], lambda: editor.editing.session.value("timezone") == "Asia/Tokyo"),
            ("voice_id", [*"adam", "enter"], lambda: editor.editing.session.is_dirty("voice_id")),
        ):
            await focus(pilot, editor, name)
            burst(app, keys)
            def back_and(done: Callable[[], bool] = wanted) -> bool:
                return app.screen is editor and done()

            await wait_until(pilot, back_and)
            assert not any(isinstance(screen, SearchSelectScreen) for screen in app.screen_stack)
            editor.editing.session.revert_all()
            editor.reload_rows()
            await pilot.pause()
            cases += 1
        schema = control_of(editor, "post_call_schema", SchemaEditor)
        await focus(pilot, editor, "post_call_schema")
        burst(app, ["right", *"nu", "enter"])  # the first row's type: "number"
        await wait_until(pilot, lambda: app.screen is editor and editor.editing.session.is_dirty("post_call_schema"))
        assert schema.value[0]["type"] == "number"
        assert not any(isinstance(screen, SearchSelectScreen) for screen in app.screen_stack)
        cases += 1
    print(f"{cases} bursts typed into lists opened one list each")


async def test_ctrl_q_and_ctrl_s_in_the_prompt_editor_see_its_typing(sandbox) -> None:
    app = make_app(sandbox, 101)
    async with app.run_test(size=(120, 36)) as pilot:
        editor = await open_editor(pilot)
        original = editor.editing.session.value("system_prompt")
        for key, outcome in (("ctrl+q", quit_asks), ("ctrl+s", review_shows_it), ("escape", None)):
            await focus(pilot, editor, "system_prompt")
            await pilot.press("enter")
            await wait_until(pilot, lambda: isinstance(app.screen, PromptEditorScreen))
            burst(app, [*"Kind. ", key])
            if outcome is not None:
                await outcome(pilot, editor)

            def left(quitting: bool = key == "ctrl+q") -> bool:
                if quitting:
                    return app.screen is not editor and not isinstance(app.screen, Ask)
                return app.screen is editor

            await wait_until(pilot, left)
            if key == "ctrl+q":  # back in the prompt editor: leave it
                await pilot.press("escape")
                await wait_until(pilot, lambda: app.screen is editor)
            assert editor.editing.session.value("system_prompt") == "Kind. " + original
            editor.editing.session.revert_all()
            editor.reload_rows()


def test_no_key_bound_with_priority_is_one_a_focused_widget_keeps() -> None:
    """A priority binding takes its key before the focused widget sees it: bound to a key
    that types (a letter, Enter, Tab, space, backspace), it would take that key from
    every text field. Only help's q is such a key, on a screen with nothing to type into."""
    import importlib
    import inspect
    import pkgutil

    from textual.binding import Binding
    from textual.dom import DOMNode

    import voicedesk.tui
    from voicedesk.tui.screens.help import HelpScreen

    typing_keys = {"enter", "tab", "space", "backspace"}
    checked = 0
    for module_info in pkgutil.walk_packages(voicedesk.tui.__path__, "voicedesk.tui."):
        module = importlib.import_module(module_info.name)
        for _, cls in inspect.getmembers(module, inspect.isclass):
            if not issubclass(cls, DOMNode) or cls.__module__ != module.__name__:
                continue
            for binding in cls.BINDINGS:
                if not (isinstance(binding, Binding) and binding.priority):
                    continue
                for key in binding.key.split(","):
                    key = key.strip()
                    checked += 1
                    types = len(key) == 1 or key in typing_keys
                    assert not types or cls is HelpScreen, (cls.__name__, key)
    print(f"{checked} keys bound with priority, none kept by a widget that types")
