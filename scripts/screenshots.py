"""Render screenshots/*.svg of the main screens, against the sandbox over loopback.

    .venv/bin/python scripts/screenshots.py
"""

from __future__ import annotations

import asyncio
import os
import tempfile
import time
from collections.abc import Awaitable, Callable
from pathlib import Path

from textual.pilot import Pilot

from voicedesk.sandbox import DEMO_API_KEY, Fault, Sandbox
from voicedesk.settings import make_settings
from voicedesk.tui.app import VoicedeskApp
from voicedesk.tui.screens.editor import EditorScreen
from voicedesk.tui.screens.modals import Ask
from voicedesk.tui.screens.prompt import PromptEditorScreen
from voicedesk.tui.screens.review import ReviewScreen
from voicedesk.tui.widgets.assistant_table import AssistantTable

OUT = Path(__file__).resolve().parent.parent / "screenshots"
SIZE = (120, 36)


async def until(pilot: Pilot, condition: Callable[[], object], timeout: float = 15) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise TimeoutError("the screen did not get there in time")
        await pilot.pause(0.05)


async def focus(pilot: Pilot, name: str) -> EditorScreen:
    await until(pilot, lambda: isinstance(pilot.app.screen, EditorScreen) and pilot.app.screen.ready)
    editor = pilot.app.screen
    assert isinstance(editor, EditorScreen)
    await editor.focus_field(name)
    await until(pilot, lambda: editor.rows[name].control_has_focus)
    return editor


async def picker(pilot: Pilot, sandbox: Sandbox) -> None:
    await until(pilot, lambda: pilot.app.screen.query_one("#picker-table", AssistantTable).row_count > 0)
    await pilot.pause(0.3)


async def editor_core(pilot: Pilot, sandbox: Sandbox) -> None:
    await focus(pilot, "voice_id")


async def editor_voice(pilot: Pilot, sandbox: Sandbox) -> None:
    await focus(pilot, "speech_speed")
    await pilot.press("right", "right")


async def finder(pilot: Pilot, sandbox: Sandbox) -> None:
    await focus(pilot, "assistant_name")
    await pilot.press("ctrl+f", *"webh")


async def review(pilot: Pilot, sandbox: Sandbox) -> None:
    await focus(pilot, "speech_speed")
    await pilot.press("left", "left")
    await focus(pilot, "initial_message")
    await pilot.press("end", *" Press 1 for appointments.")
    await pilot.press("ctrl+s")
    await until(pilot, lambda: isinstance(pilot.app.screen, ReviewScreen))
    await pilot.press("j")


async def error(pilot: Pilot, sandbox: Sandbox) -> None:
    await focus(pilot, "voice_stability")
    await pilot.press("right")
    sandbox.fail_next(1, Fault.html(502), path="/api/user/assistant/")
    await pilot.press("ctrl+s")
    await until(pilot, lambda: isinstance(pilot.app.screen, ReviewScreen))
    await pilot.press("ctrl+s")
    await until(pilot, lambda: isinstance(pilot.app.screen, Ask))


async def editor_tools(pilot: Pilot, sandbox: Sandbox) -> None:
    await focus(pilot, "tools")


async def prompt_find(pilot: Pilot, sandbox: Sandbox) -> None:
    await focus(pilot, "system_prompt")
    await pilot.press("enter")
    await until(pilot, lambda: isinstance(pilot.app.screen, PromptEditorScreen))
    await pilot.press("ctrl+r", *"appointment", "enter", "tab", *"visit")


async def many_review(pilot: Pilot, sandbox: Sandbox) -> None:
    """Three assistants marked in the picker, one change, its combined review."""
    table = pilot.app.screen.query_one("#picker-table", AssistantTable)
    await until(pilot, lambda: table.row_count > 0)
    await pilot.press("down", "space", "space", "space", "ctrl+e")
    await until(pilot, lambda: type(pilot.app.screen).__name__ == "SearchSelectScreen")
    await pilot.press(*"speech speed", "enter")
    await until(pilot, lambda: bool(getattr(pilot.app.screen, "chosen", None)))
    await pilot.press("left", "left", "ctrl+s")
    await until(pilot, lambda: type(pilot.app.screen).__name__ == "BulkReviewScreen")


Scene = Callable[[Pilot, Sandbox], Awaitable[None]]
# (file, assistant, scene, the sandbox's dialect)
SCENES: list[tuple[str, int | None, Scene, str]] = [
    ("picker", None, picker, "2026"),
    ("editor-core", 101, editor_core, "2026"),
    ("editor-voice", 104, editor_voice, "2026"),
    ("editor-tools-2026", 101, editor_tools, "2026"),
    ("editor-core-2025", 101, editor_core, "2025"),
    ("finder", 101, finder, "2026"),
    ("review", 101, review, "2026"),
    ("prompt-find", 101, prompt_find, "2026"),
    ("error", 101, error, "2026"),
    ("many-review", None, many_review, "2026"),
]


async def render(sandbox: Sandbox, name: str, assistant_id: int | None, scene: Scene) -> Path:
    app = VoicedeskApp(make_settings(sandbox.base_url, DEMO_API_KEY), assistant_id)
    async with app.run_test(size=SIZE) as pilot:
        await scene(pilot, sandbox)
        await pilot.pause(0.2)
        return Path(app.save_screenshot(f"{name}.svg", path=str(OUT)))


def main() -> None:
    OUT.mkdir(exist_ok=True)
    for name, assistant_id, scene, dialect in SCENES:
        # Fresh data and empty draft/history folders per scene: one scene's unsent edits
        # must not be offered back in the next, nor land among the user's own drafts.
        os.environ["VOICEDESK_STATE_DIR"] = tempfile.mkdtemp(prefix="voicedesk-shots-")
        # The sandbox command's default port; its dialect detected, as on a real host.
        with Sandbox(rate_limit=None, port=8765, dialect=dialect) as sandbox:
            print(asyncio.run(render(sandbox, name, assistant_id, scene)))


if __name__ == "__main__":
    main()
