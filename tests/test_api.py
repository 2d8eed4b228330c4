"""The API client against the real sandbox over loopback (and httpx.MockTransport where
the sandbox cannot say it, e.g. sub-second rate-limit hints)."""

from __future__ import annotations

import asyncio
import io
import logging
import socket
import time
import traceback
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

import httpx
import pytest
from rich.console import Console
from rich.traceback import Traceback

from voicedesk import __version__
from voicedesk.api import (
    ApiClient,
    ApiError,
    AuthError,
    NetworkError,
    NotFoundError,
    Page,
    ProtocolError,
    RateLimitedError,
    ServerError,
    ValidationError,
)
from voicedesk.records import Language, LlmModel, PhoneNumber, Voice
from voicedesk.sandbox import DEMO_API_KEY, Fault, RateLimit, Sandbox, generated_data

LIST = "/api/user/assistants/get"


@pytest.fixture(autouse=True)
def key_never_logged(caplog: pytest.LogCaptureFixture):
    """Every test runs with all loggers at DEBUG; none may ever print the key."""
    caplog.set_level(logging.DEBUG)
    yield
    assert DEMO_API_KEY not in caplog.text


@pytest.fixture
def sandbox():
    sandbox = Sandbox(rate_limit=None).start()
    yield sandbox
    sandbox.stop()


@pytest.fixture
def big_sandbox():
    """250 assistants (ids 1001..1250): three pages of 100."""
    sandbox = Sandbox(generated_data(n_assistants=250, n_voices=50), rate_limit=None).start()
    yield sandbox
    sandbox.stop()


def make_client(sandbox: Sandbox, **options) -> ApiClient:
    return ApiClient(sandbox.base_url, DEMO_API_KEY, backoff=0.01, **options)


@pytest.fixture
async def client(sandbox: Sandbox):
    async with make_client(sandbox) as client:
        yield client


@pytest.fixture
async def big_client(big_sandbox: Sandbox):
    async with make_client(big_sandbox) as client:
        yield client


def assert_keeps_key_secret(error: BaseException, key: str = DEMO_API_KEY) -> None:
    text = str(error) + repr(error) + "".join(traceback.format_exception(error))
    assert key not in text


def requests_to(sandbox: Sandbox, path: str) -> list:
    return [request for request in sandbox.requests if request.path == path]


# -- the client itself ------------------------------------------------------------------


async def test_sends_auth_accept_and_user_agent(client: ApiClient, sandbox: Sandbox):
    await client.list_page()
    [request] = sandbox.requests
    assert request.status == 200  # so the server accepted "Bearer <key>"
    assert request.headers["authorization"] == "Bearer ***"  # as the sandbox records it
    assert request.headers["accept"] == "application/json"
    assert request.headers["content-type"] == "application/json"
    assert request.headers["user-agent"] == f"voicedesk/{__version__} (+httpx)"


def test_repr_host_and_vars_hide_the_key():
    client = ApiClient("https://app.example.com:8443/", "sk-live-abcdef")
    assert repr(client) == "ApiClient('https://app.example.com:8443')"
    assert client.host == "app.example.com:8443"
    assert ApiClient("https://app.famulor.de", "k").host == "app.famulor.de"
    assert "sk-live-abcdef" not in repr(vars(client))


def test_rejects_unsendable_key_and_bad_base_url():
    with pytest.raises(AuthError) as caught:
        ApiClient("https://x.test", "sk-live\nabc")
    assert_keeps_key_secret(caught.value, "sk-live\nabc")
    with pytest.raises(ApiError, match="not an http"):
        ApiClient("app.famulor.de", "k")


async def test_requires_an_open_session(sandbox: Sandbox):
    with pytest.raises(RuntimeError, match="async with"):
        await make_client(sandbox).list_page()


async def test_logs_one_debug_line_per_request(client: ApiClient, caplog):
    await client.list_page(page=1, per_page=5)
    [record] = [r for r in caplog.records if r.name == "voicedesk.api"]
    line = record.getMessage()
    assert record.levelno == logging.DEBUG
    assert line.startswith(f"GET {client.base_url}{LIST}?per_page=5&page=1 -> 200 in ")
    assert " ms; " in line and "Bearer ***" in line


# -- assistants ---------------------------------------------------------------------------


async def test_list_page(big_client: ApiClient, big_sandbox: Sandbox):
    page = await big_client.list_page(page=2, per_page=100)
    assert (page.current_page, page.last_page, page.total, page.per_page) == (2, 3, 250, 100)
    assert [item["id"] for item in page.items] == list(range(1101, 1201))
    assert big_sandbox.requests[0].query == {"per_page": "100", "page": "2"}


async def test_list_all_reports_each_page_and_keeps_page_order(big_client: ApiClient):
    seen: list[Page] = []
    items = await big_client.list_all(per_page=100, on_page=seen.append)
    assert [item["id"] for item in items] == list(range(1001, 1251))
    assert seen[0].current_page == 1
    assert sorted(page.current_page for page in seen) == [1, 2, 3]


async def test_list_all_fetches_later_pages_concurrently(big_client, big_sandbox):
    big_sandbox.latency = 0.5
    items = await big_client.list_all(per_page=25)  # 10 pages
    assert len(items) == 250
    later = [r.time for r in big_sandbox.requests if r.query.get("page") not in (None, "1")]
    assert len(later) == 9
    # All nine were sent before the first of them could have been answered.
    assert max(later) - min(later) < big_sandbox.latency


async def test_find_assistant_on_first_and_last_page(big_client: ApiClient):
    assert (await big_client.find_assistant(1001))["name"].endswith("line 1")
    assert (await big_client.find_assistant(1250))["id"] == 1250


async def test_find_assistant_stops_paging_once_found(big_client, big_sandbox):
    big_sandbox.latency = 0.05
    found = await big_client.find_assistant(1011, per_page=10)  # page 2 of 25
    assert found["id"] == 1011
    assert len(requests_to(big_sandbox, LIST)) < 25


@pytest.mark.parametrize("assistant_id", [99999, 900])  # 900: another account's assistant
async def test_find_assistant_missing(client: ApiClient, assistant_id: int):
    with pytest.raises(NotFoundError) as caught:
        await client.find_assistant(assistant_id)
    assert str(caught.value) == f"Assistant {assistant_id} was not found in this account."


async def test_update_sends_exact_compact_bytes(client: ApiClient, sandbox: Sandbox):
    data = await client.update(101, {"assistant_name": "Empfang – Zahnarzt"})
    [request] = sandbox.requests
    assert (request.method, request.path) == ("PUT", "/api/user/assistant/101")
    assert request.raw_body == '{"assistant_name":"Empfang – Zahnarzt"}'.encode()
    assert data["id"] == 101 and data["name"] == "Empfang – Zahnarzt"
    assert sandbox.assistant(101)["name"] == "Empfang – Zahnarzt"


async def test_update_nested_body_stays_compact(client: ApiClient, sandbox: Sandbox):
    await client.update(101, {"end_call_tool": {"description": "Bye"}, "speech_speed": 1.1})
    assert sandbox.requests[0].raw_body == (
        b'{"end_call_tool":{"description":"Bye"},"speech_speed":1.1}'
    )


@pytest.mark.parametrize(
    ("fault", "error_type", "words"),
    [
        (Fault.status(500, {"message": "Assistant update failed"}), ServerError,
         "Assistant update failed"),
        (Fault.drop(), NetworkError, "may or may not have been saved"),
        (Fault.status(429, headers={"Retry-After": "0"}), RateLimitedError, "429"),
        (Fault.html(502), ServerError, "HTML"),
    ],
)
async def test_update_is_never_retried(client, sandbox, fault, error_type, words):
    sandbox.fail_next(3, fault)
    with pytest.raises(error_type) as caught:
        await client.update(101, {"assistant_name": "X"})
    assert words in str(caught.value)
    assert len(sandbox.requests) == 1
    assert_keeps_key_secret(caught.value)


async def test_update_timeout_is_not_retried_and_says_outcome_is_unknown(sandbox):
    sandbox.fail_next(3, Fault.delay(2))
    async with make_client(sandbox, timeout=0.2) as client:
        with pytest.raises(NetworkError) as caught:
            await client.update(101, {"assistant_name": "X"})
    message = str(caught.value)
    assert "did not answer within 0.2 s" in message and "Tried" not in message
    assert "may or may not have been saved" in message


# -- lookups ------------------------------------------------------------------------------


async def test_lookups(client: ApiClient, sandbox: Sandbox):
    voices = await client.voices()
    assert voices and all(isinstance(voice, Voice) for voice in voices)
    multimodal = await client.voices(mode="multimodal")
    assert multimodal and {voice.mode for voice in multimodal} == {"multimodal"}
    languages = await client.languages()
    assert Language(id=2, name="German", iso_2="de") in languages
    models = await client.models()
    assert LlmModel(id=1, name="GPT-4o") in models
    numbers = await client.phone_numbers()
    assert numbers and all(isinstance(number, PhoneNumber) for number in numbers)
    inbound = await client.phone_numbers(type="inbound")
    assert not any(number.is_caller_id for number in inbound)
    assert [(r.path.rsplit("/", 1)[1], r.query) for r in sandbox.requests] == [
        ("voices", {}),
        ("voices", {"mode": "multimodal"}),
        ("languages", {}),
        ("models", {}),
        ("phone-numbers", {}),
        ("phone-numbers", {"type": "inbound"}),
    ]


async def test_lookup_accepts_a_data_wrapper(client: ApiClient, sandbox: Sandbox):
    sandbox.fail_next(1, Fault.body({"data": [{"id": 7, "name": "Claude", "extra": 1}]}))
    assert await client.models() == [LlmModel(id=7, name="Claude")]


@pytest.mark.parametrize(
    ("body", "words"),
    [
        ({"voices": []}, "expected a JSON array"),
        ("nope", "expected a JSON array"),
        ([{"id": 401, "name": "Ava", "mode": "pipeline"}, {"id": "x", "name": "B"}], "item 2"),
    ],
)
async def test_lookup_of_wrong_shape(client: ApiClient, sandbox: Sandbox, body, words):
    sandbox.fail_next(1, Fault.body(body))
    with pytest.raises(ProtocolError) as caught:
        await client.voices()
    assert words in str(caught.value)


# -- retries ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "fault",
    [
        Fault.html(502),
        Fault.html(503),
        Fault.status(503, {"message": "Service Unavailable"}),
        Fault.status(429, {"message": "Too Many Attempts."}, headers={"Retry-After": "0"}),
        Fault.status(429),  # no Retry-After: exponential backoff
        Fault.drop(),
    ],
)
async def test_get_retries_then_succeeds(client: ApiClient, sandbox: Sandbox, fault):
    sandbox.fail_next(2, fault)
    page = await client.list_page()
    assert page.total == 14
    assert [request.status for request in sandbox.requests][-1] == 200
    assert len(sandbox.requests) == 3


async def test_get_honours_retry_after_seconds(client: ApiClient, sandbox: Sandbox):
    sandbox.fail_next(1, Fault.status(429, {"message": "Too Many Attempts."},
                                      headers={"Retry-After": "1"}))
    started = time.perf_counter()
    await client.languages()
    assert time.perf_counter() - started >= 0.95


async def test_get_honours_retry_after_as_http_date(client: ApiClient, sandbox: Sandbox):
    past = format_datetime(datetime.now(UTC) - timedelta(minutes=1), usegmt=True)
    sandbox.fail_next(1, Fault.status(503, headers={"Retry-After": past}))
    await client.languages()
    later = format_datetime(datetime.now(UTC) + timedelta(hours=1), usegmt=True)
    sandbox.fail_next(1, Fault.status(429, headers={"Retry-After": later}))
    with pytest.raises(RateLimitedError) as caught:
        await client.languages()
    assert caught.value.retry_after is not None and 3500 < caught.value.retry_after <= 3600


async def test_get_gives_up_after_max_retries(sandbox: Sandbox):
    sandbox.fail_next(10, Fault.html(502))
    async with make_client(sandbox, max_retries=2) as client:
        with pytest.raises(ServerError) as caught:
            await client.list_page()
    assert len(sandbox.requests) == 3
    assert caught.value.status == 502


async def test_500_is_not_retried(client: ApiClient, sandbox: Sandbox):
    sandbox.fail_next(3, Fault.status(500, {"message": "Server Error"}))
    with pytest.raises(ServerError) as caught:
        await client.list_page()
    assert str(caught.value) == "The server failed (500: Server Error). Try again in a moment."
    assert len(sandbox.requests) == 1


# -- the typed errors ---------------------------------------------------------------------


async def test_401_wrong_key(sandbox: Sandbox):
    wrong_key = "sk-wrong-0123456789"
    async with ApiClient(sandbox.base_url, wrong_key, backoff=0.01) as client:
        with pytest.raises(AuthError) as caught:
            await client.list_page()
    error = caught.value
    assert error.status == 401
    assert str(error).startswith("The server rejected the API key (401")
    assert "Check --api-key or VOICEDESK_API_KEY." in str(error)
    assert_keeps_key_secret(error, wrong_key)
    assert len(sandbox.requests) == 1


@pytest.mark.parametrize("assistant_id", [900, 99999])
async def test_404_on_update(client: ApiClient, assistant_id: int):
    with pytest.raises(NotFoundError) as caught:
        await client.update(assistant_id, {"assistant_name": "X"})
    assert caught.value.status == 404
    assert str(caught.value) == (
        f"Assistant {assistant_id} is not in this account (404: Assistant not found or does not belong "
        "to the authenticated user). It may have been deleted, or belong to another account."
    )


async def test_404_without_json_points_at_the_base_url(client: ApiClient, sandbox: Sandbox):
    sandbox.fail_next(1, Fault.html(404))
    with pytest.raises(NotFoundError) as caught:
        await client.models()
    assert f"Check that {sandbox.base_url} is the base URL" in str(caught.value)


async def test_422_maps_errors_to_fields(client: ApiClient, sandbox: Sandbox):
    body = {"speech_speed": 5, "voice_id": 999, "end_call_tool": {"description": "x" * 600}}
    with pytest.raises(ValidationError) as caught:
        await client.update(101, body)
    error = caught.value
    assert error.status == 422
    assert error.errors == {
        "voice_id": ["The selected voice id is invalid."],
        "end_call_tool.description": [
            "The end call tool.description must not be greater than 500 characters."
        ],
        "speech_speed": ["The speech speed must be between 0.7 and 1.2."],
    }
    assert str(error).startswith(
        "The server rejected the values sent (422: The given data was invalid). voice_id: "
    )
    assert "speech_speed: The speech speed must be between 0.7 and 1.2." in str(error)


async def test_429_beyond_max_retry_after_stops_at_once(client: ApiClient, sandbox: Sandbox):
    sandbox.fail_next(5, Fault.status(429, {"message": "Too Many Attempts."},
                                      headers={"Retry-After": "120"}))
    with pytest.raises(RateLimitedError) as caught:
        await client.list_page()
    assert caught.value.retry_after == 120
    assert "Wait 120 s" in str(caught.value)
    assert len(sandbox.requests) == 1


async def test_502_html_is_described_not_dumped(client: ApiClient, sandbox: Sandbox):
    sandbox.fail_next(10, Fault.html(502))
    with pytest.raises(ServerError) as caught:
        await client.list_page()
    message = str(caught.value)
    assert "answered 502 with an HTML error page" in message
    assert "<" not in message and "nginx" not in message


async def test_refused_by_a_stopped_sandbox(sandbox: Sandbox):
    async with make_client(sandbox, max_retries=1) as client:
        await client.languages()
        sandbox.stop()
        with pytest.raises(NetworkError) as caught:
            await client.languages()
    assert str(caught.value).startswith(
        f"Could not connect to 127.0.0.1:{sandbox.port}: the connection was refused."
    )
    assert_keeps_key_secret(caught.value)


async def test_refused_on_an_unused_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    async with ApiClient(f"http://127.0.0.1:{port}", DEMO_API_KEY, backoff=0.01) as client:
        with pytest.raises(NetworkError) as caught:
            await client.models()
    assert "the connection was refused" in str(caught.value)
    assert "Tried 4 times" in str(caught.value)  # max_retries=3
    assert_keeps_key_secret(caught.value)


async def test_timeout_is_retried_once_then_fails_clearly(sandbox: Sandbox):
    sandbox.fail_next(5, Fault.delay(2))
    async with make_client(sandbox, timeout=0.2) as client:
        with pytest.raises(NetworkError) as caught:
            await client.list_page()
    assert str(caught.value) == (
        f"The server at 127.0.0.1:{sandbox.port} did not answer within 0.2 s (timed out). "
        "Tried 2 times. The link or the server may be slow or unstable; try again in a moment."
    )
    assert len(sandbox.requests) == 2  # one retry, not four
    assert_keeps_key_secret(caught.value)


async def test_non_json_answer(client: ApiClient, sandbox: Sandbox):
    sandbox.fail_next(1, Fault.malformed_json())
    with pytest.raises(ProtocolError) as caught:
        await client.list_page()
    assert str(caught.value).startswith("The server answered with something that is not JSON")
    assert len(sandbox.requests) == 1


@pytest.mark.parametrize(
    ("body", "words"),
    [
        ("oops", 'expected an object with a "data" list, got a string'),
        ({"current_page": 1, "last_page": 1, "total": 0}, '"data" to be a list, got null'),
        ({"data": [{"name": "x"}], "current_page": 1, "last_page": 1, "total": 1},
         'integer "id" (item 1 is not)'),
        ({"data": [], "current_page": "1", "last_page": 1, "total": 0},
         'an integer "current_page", got a string'),
        ({"data": [], "current_page": 1, "total": 0}, 'an integer "last_page"'),
        ({"data": [], "current_page": 3, "last_page": 3, "total": 0}, "page 1, got page 3"),
    ],
)
async def test_page_of_wrong_shape(client: ApiClient, sandbox: Sandbox, body, words):
    sandbox.fail_next(1, Fault.body(body))
    with pytest.raises(ProtocolError) as caught:
        await client.list_page()
    assert words in str(caught.value)


async def test_server_text_that_echoes_the_key_is_redacted(client, sandbox):
    sandbox.fail_next(1, Fault.status(500, {"message": f"Bad token {DEMO_API_KEY}"}))
    with pytest.raises(ServerError) as caught:
        await client.list_page()
    assert str(caught.value) == "The server failed (500: Bad token ***). Try again in a moment."


# -- rate pacing --------------------------------------------------------------------------


async def test_pauses_when_no_requests_remain():
    arrivals: list[float] = []

    def answer(request: httpx.Request) -> httpx.Response:
        arrivals.append(time.perf_counter())
        hint = {"X-RateLimit-Remaining": "0", "Retry-After": "0.3"} if len(arrivals) == 1 else {}
        return httpx.Response(200, json=[], headers={"X-RateLimit-Limit": "20", **hint})

    transport = httpx.MockTransport(answer)
    async with ApiClient("http://api.test", DEMO_API_KEY, transport=transport) as client:
        await client.models()
        await client.models()
        await client.models()
    assert arrivals[1] - arrivals[0] >= 0.29
    assert arrivals[2] - arrivals[1] < 0.1


async def test_real_limiter_paces_then_reports_429():
    """Three requests allowed per 10 s: the third empties the budget, the client holds
    the fourth a moment, and the server's long Retry-After becomes RateLimitedError."""
    with Sandbox(rate_limit=RateLimit(per_minute=100, per_10s=3)) as sandbox:
        async with make_client(sandbox, max_retry_after=5) as client:
            for _ in range(3):
                await client.models()
            started = time.perf_counter()
            with pytest.raises(RateLimitedError) as caught:
                await client.models()
        assert time.perf_counter() - started >= 0.9  # held instead of firing at once
        assert caught.value.retry_after is not None and 1 <= caught.value.retry_after <= 10
        assert [request.status for request in sandbox.requests] == [200, 200, 200, 429]


@pytest.mark.parametrize("fault", [Fault.drop(), Fault.status(422, {"errors": {"x": ["bad"]}})])
async def test_traceback_with_locals_keeps_the_key_secret(client, sandbox, fault):
    """Textual's crash screen renders every frame's local variables."""
    sandbox.fail_next(1, fault)
    with pytest.raises(ApiError) as caught:
        await client.update(101, {"assistant_name": "X"})
    error = caught.value
    rendered = io.StringIO()
    Console(file=rendered, width=200).print(
        Traceback.from_exception(type(error), error, error.__traceback__, show_locals=True)
    )
    assert "_request" in rendered.getvalue()  # the frames were rendered
    assert DEMO_API_KEY not in rendered.getvalue()


async def test_a_burst_is_paced_inside_the_rate_windows() -> None:
    """Twelve requests at once through a gate of 4 per 0.5 s: never more in any window."""
    with Sandbox(rate_limit=None) as sandbox:
        async with ApiClient(sandbox.base_url, DEMO_API_KEY, rate_limits=((4, 0.5),)) as client:
            await asyncio.gather(*(client.languages() for _ in range(12)))
        arrivals = sorted(request.time for request in sandbox.requests)
    assert len(arrivals) == 12
    for index in range(len(arrivals) - 4):
        assert arrivals[index + 4] - arrivals[index] >= 0.5
