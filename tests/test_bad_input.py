"""Odd input from people, files and closed terminals: each is one `error:` line and exit 2
before anything is sent, never a traceback; nothing the server holds changes."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from tui_helpers import as_from_a_shell
from voicedesk.cli import main
from voicedesk.sandbox import DEMO_API_KEY, Sandbox

ASSISTANT = "101"
CLEAN_ENV = {"VOICEDESK_BASE_URL": None, "VOICEDESK_API_KEY": None}


@pytest.fixture(scope="module")
def sb():
    with Sandbox(rate_limit=None) as sandbox:
        yield sandbox


def cli(sb: Sandbox, *args: str, input: str | bytes | None = None) -> Result:
    result = CliRunner(env=CLEAN_ENV).invoke(
        main, ["--base-url", sb.base_url, "--api-key", DEMO_API_KEY, *args], input=input
    )
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise AssertionError(f"voicedesk {' '.join(args)[:80]} crashed") from result.exception
    assert "Traceback" not in result.output
    return result


def assert_refused(result: Result, *fragments: str) -> None:
    """Exit 2, and stderr is short `error:` lines that name every fragment."""
    assert result.exit_code == 2, result.output[:500]
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert lines and all(line.startswith(("error: ", "warning: ")) for line in lines), lines
    assert lines[-1].startswith("error: ")
    assert all(len(line) < 400 for line in lines), "an error line quoted a huge value whole"
    for fragment in fragments:
        assert fragment in result.stderr, (fragment, lines)


def assert_nothing_sent(sb: Sandbox) -> None:
    assert [r for r in sb.requests if r.method == "PUT"] == []


ODD_IDS = ["²", "١٠١", "９", "1" * 5000, "1" * 20, "+1", "1.5", "0x10", " 101", "", "1e3", "101\n"]


def test_odd_assistant_ids_are_refused_before_any_request(sb, tmp_path) -> None:
    body = tmp_path / "body.json"
    body.write_text("{}")
    cases = 0
    for odd in ODD_IDS:
        for args in (["show", odd], ["set", odd, "speech_speed=0.9", "--yes"], ["diff", odd, str(body)],
                     ["apply", odd, str(body), "--yes"], ["edit", odd], ["history", odd]):
            sb.clear_requests()
            assert_refused(cli(sb, *args), "assistant id must be a whole number")
            assert sb.requests == []
            cases += 1
    print(f"odd assistant ids: {cases} cases")


ODD_ASSIGNMENTS = [
    ("speech_speed=nan", "finite"), ("speech_speed=-inf", "finite"), ("speech_speed=1e999", "finite"),
    ("speech_speed=Infinity", "finite"), ("max_call_duration=" + "9" * 5000, "at most 19 digits"),
    ("max_call_duration=" + "9" * 20, "at most 19 digits"), ("max_call_duration=²", "whole number"),
    ("voice_id=²", "voice"), ("voice_id=" + "9" * 30, "voice"), ("phone_number_id=²", "phone number"),
    ("phone_number_id=" + "9" * 25, "phone number"), ('variables={"a": NaN}', "NaN"),
    ('variables={"a": Infinity}', "Infinity"), ("variables=" + "[" * 100_000, "nested too deeply"),
    ('variables={"a": ' + "1" * 5000 + "}", "4,300 digits"), ("post_call_schema=" + "{" * 50_000, "JSON"),
    ("assistant_name=broken \ud800", "not UTF-8"), ("x" * 5000 + "=1", "not a field"),
    ("assistant_name", "FIELD=VALUE"), ("record_call=" + "y" * 5000, "true/false"),
]


def test_odd_values_given_to_set_are_refused_in_one_line(sb) -> None:
    for assignment, fragment in ODD_ASSIGNMENTS:
        assert_refused(cli(sb, "set", ASSISTANT, assignment, "--yes"), fragment)
    assert_nothing_sent(sb)
    print(f"odd values for set: {len(ODD_ASSIGNMENTS)} cases")


# (file content, what the last error line says); None: the file is fine
ODD_FILES: list[tuple[bytes, str | None]] = [
    (b"\xff\xfe{\x00}\x00", "not UTF-8"),
    ('{"assistant_name": "Caf\u00e9"}'.encode("latin-1"), "not UTF-8"),
    (b"[" * 100_000 + b"]" * 100_000, "nested too deeply"),
    (b'{"max_call_duration": ' + b"9" * 5000 + b"}", "4,300 digits"),
    (b'{"speech_speed": NaN}', "NaN"),
    (b'{"speech_speed": -Infinity}', "Infinity"),
    (b'{"speech_speed": 1e999}', "finite"),
    (b'{"max_call_duration": 99999999999999999999}', "at most 19 digits"),
    (b'{"assistant_name": "x\\ud800"}', "cannot be sent"),
    (b"", "not JSON"),
    (b"   \n", "not JSON"),
    (b'{"' + b"k" * 5000 + b'": 1}', "not a field"),
    ('\ufeff{"max_call_duration": 900}'.encode(), None),  # a BOM, as Windows editors write it
]


def test_odd_files_for_diff_and_apply_are_refused_in_one_line(sb, tmp_path) -> None:
    cases = 0
    for content, fragment in ODD_FILES:
        path = tmp_path / "body.json"
        path.write_bytes(content)
        for command in ("diff", "apply"):
            for source, stdin in ((str(path), None), ("-", content)):
                args = [command, ASSISTANT, source] + (["--dry-run"] if command == "apply" else [])
                result = cli(sb, *args, input=stdin)
                if fragment is None:
                    assert result.exit_code == (1 if command == "diff" else 0), result.output
                    assert "max_call_duration" in result.stdout
                else:
                    assert_refused(result, fragment)
                cases += 1
    assert_nothing_sent(sb)
    print(f"odd files: {cases} cases")


# -- closed and ended terminals -------------------------------------------------------------


def run_without_stdin(sb: Sandbox, *args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    """The real command with its standard input closed (`<&-`): Python's sys.stdin is None."""
    script = str(Path(sys.executable).parent / "voicedesk")
    return subprocess.run(
        ["sh", "-c", 'exec "$@" <&-', "sh", script, *args], capture_output=True, text=True,
        timeout=120, env={**os.environ, **(env or {})},
    )


@pytest.mark.parametrize(("args", "fragment"), [
    (("set", ASSISTANT, "speech_speed=0.9"), "pass --yes"),
    (("apply", ASSISTANT, "-"), "no standard input"),
    (("diff", ASSISTANT, "-"), "no standard input"),
    (("apply", ASSISTANT, "-", "--yes"), "no standard input"),
], ids=["set", "apply", "diff", "apply-yes"])
def test_a_closed_stdin_is_one_line(sb, args, fragment) -> None:
    sb.clear_requests()
    done = run_without_stdin(sb, "--base-url", sb.base_url, "--api-key", DEMO_API_KEY, *args)
    assert done.returncode == 2, done.stderr
    assert "Traceback" not in done.stderr
    assert done.stderr.strip().splitlines()[-1].startswith("error: ") and fragment in done.stderr
    assert_nothing_sent(sb)


def test_configure_with_a_closed_stdin_is_one_line(sb, tmp_path) -> None:
    env = {"VOICEDESK_CONFIG_DIR": str(tmp_path)}
    no_host = run_without_stdin(sb, "configure", env={**env, "VOICEDESK_API_KEY": "k"})
    no_key = run_without_stdin(sb, "--base-url", sb.base_url, "configure", env=env)
    for done, fragment in ((no_host, "--base-url"), (no_key, "VOICEDESK_API_KEY")):
        assert done.returncode == 2 and "Traceback" not in done.stderr, done.stderr
        assert done.stderr.startswith("error: ") and fragment in done.stderr
    assert not (tmp_path / "config.toml").exists()


def test_configure_with_piped_input_asks_nothing() -> None:
    ended = CliRunner(env=CLEAN_ENV).invoke(main, ["configure"], input="")  # piped: nothing is asked
    assert ended.exception is None or isinstance(ended.exception, SystemExit)
    assert_refused(ended, "--base-url", "nothing was saved")
    assert not (Path(os.environ["VOICEDESK_CONFIG_DIR"]) / "config.toml").exists()


@pytest.mark.skipif(not hasattr(os, "openpty"), reason="needs a pseudo-terminal")
@pytest.mark.parametrize("ending", ["ctrl+d", "SIGINT"])
def test_ending_the_confirmation_on_a_terminal_sends_nothing(sb, ending) -> None:
    sb.clear_requests()
    primary, secondary = os.openpty()
    try:
        process = subprocess.Popen(
            [str(Path(sys.executable).parent / "voicedesk"), "--base-url", sb.base_url,
             "--api-key", DEMO_API_KEY, "set", ASSISTANT, "speech_speed=0.8"],
            stdin=secondary, stdout=secondary, stderr=secondary, start_new_session=True,  # a terminal: asked
            preexec_fn=as_from_a_shell,
        )
        os.close(secondary)
        secondary = -1
        if ending == "ctrl+d":
            os.write(primary, b"\x04")  # waits in the terminal's buffer: an empty line's end of input
        else:
            shown = b""
            while b"Send these changes?" not in shown:  # ctrl+c while it waits for the answer
                chunk = os.read(primary, 4096)
                assert chunk, "the question never came"
                shown += chunk
            process.send_signal(signal.SIGINT)
            # A "yes" after it: should the signal land before the read began, the read then
            # returns and the interrupt still comes first. A "yes" acted on would send.
            os.write(primary, b"y\n")
        process.wait(timeout=60)
        err = b""
        while True:  # what it wrote to the terminal after the question
            try:
                chunk = os.read(primary, 4096)
            except OSError:  # EIO: it has exited
                break
            if not chunk:
                break
            err += chunk
    finally:
        if secondary != -1:
            os.close(secondary)
        os.close(primary)
    stderr = err.decode()
    assert process.returncode == 2, stderr
    assert "Traceback" not in stderr and "cancelled; nothing was sent" in stderr
    assert_nothing_sent(sb)
    assert sb.assistant(101)["speech_speed"] == "1.0"
