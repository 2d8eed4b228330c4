"""The only layer (with sandbox/) that talks HTTP: typed errors, paging, lookups."""

from .client import ApiClient, Page
from .errors import (
    ApiError,
    AuthError,
    NetworkError,
    NotFoundError,
    ProtocolError,
    RateLimitedError,
    ReadOnlyError,
    ServerError,
    ValidationError,
)

__all__ = [
    "ApiClient",
    "ApiError",
    "AuthError",
    "NetworkError",
    "NotFoundError",
    "Page",
    "ProtocolError",
    "RateLimitedError",
    "ReadOnlyError",
    "ServerError",
    "ValidationError",
]
