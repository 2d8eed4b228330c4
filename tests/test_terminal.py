"""No terminal, no editor; the editor lets go of its terminal.

Real processes through the real entry point, on real pseudo-terminals.
"""

from __future__ import annotations

import fcntl
import os
import select
import signal
import subprocess
import sys
import termios
import time
from pathlib import Path

import pytest

from voicedesk.sandbox import DEMO_API_KEY, Sandbox

VOICEDESK = str(Path(sys.executable).parent / "voicedesk")
GONE_WITHIN = 20.0  # seconds: generous, for a loaded machine; the promise is a second or two
NO_TERMINAL = "the editor needs a terminal"
ALT_SCREEN_ON, ALT_SCREEN_OFF = b"\x1b[?1049h", b"\x1b[?1049l"


def _take_terminal() -> None:
    """In the child, after its setsid(): stdin becomes its controlling terminal."""
    fcntl.ioctl(0, termios.TIOCSCTTY, 0)


class Editor:
    """`voicedesk ARGS` in a pseudo-terminal of its own, with a state directory of its own."""

    def __init__(self, sandbox: Sandbox, *args: str, state_dir: Path, controlling: bool = False) -> None:
        primary, secondary = os.openpty()
        os.set_blocking(primary, False)
        env = {**os.environ, "TERM": "xterm-256color", "COLUMNS": "120", "LINES": "36",
               "VOICEDESK_STATE_DIR": str(state_dir)}
        self.process = subprocess.Popen(
            [VOICEDESK, "--base-url", sandbox.base_url, "--api-key", DEMO_API_KEY, *args],
            stdin=secondary, stdout=secondary, stderr=secondary, env=env, start_new_session=True,
            preexec_fn=_take_terminal if controlling else None,
        )
        os.close(secondary)
        self.primary: int | None = primary
        self.output = b""
        self.started = time.monotonic()
        self.first_output: float | None = None  # when Textual (or an error) first wrote

    def _read(self, timeout: float) -> bool:
        """Read what is there within `timeout`; False once the terminal has no writer left."""
        assert self.primary is not None
        if not select.select([self.primary], [], [], timeout)[0]:
            return True
        try:
            chunk = os.read(self.primary, 65536)
        except OSError:  # EIO: the process has closed its side (it ended)
            return False
        if chunk and self.first_output is None:
            self.first_output = time.monotonic()
        self.output += chunk
        return bool(chunk)

    def read_until(self, moment: float) -> None:
        while time.monotonic() < moment and self._read(max(0.0, min(0.05, moment - time.monotonic()))):
            pass

    def wait_for(self, text: str, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while text.encode() not in self.output:
            assert time.monotonic() < deadline, f"{text!r} never appeared"
            assert self._read(0.1), f"the process ended before {text!r} appeared"

    def wait_for_first_output(self, timeout: float = 60) -> float:
        deadline = time.monotonic() + timeout
        while self.first_output is None:
            assert time.monotonic() < deadline, "nothing was ever drawn"
            assert self._read(0.1), "the process ended before drawing anything"
        return self.first_output

    def type(self, keys: str) -> None:
        assert self.primary is not None
        os.write(self.primary, keys.encode())

    def hang_up(self) -> None:
        assert self.primary is not None
        os.close(self.primary)
        self.primary = None

    def gone(self) -> int:
        """The exit status, once the process has ended (it must, within the bound). What
        it draws meanwhile is read, as a terminal would: one that stops reading stalls
        the process's output."""
        deadline = time.monotonic() + GONE_WITHIN
        while self.primary is not None and time.monotonic() < deadline and self._read(0.05):
            pass  # until its side of the terminal is closed: it has ended
        try:
            return self.process.wait(timeout=max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            raise AssertionError(f"still running {GONE_WITHIN:.0f} s after the end was asked for") from None

    def close(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait()
        if self.primary is not None:
            os.close(self.primary)
            self.primary = None


def assert_terminal_given_back(editor: Editor) -> None:
    """What the process drew ends outside the alternate screen (if it ever entered it),
    and holds no traceback."""
    out = editor.output
    assert out.rfind(ALT_SCREEN_OFF) >= out.rfind(ALT_SCREEN_ON), out[-400:]
    assert b"Traceback" not in out, out[-2000:]


@pytest.fixture
def sandbox():
    with Sandbox(rate_limit=None) as server:
        yield server


# --- no terminal ------------------------------------------------------------------------

def _run_without_a_terminal(argv: list[str], missing: str) -> tuple[int, bytes, bytes]:
    """Run with `missing` (stdin, stdout or stderr) not a terminal and the others on a
    pty; returns the exit status, what reached stdout and what reached stderr."""
    primary, secondary = os.openpty()
    streams = {"stdin": secondary, "stdout": secondary, "stderr": secondary}
    streams[missing] = subprocess.DEVNULL if missing == "stdin" else subprocess.PIPE
    env = {**os.environ, "TERM": "xterm-256color", "COLUMNS": "120", "LINES": "36"}
    try:
        try:
            done = subprocess.run(argv, **streams, env=env, timeout=60, start_new_session=True)
        finally:
            os.close(secondary)
        on_terminal = b""
        while select.select([primary], [], [], 0.2)[0]:
            try:
                chunk = os.read(primary, 65536)
            except OSError:
                break
            if not chunk:
                break
            on_terminal += chunk
    finally:
        os.close(primary)
    stdout = done.stdout if missing == "stdout" else on_terminal
    stderr = done.stderr if missing == "stderr" else on_terminal
    return done.returncode, stdout, stderr


def test_without_a_terminal_the_editor_exits_at_once_saying_what_works_without_one(sandbox) -> None:
    # Before, it spun at most of a core forever, writing escape codes into the pipe.
    server = ["--base-url", sandbox.base_url, "--api-key", DEMO_API_KEY]
    commands = [[*server, "edit", "101"], server, ["--demo"], ["--demo", "edit", "101"]]
    cases = 0
    for missing in ("stdin", "stdout", "stderr"):
        for command in commands:
            status, stdout, stderr = _run_without_a_terminal([VOICEDESK, *command], missing)
            where = (missing, command[-2:])
            assert status == 2, where
            assert NO_TERMINAL.encode() in stderr, (where, stderr)
            assert b"list, show, set, diff, apply" in stderr, (where, stderr)
            assert b"\x1b" not in stdout + stderr, where  # Textual never started
            cases += 1
    assert sandbox.requests == []  # nothing was even read
    print(f"no terminal: {cases} cases")


# --- the terminal's driver ----------------------------------------------------------

def test_sigcont_without_a_suspension_leaves_the_editor_as_it_was(sandbox, tmp_path) -> None:
    # Textual restarted its terminal mode on every SIGCONT (the kernel sends one with the
    # SIGHUP of a hang-up): second input and output threads, and the first input thread,
    # never stopped, kept the process alive after ctrl+q.
    editor = Editor(sandbox, "edit", "101", state_dir=tmp_path)
    try:
        editor.wait_for("0 unsaved changes")
        os.kill(editor.process.pid, signal.SIGCONT)
        editor.read_until(time.monotonic() + 1)
        editor.type("\x11")  # ctrl+q: nothing unsaved, so it quits at once
        status = editor.gone()
    finally:
        editor.close()
    assert status == 0
    assert editor.output.count(ALT_SCREEN_ON) == 1  # the terminal mode was not started again
    assert_terminal_given_back(editor)
