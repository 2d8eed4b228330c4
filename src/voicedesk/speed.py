"""Everything voicedesk does only to be faster, in one place, each with what it saved.

None of it changes what the program does; remove any one and the benchmark
(`benchmarks/run.py`) shows the cost named here. Headless: no Textual, no httpx import.

1. The garbage collector at start-up. Importing the CLI, httpx and Textual makes about
   100,000 objects that live as long as the process, and the app's first screen some
   20,000 more. With the collector on, Python scans them again and again as they pile
   up: about 35 ms of a cold start (a third of it one full pass) while importing, 12 ms
   while the first screen is built. So it is off until the first screen is ready
   (`collector_off_while_importing`, `collector_off_until_ready`), and what lives on is
   then frozen: exempt from every later pass (`first_screen_ready`). The app turns it
   back on when a screen reports that it is ready, or after `COLLECTOR_OFF_AT_MOST`.
2. Frozen while editing. With a large account's records and an editor's forms a full
   pass takes about 90 ms, and Python runs one every so many allocations: one landed on
   a keystroke now and then. What a screen keeps is frozen once it is loaded
   (`freeze_what_is_loaded`, about 1 ms), and a closed screen's widgets are collected
   while the screens change anyway (`collect_closed_screen`).
3. The switch interval while the TUI is imported on a thread (the event loop meanwhile
   sends the first reads): the loop's thread takes the GIL when the import lets go of it
   (at every file it reads) instead of preempting it every 5 ms, which had made the start
   about 10% slower on loopback (`switching_seldom`).
4. httpx's command-line client is never imported (`without_httpx_command_line`): httpx
   imports it when click and rich are installed, as they are here, bringing rich's
   progress bars and pygments: about 20 ms of every start for a tool voicedesk never runs.
5. The transport is imported before the TUI's import starts on its thread
   (`preload_transport`): httpcore and anyio's asyncio backend, about 30 ms, which httpx
   would import on its first request; two threads importing at once took about a quarter
   longer than the same imports one after the other.
6. The CA bundle loads on a thread of its own (`in_background`): 50-60 ms, mostly in
   OpenSSL with the GIL released, overlapping whatever the process does before its first
   request.
7. Deferred imports: each CLI command imports what it needs inside its function (`--help`
   and `list` never load Textual), and the editor's first screen never imports pydantic
   (values are checked on demand) nor httpx's command line (tests/test_layers.py).
"""

from __future__ import annotations

import gc
import sys
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager
from typing import ParamSpec, TypeVar

# The collector stays off at most this long after the app starts, should no screen say
# that it is ready.
COLLECTOR_OFF_AT_MOST = 5.0  # seconds

# The switch interval while the TUI is imported on a thread (Python's default: 0.005 s).
IMPORT_SWITCH_INTERVAL = 0.1  # seconds

P = ParamSpec("P")
T = TypeVar("T")


@contextmanager
def collector_off_while_importing() -> Iterator[None]:
    """Imports inside make objects that live on: no passes over them, frozen at the end
    (with the few hundred KB of import cycles they leave behind)."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        gc.freeze()
        if was_enabled:
            gc.enable()


def collector_off_until_ready() -> None:
    """The app starts: off until its first screen is ready (see `first_screen_ready`)."""
    gc.disable()


def first_screen_ready() -> None:
    """The first screen shows what it loaded (or why it could not): collect what start-up
    left over (a pass of about 3 ms), freeze what lives on, and turn the collector on."""
    if not gc.isenabled():
        gc.collect()
        gc.freeze()
        gc.enable()


def freeze_what_is_loaded() -> None:
    """A screen has built what it keeps: exempt everything alive from full passes (a
    collection first would be the 90 ms pause this avoids)."""
    gc.freeze()


def collect_closed_screen() -> None:
    """A screen closed: unfreeze, collect its widgets (and whatever cycles were frozen with
    them), and freeze what lives on."""
    gc.unfreeze()
    gc.collect()
    gc.freeze()


@contextmanager
def switching_seldom() -> Iterator[None]:
    """For an import on another thread while this one runs the event loop."""
    interval = sys.getswitchinterval()
    sys.setswitchinterval(IMPORT_SWITCH_INTERVAL)
    try:
        yield
    finally:
        sys.setswitchinterval(interval)


def without_httpx_command_line() -> None:
    """Before httpx is first imported: with None in its place, httpx's import of its
    command-line client fails and httpx stands a stub in for its `main`."""
    sys.modules.setdefault("httpx._main", None)  # type: ignore[arg-type]


def preload_transport() -> None:
    """What httpx imports on its first request, imported now (see 5 above)."""
    import anyio._backends._asyncio  # noqa: F401
    import httpcore  # noqa: F401


def in_background(work: Callable[P, T], *args: P.args, **kwargs: P.kwargs) -> Future[T]:
    """Start `work` on a thread of its own; its result is awaited where it is needed."""
    runner = ThreadPoolExecutor(max_workers=1, thread_name_prefix="voicedesk-background")
    started = runner.submit(work, *args, **kwargs)
    runner.shutdown(wait=False)
    return started
