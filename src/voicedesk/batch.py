"""Many assistants at once: one plan for every assistant a run touches, built on one
read of the list, then the writes, page by page, within the rate limit.

There is no GET for one assistant, so reading each before its write would read the
list once per assistant. Instead the list is read once for the plan (`read_account`);
the writes go page by page (`carry_out`): a page whose read is older than `FRESH_FOR`
is read again just before its assistants are written (their re-read: untouched remote
changes adopted, changes on both sides a conflict), and after its writes the page is
read once more to prove what the server took. Each assistant goes through the same
steps as a single save (`remote.prepare`, `send`, `verify`), so a batch keeps every
promise a save makes: only changed fields, conflicts named, nothing unverified called
saved, every save in the history. A failure on one assistant does not stop the others.

Headless: the CLI (`cli/many.py`) prints plans and outcomes; the client paces every
request (`api/rate.py`).
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from enum import Enum
from typing import Any

from voicedesk.api import ApiClient, ApiError, NetworkError, NotFoundError, Page, ProtocolError, ValidationError
from voicedesk.assigning import AssignProblem
from voicedesk.history import History
from voicedesk.remote import (
    LookupResult,
    SaveConflict,
    SaveRefused,
    SaveResult,
    load_lookups,
    prepare,
    send,
    session_for,
    settle_unconfirmed,
    verify,
)
from voicedesk.session import Change, Conflict, EditSession

# A page read older than this (seconds) is read again before its assistants are written:
# a write's basis stays at most a minute old, however long the pacing makes the run.
FRESH_FOR = 60.0


@dataclass
class Account:
    """The list as read once: every record, the page it is on and when that page was read."""

    host: str  # the client's: what the history and pulled files name
    records: dict[int, dict[str, Any]]
    page_of: dict[int, int]
    read_at: dict[int, float]  # page -> time.monotonic() of its read
    lookup_result: LookupResult

    def session(self, assistant_id: int) -> EditSession:
        return session_for(assistant_id, self.records[assistant_id], self.lookup_result)

    def saw(self, page: Page, read_at: float | None = None) -> None:
        self.read_at[page.current_page] = time.monotonic() if read_at is None else read_at
        for record in page.items:
            self.records[record["id"]] = record
            self.page_of[record["id"]] = page.current_page


# At most this many assistants, each on a page the hints remember, are looked for one
# by one (a request each while they have not moved) rather than by reading every page.
FEW = 10


async def read_account(client: ApiClient, on_page: Callable[[int, int], None] | None = None,
                       only: list[int] | None = None) -> Account:
    """Every assistant (the list read once) and the lookups, in parallel. `only`: the
    run needs no other assistants; a few whose pages are remembered are found on them."""
    if only and len({client.remembered_page(number) for number in only}) <= FEW \
            and all(client.remembered_page(number) for number in only):
        return await _read_few(client, sorted(set(only)))
    pages: list[tuple[Page, float]] = []

    def page_arrived(page: Page) -> None:
        pages.append((page, time.monotonic()))
        if on_page is not None:
            on_page(len(pages), page.last_page)

    _, lookup_result = await asyncio.gather(client.list_all(on_page=page_arrived), load_lookups(client))
    account = Account(client.host, {}, {}, {}, lookup_result)
    for page, read_at in pages:
        account.saw(page, read_at)
    return account


async def _read_few(client: ApiClient, ids: list[int]) -> Account:
    """The pages the hints remember for `ids` (each read once) and the lookups; an
    assistant no longer on its page is looked for; an id the account does not have is
    left out, as the whole list would leave it."""
    pages = sorted({client.remembered_page(number) or 1 for number in ids})
    read, lookup_result = await asyncio.gather(asyncio.gather(*(client.list_page(page) for page in pages)),
                                               load_lookups(client))
    account = Account(client.host, {}, {}, {}, lookup_result)
    for page in read:
        account.saw(page)
    for number in ids:
        if number in account.records:
            continue
        try:
            record = await client.find_assistant(number)  # it moved: looked for, nearest pages first
        except NotFoundError:
            continue
        page_number = client.remembered_page(number) or 1
        account.records[number], account.page_of[number] = record, page_number
        account.read_at[page_number] = time.monotonic()
    return account


@dataclass
class Wanted:
    """What one assistant should get: `fill` sets the values on its session (raising
    AssignProblem); `source` says where they come from (a file, the command line)."""

    assistant_id: int
    source: str
    fill: Callable[[EditSession], None]


@dataclass
class Planned:
    assistant_id: int
    source: str
    name: str | None = None  # as the list has it (None: not in the account)
    session: EditSession | None = None
    problem: str | None = None  # why it cannot be sent; the whole run then sends nothing

    @property
    def changes(self) -> list[Change]:
        return self.session.changes() if self.session is not None else []


def plan(account: Account, wanted: list[Wanted]) -> list[Planned]:
    """Each assistant's session holding its wanted values, or the problem that stops it."""
    planned: list[Planned] = []
    seen: dict[int, str] = {}
    for item in wanted:
        entry = Planned(item.assistant_id, item.source)
        planned.append(entry)
        if item.assistant_id in seen:
            entry.problem = f"assistant {item.assistant_id} is also in {seen[item.assistant_id]}; give it once."
            continue
        seen[item.assistant_id] = item.source
        if item.assistant_id not in account.records:
            entry.problem = f"assistant {item.assistant_id} is not in this account."
            continue
        session = account.session(item.assistant_id)
        entry.name = session.name
        try:
            item.fill(session)
        except AssignProblem as problem:
            entry.problem = str(problem)
            continue
        entry.problem = problem_text(session)
        if entry.problem is None:
            entry.session = session
    return planned


def problem_text(session: EditSession) -> str | None:
    """The session's broken rules as one line (None: none), named as its host names them."""
    problems = session.validate()
    return "; ".join(f"{session.fields[name].update_name if name in session.fields else name}: {message}"
                     for name, message in problems.items()) or None


class Status(Enum):
    SAVED = "saved"
    NOT_TAKEN = "not taken"  # answered 200, but a value read back differs
    UNCHANGED = "unchanged"  # the server held every value by the time of the write
    CONFLICT = "conflict"  # changed on the server meanwhile, differently: nothing sent
    REFUSED = "refused"  # a rule broken after adopting remote changes: nothing sent
    FAILED = "failed"  # a request failed: nothing saved
    MAYBE_SAVED = "maybe saved"  # the update went out and its answer was lost
    STOPPED = "not done"  # stopped (ctrl+c) before its turn


@dataclass
class Outcome:
    assistant_id: int
    name: str
    status: Status
    detail: str = ""  # one line: why, for every status but saved and unchanged
    result: SaveResult | None = None
    conflicts: list[Conflict] = field(default_factory=list)


# Told after each assistant: (done, of, the outcome just reached).
OnOutcome = Callable[[int, int, Outcome], None]


async def carry_out(
    client: ApiClient,
    account: Account,
    planned: list[Planned],
    *,
    force: bool = False,
    history: History | None = None,
    on_outcome: OnOutcome | None = None,
    stopping: Callable[[], bool] = lambda: False,
) -> list[Outcome]:
    """Write every planned session with changes, page by page (see the module's doc).
    `stopping` is asked before each assistant: once it says yes, the writes of the page
    under way are still verified and the rest are reported as not done."""
    work = [entry for entry in planned if entry.session is not None and entry.session.dirty]
    by_page: dict[int, list[EditSession]] = {}
    for entry in work:
        assert entry.session is not None
        by_page.setdefault(account.page_of[entry.assistant_id], []).append(entry.session)
    outcomes: list[Outcome] = []

    def reached(outcome: Outcome) -> None:
        outcomes.append(outcome)
        if on_outcome is not None:
            on_outcome(len(outcomes), len(work), outcome)

    for page_number in sorted(by_page):
        sessions = by_page[page_number]
        if stopping():
            for session in sessions:
                reached(Outcome(session.assistant_id, session.name, Status.STOPPED, "stopped before its turn."))
            continue
        fresh: PageRead
        read_at = account.read_at.get(page_number)
        if read_at is None or time.monotonic() - read_at > FRESH_FOR:
            try:
                page = await client.list_page(page_number)
                account.saw(page)
            except ApiError as error:
                fresh = error
            else:
                fresh = {record["id"]: record for record in page.items}
        else:
            fresh = {record_id: account.records[record_id] for record_id, page in account.page_of.items()
                     if page == page_number}
        sent: list[tuple[EditSession, SaveResult]] = []
        for session in sessions:
            if stopping():
                reached(Outcome(session.assistant_id, session.name, Status.STOPPED, "stopped before its turn."))
                continue
            written = await _write(client, session, fresh, force=force, history=history)
            if isinstance(written, Outcome):
                reached(written)
            else:
                sent.append((session, written))
        if sent:
            for outcome in await _verify_page(client, account, page_number, sent, history):
                reached(outcome)
    return outcomes


PageRead = dict[int, dict[str, Any]] | ApiError  # a page's records by id, or why it could not be read


async def _record_of(client: ApiClient, assistant_id: int, read: PageRead) -> dict[str, Any]:
    """The assistant's record from a page just read, else looked for (it moved pages);
    raises the page's ApiError when that read failed."""
    if isinstance(read, ApiError):
        raise read
    if assistant_id in read:
        return read[assistant_id]
    return await client.find_assistant(assistant_id)


async def _write(
    client: ApiClient, session: EditSession, fresh: PageRead,
    *, force: bool, history: History | None,
) -> Outcome | SaveResult:
    """One assistant's re-read, conflict check and update: its final outcome, or the
    result of an update sent and answered (its verify follows)."""
    number, name = session.assistant_id, session.name
    try:
        record = await _record_of(client, number, fresh)
    except ApiError as error:
        return Outcome(number, name, Status.FAILED, f"could not read it again before writing: {error.message}")
    try:
        result = prepare(session, record, force=force)
    except SaveConflict as conflict:
        names = ", ".join(session.fields[c.field].update_name for c in conflict.conflicts)
        return Outcome(number, session.name, Status.CONFLICT, f"{names} changed on the server meanwhile; "
                       "nothing sent (--force keeps your values).", conflicts=conflict.conflicts)
    except SaveRefused as refused:
        problems = "; ".join(f"{session.fields[k].update_name if k in session.fields else k}: {v}"
                             for k, v in refused.problems.items())
        return Outcome(number, session.name, Status.REFUSED,
                       f"after taking the server's newer values: {problems}; nothing sent.")
    if history is not None:
        result.earlier, result.history_error = settle_unconfirmed(history, client.host, session)
    if not result.sent:
        return Outcome(number, session.name, Status.UNCHANGED, "the server already holds these values.",
                       result)
    try:
        await send(client, session, result, history=history)
    except ValidationError as error:
        said = "; ".join(message for messages in error.errors.values() for message in messages) or error.message
        return Outcome(number, session.name, Status.FAILED, f"the server rejected it (422): {said}", result)
    except (NetworkError, ProtocolError) as error:
        return Outcome(number, session.name, Status.MAYBE_SAVED,
                       f"the answer was lost ({error.message}); the next read of it tells.", result)
    except ApiError as error:
        return Outcome(number, session.name, Status.FAILED, error.message, result)
    return result


async def _verify_page(
    client: ApiClient, account: Account, page_number: int,
    sent: list[tuple[EditSession, SaveResult]], history: History | None,
) -> list[Outcome]:
    """Read the page back once for every assistant written on it."""
    read: PageRead
    try:
        page = await client.list_page(page_number)
        account.saw(page)
        read = {record["id"]: record for record in page.items}
    except ApiError as error:
        read = error
    outcomes = []
    for session, result in sent:
        try:
            back: dict[str, Any] | ApiError = await _record_of(client, session.assistant_id, read)
        except ApiError as error:
            back = error
        verify(session, result, back, history=history, host=client.host)
        if isinstance(back, dict):
            account.records[session.assistant_id] = back
            client.remember_page(session.assistant_id, account.page_of[session.assistant_id])
        if result.not_taken:
            names = ", ".join(session.fields[c.field].update_name for c in result.not_taken)
            outcomes.append(Outcome(session.assistant_id, session.name, Status.NOT_TAKEN,
                                    f"answered 200 but does not hold {names}.", result))
        elif result.reread_error is not None:
            outcomes.append(Outcome(session.assistant_id, session.name, Status.SAVED,
                                    f"answered 200; reading it back failed ({result.reread_error.message}), "
                                    "so what it took is not proven.", result))
        else:
            outcomes.append(Outcome(session.assistant_id, session.name, Status.SAVED, "", result))
    return outcomes
