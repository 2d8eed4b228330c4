"""Copies from the editor (the focused value, the assistant's id) and every copy's way to
a terminal behind tmux: Textual's OSC 52 and the same wrapped for tmux's passthrough,
read from a real pseudo-terminal."""

from __future__ import annotations

import base64
import json
import time

import pytest

from tui_helpers import Terminal, focus, make_app, open_editor
from voicedesk.sandbox import Sandbox


@pytest.fixture
def sandbox():
    with Sandbox(rate_limit=None) as server:
        yield server


async def test_the_editor_copies_the_focused_value_and_the_assistants_id(sandbox) -> None:
    app = make_app(sandbox, 101)
    async with app.run_test(size=(80, 24)) as pilot:
        editor = await open_editor(pilot)
        session = editor.editing.session
        cases = ["assistant_name", "speech_speed", "variables", "post_call_schema"]
        for name in cases:
            await focus(pilot, editor, name)
            await pilot.press("ctrl+g")
            value = session.value(name)
            # A text as it is; anything else as JSON that reads back as the value.
            assert app.clipboard == value if isinstance(value, str) else json.loads(app.clipboard) == value, name
        await pilot.press("ctrl+t")
        assert app.clipboard == "101"
        assert any("Copied the assistant's id" in str(n.message) for n in app._notifications)
    print(f"{len(cases) + 1} copies")


def test_a_copy_inside_tmux_reaches_the_terminal_plain_and_wrapped(sandbox, monkeypatch) -> None:
    monkeypatch.setenv("TMUX", "/tmp/tmux-1000/default,4242,0")
    terminal = Terminal(sandbox, "edit", "101")
    try:
        terminal.wait_for("0 unsaved changes")
        time.sleep(0.5)
        terminal.type("\x14")  # ctrl+t
        encoded = base64.b64encode(b"101").decode()
        terminal.wait_for(f"\x1bPtmux;\x1b\x1b]52;c;{encoded}\a\x1b\\")
        assert f"\x1b]52;c;{encoded}\a".encode() in terminal.screen.replace(b"\x1b\x1b]52", b"")
    finally:
        terminal.close()
