"""No terminal, no editor; a terminal that closes, or an exit signal, always ends it.

Real processes through the real entry point, in real pseudo-terminals. A terminal that
closes is its primary side closed, as sshd does when the link drops; as the process's
controlling terminal (`controlling=True`, as under sshd) that also sends it SIGHUP and
SIGCONT, otherwise nothing at all tells it. The moments are random (seeded, printed):
from the process's start or from its first output (Textual taking the terminal), so
every phase of a start is hit: before the app, the first screen loading, the forms
being built, an idle editor. Time is never asserted beyond "gone within a generous
bound".
"""

from __future__ import annotations

import fcntl
import os
import random
import select
import signal
import subprocess
import sys
import termios
import time
from pathlib import Path

import pytest

from tui_helpers import as_from_a_shell
from voicedesk.sandbox import DEMO_API_KEY, Sandbox

VOICEDESK = str(Path(sys.executable).parent / "voicedesk")
GONE_WITHIN = 20.0  # seconds: generous, for a loaded machine; the promise is a second or two
NO_TERMINAL = "the editor needs a terminal"
ALT_SCREEN_ON, ALT_SCREEN_OFF = b"\x1b[?1049h", b"\x1b[?1049l"


def _take_terminal() -> None:
    """In the child, after its setsid(): stdin becomes its controlling terminal."""
    as_from_a_shell()
    fcntl.ioctl(0, termios.TIOCSCTTY, 0)


class Editor:
    """`voicedesk ARGS` in a pseudo-terminal of its own, with a state directory of its own."""

    def __init__(self, sandbox: Sandbox, *args: str, state_dir: Path, controlling: bool = False) -> None:
        primary, secondary = os.openpty()
        os.set_blocking(primary, False)
        # PYTHONFAULTHANDLER: a process that does not end is made to say where it is (gone()).
        env = {**os.environ, "TERM": "xterm-256color", "COLUMNS": "120", "LINES": "36",
               "VOICEDESK_STATE_DIR": str(state_dir), "PYTHONFAULTHANDLER": "1"}
        self.process = subprocess.Popen(
            [VOICEDESK, "--base-url", sandbox.base_url, "--api-key", DEMO_API_KEY, *args],
            stdin=secondary, stdout=secondary, stderr=secondary, env=env, start_new_session=True,
            preexec_fn=_take_terminal if controlling else as_from_a_shell,
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
            # SIGABRT: the fault handler prints every thread's stack to the terminal.
            os.kill(self.process.pid, signal.SIGABRT)
            self.read_until(time.monotonic() + 2)
            stacks = self.output[-6000:].decode(errors="replace")
            raise AssertionError(f"still running {GONE_WITHIN:.0f} s after the end was asked for; "
                                 f"its threads then:\n{stacks}") from None

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


def drafts_holding(state_dir: Path, text: str) -> list[Path]:
    """Draft files in this state directory that hold `text` (whatever their layout)."""
    files = (state_dir / "drafts").rglob("*")
    return [path for path in files if path.is_file() and text in path.read_text(errors="replace")]


def a_moment(rng: random.Random, editor: Editor, up_to: float) -> str:
    """A random moment of the start: from the process's start (a third of the time), or
    from its first output (Textual has the terminal); waits until then, reading."""
    if rng.random() < 1 / 3:
        delay = rng.uniform(0, 1.0)
        editor.read_until(editor.started + delay)
        return f"start+{delay:.2f}s"
    delay = rng.uniform(0, up_to)
    editor.read_until(editor.wait_for_first_output() + delay)
    return f"drawn+{delay:.2f}s"


@pytest.fixture
def sandbox():
    with Sandbox(rate_limit=None) as server:
        yield server


@pytest.fixture
def big_sandbox():
    """Assistant 101 with 400 post-call schema rows and 400 variables: a form that takes
    the event loop a while to build."""
    with Sandbox(rate_limit=None) as server:
        server.edit_assistant(
            101,
            post_call_schema=[{"name": f"field_{i}", "type": "string", "description": f"Row {i}"}
                              for i in range(400)],
            variables={f"var_{i}": f"value {i}" for i in range(400)},
        )
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
            done = subprocess.run(argv, stdin=streams["stdin"], stdout=streams["stdout"], stderr=streams["stderr"],
                                  env=env, timeout=60, start_new_session=True)
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


# --- a terminal that closes -------------------------------------------------------------

def test_a_terminal_closed_at_any_moment_of_the_start_ends_the_editor(sandbox, tmp_path) -> None:
    rng = random.Random(12)
    moments = []
    for run in range(10):
        args = () if run % 3 == 2 else ("edit", "101")  # the picker, or the editor
        editor = Editor(sandbox, *args, state_dir=tmp_path / str(run), controlling=run % 2 == 1)
        try:
            moment = a_moment(rng, editor, up_to=2.0)
            moments.append(f"{' '.join(args) or 'picker'}@{moment}")
            editor.hang_up()
            editor.gone()
        finally:
            editor.close()
    print(f"terminal closed at {len(moments)} moments: {', '.join(moments)}")


def test_a_terminal_closed_after_an_edit_leaves_the_edit_in_a_draft(sandbox, tmp_path) -> None:
    rng = random.Random(34)
    cases = []
    for run in range(6):
        state = tmp_path / str(run)
        editor = Editor(sandbox, "edit", "101", state_dir=state, controlling=run % 2 == 1)
        suffix = f" typed-before-close-{run}"
        try:
            editor.wait_for("0 unsaved changes")
            editor.read_until(time.monotonic() + 1)  # the focus lands on the name field just after
            editor.type("\x05" + suffix)  # ctrl+e: to the end of the name, then the text
            editor.wait_for("1 unsaved change")  # the edit reached the session
            delay = rng.uniform(0, 1.0)  # mostly before the draft's debounce of a second
            editor.read_until(time.monotonic() + delay)
            editor.hang_up()
            editor.gone()
        finally:
            editor.close()
        assert drafts_holding(state, suffix), f"run {run}: no draft holds {suffix!r}"
        cases.append(f"edit+{delay:.2f}s")
    print(f"terminal closed after an edit: {len(cases)} cases: {', '.join(cases)}")


def test_a_terminal_closed_while_a_big_form_is_built_ends_the_editor(big_sandbox, tmp_path) -> None:
    rng = random.Random(56)
    moments = []
    for run in range(6):
        editor = Editor(big_sandbox, "edit", "101", state_dir=tmp_path / str(run), controlling=run % 2 == 1)
        try:
            moment = a_moment(rng, editor, up_to=3.0)
            moments.append(moment)
            editor.hang_up()
            editor.gone()
        finally:
            editor.close()
    print(f"big form, terminal closed at {len(moments)} moments: {', '.join(moments)}")


# --- exit signals -----------------------------------------------------------------------

@pytest.mark.parametrize("big", [False, True], ids=["plain", "big-form"])
def test_sigterm_and_sighup_at_any_moment_of_a_start_end_it_and_give_the_terminal_back(
    request, tmp_path, big
) -> None:
    # Before the app has the terminal the signal keeps its default effect (nothing to save
    # or restore); from then on the app saves drafts, gives the terminal back, exits 0.
    server = request.getfixturevalue("big_sandbox" if big else "sandbox")
    rng = random.Random(78 + big)
    moments = []
    for run in range(10):
        exit_signal = (signal.SIGTERM, signal.SIGHUP)[run % 2]
        editor = Editor(server, "edit", "101", state_dir=tmp_path / str(run))
        try:
            moment = a_moment(rng, editor, up_to=3.0 if big else 2.0)
            os.kill(editor.process.pid, exit_signal)
            status = editor.gone()
        finally:
            editor.close()
        assert status in (0, -exit_signal), (moment, status)
        assert_terminal_given_back(editor)
        moments.append(f"{exit_signal.name}@{moment}->{status}")
    print(f"{len(moments)} signals during a start: {', '.join(moments)}")


@pytest.mark.parametrize("exit_signal", [signal.SIGTERM, signal.SIGHUP, signal.SIGINT])
def test_an_exit_signal_moments_after_an_edit_writes_it_and_exits_0(sandbox, tmp_path, exit_signal) -> None:
    rng = random.Random(int(exit_signal))
    cases = []
    for run in range(2):
        state = tmp_path / str(run)
        suffix = f" typed-before-{exit_signal.name}-{run}"
        editor = Editor(sandbox, "edit", "101", state_dir=state)
        try:
            editor.wait_for("0 unsaved changes")
            editor.read_until(time.monotonic() + 1)
            editor.type("\x05" + suffix)
            editor.wait_for("1 unsaved change")
            delay = rng.uniform(0, 1.0)
            editor.read_until(time.monotonic() + delay)
            os.kill(editor.process.pid, exit_signal)
            status = editor.gone()
        finally:
            editor.close()
        assert status == 0
        assert_terminal_given_back(editor)
        assert drafts_holding(state, suffix), f"no draft holds {suffix!r}"
        cases.append(f"edit+{delay:.2f}s")
    print(f"{exit_signal.name} after an edit: {len(cases)} cases: {', '.join(cases)}")


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


# --- the lifeline alone: an event loop that is stuck -----------------------------------

HOLDER = """
import asyncio, sys, threading, time
from voicedesk.lifeline import Lifeline

log, mode = sys.argv[1], sys.argv[2]

def note(text):
    with open(log, "a") as file:
        file.write(text + "\\n")

def save():
    note("saved on " + threading.current_thread().name)

def give_back_terminal():
    note("terminal given back")

async def main():
    loop = asyncio.get_running_loop()
    with Lifeline(save, give_back_terminal, loop.call_soon_threadsafe):
        print("holding", flush=True)
        if mode == "blocked":
            time.sleep(600)  # in a call that does not return
        elif mode == "busy":
            while True:  # in Python code that never yields to the loop
                pass
        elif mode == "idle":
            await asyncio.sleep(600)
    print("released", flush=True)
    time.sleep(600)

asyncio.run(main())
"""


def _hold(tmp_path: Path, mode: str) -> tuple[subprocess.Popen, int, Path]:
    """A process holding a Lifeline with its loop `mode`; stdin and stderr on a pty."""
    log = tmp_path / f"{mode}.log"
    primary, secondary = os.openpty()
    process = subprocess.Popen(
        [sys.executable, "-c", HOLDER, str(log), mode],
        stdin=secondary, stdout=subprocess.PIPE, stderr=secondary, start_new_session=True,
        preexec_fn=as_from_a_shell,
    )
    os.close(secondary)
    assert process.stdout is not None
    assert process.stdout.readline() == b"holding\n"
    return process, primary, log


@pytest.mark.parametrize("mode", ["idle", "blocked", "busy"])
def test_the_lifeline_saves_once_and_ends_the_process_whatever_the_loop_does(tmp_path, mode) -> None:
    ends = {"SIGTERM": signal.SIGTERM, "SIGHUP": signal.SIGHUP, "SIGINT": signal.SIGINT, "hang-up": None}
    for name, exit_signal in ends.items():
        (tmp_path / name).mkdir()
        process, primary, log = _hold(tmp_path / name, mode)
        try:
            if exit_signal is None:
                os.close(primary)
                primary = -1
            else:
                os.kill(process.pid, exit_signal)
            status = process.wait(timeout=GONE_WITHIN)
        finally:
            if process.poll() is None:
                process.kill()
                process.wait()
            if primary != -1:
                os.close(primary)
        # In the app's turn when the loop is free (the app gives the terminal back), else
        # on the lifeline's thread (which resets the terminal itself).
        expected = ("saved on MainThread\nterminal given back\n" if mode == "idle"
                    else "saved on voicedesk-lifeline\n")
        assert (status, log.read_text()) == (0, expected), (name, mode)
    print(f"lifeline, loop {mode}: {len(ends)} ends")


def test_once_the_app_let_go_signals_have_their_default_effect_again(tmp_path) -> None:
    process, primary, log = _hold(tmp_path, "released")
    try:
        assert process.stdout is not None and process.stdout.readline() == b"released\n"
        os.kill(process.pid, signal.SIGTERM)
        status = process.wait(timeout=GONE_WITHIN)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
        os.close(primary)
    assert status == -signal.SIGTERM
    assert not log.exists()  # nothing to save once the app has ended
