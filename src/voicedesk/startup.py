"""The `voicedesk` command, and start-up work done with the garbage collector off.

Importing the CLI, httpx and Textual makes about 100,000 objects that live as long as
the process. With the collector on, Python scans them again and again as they pile up
(about 35 ms of a cold start, a third of it one full pass). Inside `long_lived()` it is
off, and what exists at the end is frozen: exempt from every later pass. (The import
cycles it leaves behind, a few hundred KB, are frozen with the rest.)
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def long_lived() -> Iterator[None]:
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        gc.freeze()
        if was_enabled:
            gc.enable()


def main() -> None:
    """The `voicedesk` command."""
    with long_lived():
        from voicedesk.cli import main as cli_main
    cli_main()
