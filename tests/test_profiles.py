"""Profiles: several hosts and accounts in one config file, chosen per command.

Through the real CLI entry point against a real sandbox (and, for the key check of
`configure --profile`, a small stand-in of GET /api/user/me over loopback), and the TUI
through Pilot.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import os
import threading
import tomllib
from collections.abc import Mapping
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import httpx
import pytest
from click.testing import CliRunner, Result
from textual.widgets import Button, Input

from tui_helpers import control_of, open_editor, puts, wait_until
from voicedesk.api import ApiClient, ProtocolError, ReadOnlyError
from voicedesk.cli import main
from voicedesk.drafts import Draft, DraftEdit, DraftStore
from voicedesk.history import History
from voicedesk.remote import open_session, save
from voicedesk.sandbox import Sandbox
from voicedesk.settings import (
    DEFAULT_TIMEOUT,
    Given,
    config_path,
    resolve,
)
from voicedesk.tui.app import VoicedeskApp
from voicedesk.tui.screens.review import ReviewScreen

KEY = "vd-profile-key-Zq81Lm"  # distinctive: easy to spot in any output
OTHER_KEY = "vd-other-key-Pp07Xx"
CLEAN_ENV = {name: None for name in (
    "VOICEDESK_BASE_URL", "VOICEDESK_API_KEY", "VOICEDESK_PROFILE", "VOICEDESK_DIALECT", "VOICEDESK_TIMEOUT")}


@pytest.fixture
def sb():
    with Sandbox(api_key=KEY, rate_limit=None) as sandbox:
        yield sandbox


def write_config(text: str) -> Path:
    path = config_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def cli(*args: str, env: Mapping[str, str | None] | None = None, input: str | None = None) -> Result:
    result = CliRunner(env={**CLEAN_ENV, **(env or {})}).invoke(main, list(args), input=input)
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise AssertionError(f"voicedesk {' '.join(args)} crashed") from result.exception
    assert "Traceback" not in result.output
    return result


def one_line_error(result: Result, *fragments: str) -> str:
    assert result.exit_code == 2, result.output
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("error: "), lines
    for fragment in fragments:
        assert fragment in lines[0], f"{fragment!r} not in {lines[0]!r}"
    return lines[0]


# -- which value wins -----------------------------------------------------------------------

# Each setting at each level: the flag or variable, the chosen profile, the top level.
LEVELS = ("given", "profile", "top")
VALUES: dict[str, dict[str, Any]] = {
    "base_url": {"given": "https://given.example", "profile": "https://profile.example", "top": "https://top.example"},
    "timeout": {"given": "11", "profile": 22, "top": 33},
    "dialect": {"given": "2026", "profile": "2025", "top": None},  # no top-level dialect
}
EXPECTED = {
    "base_url": lambda level: VALUES["base_url"][level],
    "timeout": lambda level: float(VALUES["timeout"][level]),
    "dialect": lambda level: VALUES["dialect"][level],
}
DEFAULTS = {"timeout": DEFAULT_TIMEOUT, "dialect": "auto"}


def test_flags_and_variables_beat_the_profile_which_beats_the_top_level() -> None:
    cases = 0
    for name in VALUES:
        for present in itertools.product((False, True), repeat=3):
            levels = [level for level, here in zip(LEVELS, present, strict=True)
                      if here and VALUES[name][level] is not None]
            top: dict[str, Any] = {"api_key": "top-key"}
            profile: dict[str, Any] = {"api_key": "profile-key"}
            given: dict[str, Any] = {}
            if "top" in levels:
                top[name] = VALUES[name]["top"]
            if "profile" in levels:
                profile[name] = VALUES[name]["profile"]
            if "given" in levels:
                given[name] = VALUES[name]["given"]
            if name != "base_url" or not levels:
                top.setdefault("base_url", "https://top.example")
            lines = [f"{key} = {json.dumps(value)}" for key, value in top.items()]
            lines += ["[profiles.p]", *(f"{key} = {json.dumps(value)}" for key, value in profile.items())]
            path = write_config("\n".join(lines) + "\n")
            settings, _ = resolve(Given(profile="p", **given), path)
            if levels:
                assert getattr(settings, name) == EXPECTED[name](levels[0]), (name, levels)
            else:
                assert getattr(settings, name) == DEFAULTS.get(name, "https://top.example"), name
            cases += 1
    print(f"precedence: {cases} cases")


def test_the_key_comes_from_the_flag_then_the_flag_file_then_the_profile_then_the_top_level(tmp_path) -> None:
    flag_file, profile_file = tmp_path / "flag.key", tmp_path / "profile.key"
    flag_file.write_text("flag-file-key\n")
    profile_file.write_text("profile-file-key\n")
    os.chmod(flag_file, 0o600)
    os.chmod(profile_file, 0o600)
    cases = 0
    for flag, file, profile_key in itertools.product((None, "flag-key"), (None, str(flag_file)), (None, "key", "file")):
        profile = {None: "", "key": 'api_key = "profile-key"', "file": f'api_key_file = "{profile_file}"'}[profile_key]
        path = write_config(f'base_url = "https://top.example"\napi_key = "top-key"\n[profiles.p]\n{profile}\n')
        settings, _ = resolve(Given(api_key=flag, api_key_file=file, profile="p"), path)
        expected = flag or (file and "flag-file-key") or {None: "top-key", "key": "profile-key",
                                                          "file": "profile-file-key"}[profile_key]
        assert settings.api_key.reveal() == expected
        cases += 1
    print(f"key precedence: {cases} cases")


def test_the_profile_is_chosen_by_flag_then_variable_then_default_profile(sb) -> None:
    write_config(
        f'default_profile = "default"\nbase_url = "https://top.invalid"\napi_key = "{KEY}"\n'
        f'[profiles.default]\nbase_url = "https://default.invalid"\n'
        f'[profiles.env]\nbase_url = "https://env.invalid"\n'
        f'[profiles.flag]\nbase_url = "{sb.base_url}"\n'
    )
    # Only the flag's profile reaches the sandbox; the others name their host in the error.
    assert cli("-P", "flag", "list", env={"VOICEDESK_PROFILE": "env"}).exit_code == 0
    assert cli("--profile", "flag", "list").exit_code == 0
    one_line_error(cli("list", env={"VOICEDESK_PROFILE": "env"}), "env.invalid")
    one_line_error(cli("list"), "default.invalid")
    # A flag or variable still wins over the profile's value.
    assert cli("-P", "default", "--base-url", sb.base_url, "list").exit_code == 0
    assert cli("-P", "default", "list", env={"VOICEDESK_BASE_URL": sb.base_url}).exit_code == 0
    assert KEY not in cli("-P", "flag", "list").output


def test_without_profiles_the_top_level_works_as_before(sb) -> None:
    write_config(f'base_url = "{sb.base_url}"\napi_key = "{KEY}"\ntimeout = 30\n')
    assert cli("list").exit_code == 0
    settings, _ = resolve(Given())
    assert (settings.profile, settings.dialect, settings.read_only, settings.color) == (None, "auto", False, None)
    assert settings.host == sb.base_url.split("//")[1]  # drafts and history keyed as before


def test_an_unknown_profile_names_the_known_ones(sb) -> None:
    write_config('[profiles.b]\nbase_url = "https://b.example"\n[profiles.a]\nbase_url = "https://a.example"\n')
    one_line_error(cli("-P", "c", "list"), "No profile 'c'", "known: a, b")
    one_line_error(cli("list", env={"VOICEDESK_PROFILE": "c"}), "known: a, b")
    write_config("")
    one_line_error(cli("-P", "c", "list"), "no [profiles.NAME] tables")


@pytest.mark.parametrize("where", [("--dialect", "2024"), ("VOICEDESK_DIALECT", "two")])
def test_a_bad_dialect_choice_is_one_line(sb, where) -> None:
    name, value = where
    args = ["--dialect", value] if name.startswith("--") else []
    env = {name: value} if not name.startswith("--") else {}
    result = cli("--base-url", sb.base_url, "--api-key", KEY, *args, "list", env=env)
    one_line_error(result, "--dialect", "2025, 2026 or auto")


def test_dialect_reaches_the_settings_also_in_the_demo() -> None:
    from voicedesk.cli.common import Context

    for dialect in ("2025", "2026", "auto"):
        assert Context(Given(dialect=dialect), demo=True).settings.dialect == dialect
        assert Context(Given(base_url="https://x.example", api_key="k", dialect=dialect), demo=False
                       ).settings.dialect == dialect
    one_line_error(cli("--demo", "--dialect", "1999", "list"), "2025, 2026 or auto")


# -- bad config files ---------------------------------------------------------------------------

BAD_PROFILES = [
    # (the profile's lines, the key the message must name)
    ('base_url = 5', "base_url"),
    ('api_key = ["k"]', "api_key"),
    ('api_key_file = 7', "api_key_file"),
    ('api_key_file = "  "', "api_key_file"),
    ('api_key = "k"\napi_key_file = "/k"', "api_key"),
    ('dialect = "2024"', "dialect"),
    ('dialect = 2026', "dialect"),
    ('dialect = "AUTO"', "dialect"),
    ('read_only = "yes"', "read_only"),
    ('read_only = 1', "read_only"),
    ('timeout = "30"', "timeout"),
    ('timeout = 0', "timeout"),
    ('timeout = -1.5', "timeout"),
    ('timeout = nan', "timeout"),
    ('timeout = inf', "timeout"),
    ('timeout = true', "timeout"),
    ('color = "reddish"', "color"),
    ('color = "#12345"', "color"),
    ('color = "#12345g"', "color"),
    ('color = 255', "color"),
    ('color = "red\\u001b[2J"', "color"),
    ('readonly = true', "readonly"),  # a typo must not leave writes allowed
    ('api_key_file = "no-such-file"', "api_key_file"),  # cannot be read
]


def test_every_bad_profile_value_is_one_line_naming_file_profile_and_key(sb) -> None:
    cases = 0
    for lines, key in BAD_PROFILES:
        host = "" if key == "base_url" else f'base_url = "{sb.base_url}"'
        path = write_config(f'default_profile = "prod"\n[profiles.prod]\n{host}\n{lines}\n')
        for args in (["list"], ["-P", "prod", "show", "101"], ["--api-key", KEY, "set", "101", "record_call=on"]):
            if "api_key" in lines and args[0] == "--api-key":
                continue  # the flag's key wins: the profile's key is never read
            one_line_error(cli(*args), str(path), "profile prod", key)
            cases += 1
    print(f"bad profile values: {cases} cases")


BAD_FILES = [
    ('default_profile = "nope"\n[profiles.a]\nbase_url = "https://a.example"\n', ["default_profile", "'nope'",
                                                                                  "known: a"]),
    ('default_profile = 3\n', ["default_profile"]),
    ('default_profile = "x"\n', ["default_profile", "no [profiles.NAME] tables"]),
    ('profiles = "a"\n', ["profiles"]),
    ('[profiles]\na = 1\n', ["profiles.a"]),
    ('[profiles."a b"]\nbase_url = "https://a.example"\n', ["'a b'"]),
    ('[profiles."a\\u001bb"]\n', ["profile name"]),
]


def test_every_bad_file_level_value_is_one_line_naming_the_file() -> None:
    cases = 0
    for text, fragments in BAD_FILES:
        path = write_config(text)
        result = cli("--base-url", "https://x.example", "--api-key", "k", "list")
        message = one_line_error(result, str(path), *fragments)
        assert "\x1b" not in message
        cases += 1
    print(f"bad config files: {cases} cases")


# -- read-only profiles ---------------------------------------------------------------------


@pytest.fixture
def read_only_config(sb, tmp_path) -> Path:
    return write_config(f'[profiles.ro]\nbase_url = "{sb.base_url}"\napi_key = "{KEY}"\nread_only = true\n')


def test_every_write_command_of_a_read_only_profile_refuses_before_sending(sb, read_only_config, tmp_path) -> None:
    body = tmp_path / "body.json"
    body.write_text(json.dumps({"assistant_name": "Renamed"}))
    writes = [["set", "101", "assistant_name=Renamed"], ["apply", "101", str(body)]]
    cases = 0
    for command, confirm in itertools.product(writes, (["--yes"], [], ["--force", "--yes"])):
        for select in (["-P", "ro"], []):
            env = {} if select else {"VOICEDESK_PROFILE": "ro"}
            one_line_error(cli(*select, *command, *confirm, env=env, input="y\n"), "profile ro is read-only")
            cases += 1
    assert puts(sb) == []
    for command in writes:
        dry = cli("-P", "ro", *command, "--dry-run")
        assert dry.exit_code == 0 and "Dry run" in dry.stdout
        cases += 1
    print(f"read-only writes: {cases} cases")
    assert puts(sb) == []
    # Reading works as ever.
    assert cli("-P", "ro", "show", "101").exit_code == 0


async def test_remote_save_refuses_for_a_read_only_client_before_any_request(sb, read_only_config) -> None:
    settings, _ = resolve(Given(profile="ro"))
    async with ApiClient.for_settings(settings) as client:
        session, _ = await open_session(client, 101)
        session.set("record_call", not session.current["record_call"])
        before = len(sb.requests)
        with pytest.raises(ReadOnlyError, match="profile ro is read-only"):
            await save(client, session, history=History())
    assert len(sb.requests) == before  # not even the fresh read
    assert session.dirty == ["record_call"]  # the edit stays


async def test_the_tui_says_read_only_and_refuses_to_send(sb, read_only_config) -> None:
    settings, _ = resolve(Given(profile="ro"))
    app = VoicedeskApp(settings, 101)
    async with app.run_test(size=(120, 36)) as pilot:
        editor = await open_editor(pilot)
        editor.editing.session.set("record_call", not editor.editing.session.current["record_call"])
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: isinstance(app.screen, ReviewScreen))
        title = str(app.screen.query_one("#review-title").render())
        assert "ro@" in title and "read-only" in title
        button = app.screen.query_one("#review-save", Button)
        assert button.disabled and "Read-only" in str(button.label)
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: any("read-only" in str(n.message) for n in app._notifications))
        assert isinstance(app.screen, ReviewScreen)
    assert puts(sb) == []
    assert editor.editing.session.dirty == ["record_call"]


# -- the TUI shows the profile ----------------------------------------------------------------


async def test_every_title_shows_the_profile_in_its_colour(sb) -> None:
    from textual.color import Color

    write_config(f'[profiles.blue-desk]\nbase_url = "{sb.base_url}"\napi_key = "{KEY}"\ncolor = "navy"\n')
    settings, _ = resolve(Given(profile="blue-desk"))
    app = VoicedeskApp(settings)
    async with app.run_test(size=(120, 36)) as pilot:
        await wait_until(pilot, lambda: app.screen.query("#picker-title"))
        title = app.screen.query_one("#picker-title")
        assert "blue-desk@" in str(title.render()) and "read-only" not in str(title.render())
        assert title.styles.background == Color.parse("navy")
        await pilot.press("f1")
        await wait_until(pilot, lambda: app.screen.query("#help-title"))
        assert app.screen.query_one("#help-title").styles.background == Color.parse("navy")
    # Without a colour, the titles keep the theme's.
    plain = VoicedeskApp(resolve(Given(base_url=sb.base_url, api_key=KEY))[0])
    async with plain.run_test(size=(120, 36)) as pilot:
        await wait_until(pilot, lambda: plain.screen.query("#picker-title"))
        assert plain.screen.query_one("#picker-title").styles.background != Color.parse("navy")


def test_every_colour_a_profile_may_name_is_one_the_tui_can_show() -> None:
    from textual.color import Color

    from voicedesk.settings import COLOR_NAMES

    for name in COLOR_NAMES:
        Color.parse(name)
    print(f"colour names: {len(COLOR_NAMES)} cases")


# -- listing profiles ---------------------------------------------------------------------------


def test_profiles_lists_every_profile_and_never_a_key(tmp_path) -> None:
    key_file = tmp_path / "desk.key"
    key_file.write_text(OTHER_KEY)
    write_config(
        f'# my desks\ndefault_profile = "prod"\nbase_url = "https://top.example"\napi_key = "{KEY}"\n'
        f'[profiles.prod]\nbase_url = "https://app.famulor.de"\napi_key = "{KEY}"\nread_only = true\n'
        f'[profiles.desk]\nbase_url = "https://app.sondos-ai.com"\napi_key_file = "{key_file}"\n'
        f'dialect = "2025"\ncolor = "#ff8800"\n'
    )
    table = cli("profiles")
    assert table.exit_code == 0
    lines = table.stdout.splitlines()
    assert lines[0].split() == ["NAME", "HOST", "DIALECT", "READ-ONLY", "KEY"]
    assert lines[1].split() == ["-", "https://top.example", "auto", "no", "config"]
    assert lines[2].split() == ["desk", "https://app.sondos-ai.com", "2025", "no", "file", str(key_file)]
    assert lines[3].split() == ["*", "prod", "https://app.famulor.de", "auto", "yes", "config"]
    rows = json.loads(cli("profiles", "--json").stdout)
    assert [(row["name"], row["default"], row["key"]) for row in rows] == [
        (None, False, "config"), ("desk", False, f"file {key_file}"), ("prod", True, "config")]
    # A key from the environment wins, and is named as such.
    from_env = cli("profiles", "--json", env={"VOICEDESK_API_KEY": OTHER_KEY})
    assert {row["key"] for row in json.loads(from_env.stdout)} == {"env"}
    for result in (table, cli("profiles", "--json"), from_env, cli("-P", "desk", "profiles")):
        assert KEY not in result.output and OTHER_KEY not in result.output


def test_profiles_without_a_config_says_how_to_add_one() -> None:
    result = cli("profiles")
    assert result.exit_code == 0 and "configure --profile NAME" in result.stdout
    assert json.loads(cli("profiles", "--json").stdout) == []


# -- configure --profile ------------------------------------------------------------------------


class AccountServer:
    """GET /api/user/me as the platform answers it, for one key."""

    def __init__(self, key: str) -> None:
        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                ok = self.path == "/api/user/me" and self.headers.get("Authorization") == f"Bearer {key}"
                body = {"name": "Ada Desk", "email": "ada@example.com", "total_balance": 12.5} if ok else {
                    "error": "Invalid API key", "message": "The provided API key is invalid or expired"}
                data = json.dumps(body).encode()
                self.send_response(200 if ok else 401)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.base_url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def account_server():
    server = AccountServer(KEY)
    yield server
    server.close()


EXISTING = """# my desks: keep this
default_profile = "old"
timeout = 30  # seconds

[profiles.old]
base_url = "https://old.example"  # the old host
api_key = "old-key"
read_only = true
"""


def test_configure_profile_checks_the_key_and_keeps_comments_and_other_profiles(account_server, tmp_path) -> None:
    path = write_config(EXISTING)
    result = cli("--base-url", account_server.base_url, "--dialect", "2026", "configure", "--profile", "new",
                 env={"VOICEDESK_API_KEY": KEY})
    assert result.exit_code == 0, result.output
    assert "Ada Desk" in result.stdout and KEY not in result.output
    text = path.read_text()
    assert "# my desks: keep this" in text and "# the old host" in text and "# seconds" in text
    assert tomllib.loads(text)["profiles"] == {
        "old": {"base_url": "https://old.example", "api_key": "old-key", "read_only": True},
        "new": {"base_url": account_server.base_url, "api_key": KEY, "dialect": "2026"},
    }
    assert os.stat(path).st_mode & 0o077 == 0
    # Updating it from a key file stores the file's path instead of the key.
    key_file = tmp_path / "new.key"
    key_file.write_text(KEY + "\n")
    os.chmod(key_file, 0o600)
    again = cli("--api-key-file", str(key_file), "-P", "new", "configure")  # the host: the profile's own
    assert again.exit_code == 0, again.output
    stored = tomllib.loads(path.read_text())["profiles"]["new"]
    assert stored == {"base_url": account_server.base_url, "api_key_file": str(key_file), "dialect": "2026"}
    # And it works.
    settings, _ = resolve(Given(profile="new"))
    assert settings.api_key.reveal() == KEY and settings.dialect == "2026" and settings.host.startswith("new@")


def test_configure_profile_saves_nothing_when_the_key_check_fails(account_server, sb) -> None:
    path = write_config(EXISTING)
    cases = 0
    for base_url, key in ((account_server.base_url, OTHER_KEY), (sb.base_url, OTHER_KEY)):  # a 401 from each
        for extra in (["--yes"], []):  # --yes, or no terminal to ask on: fail
            result = cli("--base-url", base_url, "configure", "-P", "new", *extra, env={"VOICEDESK_API_KEY": key})
            one_line_error(result, "key check", "Nothing was saved")
            assert path.read_text() == EXISTING
            cases += 1
    print(f"failed key checks: {cases} cases")


def test_configure_profile_asks_on_a_terminal_when_the_key_check_fails(account_server, monkeypatch) -> None:
    import voicedesk.cli.commands
    import voicedesk.cli.common

    for module in (voicedesk.cli.commands, voicedesk.cli.common):  # as on a terminal
        monkeypatch.setattr(module, "unaskable", lambda: None)
    path = write_config(EXISTING)
    env = {"VOICEDESK_API_KEY": OTHER_KEY}
    refused = cli("--base-url", account_server.base_url, "configure", "-P", "new", env=env, input="n\n")
    assert refused.exit_code == 2 and path.read_text() == EXISTING
    taken = cli("--base-url", account_server.base_url, "configure", "-P", "new", env=env, input="y\n")
    assert taken.exit_code == 0, taken.output
    assert tomllib.loads(path.read_text())["profiles"]["new"]["api_key"] == OTHER_KEY


def test_configure_refuses_a_bad_profile_name() -> None:
    for name in ("a b", "x@y", "", "é", "a" * 41):
        one_line_error(cli("--base-url", "https://x.example", "configure", "-P", name,
                           env={"VOICEDESK_API_KEY": "k"}), "profile name")
    assert not config_path().exists()


# -- the account --------------------------------------------------------------------------------


def _client(answer: object, status: int = 200) -> ApiClient:
    def handler(request: httpx.Request) -> httpx.Response:
        assert request.url.path == "/api/user/me"
        return httpx.Response(status, json=answer)

    return ApiClient("https://h.example", "k", transport=httpx.MockTransport(handler), max_retries=0)


def test_account_reads_the_documented_shape_and_refuses_others() -> None:
    async def account(answer: object):
        async with _client(answer) as client:
            return await client.account()

    found = asyncio.run(account({"name": "Ada", "email": "a@example.com", "total_balance": "12.50", "more": 1}))
    assert (found.name, found.email, found.total_balance) == ("Ada", "a@example.com", "12.50")
    assert asyncio.run(account({"name": "Ada", "total_balance": 7})).total_balance == "7"
    assert asyncio.run(account({})).name is None
    cases = 3
    bad: object
    for bad in ([], "Ada", None):  # no object: no account
        with pytest.raises(ProtocolError, match="/api/user/me"):
            asyncio.run(account(bad))
        cases += 1
    # A value of another type is read as not given: the account is shown, never used.
    for odd in ({"email": ["a"]}, {"total_balance": {"eur": 1}}):
        found = asyncio.run(account({"name": "Ada", **odd}))
        assert found.name == "Ada" and found.email is None and found.total_balance is None
        cases += 1
    print(f"account answers: {cases} cases")


# -- drafts and history per profile ---------------------------------------------------------------


def test_two_profiles_on_one_host_keep_separate_drafts_and_history(sb) -> None:
    write_config(f'base_url = "{sb.base_url}"\napi_key = "{KEY}"\n'
                 f'[profiles.a]\nbase_url = "{sb.base_url}"\n[profiles.b]\nbase_url = "{sb.base_url}"\n')
    hosts = {name: resolve(Given(profile=name))[0].host for name in ("a", "b", None)}
    assert len(set(hosts.values())) == 3 and hosts[None] == sb.base_url.split("//")[1]
    # History: a save through profile a is a's alone.
    assert cli("-P", "a", "set", "101", "assistant_name=Renamed", "--yes").exit_code == 0
    history = History()
    assert [entry.host for entry in history.entries()] == [hosts["a"]]
    assert history.entries(101, hosts["b"]) == [] and history.entries(101, hosts[None]) == []
    # Drafts: one left by profile b is b's alone; the unnamed profile's is found as before.
    store = DraftStore()
    for name in ("b", None):
        draft = Draft(hosts[name], 101, "x", {"assistant_name": DraftEdit("old", f"draft of {name}")})
        slot = store.slot(hosts[name], 101)
        slot.save(draft)
    cases = 0
    for name in ("a", "b", None):
        found = store.left_behind(hosts[name], 101)
        values = [item.draft.fields["assistant_name"].value for item in found.drafts]
        assert values == ([] if name == "a" else [f"draft of {name}"]), name
        found.release()
        cases += 1
    print(f"profiles kept apart: {cases} cases")


# -- switching profile in the TUI ------------------------------------------------------------


async def test_switching_profile_keeps_the_edits_in_the_draft_and_opens_the_other_picker(sb) -> None:
    from textual.color import Color

    from tui_helpers import choose, draft_files
    from voicedesk.tui.screens.modals import Ask
    from voicedesk.tui.screens.picker import PickerScreen
    from voicedesk.tui.widgets import AssistantTable
    from voicedesk.tui.widgets.search_select import SearchSelectScreen

    with Sandbox(api_key=OTHER_KEY, rate_limit=None, dialect="2026") as other:
        other.edit_assistant(102, name="Only on the other host")
        write_config(f'[profiles.alpha]\nbase_url = "{sb.base_url}"\napi_key = "{KEY}"\n'
                     f'[profiles.beta]\nbase_url = "{other.base_url}"\napi_key = "{OTHER_KEY}"\ncolor = "navy"\n')
        app = VoicedeskApp(resolve(Given(profile="alpha"))[0], 101)
        async with app.run_test(size=(120, 36)) as pilot:
            editor = await open_editor(pilot)
            control_of(editor, "assistant_name", Input).value = "Typed under alpha"
            await pilot.pause()
            for answer in ("stay", "switch"):
                app.action_switch_profile()
                await wait_until(pilot, lambda: isinstance(app.screen, SearchSelectScreen))
                await pilot.press(*"beta", "enter")
                await wait_until(pilot, lambda: isinstance(app.screen, Ask))
                assert "1 unsaved change" in str(app.screen.query_one("#ask-message").render())
                await choose(pilot, answer)
                if answer == "stay":
                    await wait_until(pilot, lambda: app.screen is editor)
                    assert editor.editing.session.value("assistant_name") == "Typed under alpha"
            await wait_until(pilot, lambda: isinstance(app.screen, PickerScreen))
            table = app.screen.query_one("#picker-table", AssistantTable)
            await wait_until(pilot, lambda: table.row_count > 0)
            row = table.get_row(102)
            assert row is not None and row[1] == "Only on the other host"
            title = app.screen.query_one("#picker-title")
            assert "beta@" in str(title.render()) and title.styles.background == Color.parse("navy")
            assert len(app.screen_stack) == 2  # Textual's own screen and the picker
        assert puts(sb) == [] and puts(other) == []
        assert any("Typed under alpha" in path.read_text() for path in draft_files())
        # Back under alpha, the draft is offered.
        again = VoicedeskApp(resolve(Given(profile="alpha"))[0], 101)
        async with again.run_test(size=(120, 36)) as pilot:
            await wait_until(pilot, lambda: isinstance(again.screen, Ask))
            assert "Typed under alpha" in str(again.screen.query_one("#ask-message").render())
