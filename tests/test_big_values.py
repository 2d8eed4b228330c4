"""Big values stay usable: what one value prints is capped, long-text diffs are fast and
minimal, and the table editors draw only what is on screen."""

from __future__ import annotations

from click.testing import CliRunner

from voicedesk.cli import main
from voicedesk.sandbox import DEMO_API_KEY, Sandbox

MEGABYTE = 1_000_000


def test_show_caps_every_value_and_says_how_long_it_is() -> None:
    huge = {
        "name": "N" * MEGABYTE,  # the heading
        "timezone": "Z" * MEGABYTE,  # a value, and the flag that quotes it
        "uuid": "U" * MEGABYTE,  # a read-only value
        "variables": {"k" * MEGABYTE: "v" * MEGABYTE},
        "post_call_schema": [{"name": "n" * MEGABYTE, "type": "string", "description": "d"}],
    }
    with Sandbox(rate_limit=None) as sb:
        sb.edit_assistant(101, **huge)
        sb.data.assistants[101]["k" * 100] = "read-only key " * 1000  # a long unknown column
        result = CliRunner(env={"VOICEDESK_BASE_URL": None, "VOICEDESK_API_KEY": None}).invoke(
            main, ["--base-url", sb.base_url, "--api-key", DEMO_API_KEY, "show", "101"]
        )
    assert result.exit_code == 0, result.output[:2000]
    lines = result.stdout.splitlines()
    assert max(map(len, lines)) < 500, max(lines, key=len)[:200]
    assert len(result.stdout) < 20_000
    assert f"({MEGABYTE:,} chars)" in result.stdout
    print(f"show printed {len(lines)} lines, the longest {max(map(len, lines))} characters")
