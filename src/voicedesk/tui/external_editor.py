"""A long text in the user's own editor ($VISUAL, else $EDITOR), as git does it.

The app steps aside (Textual's suspend: the terminal is the editor's meanwhile), the text
goes into a temporary file only the user can read (0600, removed afterwards), and is
read back when the editor exits with status 0. Whatever goes wrong is said in one line
and the text stays as it was: nothing typed in the app is lost.
"""

from __future__ import annotations

import contextlib
import os
import shlex
import subprocess
import tempfile
from typing import Any

from textual.app import App, SuspendNotSupported

from voicedesk.display import safe_text


def editor_command() -> list[str] | None:
    """The editor to run, as $VISUAL or $EDITOR say (with its arguments), or None."""
    for variable in ("VISUAL", "EDITOR"):
        value = os.environ.get(variable, "").strip()
        if value:
            try:
                return shlex.split(value) or None
            except ValueError:  # unbalanced quotes: taken as one program name
                return [value]
    return None


def edit_outside(app: App[Any], text: str, name: str) -> str | None:
    """The text as the user left it in their editor; None when it is unchanged or could
    not be edited (a notice says why). `name` names the temporary file (the field)."""
    command = editor_command()
    if command is None:
        app.notify("Set $VISUAL or $EDITOR to the editor to use (for example: export EDITOR=nano).",
                   title="No editor", severity="warning", timeout=8)
        return None
    try:
        data = text.encode("utf-8")
    except UnicodeEncodeError:
        app.notify("This text holds characters no file can carry as UTF-8 (unpaired surrogates): "
                   "edit it here.", title="Not opened", severity="warning", timeout=8)
        return None
    descriptor, path = tempfile.mkstemp(prefix=f"voicedesk-{name.replace('.', '-')}-", suffix=".txt")  # 0600
    try:
        with os.fdopen(descriptor, "wb") as file:
            file.write(data)
        try:
            with app.suspend():
                finished = subprocess.run([*command, path], check=False)
        except SuspendNotSupported:
            app.notify("This terminal cannot hand itself to another program.", title="Not opened", severity="warning")
            return None
        except OSError as error:
            app.notify(f"Could not start {safe_text(command[0])}: {error.strerror or error}.", title="Not opened",
                       severity="error", timeout=8)
            return None
        if finished.returncode != 0:
            app.notify(f"{safe_text(command[0])} ended with status {finished.returncode}: the text was not taken.",
                       title="Not taken", severity="warning", timeout=8)
            return None
        with open(path, "rb") as file:
            read = file.read()
        try:
            edited = read.decode("utf-8")
        except UnicodeDecodeError as error:
            app.notify(f"The file was saved in another encoding than UTF-8 (byte {error.start:,}): the text "
                       "was not taken.", title="Not taken", severity="error", timeout=8)
            return None
    finally:
        with contextlib.suppress(OSError):
            os.unlink(path)
    # Editors end a file with a line break (vi, nano): one the text did not have is theirs.
    if edited.endswith("\n") and not text.endswith("\n"):
        edited = edited[:-1]
    return None if edited == text else edited
