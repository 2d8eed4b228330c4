"""The API key: where it may come from, and that it shows up nowhere else."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from tui_helpers import choose, open_editor, wait_until
from voicedesk.cli import main
from voicedesk.sandbox import Fault, Sandbox
from voicedesk.settings import SettingsError, make_settings, read_config
from voicedesk.tui.app import VoicedeskApp
from voicedesk.tui.screens.modals import Ask
from voicedesk.tui.screens.review import ReviewScreen

KEY = "vd-live-Q2w9ZpX7kM4rT8sN"


@pytest.fixture
def sandbox():
    with Sandbox(api_key=KEY, rate_limit=None) as server:
        yield server


def cli(*args: str, env: dict | None = None, input: str | None = None):
    return CliRunner().invoke(main, list(args), env=env or {}, input=input)


def test_the_key_comes_from_the_environment_a_file_or_the_config(sandbox, tmp_path) -> None:
    base = ["--base-url", sandbox.base_url]
    assert cli(*base, "list", env={"VOICEDESK_API_KEY": KEY}).exit_code == 0
    key_file = tmp_path / "key"
    key_file.write_text(KEY + "\n")
    key_file.chmod(0o600)
    result = cli(*base, "--api-key-file", str(key_file), "list")
    assert result.exit_code == 0 and "warning" not in result.stderr
    key_file.chmod(0o644)
    result = cli(*base, "--api-key-file", str(key_file), "list")
    assert result.exit_code == 0 and "can be read by other users" in result.stderr
    assert cli(*base, "--api-key-file", str(tmp_path / "missing"), "list").exit_code == 2
    # configure stores host and key; later commands need neither flag.
    stored = cli(*base, "configure", env={"VOICEDESK_API_KEY": KEY})
    assert stored.exit_code == 0, stored.output
    config = Path(os.environ["VOICEDESK_CONFIG_DIR"]) / "config.toml"
    assert stat.S_IMODE(config.stat().st_mode) == 0o600
    assert read_config(config).api_key == KEY
    assert cli("list").exit_code == 0
    # A flag beats the config.
    assert "401" in cli("--api-key", "wrong-key", "list").stderr


def test_configure_refuses_to_read_a_key_from_a_pipe(sandbox) -> None:
    result = cli("--base-url", sandbox.base_url, "configure", input="typed-key\n")
    assert result.exit_code == 2 and "standard input is not a terminal" in result.stderr


@pytest.mark.parametrize("url, allowed", [
    ("http://127.0.0.1:8765", True), ("http://localhost:8765", True), ("http://[::1]:8765", True),
    ("https://app.famulor.de", True), ("http://app.famulor.de", False), ("http://10.0.0.5", False),
])
def test_plain_http_only_to_loopback(url, allowed) -> None:
    if allowed:
        assert make_settings(url, KEY).base_url == url
    else:
        with pytest.raises(SettingsError, match="plain http"):
            make_settings(url, KEY)
        assert make_settings(url, KEY, insecure=True).base_url == url


def test_the_cli_refuses_plain_http_without_insecure() -> None:
    result = cli("--base-url", "http://app.famulor.de", "--api-key", KEY, "list")
    assert result.exit_code == 2 and "--insecure" in result.stderr


async def test_the_key_appears_on_no_output_path(sandbox, tmp_path) -> None:
    """Every place voicedesk writes to: CLI output with --debug, errors, drafts, history,
    screenshots, notifications. Only the config file holds the key, by design."""
    outputs: list[str] = []
    env = {**os.environ, "VOICEDESK_API_KEY": KEY}
    script = str(Path(sys.executable).parent / "voicedesk")
    for args in (["list"], ["show", "101"], ["show", "101", "--json"], ["set", "101", "speech_speed=0.9", "--yes"],
                 ["set", "101", "speech_speed=9", "--yes"], ["history"], ["show", "999"]):
        done = subprocess.run([script, "--debug", "--base-url", sandbox.base_url, *args],
                              capture_output=True, text=True, env=env, timeout=60)
        outputs += [done.stdout, done.stderr]
        assert "Bearer ***" in done.stderr or args == ["history"]
    # The server echoing the key in an error must not bring it back.
    sandbox.fail_next(1, Fault.status(500, {"message": f"bad token {KEY}"}), path="/api/user/assistant/")
    done = subprocess.run([script, "--base-url", sandbox.base_url, "set", "101", "speech_speed=1.1", "--yes"],
                          capture_output=True, text=True, env=env, timeout=60)
    assert done.returncode == 2
    outputs += [done.stdout, done.stderr]

    app = VoicedeskApp(make_settings(sandbox.base_url, KEY), 101)
    async with app.run_test(size=(120, 36)) as pilot:
        editor = await open_editor(pilot)
        await editor.focus_field("assistant_name")
        await wait_until(pilot, lambda: editor.rows["assistant_name"].control_has_focus)
        await pilot.press("end", *" secret-free")
        await wait_until(pilot, lambda: list((Path(os.environ["VOICEDESK_STATE_DIR"]) / "drafts").glob("*")))
        outputs.append(app.export_screenshot())
        sandbox.fail_next(1, Fault.status(500, {"message": f"token {KEY} rejected"}), path="/api/user/assistant/")
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: isinstance(app.screen, ReviewScreen))
        await pilot.press("j")
        outputs.append(app.export_screenshot())
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: isinstance(app.screen, Ask))
        outputs.append(app.export_screenshot())
        await choose(pilot, "retry")
        await wait_until(pilot, lambda: not editor.editing.session.dirty)
        outputs += [str(notification.message) for notification in app._notifications]
        outputs.append(repr(app.client) + repr(app.settings))

    state = Path(os.environ["VOICEDESK_STATE_DIR"])
    written = [path.read_text(errors="replace") for path in state.rglob("*") if path.is_file()]
    assert any("speech_speed" in text for text in written)  # the history is there
    assert KEY not in "\n".join(outputs + written)


# -- the Cal.com key of a 2026 built-in tool: never in a draft ---------------------------


CALCOM_KEY = "cal_live_7f3a9c2e5b1d"  # what the 2026 demo's assistant 101 stores


def _calcom(tools: list) -> dict:
    return next(tool for tool in tools if isinstance(tool, dict) and tool.get("type") == "calendar_integration")


@pytest.mark.parametrize("edit", ["another tool", "the slug", "a new key", "moved first"])
def test_a_draft_never_holds_the_calcom_key_and_replays_it_right(edit) -> None:
    """The stored key goes into a draft as *** kept *** and comes back from the server's
    tools on replay; a key the user typed goes in as *** not kept in drafts *** and, on
    replay, the tool asks for it again (never the stored key in its place)."""
    import asyncio
    import copy

    from voicedesk.api import ApiClient
    from voicedesk.drafts import Draft, DraftStore
    from voicedesk.remote import open_session
    from voicedesk.sandbox import DEMO_API_KEY

    async def session_of(sandbox):
        async with ApiClient(sandbox.base_url, DEMO_API_KEY) as client:
            return (await open_session(client, 101))[0]

    with Sandbox(rate_limit=None, dialect="2026") as sandbox:
        session = asyncio.run(session_of(sandbox))
        tools = copy.deepcopy(session.value("tools"))
        if edit == "another tool":
            tools[0]["description"] = "Say goodbye first."
        elif edit == "the slug":
            _calcom(tools)["calcom_event_slug"] = "cleaning"
        elif edit == "a new key":
            _calcom(tools)["calcom_api_key"] = "cal_live_NEWKEY0001"
        else:
            tools.insert(0, tools.pop(tools.index(_calcom(tools))))
        session.set("tools", tools)
        store = DraftStore()
        slot = store.slot("host", 101)
        slot.save(Draft.from_session(session, "host"))
        text = "".join(path.read_text() for path in store.directory.glob("*.json"))
        assert CALCOM_KEY not in text and "cal_live_NEWKEY0001" not in text
        slot.close()  # the session ended: its draft is left behind, to be offered
        replayed = asyncio.run(session_of(sandbox))
        left = store.left_behind("host", 101)
        [held] = left.drafts
        assert held.draft.apply_to(replayed) == []
        left.release()
        key = _calcom(replayed.value("tools"))["calcom_api_key"]
        if edit == "a new key":
            assert key == "*** not kept in drafts ***"
            assert "type it again" in replayed.validate()["tools"]
        else:
            assert replayed.value("tools") == tools and key == CALCOM_KEY
            assert "tools" not in replayed.validate()
