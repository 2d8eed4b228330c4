"""The CLI shows a long text's change as a diff with its changed words marked (`set`,
`diff`, `apply`, `history`): in colour on a terminal, marked as git's --word-diff=plain
does elsewhere, server text made safe either way; `--json` keeps whole values."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from voicedesk.cli import main
from voicedesk.sandbox import DEMO_API_KEY, Sandbox

PROMPT = ("You are the receptionist of Bright Smile Dental in Berlin-Mitte. Book, move and cancel appointments, "
          "answer questions about opening hours (Mon-Fri 8-19, Sat 9-13), prices of check-ups and cleanings, "
          "and insurance. For pain or swelling offer the same-day emergency slot at 8:00. Never give medical "
          "advice. Confirm the patient's name, date of birth and phone number before booking.")
CHANGED = PROMPT.replace("Berlin-Mitte", "Berlin-Kreuzberg").replace("at 8:00", "at 7:30")


@pytest.fixture
def sb(tmp_path, monkeypatch):
    monkeypatch.setenv("VOICEDESK_STATE_DIR", str(tmp_path / "state"))
    monkeypatch.setenv("VOICEDESK_CONFIG_DIR", str(tmp_path / "config"))
    with Sandbox(rate_limit=None) as sandbox:
        sandbox.edit_assistant(101, system_prompt=PROMPT)
        yield sandbox


def invoke(sb: Sandbox, *args: str) -> Result:
    result = CliRunner(env={"VOICEDESK_BASE_URL": None, "VOICEDESK_API_KEY": None}).invoke(
        main, ["--base-url", sb.base_url, "--api-key", DEMO_API_KEY, *args])
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise AssertionError(f"voicedesk {' '.join(args)} crashed") from result.exception
    return result


def body_file(tmp_path: Path, prompt: str) -> str:
    path = tmp_path / "body.json"
    path.write_text(json.dumps({"system_prompt": prompt}), encoding="utf-8")
    return str(path)


def assert_a_word_diff(output: str) -> None:
    assert "[-Mitte-]" in output and "{+Kreuzberg+}" in output
    assert "[-8:00-]" in output and "{+7:30+}" in output
    assert "379 -> 383 characters" in output
    # Not the paragraph twice, nor "… (379 chars) -> … (383 chars)".
    assert "chars)" not in output
    assert "Confirm the patient's name" not in output
    assert max(len(line) for line in output.splitlines()) < 200


def test_diff_and_apply_and_set_show_the_changed_words(sb, tmp_path) -> None:
    shown = 0
    result = invoke(sb, "diff", "101", body_file(tmp_path, CHANGED))
    assert result.exit_code == 1, result.output
    assert_a_word_diff(result.stdout)
    result = invoke(sb, "apply", "101", body_file(tmp_path, CHANGED), "--dry-run")
    assert result.exit_code == 0, result.output
    assert_a_word_diff(result.stdout.split("Dry run")[0])
    body = result.stdout.split("Dry run; the body would be:\n")[1]
    assert json.loads(body)["system_prompt"] == CHANGED  # the body, whole
    result = invoke(sb, "set", "101", f"system_prompt={CHANGED}", "--yes")
    assert result.exit_code == 0, result.output
    assert_a_word_diff(result.stdout)
    shown += 3
    result = invoke(sb, "history", "101")
    assert result.exit_code == 0, result.output
    assert_a_word_diff(result.stdout)
    # --json keeps whole values.
    entry = json.loads(invoke(sb, "history", "101", "--json").stdout.splitlines()[-1])
    assert [(c["before"], c["after"]) for c in entry["changes"]] == [(PROMPT, CHANGED)]
    print(f"{shown + 1} commands showed the word diff")


def test_a_short_change_stays_on_one_line(sb) -> None:
    result = invoke(sb, "set", "101", "assistant_name=Front desk", "--dry-run")
    assert re.search(r"assistant_name\s+.+\s+->\s+Front desk$", result.stdout, re.M), result.stdout


def run_on_a_terminal(sb: Sandbox, *args: str, **env: str) -> str:
    """The console script with its output on a pseudo-terminal; all it wrote, raw."""
    primary, secondary = os.openpty()
    environment = {k: v for k, v in os.environ.items() if k not in ("NO_COLOR", "VOICEDESK_BASE_URL")}
    environment.update(TERM="xterm-256color", **env)
    process = subprocess.Popen(
        [str(Path(sys.executable).parent / "voicedesk"), "--base-url", sb.base_url, "--api-key", DEMO_API_KEY,
         *args], stdin=subprocess.DEVNULL, stdout=secondary, stderr=secondary, env=environment)
    os.close(secondary)
    output = b""
    while True:
        try:
            chunk = os.read(primary, 65536)
        except OSError:  # the other end closed
            break
        if not chunk:
            break
        output += chunk
    process.wait(timeout=60)
    os.close(primary)
    return output.decode("utf-8")


def test_on_a_terminal_the_words_are_coloured_and_server_text_stays_inert(sb, tmp_path) -> None:
    hostile = CHANGED.replace("Book,", "Book \x1b[2J\x1b]52;c;aGk=\a,")
    coloured = run_on_a_terminal(sb, "diff", "101", body_file(tmp_path, hostile), VOICEDESK_STATE_DIR=str(tmp_path))
    assert "\x1b[7m" in coloured or "\x1b[1m\x1b[7m" in coloured or re.search(r"\x1b\[[0-9;]*7[0-9;]*m", coloured)
    assert "[-Mitte-]" not in coloured and "Kreuzberg" in coloured
    # Every escape is one of our colours: the server's text is shown as symbols.
    assert "\x1b" not in re.sub(r"\x1b\[[0-9;]*m", "", coloured)
    assert "␛[2J" in coloured
    plain = run_on_a_terminal(sb, "diff", "101", body_file(tmp_path, CHANGED), NO_COLOR="1",
                              VOICEDESK_STATE_DIR=str(tmp_path))
    assert "\x1b" not in plain and "{+Kreuzberg+}" in plain
