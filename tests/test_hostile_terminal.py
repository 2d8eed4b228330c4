"""One hostile record, every string of it (and of the account's lists) hostile: no screen
of the real TUI on a pseudo-terminal, and no command of the CLI, sends a byte of it that
a terminal would act on. The payload: a CSI with marker parameters, an OSC 52 clipboard
write, an OSC 8 link, a C1 CSI, NUL, DEL, a bidi override, a line separator."""

from __future__ import annotations

import json
import os
import re
import select
import signal
import time
from typing import Any

import pytest
from click.testing import CliRunner

from tui_helpers import Terminal
from voicedesk.cli import main
from voicedesk.fields import GROUPS, fields_in
from voicedesk.history import History
from voicedesk.sandbox import DEMO_API_KEY, Fault, Sandbox
from voicedesk.session import Change
from voicedesk.settings import make_settings

PAYLOAD = (
    "\x1b[6;66;666mCSI \x1b]52;c;cHduZWQ=\x07OSC52 \x1b]8;;https://evil.example/\x1b\\OSC8\x1b]8;;\x1b\\ "
    "\x9b77;777HC1 \x00NUL \x7fDEL \u202eRLO\u202c \u2066iso\u2069 \u2028LS"
)
# In what reaches a terminal: no OSC but Textual's own pointer shape (22), no C1 (as
# UTF-8), no NUL or DEL, no bidi control or line separator, and not the hostile CSI.
FORBIDDEN_BYTES = re.compile(
    rb"\x1b\](?!22;)|\xc2[\x80-\x9f]|\x00|\x7f|\xe2\x80[\xa8-\xae]|\xe2\x81[\xa6-\xa9]|\x1b\[6;66;666m"
)
FORBIDDEN_TEXT = re.compile("[\x00-\x09\x0b-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")
SHOWN = "␛[6;66;666mCSI"  # the payload's first part, as every screen shows it


def hostile(tag: str) -> str:
    return f"{tag} {PAYLOAD}"


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def make_hostile(sandbox: Sandbox) -> None:
    """Assistant 101 with every text field hostile, and hostile lists."""
    record = sandbox.assistant(101)
    fields: dict[str, Any] = {key: hostile(key) for key, value in record.items()
              if isinstance(value, str) and not _is_number(value)}
    fields.update(
        variables={hostile("key"): hostile("value")},
        post_call_schema=[{"name": hostile("field"), "type": "string", "description": hostile("description")}],
        tools=[{"type": "end_call", "data": {"description": hostile("end call")}}],
    )
    sandbox.edit_assistant(101, **fields)
    with sandbox.lock:
        for voice in sandbox.data.voices:
            voice["name"] = hostile("voice")
        for language in sandbox.data.languages:
            language["name"], language["iso_2"] = hostile("language"), hostile("iso")
        for model in sandbox.data.models:
            model["name"] = hostile("model")
        for number in sandbox.data.phone_numbers:
            number.update(phone_number=hostile("+49"), country_code=hostile("DE"), type_label=hostile("label"))


@pytest.fixture
def sandbox():
    with Sandbox(rate_limit=None) as server:
        make_hostile(server)
        yield server


def record_history(sandbox: Sandbox) -> None:
    """A history file (a file: untrusted too) with a hostile save of 101."""
    host = make_settings(sandbox.base_url, DEMO_API_KEY).host
    History().append(host, 101, hostile("name"), [
        Change("assistant_name", hostile("before"), hostile("after")),
        Change("variables", {hostile("k"): hostile("v")}, {}),
    ])


class Screen:
    """A Terminal read from a mark on: waits for text drawn after the last step."""

    def __init__(self, terminal: Terminal) -> None:
        self.terminal = terminal
        self.mark = 0
        self.visited: list[str] = []

    def read(self, timeout: float = 0.1) -> None:
        if select.select([self.terminal.primary], [], [], timeout)[0]:
            try:
                self.terminal.screen += os.read(self.terminal.primary, 65536)
            except OSError:
                pass

    def wait_for(self, text: str, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while text.encode() not in self.terminal.screen[self.mark:]:
            assert self.terminal.process.poll() is None, f"voicedesk ended waiting for {text!r}"
            assert time.monotonic() < deadline, (
                f"{text!r} never appeared after {self.visited}; drawn since: {self.drawn_since()!r}")
            self.read()

    def drawn_since(self) -> str:
        """The text drawn since the mark, escape sequences left out (for a failure)."""
        raw = self.terminal.screen[self.mark:].decode(errors="replace")
        return re.sub(r"\x1b\[[0-9;?]*[A-Za-z]|\x1b\][^\x07]*\x07", "", raw)[-6000:]

    def settle(self) -> None:
        """Read what is still being drawn after the awaited text came."""
        end = time.monotonic() + 1
        while time.monotonic() < end:
            self.read(0.1)
        check_bytes(self.terminal.screen, self.visited[-1] if self.visited else "start")

    def step(self, name: str, keys: str, shows: str) -> None:
        """Type `keys`, then wait until `shows` is drawn: one screen visited."""
        self.mark = len(self.terminal.screen)
        self.terminal.type(keys)
        self.wait_for(shows)
        self.visited.append(name)
        check_bytes(self.terminal.screen, name)



def check_bytes(raw: bytes, where: str = "") -> None:
    found = FORBIDDEN_BYTES.search(raw)
    assert found is None, (f"{where}: {found.group()!r} reached the terminal near "
                           f"{raw[max(0, found.start() - 60):found.end() + 60]!r}")
    assert b"Traceback" not in raw


CTRL_PAGEDOWN, ESCAPE, F1 = "\x1b[6;5~", "\x1b", "\x1bOP"


def test_no_screen_of_the_tui_sends_server_text_raw(sandbox) -> None:
    record_history(sandbox)
    terminal = Terminal(sandbox)
    screen = Screen(terminal)
    try:
        screen.wait_for("Enter opens the editor")
        screen.wait_for(SHOWN)
        screen.visited.append("picker")
        screen.step("editor", "101\r", "unsaved change")
        for group in GROUPS[1:]:
            # The first field's help: only the group's form draws it (its name is in the sidebar).
            screen.step(f"group {group.value}", CTRL_PAGEDOWN, fields_in(group)[0].help[:24])
            screen.settle()
        screen.step("finder", "\x06", "Find a field")
        screen.terminal.type("voice\r")
        time.sleep(1.5)  # the jump to the field is a worker of the editor: let it land
        screen.step("voice list", "\r", " options")
        screen.step("back", ESCAPE, "0 unsaved changes")
        screen.step("finder", "\x06", "Find a field")
        screen.terminal.type("system prompt\r")
        time.sleep(1.5)
        screen.step("prompt editor", "\r", "Escape returns to the form")
        screen.step("edited", "x" + ESCAPE, "1 unsaved change")
        screen.step("help", F1, "voicedesk help")
        screen.step("back", ESCAPE, "1 unsaved change")
        screen.step("review", "\x13", "Send changes")
        screen.step("body JSON", "j", "PUT /api/user/assistant/101")
        screen.step("back", ESCAPE, "1 unsaved change")
        screen.step("palette", "\x10", "Leave the editor (Escape)")
        screen.terminal.type("Show history")
        screen.step("history", "\r", "History:")
        screen.step("back", ESCAPE, "1 unsaved change")
        sandbox.fail_next(1, Fault.status(500, {"message": hostile("server error")}), path="/api/user/assistant/")
        screen.step("review", "\x13", "Send changes")
        screen.step("error dialog", "\x13", "Could not save")
        screen.step("review again", ESCAPE, "Send changes")
        screen.step("back", ESCAPE, "1 unsaved change")
        sandbox.edit_assistant(101, system_prompt=hostile("changed on the server"))
        screen.step("review", "\x13", "Send changes")
        screen.step("conflict", "\x13", "changed on the server while you edited")
        screen.settle()
        os.kill(terminal.process.pid, signal.SIGHUP)  # the draft is written
        assert terminal.process.wait(timeout=20) == 0
        screen.read()
    finally:
        terminal.close()
    raw = terminal.screen

    terminal = Terminal(sandbox, "edit", "101")
    screen2 = Screen(terminal)
    try:
        screen2.wait_for("Restore unsaved changes?")
        screen2.settle()
        screen.visited.append("draft offer")
    finally:
        terminal.close()
    raw += terminal.screen

    assert SHOWN.encode() in raw  # shown, as symbols
    check_bytes(raw, "draft offer")
    print(f"hostile TUI: {len(screen.visited)} screens checked: {', '.join(screen.visited)}")


CLI_COMMANDS = [
    ["list"], ["list", "--json"], ["show", "101"], ["show", "101", "--json"], ["show", "101", "--raw"],
    ["set", "101", "assistant_name=renamed", "--dry-run"], ["set", "101", "phone_number_id=2101", "--dry-run"],
    ["set", "101", f"initial_message={hostile('typed')}", "--dry-run"],
    ["set", "101", "voice_id=9999"], ["set", "101", f"language={hostile('typed language')}"],
    ["diff", "101", "-"], ["history"], ["history", "101"], ["history", "--json"],
]


def test_no_command_prints_server_text_raw(sandbox) -> None:
    record_history(sandbox)
    runner = CliRunner()
    base = ["--base-url", sandbox.base_url, "--api-key", DEMO_API_KEY]
    shown_json = runner.invoke(main, [*base, "show", "101", "--json"]).stdout
    body = {**json.loads(shown_json), "assistant_name": hostile("from a file")}
    checked = 0
    for args in CLI_COMMANDS:
        stdin = json.dumps(body) if args[0] == "diff" else None
        result = runner.invoke(main, [*base, *args], input=stdin)
        output = result.stdout + result.stderr
        assert result.exit_code in (0, 1, 2), (args, output)
        assert "Traceback" not in output, (args, output)
        found = FORBIDDEN_TEXT.search(output)
        assert found is None, (args, found.group(), output[max(0, found.start() - 80):found.end() + 80])
        checked += 1
    # The server's errors and the sandbox's refusals, quoted in messages.
    for fault in (Fault.status(500, {"message": hostile("server error")}),
                  Fault.status(422, {"message": hostile("invalid"), "errors": {
                      "assistant_name": [hostile("name rule")], hostile("unknown key"): [hostile("rule")]}})):
        sandbox.fail_next(1, fault, path="/api/user/assistant/")
        result = runner.invoke(main, [*base, "set", "101", "assistant_name=renamed", "--yes"])
        output = result.stdout + result.stderr
        assert result.exit_code == 2 and "Traceback" not in output, output
        assert not FORBIDDEN_TEXT.search(output), output
        checked += 1
    print(f"hostile CLI: {checked} commands checked")
