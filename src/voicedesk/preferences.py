"""What the TUI remembers between runs that is not a setting: the theme chosen in the
palette. A small JSON file in the state directory, written privately; a file that cannot
be read is as no file (the defaults), and a failed write is said, never fatal.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from voicedesk.paths import ensure_private_dir, state_dir, write_private


def file_path() -> Path:
    return state_dir() / "preferences.json"


def _read() -> dict[str, Any]:
    try:
        data = json.loads(file_path().read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def theme() -> str | None:
    """The theme chosen last, if any."""
    chosen = _read().get("theme")
    return chosen if isinstance(chosen, str) else None


def remember_theme(name: str) -> None:
    """Keep the theme for the next run; raises OSError when the state dir refuses."""
    data = _read()
    if data.get("theme") == name:
        return
    data["theme"] = name
    ensure_private_dir(state_dir())
    write_private(file_path(), json.dumps(data, indent=2).encode("utf-8"))
