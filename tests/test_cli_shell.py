"""The command line as shells and scripts use it: the group's options after the command,
--log-file, `locate`, and `completion` through click's completion protocol on the real
entry point."""

from __future__ import annotations

import json
import os
import shutil
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from voicedesk.cli import main
from voicedesk.sandbox import Sandbox

SECRET_KEY = "vd-live-Shell5hellSh3llKey99"
CLEAN_ENV = {"VOICEDESK_BASE_URL": None, "VOICEDESK_API_KEY": None, "VOICEDESK_LOG_FILE": None}


@pytest.fixture
def sb():
    with Sandbox(api_key=SECRET_KEY, rate_limit=None, dialect="2026") as sandbox:
        yield sandbox


def invoke(*args: str, env: dict | None = None):
    result = CliRunner(env={**CLEAN_ENV, **(env or {})}).invoke(main, list(args))
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise AssertionError(f"voicedesk {' '.join(args)} crashed") from result.exception
    assert "Traceback" not in result.output
    assert SECRET_KEY not in result.stdout + result.stderr
    return result


def console_script() -> str:
    return shutil.which("voicedesk", path=str(Path(sys.executable).parent)) or str(
        Path(sys.executable).parent / "voicedesk")


def process_env(**extra: str) -> dict[str, str]:
    """This test's state and config dirs (conftest), no host or key of the caller's."""
    env = {k: v for k, v in os.environ.items() if k not in CLEAN_ENV and not k.startswith("_VOICEDESK")}
    env.update(extra)
    return env


# -- the group's options after the command -------------------------------------------------

# Each of the group's options, with a value to give it and what the group then holds.
GLOBAL_OPTIONS = [
    (["--base-url", "https://h.example"], "base_url", "https://h.example"),
    (["--base-url=https://h.example"], "base_url", "https://h.example"),
    (["--api-key", "k1"], "api_key", "k1"),
    (["--api-key-file", "/tmp/k"], "api_key_file", "/tmp/k"),
    (["--demo"], "demo", True),
    (["--insecure"], "insecure", True),
    (["--timeout", "7"], "timeout", "7"),
    (["--profile", "p"], "profile", "p"),
    (["-P", "p"], "profile", "p"),
    (["-Pp"], "profile", "p"),
    (["--profile=p"], "profile", "p"),
    (["--dialect", "2025"], "dialect", "2025"),
    (["--debug"], "debug", True),
    (["--log-file", "/tmp/x.log"], "log_file", "/tmp/x.log"),
]
# Commands and their own arguments, with a slot for the option ({}).
COMMANDS = [
    ["list", "{}"],
    ["list", "--json", "{}"],
    ["show", "101", "{}", "--json"],
    ["set", "101", "speech_speed=0.9", "{}", "--yes"],
    ["set", "{}", "101", "speech_speed=0.9"],
    ["diff", "101", "body.json", "{}"],
    ["history", "{}"],
    ["fields", "{}", "--json"],
    ["doctor", "{}"],
    ["locate", "{}"],
]


def parsed(args: list[str]):
    """The group's context for these arguments: its options, and the command's words."""
    ctx = main.make_context("voicedesk", list(args), resilient_parsing=True)
    return ctx.params, [*ctx._protected_args, *ctx.args]


def test_every_global_option_works_before_and_after_the_command() -> None:
    cases = 0
    for option, name, value in GLOBAL_OPTIONS:
        for command in COMMANDS:
            words = [w for w in command if w != "{}"]
            after = [part for word in command for part in (option if word == "{}" else [word])]
            for args in ([*option, *words], after):
                params, rest = parsed(args)
                assert params[name] == value, (args, params)
                assert rest == words, (args, rest)  # the command's words, in their order
                cases += 1
    print(f"global options in both positions: {cases} cases")


def test_a_commands_own_option_of_the_same_name_stays_the_commands() -> None:
    cases = 0
    for args, own_name, own_value in (
        (["configure", "--profile", "work"], "profile_name", "work"),
        (["configure", "-P", "work"], "profile_name", "work"),
        (["configure", "-Pwork"], "profile_name", "work"),
        (["sandbox", "--dialect", "2025"], "sandbox_dialect", "2025"),
        (["sandbox", "--dialect=2025"], "sandbox_dialect", "2025"),
    ):
        params, rest = parsed(args)
        assert params["profile"] is None and params["dialect"] is None, args
        assert rest == args, rest
        command = main.commands[args[0]]
        sub = command.make_context(args[0], args[1:], resilient_parsing=True)
        assert sub.params[own_name] == own_value
        cases += 1
    # The group's own option beside it still moves.
    params, rest = parsed(["configure", "--profile", "work", "--base-url", "https://h.example"])
    assert params["base_url"] == "https://h.example" and rest == ["configure", "--profile", "work"]
    print(f"commands' own options: {cases + 1} cases")


def test_nothing_after_a_double_dash_and_no_option_value_is_moved() -> None:
    cases = 0
    for args, expected_rest, base_url in (
        (["set", "101", "--", "--demo"], ["set", "101", "--", "--demo"], None),
        (["set", "101", "x=1", "--", "--base-url", "u"], ["set", "101", "x=1", "--", "--base-url", "u"], None),
        (["--base-url", "https://a.example", "list"], ["list"], "https://a.example"),
        (["list", "--base-url", "--demo"], ["list"], "--demo"),  # --demo is the URL given
    ):
        params, rest = parsed(args)
        assert rest == expected_rest, (args, rest)
        assert params["base_url"] == base_url
        assert params["demo"] is False, args
        cases += 1
    # An option that lacks its value is left where it is, never given the command's name.
    for args in (["list", "-P"], ["list", "--profile"], ["show", "101", "--base-url"]):
        params, rest = parsed(args)
        assert rest == args and params["profile"] is None and params["base_url"] is None, (args, params)
        result = invoke(*args)
        assert result.exit_code == 2 and "Error" in result.stderr, result.output
        cases += 1
    print(f"double dash and option values: {cases} cases")


def test_global_options_after_the_command_reach_a_real_host(sb) -> None:
    listed = invoke("list", "--json", "--base-url", sb.base_url, "--api-key", SECRET_KEY)
    assert listed.exit_code == 0, listed.output
    assert [row["id"] for row in json.loads(listed.stdout)][:2] == [101, 102]
    sent = invoke("set", "101", "speech_speed=0.9", "--base-url", sb.base_url, "--yes", "--api-key", SECRET_KEY)
    assert sent.exit_code == 0, sent.output
    assert [r.body for r in sb.requests if r.method == "PUT"] == [{"speech_speed": 0.9}]
    shown = invoke("show", "101", "--json", f"--base-url={sb.base_url}", "--dialect", "2026",
                   env={"VOICEDESK_API_KEY": SECRET_KEY})
    assert shown.exit_code == 0 and json.loads(shown.stdout)["speech_speed"] == 0.9


# -- --log-file ---------------------------------------------------------------------------


def test_the_log_file_holds_every_request_and_never_the_key(sb, tmp_path) -> None:
    log = tmp_path / "requests.log"
    cases = 0
    for args in (["--log-file", str(log), "list"], ["set", "101", "speech_speed=0.8", "--yes", "--log-file", str(log)]):
        result = invoke("--base-url", sb.base_url, "--api-key", SECRET_KEY, *args)
        assert result.exit_code == 0, result.output
        cases += 1
    data = log.read_bytes()
    assert SECRET_KEY.encode() not in data
    assert b"Bearer ***" in data
    lines = data.decode().splitlines()
    assert len(lines) == len(sb.requests), (len(lines), len(sb.requests))  # one line a request
    assert any(" PUT " in line and "/api/user/assistant/101 -> 200 in " in line and " ms" in line for line in lines)
    assert all(" -> " in line for line in lines)
    assert stat.S_IMODE(log.stat().st_mode) == 0o600
    print(f"logged runs: {cases} cases, {len(lines)} lines")


def test_the_log_file_from_the_environment_appends(sb, tmp_path) -> None:
    log = tmp_path / "env.log"
    log.write_text("earlier line\n")
    log.chmod(0o644)
    result = invoke("--base-url", sb.base_url, "--api-key", SECRET_KEY, "list", env={"VOICEDESK_LOG_FILE": str(log)})
    assert result.exit_code == 0
    text = log.read_text()
    assert text.startswith("earlier line\n") and "assistants/get" in text and SECRET_KEY not in text


def test_a_log_file_that_cannot_be_opened_is_one_line(tmp_path) -> None:
    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)
    cases = 0
    for path, fragment in ((tmp_path / "missing" / "x.log", "No such file"), (tmp_path, "directory"),
                           (fifo, "No such device")):  # a FIFO nobody reads: never a hang
        result = invoke("--log-file", str(path), "--demo", "list")
        lines = [line for line in result.stderr.splitlines() if line.strip()]
        assert result.exit_code == 2 and len(lines) == 1, result.output
        assert lines[0].startswith("error: ") and str(path) in lines[0], lines
        assert fragment.lower() in lines[0].lower(), lines
        assert result.stdout == ""
        cases += 1
    print(f"unopenable log files: {cases} cases")


# -- locate -------------------------------------------------------------------------------


def test_locate_names_every_file_where_the_env_puts_it(tmp_path) -> None:
    state, config = Path(os.environ["VOICEDESK_STATE_DIR"]), Path(os.environ["VOICEDESK_CONFIG_DIR"])
    result = invoke("locate", "--json")
    rows = {row["what"]: row for row in json.loads(result.stdout)}
    assert rows["config"]["path"] == str(config / "config.toml")
    assert rows["state"]["path"] == str(state)
    for what, name in (("drafts", "drafts"), ("history", "history.jsonl"), ("page hints", "pages.json"),
                       ("known dialects", "dialects.json"), ("preferences", "preferences.json"),
                       ("unconfirmed saves", "unconfirmed"), ("assistant ids", "assistant-ids.json")):
        assert rows[what]["path"] == str(state / name), what
    assert "log file" not in rows
    # exists follows the disk, and locate itself creates nothing
    assert not any(row["exists"] for what, row in rows.items() if what not in ("state", "config"))
    assert not (state / "drafts").exists()
    (state / "drafts").mkdir(parents=True)
    log = tmp_path / "l.log"
    again = {row["what"]: row for row in json.loads(invoke("locate", "--json", "--log-file", str(log)).stdout)}
    assert again["drafts"]["exists"] is True
    assert again["log file"] == {"what": "log file", "path": str(log), "exists": True}
    table = invoke("locate").stdout
    assert str(state / "history.jsonl") in table and "not there yet" in table


# -- completion ---------------------------------------------------------------------------


def complete(words: str, *, shell: str = "bash", env: dict[str, str] | None = None) -> tuple[list[str], str]:
    """What the real entry point completes for a command line ending where `words` ends
    (a trailing space: a new, empty word), as the shell's script would ask it."""
    split = words.split()
    cword = str(len(split) if words.endswith(" ") else len(split) - 1)
    if shell == "fish":  # fish gives the word being completed itself
        cword = "" if words.endswith(" ") else split[-1]
    done = subprocess.run(
        [console_script()], capture_output=True, text=True, timeout=60, stdin=subprocess.DEVNULL,
        env=process_env(_VOICEDESK_COMPLETE=f"{shell}_complete", COMP_WORDS=words, COMP_CWORD=cword,
                        **(env or {})),
    )
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stdout + done.stderr
    lines = [line for line in done.stdout.splitlines() if line]  # nothing to offer: one empty line
    if shell == "zsh":  # type, value, help: three lines each
        return lines[1::3], done.stderr
    return [line.partition(",")[2].partition("\t")[0] for line in lines], done.stderr


def test_completion_prints_each_shells_script() -> None:
    cases = 0
    for shell, marker in (("bash", "complete -o"), ("zsh", "compdef"), ("fish", "complete --no-files")):
        result = invoke("completion", shell)
        assert result.exit_code == 0 and "_VOICEDESK_COMPLETE" in result.stdout and marker in result.stdout
        cases += 1
    assert invoke("completion", "tcsh").exit_code == 2
    print(f"completion scripts: {cases} cases")


@pytest.mark.skipif(shutil.which("bash") is None, reason="needs bash")
def test_the_bash_script_is_valid_bash() -> None:
    script = invoke("completion", "bash").stdout
    done = subprocess.run(["bash", "-n"], input=script, capture_output=True, text=True, timeout=30)
    assert done.returncode == 0, done.stderr


def test_completion_of_commands_options_fields_and_values() -> None:
    cases = 0
    for words, expected, absent in (
        ("voicedesk lo", ["locate"], []),
        ("voicedesk comp", ["completion"], []),
        ("voicedesk list --j", ["--json"], []),
        ("voicedesk list --de", ["--demo", "--debug"], []),  # the group's, after the command
        ("voicedesk --dialect 2026 set 101 speech_s", ["speech_speed="], []),
        ("voicedesk --dialect 2026 set 101 recor", ["record="], ["record_call="]),
        ("voicedesk --dialect 2025 set 101 recor", ["record_call="], ["record="]),
        ("voicedesk --dialect 2025 set 101 assistant_n", ["assistant_name="], []),
        # bash splits FIELD=VALUE at "=": the value is a word of its own
        ("voicedesk --dialect 2026 set 101 mode = ", ["pipeline", "multimodal", "dualplex"], []),
        ("voicedesk --dialect 2025 set 101 engine_type = m", ["multimodal"], ["pipeline"]),
        ("voicedesk --dialect 2026 set 101 record = ", ["true", "false"], []),
        ("voicedesk --dialect 2026 set 101 type = ", ["inbound", "outbound"], []),
        ("voicedesk --dialect 2026 set 101 ambient_sound = c", ["city", "cafe", "crowded_room"], ["off"]),
        ("voicedesk --dialect 2026 set 101 knowledgebase_id = ", ["null"], []),
        ("voicedesk --dialect 2026 set 101 timezone = Europe/Be", ["Europe/Berlin"], []),
    ):
        got, _ = complete(words)
        for item in expected:
            assert item in got, (words, got)
        for item in absent:
            assert item not in got, (words, got)
        cases += 1
    for shell in ("zsh", "fish"):  # these keep FIELD=VALUE one word
        got, _ = complete("voicedesk --dialect 2026 set 101 mode=d", shell=shell)
        assert got == ["mode=dualplex"], (shell, got)
        got, _ = complete("voicedesk --dialect 2026 set 101 speech_s", shell=shell)
        assert got == ["speech_speed="], (shell, got)
        cases += 2
    print(f"completions: {cases} cases")


def test_assistant_ids_come_from_the_cache_a_list_left(sb) -> None:
    env = {"VOICEDESK_API_KEY": SECRET_KEY}
    before, _ = complete(f"voicedesk --base-url {sb.base_url} show ", env=env)
    assert before == []  # nothing listed yet: nothing offered, and no request made for it
    assert sb.requests == []
    assert invoke("--base-url", sb.base_url, "--api-key", SECRET_KEY, "list").exit_code == 0
    sb.clear_requests()
    cases = 0
    for words in (f"voicedesk --base-url {sb.base_url} show ", f"voicedesk show --base-url {sb.base_url} ",
                  f"voicedesk --base-url {sb.base_url} set "):
        got, _ = complete(words, env=env)
        assert got[:3] == ["101", "102", "103"] and "900" not in got, (words, got)  # 900: another account's
        cases += 1
    got, _ = complete(f"voicedesk --base-url {sb.base_url} show 11", env=env)
    assert got == ["110", "111", "112", "113", "114"]
    keyless, _ = complete(f"voicedesk --base-url {sb.base_url} show 10")  # no key anywhere: the host is enough
    assert keyless == ["101", "102", "103", "104", "105", "106", "107", "108", "109"]
    other, _ = complete("voicedesk --base-url https://elsewhere.example show ", env=env)
    assert other == []  # another host's ids are not offered
    assert sb.requests == []  # completion never asks the host
    print(f"id completions: {cases + 2} cases")


def test_completion_never_fails_on_a_broken_cache_or_config() -> None:
    state, config = Path(os.environ["VOICEDESK_STATE_DIR"]), Path(os.environ["VOICEDESK_CONFIG_DIR"])
    state.mkdir(parents=True, exist_ok=True)
    config.mkdir(parents=True, exist_ok=True)
    cases = 0
    for cache, config_text in (
        (b"{not json", ""), (b'{"h": {"time": "x", "ids": 5}}', ""), (b"\xff\xfe", "[[[broken toml"),
        (b'{"demo": {"time": 1e400, "ids": [1, "2", null, -3]}}', 'default_profile = "missing"\n'),
    ):
        (state / "assistant-ids.json").write_bytes(cache)
        (config / "config.toml").write_text(config_text)
        for words in ("voicedesk show ", "voicedesk --demo show ", "voicedesk set 101 ", "voicedesk set 101 x = "):
            got, err = complete(words)
            assert err == "" and all("Error" not in item for item in got), (words, got, err)
            cases += 1
    print(f"broken caches and configs: {cases} cases")


def test_set_of_many_completes_ids_until_the_first_assignment() -> None:
    """`set [ID...] FIELD=VALUE...` as one argument (the commands for many assistants)."""
    import click
    from click.shell_completion import BashComplete

    from voicedesk import known_ids
    from voicedesk.cli import shell

    @click.group()
    @click.option("--demo", is_flag=True)
    @click.option("--dialect")
    def group(demo: bool, dialect: str | None) -> None:
        """A group as voicedesk's, with a set of many."""

    @group.command("set")
    @click.argument("arguments", nargs=-1)
    def set_many(arguments: tuple[str, ...]) -> None:
        """set [ID...] FIELD=VALUE..."""

    shell._attach(group)
    known_ids.remember({"demo": {101, 102, 203}})
    cases = 0
    for args, incomplete, expected, absent in (
        (["--demo", "set"], "1", ["101", "102"], ["203", "speech_speed="]),
        (["--demo", "set", "101"], "", ["102", "speech_speed="], []),
        (["--demo", "--dialect", "2026", "set", "101", "record=on"], "", ["speech_speed="], ["102"]),
        (["--demo", "--dialect", "2026", "set", "101", "mode", "="], "d", ["dualplex"], ["102"]),
    ):
        got = [item.value for item in BashComplete(group, {}, "voicedesk", "_X").get_completions(args, incomplete)]
        assert all(item in got for item in expected) and not any(item in got for item in absent), (args, got)
        cases += 1
    print(f"set of many: {cases} cases")
