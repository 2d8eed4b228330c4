"""Where to connect, with which key, and how long a request may take. The key is kept
out of every repr.

The key comes from, first to last: --api-key or VOICEDESK_API_KEY, --api-key-file, the
profile in use, the config file's top level (`voicedesk configure` writes it, mode 0600).
The host likewise from --base-url or VOICEDESK_BASE_URL, then the profile, then the top
level; the deadline of one request from --timeout or VOICEDESK_TIMEOUT, then the
profile's and the top level's `timeout`, then DEFAULT_TIMEOUT; the dialect from
--dialect or VOICEDESK_DIALECT, then the profile, then "auto". Plain http is for
loopback hosts only (the sandbox), unless --insecure says otherwise.

A profile is a `[profiles.NAME]` table of the config file, chosen by --profile (-P) or
VOICEDESK_PROFILE, else by the top-level `default_profile`; without one, the top-level
keys are the (unnamed) profile, as before profiles existed.
"""

from __future__ import annotations

import ipaddress
import math
import os
import re
import stat
import tomllib
from dataclasses import dataclass, field, replace
from itertools import pairwise
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from voicedesk.paths import config_dir, ensure_private_dir
from voicedesk.secret import Secret

# Seconds one request may take, from sending it to the last byte of its answer: a
# whole page of a large account (20 MB) on a slow link, with room to spare.
DEFAULT_TIMEOUT = 60.0


# The update contracts a host may speak; "auto" leaves it to detection.
DIALECTS = ("2025", "2026", "auto")

# The colour names a profile's `color` may use (or #rrggbb): common CSS names, which the
# TUI's colour parser knows too.
COLOR_NAMES = frozenset({
    "black", "white", "gray", "grey", "silver", "red", "maroon", "crimson", "orange", "darkorange",
    "gold", "yellow", "olive", "lime", "green", "darkgreen", "teal", "cyan", "aqua", "blue", "navy",
    "darkblue", "purple", "magenta", "fuchsia", "violet", "indigo", "pink", "brown", "coral",
    "tomato", "salmon",
})

_HEX_COLOR = re.compile(r"#[0-9a-fA-F]{6}")
_PROFILE_NAME = re.compile(r"[A-Za-z0-9_.-]{1,40}")


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
    # The profile in use (None: the config file's top level, or flags alone).
    profile: str | None = None
    # The dialect chosen (DIALECTS); what "auto" means is decided when talking to the host.
    dialect: str = "auto"
    # The profile refuses every write (see `write_refusal`).
    read_only: bool = False
    # The profile's colour for the TUI's title bars: a COLOR_NAMES name or #rrggbb.
    color: str | None = None

    @property
    def host(self) -> str:
        return self.label or urlsplit(self.base_url).netloc

    @property
    def heading(self) -> str:
        """The host as the TUI's titles show it: with the profile, and read-only if so."""
        return f"{self.host}  ·  read-only" if self.read_only else self.host

    @property
    def write_refusal(self) -> str | None:
        """Why nothing may be sent, or None when writes are allowed."""
        if not self.read_only:
            return None
        return f"profile {self.profile} is read-only; nothing was sent."


def config_path() -> Path:
    return config_dir() / "config.toml"


@dataclass(frozen=True)
class Profile:
    """One `[profiles.NAME]` table, checked; `api_key_file` as an absolute path."""

    name: str
    base_url: str | None = None
    api_key: str | None = None
    api_key_file: str | None = None
    dialect: str | None = None
    read_only: bool = False
    timeout: float | None = None
    color: str | None = None


@dataclass(frozen=True)
class StoredConfig:
    base_url: str | None = None
    api_key: str | None = None
    timeout: float | None = None
    profiles: dict[str, Profile] = field(default_factory=dict)
    default_profile: str | None = None
    # [keymap]: a binding's id -> its keys ("ctrl+e" or "f8,ctrl+e"), for the TUI.
    keymap: dict[str, str] = field(default_factory=dict)


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
    tables = data.get("profiles", {})
    if not isinstance(tables, dict):
        raise SettingsError(f"The config file {path}: profiles must be tables, as [profiles.NAME].")
    profiles = {name: _profile(path, name, table) for name, table in tables.items()}
    default = data.get("default_profile")
    if default is not None and not isinstance(default, str):
        raise SettingsError(f"The config file {path}: default_profile must be a profile's name (text).")
    if default is not None and default not in profiles:
        raise SettingsError(
            f"The config file {path}: default_profile {_quoted(default)} is not a profile; "
            f"{_known(profiles)}."
        )
    keymap = data.get("keymap", {})
    if not isinstance(keymap, dict) or not all(isinstance(keys, str) and keys.strip() for keys in keymap.values()):
        raise SettingsError(f"The config file {path}: [keymap] must map binding ids to keys, as "
                            'editor.review = "ctrl+e" (several keys: "f8,ctrl+e").')
    return StoredConfig(base_url, api_key, timeout, profiles, default, keymap)


def _known(profiles: dict[str, Profile]) -> str:
    if not profiles:
        return "there are no [profiles.NAME] tables"
    return "known: " + ", ".join(sorted(profiles))


_PROFILE_KEYS = ("base_url", "api_key", "api_key_file", "dialect", "read_only", "timeout", "color")


def _profile(path: Path, name: str, table: Any) -> Profile:
    """A profile's table, checked key by key; a bad one names the file, profile and key."""
    check_profile_name(name, f"The config file {path}: the profile name")

    def bad(key: str, expected: str) -> SettingsError:
        return SettingsError(f"The config file {path}, profile {name}: {key} must be {expected}.")

    if not isinstance(table, dict):
        raise SettingsError(f"The config file {path}: profiles.{name} must be a table, as [profiles.{name}].")
    for key in table:
        if key not in _PROFILE_KEYS:
            raise SettingsError(
                f"The config file {path}, profile {name}: unknown key {_quoted(key)} "
                f"(a profile holds {', '.join(_PROFILE_KEYS)})."
            )
    for key in ("base_url", "api_key", "api_key_file", "dialect", "color"):
        if not isinstance(table.get(key), (str, type(None))):
            raise bad(key, "text")
    if "api_key" in table and "api_key_file" in table:
        raise bad("api_key", "left out when api_key_file is given (one or the other)")
    dialect = table.get("dialect")
    if dialect is not None and dialect not in DIALECTS:
        raise bad("dialect", f'"2025", "2026" or "auto"; got {_quoted(dialect)}')
    read_only = table.get("read_only", False)
    if not isinstance(read_only, bool):
        raise bad("read_only", "true or false")
    timeout = table.get("timeout")
    if timeout is not None:
        if isinstance(timeout, bool) or not isinstance(timeout, (int, float)):
            raise bad("timeout", "a number of seconds")
        try:
            timeout = check_timeout(timeout, "timeout")
        except SettingsError:
            raise bad("timeout", f"a number of seconds greater than 0; got {timeout!r}") from None
    color = table.get("color")
    if color is not None and not (color in COLOR_NAMES or _HEX_COLOR.fullmatch(color)):
        raise bad("color", f"a colour name such as red or blue, or #rrggbb; got {_quoted(color)}")
    key_file = table.get("api_key_file")
    if key_file is not None:
        if not key_file.strip():
            raise bad("api_key_file", "a file's path")
        key_file = str(path.parent / Path(key_file).expanduser())  # relative: to the config file
    return Profile(name, table.get("base_url"), table.get("api_key"), key_file, dialect, read_only, timeout, color)


def check_profile_name(name: str, source: str = "The profile name") -> str:
    if not _PROFILE_NAME.fullmatch(name):
        raise SettingsError(
            f"{source} {_quoted(name)} may hold only letters, digits, '-', '_' and '.' (at most 40)."
        )
    return name


def check_dialect(text: str, source: str) -> str:
    if text not in DIALECTS:
        raise SettingsError(f'{source} must be 2025, 2026 or auto; got {_quoted(text)}.')
    return text


def choose_profile(config: StoredConfig, name: str | None, path: Path | None = None) -> Profile | None:
    """The profile asked for by name (--profile, VOICEDESK_PROFILE), else the default
    one, else None (the top level)."""
    if name is None:
        return config.profiles.get(config.default_profile) if config.default_profile else None
    if name not in config.profiles:
        raise SettingsError(
            f"No profile {_quoted(name)} in {path or config_path()}: {_known(config.profiles)}."
        )
    return config.profiles[name]


@dataclass(frozen=True)
class Given:
    """What the command line and the environment say, each None when not given."""

    base_url: str | None = None
    api_key: str | None = None
    api_key_file: str | None = None
    timeout: str | None = None
    dialect: str | None = None
    profile: str | None = None
    insecure: bool = False


def resolve(given: Given, path: Path | None = None) -> tuple[Settings, list[str]]:
    """The settings from the flags and variables, the profile and the config file's top
    level, first to last (see the module's docstring), with any warnings to show."""
    path = path or config_path()
    warnings: list[str] = []
    timeout = parse_timeout(given.timeout, "--timeout (or VOICEDESK_TIMEOUT)") if given.timeout else None
    dialect = check_dialect(given.dialect, "--dialect (or VOICEDESK_DIALECT)") if given.dialect else None
    config = read_config(path)
    profile = choose_profile(config, given.profile, path)
    key = given.api_key
    if not key and given.api_key_file:
        key, warning = read_key_file(given.api_key_file)
        warnings += [warning] if warning else []
    if not key and profile is not None:
        key = profile.api_key
        if not key and profile.api_key_file:
            try:
                key, warning = read_key_file(profile.api_key_file)
            except SettingsError as error:
                raise SettingsError(f"The config file {path}, profile {profile.name}: api_key_file: {error}") from None
            warnings += [warning] if warning else []
    settings = make_settings(
        given.base_url or (profile and profile.base_url) or config.base_url,
        key or config.api_key,
        insecure=given.insecure,
        timeout=timeout or (profile and profile.timeout) or config.timeout or DEFAULT_TIMEOUT,
    )
    if profile is None:
        return replace(settings, dialect=dialect or "auto"), warnings
    return replace(
        settings,
        # Drafts and the history are kept per profile and host: two accounts on one host
        # never see each other's.
        label=f"{profile.name}@{settings.host}",
        profile=profile.name,
        dialect=dialect or profile.dialect or "auto",
        read_only=profile.read_only,
        color=profile.color,
    ), warnings


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


def write_config(config: StoredConfig, path: Path | None = None, *, profile: Profile | None = None) -> Path:
    """Set the host and the key in the config file, atomically, readable by its owner only
    (it holds the key). Everything else in the file (comments, other settings) is kept.
    With `profile`, its host, key (or key file) and dialect go to its [profiles.NAME]
    table instead of the top level."""
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
    if profile is None:
        for key, value in (("base_url", config.base_url), ("api_key", config.api_key)):
            if value:
                document[key] = value
    else:
        _write_profile(document, profile, tomlkit)
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


def _write_profile(document: Any, profile: Profile, tomlkit: Any) -> None:
    profiles = document.get("profiles")
    if profiles is None:
        profiles = document["profiles"] = tomlkit.table(is_super_table=True)
    elif not isinstance(profiles, dict):
        raise SettingsError("The config file's profiles must be tables, as [profiles.NAME]. Fix it first.")
    table = profiles.get(profile.name)
    if table is None:
        table = profiles[profile.name] = tomlkit.table()
    elif not isinstance(table, dict):
        raise SettingsError(f"The config file's profiles.{profile.name} must be a table. Fix it first.")
    # One key source: the key itself, or the file that holds it.
    values = {"base_url": profile.base_url, "api_key": profile.api_key, "api_key_file": profile.api_key_file,
              "dialect": profile.dialect}
    for key in ("api_key", "api_key_file"):
        if values[key] is None and (values["api_key"] or values["api_key_file"]):
            table.pop(key, None)
    for key, value in values.items():
        if value is not None:
            table[key] = value


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
