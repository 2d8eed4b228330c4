"""The dialect each host's voices told last time, kept for when they cannot tell (the
voice lists did not load): then the host is spoken to as it was then, not guessed.

A small file in the state directory, keyed by host; reading or writing problems are
ignored (a memory is worth less than the command that wanted it), and a damaged file
is as good as none. What it remembers is only ever a fallback: a save the host did not
take is reported whatever dialect was used (see remote.save).
"""

from __future__ import annotations

import json
from pathlib import Path

from voicedesk.fields import Dialect
from voicedesk.paths import ensure_private_dir, state_dir, write_private

FILE_NAME = "dialects.json"
MAX_FILE_BYTES = 64 * 1024
HOSTS = 100  # the most recent hosts


def file_path() -> Path:
    return state_dir() / FILE_NAME


def _read(path: Path) -> dict[str, str]:
    try:
        if path.stat().st_size > MAX_FILE_BYTES:
            return {}
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    if not isinstance(data, dict):
        return {}
    return {host: value for host, value in data.items() if isinstance(host, str) and value in ("2025", "2026")}


def recalled(host: str, path: Path | None = None) -> Dialect | None:
    """The dialect this host's voices told last time, if any."""
    value = _read(path or file_path()).get(host)
    return Dialect(value) if value else None


def remember(host: str, dialect: Dialect, path: Path | None = None) -> None:
    """Keep what this host's voices told (written only when it changed)."""
    path = path or file_path()
    known = _read(path)
    if known.get(host) == dialect.value:
        return
    known.pop(host, None)
    known[host] = dialect.value  # last: the most recent host
    kept = dict(list(known.items())[-HOSTS:])
    try:
        ensure_private_dir(path.parent)
        write_private(path, json.dumps(kept, ensure_ascii=True).encode("ascii"))
    except OSError:
        pass
