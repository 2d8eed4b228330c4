"""Where voicedesk keeps its files: the XDG/platform directories, or the env overrides.

The functions only name directories; `ensure_private_dir` creates one when something
is about to be written, so read-only commands leave no trace on a fresh machine.
Files about one assistant are named by `file_key`; `write_private` writes any of them.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import re
import tempfile
from pathlib import Path

import platformdirs

APP_NAME = "voicedesk"


def _from_env(variable: str) -> Path | None:
    value = os.environ.get(variable)
    return Path(value).expanduser() if value else None


def state_dir() -> Path:
    """Drafts and history: $VOICEDESK_STATE_DIR, else the platform's user state dir."""
    return _from_env("VOICEDESK_STATE_DIR") or platformdirs.user_state_path(APP_NAME)


def config_dir() -> Path:
    """Settings: $VOICEDESK_CONFIG_DIR, else the platform's user config dir."""
    return _from_env("VOICEDESK_CONFIG_DIR") or platformdirs.user_config_path(APP_NAME)


def ensure_private_dir(path: Path) -> Path:
    """Create `path` and any missing parents as 0700; existing directories are left as they are."""
    missing = [directory for directory in (path, *path.parents) if not directory.exists()]
    for directory in reversed(missing):
        directory.mkdir(mode=0o700, exist_ok=True)
    return path


_UNSAFE_RUN = re.compile(r"[^A-Za-z0-9.-]+")


def file_key(host: str, assistant_id: int) -> str:
    """A file name stem for any host and assistant (never starting with a dot): a
    readable part, plus a hash that keeps keys apart."""
    readable = _UNSAFE_RUN.sub("_", host).strip("._-")[:60] or "host"
    key = f"{host}\n{assistant_id}".encode("utf-8", "surrogatepass")
    return f"{readable}-{assistant_id}-{hashlib.sha256(key).hexdigest()[:12]}"


def write_private(path: Path, data: bytes) -> None:
    """Replace `path` with `data` atomically (temp file, fsync, rename), readable by the
    user alone; on failure the old file stays and no temp file is left."""
    # mkstemp opens with O_CREAT | O_EXCL and mode 0600: the file is never readable by others.
    fd, temp_name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as stream:
            stream.write(data)
            stream.flush()
            os.fsync(stream.fileno())
        os.replace(temp_name, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temp_name)
        raise
