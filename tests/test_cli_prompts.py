"""Never a question without a terminal: every path that would ask (configure's host, key
and failed key check; set's and apply's confirmation) fails with one line naming the flag
to pass when standard input, output or error is not a terminal, and sends or saves
nothing. Through the real entry point, as a script would run it."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from voicedesk.sandbox import Sandbox

SECRET_KEY = "vd-live-Pr0mptsPr0mptsKey1"
WRONG_KEY = "vd-live-WRONGwrongPrompt99"


@pytest.fixture
def sb():
    with Sandbox(api_key=SECRET_KEY, rate_limit=None) as sandbox:
        yield sandbox


def console_script() -> str:
    return shutil.which("voicedesk", path=str(Path(sys.executable).parent)) or str(
        Path(sys.executable).parent / "voicedesk")


def env(**extra: str) -> dict[str, str]:
    """This test's state and config dirs (conftest), and no host or key of the caller's."""
    kept = {k: v for k, v in os.environ.items()
            if k in ("VOICEDESK_STATE_DIR", "VOICEDESK_CONFIG_DIR") or not k.startswith("VOICEDESK_")}
    return {**kept, **extra}


def run(
    args: list[str], *, streams: str, extra_env: dict[str, str] | None = None, typed: bytes = b""
) -> tuple[int, str]:
    """Run voicedesk with the standard streams named in `streams` (a subset of "012") on a
    pseudo-terminal and the others on a pipe (stdin: an empty one); what it wrote to the
    pipes and the terminal, together."""
    primary, secondary = os.openpty()
    pipes = {0: subprocess.DEVNULL, 1: subprocess.PIPE, 2: subprocess.PIPE}
    chosen = {n: secondary if str(n) in streams else pipes[n] for n in (0, 1, 2)}
    try:
        process = subprocess.Popen([console_script(), *args], stdin=chosen[0], stdout=chosen[1], stderr=chosen[2],
                                   env=env(**(extra_env or {})), start_new_session=True)
        os.close(secondary)
        secondary = -1
        os.write(primary, typed)  # waits in the terminal's buffer
        out, err = process.communicate(timeout=90)
        seen = b""
        while True:  # what went to the terminal
            try:
                chunk = os.read(primary, 4096)
            except OSError:
                break
            if not chunk:
                break
            seen += chunk
    finally:
        if secondary != -1:
            os.close(secondary)
        os.close(primary)
    text = (out or b"").decode() + (err or b"").decode() + seen.decode()
    assert "Traceback" not in text and SECRET_KEY not in text and WRONG_KEY not in text
    return process.returncode, text


def error_line(text: str) -> str:
    lines = [line.strip() for line in text.splitlines() if line.strip().startswith("error: ")]
    assert len(lines) == 1, text
    return lines[0]


# The streams a run may have on a terminal while another is not one (0 stdin, 1 stdout, 2 stderr).
NOT_ALL_TERMINALS = ["", "12", "02", "01"]


def test_set_and_apply_never_ask_without_a_terminal(sb, tmp_path) -> None:
    body = tmp_path / "body.json"
    body.write_text(json.dumps({"speech_speed": 0.8}))
    cases = 0
    for streams in NOT_ALL_TERMINALS:
        for command in (["set", "101", "speech_speed=0.8"], ["apply", "101", str(body)]):
            code, text = run(["--base-url", sb.base_url, "--api-key", SECRET_KEY, *command], streams=streams)
            assert code == 2, (streams, command, text)
            line = error_line(text)
            assert "pass --yes" in line and "not a terminal" in line, line
            assert "Send these changes?" not in text
            assert [r for r in sb.requests if r.method == "PUT"] == []
            cases += 1
    print(f"confirmations without a terminal: {cases} cases")


def test_configure_never_asks_without_a_terminal(sb) -> None:
    config = Path(os.environ["VOICEDESK_CONFIG_DIR"]) / "config.toml"
    cases = 0
    for streams in NOT_ALL_TERMINALS:
        for args, extra, flag in (
            (["configure"], {"VOICEDESK_API_KEY": SECRET_KEY}, "--base-url"),  # no host
            (["--base-url", sb.base_url, "configure"], {}, "--api-key-file"),  # no key
            (["--base-url", sb.base_url, "configure", "-P", "new"], {}, "--api-key-file"),
            (["--base-url", sb.base_url, "configure", "-P", "new"], {"VOICEDESK_API_KEY": WRONG_KEY},
             "Nothing was saved"),  # the failed key check would ask whether to save anyway
        ):
            code, text = run(args, streams=streams, extra_env=extra)
            assert code == 2, (streams, args, text)
            line = error_line(text)
            assert flag in line, (streams, args, line)
            assert "?" not in text.replace(line, ""), text  # no question was put
            assert not config.exists()
            cases += 1
    print(f"configure without a terminal: {cases} cases")


@pytest.mark.skipif(not hasattr(os, "openpty"), reason="needs a pseudo-terminal")
def test_on_a_full_terminal_the_question_is_put(sb) -> None:
    code, text = run(["--base-url", sb.base_url, "--api-key", SECRET_KEY, "set", "101", "speech_speed=0.8"],
                     streams="012", typed=b"\x04")  # ctrl+d: the answer is no
    assert "Send these changes?" in text
    assert code == 2 and "cancelled; nothing was sent" in text
    assert [r for r in sb.requests if r.method == "PUT"] == []
