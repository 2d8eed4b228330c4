"""The README stays true: CI runs its test command, and every documented command exists."""

from __future__ import annotations

import re
from pathlib import Path

from click.testing import CliRunner

from voicedesk.cli import main

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")


def quick_start_commands() -> list[str]:
    section = README.split("## Quick start", 1)[1].split("\n## ", 1)[0]
    return re.findall(r"```sh\n(.+?)\n```", section)


def test_quick_start_is_two_commands_and_ci_runs_the_test_one() -> None:
    demo, tests = quick_start_commands()
    assert demo.endswith("voicedesk --demo")
    # The checks run before the tests, and a finding stops the command (&&).
    steps = tests.split(" && ")
    assert steps[-3:] == [".venv/bin/ruff check", ".venv/bin/mypy", ".venv/bin/python -m pytest"]
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8").strip().splitlines()
    assert ci[-1] == tests


def test_every_documented_subcommand_exists() -> None:
    documented = set(re.findall(r"^\| `voicedesk (\w+)", README, flags=re.MULTILINE))
    assert documented >= {"list", "show", "set", "diff", "apply", "fields", "sandbox", "edit"}
    for name in documented:
        result = CliRunner().invoke(main, [name, "--help"])
        assert result.exit_code == 0, (name, result.output)
