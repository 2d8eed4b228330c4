"""A dropped session loses nothing: drafts in the editor, and the app killed mid-edit."""

from __future__ import annotations

import json
import os
import signal
import stat
import time
from pathlib import Path

import pytest
from tui_helpers import Terminal, choose, dialog_message, make_app, puts, wait_until

from voicedesk.drafts import DraftStore
from voicedesk.sandbox import DEMO_API_KEY, Sandbox
from voicedesk.tui.screens.editor import EditorScreen
from voicedesk.tui.screens.modals import Ask
from voicedesk.tui.screens.review import ReviewScreen


@pytest.fixture
def sandbox():
    with Sandbox(rate_limit=None) as server:
        yield server


def draft_files() -> list[Path]:
    return sorted((Path(os.environ["VOICEDESK_STATE_DIR"]) / "drafts").glob("*.json"))


def drafted_name() -> str | None:
    files = draft_files()
    if not files:
        return None
    try:
        return json.loads(files[0].read_text())["fields"]["assistant_name"]["value"]
    except (ValueError, KeyError):
        return None


async def ready_editor(pilot) -> EditorScreen:
    await wait_until(pilot, lambda: isinstance(pilot.app.screen, EditorScreen) and pilot.app.screen.ready)
    return pilot.app.screen


async def edit_name(pilot, editor: EditorScreen, suffix: str) -> None:
    await editor.focus_field("assistant_name")
    await wait_until(pilot, lambda: editor.rows["assistant_name"].control_has_focus)
    await pilot.press("end", *suffix)


async def test_an_edit_reaches_a_private_draft_within_a_second(sandbox) -> None:
    app = make_app(sandbox, 101)
    async with app.run_test(size=(120, 36)) as pilot:
        editor = await ready_editor(pilot)
        await edit_name(pilot, editor, " (draft)")
        # Debounced: the file follows the typing (how soon is the benchmark's business).
        await wait_until(pilot, lambda: drafted_name() == "Bright Smile Dental – Reception (draft)")
        [path] = draft_files()
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
        assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
        assert DEMO_API_KEY not in path.read_text()


async def test_reopening_offers_restore_showing_the_server_value(sandbox) -> None:
    app = make_app(sandbox, 101)
    async with app.run_test(size=(120, 36)) as pilot:
        editor = await ready_editor(pilot)
        await edit_name(pilot, editor, " v2")
        await wait_until(pilot, lambda: drafted_name() == "Bright Smile Dental – Reception v2")
    sandbox.edit_assistant(101, max_duration=900)  # unrelated change meanwhile
    app = make_app(sandbox, 101)
    async with app.run_test(size=(120, 36)) as pilot:
        message = await dialog_message(pilot)
        assert "Reception v2" in message and "server: Bright Smile Dental – Reception" in message
        await choose(pilot, "restore")
        editor = await ready_editor(pilot)
        await wait_until(pilot, lambda: editor.session.dirty == ["assistant_name"])
        assert editor.rows["assistant_name"].control.value.endswith(" v2")
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: isinstance(app.screen, ReviewScreen))
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: not editor.session.dirty)
        assert draft_files() == []  # a successful save removes the draft
    assert puts(sandbox)[0].body == {"assistant_name": "Bright Smile Dental – Reception v2"}


async def test_discarding_the_draft_removes_it(sandbox) -> None:
    app = make_app(sandbox, 101)
    async with app.run_test(size=(120, 36)) as pilot:
        editor = await ready_editor(pilot)
        await edit_name(pilot, editor, "!")
        await wait_until(pilot, lambda: drafted_name() == "Bright Smile Dental – Reception!")
    app = make_app(sandbox, 101)
    async with app.run_test(size=(120, 36)) as pilot:
        await wait_until(pilot, lambda: isinstance(app.screen, Ask))
        await choose(pilot, "discard")
        editor = await ready_editor(pilot)
        await pilot.pause()
        assert editor.session.dirty == [] and draft_files() == []


async def test_a_corrupt_draft_is_set_aside_with_a_message(sandbox) -> None:
    store = DraftStore()
    store.directory.mkdir(parents=True)
    path = store.path_for(f"127.0.0.1:{sandbox.port}", 101)
    path.write_text("{ not json")
    app = make_app(sandbox, 101)
    async with app.run_test(size=(120, 36)) as pilot:
        editor = await ready_editor(pilot)
        await wait_until(pilot, lambda: any("set aside" in str(n.message) for n in app._notifications))
        assert editor.session.dirty == [] and app.is_running
    assert not path.exists() and list(store.directory.glob("*.corrupt-*"))


# --- whole processes: killed, hung up ---------------------------------------------------

def test_killed_mid_edit_then_restarted_every_edit_comes_back(sandbox) -> None:
    terminal = Terminal(sandbox, "edit", "101")
    try:
        terminal.wait_for("0 unsaved changes")
        time.sleep(1)  # the focus lands on the name field just after the first draw
        terminal.type("\x05")  # ctrl+e: to the end of the name field
        terminal.type(" after the crash")
        terminal.wait_for("1 unsaved change")
        # Whether the typing landed after the name or replaced it (the field selects its
        # text on focus), the draft must catch up with all of it before the kill.
        deadline = time.monotonic() + 15
        while not (drafted_name() or "").endswith(" after the crash"):
            assert time.monotonic() < deadline, f"the draft holds {drafted_name()!r}"
            time.sleep(0.05)
        edited = drafted_name()
        os.kill(terminal.process.pid, signal.SIGKILL)
    finally:
        terminal.close()
    assert terminal.process.returncode == -signal.SIGKILL

    terminal = Terminal(sandbox, "edit", "101")
    try:
        terminal.wait_for("Restore unsaved changes?")
        terminal.type("\r")  # Restore has the focus
        terminal.wait_for("1 unsaved change")
        terminal.type("\x13")  # ctrl+s: review
        terminal.wait_for("Send changes")
        terminal.type("\x13")  # ctrl+s: send
        deadline = time.monotonic() + 20
        while not puts(sandbox):
            assert time.monotonic() < deadline, "nothing was sent"
            time.sleep(0.1)
    finally:
        terminal.close()
    assert puts(sandbox)[0].body == {"assistant_name": edited}


@pytest.mark.parametrize("hangup", [signal.SIGHUP, signal.SIGTERM, signal.SIGINT])
def test_a_hangup_writes_the_draft_at_once_and_exits_cleanly(sandbox, hangup) -> None:
    terminal = Terminal(sandbox, "edit", "101")
    try:
        terminal.wait_for("0 unsaved changes")
        time.sleep(1)  # the focus lands on the name field just after the first draw
        terminal.type("\x05!")  # ctrl+e, then one more character
        terminal.wait_for("1 unsaved change")
        os.kill(terminal.process.pid, hangup)  # at once: before the debounce fires
        assert terminal.process.wait(timeout=15) == 0
    finally:
        terminal.close()
    [path] = draft_files()
    assert json.loads(path.read_text())["fields"]["assistant_name"]["value"].endswith("!")
