"""`voicedesk doctor`: whether this machine can work with its host, one check a line.

Headless: the checks come out as data (`Check`), `cli/commands.py` prints them. Every text from
the server is shown through `safe_text` and cut short; the key is never part of one.
"""

from __future__ import annotations

import math
import os
import stat
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from voicedesk.api.errors import ApiError, AuthError, RateLimitedError
from voicedesk.display import safe_text, shorten
from voicedesk.paths import config_dir, state_dir
from voicedesk.settings import SettingsError, config_path, read_config

if TYPE_CHECKING:
    from voicedesk.api import ApiClient
    from voicedesk.api.answer import RateHeadroom

OK, WARN, FAIL = "ok", "warn", "FAIL"
_OTHERS = stat.S_IRWXG | stat.S_IRWXO  # permission bits that make a file or directory not private
# Server text in a line is cut to this many characters.
SHOWN_LIMIT = 80


@dataclass(frozen=True)
class Check:
    status: str  # OK, WARN or FAIL
    name: str  # what was checked, for --json
    text: str  # the line after the status; it starts with what was checked


def local_checks() -> list[Check]:
    """The config file and the directories voicedesk reads and writes."""
    return [
        _config_file_check(config_path()),
        _directory_check("config directory", config_dir(), "the config file (`voicedesk configure`)", needed=False),
        _directory_check("state directory", state_dir(), "drafts and the history", needed=True),
    ]


async def remote_checks(client: ApiClient) -> list[Check]:
    """The host, the key (GET /user/me), the rate-limit headroom and the dialect."""
    secure = "over TLS" if client.base_url.startswith("https:") else "over plain http"
    async with client:
        try:
            account = await client.account()
        except AuthError as error:  # the host answered; the key is refused
            return [Check(OK, "host", f"host: {client.base_url} answers ({error.status}) {secure}"),
                    Check(FAIL, "key", f"key: {error.message}")]
        except RateLimitedError as error:
            return [Check(OK, "host", f"host: {client.base_url} answers (429) {secure}"),
                    Check(WARN, "key", f"key: not checked: {error.message}"),
                    _headroom_check(client.headroom)]
        except ApiError as error:  # no answer, not JSON, a proxy's error, a wrong path
            return [Check(FAIL, "host", f"host: {client.base_url}: {error.message}")]
        checks = [
            Check(OK, "host", f"host: {client.base_url} answers JSON {secure}"),
            Check(OK, "key", f"key works: account {_who(account.name, account.email)}"),
            _headroom_check(client.headroom),
        ]
        status, text = await _dialect_check(client)
        checks.append(Check(status, "dialect", text))
    return checks


async def _dialect_check(client: ApiClient) -> tuple[str, str]:
    """(status, line): which dialect the host speaks, and how that was decided: as set,
    or told by the voice records (read, nothing written). A setting the voices contradict
    is a FAIL: every save would be ignored."""
    from voicedesk.remote import choice_of, detect_dialect

    pinned = choice_of(client)
    told = await detect_dialect(client)
    if pinned is None:
        return (WARN if told.reason.startswith("assumed") else OK), f"dialect: {told.dialect.value} ({told.reason})"
    if told.reason.startswith("detected") and told.dialect is not pinned:
        return FAIL, (f"dialect: {pinned.value} is set, but the host looks like {told.dialect.value} "
                      f"({told.reason}): its saves would be ignored; set --dialect {told.dialect.value} or auto")
    agree = "agree" if told.reason.startswith("detected") else "cannot tell"
    return OK, f"dialect: {pinned.value} (set; the host's voices {agree})"


def _who(name: str | None, email: str | None) -> str:
    shown = [_shown(name) if name else "(no name given)"]
    if email:
        shown.append(f"({_shown(email)})")
    return " ".join(shown)


def _shown(text: str) -> str:
    return shorten(safe_text(text.strip()), SHOWN_LIMIT)


def _headroom_check(headroom: RateHeadroom | None) -> Check:
    if headroom is None or headroom.remaining is None:
        return Check(WARN, "rate limit", "rate limit: the server sent no X-RateLimit-Remaining header, so the "
                                         "headroom is unknown (the platform allows 100 requests a minute)")
    of = f" of {headroom.limit}" if headroom.limit is not None else ""
    text = f"rate limit: {headroom.remaining}{of} requests left this minute"
    if headroom.remaining > 0:
        return Check(OK, "rate limit", text)
    again = f" for {math.ceil(headroom.reset_in)} s" if headroom.reset_in else " for a while"
    return Check(WARN, "rate limit", f"{text}: requests will wait{again}")


def _config_file_check(path: Path) -> Check:
    name = "config file"
    try:
        mode = path.stat().st_mode
    except FileNotFoundError:
        return Check(OK, name, f"config file: none at {path} (host and key from flags or the environment)")
    except OSError as error:
        return Check(FAIL, name, f"config file: cannot read {path}: {(error.strerror or 'failed').lower()}")
    try:
        stored = read_config(path)
    except SettingsError as error:
        return Check(FAIL, name, f"config file: {error}")
    if stored.api_key and mode & _OTHERS:
        return Check(WARN, name, f"config file: {path} holds the API key and other users can read it; chmod 600 it")
    return Check(OK, name, f"config file: {path}" + ("" if mode & _OTHERS else " (private)"))


def _directory_check(label: str, path: Path, holds: str, *, needed: bool) -> Check:
    """`needed`: voicedesk cannot work as it should when the directory cannot be written."""
    name, bad = label, FAIL if needed else WARN
    try:
        mode = path.stat().st_mode
    except (FileNotFoundError, NotADirectoryError):  # NotADirectoryError: a file on the way
        return _missing_directory_check(label, path, bad)
    except OSError as error:
        return Check(bad, name, f"{label}: cannot look at {path}: {(error.strerror or 'failed').lower()}")
    if not stat.S_ISDIR(mode):
        return Check(bad, name, f"{label}: {path} is not a directory, so {holds} cannot be kept there")
    if not os.access(path, os.R_OK | os.W_OK | os.X_OK):
        return Check(bad, name, f"{label}: {path} is not writable, so {holds} cannot be saved")
    if mode & _OTHERS:
        return Check(WARN, name, f"{label}: {path} can be opened by other users (mode {stat.S_IMODE(mode):o}); "
                                 "chmod 700 it")
    return Check(OK, name, f"{label}: {path} (private)")


def _missing_directory_check(label: str, path: Path, bad: str) -> Check:
    """A directory made when first written to (as 0700): whether it can be."""
    for ancestor in path.parents:
        try:
            mode = ancestor.stat().st_mode
        except FileNotFoundError:
            continue
        except OSError as error:
            return Check(bad, label, f"{label}: cannot look at {ancestor}: {(error.strerror or 'failed').lower()}")
        if not stat.S_ISDIR(mode):
            return Check(bad, label, f"{label}: {path} cannot be made: {ancestor} is not a directory")
        if not os.access(ancestor, os.W_OK | os.X_OK):
            return Check(bad, label, f"{label}: {path} cannot be made: {ancestor} is not writable")
        break
    return Check(OK, label, f"{label}: {path} does not exist yet; made (private) when first needed")
