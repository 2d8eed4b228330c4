"""Every way a request can fail, as one class each.

Each error's message is a sentence for the operator: what happened and what to do.
Messages are built by `client.py` and never contain the API key.
"""

from __future__ import annotations


class ApiError(Exception):
    """Base of every error the API client raises; `str(error)` is `error.message`."""

    def __init__(self, message: str, *, status: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.status = status

    def __str__(self) -> str:
        return self.message

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.message!r}, status={self.status!r})"


class AuthError(ApiError):
    """The key is missing, wrong (401) or not allowed to do this (403)."""


class NotFoundError(ApiError):
    """404, or an assistant that no page of the list holds."""


class ValidationError(ApiError):
    """422: the server rejected values; `errors` maps update-body field names
    (dotted for nested ones, e.g. `end_call_tool.description`) to its messages, "" to
    messages that name no key; `said` is the answer's own message ("" if none)."""

    def __init__(
        self,
        message: str,
        *,
        status: int | None = 422,
        errors: dict[str, list[str]] | None = None,
        said: str = "",
    ) -> None:
        super().__init__(message, status=status)
        self.errors: dict[str, list[str]] = errors or {}
        self.said = said


class RateLimitedError(ApiError):
    """429 that retrying could not (or should not) wait out; `retry_after` in seconds."""

    def __init__(
        self, message: str, *, status: int | None = 429, retry_after: float | None = None
    ) -> None:
        super().__init__(message, status=status)
        self.retry_after = retry_after


class ServerError(ApiError):
    """5xx from the server or a proxy in front of it."""


class NetworkError(ApiError):
    """No HTTP answer at all: refused, timed out, reset or dropped."""


class ProtocolError(ApiError):
    """An answer that is not JSON, or JSON of a shape the client does not expect."""


class ReadOnlyError(ApiError):
    """A save through a client of a read-only profile: refused before anything is sent."""
