"""The voicedesk benchmark: run it with

    .venv/bin/python benchmarks/run.py            # the full run
    .venv/bin/python benchmarks/run.py --quick    # fewer samples, for a first look

It measures voicedesk against the embedded sandbox API over real loopback HTTP, prints
each measure (median and spread), each target as a ratio with PASS/FAIL, and writes a
JSON report (benchmarks/results/latest.json by default). See benchmarks/README.md.
"""

from __future__ import annotations

import argparse
import asyncio
import compileall
import gc
import itertools
import json
import os
import platform
import statistics
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import bare_app  # noqa: E402
import voicedesk  # noqa: E402
from common import (  # noqa: E402
    BENCH,
    ROOT,
    TERM_SIZE,
    VENV_BIN,
    FrameProbe,
    IdleWindow,
    Series,
    clean_env,
    isolate_state,
    quantile,
    run_on_pty,
    scratch_dir,
    settle,
    wait_for,
)
from voicedesk.sandbox import DEMO_API_KEY, RateLimit, Sandbox, SandboxData, demo_data, generated_data  # noqa: E402

LATENCY = 0.2  # seconds the sandbox adds to every response in the round-trip measures
DEMO_ID = 101  # the demo account's first assistant (cold start)
LARGE_ID = 1001  # the large account's first assistant: the one with the 200 KB prompt

# --- targets ---------------------------------------------------------------------------


@dataclass
class Target:
    name: str
    measured: str  # what the ratio is made of, in words and numbers
    ratio: float
    limit: float
    passed: bool
    note: str = ""

    def as_dict(self) -> dict[str, Any]:
        return {
            "name": self.name, "measured": self.measured, "ratio": round(self.ratio, 3),
            "limit": self.limit, "pass": self.passed, "note": self.note,
        }


@dataclass
class Report:
    quick: bool
    series: dict[str, Series] = field(default_factory=dict)
    targets: list[Target] = field(default_factory=list)
    facts: dict[str, Any] = field(default_factory=dict)  # counts, e.g. 429s

    def series_of(self, name: str, unit: str = "ms") -> Series:
        if name not in self.series:
            self.series[name] = Series(name, unit)
        return self.series[name]

    def target(self, name: str, measured: str, ratio: float, limit: float,
               passed: bool | None = None, note: str = "") -> None:
        ok = ratio <= limit if passed is None else passed
        self.targets.append(Target(name, measured, ratio, limit, ok, note))
        print(f"  -> {name}: ratio {ratio:.2f} (limit {limit:g})  {'PASS' if ok else 'FAIL'}"
              + (f"  [{note}]" if note else ""), flush=True)


class Profiles:
    """With --profile: a pyinstrument profile of each timed section, written as text to
    the results folder. pyinstrument is optional (not a dependency of voicedesk):
    `.venv/bin/pip install pyinstrument`. Profiling slows the app: its run's numbers are
    for reading profiles, not for the targets."""

    enabled = False
    folder = BENCH / "results"

    @classmethod
    @contextmanager
    def section(cls, name: str):
        if not cls.enabled:
            yield
            return
        from pyinstrument import Profiler

        profiler = Profiler(interval=0.0005, async_mode="disabled")
        profiler.start()
        try:
            yield
        finally:
            profiler.stop()
            cls.folder.mkdir(parents=True, exist_ok=True)
            path = cls.folder / f"profile-{name}.txt"
            # voicedesk, Textual and Rich frames shown; asyncio and the like folded.
            shown = {"show_regex": r".*/(voicedesk|textual|rich)/.*", "filter_threshold": 0.005}
            tree = profiler.output_text(unicode=True, processor_options=shown)
            flat = profiler.output_text(unicode=True, flat=True)
            path.write_text(tree + "\n\nSelf time by function:\n" + "\n".join(flat.splitlines()[:60]) + "\n")
            log(f"  profile written to {path}")


def log(text: str) -> None:
    print(text, flush=True)


def show(series: Series) -> None:
    log("  " + series.line())


# --- data ------------------------------------------------------------------------------

_LARGE: SandboxData | None = None


def large_data() -> SandboxData:
    """2,000 assistants, 5,000 voices, a 200 KB system prompt on assistant 1001 (the
    time zone list is always every IANA name Python knows). Read-only: shared by the
    sandboxes of every measure."""
    global _LARGE
    if _LARGE is None:
        _LARGE = generated_data(2000, 5000, prompt_bytes=200_000)
    return _LARGE


@contextmanager
def sandbox(data: SandboxData, *, latency: float = 0.0, rate_limit: RateLimit | None = RateLimit()):
    """A fresh sandbox per sample: a fresh rate-limit window, an empty request log."""
    server = Sandbox(data, latency=latency, rate_limit=rate_limit).start()
    try:
        yield server
    finally:
        server.stop()
        if server.errors:
            raise RuntimeError("sandbox error:\n" + server.errors[0])


def make_app(server: Sandbox, assistant_id: int | None):
    from voicedesk.settings import make_settings
    from voicedesk.tui.app import VoicedeskApp

    isolate_state()  # no draft from an earlier sample is offered back
    return VoicedeskApp(make_settings(server.base_url, DEMO_API_KEY), assistant_id)


def count_429(server: Sandbox) -> int:
    return sum(1 for request in server.requests if request.status == 429)


# --- 1 and 4: whole processes (cold start, peak RSS) -----------------------------------

SLOW_LINK = f"voicedesk edit 101, {LATENCY * 1000:.0f} ms latency"
EDITOR_READY = (b"0 unsaved changes",)  # the editor's status line, drawn once it is ready


STACK_APP = "bare app + stack (textual, httpx, pydantic, click)"


def bare_process(*flags: str, settle: float = 0.3, idle: IdleWindow | None = None) -> Any:
    """The bare app as a whole process; `flags` are bare_app.py's (--stack, --still)."""
    return run_on_pty([str(VENV_BIN / "python"), str(BENCH / "bare_app.py"), *flags],
                      bare_app.READY_MARKERS, env=clean_env(), settle=settle, idle=idle)


# The peak RSS of the large account's editor is read this long after ready: by then it
# has built every group's form in the background (editor.BUILD_AHEAD_DELAY and _GAP).
SETTLE_FOR_MEMORY = 3.0


def editor_process(
    data: SandboxData, assistant_id: int, settle: float = 0.3, latency: float = 0.0, idle: IdleWindow | None = None
) -> Any:
    with sandbox(data, latency=latency) as server:
        env = clean_env({"VOICEDESK_BASE_URL": server.base_url, "VOICEDESK_API_KEY": DEMO_API_KEY})
        run = run_on_pty([str(VENV_BIN / "voicedesk"), "edit", str(assistant_id)], EDITOR_READY, env=env,
                         settle=settle, idle=idle)
        if count_429(server):
            raise RuntimeError("a cold start was rate limited")
    return run


def measure_processes(report: Report, runs: int, *, cold: bool, memory: bool) -> None:
    log("\n[1, 4] Whole processes on a pty (120x36): process start -> ready frame; peak RSS")
    demo, large = demo_data(), large_data()
    kinds: list[tuple[str, Callable[[], Any]]] = [("bare app", bare_process)]
    if cold:
        kinds.append((STACK_APP, lambda: bare_process("--stack")))
        kinds.append(("voicedesk edit 101 (demo account)", lambda: editor_process(demo, DEMO_ID)))
        kinds.append((SLOW_LINK, lambda: editor_process(demo, DEMO_ID, latency=LATENCY)))
    if memory:
        kinds.append(("voicedesk edit 1001 (large account)",
                      lambda: editor_process(large, LARGE_ID, settle=SETTLE_FOR_MEMORY)))
    # Both apps run from bytecode, as an installed app does (pip compiles a package, and
    # Python caches what it imports), even where PYTHONDONTWRITEBYTECODE is set (it is on
    # this machine): otherwise every start would compile voicedesk's sources again.
    compileall.compile_dir(Path(voicedesk.__file__).parent, quiet=1)
    bare_process()  # warm the file cache; not counted
    for _ in range(runs):
        for label, start in kinds:  # interleaved, so drift hits every kind alike
            run = start()
            if run.ready_ms is None:
                tail = run.output_tail.decode(errors="replace")[-600:]
                raise RuntimeError(f"{label}: never ready; screen tail: {tail!r}")
            report.series_of(f"cold start: {label}").add(run.ready_ms)
            report.series_of(f"CPU until ready: {label}").add(run.cpu_ms or float("nan"))
            report.series_of(f"peak RSS: {label}", "MiB").add(run.peak_rss_mib or float("nan"))
    for label, _ in kinds:
        show(report.series[f"cold start: {label}"])
    for label, _ in kinds:
        show(report.series[f"CPU until ready: {label}"])
    for label, _ in kinds:
        show(report.series[f"peak RSS: {label}"])
    bare = report.series["cold start: bare app"]
    if cold:
        editor = report.series["cold start: voicedesk edit 101 (demo account)"]
        stack = report.series[f"cold start: {STACK_APP}"]
        report.target(
            "1. cold start (edit 101 / bare app + stack, medians)",
            f"{editor.median:.0f} ms / {stack.median:.0f} ms", editor.median / stack.median, 1.25,
        )
        log(f"  (info) edit 101 / bare app without the stack (medians, not a target): "
            f"{editor.median:.0f} ms / {bare.median:.0f} ms = {editor.median / bare.median:.2f}")
        cpu_bare = report.series["CPU until ready: bare app"]
        cpu_editor = report.series["CPU until ready: voicedesk edit 101 (demo account)"]
        log(f"  (info) CPU time until ready, edit 101 / bare app (medians, not a target): "
            f"{cpu_editor.median:.0f} ms / {cpu_bare.median:.0f} ms = {cpu_editor.median / cpu_bare.median:.2f}"
            f"; the bare app's spread (IQR {quantile(bare.samples, .25):.0f}-{quantile(bare.samples, .75):.0f} ms)"
            " shows how much the machine's other jobs moved this run")
        slow = report.series[f"cold start: {SLOW_LINK}"]
        added = slow.median - editor.median
        log(f"  (info) a slow link, whole process (not a target): with {LATENCY * 1000:.0f} ms on every "
            f"response, edit 101 was ready {added:.0f} ms later ({added / (LATENCY * 1000):.2f} round trips); "
            "its reads travel while Textual is imported")
    if memory:
        rss_bare = report.series["peak RSS: bare app"]
        rss_editor = report.series["peak RSS: voicedesk edit 1001 (large account)"]
        report.target(
            "4. peak RSS (editor on large account / bare app, medians)",
            f"{rss_editor.median:.1f} MiB / {rss_bare.median:.1f} MiB",
            rss_editor.median / rss_bare.median, 2.0,
        )


# --- 7: an idle editor ----------------------------------------------------------------

IDLE_SECONDS = 10.0


def idle_side_by_side(starts: dict[str, Callable[[IdleWindow], Any]]) -> dict[str, Any]:
    """Each process started on a thread of its own, all left alone over one window; the
    editor builds its other groups' forms just after ready, which is not idle, so each
    settles first (SETTLE_FOR_MEMORY). A process that never got ready: None."""
    window = IdleWindow(threading.Barrier(len(starts)), IDLE_SECONDS)
    runs_of: dict[str, Any] = {}

    def run(name: str, start: Callable[[IdleWindow], Any]) -> None:
        try:
            runs_of[name] = start(window)
        except threading.BrokenBarrierError:
            runs_of[name] = None  # another one never got ready: it says why
        except Exception:
            window.start.abort()  # nobody waits for this one
            raise

    threads = [threading.Thread(target=run, args=item) for item in starts.items()]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return runs_of


def measure_idle(report: Report, runs: int) -> None:
    log(f"\n[7] Idle: CPU time over the same {IDLE_SECONDS:g} s of an open editor (edit 101) and the "
        "bare app (cursor still), both on ptys, left alone once ready and settled")
    editor = report.series_of("idle CPU: voicedesk edit 101 (demo account)")
    bare = report.series_of("idle CPU: bare app (cursor still)")
    for _ in range(runs):
        runs_of = idle_side_by_side({
            editor.name: lambda window: editor_process(demo_data(), DEMO_ID, settle=SETTLE_FOR_MEMORY, idle=window),
            bare.name: lambda window: bare_process("--still", settle=SETTLE_FOR_MEMORY, idle=window),
        })
        for series in (editor, bare):
            done = runs_of.get(series.name)
            if done is None or done.idle_cpu_ms is None:
                tail = done.output_tail.decode(errors="replace")[-600:] if done else ""
                raise RuntimeError(f"{series.name}: no idle window; screen tail: {tail!r}")
            series.add(done.idle_cpu_ms)
    show(editor)
    show(bare)
    report.target(
        f"7. idle CPU over {IDLE_SECONDS:g} s (edit 101 / bare app, medians)",
        f"{editor.median:.1f} ms / {bare.median:.1f} ms", editor.median / bare.median, 1.2,
    )


# --- 2: round trips ----------------------------------------------------------------------


def request_waves(server: Sandbox, until: float, latency: float) -> int:
    """How many waves of requests reached the sandbox before `until` (a time.time()):
    requests arriving within half a latency of the previous one belong to its wave.
    With latency on, this is the number of round trips on the critical path."""
    arrivals = sorted(r.time for r in server.requests if r.time <= until)
    waves = 1 if arrivals else 0
    for before, after in itertools.pairwise(arrivals):
        if after - before > latency / 2:
            waves += 1
    return waves


async def editor_ready_ms(data: SandboxData, assistant_id: int, latency: float) -> tuple[float, int, int]:
    """ms from run_test start to EditorScreen.ready; 429 answers; request waves."""
    from voicedesk.tui.screens.editor import EditorScreen

    with sandbox(data, latency=latency) as server:
        app = make_app(server, assistant_id)
        started = time.perf_counter()
        async with app.run_test(size=TERM_SIZE):
            ready = await wait_for(lambda: isinstance(app.screen, EditorScreen) and app.screen.ready)
            ready_wall = time.time()
        return (ready - started) * 1000, count_429(server), request_waves(server, ready_wall, LATENCY)


async def picker_fill_ms(
    data: SandboxData, latency: float, rate_limit: RateLimit | None = RateLimit()
) -> tuple[float, float, int, int, int]:
    """ms until every row is listed; ms until the lookups are in too; 429 answers;
    requests; request waves until filled."""
    from voicedesk.tui.screens.picker import PickerScreen

    total = sum(1 for a in data.assistants.values() if a.get("user_id") == data.account_id)
    with sandbox(data, latency=latency, rate_limit=rate_limit) as server:
        app = make_app(server, None)
        started = time.perf_counter()
        async with app.run_test(size=TERM_SIZE):
            await wait_for(lambda: isinstance(app.screen, PickerScreen))
            picker = app.screen
            table = picker.query_one("#picker-table")  # a DataTable, later a virtual table
            filled = await wait_for(lambda: table.row_count == total, timeout=120)
            filled_wall = time.time()
            looked_up = await wait_for(lambda: picker.lookups is not None, timeout=120)
        return ((filled - started) * 1000, (looked_up - started) * 1000,
                count_429(server), len(server.requests), request_waves(server, filled_wall, LATENCY))


async def measure_round_trips(report: Report, runs: int, picker_runs: int) -> None:
    log(f"\n[2] Round trips: the sandbox adds {LATENCY * 1000:.0f} ms to every response "
        "(RateLimit() on, a fresh sandbox per sample)")
    thousand = generated_data(1000, 200)
    cases = [
        ("page 1 (id 1001 of 1,000)", thousand, 1001, 1.3, 1),
        ("page 10 (id 2000 of 1,000)", thousand, 2000, 2.3, 2),
    ]
    too_many = 0
    for label, data, assistant_id, limit, expected_waves in cases:
        plain = report.series_of(f"editor ready, {label}, no latency")
        slow = report.series_of(f"editor ready, {label}, +{LATENCY * 1000:.0f} ms")
        added = report.series_of(f"editor ready, {label}, added by latency (pairs)")
        waves = []
        await editor_ready_ms(data, assistant_id, 0.0)  # warm-up, not counted
        for _ in range(runs):  # pairs: no latency, then latency
            ms_plain, refused, _ = await editor_ready_ms(data, assistant_id, 0.0)
            ms_slow, refused_slow, wave_count = await editor_ready_ms(data, assistant_id, LATENCY)
            plain.add(ms_plain)
            slow.add(ms_slow)
            added.add(ms_slow - ms_plain)
            waves.append(wave_count)
            too_many += refused + refused_slow
        show(plain)
        show(slow)
        show(added)
        wave_text = f"request waves before ready (with latency): {statistics.median(waves):g} " \
                    f"(all samples {sorted(set(waves))}; the target's schedule is {expected_waves})"
        log(f"  {wave_text}")
        report.facts[f"editor ready, {label}: request waves"] = waves
        extra = added.median / (LATENCY * 1000)
        report.target(
            f"2. editor ready, {label}: added time in round trips",
            f"median of {runs} paired differences {added.median:.0f} ms / {LATENCY * 1000:.0f} ms", extra,
            limit, note=f"{statistics.median(waves):g} request waves, target schedule {expected_waves}",
        )
    report.facts["editor 429s"] = too_many

    large = large_data()
    for limited, label in ((True, "RateLimit()"), (False, "no rate limit")):
        # Without a rate limit it is diagnosis, not a target: the round trips and the
        # client's own work show apart from 429 waits.
        plain = report.series_of(f"picker filled, {label}, no latency")
        slow = report.series_of(f"picker filled, {label}, +{LATENCY * 1000:.0f} ms")
        added = report.series_of(f"picker filled, {label}, added by latency (pairs)")
        lookups = report.series_of(f"picker lookups in, {label}, no latency")
        refused_total, requests, waves = 0, [], []
        with Profiles.section(f"picker-fill-{'rate-limited' if limited else 'no-rate-limit'}"):
            for _ in range(picker_runs):
                pair = []
                for latency in (0.0, LATENCY):
                    filled, looked_up, refused, sent, wave_count = await picker_fill_ms(
                        large, latency, RateLimit() if limited else None)
                    pair.append(filled)
                    refused_total += refused
                    requests.append(sent)
                    if latency:
                        waves.append(wave_count)
                    else:
                        lookups.add(looked_up)
                plain.add(pair[0])
                slow.add(pair[1])
                added.add(pair[1] - pair[0])
        for series in (plain, slow, added, lookups):
            show(series)
        log(f"  {label}: requests per load {sorted(set(requests))}; 429 answers over "
            f"{2 * picker_runs} loads: {refused_total}; request waves until filled (with latency): "
            f"{sorted(waves)}")
        report.facts[f"picker, {label}: requests per load"] = requests
        report.facts[f"picker, {label}: 429 answers"] = refused_total
        report.facts[f"picker, {label}: request waves until filled"] = waves
        extra = added.median / (LATENCY * 1000)
        if limited:
            report.target(
                "2. picker of 2,000 filled: added time in round trips",
                f"median of {picker_runs} paired differences {added.median:.0f} ms / "
                f"{LATENCY * 1000:.0f} ms", extra, 3.0,
                note=f"fill takes {plain.median / 1000:.1f} s without latency; "
                     f"{statistics.median(waves):g} request waves",
            )
            # While 429 waits or the client's own work dominate the fill, the time ratio
            # above says little; the request schedule says how many round trips it takes.
            wave_median = statistics.median(waves)
            report.target(
                "2. picker of 2,000 filled: request waves until filled (<= 3)",
                f"median {wave_median:g} waves (samples {sorted(waves)}) / 3",
                wave_median / 3, 1.0,
            )
            report.target(
                "2. picker of 2,000 within the rate limit: 429 answers",
                f"{refused_total} x 429 over {2 * picker_runs} loads of {max(requests)} requests",
                float(refused_total), 0.0,
            )
        else:
            log(f"  (info) without a rate limit the picker's added time is {extra:.2f} round trips")
            report.facts["picker round trips without rate limit"] = round(extra, 3)


# --- 3: keystrokes on large data ---------------------------------------------------------


class Calls:
    """Counts calls of one method of one object (a benchmark-side wrapper)."""

    def __init__(self, owner: Any, name: str) -> None:
        self.count = 0
        original = getattr(owner, name)

        def wrapper(*args: Any, **kwargs: Any) -> Any:
            result = original(*args, **kwargs)
            self.count += 1
            return result

        setattr(owner, name, wrapper)


TYPED = ["l", "i", "n", "e", "space", "1", "2"]  # then as many backspaces


def typing_keys(n: int) -> list[tuple[str, int]]:
    """(key, change of length) for n keystrokes: type "line 12", erase it, again."""
    cycle = [(key, 1) for key in TYPED] + [("backspace", -1)] * len(TYPED)
    return [cycle[i % len(cycle)] for i in range(n)]


def typed_text(text: str, key: str) -> str:
    return text[:-1] if key == "backspace" else text + (" " if key == "space" else key)


async def bare_keystrokes(series: Series, n: int) -> None:
    from textual.widgets import Input

    app = bare_app.BareApp()
    async with app.run_test(size=TERM_SIZE):
        probe = FrameProbe(app)
        box = app.query_one("#bare-input", Input)
        box.cursor_blink = False  # as voicedesk does for every focused widget
        await wait_for(lambda: box.has_focus)
        await settle(0.3)
        text = ""
        for key, _ in typing_keys(n):
            text = typed_text(text, key)
            series.add(await probe.keystroke(key, lambda t=text: box.value == t))
            await settle()


async def bare_pane_switches(series: Series, n: int) -> None:
    from textual.widgets import ContentSwitcher, Input

    app = bare_app.BarePanesApp()
    async with app.run_test(size=TERM_SIZE):
        probe = FrameProbe(app)
        for box in app.query(Input):
            box.cursor_blink = False
        switcher = app.query_one(ContentSwitcher)
        await wait_for(lambda: app.query_one("#input-0-0", Input).has_focus)
        await settle(0.3)
        for _ in range(n):
            pane = "pane-1" if switcher.current == "pane-0" else "pane-0"
            first = app.query_one(f"#input-{pane[-1]}-0", Input)
            series.add(await probe.keystroke("ctrl+pagedown", lambda p=pane, f=first: (
                switcher.current == p and f.has_focus)))
            await settle()


async def picker_keystrokes(series: Series, n: int) -> None:
    from textual.widgets import Input

    from voicedesk.tui.screens.picker import PickerScreen

    data = large_data()
    with sandbox(data, rate_limit=None) as server:
        app = make_app(server, None)
        async with app.run_test(size=TERM_SIZE):
            await wait_for(lambda: isinstance(app.screen, PickerScreen))
            picker = app.screen
            table = picker.query_one("#picker-table")  # a DataTable, later a virtual table
            box = picker.query_one("#picker-filter", Input)
            await wait_for(lambda: table.row_count == 2000 and picker.lookups is not None, 120)
            await wait_for(lambda: box.has_focus)
            await settle(0.5)
            probe = FrameProbe(app)
            refills = Calls(picker, "refill")
            text = ""
            with Profiles.section("picker-filter"):
                for key, _ in typing_keys(n):
                    text = typed_text(text, key)
                    before = refills.count
                    # The frame that shows the key in the box and the table refilled for it
                    # (which rows match is the tests' business: tests/test_picker_filter.py).
                    series.add(await probe.keystroke(key, lambda t=text, b=before: (
                        box.value == t and refills.count > b)))
                    await settle()


async def editor_keystrokes(report: Report, n: int, editors: int) -> None:
    """Group switches (first visits, then revisits), slider steps, prompt keystrokes and
    voice-search keystrokes, on assistant 1001 of the large account."""
    from textual.widgets import Input, TextArea

    from voicedesk.fields import GROUPS, fields_in
    from voicedesk.tui.screens.editor import EditorScreen
    from voicedesk.tui.widgets.search_select import SearchSelectScreen

    first_visit = report.series_of("group switch, first visit (builds the form)")
    revisit = report.series_of("group switch, revisit")
    slider_steps = report.series_of("slider step (speech_speed)")
    prompt_keys = report.series_of("prompt keystroke (200 KB TextArea)")
    voice_keys = report.series_of("voice search keystroke (2,500 voices)")
    voice_open = report.series_of("voice search opened (enter on Voice)")
    prompt_open = report.series_of("prompt editor opened (enter on System prompt)")

    data = large_data()

    async def one_editor(index: int) -> None:
        with sandbox(data, rate_limit=None) as server:
            app = make_app(server, LARGE_ID)
            async with app.run_test(size=TERM_SIZE):
                await wait_for(lambda: isinstance(app.screen, EditorScreen) and app.screen.ready, 120)
                editor = app.screen
                await settle(0.5)
                probe = FrameProbe(app)
                states = Calls(editor, "refresh_state")

                async def switch(series: Series) -> None:
                    current = GROUPS.index(editor.current_group)
                    group = GROUPS[(current + 1) % len(GROUPS)]
                    row_name = fields_in(group)[0].name
                    ms = await probe.keystroke("ctrl+pagedown", lambda: (
                        editor.current_group is group and row_name in editor.rows
                        and editor.rows[row_name].control_has_focus))
                    series.add(ms)
                    by_group = report.facts.setdefault(f"{series.name}: ms by group", {})
                    by_group.setdefault(group.value, []).append(round(ms, 1))
                    await settle()

                with Profiles.section(f"group-switch-first-visit-{index + 1}"):
                    for _ in range(len(GROUPS) - 1):  # Core is built by the load
                        await switch(first_visit)
                    await switch(revisit)  # back to Core
                if index == 0:
                    with Profiles.section("group-switch-revisit"):
                        while len(revisit.samples) < n:
                            await switch(revisit)

                    # A slider step: the value moves, the row and status follow.
                    await editor.focus_field("speech_speed")
                    slider = editor.rows["speech_speed"].control
                    await wait_for(lambda: slider.has_focus)
                    await settle(0.3)
                    # Three steps one way, three back: as an operator tries values.
                    room = slider.value is None or slider.value + 3 * slider.step <= slider.maximum
                    with Profiles.section("slider-step"):
                        for i in range(n):
                            key = "right" if ((i // 3) % 2 == 0) == room else "left"
                            value, calls = slider.value, states.count
                            slider_steps.add(await probe.keystroke(key, lambda v=value, c=calls: (
                                slider.value != v and states.count > c)))
                            await settle()

                    # The prompt: type at the start of its 200 KB, then erase. The prompt's
                    # TextArea is the row's control, or (from 3e1218b on) the TextArea of
                    # a screen that enter on the row opens; either way a keystroke is done
                    # when the TextArea shows it.
                    await editor.focus_field("system_prompt")
                    await wait_for(lambda: editor.rows["system_prompt"].control_has_focus)
                    await settle(0.3)
                    if not isinstance(app.focused, TextArea):
                        prompt_open.add(await probe.keystroke(
                            "enter", lambda: isinstance(app.focused, TextArea)))
                        await settle(0.3)
                    area = app.focused
                    assert isinstance(area, TextArea)
                    area.move_cursor((0, 0))
                    await settle(0.1)
                    base = len(area.document.get_line(0))
                    with Profiles.section("prompt-keystroke"):
                        for i in range(n):
                            # Three letters typed, three erased.
                            typed = i % 6 + 1 if i % 6 < 3 else 5 - i % 6
                            key = "x" if i % 6 < 3 else "backspace"
                            prompt_keys.add(await probe.keystroke(key, lambda ln=base + typed: (
                                len(area.document.get_line(0)) == ln)))
                            await settle()
                    if app.screen is not editor:
                        await app.pop_screen()
                        await wait_for(lambda: app.screen is editor)

                    # The voice search: open it, type, erase.
                    await editor.focus_field("voice_id")
                    control = editor.rows["voice_id"].control
                    await wait_for(lambda: control.has_focus)
                    await settle(0.3)
                    with Profiles.section("voice-search-open"):
                        voice_open.add(await probe.keystroke("enter", lambda: (
                            isinstance(app.screen, SearchSelectScreen)
                            and app.screen.option_list.option_count > 0)))
                    modal = app.screen
                    query = modal.query_one("#search-select-query", Input)
                    filters = Calls(modal, "_filter")
                    await wait_for(lambda: query.has_focus)
                    await settle(0.3)
                    text = ""
                    with Profiles.section("voice-search-keystroke"):
                        for key, _ in typing_keys(n):
                            text = typed_text(text, key)
                            before = filters.count
                            voice_keys.add(await probe.keystroke(key, lambda t=text, b=before: (
                                query.value == t and filters.count > b)))
                            await settle()
                    await app.pop_screen()

    for index in range(editors):
        await one_editor(index)
        gc.collect()


KEYSTROKES = [
    "picker filter keystroke (2,000 rows)",
    "voice search keystroke (2,500 voices)",
    "slider step (speech_speed)",
    "prompt keystroke (200 KB TextArea)",
]
GROUP_SWITCHES = ["group switch, first visit (builds the form)", "group switch, revisit"]
PANE_SWITCH = "bare app pane switch (reference for group switches)"


async def measure_interactive(report: Report, n: int, editors: int, rounds: int) -> None:
    log("\n[3] Keystroke to frame on the large account (2,000 assistants, 5,000 voices, "
        f"all time zones, 200 KB prompt); App.run_test, frames rendered to terminal bytes; {rounds} "
        "rounds, pooled")
    bare = report.series_of("bare app Input keystroke")
    picker = report.series_of("picker filter keystroke (2,000 rows)")
    panes = report.series_of(PANE_SWITCH)
    # One p95 of a few dozen samples moves with whatever else the machine ran then: each
    # round adds samples of every measure and its reference, so the pooled p95s compare.
    for _ in range(rounds):
        await bare_keystrokes(bare, n // 2)  # half before, half after: drift hits both alike
        await picker_keystrokes(picker, n)
        await editor_keystrokes(report, n, editors)
        await bare_keystrokes(bare, n - n // 2)
        await bare_pane_switches(panes, n)
    names = KEYSTROKES + GROUP_SWITCHES
    show(bare)
    for name in names + [PANE_SWITCH, "voice search opened (enter on Voice)",
                         "prompt editor opened (enter on System prompt)"]:
        if report.series[name].samples:
            show(report.series[name])
    for name in ("group switch, first visit (builds the form)", "group switch, revisit"):
        by_group = report.facts.get(f"{name}: ms by group", {})
        log(f"  {name}, median ms by group: " + ", ".join(
            f"{group} {statistics.median(ms):.0f}" for group, ms in by_group.items()))
    for name in KEYSTROKES:
        series = report.series[name]
        report.target(
            f"3. {name} / bare keystroke (p95)",
            f"{series.p95:.1f} ms / {bare.p95:.1f} ms", series.p95 / bare.p95, 2.0,
        )
    # A group switch against what any switch between two full screens costs in Textual.
    for name in GROUP_SWITCHES:
        series = report.series[name]
        report.target(
            f"3. {name} / bare pane switch (p95)",
            f"{series.p95:.1f} ms / {panes.p95:.1f} ms", series.p95 / panes.p95, 1.5,
        )
        ratio = series.p95 / bare.p95
        report.facts[f"{name} / bare keystroke (p95)"] = round(ratio, 2)
        log(f"  (info) {name} / bare keystroke (p95, the target before issue 14): "
            f"{series.p95:.1f} ms / {bare.p95:.1f} ms = {ratio:.2f}")


# --- 5: bytes on the wire ----------------------------------------------------------------


def compact(body: dict[str, Any]) -> bytes:
    return json.dumps(body, separators=(",", ":")).encode()


async def tui_one_field_save(data: SandboxData, assistant_id: int, field_name: str, key: str) -> tuple[bytes, bytes]:
    from voicedesk.tui.screens.editor import EditorScreen
    from voicedesk.tui.screens.review import ReviewScreen

    with sandbox(data) as server:
        app = make_app(server, assistant_id)
        async with app.run_test(size=TERM_SIZE) as pilot:
            await wait_for(lambda: isinstance(app.screen, EditorScreen) and app.screen.ready, 120)
            editor = app.screen
            await editor.focus_field(field_name)
            await wait_for(lambda: editor.rows[field_name].control_has_focus)
            await pilot.press(key)
            await wait_for(lambda: editor.session.is_dirty(field_name))
            value = editor.session.value(field_name)
            await pilot.press("ctrl+s")
            await wait_for(lambda: isinstance(app.screen, ReviewScreen))
            await pilot.press("ctrl+s")
            puts = lambda: [r for r in server.requests if r.method == "PUT" and r.status]  # noqa: E731
            await wait_for(puts, 30)
            await wait_for(lambda: not editor.session.dirty, 30)
        [put] = puts()
        return put.raw_body, compact({field_name: value})


def cli_one_field_save(data: SandboxData, assistant_id: int, assignment: str, expected: dict) -> tuple[bytes, bytes]:
    with sandbox(data) as server:
        env = clean_env({"VOICEDESK_BASE_URL": server.base_url, "VOICEDESK_API_KEY": DEMO_API_KEY})
        done = subprocess.run([str(VENV_BIN / "voicedesk"), "set", str(assistant_id), assignment, "--yes"],
                              env=env, capture_output=True, text=True, timeout=60)
        if done.returncode != 0:
            raise RuntimeError(f"voicedesk set failed: {done.stderr.strip()}")
        [put] = [r for r in server.requests if r.method == "PUT"]
        return put.raw_body, compact(expected)


async def measure_wire(report: Report) -> None:
    log("\n[5] Bytes on the wire: a one-field save's PUT body against json.dumps({field: value})")
    cases = [
        ("TUI, slider step on 1001 (large account, 200 KB prompt untouched)",
         await tui_one_field_save(large_data(), LARGE_ID, "speech_speed", "right")),
        ("TUI, switch on 101 (demo account)",
         await tui_one_field_save(demo_data(), DEMO_ID, "record_call", "space")),
        ("CLI, voicedesk set 101 speech_speed=0.9",
         cli_one_field_save(demo_data(), DEMO_ID, "speech_speed=0.9", {"speech_speed": 0.9})),
    ]
    for label, (sent, expected) in cases:
        log(f"  {label}: sent {len(sent)} bytes {sent[:80]!r}; expected {len(expected)} bytes {expected!r}")
        report.facts[f"wire: {label}"] = {"sent": sent.decode(errors="replace")[:200], "bytes": len(sent),
                                          "expected": expected.decode(), "expected_bytes": len(expected)}
        report.target(f"5. {label}: bytes sent / expected", f"{len(sent)} B / {len(expected)} B",
                      len(sent) / len(expected), 1.0, passed=sent == expected,
                      note="" if sent == expected else "body differs")


# --- 6: a save on a 10,000-assistant account ---------------------------------------------

BIG_ACCOUNT = 10_000  # assistants: 100 pages of 100
BIG_LAST_ID = 1000 + BIG_ACCOUNT  # the last assistant, on the last page


def cli_set_on_big_account(data: SandboxData, state: Path, port: int, value: str) -> tuple[float, list, int]:
    """`voicedesk set` of one field of the last assistant as a whole process, against a
    fresh sandbox (a fresh rate-limit window) on `port`; the hints file lives in `state`.
    Returns seconds, the request log, and the port the sandbox had."""
    server = Sandbox(data, port=port).start()
    try:
        env = clean_env({"VOICEDESK_BASE_URL": server.base_url, "VOICEDESK_API_KEY": DEMO_API_KEY,
                         "VOICEDESK_STATE_DIR": str(state)})
        started = time.perf_counter()
        done = subprocess.run([str(VENV_BIN / "voicedesk"), "set", str(BIG_LAST_ID), f"speech_speed={value}",
                               "--yes"], env=env, capture_output=True, text=True, timeout=600)
        seconds = time.perf_counter() - started
        if done.returncode != 0:
            raise RuntimeError(f"voicedesk set failed: {done.stderr.strip()}")
        return seconds, server.requests, server.port
    finally:
        server.stop()
        if server.errors:
            raise RuntimeError("sandbox error:\n" + server.errors[0])


def measure_big_save(report: Report) -> None:
    log(f"\n[6] A save on a {BIG_ACCOUNT:,}-assistant account: voicedesk set {BIG_LAST_ID} speech_speed=... "
        "--yes (the last page), whole processes, RateLimit() on; the first run, then a second "
        "with the page remembered")
    data = generated_data(BIG_ACCOUNT, 200)
    state = scratch_dir() / "state"
    pages = -(-BIG_ACCOUNT // 100)
    port = 0
    for run, value in (("first run", "0.9"), ("second run", "0.95")):
        seconds, requests, port = cli_set_on_big_account(data, state, port, value)
        listed = [r for r in requests if r.path == "/api/user/assistants/get"]
        refused = sum(1 for r in requests if r.status == 429)
        report.series_of(f"big save, {run}", "s").add(seconds)
        report.facts[f"big save, {run}"] = {"seconds": round(seconds, 2), "requests": len(requests),
                                            "list requests": len(listed), "429 answers": refused}
        log(f"  {run}: {seconds:.1f} s, {len(requests)} requests ({len(listed)} of them list pages), "
            f"{refused} x 429")
        if run == "first run":
            # Open: a scan (it stops once found); the reads before and after sending: 1 each.
            report.target("6. big save, first run: list requests / (pages + 2)",
                          f"{len(listed)} / {pages + 2}", len(listed) / (pages + 2), 1.0)
        else:
            report.target("6. big save, second run: list requests / 3 (open, before, after)",
                          f"{len(listed)} / 3", len(listed) / 3, 1.0)
        report.target(f"6. big save, {run}: 429 answers (the client paces itself)",
                      f"{refused} x 429 over {len(requests)} requests", float(refused), 0.0)


# --- 7: apply DIR across many assistants -----------------------------------------------

MANY_ACCOUNT = 2_000  # assistants: 20 pages of 100
MANY_CHANGED = 200  # files edited: every tenth assistant


def rate_limit_alone(count: int, limits: tuple[tuple[int, float], ...] = ((20, 10.0), (100, 60.0))) -> float:
    """Seconds from the first to the last of `count` requests sent as early as the
    platform's windows allow (each request instant): the floor any client meets."""
    sent: list[float] = []
    now = 0.0
    for _ in range(count):
        for limit, span in limits:
            if len(sent) >= limit:
                now = max(now, sent[-limit] + span)
        sent.append(now)
    return sent[-1] if sent else 0.0


def measure_many_apply(report: Report) -> None:
    log(f"\n[7] apply DIR: one field changed in {MANY_CHANGED} of {MANY_ACCOUNT:,} pulled files, "
        "`voicedesk apply DIR --yes` as a whole process, RateLimit() on")
    data = generated_data(MANY_ACCOUNT, 200)
    state = scratch_dir() / "many-state"
    folder = scratch_dir() / "many-files"
    server = Sandbox(data).start()
    port = server.port
    env = clean_env({"VOICEDESK_BASE_URL": server.base_url, "VOICEDESK_API_KEY": DEMO_API_KEY,
                     "VOICEDESK_STATE_DIR": str(state)})
    try:
        pulled = subprocess.run([str(VENV_BIN / "voicedesk"), "pull", str(folder)], env=env,
                                capture_output=True, text=True, timeout=900)
        if pulled.returncode != 0:
            raise RuntimeError(f"voicedesk pull failed: {pulled.stderr.strip()}")
    finally:
        server.stop()
    files = sorted(folder.glob("*.yaml"))
    changed = files[::len(files) // MANY_CHANGED][:MANY_CHANGED]
    for path in changed:
        text = path.read_text(encoding="utf-8")
        lines = [("  speech_speed: 0.75" if line.startswith("  speech_speed:") else line)
                 for line in text.split("\n")]
        path.write_text("\n".join(lines), encoding="utf-8")
    server = Sandbox(data, port=port).start()  # a fresh rate-limit window, the same host
    try:
        started = time.perf_counter()
        done = subprocess.run([str(VENV_BIN / "voicedesk"), "apply", str(folder), "--yes"], env=env,
                              capture_output=True, text=True, timeout=1800)
        seconds = time.perf_counter() - started
        if done.returncode != 0:
            raise RuntimeError(f"voicedesk apply failed: {done.stderr.strip()[-500:]}")
        requests = server.requests
    finally:
        server.stop()
        if server.errors:
            raise RuntimeError("sandbox error:\n" + server.errors[0])
    pages = -(-MANY_ACCOUNT // 100)
    puts = [r for r in requests if r.method == "PUT"]
    listed = [r for r in requests if r.path == "/api/user/assistants/get"]
    refused = sum(1 for r in requests if r.status == 429)
    floor = rate_limit_alone(len(requests))
    report.series_of("apply DIR (200 of 2,000)", "s").add(seconds)
    report.facts["apply DIR (200 of 2,000)"] = {
        "seconds": round(seconds, 1), "requests": len(requests), "PUTs": len(puts), "list requests": len(listed),
        "other requests (the lookups)": len(requests) - len(puts) - len(listed), "429 answers": refused,
        "rate limit alone, s": round(floor, 1)}
    log(f"  {seconds:.1f} s, {len(requests)} requests: {len(puts)} PUTs, {len(listed)} list pages, "
        f"{len(requests) - len(puts) - len(listed)} lookups; {refused} x 429; the rate limit alone allows "
        f"{floor:.1f} s for {len(requests)} requests")
    report.target("7. apply DIR: PUTs / changed assistants", f"{len(puts)} / {MANY_CHANGED}",
                  len(puts) / MANY_CHANGED, 1.0)
    report.target("7. apply DIR: list pages read / (2 x pages)", f"{len(listed)} / {2 * pages}",
                  len(listed) / (2 * pages), 1.0,
                  note="a page read over a minute before its writes is read again (batch.FRESH_FOR)")
    report.target("7. apply DIR: 429 answers (the client paces itself)",
                  f"{refused} x 429 over {len(requests)} requests", float(refused), 0.0)
    report.target("7. apply DIR: time / what the rate limit alone allows for its requests",
                  f"{seconds:.1f} s / {floor:.1f} s", seconds / floor if floor else 0.0, 1.1)


# --- main --------------------------------------------------------------------------------

MEASURES = ("cold", "roundtrips", "interactive", "memory", "wire", "bigsave", "idle", "many")


def environment() -> dict[str, Any]:
    import textual

    def git(*args: str) -> str:
        try:
            return subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True).stdout.strip()
        except OSError:
            return ""

    return {
        "voicedesk_from": str(Path(voicedesk.__file__).resolve().parent),
        "python": platform.python_version(),
        "textual": textual.__version__,
        "platform": platform.platform(),
        "cpus": os.cpu_count(),
        "load_average_at_start": os.getloadavg(),
        "commit": git("rev-parse", "--short", "HEAD"),
        "worktree_dirty": bool(git("status", "--porcelain", "--", "src")),
    }


def print_table(report: Report) -> None:
    log("\n" + "=" * 100)
    log(f"{'target':<80} {'ratio':>7} {'limit':>5}  result")
    log("-" * 100)
    for t in report.targets:
        log(f"{t.name:<80} {t.ratio:7.2f} {t.limit:5g}  {'PASS' if t.passed else 'FAIL'}")
        log(f"    {t.measured}" + (f"  ({t.note})" if t.note else ""))
    passed = sum(t.passed for t in report.targets)
    log("-" * 100)
    log(f"{passed} of {len(report.targets)} targets pass")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="fewer samples (a first look, 2-3 min)")
    parser.add_argument("--only", default=",".join(MEASURES),
                        help=f"comma-separated subset of {','.join(MEASURES)}")
    parser.add_argument("--rounds", type=int, default=3,
                        help="rounds of the keystroke section, pooled (default 3)")
    parser.add_argument("--json", default=str(BENCH / "results" / "latest.json"), help="report path")
    parser.add_argument("--profile", action="store_true",
                        help="write a pyinstrument profile of each timed section next to the --json report "
                             "(needs pyinstrument; slows the run, so its ratios are not the targets)")
    args = parser.parse_args()
    only = {name.strip() for name in args.only.split(",") if name.strip()}
    unknown = only - set(MEASURES)
    if unknown:
        parser.error(f"unknown measures: {', '.join(sorted(unknown))}")

    if args.profile:
        try:
            import pyinstrument  # noqa: F401
        except ImportError:
            parser.error("--profile needs pyinstrument: .venv/bin/pip install pyinstrument")
        Profiles.enabled = True
        Profiles.folder = Path(args.json).parent

    quick = args.quick
    report = Report(quick=quick)
    env = environment()
    log(f"voicedesk benchmark ({'quick' if quick else 'full'} run) - Python {env['python']}, "
        f"Textual {env['textual']}, {env['cpus']} CPUs, load {env['load_average_at_start'][0]:.2f}, "
        f"commit {env['commit']}{' (src modified)' if env['worktree_dirty'] else ''}")
    if Path(env["voicedesk_from"]) != ROOT / "src" / "voicedesk":
        log(f"voicedesk is imported from {env['voicedesk_from']} (PYTHONPATH), not this work tree")
    started = time.perf_counter()
    if only & {"cold", "memory"}:
        measure_processes(report, 3 if quick else 10, cold="cold" in only, memory="memory" in only)
    if "roundtrips" in only:
        asyncio.run(measure_round_trips(report, 4 if quick else 16, 1 if quick else 3))
    if "interactive" in only:
        asyncio.run(measure_interactive(report, 20 if quick else 80, 1 if quick else 3, args.rounds))
    if "wire" in only:
        asyncio.run(measure_wire(report))
    if "bigsave" in only:
        measure_big_save(report)
    if "idle" in only:
        measure_idle(report, 1 if quick else 3)
    if "many" in only:
        measure_many_apply(report)
    elapsed = time.perf_counter() - started
    print_table(report)
    log(f"run took {elapsed:.0f} s")

    env["load_average_at_end"] = os.getloadavg()
    end = environment()
    env["commit_at_end"], env["worktree_dirty_at_end"] = end["commit"], end["worktree_dirty"]
    from_tree = Path(env["voicedesk_from"]) == ROOT / "src" / "voicedesk"
    if from_tree and (end["commit"], end["worktree_dirty"]) != (env["commit"], env["worktree_dirty"]):
        log(f"WARNING: the code changed during the run (commit {env['commit']} -> {end['commit']}, "
            f"src modified: {env['worktree_dirty']} -> {end['worktree_dirty']}); rerun for clean numbers")
    result = {
        "run": "quick" if quick else "full",
        "when": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "seconds": round(elapsed, 1),
        "environment": env,
        "targets": [t.as_dict() for t in report.targets],
        "series": {name: s.summary() for name, s in report.series.items()},
        "facts": report.facts,
    }
    path = Path(args.json)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(result, indent=2) + "\n")
    log(f"report written to {path}")
    return 0 if all(t.passed for t in report.targets) else 1


if __name__ == "__main__":
    sys.exit(main())
