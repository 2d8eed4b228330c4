"""A slow or lying server cannot hang or exhaust the machine (issue 12, section 8):
a total deadline per request, a cap on an answer's size, bounded pages in flight and
a paginator that must add up. Everything over real loopback HTTP against the sandbox,
through the client and through the CLI's real entry point.
"""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import textwrap
from collections.abc import Mapping
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from voicedesk.api import ApiClient, NetworkError, ProtocolError
from voicedesk.api.client import MAX_ANSWER_BYTES, PAGE_CONCURRENCY
from voicedesk.cli import main
from voicedesk.sandbox import DEMO_API_KEY, Fault, Sandbox, generated_data
from voicedesk.sandbox.data import faq_prompt
from voicedesk.settings import DEFAULT_TIMEOUT

LIST = "/api/user/assistants/get"
DEADLINE = 1.0  # the tests' --timeout: far below the trickle's lifetime, far above loopback
TRICKLE = 0.2  # one byte this often: every read well within the 10 s read timeout
_CLEAN_ENV = {"VOICEDESK_BASE_URL": None, "VOICEDESK_API_KEY": None, "VOICEDESK_TIMEOUT": None}


@pytest.fixture
def sandbox():
    with Sandbox(rate_limit=None) as server:
        yield server


def client_of(sandbox: Sandbox, **options) -> ApiClient:
    return ApiClient(sandbox.base_url, DEMO_API_KEY, backoff=0.01, **options)


# Every kind of request the client makes, as (name, path a fault targets, call).
OPERATIONS = {
    "list page": (f"{LIST}?", lambda client: client.list_page()),
    "list all": (f"{LIST}?", lambda client: client.list_all()),
    "find": (f"{LIST}?", lambda client: client.find_assistant(101)),
    "lookup": ("/api/user/assistants/voices", lambda client: client.voices("pipeline")),
    "update": ("/api/user/assistant/101", lambda client: client.update(101, {"assistant_name": "X"})),
}


# -- 1. a total deadline ------------------------------------------------------------------


@pytest.mark.parametrize("headers", [False, True], ids=["slow body", "slow headers"])
@pytest.mark.parametrize("operation", list(OPERATIONS))
async def test_a_trickling_answer_ends_at_the_deadline(sandbox, operation, headers) -> None:
    path, call = OPERATIONS[operation]
    sandbox.fail_next(1, Fault.trickle(TRICKLE, headers=headers), path)
    async with client_of(sandbox, deadline=DEADLINE) as client:
        with pytest.raises(NetworkError) as caught:
            await call(client)
    message = str(caught.value)
    method = "PUT" if operation == "update" else "GET"
    assert message.startswith(f"{method} {path.rstrip('?')}")  # which request
    assert f"within {DEADLINE:g} s" in message and "--timeout" in message  # how long, and the knob
    if method == "PUT":
        assert "may or may not have been saved" in message
    # Not retried: a server this slow would be as slow again.
    assert len([r for r in sandbox.requests if path.rstrip("?") in r.path]) == 1


def test_the_default_deadline_is_sensible() -> None:
    assert 10 < DEFAULT_TIMEOUT <= 300


# -- 2. an answer's size is capped --------------------------------------------------------

HUGE = {
    # 1.5 GB announced: refused before a byte of the body is read.
    "declared": lambda: Fault.huge(1_500_000_000),
    # No length given: read until the cap, then dropped.
    "chunked": lambda: Fault.huge(MAX_ANSWER_BYTES + 8 * 2**20, declared=False),
    # A few hundred KB on the wire that decode to 2 GiB.
    "gzip bomb": lambda: Fault.huge(2**31, gzip=True),
}


@pytest.mark.parametrize("kind", list(HUGE))
@pytest.mark.parametrize("operation", list(OPERATIONS))
async def test_an_answer_past_the_cap_is_refused(sandbox, operation, kind) -> None:
    path, call = OPERATIONS[operation]
    sandbox.fail_next(1, HUGE[kind](), path)
    async with client_of(sandbox) as client:
        with pytest.raises(ProtocolError) as caught:
            await call(client)
    message = str(caught.value)
    assert "larger than 128 MiB" in message and "stopped reading" in message
    if operation == "update":
        assert "may or may not have been saved" in message
    assert len([r for r in sandbox.requests if path.rstrip("?") in r.path]) == 1  # not retried


async def test_the_largest_real_page_is_far_below_the_cap() -> None:
    """100 assistants with 200 KB prompts: a 20 MB page, read as usual."""
    data = generated_data(100, 10)
    prompt = faq_prompt(200_000)[:200_000]
    for record in data.assistants.values():
        record["system_prompt"] = prompt
    with Sandbox(data, rate_limit=None) as server:
        async with client_of(server) as client:
            page = await client.list_page()
    assert len(page.items) == 100 and page.items[-1]["system_prompt"] == prompt
    assert 20_000_000 <= 100 * len(prompt) and MAX_ANSWER_BYTES > 5 * 100 * len(prompt)


_MEASURE_CHILD = textwrap.dedent("""
    import resource, subprocess, sys
    done = subprocess.run(sys.argv[1:], capture_output=True, text=True)
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss // 1024
    print(done.returncode, peak, repr(done.stderr))
""")


@pytest.mark.parametrize("kind", ["chunked", "gzip bomb"])
def test_voicedesk_list_stays_small_against_an_endless_answer(sandbox, kind) -> None:
    """The whole process, measured: reading 1.5 GB whole had taken 4.6 GB of memory."""
    big = Fault.huge(1_500_000_000, declared=False) if kind == "chunked" else Fault.huge(2**32, gzip=True)
    sandbox.fail_next(1, big, f"{LIST}?")
    voicedesk = str(Path(sys.executable).parent / "voicedesk")
    env = {**os.environ, "VOICEDESK_BASE_URL": sandbox.base_url, "VOICEDESK_API_KEY": DEMO_API_KEY}
    done = subprocess.run([sys.executable, "-c", _MEASURE_CHILD, voicedesk, "list"],
                          capture_output=True, text=True, env=env, timeout=300)
    code, peak_mib, stderr = done.stdout.split(" ", 2)
    stderr = eval(stderr)  # the repr printed above
    assert code == "2"
    assert stderr.startswith("error: The server's answer to GET /api/user/assistants/get")
    assert stderr.count("\n") == 1 and "Traceback" not in stderr
    assert int(peak_mib) < 4 * MAX_ANSWER_BYTES // 2**20, f"peak RSS {peak_mib} MiB"


# -- 3. pages in flight, and a paginator that adds up -------------------------------------

LIES = {
    # (claimed last_page, claimed total) on a 14-assistant account, one page of 100.
    "last_page far too high": (100_000_000, None),
    "last_page two too high": (3, None),
    "last_page too low": (1, 250),
    "total far too high": (1, 10_000),
    "last_page zero": (0, 0),
    "negative total": (1, -1),
}


@pytest.mark.parametrize("lie", list(LIES))
@pytest.mark.parametrize("operation", ["list page", "list all", "find"])
async def test_a_paginator_that_does_not_add_up_is_refused(sandbox, lie, operation) -> None:
    last_page, total = LIES[lie]
    sandbox.fail_next(1, Fault.lying_pages(last_page, total), f"{LIST}?")
    async with client_of(sandbox) as client:
        with pytest.raises(ProtocolError) as caught:
            await OPERATIONS[operation][1](client)
    assert "page 1 of the assistant list" in str(caught.value)
    assert len(sandbox.requests) == 1  # nothing scanned on its word


@pytest.mark.parametrize("per_page", [0, -5])
async def test_a_page_size_of_zero_or_less_is_refused(sandbox, per_page) -> None:
    sandbox.fail_next(1, Fault.body({"data": [], "current_page": 1, "last_page": 1, "total": 0,
                                     "per_page": per_page}))
    async with client_of(sandbox) as client:
        with pytest.raises(ProtocolError) as caught:
            await client.list_page()
    assert "positive per_page" in str(caught.value)


@pytest.mark.parametrize("operation", ["list all", "find"])
async def test_a_million_claimed_pages_keep_a_bounded_number_in_flight(operation) -> None:
    """A paginator that adds up but claims 100,000 pages: the pages are requested as
    slots free up, never all at once, and stopping the scan leaves nothing behind."""
    pages = 100_000

    def pages_in_flight() -> int:
        return sum(1 for task in asyncio.all_tasks()
                   if getattr(task.get_coro(), "__qualname__", "").endswith("list_page"))

    with Sandbox(generated_data(250, 10), rate_limit=None) as server:
        server.fail_next(10**9, Fault.lying_pages(pages, pages * 100), f"{LIST}?")
        async with client_of(server, rate_limits=()) as client:
            call = client.list_all() if operation == "list all" else client.find_assistant(999_999)
            scan = asyncio.ensure_future(call)
            most = 0
            while len(server.requests) < 200:
                most = max(most, pages_in_flight())
                assert not scan.done(), scan
                await asyncio.sleep(0.005)
            scan.cancel()
            await asyncio.gather(scan, return_exceptions=True)
            left = pages_in_flight()
    assert 0 < most <= PAGE_CONCURRENCY, f"{most} pages in flight at once"
    assert left == 0
    assert len(server.requests) < 200 + PAGE_CONCURRENCY + 2


async def test_pages_in_flight_still_keep_page_order_and_stop_once_found() -> None:
    with Sandbox(generated_data(2_500, 10), rate_limit=None) as server:  # 25 pages of 100
        async with client_of(server, rate_limits=()) as client:
            items = await client.list_all()
            assert [item["id"] for item in items] == list(range(1001, 3501))
            assert len(server.requests) == 25
            server.clear_requests()
            found = await client.find_assistant(1150)  # page 2: found in the first wave
    assert found["id"] == 1150
    assert len(server.requests) <= 1 + PAGE_CONCURRENCY


# -- the deadline's settings: --timeout, VOICEDESK_TIMEOUT, the config file ------------


def run_cli(sandbox: Sandbox, *args: str, env: Mapping[str, str | None] | None = None) -> Result:
    result = CliRunner(env={**_CLEAN_ENV, **(env or {})}).invoke(
        main, ["--base-url", sandbox.base_url, "--api-key", DEMO_API_KEY, *args]
    )
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise AssertionError("voicedesk crashed") from result.exception
    assert "Traceback" not in result.stdout + result.stderr
    return result


def write_config(text: str) -> None:
    folder = Path(os.environ["VOICEDESK_CONFIG_DIR"])
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "config.toml").write_text(text, encoding="utf-8")


SOURCES = {
    "flag": lambda seconds: (["--timeout", seconds], {}),
    "environment": lambda seconds: ([], {"VOICEDESK_TIMEOUT": seconds}),
    "config file": lambda seconds: ([], {"config": f"timeout = {seconds}\n"}),
}


@pytest.mark.parametrize("source", list(SOURCES))
@pytest.mark.parametrize("command", [["list"], ["show", "101"], ["set", "101", "record_call=off", "--yes"]])
def test_the_deadline_comes_from_each_source(sandbox, source, command) -> None:
    sandbox.fail_next(1, Fault.trickle(TRICKLE), f"{LIST}?")
    args, env = SOURCES[source](f"{DEADLINE:g}")
    if "config" in env:
        write_config(env.pop("config"))
    result = run_cli(sandbox, *args, *command, env=env)
    assert result.exit_code == 2
    assert result.stderr.startswith(f"error: GET {LIST}?per_page=100&page=1 got no complete answer")
    assert f"within {DEADLINE:g} s" in result.stderr and result.stderr.count("\n") == 1
    assert not [r for r in sandbox.requests if r.method == "PUT"]


def test_the_flag_beats_the_environment_which_beats_the_config(sandbox) -> None:
    write_config("timeout = 0.5\n")
    for args, env, said in (([], {}, "0.5"), ([], {"VOICEDESK_TIMEOUT": "0.7"}, "0.7"),
                            (["--timeout", "0.9"], {"VOICEDESK_TIMEOUT": "0.7"}, "0.9")):
        sandbox.fail_next(1, Fault.trickle(TRICKLE), f"{LIST}?")
        result = run_cli(sandbox, *args, "list", env=env)
        assert f"within {said} s" in result.stderr, (args, env)


BAD_TIMEOUTS = {
    "flag": [("abc", "'abc'"), ("0", "'0'"), ("-1", "'-1'"), ("nan", "nan"), ("inf", "inf"), ("1e999", "1e999")],
    "environment": [("abc", "'abc'"), ("0", "'0'")],
    "config file": [('"10"', "as a number"), ("true", "as a number"), ("0", "0"), ("-3", "-3"),
                    ("nan", "nan"), ("inf", "inf"), ("[1]", "as a number")],
}


def test_an_unusable_deadline_is_one_line_and_exit_2(sandbox) -> None:
    cases = 0
    for source, values in BAD_TIMEOUTS.items():
        for value, shown in values:
            args, env = SOURCES[source](value)
            if "config" in env:
                write_config(env.pop("config"))
            result = run_cli(sandbox, *args, "list", env=env)
            assert result.exit_code == 2, (source, value)
            assert result.stderr.startswith("error: ") and result.stderr.count("\n") == 1, result.stderr
            assert "timeout" in result.stderr and shown in result.stderr, (source, value, result.stderr)
            cases += 1
            write_config("")
    assert sandbox.requests == []  # refused before anything was sent
    print(f"unusable deadlines: {cases} cases")


def test_config_timeout_is_read_with_the_rest() -> None:
    from voicedesk.settings import read_config

    path = Path(os.environ["VOICEDESK_CONFIG_DIR"]) / "config.toml"
    write_config('base_url = "https://example.test"\ntimeout = 45\n')
    assert read_config(path).timeout == 45.0
    write_config('base_url = "https://example.test"\n')
    assert read_config(path).timeout is None


async def test_the_editor_says_which_request_ran_out_of_time(sandbox) -> None:
    """The TUI's client takes its deadline from the settings, as the CLI's does."""
    from textual.widgets import Static

    from tui_helpers import top, wait_until
    from voicedesk.settings import make_settings
    from voicedesk.tui.app import VoicedeskApp
    from voicedesk.tui.screens.editor import EditorScreen

    sandbox.fail_next(1, Fault.trickle(TRICKLE), f"{LIST}?")
    app = VoicedeskApp(make_settings(sandbox.base_url, DEMO_API_KEY, timeout=DEADLINE), 101)
    async with app.run_test(size=(120, 36)) as pilot:
        await wait_until(pilot, lambda: isinstance(app.screen, EditorScreen))
        message = app.screen.query_one("#loading-message", Static)
        await wait_until(pilot, lambda: "got no complete answer" in str(message.render()))
        assert f"within {DEADLINE:g} s" in str(message.render())
        await pilot.press("r")  # the trickle is gone: the retry loads
        await wait_until(pilot, lambda: top(app, EditorScreen).ready)
