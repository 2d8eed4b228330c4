"""The layers of design.md: the core is headless, and only api/ and sandbox/ talk HTTP."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "src" / "voicedesk"


def imports_of(module: str) -> set[str]:
    code = f"import sys, {module}; print(' '.join(sys.modules))"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return set(done.stdout.split())


def test_the_core_runs_without_textual() -> None:
    for module in ("voicedesk.session", "voicedesk.remote", "voicedesk.drafts", "voicedesk.history",
                   "voicedesk.parsing", "voicedesk.display", "voicedesk.settings", "voicedesk.lifeline"):
        assert not any(name.split(".")[0] == "textual" for name in imports_of(module)), module


def test_only_api_and_sandbox_import_httpx() -> None:
    pattern = re.compile(r"^\s*(from|import) httpx", re.MULTILINE)
    offenders = [
        path.relative_to(PACKAGE).as_posix()
        for path in PACKAGE.rglob("*.py")
        if pattern.search(path.read_text(encoding="utf-8"))
        and path.relative_to(PACKAGE).parts[0] not in ("api", "sandbox")
    ]
    assert offenders == []


def test_the_editor_starts_without_pydantic_or_the_httpx_command_line() -> None:
    # Both cost a cold start tens of milliseconds; the editor's first screen needs neither
    # (pydantic checks typed values later, on demand; httpx's CLI is never run).
    loaded = imports_of("voicedesk.cli, voicedesk.api, voicedesk.tui.app, voicedesk.tui.screens.editor")
    assert "voicedesk.tui.screens.editor" in loaded
    assert not {name for name in loaded if name.split(".")[0] == "pydantic"}
    assert "rich.progress" not in loaded and "pygments" not in loaded  # what httpx._main brings
