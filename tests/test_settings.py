"""Settings from odd hands: a config file written for any host and key reads back
exactly (and keeps what else it holds), and a malformed base URL is one clear message in
make_settings, in ApiClient and on the command line, never a traceback."""

from __future__ import annotations

import asyncio
import tomllib

import pytest
from click.testing import CliRunner
from hypothesis import given
from hypothesis import strategies as st

from voicedesk.api import ApiClient, ApiError
from voicedesk.cli import main
from voicedesk.sandbox import Sandbox
from voicedesk.settings import SettingsError, StoredConfig, make_settings, read_config, write_config

CLEAN_ENV = {"VOICEDESK_BASE_URL": None, "VOICEDESK_API_KEY": None}
# Text that broke the hand-written TOML, and text that looks like TOML itself.
HOSTILE = ['"', "\\", "\n", "'''", '"""', "\\u0041", "a\"\nb = 1\n[x]", "#", "=", "\x00", "\x7f", "\u2028",
           "\r\n", "\t", "é ☕ サポート", "\\\"", "${HOME}"]


def _texts() -> st.SearchStrategy[str]:
    # Any text a file can hold as UTF-8 (no unpaired surrogates), and the hostile pieces.
    characters = st.characters(codec="utf-8")
    return st.text(characters, min_size=1) | st.lists(st.sampled_from(HOSTILE), min_size=1).map("".join)


_round_trips = {"cases": 0}


@given(base_url=_texts(), api_key=_texts())
def test_any_host_and_key_read_back_exactly(tmp_path_factory, base_url, api_key) -> None:
    path = tmp_path_factory.mktemp("config") / "config.toml"
    write_config(StoredConfig(base_url, api_key), path)
    assert read_config(path) == StoredConfig(base_url, api_key)
    write_config(StoredConfig(api_key, base_url), path)  # and written over
    assert read_config(path) == StoredConfig(api_key, base_url)
    _round_trips["cases"] += 1


def test_hostile_hosts_and_keys_read_back_exactly(tmp_path) -> None:
    path = tmp_path / "config.toml"
    for text in HOSTILE:
        write_config(StoredConfig(f"https://h.example/{text}", f"key{text}"), path)
        assert read_config(path) == StoredConfig(f"https://h.example/{text}", f"key{text}")
        _round_trips["cases"] += 1
    print(f"config round trips: {_round_trips['cases']} cases")


def test_writing_keeps_comments_and_other_settings(tmp_path) -> None:
    path = tmp_path / "config.toml"
    path.write_text('# my notes\ntimeout = 30  # seconds\napi_key = "old"\n\n'
                    '[profiles.staging]\nbase_url = "https://staging.example"\n', encoding="utf-8")
    write_config(StoredConfig("https://app.example", 'new"key'), path)
    text = path.read_text(encoding="utf-8")
    assert "# my notes" in text and "# seconds" in text
    assert tomllib.loads(text) == {
        "timeout": 30, "api_key": 'new"key', "base_url": "https://app.example",
        "profiles": {"staging": {"base_url": "https://staging.example"}},
    }


@pytest.mark.parametrize("content", [b"base_url = [", b"\xff\xfe", b'api_key = "a\nb"'])
def test_a_config_that_cannot_be_read_is_not_overwritten(tmp_path, content) -> None:
    path = tmp_path / "config.toml"
    path.write_bytes(content)
    with pytest.raises(SettingsError, match="Fix or remove it"):
        write_config(StoredConfig("https://app.example", "key"), path)
    assert path.read_bytes() == content


@pytest.mark.parametrize("key", ['q"uote', "back\\slash", "h#a=s'h", "'''", '"""', "[table]", "a\\u0041"])
def test_configure_stores_a_hostile_key_that_later_commands_use(tmp_path, key) -> None:
    env = {**CLEAN_ENV, "VOICEDESK_CONFIG_DIR": str(tmp_path)}
    with Sandbox(api_key=key, rate_limit=None) as sb:
        stored = CliRunner(env={**env, "VOICEDESK_API_KEY": key}).invoke(main, ["--base-url", sb.base_url, "configure"])
        assert stored.exit_code == 0, stored.output
        listed = CliRunner(env=env).invoke(main, ["list"])  # the host and the key from the file alone
        assert listed.exit_code == 0, listed.output
    assert read_config(tmp_path / "config.toml") == StoredConfig(sb.base_url, key)
    assert key not in stored.output + listed.output


@pytest.mark.parametrize("key", ["two words", "line\nbreak", "tab\tbed", "caf\u00e9"])
def test_configure_refuses_a_key_no_header_can_carry(tmp_path, key) -> None:
    env = {**CLEAN_ENV, "VOICEDESK_CONFIG_DIR": str(tmp_path), "VOICEDESK_API_KEY": key}
    result = CliRunner(env=env).invoke(main, ["--base-url", "https://app.famulor.de", "configure"])
    assert result.exit_code == 2
    assert result.stderr.startswith("error: ") and "API key" in result.stderr and len(result.stderr.splitlines()) == 1
    assert key not in result.output
    assert not (tmp_path / "config.toml").exists()


# -- base URLs ----------------------------------------------------------------------------

MALFORMED = [
    "http://127.0.0.1:99999", "http://127.0.0.1:65536", "http://127.0.0.1:0", "http://127.0.0.1:-1",
    "http://127.0.0.1:abc", "http://127.0.0.1:8a", "http://127.0.0.1:", "https://example.com:１２",
    "http://[::1", "http://[::1]x", "http://[::1]:99999", "http://[zz::1]:80", "http://::1/", "http://[]",
    "http://", "https://", "http:", "https:example.com", "https:///path", "//example.com", "example.com",
    "ftp://example.com", "file:///etc/passwd", "javascript:alert(1)",
    "https://exa mple.com", "https://example.com/a b", "https://ex\tample.com", "https://ex\nample.com",
    "https://ex\x00ample.com", "https://ex\x1b[2Jample.com", "https://ex\u202eample.com", "https://ex\u200bample.com",
    "https://user:pass@example.com", "https://user@example.com", "https://:@example.com",
    "https://example.com\\@evil.example", "https://example.com\\path", "https://example.com/?x=1",
    "https://example.com#top", "https://example.com?", "https://ex..ample.com", "https://.", "https://xn--.com",
    "https://xn--zz.com", "https://" + "a" * 64 + ".com", "https://\ud800.com", "",
]
WELL_FORMED = [
    ("https://app.famulor.de", "app.famulor.de"), ("https://app.example.com:8443/", "app.example.com:8443"),
    ("http://127.0.0.1:8765", "127.0.0.1:8765"), ("http://[::1]:8765", "[::1]:8765"),
    ("  https://app.famulor.de  ", "app.famulor.de"), ("https://bücher.example", "bücher.example"),
    ("https://xn--bcher-kva.example", "bücher.example"), ("https://app.example/base/", "app.example"),
]


def _client_host(url: str) -> str:
    async def host() -> str:
        async with ApiClient(url, "key") as client:
            return client.host

    return asyncio.run(host())


def test_malformed_base_urls_are_one_clear_message_everywhere() -> None:
    cases = 0
    for url in MALFORMED:
        if url:
            with pytest.raises(SettingsError) as settings_error:
                make_settings(url, "key", insecure=True)
            assert "\n" not in str(settings_error.value)
            with pytest.raises(ApiError):
                ApiClient(url, "key")
            cases += 2
        result = CliRunner(env=CLEAN_ENV).invoke(main, ["--base-url", url, "--api-key", "key", "--insecure", "list"])
        assert result.exit_code == 2 and (result.exception is None or isinstance(result.exception, SystemExit))
        [line] = result.stderr.splitlines()
        assert line.startswith("error: ")
        cases += 1
    for url, host in WELL_FORMED:
        assert make_settings(url, "key", insecure=True).base_url == url.strip().rstrip("/")
        assert _client_host(url) == host
        cases += 2
    print(f"base URLs: {cases} cases (make_settings, ApiClient, the CLI)")


def test_a_refused_base_url_sends_nothing() -> None:
    with Sandbox(rate_limit=None) as sb:
        for url in (f"{sb.base_url}/?x=1", sb.base_url.replace("http://", "http://user:pw@"), f"{sb.base_url}#x"):
            result = CliRunner(env=CLEAN_ENV).invoke(main, ["--base-url", url, "--api-key", "key", "list"])
            assert result.exit_code == 2
        assert sb.requests == []
