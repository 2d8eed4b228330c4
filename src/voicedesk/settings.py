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
from itertools import pairwise
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
    # What people call the host, and what drafts and the history are kept under; the
    # base URL's host[:port] when None. The demo's sandbox gets a new port every run.
    label: str | None = None
    # Which update contract to speak: "2025", "2026", or "auto" (told by the host).
    dialect: str = "auto"

    @property
    def host(self) -> str:
        return self.label or urlsplit(self.base_url).netloc


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


def write_config(config: StoredConfig, path: Path | None = None) -> Path:
    """Set the host and the key in the config file, atomically, readable by its owner only
    (it holds the key). Everything else in the file (comments, other settings) is kept."""
    import tomlkit  # a TOML writer: only `configure` writes, the other commands only read

    path = path or config_path()
    ensure_private_dir(path.parent)
    try:
        document = tomlkit.parse(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        document = tomlkit.document()
        document.add(tomlkit.comment("Written by `voicedesk configure`; holds an API key: keep it private."))
    except OSError as error:
        raise SettingsError(f"Cannot read the config file {path}: {error.strerror}.") from None
    except (UnicodeDecodeError, tomlkit.exceptions.TOMLKitError) as error:
        raise SettingsError(f"Cannot update the config file {path}: {error}. Fix or remove it.") from None
    for key, value in (("base_url", config.base_url), ("api_key", config.api_key)):
        if value:
            document[key] = value
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
            handle.write(tomlkit.dumps(document))
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


def _quoted(text: str) -> str:
    return repr(text if len(text) <= 80 else text[:79] + "…")


def check_base_url(base_url: str) -> str:
    """The base URL without surrounding spaces and its trailing slash, or a SettingsError
    saying what is wrong with it. The URL parsers on the way (urllib's, httpx's, the
    resolver's) disagree on odd input, so only an address they all read alike passes."""
    url = base_url.strip()
    shown = _quoted(url)
    if any(char.isspace() or not char.isprintable() or char == "\\" for char in url):
        raise SettingsError(
            f"The base URL {shown} holds spaces, control characters or backslashes; "
            "give an address such as https://app.famulor.de."
        )
    try:
        parts = urlsplit(url)
    except ValueError:  # e.g. an unclosed [ of an IPv6 address
        parts = None
    if parts is None or parts.scheme not in ("http", "https") or not parts.netloc:
        raise SettingsError(f"The base URL {shown} is not an http(s) address such as https://app.famulor.de.")
    if "@" in parts.netloc:
        raise SettingsError(
            f"The base URL {shown} holds a user name or password; give the host alone "
            "(the API key is sent in a header)."
        )
    if parts.query or parts.fragment or url.endswith(("?", "#")):
        raise SettingsError(f"The base URL {shown} holds a query or fragment (? or #); give the host alone.")
    host, port = _split_host_port(parts.netloc)
    if not _is_host(host):
        raise SettingsError(f"The base URL {shown} does not name a host that can be reached.")
    if port is not None and not (port.isascii() and port.isdigit() and 1 <= int(port) <= 65535):
        raise SettingsError(f"The base URL {shown} has port {_quoted(port)}; a port is a number from 1 to 65535.")
    if _is_platform_2_path(parts.path):
        raise SettingsError(
            f"The base URL {shown} is Famulor's Platform 2.0 API (.../api/v1, keys starting fam_), "
            f"which voicedesk does not speak. {_USE_CLASSIC}"
        )
    return url.rstrip("/")


# Said whenever settings point at the Platform 2.0 API.
_USE_CLASSIC = (
    "Use the Classic API: its host alone, such as https://app.famulor.de (voicedesk adds "
    "/api itself), with a Classic API key."
)


def _is_platform_2_path(path: str) -> bool:
    """A path of the Platform 2.0 API: /api/v1, or anything under it (an endpoint's
    address pasted whole). No path of the Classic API has it: voicedesk adds /api/user/..."""
    segments = [segment.lower() for segment in path.split("/") if segment]
    return ("api", "v1") in pairwise(segments)


def _split_host_port(netloc: str) -> tuple[str, str | None]:
    """'host:443' -> ('host', '443'); '[::1]:8080' -> ('[::1]', '8080'); no port: None."""
    if netloc.startswith("[") and "]" in netloc:
        end = netloc.index("]") + 1
        host, rest = netloc[:end], netloc[end:]
        if rest.startswith(":"):
            return host, rest[1:]
        return host + rest, None  # anything else after the ] is no host (_is_host says so)
    host, colon, port = netloc.partition(":")
    return host, (port if colon else None)


def _is_host(host: str) -> bool:
    if host.startswith("[") and host.endswith("]"):
        try:
            ipaddress.IPv6Address(host[1:-1])
        except ValueError:
            return False
        return True
    if not host or "[" in host or "]" in host:
        return False
    try:  # empty or over-long labels, names no IDNA spelling fits, broken xn-- labels
        host.encode("idna").decode("idna")
    except UnicodeError:
        return False
    return True


def make_settings(
    base_url: str | None, api_key: str | None, *, insecure: bool = False, timeout: float = DEFAULT_TIMEOUT
) -> Settings:
    if not base_url or not base_url.strip():
        raise SettingsError(
            "No API host: pass --base-url (e.g. https://app.famulor.de), set "
            "VOICEDESK_BASE_URL, or run `voicedesk configure`. To try voicedesk without an "
            "account, add --demo."
        )
    url = check_base_url(base_url)
    hostname = urlsplit(url).hostname or ""
    if url.startswith("http:") and not is_loopback(hostname) and not insecure:
        raise SettingsError(
            f"Refusing to send the API key over plain http to {hostname}: use https://, "
            "or pass --insecure if you really mean it."
        )
    if not api_key:
        raise SettingsError(
            "No API key: set VOICEDESK_API_KEY, pass --api-key-file, or run `voicedesk configure`."
        )
    if not all(33 <= ord(char) <= 126 for char in api_key.strip()):  # as a header carries it
        raise SettingsError(
            "The API key holds spaces, line breaks or non-ASCII characters. Check --api-key "
            "or VOICEDESK_API_KEY (copy the key whole)."
        )
    if api_key.strip().startswith("fam_"):
        raise SettingsError(
            "The API key starts with fam_: it is a key of Famulor's Platform 2.0 API (.../api/v1), "
            f"which voicedesk does not speak. {_USE_CLASSIC}"
        )
    return Settings(url, Secret(api_key), timeout)
