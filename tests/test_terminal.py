"""No terminal, no editor.

Real processes through the real entry point, on real pseudo-terminals.
"""

from __future__ import annotations

import os
import select
import subprocess
import sys
from pathlib import Path

import pytest

from voicedesk.sandbox import DEMO_API_KEY, Sandbox

VOICEDESK = str(Path(sys.executable).parent / "voicedesk")
NO_TERMINAL = "the editor needs a terminal"


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
