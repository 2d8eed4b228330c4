"""Terminals that are not UTF-8: every command runs on a Latin-1 and an ASCII stdout
(characters they cannot show are escaped, JSON stays valid), and arguments typed in a
non-UTF-8 locale are read as the text they are. Real processes, against the sandbox."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from voicedesk.sandbox import DEMO_API_KEY, Fault, Sandbox

SCRIPT = str(Path(sys.executable).parent / "voicedesk")
NAME = "Café ☕ サポート"  # Latin-1 holds the é, neither holds the rest
BODY = json.dumps({"assistant_name": NAME + " 2", "max_call_duration": 900}, ensure_ascii=False)


@pytest.fixture(scope="module")
def sb():
    with Sandbox(rate_limit=None) as sandbox:
        sandbox.edit_assistant(107, name=NAME)
        yield sandbox


def run(sb: Sandbox, encoding: str, *args: str, stdin: str = "", env: dict[str, str] | None = None
        ) -> subprocess.CompletedProcess:
    environment = {**os.environ, "PYTHONIOENCODING": encoding, "LC_ALL": "C", **(env or {})}
    return subprocess.run(
        [SCRIPT, "--base-url", sb.base_url, "--api-key", DEMO_API_KEY, *args],
        input=stdin.encode(), capture_output=True, timeout=120, env=environment,
    )


# (arguments, standard input, the exit code, whether stdout is JSON)
COMMANDS: list[tuple[tuple[str, ...], str, int, bool]] = [
    (("list",), "", 0, False), (("list", "--json"), "", 0, True), (("show", "107"), "", 0, False),
    (("show", "107", "--json"), "", 0, True), (("show", "107", "--raw"), "", 0, True),
    (("set", "107", f"assistant_name={NAME} 2", "--dry-run"), "", 0, False),
    (("diff", "107", "-"), BODY, 1, False), (("apply", "107", "-", "--dry-run"), BODY, 0, False),
    (("history",), "", 0, False), (("history", "107", "--json"), "", 0, False), (("fields",), "", 0, False),
    (("--help",), "", 0, False), (("show", "--help"), "", 0, False), (("set", "--help"), "", 0, False),
    (("--version",), "", 0, False),
    (("show", "²"), "", 2, False), (("set", "107", "nämé=1"), "", 2, False),
    (("set", "107", "voice_id=Zoë"), "", 2, False), (("diff", "107", "-"), '{"nämé": 1}', 2, False),
    (("set", "107", "speech_speed=0.9", "--yes"), "", 2, False),  # the 422 below
]


@pytest.mark.parametrize("encoding", ["latin-1", "ascii"])
def test_every_command_on_a_terminal_that_is_not_utf8(sb, encoding) -> None:
    saved = run(sb, "utf-8", "set", "107", f"assistant_name={NAME}", "--yes")  # a history to show
    assert saved.returncode == 0, saved.stderr
    cases = 0
    for args, stdin, code, is_json in COMMANDS:
        if args[-1] == "--yes":
            sb.fail_next(1, Fault.status(422, {"message": "Ungültige Eingabe ☹", "errors": {
                "speech_speed": ["Zu schnell für サポート."], "kontö": ["Gesperrt."]}}), path="/api/user/assistant/")
        done = run(sb, encoding, *args, stdin=stdin)
        shown = " ".join(args)
        assert done.returncode == code, (shown, done.stderr)
        assert b"Traceback" not in done.stderr, (shown, done.stderr)
        out, err = done.stdout.decode(encoding), done.stderr.decode(encoding)  # all of it is encodable
        if is_json:
            json.loads(out)
        if code == 2:
            assert err.splitlines()[-1].startswith("error: ")
        cases += 1
    shown_name = run(sb, encoding, "list").stdout.decode(encoding)
    assert ("Café" if encoding == "latin-1" else "Caf\\xe9") in shown_name
    print(f"{encoding} terminal: {cases} commands")


def test_arguments_typed_in_a_locale_that_is_not_utf8_are_read_as_utf8(sb) -> None:
    # Without UTF-8 mode, Python decodes argv by the C locale: each UTF-8 byte of "é" comes
    # as a lone surrogate, which no body can carry.
    ascii_locale = {"PYTHONUTF8": "0", "PYTHONIOENCODING": "utf-8"}
    planned = run(sb, "utf-8", "set", "107", f"assistant_name={NAME} 3", "--dry-run", env=ascii_locale)
    assert planned.returncode == 0, planned.stderr
    assert json.loads(planned.stdout.decode().split("the body would be:", 1)[1]) == {"assistant_name": NAME + " 3"}
    environment = {**os.environ, "LC_ALL": "C", **ascii_locale}
    sb.clear_requests()
    not_utf8 = subprocess.run(
        [SCRIPT.encode(), b"--base-url", sb.base_url.encode(), b"--api-key", DEMO_API_KEY.encode(),
         b"set", b"107", b"assistant_name=Caf\xe9", b"--yes"],
        capture_output=True, timeout=120, env=environment,
    )
    assert not_utf8.returncode == 2 and b"Traceback" not in not_utf8.stderr
    assert not_utf8.stderr.decode().startswith("error: the argument") and b"not UTF-8" in not_utf8.stderr
    assert [r for r in sb.requests if r.method == "PUT"] == []
