"""Where voicedesk keeps its files: the XDG/platform directories, or the env overrides.

The functions only name directories; `ensure_private_dir` creates one when something
is about to be written, so read-only commands leave no trace on a fresh machine.
"""

from __future__ import annotations

import os
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
