"""The HTTP client of the assistant API (see shared/api-contract.md): requests, retries,
the rate limits, paging and the lookups.

One `httpx.AsyncClient` per `async with ApiClient(...)` session. Every failure comes
out as an `ApiError` subclass whose message an operator can act on (worded in
`wording.py`; what an answer's headers say about waiting is read in `answer.py`); the
API key is kept out of every message, repr, log line and traceback.
"""

from __future__ import annotations

import asyncio
import dataclasses
import ipaddress
import json
import logging
import time
from collections.abc import AsyncGenerator, Awaitable, Callable, Iterable, Iterator
from contextlib import aclosing
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from voicedesk.speed import in_background, without_httpx_command_line

without_httpx_command_line()

import httpx  # noqa: E402

from voicedesk import __version__
from voicedesk.records import (
    Account,
    Language,
    LlmModel,
    Named,
    PhoneNumber,
    Record,
    RecordError,
    Voice,
    read_account,
    read_records,
)
from voicedesk.secret import Secret
from voicedesk.settings import DEFAULT_TIMEOUT, Settings, SettingsError, check_base_url

from .answer import Answer, RateHeadroom, headroom, int_header, reset_in, retry_after
from .errors import ApiError, AuthError, NotFoundError, ProtocolError
from .rate import API_RATE_LIMITS, RateGate
from .wording import MAYBE_SAVED, Wording, describe

if TYPE_CHECKING:
    from voicedesk.pagehints import PageHints

log = logging.getLogger("voicedesk.api")

LIST_PATH = "/api/user/assistants/get"
UPDATE_PATH = "/api/user/assistant/{id}"
LOOKUP_PATH = "/api/user/assistants/{name}"
ACCOUNT_PATH = "/api/user/me"

RETRY_STATUSES = frozenset({429, 502, 503})
# Pages in flight at once (a task is made only when a slot frees up); the rate gate
# keeps the burst inside the API's limits.
PAGE_CONCURRENCY = 20
# The page size every caller uses; remembered pages (`PageHints`) are pages of this size.
PER_PAGE = 100
# The most an answer may be, decoded. The largest real page is about 20 MB (100
# assistants with 200 KB prompts each); JSON's \u escapes can make non-Latin text up
# to six times longer. Past this the answer is a fault, not data.
MAX_ANSWER_BYTES = 128 * 1024 * 1024
# How long to hold requests when X-RateLimit-Remaining hits 0 and the server gives
# no reset time; a 429 that still follows is retried with its own Retry-After.
EXHAUSTED_PAUSE = 1.0


class _TooLarge(Exception):
    """An answer past MAX_ANSWER_BYTES."""


@dataclass(frozen=True)
class Page:
    """One page of the assistant list (a Laravel paginator)."""

    items: list[dict[str, Any]]
    current_page: int
    last_page: int
    total: int
    per_page: int


class ApiClient:
    """Talks to one host of the assistant API with one API key."""

    def __init__(
        self,
        base_url: str,
        api_key: str,
        *,
        deadline: float = DEFAULT_TIMEOUT,
        timeout: float = 10.0,
        connect_timeout: float = 5.0,
        max_retries: int = 3,
        backoff: float = 0.25,
        max_retry_after: float = 30.0,
        rate_limits: tuple[tuple[int, float], ...] = API_RATE_LIMITS,
        transport: httpx.AsyncBaseTransport | None = None,
        hints: PageHints | None = None,
        label: str | None = None,
        dialect: str = "auto",
        write_refusal: str | None = None,
    ) -> None:
        """`deadline`: seconds one request may take from sending to the last byte of its
        answer (`timeout` bounds each wait for data, `connect_timeout` the connection).
        `hints`: where assistants were found before, to look there first. `label`: the
        name of the host for people and for what is kept per host (see `host`).
        `write_refusal`: why nothing may be saved through this client (a read-only
        profile), which `remote.save` says instead of sending; None: saving is allowed."""
        self.base_url = base_url.strip().rstrip("/")
        self._api_key = Secret(api_key.strip())
        del api_key  # a traceback that shows locals must not show the key
        if not _is_sendable_key(self._api_key):
            raise AuthError(
                "The API key is empty or holds spaces, line breaks or non-ASCII characters. "
                "Check --api-key or VOICEDESK_API_KEY (copy the key whole)."
            )
        self._url = _parse_base_url(self.base_url)
        self._label = label
        self.dialect_choice = dialect  # "2025", "2026" or "auto": see remote.load_lookups
        self.write_refusal = write_refusal
        self._timeout = httpx.Timeout(timeout, connect=connect_timeout)
        self._deadline = deadline
        self._wording = Wording(self.base_url, self.address, self._api_key, self._timeout, deadline)
        self._hints = hints
        self._max_retries = max_retries
        self._backoff = backoff
        self._max_retry_after = max_retry_after
        self._transport = transport
        # Proxy and certificate settings from the environment would also catch the sandbox.
        self._trust_env = not _is_loopback(self._url.host)
        # The CA bundle loads meanwhile (voicedesk.speed).
        self._tls_context = (None if transport else
                             in_background(httpx.create_ssl_context, trust_env=self._trust_env))
        self._http: httpx.AsyncClient | None = None
        # Monotonic time before which no request starts (the server said to wait).
        self._paused_until = 0.0
        self._gate = RateGate(rate_limits)
        # The rate-limit headers of the last answer (None: it sent none), for `doctor`.
        self.headroom: RateHeadroom | None = None

    def __repr__(self) -> str:
        return f"ApiClient({self.base_url!r})"

    @classmethod
    def for_settings(cls, settings: Settings, hints: PageHints | None = None) -> ApiClient:
        return cls(settings.base_url, settings.api_key.reveal(), deadline=settings.timeout, hints=hints,
                   label=settings.label, dialect=settings.dialect, write_refusal=settings.write_refusal)

    @property
    def host(self) -> str:
        """The host as people name it, and as drafts, the history and page hints are kept:
        its label, else its address."""
        return self._label or self.address

    @property
    def address(self) -> str:
        """host[:port] of the base URL: where requests go."""
        host = self._url.host
        if ":" in host:  # IPv6 literal
            host = f"[{host}]"
        return f"{host}:{self._url.port}" if self._url.port else host

    async def __aenter__(self) -> ApiClient:
        if self._http is not None:
            raise RuntimeError("This ApiClient session is already open.")
        self._http = httpx.AsyncClient(
            base_url=self.base_url,
            headers={
                "Authorization": f"Bearer {self._api_key.reveal()}",
                "Accept": "application/json",
                "Content-Type": "application/json",
                "User-Agent": f"voicedesk/{__version__} (+httpx)",
            },
            timeout=self._timeout,
            transport=self._transport,
            verify=self._tls_context.result() if self._tls_context else True,
            trust_env=self._trust_env,
        )
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        http, self._http = self._http, None
        if http is not None:
            await http.aclose()

    # -- assistants ---------------------------------------------------------------

    async def list_page(self, page: int = 1, per_page: int = PER_PAGE) -> Page:
        params = {"per_page": per_page, "page": page}
        body = await self._get_json(LIST_PATH, params)
        found = self._parse_page(body, page, per_page)
        if self._hints is not None and per_page == PER_PAGE:
            self._hints.saw(self.host, page, [item["id"] for item in found.items])
        return found

    async def list_all(
        self,
        per_page: int = PER_PAGE,
        on_page: Callable[[Page], None] | None = None,
        first_page: Awaitable[Page] | None = None,
    ) -> list[dict[str, Any]]:
        """Every assistant, ordered by page; `on_page` sees each page as it arrives.
        `first_page`: page 1 (of `per_page`), when it was requested already."""
        first = await (first_page or self.list_page(1, per_page))
        items_by_page = {1: first.items}
        if on_page:
            on_page(first)
        async with aclosing(self._pages(range(2, first.last_page + 1), per_page)) as later:
            async for page in later:
                items_by_page[page.current_page] = page.items
                if on_page:
                    on_page(page)
        return [item for number in sorted(items_by_page) for item in items_by_page[number]]

    async def find_assistant(
        self,
        assistant_id: int,
        per_page: int = PER_PAGE,
        on_page: Callable[[int, int], None] | None = None,
    ) -> dict[str, Any]:
        """The list record of one assistant (the API has no GET for a single one).

        It looks first on the page where the hints last saw it (one request when it has
        not moved), else on page 1, then on the other pages, nearest first. `on_page`
        is told (pages read, pages in all) after each page.
        """
        hints = self._hints if per_page == PER_PAGE else None
        start = (hints.page(self.host, assistant_id) if hints else None) or 1
        first = await self.list_page(start, per_page)
        read = 1
        if on_page:
            on_page(read, first.last_page)
        if (found := _find_by_id(first.items, assistant_id)) is not None:
            if hints:
                hints.found(self.host, assistant_id, start)
            return found
        async with aclosing(self._pages(_nearest_first(start, first.last_page), per_page)) as later:
            async for page in later:
                read += 1
                if on_page:
                    on_page(min(read, first.last_page), first.last_page)
                if (found := _find_by_id(page.items, assistant_id)) is not None:
                    if hints:
                        hints.found(self.host, assistant_id, page.current_page)
                    return found  # leaving the block cancels the pages still in flight
        raise NotFoundError(f"Assistant {assistant_id} was not found in this account.")

    def remembered_page(self, assistant_id: int) -> int | None:
        """The page of the list (of PER_PAGE) where the hints last saw the assistant."""
        return self._hints.page(self.host, assistant_id) if self._hints is not None else None

    def remember_page(self, assistant_id: int, page: int) -> None:
        """The hints keep where an assistant was found (for the next run, too)."""
        if self._hints is not None:
            self._hints.found(self.host, assistant_id, page)

    async def update(self, assistant_id: int, body: dict[str, Any]) -> dict[str, Any]:
        """PUT only the given fields; returns the answer's "data" ({} if absent). Never retried."""
        # Compact and exact: a one-field save sends exactly {"field":value}.
        content = json.dumps(body, separators=(",", ":"), ensure_ascii=False, allow_nan=False)
        path = UPDATE_PATH.format(id=assistant_id)
        response = await self._request("PUT", path, content=content.encode())
        if not response.content:
            return {}
        answer = self._json(response, "PUT", path)
        if not isinstance(answer, dict):
            raise ProtocolError(
                f"The server answered PUT {path} with {describe(answer)} instead of a JSON "
                f"object. {MAYBE_SAVED}",
                status=response.status_code,
            )
        data = answer.get("data", {})
        if not isinstance(data, dict) or not ("message" in answer or "data" in answer):
            # Not the documented {"message", "data": {...}}: success cannot be assumed.
            raise ProtocolError(
                f"The server answered PUT {path} with a JSON object of an unexpected shape. "
                f"{MAYBE_SAVED}",
                status=response.status_code,
            )
        return data

    # -- the account ----------------------------------------------------------------

    async def account(self) -> Account:
        """The key's account (GET /user/me): the cheapest request that proves a key works."""
        body = await self._get_json(ACCOUNT_PATH, None)
        # Documented bare; a host may wrap it as {"data": {...}}, as it may the lists.
        if isinstance(body, dict) and isinstance(body.get("data"), dict) and not body.keys() & {"name", "email"}:
            body = body["data"]
        if not isinstance(body, dict):
            raise ProtocolError(
                f"The server answered GET {ACCOUNT_PATH} with {describe(body)}; expected a JSON "
                f"object. {self._wording.base_url_hint()}"
            )
        return read_account(body)

    # -- lookups ------------------------------------------------------------------

    async def voices(self, mode: str | None = None) -> list[Voice]:
        return (await self.voices_and_shape(mode))[0]

    async def voices_and_shape(self, mode: str | None = None) -> tuple[list[Voice], bool | None]:
        """The voices listed for `mode`, and whether their records carry a mode (a 2025
        host's do, a 2026 host's do not; None: no voice to tell by). A voice without
        one gets the mode it was listed for."""
        voices = await self._lookup("voices", Voice, {"mode": mode} if mode else None)
        carry_mode = None if not voices else any(voice.mode is not None for voice in voices)
        if mode:
            voices = [voice if voice.mode is not None else dataclasses.replace(voice, mode=mode)
                      for voice in voices]
        return voices, carry_mode

    async def languages(self) -> list[Language]:
        return await self._lookup("languages", Language)

    async def models(self, type: str | None = None) -> list[LlmModel]:
        """The LLM models; on a 2026 host `type` asks for multimodal or dualplex ones."""
        return await self._lookup("models", LlmModel, {"type": type} if type else None)

    async def phone_numbers(self, type: str | None = None) -> list[PhoneNumber]:
        return await self._lookup("phone-numbers", PhoneNumber, {"type": type} if type else None)

    async def named_list(self, path: str, params: dict[str, str] | None = None) -> list[Named]:
        """A 2026 list of named entries: `/user/tools`, `/user/knowledgebases`,
        `/user/folders`, `/user/labels` (their first 100), the providers."""
        return await self._list(f"/api{path}", Named, params)

    async def _lookup(
        self, name: str, record: type[Record], params: dict[str, str] | None = None
    ) -> list[Record]:
        return await self._list(LOOKUP_PATH.format(name=name), record, params)

    async def _list(
        self, path: str, record: type[Record], params: dict[str, str] | None = None
    ) -> list[Record]:
        response = await self._request("GET", path, params=params)
        body = self._json(response, "GET", path)
        # Documented as a bare array; some hosts wrap it as {"data": [...]}.
        items = body.get("data") if isinstance(body, dict) else body
        if not isinstance(items, list):
            raise ProtocolError(
                f"The server answered GET {path} with {describe(body)}; expected a JSON array "
                f'(or an object with a "data" array). {self._wording.base_url_hint()}'
            )
        try:
            return read_records(record, items)
        except RecordError as error:  # names the key, never the server's data
            raise ProtocolError(
                f"The server answered GET {path} with a record the client cannot read ({error})."
            ) from None

    # -- paging -------------------------------------------------------------------

    async def _pages(self, numbers: Iterable[int], per_page: int) -> AsyncGenerator[Page]:
        """The pages `numbers` names, yielded in the order they arrive, with at most
        PAGE_CONCURRENCY in flight: a page's task is made only when a slot is free, so
        a page 1 claiming millions of pages costs no more memory than one with two."""
        numbers = iter(numbers)
        in_flight: set[asyncio.Task[Page]] = set()
        try:
            while True:
                while len(in_flight) < PAGE_CONCURRENCY and (number := next(numbers, None)) is not None:
                    in_flight.add(asyncio.create_task(self.list_page(number, per_page)))
                if not in_flight:
                    return
                done, in_flight = await asyncio.wait(in_flight, return_when=asyncio.FIRST_COMPLETED)
                failures = [error for task in done if (error := task.exception()) is not None]
                if failures:
                    raise failures[0]
                for task in sorted(done, key=lambda task: task.result().current_page):
                    yield task.result()
        finally:
            for task in in_flight:
                task.cancel()
            await asyncio.gather(*in_flight, return_exceptions=True)

    def _parse_page(self, body: Any, page: int, per_page: int) -> Page:
        def wrong(expected: str) -> ProtocolError:
            return ProtocolError(
                f"The server answered page {page} of the assistant list with JSON of an "
                f"unexpected shape: expected {expected}. {self._wording.base_url_hint()}"
            )

        if not isinstance(body, dict):
            raise wrong(f'an object with a "data" list, got {describe(body)}')
        items = body.get("data")
        if not isinstance(items, list):
            raise wrong(f'"data" to be a list, got {describe(items)}')
        for position, item in enumerate(items, start=1):
            if not isinstance(item, dict) or not _is_int(item.get("id")):
                raise wrong(f'every item of "data" to be an object with an integer "id" '
                            f"(item {position} is not)")
        for key in ("current_page", "last_page", "total"):
            if not _is_int(body.get(key)):
                raise wrong(f'an integer "{key}", got {describe(body.get(key))}')
        if body["current_page"] != page:
            # A server that ignores ?page= would otherwise repeat page 1 silently.
            raise wrong(f"page {page}, got page {body['current_page']}")
        # Some Laravel versions send per_page as the query's string: then it is ours.
        size = body["per_page"] if _is_int(body.get("per_page")) else per_page
        last_page, total = body["last_page"], body["total"]
        if size < 1 or total < 0 or last_page < 1:
            raise wrong(f"a positive per_page and last_page and a total of 0 or more, got "
                        f"per_page {size}, last_page {last_page}, total {total}")
        # Laravel's last_page is ceil(total / per_page), at least 1. A page count beyond
        # that (and a slip of one either way) is not believed: it would be scanned.
        pages = max(1, -(-total // size))
        if abs(last_page - pages) > 1:
            raise ProtocolError(
                f"The server's page {page} of the assistant list does not add up: it says "
                f"last_page {last_page}, but {total} assistants at {size} per page make "
                f"{pages} page{'s' if pages != 1 else ''}. {self._wording.base_url_hint()}"
            )
        return Page(items=items, current_page=page, last_page=last_page, total=total, per_page=size)

    # -- HTTP ---------------------------------------------------------------------

    async def _get_json(self, path: str, params: dict[str, Any] | None) -> Any:
        response = await self._request("GET", path, params=params)
        return self._json(response, "GET", path)

    async def _request(
        self,
        method: str,
        path: str,
        *,
        params: dict[str, Any] | None = None,
        content: bytes | None = None,
    ) -> Answer:
        """Send one request (GETs with retries); return a 2xx answer or raise."""
        http = self._session()
        retries_left = self._max_retries if method == "GET" else 0
        timeout_retried = False
        attempts = 0
        while True:
            attempts += 1
            sent = await self._wait_for_rate_limit()
            request = http.build_request(method, path, params=params, content=content)
            started = time.perf_counter()
            try:
                response = await self._exchange(http, request)
            except httpx.RequestError as failure:
                self._log(request, type(failure).__name__, started)
                if isinstance(failure, httpx.ConnectError):
                    self._gate.release(sent)  # it never reached the server
                else:
                    self._gate.answered(sent, time.monotonic())
                is_timeout = isinstance(failure, httpx.TimeoutException)
                if retries_left and _is_retryable(failure) and not (is_timeout and timeout_retried):
                    retries_left -= 1
                    timeout_retried |= is_timeout
                    await asyncio.sleep(self._backoff * 2 ** (attempts - 1))
                    continue
                raise self._wording.network_failure(failure, method, attempts) from None
            except TimeoutError:
                # Not retried: a server this slow would take as long again.
                self._gate.answered(sent, time.monotonic())
                self._log(request, "past the deadline", started)
                raise self._wording.past_deadline(request) from None
            except _TooLarge:
                self._gate.answered(sent, time.monotonic())
                self._log(request, "answer too large", started)
                raise self._wording.too_large(request, MAX_ANSWER_BYTES) from None
            self._gate.answered(sent, time.monotonic())
            self._log(request, str(response.status_code), started)
            self._note_rate_limit(response)
            self.headroom = headroom(response)
            if response.is_success:
                return response
            if response.status_code in RETRY_STATUSES and retries_left:
                delay = retry_after(response)
                if delay is None:
                    delay = self._backoff * 2 ** (attempts - 1)
                if delay <= self._max_retry_after:
                    retries_left -= 1
                    await asyncio.sleep(delay)
                    continue
            raise self._wording.from_response(response, method, path)

    async def _exchange(self, http: httpx.AsyncClient, request: httpx.Request) -> Answer:
        """Send `request` and read its answer whole, within the deadline (else
        TimeoutError: the per-read timeout alone lets a server that trickles a byte now
        and then hold a request forever) and the size cap (else _TooLarge), streamed so
        that an endless answer is never held."""
        async with asyncio.timeout(self._deadline):
            response = await http.send(request, stream=True)
            try:
                declared = response.headers.get("Content-Length", "")
                if declared.isdigit() and int(declared) > MAX_ANSWER_BYTES:
                    raise _TooLarge
                body = bytearray()
                async for chunk in response.aiter_bytes():  # decoded: a gzip bomb counts whole
                    body += chunk
                    if len(body) > MAX_ANSWER_BYTES:
                        raise _TooLarge
            finally:
                await response.aclose()
        return Answer(response.status_code, response.headers, body)

    def _session(self) -> httpx.AsyncClient:
        if self._http is None:
            raise RuntimeError("Use the ApiClient inside 'async with client:'.")
        return self._http

    async def _wait_for_rate_limit(self) -> float:
        sent = await self._gate.acquire()
        delay = self._paused_until - time.monotonic()
        if delay > 0:
            await asyncio.sleep(delay)
        return sent

    def _note_rate_limit(self, response: Answer) -> None:
        """Hold later requests once the server says none are left, instead of provoking 429s."""
        is_429 = response.status_code == 429
        remaining = int_header(response, "X-RateLimit-Remaining")
        if not is_429 and (remaining is None or remaining > 0):
            return
        pause = retry_after(response)
        if pause is None:
            pause = reset_in(response)
        if pause is None and not is_429:  # a bare 429 is backed off in the retry loop
            pause = EXHAUSTED_PAUSE
        if pause is not None and pause <= self._max_retry_after:
            # Longer waits are the operator's decision (RateLimitedError says how long).
            self._paused_until = max(self._paused_until, time.monotonic() + pause)

    def _log(self, request: httpx.Request, outcome: str, started: float) -> None:
        if not log.isEnabledFor(logging.DEBUG):
            return
        elapsed_ms = (time.perf_counter() - started) * 1000
        headers = {
            name: "Bearer ***" if name.lower() == "authorization" else value
            for name, value in request.headers.items()
        }
        log.debug("%s %s -> %s in %.0f ms; headers %s",
                  request.method, request.url, outcome, elapsed_ms, headers)

    def _json(self, response: Answer, method: str, path: str) -> Any:
        try:
            return json.loads(response.content)
        except RecursionError:
            raise self._wording.unreadable_json(response, method, path, too_deep=True) from None
        except ValueError:  # includes bad UTF-8, and numbers past 4,300 digits
            raise self._wording.unreadable_json(response, method, path, too_deep=False) from None


def _is_sendable_key(key: Secret) -> bool:
    value = key.reveal()
    return bool(value) and all(33 <= ord(char) <= 126 for char in value)


def _parse_base_url(base_url: str) -> httpx.URL:
    try:
        url = httpx.URL(check_base_url(base_url))
        url.host  # noqa: B018 - decoding an IDNA host can fail only here
    except SettingsError as error:
        raise ApiError(str(error)) from None
    except (httpx.InvalidURL, ValueError):  # ValueError: a host IDNA 2008 refuses
        raise ApiError(
            f"The base URL {base_url!r} is not an http(s) address such as https://app.famulor.de."
        ) from None
    return url


def _is_loopback(host: str) -> bool:
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return host == "localhost"


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _find_by_id(items: list[dict[str, Any]], assistant_id: int) -> dict[str, Any] | None:
    return next((item for item in items if item["id"] == assistant_id), None)


def _nearest_first(start: int, last_page: int) -> Iterator[int]:
    """Pages 1..last_page but `start`, nearest to it first (an assistant moves a page
    or so when others before it are added or deleted); lazily, however many there are."""
    centre = min(start, last_page)  # a remembered page past the end: the end is nearest
    if centre != start:
        yield centre
    for distance in range(1, last_page):
        for number in (centre - distance, centre + distance):
            if 1 <= number <= last_page:
                yield number


def _is_retryable(failure: httpx.RequestError) -> bool:
    return isinstance(
        failure,
        (httpx.ConnectError, httpx.ReadError, httpx.WriteError, httpx.RemoteProtocolError,
         httpx.TimeoutException),
    )


