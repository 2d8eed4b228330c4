"""Where assistants were last seen in the list, so that finding one again takes one
request instead of a scan from page 1 (the API has no GET for a single assistant).

Within a process every page read is remembered; across processes, the pages where
assistants were *found* are kept in a small file in the state directory, keyed by host.
A hint is only ever a first place to look: the client checks the page it names and
falls back to the scan, so a stale, foreign or damaged file costs a request, never a
wrong record. The file is replaced atomically; problems reading or writing it are
ignored (a hint is worth less than the command that wanted it).
"""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path

from voicedesk.paths import ensure_private_dir, state_dir

FILE_NAME = "pages.json"
VERSION = 1
# Small on purpose: the most recent finds per host, and the most recent hosts.
PER_HOST = 200
HOSTS = 20
MAX_FILE_BYTES = 256 * 1024
# A page number past this is not believed (ten million assistants at 100 a page).
MAX_PAGE = 100_000


class PageHints:
    """Pages of the list (of `client.PER_PAGE` assistants each) by host and assistant id."""

    def __init__(self, path: Path | None = None) -> None:
        self.path = path or state_dir() / FILE_NAME
        self._seen: dict[str, dict[int, int]] = {}  # host -> id -> page, this process
        self._stored: dict[str, dict[int, int]] = {}  # host -> id -> page, as in the file

    def page(self, host: str, assistant_id: int) -> int | None:
        """The page to look on first, if any."""
        seen = self._seen.get(host, {}).get(assistant_id)
        return seen if seen is not None else self._stored_for(host).get(assistant_id)

    def saw(self, host: str, page: int, assistant_ids: list[int]) -> None:
        """A page was read: remember where its assistants are, for this process."""
        seen = self._seen.setdefault(host, {})
        for assistant_id in assistant_ids:
            seen[assistant_id] = page

    def found(self, host: str, assistant_id: int, page: int) -> None:
        """An assistant was looked for and found on `page`: the file learns it too,
        unless it says so already."""
        self._seen.setdefault(host, {})[assistant_id] = page
        if self._stored_for(host).get(assistant_id) == page:
            return
        hosts = self._read()  # as it is now: another process may have written meanwhile
        entries = hosts.pop(host, {})
        entries.pop(assistant_id, None)
        entries[assistant_id] = page  # the newest last
        hosts[host] = dict(list(entries.items())[-PER_HOST:])
        self._stored[host] = hosts[host]
        self._write(dict(list(hosts.items())[-HOSTS:]))

    def _stored_for(self, host: str) -> dict[int, int]:
        if host not in self._stored:
            self._stored[host] = self._read().get(host, {})
        return self._stored[host]

    def _read(self) -> dict[str, dict[int, int]]:
        """The file's hints, leaving out anything not as this module writes it."""
        try:
            # Non-blocking, and only a regular file: a FIFO put there must not hang us.
            descriptor = os.open(self.path, os.O_RDONLY | os.O_NONBLOCK)
            with os.fdopen(descriptor, "rb") as handle:
                if not stat.S_ISREG(os.fstat(descriptor).st_mode):
                    return {}
                raw = handle.read(MAX_FILE_BYTES + 1)
            data = json.loads(raw) if len(raw) <= MAX_FILE_BYTES else None
        except (OSError, ValueError, RecursionError):
            return {}
        if not isinstance(data, dict) or data.get("version") != VERSION or not isinstance(data.get("hosts"), dict):
            return {}
        hosts: dict[str, dict[int, int]] = {}
        for host, entries in data["hosts"].items():
            if isinstance(entries, dict):
                hosts[host] = {
                    int(key): page for key, page in entries.items()
                    if key.isascii() and key.isdigit() and len(key) <= 18
                    and type(page) is int and 1 <= page <= MAX_PAGE
                }
        return hosts

    def _write(self, hosts: dict[str, dict[int, int]]) -> None:
        data = {"version": VERSION, "hosts": {
            host: {str(key): page for key, page in entries.items()} for host, entries in hosts.items()
        }}
        temporary = self.path.with_name(f".{self.path.name}.{os.getpid()}.tmp")
        try:
            ensure_private_dir(self.path.parent)
            descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
                json.dump(data, handle, separators=(",", ":"))
            os.replace(temporary, self.path)
        except OSError:
            try:
                temporary.unlink(missing_ok=True)
            except OSError:
                pass
