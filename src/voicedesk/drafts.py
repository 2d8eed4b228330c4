"""Drafts: an edit session's unsent changes on disk, so a dropped session loses nothing.

Every editing session owns its draft file, `<key>.<session>.json` (`key` names the host
and the assistant, see `paths.file_key`), and holds an exclusive `flock` on its
companion `<key>.<session>.lock` for as long as it lives. The kernel releases the lock
when the process ends, however it ends, so two processes editing one assistant never
write or remove each other's drafts, and a draft whose lock nobody holds was left by a
session that ended unsaved: `DraftStore.left_behind` offers it to the next session that
opens the assistant, which holds its lock until it is restored, discarded or kept for
later. (The lock is a file of its own because an atomic rename gives the draft a new
inode at every write.)

A draft holds only the dirty fields, each with the value it had when loaded (`base`)
and the user's value. Files are written atomically and readable by the user alone. A
file that cannot be trusted is set aside under a new name, never deleted, and reported
as a `DraftProblem` whose message can be shown as it is. Every failure of the disk is
a `DraftError`. The store only ever sees field values: no API key, and no secret of the
tools (a typed one is asked for again on replay).
"""

from __future__ import annotations

import contextlib
import copy
import fcntl
import json
import os
import re
import secrets
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Protocol

from voicedesk.fields import SETTINGS, catalogue
from voicedesk.paths import ensure_private_dir, file_key, state_dir, write_private
from voicedesk.session import EditSession, same_value
from voicedesk.tools import for_draft, from_draft, masked

FORMAT = "voicedesk-draft"
VERSION = 1


class SavesDrafts(Protocol):
    """Where a DraftWriter writes: all it asks of a DraftSlot."""

    def save(self, draft: Draft) -> None: ...


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
        """The session's dirty fields, copied so later edits cannot change the draft; the
        tools' secrets masked (see `tools.for_draft`)."""
        edits = {}
        for name in session.dirty:
            base, value = session.baseline[name], session.current[name]
            if name == "tools":
                base, value = masked(base), for_draft(value, base)
            edits[name] = DraftEdit(copy.deepcopy(base), copy.deepcopy(value))
        return cls(host, session.assistant_id, session.name, edits)

    def apply_to(self, session: EditSession) -> list[str]:
        """Replay the edits; returns the fields whose server value moved since the draft."""
        if session.assistant_id != self.assistant_id:
            raise ValueError(
                f"the draft is for assistant {self.assistant_id}, not {session.assistant_id}"
            )
        foreign = [name for name in self.fields if name not in session.fields]
        if foreign:  # checked first: a draft is replayed whole or not at all
            raise ValueError(
                f"the draft holds {', '.join(foreign)}, which the host's dialect "
                f"({session.fields.dialect.value}) does not have; open it with the other --dialect"
            )
        changed_on_server = self.moved_on_server(session)
        for name, edit in self.fields.items():
            if name == "tools":  # its secrets come back from the server's tools
                session.set(name, from_draft(edit.value, session.baseline[name]))
            else:
                session.set(name, edit.value)
        return changed_on_server

    def moved_on_server(self, session: EditSession) -> list[str]:
        """The fields whose server value is not the one the draft was made from (the
        tools compared as drafted: their secrets masked)."""
        return [
            name for name, edit in self.fields.items()
            if name in session.fields and not same_value(
                name, masked(session.baseline[name]) if name == "tools" else session.baseline[name], edit.base)
        ]


# A session's files: `<key>.<session>.json` and `.lock`; `<key>.json` is an older
# voicedesk's draft, which no session owns.
_SESSION_PART = r"(?:\.[0-9a-f]{12})?"


class DraftStore:
    def __init__(self, directory: Path | None = None) -> None:
        self.directory = directory or state_dir() / "drafts"

    def slot(self, host: str, assistant_id: int) -> DraftSlot:
        """A new editing session's own draft (nothing is on disk until it is used)."""
        return DraftSlot(self, host, assistant_id, secrets.token_hex(6))

    def left_behind(self, host: str, assistant_id: int, own: DraftSlot | None = None) -> LeftBehind:
        """The drafts of this assistant that no live process holds, newest first, each
        held (locked) by this process until it is released or discarded; and how many
        other live sessions are editing the assistant. Untrustworthy drafts are set
        aside and reported in `problems`."""
        key = file_key(host, assistant_id)
        pattern = re.compile(re.escape(key) + _SESSION_PART + r"\.(json|lock)")
        try:
            names = os.listdir(self.directory)
        except FileNotFoundError:
            names = []
        except OSError as error:
            raise DraftError(
                f"The drafts in {self.directory} could not be read: {error.strerror or error}."
            ) from error
        has_draft: dict[str, bool] = {}
        for name in names:
            match = pattern.fullmatch(name)
            stem = name.rsplit(".", 1)[0]
            if match and (own is None or stem != own.stem):
                has_draft[stem] = has_draft.get(stem, False) or match.group(1) == "json"
        found = LeftBehind()
        for stem, with_draft in sorted(has_draft.items()):
            try:
                lock = _lock(self.directory / f"{stem}.lock", create=with_draft)
            except BlockingIOError:
                found.live += 1
                continue
            if not with_draft:
                if lock is not None:  # the lock of a session that ended with nothing to keep
                    with contextlib.suppress(OSError):
                        (self.directory / f"{stem}.lock").unlink()
                    os.close(lock)
                continue
            held = HeldDraft(self.directory / f"{stem}.json", lock)
            try:
                held.draft = self._read(held.path, key)
            except FileNotFoundError:
                held.release()  # taken by another session meanwhile
            except OSError as error:
                held.release()
                found.problems.append(DraftError(
                    f"The draft file {held.path} could not be read: {error.strerror or error}."
                ))
            except _Unreadable as problem:
                held.release()
                found.problems.append(_set_aside(held.path, _subject(host, assistant_id), problem.reason))
            else:
                found.drafts.append(held)
        # Drafts read from disk all carry their time: the fallback only types the key.
        found.drafts.sort(key=lambda held: held.draft.saved_at or datetime.min.replace(tzinfo=UTC), reverse=True)
        return found

    def _read(self, path: Path, key: str) -> Draft:
        draft = _decode(path.read_bytes())
        if file_key(draft.host, draft.assistant_id) != key:
            raise _Unreadable(f"it is for assistant {draft.assistant_id} on {draft.host}")
        return draft


class DraftSlot:
    """One editing session's draft: only this session writes or removes it."""

    def __init__(self, store: DraftStore, host: str, assistant_id: int, session: str) -> None:
        self.host = host
        self.assistant_id = assistant_id
        self.stem = f"{file_key(host, assistant_id)}.{session}"
        self.directory = store.directory
        self.path = store.directory / f"{self.stem}.json"
        self.lock_path = store.directory / f"{self.stem}.lock"
        self._lock: int | None = None

    def hold(self) -> None:
        """Take this session's lock: until `close()`, or the process ends, other
        sessions see that it is live and leave its draft alone."""
        if self._lock is not None:
            return
        try:
            ensure_private_dir(self.directory)
            fd, temp_name = tempfile.mkstemp(dir=self.directory, prefix=f".{self.lock_path.name}.", suffix=".tmp")
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                # Locked before it has its name: no other session ever sees it unlocked.
                os.rename(temp_name, self.lock_path)
            except BaseException:
                os.close(fd)
                with contextlib.suppress(OSError):
                    os.unlink(temp_name)
                raise
        except OSError as error:
            raise DraftError(
                f"{_subject(self.host, self.assistant_id)} cannot be kept in {self.directory}: "
                f"{error.strerror or error}."
            ) from error
        self._lock = fd

    def save(self, draft: Draft) -> None:
        """Write the draft atomically; a draft without fields removes the file instead."""
        if not draft.fields:
            self.discard()
            return
        # Encode before touching the disk: a value that cannot be written leaves the old draft.
        data = _encode(draft, datetime.now(UTC))
        try:
            ensure_private_dir(self.directory)
            write_private(self.path, data)
        except OSError as error:
            raise DraftError(
                f"{_subject(self.host, self.assistant_id)} could not be saved to {self.path}: "
                f"{error.strerror or error}."
            ) from error

    def discard(self) -> None:
        try:
            self.path.unlink(missing_ok=True)
        except OSError as error:
            raise DraftError(
                f"{_subject(self.host, self.assistant_id)} could not be removed ({self.path}): "
                f"{error.strerror or error}."
            ) from error

    def close(self) -> None:
        """The session ended: let go of its lock (a draft it leaves is then left behind)."""
        if self._lock is not None:
            with contextlib.suppress(OSError):  # a stale lock file is removed by the next opener
                self.lock_path.unlink()
            os.close(self._lock)
            self._lock = None


@dataclass
class HeldDraft:
    """A draft left behind by an ended session, locked by this process while it decides."""

    path: Path
    _lock: int | None  # None where the lock file could not be opened (a read-only folder)
    draft: Draft = field(init=False)

    def discard(self) -> None:
        """Remove it (discarded, or adopted into this session's own draft) and its lock."""
        try:
            self.path.unlink(missing_ok=True)
        except OSError as error:
            raise DraftError(
                f"{_subject(self.draft.host, self.draft.assistant_id)} could not be removed "
                f"({self.path}): {error.strerror or error}."
            ) from error
        finally:
            with contextlib.suppress(OSError):
                self.path.with_suffix(".lock").unlink(missing_ok=True)
            self.release()

    def release(self) -> None:
        """Keep it on disk, for a later session."""
        if self._lock is not None:
            os.close(self._lock)
            self._lock = None


@dataclass
class LeftBehind:
    drafts: list[HeldDraft] = field(default_factory=list)  # newest first
    live: int = 0  # other sessions editing the assistant now
    problems: list[DraftError] = field(default_factory=list)

    def release(self) -> None:
        for held in self.drafts:
            held.release()


def _lock(path: Path, *, create: bool) -> int | None:
    """A descriptor holding the exclusive lock of `path`; BlockingIOError when a live
    process holds it. None when the lock file cannot be opened or locked (a folder
    that is read-only for this user: nobody can take the draft away then either)."""
    try:
        fd = os.open(path, os.O_RDWR | (os.O_CREAT if create else 0), 0o600)
    except OSError:
        try:
            fd = os.open(path, os.O_RDONLY)
        except OSError:
            return None
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        os.close(fd)
        raise
    except OSError:
        os.close(fd)
        return None
    return fd


def _subject(host: str, assistant_id: int) -> str:
    return f"The draft for assistant {assistant_id} on {host}"


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
        if name not in SETTINGS:
            raise _Unreadable(f"unknown field {name!r}")
        if not isinstance(entry, dict) or set(entry) != {"base", "value"}:
            raise _Unreadable(f"field {name!r} is not a {{base, value}} pair")
        edits[name] = DraftEdit(entry["base"], entry["value"])
    # A value of the wrong type would reach the form's widgets; the model says what fits.
    # (Imported here: pydantic is not needed on the way to the editor's first screen.)
    from voicedesk.model import TypeProblem, check_types

    try:
        for name, edit in edits.items():  # each by its own dialect's types (see fields.SETTINGS)
            fields = catalogue(SETTINGS[name].dialect)
            check_types({name: edit.base}, fields)
            check_types({name: edit.value}, fields)
    except TypeProblem as problem:
        raise _Unreadable(f"wrong type: {problem}") from None
    return edits


class DraftWriter:
    """Debounced saving, driven by the caller's clock and timer (no event loop, no Textual).

    The first edit after a write starts the countdown: the caller arms a one-shot timer
    for `wait()` seconds and calls `flush_if_due` when it fires. Later edits only replace
    what will be written. So a draft is on disk at most `debounce` seconds after any
    edit, is written about once per `debounce` while the user keeps typing, and nothing
    needs to run while nothing is pending.
    """

    def __init__(self, slot: SavesDrafts, debounce: float = 1.0) -> None:
        self.slot = slot
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

    def wait(self, now: float) -> float | None:
        """Seconds until the pending write is due; None when nothing is pending."""
        return max(self._due_at - now, 0.0) if self.pending else None

    def due(self, now: float) -> bool:
        return self.pending and now >= self._due_at

    def flush(self) -> bool:
        """Write now if a write is pending; returns whether it wrote. A failed write
        stays pending and its DraftError propagates."""
        if self._draft_factory is None:
            return False
        self.slot.save(self._draft_factory())
        self._draft_factory = None
        return True

    def flush_if_due(self, now: float) -> bool:
        if not self.due(now):
            return False
        try:
            return self.flush()
        except DraftError:
            self._due_at = now + self.debounce  # retried a debounce later, not at once
            raise

    def cancel(self) -> None:
        """Forget a pending write (the edits were sent or discarded)."""
        self._draft_factory = None
