"""An answer of the assistant API read whole, and what its headers and body say about
waiting: Retry-After, the X-RateLimit-* headers, the JSON of an error's body."""

from __future__ import annotations

import json
import math
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import httpx


@dataclass(frozen=True)
class Answer:
    """A response read whole: its status, headers and (decoded) body."""

    status_code: int
    headers: httpx.Headers
    content: bytes | bytearray

    @property
    def is_success(self) -> bool:
        return 200 <= self.status_code < 300


@dataclass(frozen=True)
class RateHeadroom:
    """What an answer's X-RateLimit-* headers said (None: that header was not sent)."""

    limit: int | None
    remaining: int | None
    reset_in: float | None  # seconds


def retry_after(response: Answer) -> float | None:
    """How long the server asks to wait, in seconds: its Retry-After header (a number or
    an HTTP date) when it sends one, else the `retry_after` of an error's JSON body (all
    the platform documents), else None."""
    seconds = _retry_after_header(response.headers.get("Retry-After"))
    if seconds is not None or response.is_success:
        return seconds
    body = json_or_none(response)
    value = body.get("retry_after") if isinstance(body, dict) else None
    if isinstance(value, str):
        value = value.strip()
        value = float(value) if value.isascii() and value.replace(".", "", 1).isdigit() else None
    if isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value) and value >= 0:
        return float(value)
    return None


def _retry_after_header(value: str | None) -> float | None:
    if value is None:
        return None
    try:
        seconds = float(value)
    except ValueError:
        try:
            when = parsedate_to_datetime(value)
        except (TypeError, ValueError):
            return None
        if when.tzinfo is None:
            when = when.replace(tzinfo=UTC)
        seconds = (when - datetime.now(UTC)).total_seconds()
    return max(0.0, seconds) if math.isfinite(seconds) else None


def reset_in(response: Answer) -> float | None:
    """Seconds until X-RateLimit-Reset, which is an epoch time or a delay."""
    reset = int_header(response, "X-RateLimit-Reset")
    if reset is None:
        return None
    if reset > 1_000_000_000:  # an epoch timestamp, as Laravel sends it
        return max(0.0, reset - time.time())
    return float(reset)


def headroom(response: Answer) -> RateHeadroom | None:
    limit, remaining = int_header(response, "X-RateLimit-Limit"), int_header(response, "X-RateLimit-Remaining")
    reset = reset_in(response)
    if limit is None and remaining is None and reset is None:
        return None
    return RateHeadroom(limit, remaining, reset)


def int_header(response: Answer, name: str) -> int | None:
    try:
        return int(response.headers[name])
    except (KeyError, ValueError):
        return None


def json_or_none(response: Answer) -> Any:
    try:
        return json.loads(response.content)
    except (ValueError, RecursionError):
        return None


def content_type(response: Answer) -> str:
    kind = response.headers.get("Content-Type", "").split(";")[0].strip()
    return f"content type {kind}" if kind else "no content type"
