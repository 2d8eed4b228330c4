"""What the measures share: statistics, whole processes on a pty, and a frame probe.

Nothing here is imported by voicedesk; voicedesk has no code path for the benchmark.
"""

from __future__ import annotations

import asyncio
import os
import re
import select
import signal
import statistics
import struct
import subprocess
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
BENCH = Path(__file__).resolve().parent
VENV_BIN = ROOT / ".venv" / "bin"
TERM_SIZE = (120, 36)  # columns, rows: the size the tests and screenshots use


# --- statistics ----------------------------------------------------------------------


def quantile(values: Sequence[float], q: float) -> float:
    """Linear interpolation between closest ranks (numpy's default)."""
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    position = (len(ordered) - 1) * q
    low = int(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


@dataclass
class Series:
    """Samples of one measure, in the unit given (ms, MiB, bytes)."""

    name: str
    unit: str
    samples: list[float] = field(default_factory=list)

    def add(self, value: float) -> None:
        self.samples.append(value)

    @property
    def median(self) -> float:
        return statistics.median(self.samples) if self.samples else float("nan")

    @property
    def p95(self) -> float:
        return quantile(self.samples, 0.95)

    def summary(self) -> dict[str, Any]:
        s = self.samples
        return {
            "unit": self.unit,
            "n": len(s),
            "median": self.median,
            "p95": self.p95,
            "q1": quantile(s, 0.25),
            "q3": quantile(s, 0.75),
            "min": min(s) if s else None,
            "max": max(s) if s else None,
            "samples": [round(x, 3) for x in s],
        }

    def line(self) -> str:
        if not self.samples:
            return f"{self.name}: no samples"
        s = self.samples
        return (
            f"{self.name:<44} n={len(s):<3} median {self.median:9.1f} {self.unit:<4} "
            f"IQR {quantile(s, .25):8.1f}-{quantile(s, .75):<8.1f} "
            f"min-max {min(s):8.1f}-{max(s):<8.1f} p95 {self.p95:8.1f}"
        )


# --- whole processes on a pseudo-terminal ---------------------------------------------


@dataclass
class IdleWindow:
    """A span several processes on ptys are left alone over together: each waits at
    `start` once it is ready and settled, then its CPU time over `seconds` is read."""

    start: threading.Barrier
    seconds: float


@dataclass
class ProcessRun:
    ready_ms: float | None  # process start to the first frame holding every marker
    cpu_ms: float | None  # CPU time the process (all its threads) had used by then
    peak_rss_mib: float | None  # VmHWM of the process, read once it was ready
    exit_code: int | None
    output_tail: bytes
    idle_cpu_ms: float | None = None  # CPU time over the idle window, when one was asked for


_SCRATCH: Path | None = None


def scratch_dir() -> Path:
    """A fresh folder under this run's scratch folder (removed when the run ends)."""
    global _SCRATCH
    if _SCRATCH is None:
        import atexit
        import shutil
        import tempfile

        _SCRATCH = Path(tempfile.mkdtemp(prefix="voicedesk-bench-"))
        atexit.register(shutil.rmtree, _SCRATCH, ignore_errors=True)
    import tempfile

    return Path(tempfile.mkdtemp(dir=_SCRATCH))


def isolate_state() -> None:
    """Point this process's voicedesk at empty state and config folders, so no draft of
    an earlier sample is offered back and no user config is read."""
    folder = scratch_dir()
    os.environ["VOICEDESK_STATE_DIR"] = str(folder / "state")
    os.environ["VOICEDESK_CONFIG_DIR"] = str(folder / "config")


def clean_env(extra: dict[str, str] | None = None) -> dict[str, str]:
    """The environment of a child process: no TEXTUAL_/VOICEDESK_ settings of the caller,
    empty state and config folders of its own, a 256-colour UTF-8 terminal."""
    env = {
        key: value for key, value in os.environ.items()
        if not key.startswith(("TEXTUAL", "VOICEDESK"))
    }
    folder = scratch_dir()
    env.update({
        "TERM": "xterm-256color", "COLORTERM": "truecolor", "LANG": "C.UTF-8",
        "VOICEDESK_STATE_DIR": str(folder / "state"),
        "VOICEDESK_CONFIG_DIR": str(folder / "config"),
    })
    env.update(extra or {})
    return env


def _cpu_ms(pid: int) -> float | None:
    """CPU time of every thread of the process so far (schedstat: nanoseconds on a CPU).
    Less moved by other jobs on a shared machine than the time to ready, which includes
    the waits for a CPU: printed beside it, for diagnosis."""
    total = 0
    try:
        for task in Path(f"/proc/{pid}/task").iterdir():
            total += int((task / "schedstat").read_text().split()[0])
    except (OSError, ValueError, IndexError):
        return None
    return total / 1e6


def _vm_hwm_mib(pid: int) -> float | None:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        return None
    return None


# Terminal control sequences (CSI, OSC, and two-byte escapes): stripped before markers
# are searched, so "T" drawn under the cursor and "ype here" after it read as "Type here".
_ESCAPE = re.compile(rb"\x1b(?:\[[0-?]*[ -/]*[@-~]|\][^\x07\x1b]*(?:\x07|\x1b\\)|[@-Z\\-_])")


class ScreenText:
    """The printable text of a terminal stream, fed in chunks that may split escapes."""

    def __init__(self) -> None:
        self._pending = b""

    def feed(self, data: bytes) -> bytes:
        data = self._pending + data
        self._pending = b""
        cut = data.rfind(b"\x1b")
        if cut != -1 and len(data) - cut < 256:
            match = _ESCAPE.match(data, cut)
            if match is None or match.end() == len(data) and data[-1:] == b"[":
                data, self._pending = data[:cut], data[cut:]
        return _ESCAPE.sub(b"", data)


def run_on_pty(
    argv: Sequence[str],
    markers: Sequence[bytes],
    *,
    env: dict[str, str],
    timeout: float = 60.0,
    settle: float = 0.3,
    quit_keys: bytes = b"\x11",  # ctrl+q
    idle: IdleWindow | None = None,
) -> ProcessRun:
    """Start `argv` on a fresh pty of TERM_SIZE; time until its output holds every marker.

    The clock starts just before the process is spawned, so interpreter start-up,
    imports, the first HTTP round trips and the first paint are all inside it. After
    ready it waits `settle` seconds, reads the peak RSS (VmHWM: per process image, so
    the fork of this large parent never counts), then quits with ctrl+q. With `idle`, it
    then waits for the other processes of the window and reads the CPU time the process
    uses over the window's seconds, left alone, before it quits.
    """
    import fcntl
    import termios

    master, slave = os.openpty()
    columns, rows = TERM_SIZE
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", rows, columns, 0, 0))
    started = time.perf_counter()
    process = subprocess.Popen(
        list(argv), stdin=slave, stdout=slave, stderr=slave, env=env,
        close_fds=True, start_new_session=True, cwd=ROOT,
    )
    os.close(slave)
    # The pattern may straddle two reads: search a window as long as the longest marker.
    keep = max(len(m) for m in markers) - 1
    text = ScreenText()
    window = b""
    seen = [False] * len(markers)
    tail = b""
    ready_ms = cpu_ms = idle_cpu_ms = None
    deadline = started + timeout

    def read_some(wait: float) -> bytes | None:
        readable, _, _ = select.select([master], [], [], max(0.0, wait))
        if not readable:
            return b""
        try:
            return os.read(master, 1 << 16)
        except OSError:  # EIO: the child closed the pty
            return None

    try:
        while ready_ms is None:
            data = read_some(deadline - time.perf_counter())
            now = time.perf_counter()
            if data is None or now > deadline:
                break
            if not data:
                continue
            printable = text.feed(data)
            window = window[-keep:] + printable if keep > 0 else printable
            tail = (tail + data)[-4000:]
            for index, marker in enumerate(markers):
                seen[index] = seen[index] or marker in window
            if all(seen):
                ready_ms = (now - started) * 1000
                cpu_ms = _cpu_ms(process.pid)
        def drain(seconds: float) -> None:  # keep reading, the app may still paint
            nonlocal tail
            until = time.perf_counter() + seconds
            while time.perf_counter() < until:
                data = read_some(until - time.perf_counter())
                if data is None:
                    break
                tail = (tail + data)[-4000:]

        drain(settle)
        peak = _vm_hwm_mib(process.pid)
        if idle is not None and ready_ms is None:
            idle.start.abort()  # the others would wait for this one forever
        elif idle is not None:
            idle.start.wait(timeout=timeout)  # every process of the window is ready and settled
            before = _cpu_ms(process.pid)
            drain(idle.seconds)
            after = _cpu_ms(process.pid)
            if before is not None and after is not None:
                idle_cpu_ms = after - before
        try:
            os.write(master, quit_keys)
        except OSError:
            pass
        quit_deadline = time.perf_counter() + 10
        while process.poll() is None and time.perf_counter() < quit_deadline:
            if read_some(0.05) is None:
                break
        try:
            code = process.wait(timeout=max(0.1, quit_deadline - time.perf_counter()))
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            code = process.wait()
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
        os.close(master)
    return ProcessRun(ready_ms, cpu_ms, peak, code, tail, idle_cpu_ms)


# --- in-process: timing a keystroke until it is on the (headless) screen --------------


class FrameProbe:
    """Times keystrokes until the last frame that their effect causes.

    It wraps this app instance's `_display` (benchmark-side; the app's code is not
    touched) to note the time of every frame. Headless Textual computes every frame but
    skips turning it into terminal bytes, so the probe does that step too (into
    nothing), as a real terminal would cost it.

    A keystroke is done when `done()` holds (polled every millisecond: the state the key
    must lead to, e.g. the filter holds the text and the list was refiltered) and then
    no frame came for QUIET seconds: its time runs to the later of the two, the moment
    `done()` was seen to hold and the last frame after the key. So repaints the key
    causes late (a recomposed footer, a refreshed status line) count, and work with
    nothing to repaint counts until it is finished.
    """

    QUIET = 0.04  # no frame for this long after done(): the keystroke's effect is drawn

    def __init__(self, app: Any) -> None:
        self.app = app
        self.frames = 0
        self.last_frame = 0.0
        original = app._display
        console = app.console

        def display(screen: Any, renderable: Any) -> None:
            original(screen, renderable)
            if renderable is None:
                return
            render = getattr(renderable, "render_segments", None)
            if render is not None:
                render(console)
            self.frames += 1
            self.last_frame = time.perf_counter()

        app._display = display

    async def keystroke(
        self, key: str, done: Callable[..., object], *, timeout: float = 30.0
    ) -> float:
        """Send `key` as the terminal driver would; ms until its effect is on screen.
        `done` takes no argument; typed loosely because callers bind the values of their
        loop as its defaults (`lambda t=text: ...`), which mypy cannot match to a
        Callable[[], bool]."""
        import unicodedata

        from textual import events
        from textual.keys import REPLACED_KEYS, _character_to_key, _get_unicode_name_from_key

        # The key and character exactly as Pilot.press builds them.
        name = _character_to_key(key) if len(key) == 1 and not key.isalnum() else key
        try:
            char: str | None = unicodedata.lookup(
                _get_unicode_name_from_key(REPLACED_KEYS.get(name, name))
            )
        except KeyError:
            char = name if len(name) == 1 else None
        event = events.Key(name, char)
        event.set_sender(self.app)
        started = time.perf_counter()
        deadline = started + timeout
        self.app._driver.send_message(event)
        held_at = None
        while True:
            await asyncio.sleep(0.001)
            now = time.perf_counter()
            if held_at is None and _holds(done):
                held_at = now
            if held_at is not None:
                last = max(held_at, self.last_frame)
                if now - last >= self.QUIET:
                    return (last - started) * 1000
            if now > deadline:
                raise TimeoutError(f"the screen never showed the effect of {key!r}")


def _holds(condition: Callable[[], object]) -> bool:
    """The condition, False while it cannot be evaluated yet (e.g. a screen still mounting)."""
    try:
        return bool(condition())
    except Exception:
        return False


async def settle(seconds: float = 0.02) -> None:
    """A pause between keystrokes (a fast typist's gap), so each is timed on its own."""
    await asyncio.sleep(seconds)


async def wait_for(condition: Callable[[], object], timeout: float = 60.0, step: float = 0.002) -> float:
    """Poll `condition` every `step` s; the perf_counter time it first held."""
    deadline = time.perf_counter() + timeout
    while not condition():
        if time.perf_counter() > deadline:
            raise TimeoutError(f"timed out waiting for {condition}")
        await asyncio.sleep(step)
    return time.perf_counter()
