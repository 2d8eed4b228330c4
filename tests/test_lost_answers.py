"""A save whose answer was lost ("may or may not have been saved") is recorded in the
history exactly once: by the retry whose fresh read shows the server holds it, or as the
retry's own save when it did not arrive. In remote.save, the TUI's Retry and the CLI's
second run, over real loopback HTTP against the sandbox."""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

import voicedesk.api
from tui_helpers import make_app, open_editor, puts, wait_until
from voicedesk.api import ApiClient, NetworkError, ProtocolError
from voicedesk.cli import main
from voicedesk.history import History
from voicedesk.remote import open_session, save
from voicedesk.sandbox import DEMO_API_KEY, Fault, Sandbox
from voicedesk.session import Change
from voicedesk.tui.screens.modals import Ask
from voicedesk.tui.screens.review import ReviewScreen

PUT_PATH = "/api/user/assistant/101"
NAME = "Bright Smile Dental – Reception"
NEW_NAME = NAME + " (after the lost answer)"
TIMEOUT = 1.0  # the client's, for the cases where the answer comes too late
LATE = 3.0  # how long the sandbox holds that answer (it saves the change after this)


@pytest.fixture
def sandbox():
    with Sandbox(rate_limit=None) as server:
        yield server


def client(sandbox: Sandbox) -> ApiClient:
    return ApiClient(sandbox.base_url, DEMO_API_KEY, timeout=TIMEOUT, backoff=0.01, rate_limits=())


def wait_for(condition, what: str) -> None:
    deadline = time.monotonic() + 30
    while not condition():
        assert time.monotonic() < deadline, what
        time.sleep(0.05)


def lose_the_answer(sandbox: Sandbox, how: str) -> None:
    """Make the next PUT lose its answer: `late` (the server saves it after the client
    gave up), `garbage` (it answers with broken JSON), `dropped` (the connection breaks
    before anything is saved)."""
    if how == "late":
        sandbox.fail_next(1, Fault.delay(LATE), path=PUT_PATH)
    elif how == "garbage":
        sandbox.fail_next(1, Fault.malformed_json(), path=PUT_PATH)
    else:
        sandbox.fail_next(1, Fault.drop(), path=PUT_PATH)


def settle_server(sandbox: Sandbox, how: str, saved: bool, stored: dict[str, Any]) -> None:
    """After the lost answer: the state of the server the retry will find."""
    if how == "late":
        wait_for(lambda: all(sandbox.assistant(101)[k] == v for k, v in stored.items()), "the late save")
    elif saved:  # a server that saved, then failed to answer properly
        sandbox.edit_assistant(101, **stored)


CASES = [("late", True), ("garbage", True), ("garbage", False), ("dropped", False)]


@pytest.mark.parametrize(("how", "saved"), CASES)
async def test_a_lost_answer_is_recorded_once_whether_or_not_it_was_saved(sandbox, how: str, saved: bool) -> None:
    history = History()
    async with client(sandbox) as api:
        session, _ = await open_session(api, 101)
        session.set("assistant_name", NEW_NAME)
        session.set("speech_speed", 1.1)
        sent = session.changes()
        lose_the_answer(sandbox, how)
        with pytest.raises((NetworkError, ProtocolError), match="may or may not"):
            await save(api, session, history=history)
        assert history.entries() == [] and session.dirty == ["assistant_name", "speech_speed"]
        settle_server(sandbox, how, saved, {"name": NEW_NAME, "speech_speed": "1.1"})

        retry = await save(api, session, history=history)  # the Retry

        if saved:
            assert retry.sent == {} and retry.earlier == sent
        else:
            assert retry.sent and retry.earlier == []
        [entry] = history.entries()
        assert (entry.host, entry.assistant_id, entry.changes) == (api.host, 101, sent)
        assert retry.history_error is None
        # Settled: later saves never record it again.
        session.set("max_call_duration", 900)
        later = await save(api, session, history=history)
    assert later.earlier == [] and [e.changes for e in history.entries()] == [
        sent, [Change("max_call_duration", later.changes[0].before, 900)]
    ]
    assert not history.unconfirmed_dir.exists() or list(history.unconfirmed_dir.iterdir()) == []
    print(f"lost answer, {how}, {'saved' if saved else 'not saved'}: 1 case")


async def test_an_earlier_save_is_recorded_even_when_the_retry_sends_more(sandbox) -> None:
    history = History()
    async with client(sandbox) as api:
        session, _ = await open_session(api, 101)
        session.set("assistant_name", NEW_NAME)
        first = session.changes()
        lose_the_answer(sandbox, "late")
        with pytest.raises(NetworkError):
            await save(api, session, history=history)
        settle_server(sandbox, "late", True, {"name": NEW_NAME})
        session.set("speech_speed", 1.1)  # back to editing, one more change, save
        result = await save(api, session, history=history)
    assert result.earlier == first and result.sent == {"speech_speed": 1.1}
    assert [entry.changes for entry in history.entries()] == [first, [Change("speech_speed", 1.0, 1.1)]]


async def test_the_tui_s_retry_says_the_earlier_attempt_had_saved_it(sandbox) -> None:
    app = make_app(sandbox, 101)
    app.client = client(sandbox)
    seen: list[str] = []
    notify = app.notify

    def recording(message: str, *args: Any, **kwargs: Any) -> None:
        seen.append(f"{kwargs.get('title', '')}: {message}")
        notify(message, *args, **kwargs)

    app.notify = recording  # type: ignore[method-assign]  # what the app tells, recorded on its way
    async with app.run_test(size=(120, 36)) as pilot:
        editor = await open_editor(pilot)
        await editor.focus_field("assistant_name")
        await wait_until(pilot, lambda: editor.rows["assistant_name"].control_has_focus)
        await pilot.press("end", *" (after the lost answer)")
        await wait_until(pilot, lambda: editor.editing.session.value("assistant_name") == NEW_NAME)
        lose_the_answer(sandbox, "late")
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: isinstance(app.screen, ReviewScreen))
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: isinstance(app.screen, Ask) and bool(app.screen.query("#choice-retry")))
        await wait_until(pilot, lambda: sandbox.assistant(101)["name"] == NEW_NAME)
        await pilot.click("#choice-retry")
        await wait_until(pilot, lambda: not editor.editing.session.dirty and app.screen is editor)
        await wait_until(pilot, lambda: any(s.startswith("Saved earlier:") for s in seen))
    assert len(puts(sandbox)) == 1  # the retry found nothing left to send
    [entry] = History().entries()
    assert entry.changes == [Change("assistant_name", NAME, NEW_NAME)]
    assert not any("Nothing to send" in s for s in seen)


@pytest.mark.parametrize("command", ["set", "apply"])
def test_the_cli_s_second_run_says_the_earlier_run_had_saved_it(
    sandbox, command: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    class ShortTimeout(ApiClient):
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **{"timeout": TIMEOUT, **kwargs})

    monkeypatch.setattr(voicedesk.api, "ApiClient", ShortTimeout)
    body = tmp_path / "body.json"
    body.write_text(json.dumps({"assistant_name": NEW_NAME}))
    args = (["set", "101", f"assistant_name={NEW_NAME}"] if command == "set" else ["apply", "101", str(body)])

    def run(*more: str):
        result = CliRunner(env={"VOICEDESK_BASE_URL": None, "VOICEDESK_API_KEY": None}).invoke(
            main, ["--base-url", sandbox.base_url, "--api-key", DEMO_API_KEY, *more]
        )
        assert result.exception is None or isinstance(result.exception, SystemExit), result.output
        return result

    lose_the_answer(sandbox, "late")
    first = run(*args, "--yes")
    assert first.exit_code == 2 and "may or may not" in first.stderr
    settle_server(sandbox, "late", True, {"name": NEW_NAME})
    assert "Saved earlier" not in run(*args, "--dry-run").stdout  # a dry run records nothing

    second = run(*args, "--yes")

    assert second.exit_code == 0, second.output
    assert "Saved earlier: the update whose answer was lost had reached the server (assistant_name)" in second.stdout
    assert "No changes." in second.stdout
    assert "Saved earlier" not in run(*args, "--yes").stdout  # settled once
    lines = run("history", "--json").stdout.splitlines()
    assert [json.loads(line)["changes"] for line in lines] == [
        [{"field": "assistant_name", "before": NAME, "after": NEW_NAME}]
    ]
    assert len(puts(sandbox)) == 1
