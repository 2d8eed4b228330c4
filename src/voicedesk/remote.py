"""What the CLI and the TUI both do with the server: open an assistant, save it.

Kept here so both faces behave the same: the same requests, the same order, the
same handling of partial failures.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from typing import Any

from voicedesk.api import ApiClient, ApiError, Page, ValidationError
from voicedesk.history import History
from voicedesk.records import Lookups
from voicedesk.session import Change, Conflict, EditSession, same_value


@dataclass
class LookupResult:
    lookups: Lookups
    failures: dict[str, ApiError] = field(default_factory=dict)  # which list, why


async def load_lookups(client: ApiClient) -> LookupResult:
    """Every lookup list at once; one that fails stays None and is reported."""
    calls = {
        "pipeline voices": client.voices("pipeline"),
        "multimodal voices": client.voices("multimodal"),
        "languages": client.languages(),
        "models": client.models(),
        "inbound numbers": client.phone_numbers("inbound"),
        "outbound numbers": client.phone_numbers("outbound"),
    }
    results = await asyncio.gather(*calls.values(), return_exceptions=True)
    loaded: dict[str, Any] = {}
    failures: dict[str, ApiError] = {}
    for name, result in zip(calls, results):
        if isinstance(result, ApiError):
            failures[name] = result
        elif isinstance(result, BaseException):
            raise result
        else:
            loaded[name] = result
    voices = None
    if "pipeline voices" in loaded and "multimodal voices" in loaded:
        voices = loaded["pipeline voices"] + loaded["multimodal voices"]
    lookups = Lookups(
        voices=voices,
        languages=loaded.get("languages"),
        models=loaded.get("models"),
        inbound_numbers=loaded.get("inbound numbers"),
        outbound_numbers=loaded.get("outbound numbers"),
    )
    return LookupResult(lookups, failures)


@dataclass
class FirstReads:
    """The reads the TUI's first screen waits for, in flight as soon as they are started:
    the editor's assistant and lists, or the picker's first page of assistants."""

    assistant: asyncio.Task[dict[str, Any]] | None = None
    lookups: asyncio.Task[LookupResult] | None = None
    first_page: asyncio.Task[Page] | None = None

    @classmethod
    def start(cls, client: ApiClient, assistant_id: int | None) -> FirstReads:
        if assistant_id is None:
            # Only the list: its pages take the rate limit's first window, the lists wait.
            return cls(first_page=asyncio.create_task(client.list_page(1)))
        return cls(
            assistant=asyncio.create_task(client.find_assistant(assistant_id)),
            lookups=asyncio.create_task(load_lookups(client)),
        )


async def open_session(client: ApiClient, assistant_id: int) -> tuple[EditSession, LookupResult]:
    """Find the assistant and load the lookups in parallel (one round trip, not two)."""
    record, lookup_result = await asyncio.gather(
        client.find_assistant(assistant_id), load_lookups(client)
    )
    return EditSession(assistant_id, record, lookup_result.lookups), lookup_result


@dataclass
class SaveResult:
    sent: dict[str, Any]
    changes: list[Change]
    # Remote changes to fields the user had not touched, taken before sending.
    adopted: list[Change] = field(default_factory=list)
    # Fields whose value after a fresh read differs from what was sent.
    differs: list[Change] = field(default_factory=list)
    reread_error: ApiError | None = None
    history_error: str | None = None


class SaveConflict(Exception):
    """Fields changed on the server since loading, and differently by the user.

    Nothing was sent. The session's baseline is now the server's; the user's values
    stand, so sending again keeps them ("keep mine") and `session.revert(field)`
    takes the server's ("take theirs").
    """

    def __init__(self, conflicts: list[Conflict], adopted: list[Change]) -> None:
        self.conflicts = conflicts
        self.adopted = adopted
        names = ", ".join(conflict.field for conflict in conflicts)
        super().__init__(f"changed on the server since it was loaded: {names}")


class SaveRefused(Exception):
    """The edits break a rule after remote changes were adopted; nothing was sent."""

    def __init__(self, problems: dict[str, str], adopted: list[Change]) -> None:
        self.problems = problems
        self.adopted = adopted
        super().__init__("; ".join(problems.values()))


async def save(
    client: ApiClient, session: EditSession, *, force: bool = False, history: History | None = None
) -> SaveResult:
    """Send the changed fields, never overwriting someone else's change unasked.

    First a fresh read: remote changes to untouched fields are adopted, and a field
    changed on both sides raises SaveConflict unless `force` (keep mine). Then the
    PUT, then another read that becomes the new baseline. A save is recorded in
    `history`. Raises ApiError when a request fails (a 422 also lands on the
    session's fields); edits stay in place.
    """
    rebase = session.rebase(await client.find_assistant(session.assistant_id))
    if rebase.conflicts and not force:
        raise SaveConflict(rebase.conflicts, rebase.adopted)
    problems = session.validate()
    if problems:
        raise SaveRefused(problems, rebase.adopted)
    body = session.body()
    changes = session.changes()
    result = SaveResult(sent=body, changes=changes, adopted=rebase.adopted)
    if not body:
        return result  # the server already holds every edit
    try:
        await client.update(session.assistant_id, body)
    except ValidationError as error:
        session.apply_server_errors(error.errors, error.said)
        raise
    if history is not None:
        try:
            history.append(client.host, session.assistant_id, session.name, changes)
        except OSError as error:
            result.history_error = f"the change was saved but not recorded in {history.path}: {error.strerror}"
    try:
        record = await client.find_assistant(session.assistant_id)
    except ApiError as error:
        # Saved, but the new baseline is unknown: take what was sent as the baseline.
        result.reread_error = error
        session.accept_sent()
        return result
    session.reset(record)
    result.differs = [
        Change(change.field, change.after, session.baseline[change.field])
        for change in changes
        if not same_value(change.field, change.after, session.baseline[change.field])
    ]
    return result
