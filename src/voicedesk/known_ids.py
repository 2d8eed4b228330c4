"""The assistant ids a recent run saw in the list, by host: what shell completion offers
after `show`, `set` and the like, without a request (completion must answer at once and
must never need the network or the key).

A small JSON file in the state directory, replaced atomically. It is short-lived: ids
older than `MAX_AGE` are not offered (an assistant may have been deleted since). A file
that cannot be read is as no file; a failed write is ignored (completion is a help, the
command that read the list must not fail over it).
"""

from __future__ import annotations

import contextlib
import json
import os
import stat
import time
from pathlib import Path
from typing import Any

from voicedesk.paths import ensure_private_dir, state_dir, write_private

FILE_NAME = "assistant-ids.json"
MAX_AGE = 3600.0  # seconds
# Small on purpose: a big account's ids, for a few hosts.
PER_HOST = 5000
HOSTS = 20
MAX_FILE_BYTES = 1024 * 1024


def file_path() -> Path:
    return state_dir() / FILE_NAME


def _read(file: Path) -> dict[str, dict[str, Any]]:
    try:
        # Non-blocking, and only a regular file: a FIFO put there must not hang completion.
        descriptor = os.open(file, os.O_RDONLY | os.O_NONBLOCK)
        with os.fdopen(descriptor, "rb") as handle:
            if not stat.S_ISREG(os.fstat(descriptor).st_mode):
                return {}
            raw = handle.read(MAX_FILE_BYTES + 1)
        data = json.loads(raw) if len(raw) <= MAX_FILE_BYTES else None
    except (OSError, ValueError, RecursionError):
        return {}
    if not isinstance(data, dict):
        return {}
    return {host: entry for host, entry in data.items()
            if isinstance(entry, dict) and isinstance(entry.get("time"), (int, float))
            and isinstance(entry.get("ids"), list)}


def recalled(host: str, *, now: float | None = None, file: Path | None = None) -> list[int]:
    """The ids seen on `host` within `MAX_AGE`, ascending; [] when none."""
    entry = _read(file or file_path()).get(host)
    now = time.time() if now is None else now
    if entry is None or not 0 <= now - entry["time"] <= MAX_AGE:
        return []
    return sorted({i for i in entry["ids"] if type(i) is int and i >= 0})


def remember(listed: dict[str, set[int]], *, now: float | None = None, file: Path | None = None) -> None:
    """Keep the ids seen per host, with those still fresh from earlier runs (a run that
    found one assistant read one page, not the whole list)."""
    file = file or file_path()
    now = time.time() if now is None else now
    hosts = _read(file)
    for host, ids in listed.items():
        earlier = recalled(host, now=now, file=file)
        hosts.pop(host, None)  # the newest last
        hosts[host] = {"time": now, "ids": sorted(ids.union(earlier))[:PER_HOST]}
    with contextlib.suppress(OSError):
        ensure_private_dir(file.parent)
        write_private(file, json.dumps(dict(list(hosts.items())[-HOSTS:])).encode("utf-8"))
