"""The separate Platform 2.0 API (a base URL under /api/v1, a key starting fam_) gets one
clear message wherever settings are made, so every command and the editor say it before
any request is sent."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import Result

import test_doctor
from voicedesk.api import ApiClient, ApiError
from voicedesk.sandbox import Sandbox
from voicedesk.settings import SettingsError, make_settings

# The environment, sandbox and key of test_doctor's runs.
SECRET_KEY = test_doctor.SECRET_KEY
dirs = test_doctor.dirs
sb = test_doctor.sb


def run(env: dict[str, str | None], *args: str) -> Result:
    return test_doctor.run(env, *args, input='{"speech_speed": 0.9}')


PLATFORM_2_URLS = [
    f"{scheme}://{host}{path}"
    for scheme, host in (("https", "app.famulor.io"), ("https", "app.autocalls.ai"), ("https", "example.com:8443"),
                         ("http", "127.0.0.1:9"))
    for path in ("/api/v1", "/api/v1/", "/API/V1", "/api/v1/assistants", "/proxy/api/v1")
]
CLASSIC_URLS = ["https://app.famulor.de", "https://app.famulor.io", "https://x.example/api", "https://x.example/v1",
                "https://x.example/api/v10", "https://x.example/apiv1", "https://x.example/v1/api"]
PLATFORM_2_KEYS = ["fam_live_0123456789", "fam_", "  fam_x  "]


def test_platform_2_settings_are_refused_with_one_message() -> None:
    n = 0
    for url in PLATFORM_2_URLS:
        for key in ("classic-key-123", "fam_live_0123"):  # the URL is named first either way
            with pytest.raises(SettingsError, match=r"^The base URL .* is Famulor's Platform 2\.0 API"):
                make_settings(url, key, insecure=True)
            n += 1
        with pytest.raises(ApiError, match="Platform 2.0"):
            ApiClient(url, "classic-key-123")
        n += 1
    for url in CLASSIC_URLS:
        for key in PLATFORM_2_KEYS:
            with pytest.raises(SettingsError, match=r"^The API key starts with fam_: .*Platform 2\.0"):
                make_settings(url, key)
            n += 1
        assert make_settings(url, "classic-key-123").base_url == url
        assert make_settings(url, "a-fam_key").base_url == url
        n += 2
    print(f"Platform 2.0 settings: {n} cases")


COMMANDS = [[], ["list"], ["show", "101"], ["set", "101", "speech_speed=0.9", "--yes"], ["edit", "101"],
            ["diff", "101", "-"], ["apply", "101", "-", "--yes"], ["doctor"], ["configure"]]


def test_every_command_says_platform_2_before_any_request(dirs, sb: Sandbox, tmp_path: Path) -> None:
    """By flag, by variable and from the config file; by URL and by key."""
    config = Path(dirs["VOICEDESK_CONFIG_DIR"])
    config.mkdir(mode=0o700)
    ways = {
        "flag url": (["--base-url", f"{sb.base_url}/api/v1", "--api-key", SECRET_KEY], {}, None),
        "flag key": (["--base-url", sb.base_url, "--api-key", "fam_" + SECRET_KEY], {}, None),
        "env url": ([], {"VOICEDESK_BASE_URL": f"{sb.base_url}/api/v1/", "VOICEDESK_API_KEY": SECRET_KEY}, None),
        "file url": ([], {}, f'base_url = "{sb.base_url}/api/v1"\napi_key = "{SECRET_KEY}"\n'),
        "file key": ([], {}, f'base_url = "{sb.base_url}"\napi_key = "fam_{SECRET_KEY}"\n'),
    }
    n = 0
    for way, (flags, env, file) in ways.items():
        (config / "config.toml").unlink(missing_ok=True)
        if file:
            (config / "config.toml").write_text(file, encoding="utf-8")
        for command in COMMANDS:
            if command == ["configure"] and file:
                continue  # configure takes the host and key it is given, not the file's
            result = run({**dirs, **env}, *flags, *command)
            assert result.exit_code == 2, (way, command, result.stdout, result.stderr)
            said = result.stderr if command != ["doctor"] else result.stdout
            assert said.count("Platform 2.0") == 1, (way, command, said)
            if command == ["doctor"]:
                assert "FAIL  settings: " in said
            else:
                assert result.stderr.startswith("error: ") and len(result.stderr.splitlines()) == 1, result.stderr
            n += 1
    assert sb.requests == []
    print(f"Platform 2.0 by command: {n} cases")
