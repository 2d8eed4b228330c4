"""Where to connect, with which key, and how long a request may take. The key is kept
out of every repr.

The key comes from, first to last: --api-key or VOICEDESK_API_KEY, --api-key-file, the
config file (`voicedesk configure` writes it, mode 0600). The host likewise from
--base-url or VOICEDESK_BASE_URL, then the config file; the deadline of one request
from --timeout or VOICEDESK_TIMEOUT, then the config file's `timeout`, then
DEFAULT_TIMEOUT. Plain http is for loopback hosts only (the sandbox), unless
--insecure says otherwise.
"""

from __future__ import annotations

import ipaddress
import math
import os
import stat
import tomllib
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from voicedesk.paths import config_dir, ensure_private_dir
from voicedesk.secret import Secret


# Seconds one request may take, from sending it to the last byte of its answer: a
# whole page of a large account (20 MB) on a slow link, with room to spare.
DEFAULT_TIMEOUT = 60.0


class SettingsError(ValueError):
    """Missing or unusable connection settings; the message says how to fix it."""


@dataclass(frozen=True)
class Settings:
    base_url: str
    api_key: Secret
    timeout: float = DEFAULT_TIMEOUT

    @property
    def host(self) -> str:
        return urlsplit(self.base_url).netloc


def config_path() -> Path:
    return config_dir() / "config.toml"


@dataclass(frozen=True)
class StoredConfig:
    base_url: str | None = None
    api_key: str | None = None
    timeout: float | None = None


def read_config(path: Path | None = None) -> StoredConfig:
    path = path or config_path()
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return StoredConfig()
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as error:
        raise SettingsError(f"Cannot read the config file {path}: {error}. Fix or remove it.") from None
    base_url, api_key = data.get("base_url"), data.get("api_key")
    if not isinstance(base_url, (str, type(None))) or not isinstance(api_key, (str, type(None))):
        raise SettingsError(f"The config file {path} must hold base_url and api_key as strings.")
    timeout = data.get("timeout")
    if timeout is not None:
        if isinstance(timeout, bool) or not isinstance(timeout, (int, float)):
            raise SettingsError(f"The config file {path} must hold timeout as a number of seconds.")
        timeout = check_timeout(timeout, f"timeout in {path}")
    return StoredConfig(base_url, api_key, timeout)


def check_timeout(seconds: float, source: str) -> float:
    """A usable deadline in seconds, else SettingsError naming where it came from."""
    if not math.isfinite(seconds) or seconds <= 0:
        raise SettingsError(f"{source} must be a number of seconds greater than 0; got {seconds!r}.")
    return float(seconds)


def parse_timeout(text: str, source: str) -> float:
    """--timeout's or VOICEDESK_TIMEOUT's text as seconds."""
    try:
        return check_timeout(float(text), source)
    except (ValueError, SettingsError):  # SettingsError is a ValueError
        raise SettingsError(f"{source} must be a number of seconds greater than 0; got {text!r}.") from None


def _toml_string(value: str) -> str:
    escaped = value.replace("\\", "\\\\").replace('"', '\\"')
    return f'"{escaped}"'


def write_config(config: StoredConfig, path: Path | None = None) -> Path:
    """Write the config atomically, readable by its owner only (it may hold the key)."""
    path = path or config_path()
    ensure_private_dir(path.parent)
    lines = ["# Written by `voicedesk configure`; holds an API key: keep it private."]
    if config.base_url:
        lines.append(f"base_url = {_toml_string(config.base_url)}")
    if config.api_key:
        lines.append(f"api_key = {_toml_string(config.api_key)}")
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
            handle.write("\n".join(lines) + "\n")
        os.replace(temporary, path)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
    return path


def read_key_file(path: str) -> tuple[str, str | None]:
    """The key in a file (surrounding whitespace dropped), and a warning if others can read it."""
    try:
        text = Path(path).expanduser().read_text(encoding="utf-8").strip()
        mode = os.stat(Path(path).expanduser()).st_mode
    except OSError as error:
        raise SettingsError(f"Cannot read the API key file {path}: {error.strerror}.") from None
    if not text:
        raise SettingsError(f"The API key file {path} is empty.")
    warning = None
    if mode & (stat.S_IRWXG | stat.S_IRWXO):
        warning = f"the API key file {path} can be read by other users; chmod 600 it."
    return text, warning


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def make_settings(
    base_url: str | None, api_key: str | None, *, insecure: bool = False, timeout: float = DEFAULT_TIMEOUT
) -> Settings:
    if not base_url:
        raise SettingsError(
            "No API host: pass --base-url (e.g. https://app.famulor.de), set "
            "VOICEDESK_BASE_URL, or run `voicedesk configure`. To try voicedesk without an "
            "account, add --demo."
        )
    parts = urlsplit(base_url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise SettingsError(f"--base-url must be an http(s) address such as https://app.famulor.de; got {base_url!r}.")
    if parts.scheme == "http" and not is_loopback(parts.hostname) and not insecure:
        raise SettingsError(
            f"Refusing to send the API key over plain http to {parts.hostname}: use https://, "
            "or pass --insecure if you really mean it."
        )
    if not api_key:
        raise SettingsError(
            "No API key: set VOICEDESK_API_KEY, pass --api-key-file, or run `voicedesk configure`."
        )
    return Settings(base_url.rstrip("/"), Secret(api_key), timeout)
