"""What the CLI and the TUI both do with the server: open an assistant, save it.

Kept here so both faces behave the same: the same requests, the same order, the
same handling of partial failures.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from enum import Enum
from typing import Any

from voicedesk import known_dialects
from voicedesk.api import ApiClient, ApiError, NetworkError, Page, ProtocolError, ReadOnlyError, ValidationError
from voicedesk.api.rate import API_RATE_LIMITS
from voicedesk.display import format_value
from voicedesk.fields import Dialect, Lookup, catalogue
from voicedesk.history import History
from voicedesk.records import Lookups
from voicedesk.session import Change, Conflict, EditSession, same_value


class Stage(Enum):
    """How far an operation has got, for what stopping it now would mean."""

    READING = "reading"  # nothing sent yet: stopping loses nothing
    SENDING = "sending"  # the update has gone out: stopping leaves it maybe saved
    SAVED = "saved"  # the server took the update; it is being read back


# Told what is going on as it happens: (stage, one line such as "page 3 of 100").
Progress = Callable[[Stage, str], None]


def _no_progress(stage: Stage, text: str) -> None:
    pass


def pages_read(doing: str, read: int, pages: int) -> str:
    """A scan's progress as one line: "Looking for assistant #7: page 3 of 40 (...)"."""
    burst, span = API_RATE_LIMITS[0]
    # More pages than one burst: the client's pacing makes the count pause now and then.
    paced = f" (the API allows {burst} requests per {span:g} s)" if pages > burst else ""
    return f"{doing}: page {read} of {pages}{paced}"


def _pages_read(progress: Progress, stage: Stage, doing: str) -> Callable[[int, int], None]:
    def on_page(read: int, pages: int) -> None:
        progress(stage, pages_read(doing, read, pages))

    return on_page


class Finding:
    """One assistant being looked for in the list, whose progress a screen can follow
    (`on_page`, set whenever) and which it can stop (`task.cancel()`)."""

    def __init__(self, client: ApiClient, assistant_id: int) -> None:
        self.on_page: Callable[[int, int], None] | None = None
        self.task: asyncio.Task[dict[str, Any]] = asyncio.create_task(
            client.find_assistant(assistant_id, on_page=self._page_read)
        )

    def _page_read(self, read: int, pages: int) -> None:
        if self.on_page is not None:
            self.on_page(read, pages)


@dataclass
class LookupResult:
    lookups: Lookups
    failures: dict[str, ApiError] = field(default_factory=dict)  # which list, why
    dialect: DialectDecision | None = None


@dataclass(frozen=True)
class DialectDecision:
    dialect: Dialect
    reason: str  # one line: how it was decided

    def __str__(self) -> str:
        return f"dialect {self.dialect.value} ({self.reason})"


def parse_dialect_choice(text: str) -> Dialect | None:
    """ "2025", "2026" or "auto" (None); a ValueError says what is allowed."""
    if text == "auto":
        return None
    try:
        return Dialect(text)
    except ValueError:
        raise ValueError(f"dialect {text!r} is not one of 2025, 2026, auto.") from None


def decide_dialect(pinned: Dialect | None, pinned_by: str, carry_mode: dict[str, bool | None],
                   voice_failure: ApiError | None) -> DialectDecision:
    """The dialect to speak: as pinned, or told by the voice records' shape (a 2025
    host's carry a mode, a 2026 host's do not; api-contract.md, "Voices")."""
    if pinned is not None:
        return DialectDecision(pinned, f"set by {pinned_by}")
    told = [shape for shape in carry_mode.values() if shape is not None]
    if told:
        if all(told):
            return DialectDecision(Dialect.D2025, "detected: the host's voice records carry a mode")
        return DialectDecision(Dialect.D2026, "detected: the host's voice records carry no mode")
    why = "its voices did not load" if voice_failure else "it lists no voices"
    return DialectDecision(Dialect.D2026, f"assumed, the platform's current one: {why}, which tell the "
                                          "dialect; set --dialect if the host speaks 2025")


async def detect_dialect(client: ApiClient) -> DialectDecision:
    """What the host's voice records tell (two reads; nothing written), whatever is set."""
    shapes: dict[str, bool | None] = {}
    failure = None
    for mode in ("pipeline", "multimodal"):
        try:
            shapes[mode] = (await client.voices_and_shape(mode))[1]
        except ApiError as error:
            failure = error
    return decide_dialect(None, "", shapes, failure)


def choice_of(client: ApiClient) -> Dialect | None:
    """The dialect the client's settings pin (None: auto)."""
    return parse_dialect_choice(client.dialect_choice)


# The 2026 lists a form needs, by `Lookup` value: (path, params).
_NAMED_2026 = {
    Lookup.TOOLS.value: ("/user/tools", None),
    Lookup.KNOWLEDGE_BASES.value: ("/user/knowledgebases", None),
    Lookup.FOLDERS.value: ("/user/folders", {"per_page": "100"}),
    Lookup.LABELS.value: ("/user/labels", {"per_page": "100"}),
}


async def load_lookups(client: ApiClient) -> LookupResult:
    """Every lookup list at once; one that fails stays None and is reported. Unless the
    client's settings pin the dialect, the voices decide it, and the lists only a 2026
    host has follow."""
    pinned = parse_dialect_choice(client.dialect_choice)
    pinned_by = "the settings (--dialect, VOICEDESK_DIALECT or the profile)"
    calls: dict[str, Awaitable[Any]] = {
        "pipeline voices": client.voices_and_shape("pipeline"),
        "multimodal voices": client.voices_and_shape("multimodal"),
        "languages": client.languages(),
        "models": client.models(),
        "inbound numbers": client.phone_numbers("inbound"),
        "outbound numbers": client.phone_numbers("outbound"),
    }
    if pinned is Dialect.D2026:
        calls.update(_calls_2026(client))
    loaded, failures = await _gather(calls)
    if pinned is None:
        carry: dict[str, bool | None] = {
            name: loaded[name][1] for name in ("pipeline voices", "multimodal voices") if name in loaded}
        voice_failure = failures.get("pipeline voices") or failures.get("multimodal voices")
        decision = decide_dialect(None, "", carry, voice_failure)
        if decision.reason.startswith("detected"):
            known_dialects.remember(client.host, decision.dialect)
        elif voice_failure is not None and (earlier := known_dialects.recalled(client.host)) is not None:
            decision = DialectDecision(earlier, "as this host's voices told before: they did not load now")
        # The lists only a 2026 host has; not on a guess made while its voices failed.
        if decision.dialect is Dialect.D2026 and not (voice_failure and decision.reason.startswith("assumed")):
            more, more_failures = await _gather(_calls_2026(client))
            loaded.update(more)
            failures.update(more_failures)
    else:
        decision = decide_dialect(pinned, pinned_by, {}, None)
    voices = None
    if "pipeline voices" in loaded and "multimodal voices" in loaded:
        voices = loaded["pipeline voices"][0] + loaded["multimodal voices"][0]
        if "dualplex voices" in loaded:
            voices += loaded["dualplex voices"][0]
    named = {lookup: loaded[lookup] for lookup in _NAMED_2026 if lookup in loaded}
    if "multimodal models" in loaded and "dualplex models" in loaded:
        named[Lookup.MULTIMODAL_MODELS.value] = loaded["multimodal models"] + loaded["dualplex models"]
    lookups = Lookups(
        voices=voices,
        languages=loaded.get("languages"),
        models=loaded.get("models"),
        inbound_numbers=loaded.get("inbound numbers"),
        outbound_numbers=loaded.get("outbound numbers"),
        named=named,
    )
    return LookupResult(lookups, failures, decision)


def _calls_2026(client: ApiClient) -> dict[str, Awaitable[Any]]:
    calls: dict[str, Awaitable[Any]] = {
        "dualplex voices": client.voices_and_shape("dualplex"),
        "multimodal models": client.models("multimodal"),
        "dualplex models": client.models("dualplex"),
    }
    for lookup, (path, params) in _NAMED_2026.items():
        calls[lookup] = client.named_list(path, params)
    return calls


# The 2026 lists that depend on the assistant's language, by `Lookup` value: their path.
_PER_LANGUAGE = {
    Lookup.SYNTHESIZERS.value: "/user/assistants/synthesizer-providers",
    Lookup.TRANSCRIBERS.value: "/user/assistants/transcriber-providers",
}


async def load_providers(client: ApiClient, lookups: Lookups, language: object) -> dict[str, ApiError]:
    """The providers a language (by name) offers, into `lookups.providers`; lists loaded
    before are not asked again. What failed is returned, by list."""
    language_id = lookups.language_id(language)
    if language_id is None:
        return {}  # a language the list does not have: its provider stays a typed id
    calls = {
        lookup: client.named_list(path, {"language_id": str(language_id)})
        for lookup, path in _PER_LANGUAGE.items() if (lookup, language_id) not in lookups.providers
    }
    loaded, failures = await _gather(calls)
    for lookup, entries in loaded.items():
        lookups.providers[(lookup, language_id)] = entries
    return failures


async def _gather(calls: Mapping[str, Awaitable[Any]]) -> tuple[dict[str, Any], dict[str, ApiError]]:
    results = await asyncio.gather(*calls.values(), return_exceptions=True)
    loaded: dict[str, Any] = {}
    failures: dict[str, ApiError] = {}
    for name, result in zip(calls, results, strict=True):
        if isinstance(result, ApiError):
            failures[name] = result
        elif isinstance(result, BaseException):
            raise result
        else:
            loaded[name] = result
    return loaded, failures


@dataclass
class FirstReads:
    """The reads the TUI's first screen waits for, in flight as soon as they are started:
    the editor's assistant and lists, or the picker's first page of assistants."""

    assistant: Finding | None = None
    lookups: asyncio.Task[LookupResult] | None = None
    first_page: asyncio.Task[Page] | None = None

    @classmethod
    def start(cls, client: ApiClient, assistant_id: int | None) -> FirstReads:
        if assistant_id is None:
            # Only the list: its pages take the rate limit's first window, the lists wait.
            return cls(first_page=asyncio.create_task(client.list_page(1)))
        return cls(
            assistant=Finding(client, assistant_id),
            lookups=asyncio.create_task(load_lookups(client)),
        )


async def open_session(
    client: ApiClient, assistant_id: int, progress: Progress = _no_progress
) -> tuple[EditSession, LookupResult]:
    """Find the assistant and load the lookups in parallel (one round trip, not two)."""
    looking = f"Looking for assistant #{assistant_id}"
    progress(Stage.READING, looking)
    record, lookup_result = await asyncio.gather(
        client.find_assistant(assistant_id, on_page=_pages_read(progress, Stage.READING, looking)),
        load_lookups(client),
    )
    return session_for(assistant_id, record, lookup_result), lookup_result


def session_for(assistant_id: int, record: dict[str, Any], lookup_result: LookupResult) -> EditSession:
    """An edit session in the dialect the lookups decided."""
    dialect = lookup_result.dialect.dialect if lookup_result.dialect else Dialect.D2025
    return EditSession(assistant_id, record, lookup_result.lookups, catalogue(dialect))


@dataclass
class SaveResult:
    sent: dict[str, Any]
    changes: list[Change]
    # Remote changes to fields the user had not touched, taken before sending.
    adopted: list[Change] = field(default_factory=list)
    # Sent fields the server did not take (its 200 notwithstanding): `before` is the
    # value sent, which the session keeps as an unsaved edit, `after` what the server
    # holds. An error, not a detail: see `SaveResult.taken`.
    not_taken: list[Change] = field(default_factory=list)
    # Sent fields the list does not report, so no re-read can prove them.
    unverified: list[Change] = field(default_factory=list)
    reread_error: ApiError | None = None
    history_error: str | None = None
    # An earlier update of this assistant whose answer was lost, which this save's
    # fresh read showed the server holds: its changes, now recorded in the history.
    earlier: list[Change] = field(default_factory=list)


    @property
    def taken(self) -> list[Change]:
        """The changes the server now holds."""
        missing = {change.field for change in self.not_taken}
        return [change for change in self.changes if change.field not in missing]

    @property
    def nothing_taken(self) -> bool:
        """Something was sent and none of it taken: a sign the host speaks another dialect."""
        return bool(self.sent) and bool(self.not_taken) and not self.taken


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
    client: ApiClient,
    session: EditSession,
    *,
    force: bool = False,
    history: History | None = None,
    progress: Progress = _no_progress,
) -> SaveResult:
    """Send the changed fields, never overwriting someone else's change unasked.

    First a fresh read: remote changes to untouched fields are adopted, and a field
    changed on both sides raises SaveConflict unless `force` (keep mine). Then the
    PUT, then another read that becomes the new baseline. A save is recorded in
    `history`, and so is an earlier update whose answer was lost once the fresh read
    shows that it was saved (`SaveResult.earlier`). Raises ApiError when a request
    fails (a 422 also lands on the session's fields); edits stay in place. `progress`
    hears each stage before it starts, and the pages of each read. A client of a
    read-only profile raises ReadOnlyError first: every save comes through here.
    """
    if client.write_refusal:
        raise ReadOnlyError(client.write_refusal)
    number = session.assistant_id
    reading = f"Reading assistant #{number} again before sending"
    progress(Stage.READING, reading)
    fresh = await client.find_assistant(number, on_page=_pages_read(progress, Stage.READING, reading))
    result = prepare(session, fresh, force=force)
    if history is not None:
        result.earlier, result.history_error = settle_unconfirmed(history, client.host, session)
    if not result.sent:
        return result  # the server already holds every edit
    await send(client, session, result, history=history, progress=progress)
    reading = f"Saved; reading assistant #{number} back"
    progress(Stage.SAVED, reading)
    try:
        record = await client.find_assistant(number, on_page=_pages_read(progress, Stage.SAVED, reading))
    except ApiError as error:
        verify(session, result, error, history=history, host=client.host)
        return result
    verify(session, result, record, history=history, host=client.host)
    return result


def prepare(session: EditSession, fresh: dict[str, Any], *, force: bool = False) -> SaveResult:
    """The first step of a save, on a fresh read of the assistant: remote changes to
    untouched fields are adopted, a field changed on both sides raises SaveConflict
    unless `force`, a rule broken by then raises SaveRefused. Returns what is to be
    sent (an empty body: the server holds every edit already)."""
    rebase = session.rebase(fresh)
    if rebase.conflicts and not force:
        raise SaveConflict(rebase.conflicts, rebase.adopted)
    problems = session.validate()
    if problems:
        raise SaveRefused(problems, rebase.adopted)
    return SaveResult(sent=session.body(), changes=session.changes(), adopted=rebase.adopted)


async def send(client: ApiClient, session: EditSession, result: SaveResult, *,
               history: History | None = None, progress: Progress = _no_progress) -> None:
    """The update of a prepared save. A 422 lands on the session's fields; an answer
    lost on the way (the update may have been saved) is noted aside in the history for
    the next fresh read to settle. Both raise."""
    if client.write_refusal:
        raise ReadOnlyError(client.write_refusal)
    changes = result.changes
    progress(Stage.SENDING, f"Sending {len(changes)} change{'s' if len(changes) != 1 else ''}")
    try:
        await client.update(session.assistant_id, result.sent)
    except ValidationError as error:
        session.apply_server_errors(error.errors, error.said)
        raise
    except (NetworkError, ProtocolError):
        if history is not None:
            with contextlib.suppress(OSError):  # then it is only not recorded later
                history.note_unconfirmed(client.host, session.assistant_id, session.name, changes)
        raise


def verify(session: EditSession, result: SaveResult, read_back: dict[str, Any] | ApiError, *,
           history: History | None, host: str) -> None:
    """The last step of a save: the assistant read back after its update (or why it
    could not be) becomes the baseline; what the server did not take stays an unsaved
    edit (`result.not_taken`), and what it took is recorded in the history."""
    changes = result.changes
    if isinstance(read_back, ApiError):
        # Answered 200, but what it holds is unknown: what was sent is the baseline.
        result.reread_error = read_back
        session.accept_sent()
        _record(result, history, host, session, changes)
        return
    session.reset(read_back)
    # What the list does not report cannot be checked: what was sent stands for it.
    result.unverified = [change for change in changes if change.field in session.unreported]
    session.assume_sent([change.field for change in result.unverified],
                        {change.field: change.after for change in result.unverified})
    result.not_taken = [
        Change(change.field, change.after, session.baseline[change.field])
        for change in changes
        if not same_value(change.field, change.after, session.baseline[change.field])
    ]
    # A 200 is no proof: a server that ignores a key (one of another dialect, say)
    # answers 200 too. Whatever it did not take stays the user's unsaved edit.
    for change in result.not_taken:
        session.set(change.field, change.before)
    session.journal.clear()  # a save starts the undo afresh, as a fresh read does
    session.mark_not_taken({
        change.field: f"The server answered 200 but did not take this value: it holds "
                      f"{format_value(change.field, change.after, session.lookups, width=40)}."
        for change in result.not_taken
    })
    _record(result, history, host, session, result.taken)


def _record(result: SaveResult, history: History | None, host: str, session: EditSession,
            changes: list[Change]) -> None:
    if history is None or not changes:
        return
    try:
        history.append(host, session.assistant_id, session.name, changes)
    except OSError as error:
        result.history_error = f"the change was saved but not recorded in {history.path}: {error.strerror}"


def settle_unconfirmed(history: History, host: str, session: EditSession) -> tuple[list[Change], str | None]:
    """After a fresh read into `session`: settle the update of this assistant whose
    answer was lost, if there is one. When the server holds every value it sent, it was
    saved: it is recorded in the history (once) and its changes are returned. Either
    way it is no longer kept aside. Returns a message when the history could not be
    written."""
    earlier = history.unconfirmed(host, session.assistant_id)
    if earlier is None:
        return [], None
    saved = bool(earlier.changes) and all(
        change.field in session.baseline and same_value(change.field, session.baseline[change.field], change.after)
        for change in earlier.changes
    )
    try:
        history.forget_unconfirmed(host, session.assistant_id)  # first: recorded at most once
    except OSError as error:
        return [], f"an earlier save's outcome could not be recorded in {history.path}: {error.strerror or error}"
    if not saved:
        return [], None
    try:
        history.append(host, session.assistant_id, session.name, earlier.changes)
    except OSError as error:
        return earlier.changes, f"the earlier save was not recorded in {history.path}: {error.strerror or error}"
    return earlier.changes, None
