"""Never overwrite someone else's change silently: the sandbox's state changes between
loading and saving, in the session layer, the CLI and the TUI."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from textual.widgets import RadioButton, RadioSet

from tui_helpers import make_app, open_editor, puts, wait_until
from voicedesk.api import ApiClient
from voicedesk.remote import SaveConflict, open_session, save
from voicedesk.sandbox import DEMO_API_KEY, Sandbox
from voicedesk.tui.screens.conflicts import ConflictScreen
from voicedesk.tui.screens.editor import EditorScreen
from voicedesk.tui.screens.review import ReviewScreen
from voicedesk.tui.widgets import KeyBar


@pytest.fixture
def sandbox():
    with Sandbox(rate_limit=None) as server:
        yield server


async def test_remote_changes_to_untouched_fields_are_adopted_not_overwritten(sandbox) -> None:
    async with ApiClient(sandbox.base_url, DEMO_API_KEY) as client:
        session, _ = await open_session(client, 101)
        session.set("speech_speed", 1.1)
        sandbox.edit_assistant(101, name="Renamed by a colleague", max_duration=900)
        result = await save(client, session)
    assert [change.field for change in result.adopted] == ["assistant_name", "max_call_duration"]
    [put] = puts(sandbox)
    assert put.body == {"speech_speed": 1.1}
    record = sandbox.assistant(101)
    assert record["name"] == "Renamed by a colleague" and record["max_duration"] == 900
    assert session.value("assistant_name") == "Renamed by a colleague" and session.dirty == []


async def test_a_field_changed_on_both_sides_is_a_conflict_and_nothing_is_sent(sandbox) -> None:
    async with ApiClient(sandbox.base_url, DEMO_API_KEY) as client:
        session, _ = await open_session(client, 101)
        session.set("speech_speed", 1.1)
        session.set("record_call", False)
        sandbox.edit_assistant(101, speech_speed="0.9")
        with pytest.raises(SaveConflict) as raised:
            await save(client, session)
        [conflict] = raised.value.conflicts
        assert (conflict.field, conflict.base, conflict.mine, conflict.theirs) == ("speech_speed", 1.0, 1.1, 0.9)
        assert puts(sandbox) == []
        assert session.value("speech_speed") == 1.1  # the edit stays
        result = await save(client, session, force=True)  # keep mine
    assert puts(sandbox)[0].body == {"speech_speed": 1.1, "record_call": False}
    assert result.changes and sandbox.assistant(101)["speech_speed"] == "1.1"


async def test_both_sides_making_the_same_change_is_no_conflict(sandbox) -> None:
    async with ApiClient(sandbox.base_url, DEMO_API_KEY) as client:
        session, _ = await open_session(client, 101)
        session.set("speech_speed", 1.1)
        sandbox.edit_assistant(101, speech_speed="1.1")
        result = await save(client, session)
    assert result.sent == {} and puts(sandbox) == []


# --- the CLI: someone edits while the confirmation prompt waits --------------------------

def run_cli_with_a_colleague(sandbox: Sandbox, *args: str, colleague) -> tuple[int, str, str]:
    """Run `voicedesk set ...` on a terminal; at its prompt, the colleague edits; then 'y'."""
    script = Path(sys.executable).parent / "voicedesk"
    primary, secondary = os.openpty()
    process = subprocess.Popen(
        [str(script), "--base-url", sandbox.base_url, "--api-key", DEMO_API_KEY, *args],
        stdin=secondary, stdout=secondary, stderr=secondary,  # asked only on a terminal
    )
    os.close(secondary)
    try:
        deadline = time.monotonic() + 30
        seen = b""
        while b"Send these changes?" not in seen:
            assert time.monotonic() < deadline, seen
            seen += os.read(primary, 4096)
        colleague()
        os.write(primary, b"y\n")
        process.wait(timeout=30)
        out = b""
        while True:  # the rest of what it wrote to the terminal
            try:
                chunk = os.read(primary, 4096)
            except OSError:  # EIO: it has exited
                break
            if not chunk:
                break
            out += chunk
    finally:
        os.close(primary)
    return process.returncode, (seen + out).decode(), (seen + out).decode()  # one terminal


def test_cli_refuses_on_a_conflict_naming_the_field(sandbox) -> None:
    code, _, err = run_cli_with_a_colleague(
        sandbox, "set", "101", "speech_speed=1.1", colleague=lambda: sandbox.edit_assistant(101, speech_speed="0.9")
    )
    assert code == 2
    assert "speech_speed changed on the server meanwhile" in err and "--force" in err
    assert puts(sandbox) == [] and sandbox.assistant(101)["speech_speed"] == "0.9"


def test_cli_force_overwrites_and_mentions_adopted_fields(sandbox) -> None:
    def colleague() -> None:
        sandbox.edit_assistant(101, speech_speed="0.9", max_duration=900)

    code, out, err = run_cli_with_a_colleague(sandbox, "set", "101", "speech_speed=1.1", "--force", colleague=colleague)
    assert code == 0, err
    assert "max_call_duration changed on the server meanwhile" in err
    assert puts(sandbox)[0].body == {"speech_speed": 1.1}
    assert sandbox.assistant(101)["max_duration"] == 900


# --- the TUI: the conflict view -----------------------------------------------------------

async def start_saving(pilot, field: str, key: str) -> EditorScreen:
    editor = await open_editor(pilot)
    await editor.focus_field(field)
    await wait_until(pilot, lambda: editor.rows[field].control_has_focus)
    await pilot.press(key)
    return editor


@pytest.mark.parametrize("choice, expected_body, stored", [
    ("mine", {"speech_speed": 1.05, "record_call": False}, "1.05"),
    ("theirs", {"record_call": False}, "0.8"),
])
async def test_tui_conflict_view_lets_the_user_pick_per_field(sandbox, choice, expected_body, stored) -> None:
    app = make_app(sandbox, 101)
    async with app.run_test(size=(120, 36)) as pilot:
        editor = await start_saving(pilot, "speech_speed", "right")
        editor.editing.session.set("record_call", False)
        editor.reload_rows()
        sandbox.edit_assistant(101, speech_speed="0.8", name="Renamed meanwhile")
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: isinstance(app.screen, ReviewScreen))
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: isinstance(app.screen, ConflictScreen))
        assert puts(sandbox) == []
        radio = app.screen.query_one("#choice-speech_speed", RadioSet)
        if choice == "theirs":
            radio.query(RadioButton)[1].value = True
        await pilot.click("#conflict-send")
        await wait_until(pilot, lambda: isinstance(app.screen, EditorScreen) and not editor.editing.session.dirty)
        assert editor.editing.session.value("assistant_name") == "Renamed meanwhile"  # adopted
    [put] = puts(sandbox)
    assert put.body == expected_body
    assert sandbox.assistant(101)["speech_speed"] == stored


async def test_the_conflict_view_is_worked_from_the_keyboard_and_no_notice_covers_it(sandbox) -> None:
    app = make_app(sandbox, 101)
    async with app.run_test(size=(80, 24)) as pilot:
        editor = await start_saving(pilot, "speech_speed", "right")
        sandbox.edit_assistant(101, speech_speed="0.8")
        app.notify("said before the conflict")
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: isinstance(app.screen, ReviewScreen))
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: isinstance(app.screen, ConflictScreen))
        screen = app.screen
        await pilot.pause()
        assert isinstance(app.focused, RadioSet) and app.focused.id == "choice-speech_speed"
        shown = {key.key: key.description for key in screen.query_one(KeyBar).shown}
        assert shown["ctrl+s"] == "Send with these choices" and shown["escape"] == "Back to editing"
        assert not app._notifications, "a notice from before covers the dialog"
        app.notify("said while the conflict is open")
        assert not app._notifications
        await pilot.press("t")  # all theirs
        mine, theirs = (str(button.render()) for button in screen.query(RadioButton))
        assert "●" in theirs and "●" not in mine, "the choice reads without colour"
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: app.screen is editor and not editor.editing.session.dirty)
        assert any("said while the conflict is open" in str(n.message) for n in app._notifications)
    assert puts(sandbox) == []  # theirs everywhere: nothing left to send
    assert sandbox.assistant(101)["speech_speed"] == "0.8"
