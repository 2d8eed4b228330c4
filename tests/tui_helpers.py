"""Driving the TUI against a real sandbox over loopback."""

from __future__ import annotations

import os
import select
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import TypeVar

from textual.app import App
from textual.pilot import Pilot
from textual.screen import Screen
from textual.widget import Widget

from voicedesk.sandbox import DEMO_API_KEY, Sandbox
from voicedesk.settings import make_settings
from voicedesk.tui.app import VoicedeskApp
from voicedesk.tui.form import FieldRow
from voicedesk.tui.screens.editor import EditorScreen
from voicedesk.tui.screens.modals import Ask

S = TypeVar("S", bound=Screen)
W = TypeVar("W", bound=Widget)


def as_from_a_shell() -> None:
    """`preexec_fn` of a process a test sends exit signals to: their default effects, as a
    shell in a terminal starts a program with. Ignored ones are inherited: run under
    `nohup` (SIGHUP ignored) or as a background job of a script (SIGINT ignored), a signal
    sent before the program installs its own handlers did nothing, and tests waited in vain."""
    for exit_signal in (signal.SIGHUP, signal.SIGTERM, signal.SIGINT):
        signal.signal(exit_signal, signal.SIG_DFL)


def make_app(sandbox: Sandbox, assistant_id: int | None = None, *, dialect: str = "auto") -> VoicedeskApp:
    return VoicedeskApp(replace(make_settings(sandbox.base_url, DEMO_API_KEY), dialect=dialect), assistant_id)


async def wait_until(pilot: Pilot, condition: Callable[[], object], timeout: float = 30.0) -> None:
    """Let the app work (HTTP happens in the background) until `condition` holds."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {condition}")
        await pilot.pause(0.02)


async def choose(pilot: Pilot, choice: str) -> None:
    """Click a dialog's button once the dialog is drawn, as a person would: a click
    posted before the screen's first layout lands nowhere."""
    def drawn() -> bool:
        screen = pilot.app.screen
        return isinstance(screen, Ask) and any(b.id == f"choice-{choice}" and b.region for b in screen.query("Button"))

    await wait_until(pilot, drawn)
    assert await pilot.click(f"#choice-{choice}")


async def dialog_message(pilot: Pilot) -> str:
    """The text of the question dialog on top, once it is built (it is pushed first)."""
    def built() -> bool:
        screen = pilot.app.screen
        return isinstance(screen, Ask) and bool(screen.query("#ask-message"))

    await wait_until(pilot, built)
    return str(pilot.app.screen.query_one("#ask-message").render())


def top(app: App, kind: type[S]) -> S:
    """The screen on top, which the test knows to be a `kind`."""
    screen = app.screen
    assert isinstance(screen, kind), f"{type(screen).__name__} on top, not {kind.__name__}"
    return screen


async def open_editor(pilot: Pilot) -> EditorScreen:
    """The editor the app opened, once it is ready for input."""
    await wait_until(pilot, lambda: isinstance(pilot.app.screen, EditorScreen) and pilot.app.screen.ready)
    editor = pilot.app.screen
    assert isinstance(editor, EditorScreen)
    return editor


async def focus(pilot: Pilot, editor: EditorScreen, name: str) -> None:
    """Put the focus on a field's control, as a jump to it does."""
    await editor.focus_field(name)
    await wait_until(pilot, lambda: editor.rows[name].control_has_focus)


def control_in(row: FieldRow, kind: type[W]) -> W:
    """A row's control, which the test knows to be a `kind`."""
    control = row.control
    assert isinstance(control, kind), f"{row.field.name}: {type(control).__name__}, not {kind.__name__}"
    return control


def control_of(editor: EditorScreen, name: str, kind: type[W]) -> W:
    """A field's control, which the test knows to be a `kind`."""
    return control_in(editor.rows[name], kind)


def draft_files() -> list[Path]:
    """The drafts in this test's state folder."""
    return sorted((Path(os.environ["VOICEDESK_STATE_DIR"]) / "drafts").glob("*.json"))


def review_text(screen: Screen) -> str:
    """Every change the review shows, as text (one block per change)."""
    return "\n".join(str(block.render()) for block in screen.query(".review-change"))


def puts(sandbox: Sandbox) -> list:
    return [r for r in sandbox.requests if r.method == "PUT"]


class Terminal:
    """voicedesk in a pseudo-terminal: type into it, read what it draws."""

    def __init__(self, sandbox: Sandbox | None, *args: str) -> None:
        """`sandbox`: the API it talks to; None for none (`--demo` brings its own)."""
        primary, secondary = os.openpty()
        os.set_blocking(primary, False)
        env = {**os.environ, "TERM": "xterm-256color", "COLUMNS": "120", "LINES": "36"}
        connection = [] if sandbox is None else ["--base-url", sandbox.base_url, "--api-key", DEMO_API_KEY]
        self.process = subprocess.Popen(
            [str(Path(sys.executable).parent / "voicedesk"), *connection, *args],
            stdin=secondary, stdout=secondary, stderr=secondary, env=env, start_new_session=True,
            preexec_fn=as_from_a_shell,
        )
        os.close(secondary)
        self.primary = primary
        self.screen = b""
        self.first_drawn_at: float | None = None  # time.time() of its first output

    def wait_for(self, text: str, timeout: float = 30) -> None:
        deadline = time.monotonic() + timeout
        while text.encode() not in self.screen:
            assert time.monotonic() < deadline, f"{text!r} never appeared"
            if select.select([self.primary], [], [], 0.1)[0]:
                try:
                    self.screen += os.read(self.primary, 65536)
                except OSError:
                    break
                if self.first_drawn_at is None:
                    self.first_drawn_at = time.time()

    def type(self, keys: str) -> None:
        os.write(self.primary, keys.encode())

    def review_and_send(self, sandbox: Sandbox) -> None:
        """ctrl+s to the review, ctrl+s to send; back once the sandbox has the PUT."""
        self.type("\x13")
        self.wait_for("Send changes")
        self.type("\x13")
        deadline = time.monotonic() + 20
        while not puts(sandbox):
            assert time.monotonic() < deadline, "nothing was sent"
            time.sleep(0.1)

    def close(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
        self.process.wait(timeout=10)
        os.close(self.primary)
