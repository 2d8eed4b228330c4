"""The wording of the client's failures: every message an operator reads when a request
fails, and how server text is quoted in them (one short line, control characters made
visible, the API key never echoed)."""

from __future__ import annotations

import json
import math
import re
import socket
import ssl
from collections.abc import Callable
from typing import Any

import httpx

from voicedesk.secret import Secret
from voicedesk.text import reveal_controls

from .answer import Answer, content_type, json_or_none, retry_after
from .errors import (
    ApiError,
    AuthError,
    NetworkError,
    NotFoundError,
    ProtocolError,
    RateLimitedError,
    ServerError,
    ValidationError,
)

# The assistant's id in a request path (/user/assistant/{id}, /user/assistants/{id}).
_ASSISTANT_IN_PATH = re.compile(r"/assistants?/([0-9]+)(?:/|$)")
# Server text quoted in a message is cut to this many characters.
QUOTE_LIMIT = 300
# Said when an update went out but its answer is missing or unreadable.
MAYBE_SAVED = (
    "The change may or may not have been saved; voicedesk reloads the assistant before "
    "sending again, so nothing is overwritten blindly."
)


class Wording:
    """The failures of one client, worded: it knows the host, the limits it was given and
    the key, which it keeps out of every message."""

    def __init__(
        self, base_url: str, address: str, api_key: Secret, timeout: httpx.Timeout, deadline: float
    ) -> None:
        self._base_url = base_url
        self._address = address
        self._api_key = api_key
        self._timeout = timeout
        self._deadline = deadline

    def base_url_hint(self) -> str:
        return f"Check that {self._base_url} is the base URL of the assistant API."

    def redact(self, text: str) -> str:
        # Server text is quoted in messages; never let it echo the key back.
        return text.replace(self._api_key.reveal(), "***")

    def unreadable_json(self, response: Answer, method: str, path: str, *, too_deep: bool) -> ProtocolError:
        """An answer that is no JSON (bad UTF-8 and numbers past 4,300 digits included),
        or JSON nested too deeply to read."""
        note = f" {MAYBE_SAVED}" if method != "GET" else ""
        if too_deep:
            return ProtocolError(
                f"The server answered {method} {path} with JSON nested too deeply to read.{note}",
                status=response.status_code,
            )
        return ProtocolError(
            f"The server answered with something that is not JSON "
            f"({content_type(response)}) to {method} {path}. "
            f"{self.base_url_hint()}{note}",
            status=response.status_code,
        )

    def too_large(self, request: httpx.Request, limit: int) -> ProtocolError:
        """An answer past `limit` bytes, which the client stopped reading."""
        note = f" {MAYBE_SAVED}" if request.method != "GET" else ""
        return ProtocolError(
            f"The server's answer to {target(request)} is larger than "
            f"{limit // 2**20} MiB, far more than any account's data: "
            f"voicedesk stopped reading it. {self.base_url_hint()}{note}"
        )

    def from_response(self, response: Answer, method: str, path: str) -> ApiError:
        """The error of an answer that is not a success (after any retries)."""
        status = response.status_code
        body = json_or_none(response)
        said = self.server_text(body)
        quoted = f": {said}" if said else ""
        if status == 401:
            return AuthError(
                f"The server rejected the API key (401{quoted}). "
                "Check --api-key or VOICEDESK_API_KEY.",
                status=status,
            )
        if status == 403:
            return AuthError(
                f"The API key is not allowed to do this (403{quoted}). "
                "Check the key's permissions in the platform's dashboard.",
                status=status,
            )
        if status == 404:
            if said.lower().startswith("assistant not found"):
                # Both texts the platform uses ("... or does not belong to the
                # authenticated user" too), on an update or any other request.
                which = f"Assistant {found[1]}" if (found := _ASSISTANT_IN_PATH.search(path)) else "The assistant"
                return NotFoundError(
                    f"{which} is not in this account (404: {said}). It may have been deleted, "
                    "or belong to another account.",
                    status=status,
                )
            if said and method == "GET":
                # The list and lookups always exist: a 404 there means a wrong host or path.
                return NotFoundError(f"{said} (404). {self.base_url_hint()}", status=status)
            if said:
                return NotFoundError(
                    f"{said} (404). It may have been deleted, or belong to another account.",
                    status=status,
                )
            return NotFoundError(
                f"The server has nothing at {method} {path} (404). {self.base_url_hint()}",
                status=status,
            )
        if status == 422:
            errors = _field_errors(body, self.redact)
            details = "; ".join(
                f"{field}: {_quote(text)}" if field else _quote(text)
                for field, texts in errors.items() for text in texts
            )
            message = f"The server rejected the values sent (422{quoted})."
            return ValidationError(
                f"{message} {details}." if details else message,
                status=status,
                errors=errors,
                said=said,
            )
        if status == 429:
            asked = retry_after(response)
            wait = "a minute" if asked is None else f"{math.ceil(asked)} s"
            return RateLimitedError(
                f"The server is limiting how often requests may be sent (429{quoted}). "
                f"Wait {wait} and try again.",
                status=status,
                retry_after=asked,
            )
        if status >= 500:
            if said:
                return ServerError(
                    f"The server failed ({status}{quoted}). Try again in a moment.", status=status
                )
            if "html" in content_type(response):
                return ServerError(
                    f"The server or a proxy in front of it answered {status} with an HTML error "
                    "page instead of JSON; the service may be down or restarting. "
                    "Try again in a moment.",
                    status=status,
                )
            return ServerError(
                f"The server failed ({status}). Try again in a moment.", status=status
            )
        if 300 <= status < 400:
            location = self.redact(response.headers.get("Location", "another address"))
            return ApiError(
                f"The server redirected {method} {path} to {location} ({status}). "
                "Check the base URL (for example https:// instead of http://).",
                status=status,
            )
        return ApiError(
            f"The server answered {status} to {method} {path}{quoted}.", status=status
        )

    def past_deadline(self, request: httpx.Request) -> NetworkError:
        """A request whose whole answer did not come within the deadline."""
        text = (
            f"{target(request)} got no complete answer from {self._address} within "
            f"{self._deadline:g} s (the deadline set by --timeout or VOICEDESK_TIMEOUT): "
            "the server is answering too slowly, or not at all."
        )
        if request.method != "GET":
            return NetworkError(f"{text} {MAYBE_SAVED}")
        return NetworkError(f"{text} Try again in a moment, or allow more time with --timeout.")

    def network_failure(
        self, failure: httpx.RequestError, method: str, attempts: int
    ) -> NetworkError:
        """A request that failed on the way (after `attempts` tries), by what failed."""
        host = self._address
        timeouts = self._timeout
        if isinstance(failure, httpx.ConnectTimeout):
            text = f"Could not connect to {host} within {timeouts.connect:g} s (timed out)."
        elif isinstance(failure, httpx.ReadTimeout):
            text = f"The server at {host} did not answer within {timeouts.read:g} s (timed out)."
        elif isinstance(failure, httpx.TimeoutException):
            text = f"The request to {host} timed out after {timeouts.write:g} s."
        elif isinstance(failure, httpx.ConnectError):
            text = f"Could not connect to {host}: {_connect_failure_reason(failure)}."
        elif isinstance(failure, httpx.RemoteProtocolError):
            text = f"The server at {host} dropped the connection before its answer was complete."
        elif isinstance(failure, (httpx.ReadError, httpx.WriteError)):
            text = f"The connection to {host} was reset or dropped."
        else:
            text = f"The request to {host} failed ({type(failure).__name__})."
        if attempts > 1:
            text += f" Tried {attempts} times."
        if isinstance(failure, (httpx.ConnectError, httpx.ConnectTimeout)):
            text += " Check the base URL, your network, and that the server is up."
        elif method != "GET":  # the request went out; only the answer is missing
            text += f" {MAYBE_SAVED}"
        else:
            text += " The link or the server may be slow or unstable; try again in a moment."
        return NetworkError(text)

    def server_text(self, body: Any) -> str:
        """What the JSON body says, single-line, short and without the key: its "error"
        and its "message", both when they differ (the platform's 401 and 403 put the
        reason in one and the advice in the other), else whichever it has."""
        if not isinstance(body, dict):
            return ""
        texts: list[str] = []
        for key in ("error", "message"):
            value = body.get(key)
            if isinstance(value, str) and (text := _quote(self.redact(value))):
                if texts and text.casefold() in texts[0].casefold():
                    continue
                if texts and texts[0].casefold() in text.casefold():
                    texts.clear()  # the message repeats the error and says more
                texts.append(text)
        return _quote(": ".join(texts))


def target(request: httpx.Request) -> str:
    """The method, path and query of a request, as a message names it."""
    return f"{request.method} {request.url.raw_path.decode('ascii', 'replace')}"


def _connect_failure_reason(failure: httpx.ConnectError) -> str:
    """A short reason from the OS error under httpx's ConnectError (never its full text)."""
    cause: BaseException | None = failure
    while cause is not None:
        if isinstance(cause, ConnectionRefusedError):
            return "the connection was refused"
        if isinstance(cause, socket.gaierror):
            return "the host name could not be resolved"
        if isinstance(cause, ssl.SSLError):
            reason = getattr(cause, "verify_message", None) or cause.reason
            return f"a secure connection could not be set up ({reason})"
        if isinstance(cause, OSError) and cause.strerror:
            return cause.strerror.lower()
        cause = cause.__cause__ or cause.__context__
    return "the connection failed"


def _field_errors(body: Any, redact: Callable[[str], str]) -> dict[str, list[str]]:
    """The 422 body's "errors" as field -> messages, each one line. Every message the
    server gave is kept: one that is not text is shown as its JSON, and errors given as a
    list (not by field) come under the key ""."""
    raw = body.get("errors") if isinstance(body, dict) else None
    if raw is None:
        return {}
    entries = raw.items() if isinstance(raw, dict) else [("", raw)]
    errors: dict[str, list[str]] = {}
    for field, messages in entries:
        items = messages if isinstance(messages, list) else [messages]
        texts = [line for line in (_line(redact(_as_text(item))) for item in items) if line]
        if texts:
            errors.setdefault(str(field), []).extend(texts)
    return errors


def _as_text(value: Any) -> str:
    # Not text: its JSON (a part of what json.loads just read, so it can be written back).
    return value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)


def _line(text: str) -> str:
    """Server text as one line of at most QUOTE_LIMIT characters, its control characters
    made visible so it cannot drive a terminal."""
    line = reveal_controls(" ".join(text.split()))
    return line if len(line) <= QUOTE_LIMIT else line[: QUOTE_LIMIT - 1] + "…"


def _quote(text: str) -> str:
    """Server text quoted in a sentence: one short line, without a trailing full stop (the
    caller adds one)."""
    return _line(text).rstrip(".")


def describe(value: Any) -> str:
    if isinstance(value, dict):
        return "a JSON object"
    if isinstance(value, list):
        return "a JSON array"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, bool):
        return "true/false"
    if value is None:
        return "null (or nothing)"
    return "a number"
