"""`voicedesk doctor` through the real CLI against a real sandbox (and canned failing
servers) on loopback, and the Platform 2.0 message, which every command gets before any
request is sent."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from voicedesk.cli import main
from voicedesk.sandbox import Fault, RateLimit, Sandbox

SECRET_KEY = "vd-live-7Qm2Zx9KpR4tW8sNb3"  # distinctive: easy to spot in any output
ME = "/api/user/me"
VOICES = "/api/user/assistants/voices"
STATUSES = ("ok", "warn", "FAIL")


@pytest.fixture
def dirs(tmp_path: Path) -> dict[str, str | None]:
    """The environment of one run: its own config and state directories, no host or key."""
    return {"VOICEDESK_CONFIG_DIR": str(tmp_path / "config"), "VOICEDESK_STATE_DIR": str(tmp_path / "state"),
            "VOICEDESK_BASE_URL": None, "VOICEDESK_API_KEY": None, "VOICEDESK_TIMEOUT": None}


@pytest.fixture
def sb():
    with Sandbox(api_key=SECRET_KEY, rate_limit=None) as sandbox:
        yield sandbox


def run(env: dict[str, str | None], *args: str, input: str | None = None) -> Result:
    result = CliRunner().invoke(main, list(args), env=env, input=input)
    assert "Traceback" not in result.output + result.stderr, result.output + result.stderr
    assert SECRET_KEY not in result.output + result.stderr
    assert result.exit_code in (0, 2), (result.exit_code, result.output, result.stderr, result.exception)
    return result


def doctor(env: dict[str, str | None], base_url: str, key: str = SECRET_KEY, *more: str) -> dict[str, tuple[str, str]]:
    """name -> (status, line) of each check, after checking the form of every line and
    that the exit code follows the FAILs."""
    result = run(env, "--base-url", base_url, "--api-key", key, "doctor", *more)
    lines = result.stdout.splitlines()
    checks = {}
    for line in lines:
        status, gap, text = line[:4].strip(), line[4:6], line[6:]  # "ok    ", "warn  ", "FAIL  "
        assert status in STATUSES and gap == "  " and text and not text.startswith(" "), line
        name = text.split(":")[0]
        checks["key" if name == "key works" else name] = (status, text)
    assert len(checks) == len(lines)
    assert result.exit_code == (2 if any(status == "FAIL" for status, _ in checks.values()) else 0)
    return checks


def test_doctor_against_the_sandbox(dirs, sb: Sandbox) -> None:
    checks = doctor(dirs, sb.base_url)
    assert checks["host"] == ("ok", f"host: {sb.base_url} answers JSON over plain http")
    assert checks["key"] == ("ok", "key works: account Bright Smile Dental (ops@brightsmile.example)")
    assert checks["rate limit"][0] == "warn" and "no X-RateLimit-Remaining" in checks["rate limit"][1]  # none sent here
    assert checks["dialect"] == ("ok", "dialect: 2025 (detected: the host's voice records carry a mode)")
    for name in ("config directory", "state directory"):
        assert checks[name][0] == "ok" and "does not exist yet" in checks[name][1]
    assert checks["config file"][0] == "ok"
    # Reads only: the account, and the voices that tell the dialect.
    assert [request.path for request in sb.requests] == [ME, VOICES, VOICES]


def test_doctor_reports_the_rate_limit_headroom(dirs) -> None:
    with Sandbox(api_key=SECRET_KEY, rate_limit=RateLimit(per_minute=100, per_10s=100)) as sandbox:
        assert doctor(dirs, sandbox.base_url)["rate limit"] == ("ok", "rate limit: 99 of 100 requests left this minute")
        sandbox.fail_next(1, Fault.status(200, {"name": "A"}, headers={
            "X-RateLimit-Limit": "100", "X-RateLimit-Remaining": "0", "X-RateLimit-Reset": "20"}), path=ME)
        status, line = doctor(dirs, sandbox.base_url)["rate limit"]
    assert status == "warn" and line == "rate limit: 0 of 100 requests left this minute: requests will wait for 20 s"


def test_demo_doctor_through_the_real_command(tmp_path: Path) -> None:
    env = {**os.environ, "VOICEDESK_CONFIG_DIR": str(tmp_path / "c"), "VOICEDESK_STATE_DIR": str(tmp_path / "s")}
    for name in ("VOICEDESK_BASE_URL", "VOICEDESK_API_KEY"):
        env.pop(name, None)
    command = [str(Path(sys.executable).parent / "voicedesk"), "--demo", "doctor"]
    done = subprocess.run(command, env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert "ok    key works: account Bright Smile Dental (ops@brightsmile.example)" in lines
    assert any(line.startswith("ok    rate limit: ") and "of 100 requests left" in line for line in lines)
    assert lines[-1].startswith("ok    dialect: 20") and "(detected: " in lines[-1]
    as_json = subprocess.run([*command, "--json"], env=env, capture_output=True, text=True, timeout=120)
    checks = json.loads(as_json.stdout)
    assert [check["check"] for check in checks] == ["config file", "config directory", "state directory", "host",
                                                    "key", "rate limit", "dialect"]
    assert {check["status"] for check in checks} <= set(STATUSES)
    assert all(check["message"] in done.stdout for check in checks if check["check"] != "host")


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]  # closed again when this returns: connections are refused


# (the fault on GET /user/me, a base URL suffix, what the line of the failing check says)
FAILING_SERVERS = [
    ("wrong key", None, "", "key", ["401", "Invalid API key", "Check --api-key"]),
    ("401 unauthenticated", Fault.status(401, {"message": "Unauthenticated."}), "", "key",
     ["(401: Unauthenticated)"]),
    ("403", Fault.status(403, {"error": "Insufficient permissions", "message": "Read only."}), "", "key",
     ["403: Insufficient permissions: Read only"]),
    ("html 502", Fault.html(502), "", "host", ["502", "HTML"]),
    ("html 200", Fault.html(200), "", "host", ["not JSON", "is the base URL"]),
    ("json of another shape", Fault.body([1, 2]), "", "host", ["a JSON array", "is the base URL"]),
    ("500", Fault.status(500, {"message": "Server Error"}), "", "host", ["500: Server Error"]),
    ("wrong path", None, "/nothing/here", "host", ["404", "/nothing/here is the base URL"]),
    ("dropped", Fault.drop(), "", "host", ["dropped the connection"]),
]


@pytest.mark.parametrize(("name", "fault", "suffix", "failing", "says"), FAILING_SERVERS,
                         ids=[case[0] for case in FAILING_SERVERS])
def test_doctor_names_what_fails(dirs, sb: Sandbox, name, fault, suffix, failing, says) -> None:
    if fault is not None:
        sb.fail_next(9, fault, path=ME)  # every retry too
    key = "vd-live-WRONGwrong00000111" if name == "wrong key" else SECRET_KEY
    checks = doctor(dirs, sb.base_url + suffix, key)
    status, line = checks[failing]
    assert status == "FAIL", checks
    for words in says:
        assert words in line, line
    if failing == "key":
        assert checks["host"][0] == "ok" and "dialect" not in checks
    else:
        assert "key" not in checks and "dialect" not in checks
    print(f"failing server: {name}")


def test_doctor_with_the_connection_refused(dirs) -> None:
    port = _closed_port()
    checks = doctor(dirs, f"http://127.0.0.1:{port}")
    assert checks["host"][0] == "FAIL" and "the connection was refused" in checks["host"][1]
    assert "key" not in checks


def test_doctor_when_tls_cannot_be_set_up(dirs, sb: Sandbox) -> None:
    """https to a server that speaks plain http: the TLS handshake fails."""
    checks = doctor(dirs, sb.base_url.replace("http://", "https://"))
    assert checks["host"][0] == "FAIL" and "a secure connection could not be set up" in checks["host"][1]
    assert "key" not in checks and sb.requests == []


def test_doctor_when_the_server_limits_requests(dirs, sb: Sandbox) -> None:
    sb.fail_next(1, Fault.status(429, {"error": "Rate limit exceeded", "message": "Too many requests.",
                                       "retry_after": 120},
                                 headers={"X-RateLimit-Limit": "100", "X-RateLimit-Remaining": "0"}), path=ME)
    checks = doctor(dirs, sb.base_url)
    assert checks["host"][0] == "ok"
    assert checks["key"][0] == "warn" and "not checked" in checks["key"][1] and "Wait 120 s" in checks["key"][1]
    assert checks["rate limit"][0] == "warn" and "0 of 100" in checks["rate limit"][1]


def test_server_text_in_doctor_is_one_safe_line(dirs, sb: Sandbox) -> None:
    hostile = {"name": "Evil\x1b[2J\nCorp\u202e" + "x" * 500, "email": "a@b\r\nok    fake line"}
    sb.fail_next(1, Fault.body(hostile), path=ME)
    result = run(dirs, "--base-url", sb.base_url, "--api-key", SECRET_KEY, "doctor")
    line = next(line for line in result.stdout.splitlines() if "key works" in line)
    assert "\x1b" not in result.stdout and "\u202e" not in result.stdout
    assert "fake line" in line and "Evil" in line and len(line) < 250
    assert not any(line.startswith("ok    fake") for line in result.stdout.splitlines())


def test_the_config_file_and_directories(dirs, sb: Sandbox, tmp_path: Path) -> None:
    config, state = Path(dirs["VOICEDESK_CONFIG_DIR"]), Path(dirs["VOICEDESK_STATE_DIR"])
    cases = 0

    def check(name: str) -> tuple[str, str]:
        nonlocal cases
        cases += 1
        return doctor(dirs, sb.base_url)[name]

    config.mkdir(mode=0o700)
    state.mkdir(mode=0o700)
    assert check("config file") == ("ok", (f"config file: none at {config / 'config.toml'} "
                                          "(host and key from flags or the environment)"))
    assert check("state directory") == ("ok", f"state directory: {state} (private)")
    assert check("config directory") == ("ok", f"config directory: {config} (private)")
    (config / "config.toml").write_text('timeout = 30\n', encoding="utf-8")
    os.chmod(config / "config.toml", 0o644)
    assert check("config file") == ("ok", f"config file: {config / 'config.toml'}")  # it holds no key
    (config / "config.toml").write_text(f'api_key = "{SECRET_KEY}"\n', encoding="utf-8")
    status, line = check("config file")
    assert status == "warn" and "holds the API key and other users can read it; chmod 600" in line
    os.chmod(config / "config.toml", 0o600)
    assert check("config file") == ("ok", f"config file: {config / 'config.toml'} (private)")
    os.chmod(state, 0o755)
    assert check("state directory") == ("warn", (f"state directory: {state} can be opened by other users "
                                                "(mode 755); chmod 700 it"))
    os.chmod(config, 0o750)
    assert check("config directory") == ("warn", (f"config directory: {config} can be opened by other users "
                                                 "(mode 750); chmod 700 it"))
    print(f"config and directories: {cases} cases")


@pytest.mark.parametrize("content", [b'base_url = "unterminated\n', b"\xff\xfe api_key", "dir"],
                         ids=["bad-toml", "bad-utf8", "a-directory"])
def test_an_unreadable_config_file_fails_twice(dirs, content) -> None:
    """The file's own line, and the settings that could not be read from it."""
    path = Path(dirs["VOICEDESK_CONFIG_DIR"]) / "config.toml"
    path.parent.mkdir(mode=0o700)
    if content == "dir":
        path.mkdir()
    else:
        path.write_bytes(content)
    result = run(dirs, "doctor")
    lines = result.stdout.splitlines()
    assert result.exit_code == 2
    assert lines[0].startswith(f"FAIL  config file: Cannot read the config file {path}")
    assert lines[-1].startswith(f"FAIL  settings: Cannot read the config file {path}")
    assert not any("host" in line for line in lines)


def test_a_state_directory_that_cannot_be_made_fails(dirs, sb: Sandbox, tmp_path: Path) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a directory")
    for state, says in ((blocker / "state", f"cannot be made: {blocker} is not a directory"),
                        (blocker, "is not a directory")):
        status, line = doctor({**dirs, "VOICEDESK_STATE_DIR": str(state)}, sb.base_url)["state directory"]
        assert status == "FAIL" and says in line, line


def test_no_settings_is_one_fail(dirs) -> None:
    result = run(dirs, "doctor")
    assert result.exit_code == 2
    assert result.stdout.splitlines()[-1].startswith("FAIL  settings: No API host")
