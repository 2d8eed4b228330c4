"""Every error shape the platform documents (both dialects), through the real client
against a real sandbox on loopback that answers with the canned body: 429 with
`retry_after` in the body only, every 401 shape and the 403, both 404 texts, 422 with
either message and dotted keys; and GET /user/me (`ApiClient.account`)."""

from __future__ import annotations

import time
from typing import Any

import pytest

from voicedesk.api import (
    ApiClient,
    AuthError,
    NotFoundError,
    ProtocolError,
    RateLimitedError,
    ValidationError,
)
from voicedesk.api.answer import RateHeadroom
from voicedesk.records import Account
from voicedesk.sandbox import DEMO_API_KEY, Fault, Sandbox

LIST = "/api/user/assistants/get"
PUT = "/api/user/assistant/"
VOICES = "/api/user/assistants/voices"
ME = "/api/user/me"


@pytest.fixture
def sandbox():
    with Sandbox(rate_limit=None) as sandbox:
        yield sandbox


def make_client(sandbox: Sandbox, **options) -> ApiClient:
    return ApiClient(sandbox.base_url, DEMO_API_KEY, backoff=0.01, **options)


# Each request the client can make, as (name, the sandbox path to fail, the call).
async def _list(client: ApiClient):
    return await client.list_page()


async def _voices(client: ApiClient):
    return await client.voices("pipeline")


async def _put(client: ApiClient):
    return await client.update(101, {"assistant_name": "New name"})


async def _account(client: ApiClient):
    return await client.account()


REQUESTS = [("list", LIST, _list), ("voices", VOICES, _voices), ("put", PUT, _put), ("me", ME, _account)]
GETS = [request for request in REQUESTS if request[0] != "put"]


def assert_one_line(text: str) -> None:
    assert "\n" not in text and "\r" not in text and DEMO_API_KEY not in text, text


# -- 429: retry_after in the body ------------------------------------------------------------

LIMITED_BODIES: list[dict[str, Any]] = [
    {"error": "Rate limit exceeded", "message": "Too many requests, slow down.", "retry_after": 60},
    {"message": "Too Many Attempts.", "retry_after": 60},
    {"message": "Too Many Attempts.", "retry_after": "60"},
    {"message": "Too Many Attempts.", "retry_after": 60.0},
]


async def test_a_429_body_says_how_long_to_wait(sandbox: Sandbox) -> None:
    """retry_after in the body, no header: past max_retry_after, no retry, and the wait is
    the body's (before: three blind retries, then "wait a minute")."""
    n = 0
    for _, path, call in REQUESTS:
        for body in LIMITED_BODIES:
            sandbox.clear_requests()
            sandbox.fail_next(1, Fault.status(429, body), path=path)  # a retry would succeed
            async with make_client(sandbox) as client:
                with pytest.raises(RateLimitedError) as caught:
                    await call(client)
            assert caught.value.retry_after == 60
            assert "Wait 60 s" in caught.value.message and "429" in caught.value.message
            for text in (body.get("error"), body["message"].rstrip(".")):
                assert text is None or text in caught.value.message
            assert_one_line(caught.value.message)
            assert len(sandbox.requests) == 1
            n += 1
    print(f"429 with retry_after in the body: {n} cases")


async def test_a_short_body_retry_after_is_waited_out(sandbox: Sandbox) -> None:
    n = 0
    for _, path, call in GETS:
        sandbox.clear_requests()
        sandbox.fail_next(1, Fault.status(429, {"message": "Too Many Attempts.", "retry_after": 1}), path=path)
        async with make_client(sandbox) as client:
            await call(client)
        first, second = sandbox.requests
        assert (first.status, second.status) == (429, 200)
        assert second.time - first.time >= 0.9  # the body's second, not the 0.01 s backoff
        n += 1
    print(f"short retry_after waited out: {n} cases")


async def test_a_put_429_holds_the_next_request_for_the_body_s_time(sandbox: Sandbox) -> None:
    sandbox.fail_next(1, Fault.status(429, {"message": "Too Many Attempts.", "retry_after": 1}), path=PUT)
    async with make_client(sandbox) as client:
        with pytest.raises(RateLimitedError) as caught:
            await _put(client)  # an update is never retried
        assert caught.value.retry_after == 1
        await _list(client)
    put, listed = sandbox.requests
    assert (put.status, listed.status) == (429, 200)
    assert listed.time - put.time >= 0.9


@pytest.mark.parametrize(
    ("header", "body", "requests", "retry_after"),
    [("0", 60, 2, None), ("60", 0, 1, 60)],
    ids=["header-0-body-60", "header-60-body-0"],
)
async def test_a_retry_after_header_wins_over_the_body(sandbox: Sandbox, header, body, requests, retry_after) -> None:
    sandbox.fail_next(1, Fault.status(429, {"message": "Too Many Attempts.", "retry_after": body},
                                      headers={"Retry-After": header}), path=LIST)
    async with make_client(sandbox) as client:
        if retry_after is None:
            await _list(client)
        else:
            with pytest.raises(RateLimitedError) as caught:
                await _list(client)
            assert caught.value.retry_after == retry_after
    assert len(sandbox.requests) == requests


@pytest.mark.parametrize("value", [-5, True, "soon", "1e3", None, [60], {"s": 60}], ids=repr)
async def test_a_body_retry_after_that_is_no_time_is_ignored(sandbox: Sandbox, value) -> None:
    sandbox.fail_next(9, Fault.status(429, {"message": "Too Many Attempts.", "retry_after": value}), path=LIST)
    async with make_client(sandbox, max_retries=2) as client:
        with pytest.raises(RateLimitedError) as caught:
            await _list(client)
    assert caught.value.retry_after is None and "Wait a minute" in caught.value.message
    assert len(sandbox.requests) == 3  # backed off as for a bare 429


# -- 401 and 403: error and message, both --------------------------------------------------

# (status, body, what the message must quote, in this order)
AUTH_BODIES = [
    (401, {"error": "Invalid API key", "message": "The provided API key is invalid or expired"},
     "Invalid API key: The provided API key is invalid or expired"),
    (401, {"error": "Missing Authorization header", "message": "Send the key as a Bearer token."},
     "Missing Authorization header: Send the key as a Bearer token"),
    (401, {"error": "Missing Authorization header"}, "Missing Authorization header"),
    (401, {"error": "Unauthorized"}, "Unauthorized"),
    (401, {"message": "Unauthenticated."}, "Unauthenticated"),
    (401, {"error": "Unauthorized", "message": "Unauthorized"}, "Unauthorized"),
    (401, {"error": "Unauthorized", "message": "Unauthorized: the key was revoked."},
     "Unauthorized: the key was revoked"),
    (401, {"error": "Invalid API key", "message": f"Key {DEMO_API_KEY} is not\nvalid \x1b[2J"},
     "Invalid API key: Key *** is not valid ␛[2J"),
    (403, {"error": "Insufficient permissions", "message": "This key may only read assistants."},
     "Insufficient permissions: This key may only read assistants"),
    (403, {"error": "Insufficient permissions"}, "Insufficient permissions"),
]


async def test_every_auth_shape_is_quoted_whole_on_one_line(sandbox: Sandbox) -> None:
    n = 0
    for _, path, call in REQUESTS:
        for status, body, quoted in AUTH_BODIES:
            sandbox.fail_next(1, Fault.status(status, body), path=path)
            async with make_client(sandbox) as client:
                with pytest.raises(AuthError) as caught:
                    await call(client)
            message = caught.value.message
            assert caught.value.status == status
            assert f"({status}: {quoted})" in message, message
            assert ("Check --api-key" if status == 401 else "permissions") in message
            assert_one_line(message)
            n += 1
    assert len(sandbox.requests) == n  # none retried
    print(f"401/403 shapes: {n} cases")


# -- 404: both texts ----------------------------------------------------------------------

NOT_FOUND_TEXTS = ["Assistant not found", "Assistant not found or does not belong to the authenticated user"]


async def test_both_404_texts_say_the_assistant_is_not_in_this_account(sandbox: Sandbox) -> None:
    n = 0
    for name, path, call in REQUESTS:
        for text in NOT_FOUND_TEXTS:
            sandbox.fail_next(1, Fault.status(404, {"message": text}), path=path)
            async with make_client(sandbox) as client:
                with pytest.raises(NotFoundError) as caught:
                    await call(client)
            which = "Assistant 101" if name == "put" else "The assistant"
            assert caught.value.message == (f"{which} is not in this account (404: {text}). It may have "
                                            "been deleted, or belong to another account."), caught.value.message
            n += 1
    # The sandbox's own answer for an assistant of another account.
    async with make_client(sandbox) as client:
        with pytest.raises(NotFoundError) as caught:
            await client.update(900, {"assistant_name": "x"})
    assert caught.value.message.startswith("Assistant 900 is not in this account (404: Assistant not found or")
    print(f"404 texts: {n + 1} cases")


async def test_a_404_of_a_missing_route_still_points_at_the_base_url(sandbox: Sandbox) -> None:
    async with ApiClient(f"{sandbox.base_url}/wrong", DEMO_API_KEY, backoff=0.01) as client:
        with pytest.raises(NotFoundError) as caught:
            await client.account()
    assert "Check that" in caught.value.message and "/wrong is the base URL" in caught.value.message


# -- 422: either message, dotted keys -----------------------------------------------------

VALIDATION_BODIES = [
    ({"message": message, "errors": errors}, message)
    for message in ("Validation failed", "The given data was invalid.")
    for errors in (
        {"tools.1.phone_number": ["The tools.1.phone_number field is required."]},
        {"post_call_schema.0.name": ["post_call_schema.0.name field must not be greater than 16 characters"],
         "post_call_schema.0.type": ["post_call_schema.0.type is invalid"]},
        {"end_call_tool.description": ["The description may not be greater than 500 characters."],
         "initial_message": ["initial_message may not be greater than 200 characters"]},
        {"allow_interruptions": ["Interruptions cannot be disabled in multimodal or dualplex mode."]},
    )
]


async def test_a_422_keeps_its_message_and_every_dotted_key(sandbox: Sandbox) -> None:
    n = 0
    for body, message in VALIDATION_BODIES:
        sandbox.fail_next(1, Fault.status(422, body), path=PUT)
        async with make_client(sandbox) as client:
            with pytest.raises(ValidationError) as caught:
                await _put(client)
        error = caught.value
        assert error.said == message.rstrip(".")
        assert error.errors == body["errors"]
        assert error.message.startswith(f"The server rejected the values sent (422: {message.rstrip('.')}).")
        for key, texts in body["errors"].items():
            assert f"{key}: {texts[0].rstrip('.')}" in error.message
        assert_one_line(error.message)
        n += 1
    print(f"422 shapes: {n} cases")


# -- GET /user/me -------------------------------------------------------------------------

ACCOUNTS = [
    (None, Account("Bright Smile Dental", "ops@brightsmile.example", "42.5")),  # the sandbox's own
    ({"name": "A", "email": "a@example.com", "total_balance": "12.50"}, Account("A", "a@example.com", "12.50")),
    ({"name": "A", "email": "a@example.com", "total_balance": 7}, Account("A", "a@example.com", "7")),
    ({"data": {"name": "W", "email": "w@example.com", "total_balance": 1.25}},
     Account("W", "w@example.com", "1.25")),
    ({"name": "Only a name"}, Account("Only a name", None, None)),
    ({"name": None, "email": 5, "total_balance": True, "extra": [1]}, Account(None, "5", None)),
    ({}, Account(None, None, None)),
]


async def test_account_reads_the_record_loosely(sandbox: Sandbox) -> None:
    for body, expected in ACCOUNTS:
        if body is not None:
            sandbox.fail_next(1, Fault.body(body), path=ME)
        async with make_client(sandbox) as client:
            assert await client.account() == expected
    assert [request.path for request in sandbox.requests] == [ME] * len(ACCOUNTS)
    print(f"account records: {len(ACCOUNTS)} cases")


@pytest.mark.parametrize("fault", [Fault.body([{"name": "A"}]), Fault.body("A"), Fault.html(200),
                                   Fault.malformed_json()], ids=["list", "string", "html", "truncated"])
async def test_an_account_answer_that_is_no_object_is_a_protocol_error(sandbox: Sandbox, fault) -> None:
    sandbox.fail_next(1, fault, path=ME)
    async with make_client(sandbox) as client:
        with pytest.raises(ProtocolError) as caught:
            await client.account()
    assert "/api/user/me" in caught.value.message and "base URL" in caught.value.message


def headroom_of(client: ApiClient) -> RateHeadroom:
    assert client.headroom is not None, "the answer's rate-limit headers were not kept"
    return client.headroom


async def test_the_last_answer_s_rate_limit_headers_are_kept() -> None:
    with Sandbox() as sandbox:
        async with make_client(sandbox) as client:
            assert client.headroom is None
            await client.account()
            headroom = headroom_of(client)
            assert (headroom.limit, headroom.remaining) == (100, 19)
    with Sandbox(rate_limit=None) as sandbox:
        sandbox.fail_next(1, Fault.status(200, {"name": "A"}, headers={
            "X-RateLimit-Limit": "100", "X-RateLimit-Remaining": "87",
            "X-RateLimit-Reset": str(int(time.time()) + 30)}),
            path=ME)
        async with make_client(sandbox) as client:
            await client.account()
            headroom = headroom_of(client)
            assert (headroom.limit, headroom.remaining) == (100, 87)
            assert headroom.reset_in is not None and 25 <= headroom.reset_in <= 30
            await client.languages()  # this answer sends none
            assert client.headroom is None
