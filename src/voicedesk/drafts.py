"""Drafts: an edit session's unsent changes on disk, so a dropped session loses nothing.

One JSON file per (host, assistant) holds only the dirty fields, each with the value
it had when loaded (`base`) and the user's value. Files are written atomically (temp
file, fsync, rename) and readable by the user alone. A file that cannot be trusted is
set aside under a new name, never deleted, and reported as a `DraftProblem` whose
message can be shown as it is. The store only ever sees field values: no API key.
"""

from __future__ import annotations

import builtins  # DraftStore.list() shadows `list` inside the class
import contextlib
import copy
import hashlib
import json
import os
import re
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from voicedesk.fields import FIELDS
from voicedesk.paths import ensure_private_dir, state_dir
from voicedesk.session import EditSession, same_value

FORMAT = "voicedesk-draft"
VERSION = 1


class DraftError(Exception):
    """A draft could not be saved, read or removed; the message says which and why."""


class DraftProblem(DraftError):
    """A draft file that could not be trusted; it was renamed to `set_aside`.

    `set_aside` is None when even the rename failed; the message then says so.
    """

    def __init__(self, message: str, set_aside: Path | None) -> None:
        super().__init__(message)
        self.set_aside = set_aside


@dataclass(frozen=True)
class DraftEdit:
    base: Any  # the server's value when the session was loaded
    value: Any  # the user's value


@dataclass
class Draft:
    host: str
    assistant_id: int
    assistant_name: str
    fields: dict[str, DraftEdit]
    saved_at: datetime | None = None  # set on drafts read from disk

    @classmethod
    def from_session(cls, session: EditSession, host: str) -> Draft:
        """The session's dirty fields, copied so later edits cannot change the draft."""
        edits = {
            name: DraftEdit(copy.deepcopy(session.baseline[name]), copy.deepcopy(session.current[name]))
            for name in session.dirty
        }
        return cls(host, session.assistant_id, session.name, edits)

    def apply_to(self, session: EditSession) -> list[str]:
        """Replay the edits; returns the fields whose server value moved since the draft."""
        if session.assistant_id != self.assistant_id:
            raise ValueError(
                f"the draft is for assistant {self.assistant_id}, not {session.assistant_id}"
            )
        changed_on_server = []
        for name, edit in self.fields.items():
            session.set(name, edit.value)
            if not same_value(name, session.baseline[name], edit.base):
                changed_on_server.append(name)
        return changed_on_server


_UNSAFE_RUN = re.compile(r"[^A-Za-z0-9.-]+")


def draft_file_name(host: str, assistant_id: int) -> str:
    """A file name for any host: a readable part, plus a hash that keeps keys apart."""
    readable = _UNSAFE_RUN.sub("_", host).strip("._-")[:60] or "host"
    key = f"{host}\n{assistant_id}".encode("utf-8", "surrogatepass")
    return f"{readable}-{assistant_id}-{hashlib.sha256(key).hexdigest()[:12]}.json"


class DraftStore:
    def __init__(self, directory: Path | None = None) -> None:
        self.directory = directory or state_dir() / "drafts"
        self.problems: builtins.list[DraftError] = []  # what the last list() could not read

    def path_for(self, host: str, assistant_id: int) -> Path:
        return self.directory / draft_file_name(host, assistant_id)

    def save(self, draft: Draft) -> None:
        """Write the draft atomically; a draft without fields removes the file instead."""
        if not draft.fields:
            self.discard(draft.host, draft.assistant_id)
            return
        # Encode before touching the disk: a value that cannot be written leaves the old draft.
        data = _encode(draft, datetime.now(UTC))
        path = self.path_for(draft.host, draft.assistant_id)
        try:
            ensure_private_dir(self.directory)
            _write_atomically(path, data)
        except OSError as error:
            raise DraftError(
                f"{_subject(draft.host, draft.assistant_id)} could not be saved to {path}: "
                f"{error.strerror or error}."
            ) from error

    def load(self, host: str, assistant_id: int) -> Draft | None:
        """The draft for this assistant, or None. An untrustworthy file raises DraftProblem."""
        path = self.path_for(host, assistant_id)
        try:
            return self._read(path)
        except FileNotFoundError:
            return None
        except OSError as error:
            raise DraftError(
                f"{_subject(host, assistant_id)} could not be read from {path}: "
                f"{error.strerror or error}."
            ) from error
        except _Unreadable as problem:
            raise _set_aside(path, _subject(host, assistant_id), problem.reason) from None

    def discard(self, host: str, assistant_id: int) -> None:
        path = self.path_for(host, assistant_id)
        try:
            path.unlink(missing_ok=True)
        except OSError as error:
            raise DraftError(
                f"{_subject(host, assistant_id)} could not be removed ({path}): "
                f"{error.strerror or error}."
            ) from error

    def list(self) -> builtins.list[Draft]:
        """Every readable draft, newest first. Unreadable files are set aside and their
        problems kept in `self.problems` until the next call."""
        self.problems = []
        if not self.directory.is_dir():
            return []
        drafts = []
        for path in sorted(self.directory.glob("*.json")):
            try:
                drafts.append(self._read(path))
            except FileNotFoundError:
                continue  # discarded while we were listing
            except OSError as error:
                self.problems.append(
                    DraftError(f"The draft file {path} could not be read: {error.strerror or error}.")
                )
            except _Unreadable as problem:
                self.problems.append(_set_aside(path, f"The draft file {path.name}", problem.reason))
        return sorted(drafts, key=lambda draft: draft.saved_at, reverse=True)

    def _read(self, path: Path) -> Draft:
        draft = _decode(path.read_bytes())
        if self.path_for(draft.host, draft.assistant_id) != path:
            raise _Unreadable(f"it is for assistant {draft.assistant_id} on {draft.host}")
        return draft


def _subject(host: str, assistant_id: int) -> str:
    return f"The draft for assistant {assistant_id} on {host}"


def _write_atomically(path: Path, data: bytes) -> None:
    # mkstemp opens with O_CREAT | O_EXCL and mode 0600: the file is never readable by others.
    fd, temp_name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as stream:
            stream.write(data)
            stream.flush()
            os.fsync(stream.fileno())
        os.replace(temp_name, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temp_name)
        raise


def _set_aside(path: Path, subject: str, reason: str) -> DraftProblem:
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")
    target = path.with_name(f"{path.name}.corrupt-{stamp}")
    try:
        os.replace(path, target)
    except OSError as error:
        return DraftProblem(
            f"{subject} could not be read ({reason}); setting it aside failed "
            f"({error.strerror or error}), so it is still at {path}.",
            None,
        )
    return DraftProblem(f"{subject} could not be read ({reason}); it was set aside as {target}.", target)


def _encode(draft: Draft, saved_at: datetime) -> bytes:
    document = {
        "format": FORMAT,
        "version": VERSION,
        "host": draft.host,
        "assistant_id": draft.assistant_id,
        "assistant_name": draft.assistant_name,
        "saved_at": saved_at.isoformat(timespec="seconds"),
        "fields": {name: {"base": edit.base, "value": edit.value} for name, edit in draft.fields.items()},
    }
    # ASCII escapes keep any text (even lone surrogates from a terminal) writable and exact.
    return (json.dumps(document, indent=2, ensure_ascii=True) + "\n").encode("ascii")


class _Unreadable(Exception):
    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def _decode(data: bytes) -> Draft:
    try:
        document = json.loads(data)
    except (ValueError, RecursionError):
        raise _Unreadable("not JSON") from None
    if not isinstance(document, dict) or document.get("format") != FORMAT:
        raise _Unreadable("not a voicedesk draft")
    if document.get("version") != VERSION:
        raise _Unreadable(
            f"it is version {document.get('version')!r}; this voicedesk reads version {VERSION}"
        )
    host = _member(document, "host", str, "text")
    assistant_id = _member(document, "assistant_id", int, "a whole number")
    assistant_name = _member(document, "assistant_name", str, "text")
    try:
        saved_at = datetime.fromisoformat(_member(document, "saved_at", str, "a time"))
    except ValueError:
        raise _Unreadable("'saved_at' is not a time") from None
    if saved_at.tzinfo is None:
        saved_at = saved_at.replace(tzinfo=UTC)
    return Draft(host, assistant_id, assistant_name, _edits(document), saved_at)


def _member(document: dict[str, Any], key: str, kind: type, described: str) -> Any:
    value = document.get(key)
    if not isinstance(value, kind) or isinstance(value, bool):
        raise _Unreadable(f"{key!r} is missing or not {described}")
    return value


def _edits(document: dict[str, Any]) -> dict[str, DraftEdit]:
    raw = _member(document, "fields", dict, "an object")
    edits: dict[str, DraftEdit] = {}
    for name, entry in raw.items():
        if name not in FIELDS:
            raise _Unreadable(f"unknown field {name!r}")
        if not isinstance(entry, dict) or set(entry) != {"base", "value"}:
            raise _Unreadable(f"field {name!r} is not a {{base, value}} pair")
        edits[name] = DraftEdit(entry["base"], entry["value"])
    # A value of the wrong type would reach the form's widgets; the model says what fits.
    # (Imported here: pydantic is not needed on the way to the editor's first screen.)
    from voicedesk.model import TypeProblem, check_types

    try:
        check_types({name: edit.base for name, edit in edits.items()})
        check_types({name: edit.value for name, edit in edits.items()})
    except TypeProblem as problem:
        raise _Unreadable(f"wrong type: {problem}") from None
    return edits


class DraftWriter:
    """Debounced saving, driven by the caller's clock (no event loop, no Textual).

    The first edit after a write starts the countdown; later edits only replace what
    will be written. So a draft is on disk at most `debounce` seconds after any edit,
    and is written about once per `debounce` while the user keeps typing.
    """

    def __init__(self, store: DraftStore, debounce: float = 1.0) -> None:
        self.store = store
        self.debounce = debounce
        self._draft_factory: Callable[[], Draft] | None = None
        self._due_at = 0.0

    @property
    def pending(self) -> bool:
        return self._draft_factory is not None

    def schedule(self, draft_factory: Callable[[], Draft], now: float) -> None:
        """Note an edit; `draft_factory` is called at write time, so it sees the latest state."""
        if self._draft_factory is None:
            self._due_at = now + self.debounce
        self._draft_factory = draft_factory

    def due(self, now: float) -> bool:
        return self.pending and now >= self._due_at

    def flush(self) -> bool:
        """Write now if a write is pending; returns whether it wrote. A failed write
        stays pending and its DraftError propagates."""
        if self._draft_factory is None:
            return False
        self.store.save(self._draft_factory())
        self._draft_factory = None
        return True

    def flush_if_due(self, now: float) -> bool:
        if not self.due(now):
            return False
        try:
            return self.flush()
        except DraftError:
            self._due_at = now + self.debounce  # retry later, not on every timer tick
            raise

    def cancel(self) -> None:
        """Forget a pending write (the edits were sent or discarded)."""
        self._draft_factory = None
