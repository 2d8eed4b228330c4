"""Textual's terminal driver, made to let go of a terminal that went away.

Two of its habits kept an editor alive after its SSH link dropped:
- A write to a hung-up terminal fails (EIO). That ended Textual's writer thread, and once
  its queue (30 writes) was full, every later write blocked the event loop for good: the
  app could neither finish exiting nor run a signal handler. Output to a terminal that is
  gone is dropped instead.
- Textual starts its application mode again on every SIGCONT, which the kernel sends with
  SIGHUP when the terminal hangs up (and `kill -CONT` sends at any time): a second input
  thread and writer thread started, and the first input thread, never joined, spun on the
  dead terminal and kept the process alive after the app had ended. Only a suspension by
  SIGTSTP is resumed.
"""

from __future__ import annotations

import errno
from typing import Any, TextIO

from textual.drivers.linux_driver import LinuxDriver

# What a write to a terminal that went away fails with.
GONE = {errno.EIO, errno.ENXIO, errno.EPIPE}


class TerminalDriver(LinuxDriver):
    """Textual's POSIX driver, without the two habits above."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        assert self._file is not None  # Textual's driver writes to stderr unless told otherwise
        # A stand-in with what Textual calls on it (write, flush, fileno).
        self._file = TerminalOutput(self._file)  # type: ignore[assignment]

    def give_back(self) -> None:
        """Leave application mode and write out what is queued, if in it: the process ends
        right after, without the app's teardown."""
        if self._writer_thread is not None:
            self.stop_application_mode()
            self.close()

    def _sigcont_application(self, *args: Any) -> None:
        if self._must_signal_resume:  # set by our own SIGTSTP handler's suspension
            super()._sigcont_application(*args)


class TerminalOutput:
    """The stream Textual draws on, dropping what a terminal that went away cannot take."""

    def __init__(self, stream: TextIO) -> None:
        self._stream = stream
        self.gone = False

    def write(self, text: str) -> None:
        if not self.gone:
            self._guard(self._stream.write, text)

    def flush(self) -> None:
        if not self.gone:
            self._guard(self._stream.flush)

    def fileno(self) -> int:
        return self._stream.fileno()

    def _guard(self, operation: Any, *args: Any) -> None:
        try:
            operation(*args)
        except OSError as error:
            if error.errno not in GONE:
                raise
            self.gone = True
