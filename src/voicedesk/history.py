"""History: one JSON line per save, recording what was changed on which assistant.

The file is append-only and readable by the user alone. It only ever receives field
values (the changes of a session), never connection settings or the API key. A line
that cannot be read is skipped and counted, so one bad line never hides the rest.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from voicedesk.paths import ensure_private_dir, state_dir
from voicedesk.session import Change


@dataclass(frozen=True)
class HistoryEntry:
    time: datetime  # when the change was recorded, in UTC
    host: str
    assistant_id: int
    assistant_name: str
    changes: list[Change]


class History:
    def __init__(self, path: Path | None = None) -> None:
        self.path = path or state_dir() / "history.jsonl"
        self.skipped = 0  # unreadable lines met by the last entries()

    def append(
        self, host: str, assistant_id: int, assistant_name: str, changes: list[Change]
    ) -> HistoryEntry:
        """Record one save. Raises OSError when the file cannot be written."""
        now = datetime.now(UTC).replace(microsecond=0)  # what the file keeps, so the entry equals a re-read
        entry = HistoryEntry(now, host, assistant_id, assistant_name, list(changes))
        line = (json.dumps(_document(entry), ensure_ascii=True) + "\n").encode("ascii")
        ensure_private_dir(self.path.parent)
        fd = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
        try:
            # One write of the whole line: with O_APPEND, concurrent savers cannot interleave.
            os.write(fd, line)
        finally:
            os.close(fd)
        return entry

    def entries(self, assistant_id: int | None = None, host: str | None = None) -> list[HistoryEntry]:
        """The recorded saves, oldest first, optionally for one assistant and/or host."""
        self.skipped = 0
        try:
            data = self.path.read_bytes()
        except FileNotFoundError:
            return []
        found = []
        for line in data.split(b"\n"):
            if not line.strip():
                continue
            try:
                entry = _parse(line)
            except _BadLine:
                self.skipped += 1
                continue
            if assistant_id is not None and entry.assistant_id != assistant_id:
                continue
            if host is not None and entry.host != host:
                continue
            found.append(entry)
        return found


def _document(entry: HistoryEntry) -> dict[str, Any]:
    return {
        "time": entry.time.isoformat(timespec="seconds"),
        "host": entry.host,
        "assistant_id": entry.assistant_id,
        "assistant_name": entry.assistant_name,
        "changes": [
            {"field": change.field, "before": change.before, "after": change.after}
            for change in entry.changes
        ],
    }


class _BadLine(Exception):
    pass


def _parse(line: bytes) -> HistoryEntry:
    try:
        document = json.loads(line)
    except (ValueError, RecursionError):
        raise _BadLine from None
    if not isinstance(document, dict):
        raise _BadLine
    host = document.get("host")
    assistant_id = document.get("assistant_id")
    assistant_name = document.get("assistant_name")
    raw_time = document.get("time")
    raw_changes = document.get("changes")
    if not (
        isinstance(host, str)
        and isinstance(assistant_id, int)
        and not isinstance(assistant_id, bool)
        and isinstance(assistant_name, str)
        and isinstance(raw_time, str)
        and isinstance(raw_changes, list)
    ):
        raise _BadLine
    try:
        time = datetime.fromisoformat(raw_time)
    except ValueError:
        raise _BadLine from None
    if time.tzinfo is None:
        time = time.replace(tzinfo=UTC)
    return HistoryEntry(time, host, assistant_id, assistant_name, [_change(item) for item in raw_changes])


def _change(item: Any) -> Change:
    if not isinstance(item, dict) or not isinstance(item.get("field"), str):
        raise _BadLine
    if "before" not in item or "after" not in item:
        raise _BadLine
    return Change(item["field"], item["before"], item["after"])
