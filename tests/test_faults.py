"""The fault matrix: every way the link or the server can fail, against every operation,
in both faces (the TUI driven with Pilot, the CLI run with CliRunner), over real
loopback HTTP against the sandbox.

For every cell the test checks:
  - no crash and no traceback (the TUI app is still running; the CLI exits 2 with
    readable `error:` lines, or 0 with `warning:` lines where a failure only degrades);
  - a message that says what happened and what to do (key words, see `Expect`);
  - the user's edits are unchanged (save cells: `session.dirty` and the values intact;
    CLI: nothing stored and nothing claimed as saved);
  - after the fault clears, retrying succeeds (picker: F5; editor load: `r`; lookups:
    "Reload lists"; save: the error modal's Retry, or ctrl+s again after a 422;
    CLI: running the same command again).

The API client retries GETs on 429/502/503 and on refused/dropped/timed-out requests
(3 retries; a timeout only once), never a PUT. A GET fault is injected exactly as many
times as one attempt consumes (`FaultSpec.get_count`): the first attempt then fails
visibly, and the retry finds the server healthy, which also proves the retry count.

Test seams (the app has no setting for any of them; see `client_overrides`):
  - timeout cells need a client timeout shorter than the default 10 s: SHORT_TIMEOUT;
  - every cell uses a small retry backoff instead of 0.25 s doubling, so the ~25 cells
    that exhaust retries do not sleep 1.75 s each (the number of retries is the app's);
  - every cell turns off the client's own pacing (20 requests per 10 s): one attempt
    at the six lookups with retries is 24 requests, so the pacing alone would hold
    such a cell for ~10 s. The sandbox runs without its rate limit too.
VOICEDESK_FAULTS_APP_CLIENT=1 keeps the app's backoff and pacing (only the timeout
cells still get their short timeout). The TUI gets its `app.client` replaced before it
mounts; the CLI gets `voicedesk.api.ApiClient` wrapped. Nothing else changes.

The module prints "fault matrix: N cells ran, M passed" and the grid when it ends.
"""

from __future__ import annotations

import asyncio
import os
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pytest
from click.testing import CliRunner, Result
from textual.widgets import Button, Input, LoadingIndicator, OptionList, Static

import voicedesk.api
from tui_helpers import control_of, make_app, puts
from voicedesk.api import ApiClient
from voicedesk.cli import main
from voicedesk.fields import FIELDS
from voicedesk.sandbox import DEMO_API_KEY, Fault, Sandbox
from voicedesk.tui.form import FieldRow
from voicedesk.tui.screens.editor import EditorScreen
from voicedesk.tui.screens.modals import Ask
from voicedesk.tui.screens.picker import PickerScreen
from voicedesk.tui.screens.review import ReviewScreen
from voicedesk.tui.widgets import AssistantTable, SearchSelect

SIZE = (120, 36)
ASSISTANT = 101
ASSISTANT_NAME = "Bright Smile Dental – Reception"
NEW_NAME = ASSISTANT_NAME + " X2"  # the edit every save cell makes (TUI and CLI alike)
ASSISTANTS = 14
LIST_PATH = "/api/user/assistants/get"
PUT_PATH = f"/api/user/assistant/{ASSISTANT}"
# Each lookup request on its own, so that concurrent requests cannot share one queue.
LOOKUP_TARGETS = {
    "pipeline voices": "/api/user/assistants/voices?mode=pipeline",
    "multimodal voices": "/api/user/assistants/voices?mode=multimodal",
    "languages": "/api/user/assistants/languages",
    "models": "/api/user/assistants/models",
    "inbound numbers": "/api/user/assistants/phone-numbers?type=inbound",
    "outbound numbers": "/api/user/assistants/phone-numbers?type=outbound",
}
LOOKUP_FIELDS = ("voice_id", "language", "llm_model", "phone_number_id")
MAX_RETRIES = 3  # ApiClient's default: what one GET attempt consumes on a retryable fault

SHORT_TIMEOUT = 0.5  # the timeout seam (s)
SLOW_ANSWER = 2.0  # a delay fault well beyond it
APP_CLIENT = os.environ.get("VOICEDESK_FAULTS_APP_CLIENT") == "1"
FAST_CLIENT = {} if APP_CLIENT else {"backoff": 0.01, "rate_limits": ()}
WAIT = 30.0  # the longest wait for the app (only a failing cell waits that long)

_CLEAN_ENV = {"VOICEDESK_BASE_URL": None, "VOICEDESK_API_KEY": None}
_RealApiClient = ApiClient

OPS = ("pages", "lookups", "open", "save")
FACES = ("tui", "cli")


# -- the faults -------------------------------------------------------------------------

Words = tuple[tuple[str, ...], ...]  # every group must match by one of its alternatives


@dataclass(frozen=True)
class Expect:
    happened: Words
    todo: Words = ()


@dataclass(frozen=True)
class FaultSpec:
    name: str
    build: Callable[[str, str], Fault] | None  # (op, target) -> fault; None: server stopped
    get_count: int  # injections that exhaust one GET attempt (with its retries)
    expect: Callable[[str], Expect]  # op -> what the message must say
    timeout: bool = False  # needs the short-timeout seam
    skip: dict[tuple[str, str], str] = field(default_factory=dict)  # (face, op) -> reason


GET_TODO = (("try again", "retry", "check", "wait"),)
MAYBE_SAVED = (("may or may not",), ("reload",))
WRONG_SHAPE_SEEN = (("unexpected shape", "expected", "cannot read", "instead of a json object"),)
NAME_TAKEN = "The name has already been taken."


def _429(op: str, target: str) -> Fault:
    return Fault.status(429, {"message": "Too Many Attempts."}, headers={
        "Retry-After": "60",  # beyond the client's max_retry_after (30 s): not waited out
        "X-RateLimit-Limit": "100",
        "X-RateLimit-Remaining": "0",
        "X-RateLimit-Reset": str(int(time.time()) + 60),
    })


def _404(op: str, target: str) -> Fault:
    if op == "save":  # the contract's body: deleted meanwhile, or another account's
        return Fault.status(404, {
            "message": "Assistant not found or does not belong to the authenticated user"
        })
    # A GET path this host does not have (a wrong base URL): Laravel's own answer.
    route = target.split("?")[0].lstrip("/")
    return Fault.status(404, {"message": f"The route {route} could not be found."})


def _wrong_types(op: str, target: str) -> Fault:
    if op in ("pages", "open"):
        return Fault.body({"current_page": "1", "data": [{"id": "101", "name": 7}],
                           "last_page": "1", "total": "14"})
    if op == "lookups":
        return Fault.body([{"id": "x", "name": None, "mode": 5, "phone_number": 491234}])
    return Fault.body({"message": 5, "data": "updated"})


def _by_op(get: Expect, save: Expect) -> Callable[[str], Expect]:
    return lambda op: save if op == "save" else get


NOT_FOR_GET = "422 answers a body the server rejects; GETs send none"

FAULTS: dict[str, FaultSpec] = {spec.name: spec for spec in [
    FaultSpec(
        "refused", None, 1 + MAX_RETRIES,
        lambda op: Expect((("could not connect",), ("refused",)), (("check",),)),
        skip={("cli", "lookups"): "the CLI loads the assistant and its lists in one run; a "
                                  "stopped server refuses both (that is cli open/refused)"},
    ),
    FaultSpec(
        "timeout", lambda op, target: Fault.delay(SLOW_ANSWER), 2,  # a timeout is retried once
        _by_op(Expect((("timed out",),), GET_TODO), Expect((("timed out",),), MAYBE_SAVED)),
        timeout=True,
    ),
    FaultSpec(
        "drop", lambda op, target: Fault.drop(), 1 + MAX_RETRIES,
        _by_op(Expect((("dropped", "reset"),), GET_TODO),
               Expect((("dropped", "reset"),), MAYBE_SAVED)),
    ),
    FaultSpec(
        "500-json",
        lambda op, target: Fault.status(500, {
            "message": "Assistant update failed" if op == "save" else "Server Error"}),
        1,  # 500 is not retried
        _by_op(Expect((("500",),), (("try again",),)),
               Expect((("500",), ("assistant update failed",)), (("try again",),))),
    ),
    FaultSpec(
        "502-html", lambda op, target: Fault.html(502), 1 + MAX_RETRIES,
        lambda op: Expect((("502",), ("html",)), (("try again",),)),
    ),
    FaultSpec(
        "503-html", lambda op, target: Fault.html(503), 1 + MAX_RETRIES,
        lambda op: Expect((("503",), ("html",)), (("try again",),)),
    ),
    FaultSpec(
        "429-retry-after", _429, 1,  # Retry-After 60 > max_retry_after: no automatic retry
        lambda op: Expect((("429",),), (("wait 60 s",),)),
    ),
    FaultSpec(
        "401",
        lambda op, target: Fault.status(401, {"error": "Invalid API key",
                                              "message": "The API key is missing or not valid."}),
        1,
        lambda op: Expect((("401",), ("api key",)), (("check",),)),
    ),
    FaultSpec(
        "404", _404, 1,
        # A list path that is not there means a wrong base URL: the message should say so.
        _by_op(Expect((("404",),), (("base url",),)), Expect((("404",), ("not found",)))),
    ),
    FaultSpec(
        "422",
        lambda op, target: Fault.status(422, {
            "message": "The given data was invalid.", "errors": {"assistant_name": [NAME_TAKEN]},
        }),
        1,
        lambda op: Expect((("422", "rejected"),), (("already been taken", "on the fields"),)),
        skip={(face, op): NOT_FOR_GET for face in FACES for op in ("pages", "lookups", "open")},
    ),
    FaultSpec(
        "malformed-json", lambda op, target: Fault.malformed_json(), 1,
        _by_op(Expect((("not json",),), (("check",),)), Expect((("not json",),), MAYBE_SAVED)),
    ),
    FaultSpec(
        "shape-string", lambda op, target: Fault.body("a string"), 1,
        _by_op(Expect(WRONG_SHAPE_SEEN, (("check",),)), Expect(WRONG_SHAPE_SEEN, MAYBE_SAVED)),
    ),
    FaultSpec(
        "shape-missing-keys", lambda op, target: Fault.body({"data": [{"nope": 1}]}), 1,
        _by_op(Expect(WRONG_SHAPE_SEEN, (("check",),)), Expect(WRONG_SHAPE_SEEN, MAYBE_SAVED)),
    ),
    FaultSpec(
        "shape-wrong-types", _wrong_types, 1,
        _by_op(Expect(WRONG_SHAPE_SEEN, (("check",),)), Expect(WRONG_SHAPE_SEEN, MAYBE_SAVED)),
    ),
]}


def inject(sb: Sandbox, spec: FaultSpec, op: str) -> None:
    """Queue the fault for exactly one attempt of the operation (a PUT is never retried)."""
    assert spec.build is not None
    if op == "lookups":
        targets = list(LOOKUP_TARGETS.values())
    else:
        targets = [PUT_PATH if op == "save" else LIST_PATH]
    for target in targets:
        sb.fail_next(1 if op == "save" else spec.get_count, spec.build(op, target), path=target)


def client_overrides(spec: FaultSpec) -> dict[str, Any]:
    overrides: dict[str, Any] = dict(FAST_CLIENT)
    if spec.timeout:
        overrides["timeout"] = SHORT_TIMEOUT
    return overrides


def assert_says(text: str, words: Words, what: str) -> None:
    low = text.lower()
    for alternatives in words:
        assert any(word in low for word in alternatives), (
            f"the message does not say {what} (none of {alternatives!r}): {text!r}"
        )


def check_message(text: str, expect: Expect, *, todo: bool = True) -> None:
    assert text.strip(), "no message at all"
    assert "Traceback" not in text
    assert_says(text, expect.happened, "what happened")
    if todo:
        assert_says(text, expect.todo, "what to do")


# -- the counter ------------------------------------------------------------------------

Cell = tuple[str, str, str]  # (face, fault, op)


@dataclass
class Tally:
    results: dict[Cell, str] = field(default_factory=dict)

    def start(self, cell: Cell) -> None:
        self.results[cell] = "FAIL"  # until the test reaches its end

    def passed(self, cell: Cell) -> None:
        self.results[cell] = "pass"

    def skipped(self, cell: Cell) -> None:
        self.results[cell] = "skip"

    def report(self) -> str:
        outcomes = list(self.results.values())
        ran = len(outcomes) - outcomes.count("skip")
        lines = [f"fault matrix: {ran} cells ran, {outcomes.count('pass')} passed "
                 f"({outcomes.count('skip')} not applicable, skipped)"]
        columns = [(face, op) for face in FACES for op in OPS]
        width = max(len(name) for name in FAULTS)
        lines.append(" " * width + "".join(f"  {face}:{op:<7}" for face, op in columns))
        for name in FAULTS:
            cells = (self.results.get((face, name, op), "-") for face, op in columns)
            lines.append(name.ljust(width) + "".join(
                f"  {outcome:<{len(face) + 8}}" for outcome, (face, _) in zip(cells, columns, strict=True)
            ))
        return "\n".join(lines)


TALLY = Tally()


@pytest.fixture(scope="module", autouse=True)
def matrix_summary(request: pytest.FixtureRequest):
    """Prints the count (and the grid) past pytest's capture when the module ends."""
    yield TALLY
    if not TALLY.results:
        return
    text = "\n" + TALLY.report() + "\n"
    capture = request.config.pluginmanager.getplugin("capturemanager")
    if capture is None:
        sys.stderr.write(text)
        return
    with capture.global_and_fixture_disabled():
        sys.stderr.write(text)


def begin(face: str, fault: str, op: str) -> tuple[FaultSpec, Cell]:
    spec = FAULTS[fault]
    cell = (face, fault, op)
    if (face, op) in spec.skip:
        TALLY.skipped(cell)
        pytest.skip(spec.skip[(face, op)])
    TALLY.start(cell)
    return spec, cell


CELLS = [pytest.param(fault, op, id=f"{fault}-{op}") for fault in FAULTS for op in OPS]


@pytest.fixture
def sb():
    server = Sandbox(rate_limit=None).start()
    yield server
    server.stop()
    assert server.errors == [], "the sandbox itself failed:\n" + "\n".join(server.errors)


# -- the TUI ----------------------------------------------------------------------------


def tui_app(sb: Sandbox, assistant_id: int | None, spec: FaultSpec):
    """The app as `voicedesk edit` builds it, plus the seams, recording every notification."""
    app = make_app(sb, assistant_id, dialect="2025")  # see run_cli
    if overrides := client_overrides(spec):
        app.client = ApiClient(sb.base_url, DEMO_API_KEY, **overrides)
    seen: list[str] = []
    notify = app.notify

    def recording_notify(message: str, *args: Any, **kwargs: Any) -> None:
        seen.append(f"{kwargs.get('title', '')}: {message}")
        notify(message, *args, **kwargs)

    app.notify = recording_notify  # type: ignore[method-assign]  # a recorder in place of the method
    return app, seen


async def wait_until(pilot, condition: Callable[[], object], timeout: float = WAIT) -> None:
    """Let the app work until `condition` holds. Polls with plain sleeps (the app runs in
    this event loop): a Pilot pause visits every widget and repaints each time."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {condition}")
        await asyncio.sleep(0.01)


def assert_alive(app) -> None:
    assert app.is_running, "the app is no longer running"
    assert app._exception is None, f"the app crashed: {app._exception!r}"


def text_of(widget: Static) -> str:
    return str(widget.render())


async def editor_ready(pilot) -> EditorScreen:
    await wait_until(pilot, lambda: isinstance(pilot.app.screen, EditorScreen) and pilot.app.screen.ready)
    return pilot.app.screen


async def focus_field(pilot, screen: EditorScreen, name: str) -> FieldRow:
    await screen.focus_field(name)
    await wait_until(pilot, lambda: screen.rows[name].control_has_focus)
    return screen.rows[name]


async def row_of(screen: EditorScreen, name: str) -> FieldRow:
    await screen.show_group(FIELDS[name].group)
    return screen.rows[name]


async def edit_name(pilot, screen: EditorScreen, name: str) -> FieldRow:
    """Put a new name in the name's input. (Set, not typed: every Pilot key press waits
    for the whole process to idle, sandbox threads included: ~0.1-0.3 s a key here.)"""
    row = await focus_field(pilot, screen, "assistant_name")
    assert isinstance(row.control, Input)
    row.control.value = name
    await wait_until(pilot, lambda: screen.editing.session.value("assistant_name") == name)
    return row


async def tui_pages(pilot, app, sb: Sandbox, spec: FaultSpec, seen: list[str]) -> None:
    picker = app.screen
    assert isinstance(picker, PickerScreen)
    status = picker.query_one("#picker-status", Static)
    table = picker.query_one("#picker-table", AssistantTable)
    await wait_until(pilot, lambda: status.has_class("-error"))
    text = text_of(status)
    check_message(text, spec.expect("pages"))
    assert "F5" in text
    assert_alive(app)
    if spec.build is None:
        sb.start()
    await pilot.press("f5")
    await wait_until(pilot, lambda: table.row_count == ASSISTANTS and not status.has_class("-error"))
    assert f"{ASSISTANTS} assistants" in text_of(status)
    # And the lists arrive: the phone column shows the number itself, not "#2101".
    number_id = sb.assistant(ASSISTANT)["phone_number_id"]
    number = next(n["phone_number"] for n in sb.data.phone_numbers if n["id"] == number_id)
    await wait_until(pilot, lambda: picker.lookups is not None)
    await pilot.pause()
    assert number in app.export_screenshot(), f"after F5 the picker does not show {number}"


async def tui_open(pilot, app, sb: Sandbox, spec: FaultSpec, seen: list[str]) -> None:
    await wait_until(pilot, lambda: isinstance(app.screen, EditorScreen))
    screen: EditorScreen = app.screen
    message = screen.query_one("#loading-message", Static)
    await wait_until(pilot, lambda: message.has_class("-error"))
    text = text_of(message)
    check_message(text, spec.expect("open"))
    assert "r to retry" in text
    assert not screen.loaded and not screen.ready
    await wait_until(pilot, lambda: not screen.query(LoadingIndicator))  # not left running
    assert_alive(app)
    if spec.build is None:
        sb.start()
    await pilot.press("r")
    await editor_ready(pilot)
    assert screen.editing.session.name == ASSISTANT_NAME
    assert not message.has_class("-error")
    await wait_until(pilot, lambda: not screen.query(LoadingIndicator))


async def assert_fallbacks(screen: EditorScreen) -> None:
    for name in LOOKUP_FIELDS:
        row = await row_of(screen, name)
        assert isinstance(row.control, Input) and row.control.has_class("-unverified"), (
            f"{name} does not fall back to a text input marked unverified: {row.control!r}"
        )


async def tui_lookups(pilot, app, sb: Sandbox, spec: FaultSpec, seen: list[str]) -> None:
    screen = await editor_ready(pilot)
    if spec.build is None:  # loaded fine; the server goes away; the user reloads the lists
        sb.stop()
        await screen.action_reload_lists().wait()
    warnings = [note for note in seen if "Could not load" in note]
    for name in LOOKUP_TARGETS:
        found = [note for note in warnings if f"the {name}:" in note]
        assert len(found) == 1, f"expected one warning about the {name}: {warnings}"
        # What to do: the client's advice, or (the editor's) type ids or names meanwhile.
        expect = spec.expect("lookups")
        advice = tuple(word for words in expect.todo for word in words) + ("unverified",)
        check_message(found[0], Expect(expect.happened, (advice,)))
    await assert_fallbacks(screen)
    # The rest of the editor is usable.
    row = await edit_name(pilot, screen, NEW_NAME)
    session = screen.editing.session
    assert session.dirty == ["assistant_name"] and session.value("assistant_name") == NEW_NAME
    assert_alive(app)
    if spec.build is None:
        sb.start()
    seen.clear()
    await screen.action_reload_lists().wait()
    assert any("Lists reloaded" in note for note in seen), seen
    for name in LOOKUP_FIELDS:
        row = await row_of(screen, name)
        assert isinstance(row.control, SearchSelect), f"{name} is still {row.control!r}"
    assert screen.editing.session.dirty == ["assistant_name"]
    assert screen.editing.session.value("assistant_name") == NEW_NAME
    assert control_of(screen, "assistant_name", Input).value == NEW_NAME


def stop_first(sb: Sandbox, update: Callable[..., Any]) -> Callable[..., Any]:
    """`ApiClient.update` that stops the server first: the assistant was read, the
    pre-save read went through, and the PUT finds nobody listening."""

    async def update_after_the_server_stopped(*args: Any, **kwargs: Any) -> Any:
        sb.stop()
        return await update(*args, **kwargs)

    return update_after_the_server_stopped


def ask_ready(app) -> bool:
    """The error modal is up, built, and its first button (Retry) has the focus."""
    screen = app.screen
    if not isinstance(screen, Ask):
        return False
    buttons = screen.query("#choice-retry")
    return bool(buttons) and app.focused is buttons.first()


async def send(pilot, app) -> None:
    await pilot.press("ctrl+s")
    await wait_until(pilot, lambda: isinstance(app.screen, ReviewScreen))
    await pilot.press("ctrl+s")


def assert_edits_kept(screen: EditorScreen, value: str = NEW_NAME) -> None:
    assert screen.editing.session.dirty == ["assistant_name"], screen.editing.session.dirty
    assert screen.editing.session.value("assistant_name") == value
    assert control_of(screen, "assistant_name", Input).value == value


async def tui_save(pilot, app, sb: Sandbox, spec: FaultSpec, seen: list[str]) -> None:
    screen = await editor_ready(pilot)
    await edit_name(pilot, screen, NEW_NAME)
    assert_edits_kept(screen)
    real_update = app.client.update
    if spec.build is None:
        app.client.update = stop_first(sb, real_update)  # refused at the PUT itself
    else:
        inject(sb, spec, "save")
    await send(pilot, app)
    session = screen.editing.session
    if spec.name == "422":
        await wait_until(pilot, lambda: any("Not saved" in note for note in seen))
        check_message(" ".join(seen), spec.expect("save"))
        review = app.screen
        assert isinstance(review, ReviewScreen)
        assert NAME_TAKEN in str(review.query_one("#review-problems", OptionList).get_option_at_index(0).prompt)
        assert_edits_kept(screen)
        await pilot.press("escape")
        await wait_until(pilot, lambda: app.screen is screen)
        row = screen.rows["assistant_name"]
        assert row.has_class("-error") and NAME_TAKEN in text_of(row.query_one(".field-message", Static))
        assert_edits_kept(screen)
        assert_alive(app)
        # Retry: change what the server rejected, then ctrl+s again.
        await edit_name(pilot, screen, NEW_NAME + "3")
        await send(pilot, app)
        await wait_until(pilot, lambda: not session.dirty and app.screen is screen)
        assert sb.assistant(ASSISTANT)["name"] == NEW_NAME + "3"
        return
    await wait_until(pilot, lambda: ask_ready(app) or not session.dirty)
    assert isinstance(app.screen, Ask), (
        f"no error was shown: the app took the answer as a save. dirty={session.dirty}, "
        f"name in the form {session.value('assistant_name')!r}, stored "
        f"{sb.assistant(ASSISTANT)['name']!r}, notifications={seen}"
    )
    text = text_of(app.screen.query_one("#ask-message", Static))
    check_message(text, spec.expect("save"))
    assert "edits are kept" in text
    assert [str(button.label) for button in app.screen.query(Button)] == ["Retry", "Back to editing"]
    assert_edits_kept(screen)
    assert_alive(app)
    if spec.build is None:
        assert puts(sb) == []  # nobody was listening
        app.client.update = real_update
        sb.start()
    await pilot.press("enter")  # Retry, the focused first button
    await wait_until(pilot, lambda: not session.dirty and app.screen is screen)
    assert sb.assistant(ASSISTANT)["name"] == NEW_NAME


TUI_FLOWS = {"pages": tui_pages, "lookups": tui_lookups, "open": tui_open, "save": tui_save}


@pytest.mark.parametrize(("fault", "op"), CELLS)
async def test_tui(sb: Sandbox, fault: str, op: str) -> None:
    spec, cell = begin("tui", fault, op)
    if spec.build is None and op in ("pages", "open"):
        sb.stop()  # refused from the first request on
    elif spec.build is not None and op != "save":
        inject(sb, spec, op)
    app, seen = tui_app(sb, None if op == "pages" else ASSISTANT, spec)
    async with app.run_test(size=SIZE) as pilot:
        await TUI_FLOWS[op](pilot, app, sb, spec, seen)
        assert_alive(app)
    TALLY.passed(cell)


# -- the CLI ----------------------------------------------------------------------------


def run_cli(sb: Sandbox, *args: str) -> Result:
    result = CliRunner(env=_CLEAN_ENV).invoke(
        # The seed's dialect, pinned: with the voices failing, auto would have to guess.
        main, ["--base-url", sb.base_url, "--api-key", DEMO_API_KEY, "--dialect", "2025", *args]
    )
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise AssertionError(f"voicedesk {' '.join(args)} crashed") from result.exception
    assert "Traceback" not in result.stdout + result.stderr
    assert DEMO_API_KEY not in result.stdout + result.stderr
    return result


def stderr_lines(result: Result) -> list[str]:
    return [line for line in result.stderr.splitlines() if line.strip()]


def assert_failed_readably(result: Result) -> str:
    """Exit 2; stderr holds `error:` lines only (a 422 lists its fields first), the
    last one the message, which it returns."""
    assert result.exit_code == 2, f"exit {result.exit_code}: {result.output}"
    lines = stderr_lines(result)
    assert lines, "no error message on stderr"
    assert all(line.startswith("error: ") for line in lines), lines
    return lines[-1]


def patch_cli_client(monkeypatch: pytest.MonkeyPatch, spec: FaultSpec) -> None:
    """The seams: the CLI builds `voicedesk.api.ApiClient(base_url, key)` with defaults."""
    overrides = client_overrides(spec)
    if not overrides:
        return

    class SeamedClient(_RealApiClient):
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **{**overrides, **kwargs})

    monkeypatch.setattr(voicedesk.api, "ApiClient", SeamedClient)


def cli_pages(sb: Sandbox, spec: FaultSpec, monkeypatch) -> None:
    if spec.build is None:
        sb.stop()
    result = run_cli(sb, "list")
    check_message(assert_failed_readably(result), spec.expect("pages"))
    assert len(stderr_lines(result)) == 1 and result.stdout == ""
    if spec.build is None:
        sb.start()
    again = run_cli(sb, "list")
    assert again.exit_code == 0, again.output
    assert len(again.stdout.splitlines()) == ASSISTANTS + 1 and ASSISTANT_NAME in again.stdout


def cli_open(sb: Sandbox, spec: FaultSpec, monkeypatch) -> None:
    if spec.build is None:
        sb.stop()
    result = run_cli(sb, "show", str(ASSISTANT))
    check_message(assert_failed_readably(result), spec.expect("open"))
    assert len(stderr_lines(result)) == 1 and result.stdout == ""
    if spec.build is None:
        sb.start()
    again = run_cli(sb, "show", str(ASSISTANT))
    assert again.exit_code == 0, again.output
    assert ASSISTANT_NAME in again.stdout and again.stderr == ""


def cli_lookups(sb: Sandbox, spec: FaultSpec, monkeypatch) -> None:
    result = run_cli(sb, "show", str(ASSISTANT))
    # A list that fails only degrades: one warning per list, and the assistant is shown.
    assert result.exit_code == 0, result.output
    lines = stderr_lines(result)
    assert len(lines) == len(LOOKUP_TARGETS), lines
    for name in LOOKUP_TARGETS:
        found = [line for line in lines if line.startswith(f"warning: could not load {name}: ")]
        assert len(found) == 1, f"expected one warning about the {name}: {lines}"
        check_message(found[0], spec.expect("lookups"), todo=False)
    assert ASSISTANT_NAME in result.stdout
    again = run_cli(sb, "show", str(ASSISTANT))
    assert again.exit_code == 0 and again.stderr == "", again.output
    assert ASSISTANT_NAME in again.stdout


def cli_save(sb: Sandbox, spec: FaultSpec, monkeypatch) -> None:
    command = ("set", str(ASSISTANT), f"assistant_name={NEW_NAME}", "--yes")
    real_update = _RealApiClient.update
    if spec.build is None:  # refused at the PUT itself
        monkeypatch.setattr(_RealApiClient, "update", stop_first(sb, real_update))
    else:
        inject(sb, spec, "save")
    result = run_cli(sb, *command)
    last = assert_failed_readably(result)
    if spec.name == "422":
        check_message(result.stderr, spec.expect("save"))
        assert f"error: assistant_name: {NAME_TAKEN}" in result.stderr
        assert "nothing was saved" in last
    else:
        check_message(last, spec.expect("save"))
        assert len(stderr_lines(result)) == 1, result.stderr
    assert "Saved" not in result.stdout
    if not spec.timeout:  # a timed-out PUT still lands later: "may or may not"
        assert sb.assistant(ASSISTANT)["name"] == ASSISTANT_NAME
    if spec.build is None:
        assert puts(sb) == []  # nobody was listening
        monkeypatch.setattr(_RealApiClient, "update", real_update)
        sb.start()
    else:
        assert [p.body for p in puts(sb)] == [{"assistant_name": NEW_NAME}]
    again = run_cli(sb, *command)
    assert again.exit_code == 0, again.output
    said = ("Saved 1 field.", "No changes.", "Nothing to send") if spec.timeout else ("Saved 1 field.",)
    assert any(text in again.stdout for text in said), again.output
    assert sb.assistant(ASSISTANT)["name"] == NEW_NAME


CLI_FLOWS = {"pages": cli_pages, "lookups": cli_lookups, "open": cli_open, "save": cli_save}


@pytest.mark.parametrize(("fault", "op"), CELLS)
def test_cli(sb: Sandbox, fault: str, op: str, monkeypatch: pytest.MonkeyPatch) -> None:
    spec, cell = begin("cli", fault, op)
    patch_cli_client(monkeypatch, spec)
    if spec.build is not None and op != "save":
        inject(sb, spec, op)
    CLI_FLOWS[op](sb, spec, monkeypatch)
    TALLY.passed(cell)


# -- outside the matrix -----------------------------------------------------------------


def test_cli_list_does_not_show_unloaded_numbers_as_no_number(sb: Sandbox) -> None:
    """`list` loads the phone numbers to show them; when that fails it must not print
    "-" (no number) for an assistant that has one, and it should say the list failed."""
    for name in ("inbound numbers", "outbound numbers"):
        sb.fail_next(1, Fault.status(500), path=LOOKUP_TARGETS[name])
    result = run_cli(sb, "list")
    assert result.exit_code == 0, result.output
    [row] = [line for line in result.stdout.splitlines() if line.startswith(f"{ASSISTANT} ")]
    number_id = sb.assistant(ASSISTANT)["phone_number_id"]
    assert " - " not in row or str(number_id) in row, (
        f"assistant {ASSISTANT} has number #{number_id}, but `list` shows it without one: {row!r}; "
        f"stderr: {result.stderr!r}"
    )
    assert "warning" in result.stderr and "numbers" in result.stderr, result.stderr
