"""The editor's lifeline: an exit signal or a lost terminal always ends it, drafts written.

A dropped SSH link closes the terminal (and, when it is the controlling terminal, sends
SIGHUP); a shutdown sends SIGTERM. Either must write the drafts and end the process
within a second or two, whatever the editor is doing. asyncio's signal handlers did not
promise that: they run only when the event loop gets a turn, which a long synchronous
piece of work (building a large form) or a blocked write to the terminal held off for
minutes; and no SIGHUP comes at all when the terminal is not the controlling one. So,
for as long as the app holds the terminal (`with Lifeline(...)`):

- Python-level handlers for SIGHUP, SIGTERM and SIGINT (in the TUI ctrl+c is a key, so
  SIGINT comes from `kill`) only wake the lifeline's thread: a write to a pipe is safe at
  any point of the main thread, and such a handler runs even while the loop is busy.
- The same thread watches the terminal (stdin and stderr, where Textual reads and draws):
  a hang-up (POLLHUP) counts as SIGHUP.
- Woken, it asks the app to save, in the app's turn (after what is already queued):
  `save` writes the drafts, `give_back_terminal` restores the terminal, and the process
  ends there. The app's screens are not taken down first: that is not needed on the way
  out, and taken down under work still in flight (a form being mounted, a first screen
  loading) they made the app report a crash as it left.
- If the process has not ended `GRACE` seconds later, the event loop is stuck: the thread
  saves itself (`save` runs once in all: whichever side starts it, the other does not),
  gives the terminal its modes back and ends the process.

Before the app holds the terminal and after it has given it back there is nothing to
save or restore, and the signals keep their default effect.
"""

from __future__ import annotations

import os
import select
import signal
import sys
import termios
import threading
import time
from collections.abc import Callable
from types import FrameType, TracebackType
from typing import Any

EXIT_SIGNALS = (signal.SIGHUP, signal.SIGTERM, signal.SIGINT)
# How long the app may take to save and give the terminal back before this thread does.
GRACE = 1.5  # seconds
_STOP = b"\0"  # ends the thread when the app let go of the terminal normally

# What a full-screen app (Textual) turns on: the kitty keyboard protocol, mouse reports,
# focus reports, bracketed paste, no line wrap, the alternate screen, a hidden cursor.
_TERMINAL_RESET = (
    b"\x1b[<u\x1b[?1000l\x1b[?1003l\x1b[?1015l\x1b[?1006l\x1b[?1004l\x1b[?2004l"
    b"\x1b[?7h\x1b[?1049l\x1b[?25h"
)


class Lifeline:
    """Hold it while the app runs in the terminal; see the module's docstring."""

    def __init__(
        self,
        save: Callable[[], None],
        give_back_terminal: Callable[[], None],
        call_later: Callable[[Callable[[], None]], object],
    ) -> None:
        """`save` writes the drafts; `give_back_terminal` restores the terminal as the app
        found it; `call_later(callback)` runs a callback in the app's turn and may be
        called from any thread (Textual's `App.call_later`)."""
        self._save_drafts = save
        self._give_back_terminal = give_back_terminal
        self._call_later = call_later
        if sys.__stdin__ is None or sys.__stderr__ is None:  # started without them: no terminal to guard
            raise RuntimeError("the editor needs a terminal on standard input and standard error")
        self._input, self._output = sys.__stdin__.fileno(), sys.__stderr__.fileno()
        self._lock = threading.Lock()
        self._released = False  # the app gave the terminal back
        self._ending = False  # a signal or a hang-up came while the app held it
        self._claimed = threading.Lock()  # taken by whoever saves: it happens once
        self._saved = threading.Event()
        self._failed = False
        self._previous: dict[int, Any] = {}
        self._attributes: list[Any] | None = None
        self._wake_read, self._wake_write = os.pipe()
        os.set_blocking(self._wake_write, False)
        self._thread = threading.Thread(target=self._watch, name="voicedesk-lifeline", daemon=True)

    def __enter__(self) -> Lifeline:
        try:
            self._attributes = termios.tcgetattr(self._input)
        except termios.error:
            self._attributes = None
        for exit_signal in EXIT_SIGNALS:
            self._previous[exit_signal] = signal.signal(exit_signal, self._on_signal)
        self._thread.start()
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        for exit_signal, previous in self._previous.items():
            signal.signal(exit_signal, previous)
        with self._lock:
            self._released = True
            ending = self._ending
        if ending:
            return  # the thread ends the process
        os.write(self._wake_write, _STOP)
        self._thread.join()
        os.close(self._wake_read)
        os.close(self._wake_write)

    def _on_signal(self, signum: int, frame: FrameType | None) -> None:
        try:
            os.write(self._wake_write, bytes([signum]))
        except BlockingIOError:
            pass  # the pipe is full of earlier signals: the thread is awake already

    # --- in the app's turn -------------------------------------------------------------

    def _end_cleanly(self) -> None:
        try:
            self._save()
            self._saved.wait(GRACE)  # if the thread got to it first, until it is written
            self._give_back_terminal()
        except BaseException:
            self._failed = True
            self._restore_terminal()
        finally:
            os._exit(1 if self._failed else 0)

    def _save(self) -> None:
        """The drafts, once: in the app's turn, or on this thread if the loop is stuck."""
        if not self._claimed.acquire(blocking=False):
            return
        try:
            self._save_drafts()
        except BaseException:
            self._failed = True
            raise
        finally:
            self._saved.set()

    # --- the lifeline's thread ---------------------------------------------------------

    def _watch(self) -> None:
        self._wait()
        with self._lock:
            if self._released:
                return  # the app let go first: the process is ending normally
            self._ending = True
        self._end()

    def _wait(self) -> None:
        """Block until an exit signal, a hang-up of the terminal or the stop byte."""
        poller = select.poll()
        poller.register(self._wake_read, select.POLLIN)
        for fd in {self._input, self._output}:
            poller.register(fd, 0)  # nothing asked for: only a hang-up or an error wakes it
        while True:
            for fd, events in poller.poll():
                if fd == self._wake_read:
                    os.read(self._wake_read, 1)
                    return
                poller.unregister(fd)
                if not events & select.POLLNVAL:  # not pollable (a tty on macOS): signals only
                    return  # the terminal hung up: as good as SIGHUP

    def _end(self) -> None:
        """End the clean way in the app's turn, or from here after `GRACE` seconds."""
        try:
            try:
                try:
                    self._call_later(self._end_cleanly)
                except RuntimeError:
                    pass  # the event loop is closed: only this thread is left to do it
                time.sleep(GRACE)  # the clean way ends the process in the meantime
                self._save()  # the loop never got to it
                self._saved.wait(GRACE)  # or it did, and is still writing
            finally:
                self._restore_terminal()
        finally:
            os._exit(1 if self._failed else 0)

    def _restore_terminal(self) -> None:
        """Give a terminal that is still there its modes back, as Textual would have. The
        reset goes through a descriptor of its own that never blocks: a stalled terminal
        must not keep the process alive."""
        if self._attributes is not None:
            try:
                termios.tcsetattr(self._input, termios.TCSANOW, self._attributes)
            except termios.error:
                pass
        try:
            fd = os.open(os.ttyname(self._output), os.O_WRONLY | os.O_NONBLOCK | os.O_NOCTTY)
        except OSError:
            return
        try:
            os.write(fd, _TERMINAL_RESET)
        except OSError:
            pass
        finally:
            os.close(fd)
