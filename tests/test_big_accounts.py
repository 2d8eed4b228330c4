"""Big accounts stay usable (issue 12, section 9): an assistant is looked for first where
it was found before (one request when it has not moved), within a process and across
processes, and a wrong or damaged hint only falls back to the scan; long scans show
their progress and can be stopped (ctrl+c in the CLI, Escape in the TUI), and a stop
after the update went out says that it may have been saved.
"""

from __future__ import annotations

import json
import os
import signal
import time
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from textual.widgets import Static

from tui_helpers import Terminal, make_app, open_editor, puts, top, wait_until
from voicedesk.api import ApiClient
from voicedesk.cli import main
from voicedesk.pagehints import FILE_NAME, PER_HOST, PageHints
from voicedesk.sandbox import DEMO_API_KEY, Fault, Sandbox, generated_data
from voicedesk.tui.screens.editor import EditorScreen
from voicedesk.tui.screens.review import ReviewScreen

LIST = "/api/user/assistants/get"
PAGES = 10  # the account: 1,000 assistants, ids 1001..2000, ten pages of 100
LAST = 1995  # on the last page
_CLEAN_ENV = {"VOICEDESK_BASE_URL": None, "VOICEDESK_API_KEY": None, "VOICEDESK_TIMEOUT": None}


@pytest.fixture(scope="module")
def account():
    return generated_data(PAGES * 100, 20)


@pytest.fixture
def sandbox(account):
    import copy

    with Sandbox(copy.deepcopy(account), rate_limit=None) as server:
        yield server


def hint_file() -> Path:
    return Path(os.environ["VOICEDESK_STATE_DIR"]) / FILE_NAME


def list_requests(sandbox: Sandbox) -> list:
    return [r for r in sandbox.requests if r.path == LIST]


def client_of(sandbox: Sandbox, hints: PageHints | None) -> ApiClient:
    return ApiClient(sandbox.base_url, DEMO_API_KEY, backoff=0.01, rate_limits=(), hints=hints)


# -- remembering where an assistant was ---------------------------------------------------


async def test_a_second_find_is_one_request_in_this_process_and_the_next(sandbox) -> None:
    hints = PageHints()
    async with client_of(sandbox, hints) as client:
        assert (await client.find_assistant(LAST))["id"] == LAST
        assert len(list_requests(sandbox)) <= PAGES  # the first time: a scan
        sandbox.clear_requests()
        assert (await client.find_assistant(LAST))["id"] == LAST
    assert [r.query["page"] for r in list_requests(sandbox)] == [str(PAGES)]
    sandbox.clear_requests()
    async with client_of(sandbox, PageHints()) as client:  # as a new process would
        assert (await client.find_assistant(LAST))["id"] == LAST
    assert [r.query["page"] for r in list_requests(sandbox)] == [str(PAGES)]
    stored = json.loads(hint_file().read_text())
    assert stored["hosts"][f"127.0.0.1:{sandbox.port}"][str(LAST)] == PAGES
    assert [p.name for p in hint_file().parent.iterdir()] == [FILE_NAME]  # no temporary left


async def test_pages_read_for_the_list_are_hints_too(sandbox) -> None:
    hints = PageHints()
    async with client_of(sandbox, hints) as client:
        await client.list_all()
        sandbox.clear_requests()
        for assistant_id in (1001, 1450, LAST):
            assert (await client.find_assistant(assistant_id))["id"] == assistant_id
    assert len(list_requests(sandbox)) == 3


async def test_a_moved_assistant_is_found_by_the_nearest_pages_first(sandbox) -> None:
    async with client_of(sandbox, PageHints()) as client:
        await client.find_assistant(LAST)
    for gone in range(1001, 1101):  # a hundred assistants before it deleted: one page up
        sandbox.data.assistants.pop(gone)
    sandbox.clear_requests()
    hints = PageHints()
    async with client_of(sandbox, hints) as client:
        assert (await client.find_assistant(LAST))["id"] == LAST
        first, second = (r.query["page"] for r in list_requests(sandbox)[:2])
    assert (first, second) == (str(PAGES), str(PAGES - 1))  # the hint, then its neighbour
    assert hints.page(f"127.0.0.1:{sandbox.port}", LAST) == PAGES - 1
    assert json.loads(hint_file().read_text())["hosts"][f"127.0.0.1:{sandbox.port}"][str(LAST)] == PAGES - 1


def _hostile_files(host: str) -> dict[str, bytes | None]:
    """File contents that must cost at most a scan (None: a directory in its place)."""
    def hints(entries: object, version: object = 1) -> bytes:
        return json.dumps({"version": version, "hosts": {host: entries}}).encode()

    return {
        "not json": b"{not json",
        "not utf-8": b"\xff\xfe{\"version\": 1}",
        "empty": b"",
        "a list": b"[1, 2, 3]",
        "deeply nested": b"[" * 100_000 + b"]" * 100_000,
        "too large": b'{"version": 1, "hosts": {}, "pad": "' + b"x" * 400_000 + b'"}',
        "other version": hints({str(LAST): 3}, version=2),
        "hosts a list": json.dumps({"version": 1, "hosts": [host]}).encode(),
        "entries a list": hints([LAST, 3]),
        "page zero": hints({str(LAST): 0}),
        "page negative": hints({str(LAST): -4}),
        "page as text": hints({str(LAST): "3"}),
        "page true": hints({str(LAST): True}),
        "page a float": hints({str(LAST): 3.0}),
        "page huge": hints({str(LAST): 10**12}),
        "page past the end": hints({str(LAST): 5_000}),
        "page wrong": hints({str(LAST): 2}),
        "id not digits": hints({"²": 3, "-5": 3, "": 3}),
        "a directory": None,
        "a fifo": b"fifo",
    }


async def test_a_damaged_or_wrong_hint_file_only_costs_a_scan(sandbox) -> None:
    host = f"127.0.0.1:{sandbox.port}"
    cases = 0
    for name, content in _hostile_files(host).items():
        path = hint_file()
        if path.is_dir():
            path.rmdir()
        elif path.exists():
            path.unlink()
        path.parent.mkdir(parents=True, exist_ok=True)
        if content is None:
            path.unlink(missing_ok=True)
            path.mkdir()
        elif content == b"fifo":  # no writer: opening it for reading would wait forever
            path.unlink(missing_ok=True)
            os.mkfifo(path)
        else:
            path.write_bytes(content)
        sandbox.clear_requests()
        async with client_of(sandbox, PageHints()) as client:
            record = await client.find_assistant(LAST)
        assert record["id"] == LAST, name
        assert len(list_requests(sandbox)) <= PAGES + 1, name  # a scan at most
        cases += 1
    print(f"damaged hint files: {cases} cases")


async def test_an_unwritable_state_directory_only_loses_the_hint(sandbox, tmp_path, monkeypatch) -> None:
    locked = tmp_path / "locked"
    locked.mkdir()
    locked.chmod(0o500)
    monkeypatch.setenv("VOICEDESK_STATE_DIR", str(locked / "state"))
    try:
        async with client_of(sandbox, PageHints()) as client:
            assert (await client.find_assistant(LAST))["id"] == LAST
    finally:
        locked.chmod(0o700)


def test_the_file_stays_small(tmp_path) -> None:
    hints = PageHints(tmp_path / FILE_NAME)
    for host in ("a.test", "b.test"):
        for assistant_id in range(3 * PER_HOST):
            hints.found(host, assistant_id, 1 + assistant_id // 100)
    stored = json.loads((tmp_path / FILE_NAME).read_text())["hosts"]
    assert {host: len(entries) for host, entries in stored.items()} == {"a.test": PER_HOST, "b.test": PER_HOST}
    assert str(3 * PER_HOST - 1) in stored["a.test"]  # the most recent are kept
    assert (tmp_path / FILE_NAME).stat().st_size < 16_000


# -- the CLI: requests per save, progress, ctrl+c ------------------------------------------


def cli(sandbox: Sandbox, *args: str) -> Result:
    result = CliRunner(env=_CLEAN_ENV).invoke(main, ["--base-url", sandbox.base_url, "--api-key", DEMO_API_KEY, *args])
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise AssertionError("voicedesk crashed") from result.exception
    return result


def test_set_on_the_last_page_scans_once_then_goes_straight_there(sandbox) -> None:
    first = cli(sandbox, "set", str(LAST), "speech_speed=0.9", "--yes")
    assert first.exit_code == 0, first.stderr
    # Open: a scan (it stops once found); the reads before and after sending go
    # straight to the page remembered.
    pages = [r.query["page"] for r in list_requests(sandbox)]
    put_at = puts(sandbox)[0].time
    assert len(pages) <= PAGES + 2 and str(PAGES) in pages[:-2]
    assert [r.query["page"] for r in list_requests(sandbox) if r.time > put_at] == [str(PAGES)]
    assert pages[-2:] == [str(PAGES)] * 2
    assert "Looking for" not in first.stderr  # no progress line where stderr is no terminal
    sandbox.clear_requests()
    second = cli(sandbox, "set", str(LAST), "speech_speed=0.95", "--yes")
    assert second.exit_code == 0, second.stderr
    assert [r.query["page"] for r in list_requests(sandbox)] == [str(PAGES)] * 3
    assert [r.body for r in puts(sandbox)] == [{"speech_speed": 0.95}]


def run_until(terminal: Terminal, condition, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, terminal.screen[-2000:]
        try:
            terminal.wait_for("\x00never\x00", timeout=0.05)
        except AssertionError:
            pass


def finish(terminal: Terminal) -> str:
    terminal.process.wait(timeout=60)
    try:
        terminal.wait_for("\x00never\x00", timeout=0.5)
    except AssertionError:
        pass
    return terminal.screen.decode(errors="replace")


def test_ctrl_c_while_looking_stops_with_one_line(sandbox) -> None:
    sandbox.fail_next(1, Fault.delay(120), f"&page={PAGES}")  # the scan hangs on the last page
    terminal = Terminal(sandbox, "set", str(LAST), "speech_speed=0.9", "--yes")
    try:
        terminal.wait_for(f"Looking for assistant #{LAST}: page {PAGES - 1} of {PAGES}")  # progress, on stderr
        os.kill(terminal.process.pid, signal.SIGINT)  # what ctrl+c sends
        output = finish(terminal)
    finally:
        terminal.close()
    assert terminal.process.returncode == 2
    assert "error: stopped; nothing was sent." in output and "Traceback" not in output
    assert puts(sandbox) == []


def test_ctrl_c_after_the_update_went_out_says_it_may_be_saved(sandbox) -> None:
    sandbox.fail_next(1, Fault.delay(120), f"/api/user/assistant/{LAST}")  # the PUT is not answered
    terminal = Terminal(sandbox, "set", str(LAST), "speech_speed=0.9", "--yes")
    try:
        run_until(terminal, lambda: puts(sandbox))
        os.kill(terminal.process.pid, signal.SIGINT)
        output = finish(terminal)
    finally:
        terminal.close()
    assert terminal.process.returncode == 2
    assert "error: stopped after the change was sent: it may have been saved." in output
    assert "Traceback" not in output


def test_ctrl_c_while_reading_back_says_it_was_saved(sandbox) -> None:
    sandbox.fail_next(1, Fault.delay(3), f"/api/user/assistant/{LAST}")  # time to queue the next
    terminal = Terminal(sandbox, "set", str(LAST), "speech_speed=0.9", "--yes")
    try:
        run_until(terminal, lambda: puts(sandbox))
        sandbox.fail_next(1, Fault.delay(120), f"&page={PAGES}")  # the read after the PUT hangs
        put_at = puts(sandbox)[0].time
        run_until(terminal, lambda: [r for r in list_requests(sandbox) if r.time > put_at])
        os.kill(terminal.process.pid, signal.SIGINT)
        output = finish(terminal)
    finally:
        terminal.close()
    assert terminal.process.returncode == 2
    assert "error: stopped while reading the assistant back; the change was saved." in output
    assert sandbox.assistant(LAST)["speech_speed"] in ("0.9", 0.9)


# -- the TUI: the loading message and the review's title, and Escape ----------------------


async def test_escape_stops_a_long_search_and_r_looks_again(sandbox) -> None:
    sandbox.fail_next(1, Fault.delay(120), f"&page={PAGES}")
    app = make_app(sandbox, LAST)
    async with app.run_test(size=(120, 36)) as pilot:
        await wait_until(pilot, lambda: isinstance(app.screen, EditorScreen))
        message = app.screen.query_one("#loading-message", Static)
        await wait_until(pilot, lambda: f"page {PAGES - 1} of {PAGES}" in str(message.render()))
        await pilot.press("escape")
        await wait_until(pilot, lambda: "Stopped loading" in str(message.render()))
        assert isinstance(app.screen, EditorScreen) and not app.screen.loaded
        await pilot.press("r")
        await wait_until(pilot, lambda: top(app, EditorScreen).ready)
        assert top(app, EditorScreen).editing.session.record["id"] == LAST


async def test_escape_while_sending_stops_before_the_update_only(sandbox) -> None:
    app = make_app(sandbox, LAST)
    async with app.run_test(size=(120, 36)) as pilot:
        editor = await open_editor(pilot)
        await editor.focus_field("speech_speed")
        await wait_until(pilot, lambda: editor.rows["speech_speed"].control_has_focus)
        await pilot.press("right")
        await wait_until(pilot, lambda: editor.editing.session.is_dirty("speech_speed"))
        speed = editor.editing.session.value("speech_speed")
        # The read before sending hangs on the remembered page: Escape stops it.
        sandbox.fail_next(1, Fault.delay(120), f"&page={PAGES}")
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: isinstance(app.screen, ReviewScreen))
        review = top(app, ReviewScreen)
        await pilot.press("ctrl+s")
        title = review.query_one("#review-title", Static)
        await wait_until(pilot, lambda: f"Reading assistant #{LAST} again" in str(title.render()))
        assert "Escape stops" in str(title.render())
        await pilot.press("escape")
        await wait_until(pilot, lambda: not review.saving)
        assert app.screen is review and puts(sandbox) == []
        assert editor.editing.session.is_dirty("speech_speed")  # the edit is kept
        # Once the update is out, Escape does not pretend to call it back.
        sandbox.fail_next(1, Fault.delay(5), f"/api/user/assistant/{LAST}")
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: puts(sandbox))
        await pilot.press("escape")
        await wait_until(pilot, lambda: not isinstance(app.screen, ReviewScreen))
        assert not editor.editing.session.dirty
    assert [r.body for r in puts(sandbox)] == [{"speech_speed": speed}]


async def test_a_save_from_the_picker_reads_only_the_page_it_listed(sandbox) -> None:
    """The picker's pages are hints: the reads before and after the save are one request each."""
    from tui_helpers import make_app as app_for
    from voicedesk.tui.screens.picker import PickerScreen

    app = app_for(sandbox)
    async with app.run_test(size=(120, 36)) as pilot:
        await wait_until(pilot, lambda: isinstance(app.screen, PickerScreen) and len(app.screen.records) == PAGES * 100)
        await pilot.press(*str(LAST), "enter")
        editor = await open_editor(pilot)
        assert editor.editing.session.record["id"] == LAST
        await editor.focus_field("speech_speed")
        await wait_until(pilot, lambda: editor.rows["speech_speed"].control_has_focus)
        await pilot.press("right")
        await wait_until(pilot, lambda: editor.editing.session.is_dirty("speech_speed"))
        sandbox.clear_requests()
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: isinstance(app.screen, ReviewScreen))
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: not isinstance(app.screen, ReviewScreen))
        assert not editor.editing.session.dirty
    assert [r.query["page"] for r in list_requests(sandbox)] == [str(PAGES)] * 2
    assert len(puts(sandbox)) == 1
