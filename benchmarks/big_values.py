"""Big values in the editor: how long they take to show, to type into, and to review.

    .venv/bin/python benchmarks/big_values.py              # every case
    .venv/bin/python benchmarks/big_values.py --case variables:5000

Cases: the assistant's name (a plain field, for reference), a post-call schema of 100 and
500 rows, 500 and 5,000 variables (time to show the group, then per key typed into the
first cell), and the review of a 5 MB prompt made of repeated lines with one line changed
(time until its diff shows, and how many lines it shows). Each case runs in a process of
its own, with a time limit, against the embedded sandbox over loopback; it drives the
real app with Pilot, the same way on any version of voicedesk, so the times before and
after a change compare:

    git archive COMMIT src | tar -x -C /tmp/before
    PYTHONPATH=/tmp/before/src .venv/bin/python benchmarks/big_values.py

Times are printed, never asserted: the machine is shared.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

# "name:0" is the reference: the same keys typed into the assistant's name, a plain field.
CASES = ["name:0", "schema:100", "schema:500", "variables:500", "variables:5000", "prompt:5000000"]
KEYS = 10
LIMIT = 300  # seconds a case may take


def record_fields(kind: str, size: int) -> dict:
    if kind == "name":
        return {}
    if kind == "schema":
        return {"post_call_schema": [{"name": f"field_{n}", "type": "string", "description": f"Field {n}"}
                                     for n in range(size)]}
    if kind == "variables":
        return {"variables": {f"var_{n}": f"value {n}" for n in range(size)}}
    line = "Always answer politely and briefly."
    return {"system_prompt": "\n".join([line] * (size // (len(line) + 1)))}


async def run_case(kind: str, size: int) -> None:
    from textual.widgets import Static

    from voicedesk.sandbox import DEMO_API_KEY, Sandbox
    from voicedesk.settings import make_settings
    from voicedesk.tui.app import VoicedeskApp
    from voicedesk.tui.screens.editor import EditorScreen
    from voicedesk.tui.screens.review import ReviewScreen

    async def until(pilot, condition) -> None:
        while not condition():
            await pilot.pause(0.01)

    with Sandbox(rate_limit=None) as sandbox:
        sandbox.edit_assistant(101, **record_fields(kind, size))
        app = VoicedeskApp(make_settings(sandbox.base_url, DEMO_API_KEY), 101)
        started = time.perf_counter()
        async with app.run_test(size=(120, 36)) as pilot:
            await until(pilot, lambda: isinstance(app.screen, EditorScreen) and app.screen.ready)
            screen = app.screen
            assert isinstance(screen, EditorScreen)
            opened = time.perf_counter() - started
            name = {"name": "assistant_name", "schema": "post_call_schema", "variables": "variables",
                    "prompt": "system_prompt"}[kind]
            if kind == "prompt":
                assert screen.loaded  # the editor is ready
                prompt = screen.session.value(name)
                lines = prompt.split("\n")
                lines[len(lines) // 2] = "Always answer politely, briefly and in German."
                screen.rows[name].take_text("\n".join(lines))  # as the prompt's own screen hands it over
                started = time.perf_counter()
                await pilot.press("ctrl+s")
                await until(pilot, lambda: isinstance(app.screen, ReviewScreen))
                changes = app.screen.query_one("#review-changes", Static)
                await until(pilot, lambda: "@@" in str(changes.render()))
                took = time.perf_counter() - started
                lines_shown = len(str(changes.render()).splitlines())
                print(f"{kind} {size:,}: editor ready {opened:.2f} s; review diff shown after {took:.2f} s, "
                      f"{lines_shown} lines")
                return
            started = time.perf_counter()
            await screen.focus_field(name)
            await until(pilot, lambda: screen.rows[name].control_has_focus)
            await pilot.pause()
            shown = time.perf_counter() - started
            started = time.perf_counter()
            await pilot.press(*"x" * KEYS)
            per_key = (time.perf_counter() - started) / KEYS
            rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
            print(f"{kind} {size:,}: editor ready {opened:.2f} s; group shown in {shown:.2f} s; "
                  f"{per_key * 1000:.0f} ms a key; peak RSS {rss:.0f} MB")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--case", action="append", choices=CASES, help="run only these (repeatable)")
    parser.add_argument("--in-process", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.in_process:
        kind, size = args.case[0].split(":")
        asyncio.run(run_case(kind, int(size)))
        return
    import voicedesk

    print(f"voicedesk from {Path(voicedesk.__file__).parent}")
    for case in args.case or CASES:
        with tempfile.TemporaryDirectory() as state, tempfile.TemporaryDirectory() as config:
            env = {**os.environ, "VOICEDESK_STATE_DIR": state, "VOICEDESK_CONFIG_DIR": config}
            try:
                subprocess.run([sys.executable, __file__, "--in-process", "--case", case], env=env,
                               timeout=LIMIT, check=False)
            except subprocess.TimeoutExpired:
                print(f"{case}: not done after {LIMIT} s (stopped)")


if __name__ == "__main__":
    main()
