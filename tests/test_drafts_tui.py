"""A dropped session loses nothing: drafts in the editor, and the app killed mid-edit."""

from __future__ import annotations

import contextlib
import errno
import json
import os
import signal
import stat
import time
from pathlib import Path

import pytest
from textual.widgets import Input

from tui_helpers import Terminal, choose, control_of, dialog_message, draft_files, make_app, puts, wait_until
from voicedesk.drafts import Draft, DraftEdit, DraftStore
from voicedesk.fields import Dialect, catalogue
from voicedesk.sandbox import DEMO_API_KEY, Sandbox
from voicedesk.tui.screens.editor import EditorScreen
from voicedesk.tui.screens.modals import Ask
from voicedesk.tui.screens.review import ReviewScreen


@pytest.fixture
def sandbox(request):
    """The API the app talks to: of the test's `dialect` when it asks for one (the app
    detects it), else of 2025."""
    dialect = request.getfixturevalue("dialect") if "dialect" in request.fixturenames else Dialect.D2025
    with Sandbox(rate_limit=None, dialect=dialect.value) as server:
        yield server


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


async def test_an_edit_reaches_a_private_draft_within_a_second(dialect, sandbox) -> None:
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


async def test_reopening_offers_restore_showing_the_server_value(dialect, sandbox) -> None:
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
        await wait_until(pilot, lambda: editor.editing.session.dirty == ["assistant_name"])
        assert control_of(editor, "assistant_name", Input).value.endswith(" v2")
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: isinstance(app.screen, ReviewScreen))
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: not editor.editing.session.dirty)
        assert draft_files() == []  # a successful save removes the draft
    name = catalogue(dialect)["assistant_name"].update_name
    assert puts(sandbox)[0].body == {name: "Bright Smile Dental – Reception v2"}


@pytest.mark.parametrize("dialect", [Dialect.D2026], ids=["2026"])
async def test_on_2026_a_draft_brings_back_the_settings_only_2026_has(dialect, sandbox) -> None:
    """A ringing time (reported by the list) and labels (not reported: unknown until set)."""
    app = make_app(sandbox, 101)
    async with app.run_test(size=(120, 36)) as pilot:
        editor = await ready_editor(pilot)
        await editor.focus_field("ringing_time")
        await wait_until(pilot, lambda: editor.rows["ringing_time"].control_has_focus)
        await pilot.press("left")
        ringing = editor.editing.session.value("ringing_time")
        await editor.focus_field("label_ids")
        await wait_until(pilot, lambda: editor.rows["label_ids"].control_has_focus)
        await pilot.press("space", "down", "space")  # tick both labels
        assert editor.editing.session.value("label_ids") == [95, 96]
        await edit_name(pilot, editor, "!")
        await wait_until(pilot, lambda: drafted_name() == "Bright Smile Dental – Reception!")
        drafted = json.loads(draft_files()[0].read_text())["fields"]
        assert drafted["ringing_time"]["value"] == ringing == 29 and drafted["label_ids"]["value"] == [95, 96]
    app = make_app(sandbox, 101)
    async with app.run_test(size=(120, 36)) as pilot:
        await wait_until(pilot, lambda: isinstance(app.screen, Ask))
        await choose(pilot, "restore")
        editor = await ready_editor(pilot)
        await wait_until(pilot, lambda: len(editor.editing.session.dirty) == 3)
        assert editor.editing.session.body() == {"name": "Bright Smile Dental – Reception!", "ringing_time": 29,
                                          "label_ids": [95, 96]}
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: isinstance(app.screen, ReviewScreen))
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: not editor.editing.session.dirty)
    assert puts(sandbox)[0].body == {"name": "Bright Smile Dental – Reception!", "ringing_time": 29,
                                     "label_ids": [95, 96]}
    assert sandbox.assistant(101)["ringing_time"] == 29


async def test_discarding_the_draft_removes_it(dialect, sandbox) -> None:
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
        assert editor.editing.session.dirty == [] and draft_files() == []


async def test_a_corrupt_draft_is_set_aside_with_a_message(dialect, sandbox) -> None:
    store = DraftStore()
    store.directory.mkdir(parents=True)
    path = store.slot(f"127.0.0.1:{sandbox.port}", 101).path
    path.write_text("{ not json")
    app = make_app(sandbox, 101)
    async with app.run_test(size=(120, 36)) as pilot:
        editor = await ready_editor(pilot)
        await wait_until(pilot, lambda: any("set aside" in str(n.message) for n in app._notifications))
        assert editor.editing.session.dirty == [] and app.is_running
    assert not path.exists() and list(store.directory.glob("*.corrupt-*"))


# --- whole processes: killed, hung up ---------------------------------------------------

def test_killed_mid_edit_then_restarted_every_edit_comes_back(dialect, sandbox) -> None:
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
        terminal.review_and_send(sandbox)
    finally:
        terminal.close()
    assert puts(sandbox)[0].body == {catalogue(dialect)["assistant_name"].update_name: edited}


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


# --- two processes on one assistant ------------------------------------------------------


def drafted_names() -> dict[str, str]:
    """Each draft file's name and the assistant name it holds."""
    found = {}
    for path in draft_files():
        try:
            found[path.name] = json.loads(path.read_text())["fields"]["assistant_name"]["value"]
        except (OSError, ValueError, KeyError):
            pass  # replaced or removed while we looked
    return found


def wait_for_drafts(condition, what: str) -> dict[str, str]:
    deadline = time.monotonic() + 30
    while not condition(drafted_names()):
        assert time.monotonic() < deadline, f"{what}: the drafts hold {drafted_names()!r}"
        time.sleep(0.05)
    return drafted_names()


def test_two_processes_on_one_assistant_lose_nothing_of_either(sandbox) -> None:
    first = Terminal(sandbox, "edit", "101")
    second = third = None
    try:
        first.wait_for("0 unsaved changes")
        second = Terminal(sandbox, "edit", "101")
        second.wait_for("0 unsaved changes")
        second.wait_for("Also open elsewhere")  # told that the first is open
        time.sleep(1)  # the focus lands on the name field just after the first draw
        first.type("\x05 (first)")  # ctrl+e: to the end of the name field
        second.type("\x05 (second)")
        first.wait_for("1 unsaved change")
        second.wait_for("1 unsaved change")
        # Both autosave, each into its own file.
        drafts = wait_for_drafts(
            lambda d: sorted(v[-8:] for v in d.values()) == [" (first)", "(second)"], "both autosave"
        )
        [(first_file, first_name)] = [(k, v) for k, v in drafts.items() if v.endswith(" (first)")]
        [(second_file, second_name)] = [(k, v) for k, v in drafts.items() if v.endswith(" (second)")]

        first.type("\x13")  # ctrl+s: review
        first.wait_for("Send changes")
        first.type("\x13")  # ctrl+s: send
        first.wait_for("Saved 1 field")  # (reading what it draws, so it never waits on the pty)
        # The first's save removes its own draft, and only that one.
        wait_for_drafts(lambda d: d == {second_file: second_name}, "after the first saved")
        assert [put.body for put in puts(sandbox)] == [{"assistant_name": first_name}]

        os.kill(second.process.pid, signal.SIGKILL)
        assert second.process.wait(timeout=15) == -signal.SIGKILL
        first.type("\x11")  # ctrl+q: nothing unsaved, so it quits at once
        assert first.process.wait(timeout=15) == 0
        assert drafted_names() == {second_file: second_name}

        third = Terminal(sandbox, "edit", "101")
        third.wait_for("Restore unsaved changes?")  # the killed one's draft
        assert b"Also open elsewhere" not in third.screen
        third.type("\r")  # Restore has the focus
        third.wait_for("1 unsaved change")
        # Adopted: the third's own draft holds it now, and the killed one's file is gone.
        drafts = wait_for_drafts(lambda d: second_file not in d, "after the restore")
        assert list(drafts.values()) == [second_name] and list(drafts) != [second_file]
    finally:
        for terminal in (first, second, third):
            if terminal is not None:
                terminal.close()
    assert sandbox.assistant(101)["name"] == first_name


# --- timing: an idle editor wakes nobody --------------------------------------------------


async def test_an_idle_editor_never_wakes_for_drafts_and_an_edit_is_written_once(dialect, sandbox) -> None:
    app = make_app(sandbox, 101)
    async with app.run_test(size=(120, 36)) as pilot:
        editor = await ready_editor(pilot)
        calls: list[bool] = []
        flush_if_due = editor.editing.drafts.writer.flush_if_due

        def counted(now: float) -> bool:
            calls.append(wrote := flush_if_due(now))
            return wrote

        # A spy in place of the method: mypy forbids assigning to a method.
        editor.editing.drafts.writer.flush_if_due = counted  # type: ignore[method-assign]
        await pilot.pause(1.5)
        assert calls == []  # (a polling timer would have looked about six times by now)
        await edit_name(pilot, editor, "!")
        await wait_until(pilot, lambda: drafted_name() == "Bright Smile Dental – Reception!")
        await pilot.pause(1.5)
        assert calls == [True]  # one timer, armed by the edit, one write; then quiet again


def test_write_draft_now_is_safe_before_the_editor_has_loaded() -> None:
    EditorScreen(101).write_draft_now()  # no session, no draft, nothing to write yet
    assert draft_files() == []


# --- a read-only state folder: every draft operation says so and keeps the edits ---------------


@contextlib.contextmanager
def read_only(root: Path):
    """The state folder as on a read-only file system: reading works, every change fails."""

    def refusing(real, changes=lambda *args, **kwargs: True):
        def call(path, *args, **kwargs):
            if str(path).startswith(str(root)) and changes(*args, **kwargs):
                raise OSError(errno.EROFS, "Read-only file system", str(path))
            return real(path, *args, **kwargs)

        return call

    with pytest.MonkeyPatch.context() as patch:
        writing = os.O_WRONLY | os.O_RDWR | os.O_CREAT
        patch.setattr(os, "open", refusing(os.open, lambda flags, *rest, **kw: flags & writing))
        for name in ("unlink", "rename", "replace", "mkdir"):
            patch.setattr(os, name, refusing(getattr(os, name)))
        yield


def recording(app) -> list[str]:
    seen: list[str] = []
    notify = app.notify

    def record(message, *args, **kwargs):
        seen.append(f"{kwargs.get('title', '')}: {message}")
        return notify(message, *args, **kwargs)

    app.notify = record
    return seen


def leave_a_draft(sandbox, name: str) -> Path:
    """A draft of an earlier session that ended unsaved: the name changed to `name`."""
    host = f"127.0.0.1:{sandbox.port}"
    slot = DraftStore().slot(host, 101)
    slot.save(Draft(host, 101, "n", {"assistant_name": DraftEdit("Bright Smile Dental – Reception", name)}))
    return slot.path


async def test_a_read_only_state_folder_never_costs_an_edit(sandbox) -> None:
    state = Path(os.environ["VOICEDESK_STATE_DIR"])
    tried = []

    # Opened on a read-only folder: the offer, then "Discard the draft", then typing.
    left = leave_a_draft(sandbox, "Left behind")
    app = make_app(sandbox, 101)
    seen = recording(app)
    with read_only(state):
        async with app.run_test(size=(120, 36)) as pilot:
            assert "Left behind" in await dialog_message(pilot)
            tried.append("offer")
            await choose(pilot, "discard")
            editor = await ready_editor(pilot)
            await wait_until(pilot, lambda: any(s.startswith("Draft not discarded:") for s in seen))
            tried.append("discard")
            assert left.exists() and app.is_running
            await edit_name(pilot, editor, "!")
            await wait_until(pilot, lambda: any(s.startswith("Draft not saved:") for s in seen))
            tried.append("autosave")
            assert editor.editing.session.value("assistant_name") == "Bright Smile Dental – Reception!"
    assert any(s.startswith("Drafts not kept:") and "Read-only file system" in s for s in seen)
    assert sum(s.startswith("Draft not saved:") for s in seen) == 1  # retried, said once
    assert all("Traceback" not in s for s in seen)

    # Read-only from the moment it is offered: "Restore", then the save's cleanup.
    app = make_app(sandbox, 101)
    seen = recording(app)
    async with app.run_test(size=(120, 36)) as pilot:
        await dialog_message(pilot)
        with read_only(state):
            await choose(pilot, "restore")
            editor = await ready_editor(pilot)
            await wait_until(pilot, lambda: any(s.startswith("Draft kept where it was:") for s in seen))
            tried.append("restore")
            assert editor.editing.session.value("assistant_name") == "Left behind" and left.exists()
        await wait_until(pilot, lambda: editor.editing.drafts.slot.path.exists())  # writable again: autosaved
        with read_only(state):
            await pilot.press("ctrl+s")
            await wait_until(pilot, lambda: isinstance(app.screen, ReviewScreen))
            await pilot.press("ctrl+s")
            await wait_until(pilot, lambda: not editor.editing.session.dirty)
            await wait_until(pilot, lambda: any("could not be removed" in s for s in seen))
            tried.append("forget after save")
            assert app.is_running
    assert sandbox.assistant(101)["name"] == "Left behind"
    print(f"read-only state folder: {len(tried)} draft operations ({', '.join(tried)})")
    assert len(tried) == 5


def test_the_demo_offers_a_draft_back_in_its_next_run() -> None:
    """Each --demo run has a sandbox on a new port; its drafts are kept as "demo", so an
    editor killed mid-edit offers its edit back in the next run, as for a real host."""
    first = Terminal(None, "--demo", "edit", "101")
    try:
        first.wait_for("0 unsaved changes")
        first.type("\x1b[F!")  # End, then "!" at the end of the name
        first.wait_for("1 unsaved change")
        deadline = time.monotonic() + 30
        while not draft_files():
            assert time.monotonic() < deadline, "no draft was written"
            time.sleep(0.1)
        first.process.kill()
    finally:
        first.close()
    second = Terminal(None, "--demo", "edit", "101")
    try:
        second.wait_for("Restore unsaved changes?")
        second.wait_for("Reception!")
    finally:
        second.close()
