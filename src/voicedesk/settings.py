"""Where to connect and with which key. The key is kept out of every repr."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlsplit


class Secret:
    """A string that never shows itself in a repr, a log line or a traceback."""

    __slots__ = ("_value",)

    def __init__(self, value: str) -> None:
        self._value = value

    def reveal(self) -> str:
        return self._value

    def __repr__(self) -> str:
        return "Secret('***')"

    __str__ = __repr__

    def __bool__(self) -> bool:
        return bool(self._value)


class SettingsError(ValueError):
    """Missing or unusable connection settings; the message says how to fix it."""


@dataclass(frozen=True)
class Settings:
    base_url: str
    api_key: Secret

    @property
    def host(self) -> str:
        return urlsplit(self.base_url).netloc


def make_settings(base_url: str | None, api_key: str | None) -> Settings:
    if not base_url:
        raise SettingsError(
            "No API host: pass --base-url (e.g. https://app.famulor.de) or set "
            "VOICEDESK_BASE_URL. To try voicedesk without an account, add --demo."
        )
    parts = urlsplit(base_url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise SettingsError(f"--base-url must be an http(s) address such as https://app.famulor.de; got {base_url!r}.")
    if not api_key:
        raise SettingsError("No API key: pass --api-key or set VOICEDESK_API_KEY.")
    return Settings(base_url.rstrip("/"), Secret(api_key))
