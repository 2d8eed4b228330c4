"""History: one JSON line per save, recording what was changed on which assistant.

The file is append-only and readable by the user alone. It only ever receives field
values (the changes of a session), never connection settings or the API key. A line
that cannot be read is skipped and its number kept, so one bad line never hides the
rest; a change naming a field this version does not know is kept as it is.

An update whose answer was lost (it may or may not have been saved) is kept aside as
"unconfirmed", one file per assistant, until a fresh read of the assistant settles it
(`voicedesk.remote.settle_unconfirmed`): recorded once if the server holds its values.
"""

from __future__ import annotations

import contextlib
import json
import os
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from voicedesk.paths import ensure_private_dir, file_key, state_dir, write_private
from voicedesk.session import Change
from voicedesk.tools import masked

# Deeper than anything voicedesk writes (a schema row inside a change inside an entry is
# 5 levels): a deeper line is not voicedesk's, and printing it could exhaust the stack.
MAX_DEPTH = 32


class HistoryError(Exception):
    """The history could not be read at all; the message says which file and why."""


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
        self.unconfirmed_dir = self.path.parent / "unconfirmed"
        # What the last entries() met: its non-empty lines, and the numbers of those it could not read.
        self.lines = 0
        self.skipped_lines: list[int] = []

    @property
    def skipped(self) -> int:
        return len(self.skipped_lines)

    def append(
        self, host: str, assistant_id: int, assistant_name: str, changes: list[Change]
    ) -> HistoryEntry:
        """Record one save, secrets masked (see tools.masked). Raises OSError when the
        file cannot be written."""
        entry = _entry(host, assistant_id, assistant_name, [
            Change(c.field, masked(c.before), masked(c.after)) if c.field == "tools" else c for c in changes
        ])
        line = _line(entry)
        ensure_private_dir(self.path.parent)
        fd = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
        try:
            # One write of the whole line: with O_APPEND, concurrent savers cannot interleave.
            os.write(fd, line)
        finally:
            os.close(fd)
        return entry

    def entries(self, assistant_id: int | None = None, host: str | None = None) -> list[HistoryEntry]:
        """The recorded saves, oldest first, optionally for one assistant and/or host.
        Raises HistoryError when the file exists but cannot be read."""
        self.lines, self.skipped_lines = 0, []
        try:
            data = self.path.read_bytes()
        except FileNotFoundError:
            return []
        except OSError as error:
            raise HistoryError(f"the history file {self.path} could not be read: {error.strerror or error}.") from None
        found = []
        for number, line in enumerate(data.split(b"\n"), start=1):
            if not line.strip():
                continue
            self.lines += 1
            try:
                entry = _parse(line)
            except _BadLine:
                self.skipped_lines.append(number)
                continue
            if assistant_id is not None and entry.assistant_id != assistant_id:
                continue
            if host is not None and entry.host != host:
                continue
            found.append(entry)
        return found

    # --- updates whose answer was lost --------------------------------------------

    def _unconfirmed_path(self, host: str, assistant_id: int) -> Path:
        return self.unconfirmed_dir / f"{file_key(host, assistant_id)}.json"

    def note_unconfirmed(self, host: str, assistant_id: int, assistant_name: str, changes: list[Change]) -> None:
        """Keep aside an update that may or may not have been saved. Raises OSError."""
        ensure_private_dir(self.unconfirmed_dir)
        entry = _entry(host, assistant_id, assistant_name, changes)
        write_private(self._unconfirmed_path(host, assistant_id), _line(entry))

    def unconfirmed(self, host: str, assistant_id: int) -> HistoryEntry | None:
        """The update kept aside for this assistant, if any (an unreadable one is none:
        only voicedesk writes these files, atomically)."""
        try:
            return _parse(self._unconfirmed_path(host, assistant_id).read_bytes())
        except (OSError, _BadLine):
            return None

    def forget_unconfirmed(self, host: str, assistant_id: int) -> None:
        """Raises OSError when the file cannot be removed."""
        with contextlib.suppress(FileNotFoundError):
            self._unconfirmed_path(host, assistant_id).unlink()


def _entry(host: str, assistant_id: int, assistant_name: str, changes: list[Change]) -> HistoryEntry:
    now = datetime.now(UTC).replace(microsecond=0)  # what the file keeps, so the entry equals a re-read
    return HistoryEntry(now, host, assistant_id, assistant_name, list(changes))


def _line(entry: HistoryEntry) -> bytes:
    return (json.dumps(_document(entry), ensure_ascii=True) + "\n").encode("ascii")


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


def as_json(entry: HistoryEntry) -> str:
    """The entry as one line of JSON, as it is recorded, in printable ASCII (DEL, which
    JSON leaves alone, can only occur inside a string, where \\u007f means the same)."""
    return json.dumps(_document(entry), ensure_ascii=True).replace("\x7f", "\\u007f")


class _BadLine(Exception):
    pass


def _parse(line: bytes) -> HistoryEntry:
    try:
        document = json.loads(line)
    except (ValueError, RecursionError):  # ValueError includes bad UTF-8 and huge numbers
        raise _BadLine from None
    if not isinstance(document, dict) or _too_deep(document):
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


def _too_deep(value: Any) -> bool:
    level = [value]
    for _ in range(MAX_DEPTH):
        level = [
            child
            for item in level
            if isinstance(item, (dict, list))
            for child in (item.values() if isinstance(item, dict) else item)
        ]
        if not level:
            return False
    return True
