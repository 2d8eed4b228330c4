"""Snapshot tests of the main screens, against the sandbox over loopback.

The sandbox listens on a fixed port here because the host is part of every screen.
After an intended change of a screen: look at the report, then --snapshot-update.
"""

from __future__ import annotations

import pytest

from tui_helpers import make_app, wait_until
from voicedesk.fields import GROUPS, fields_in
from voicedesk.sandbox import Fault, Sandbox
from voicedesk.tui.screens.conflicts import ConflictScreen
from voicedesk.tui.screens.editor import EditorScreen
from voicedesk.tui.screens.modals import Ask
from voicedesk.tui.screens.prompt import PromptEditorScreen
from voicedesk.tui.screens.review import ReviewScreen
from voicedesk.tui.screens.tool import ToolScreen

SNAPSHOT_PORT = 47613
WIDE = (120, 36)


@pytest.fixture(scope="module")
def sandbox():
    with Sandbox(rate_limit=None, port=SNAPSHOT_PORT) as server:
        yield server


async def editor_ready(pilot) -> EditorScreen:
    await wait_until(pilot, lambda: isinstance(pilot.app.screen, EditorScreen) and pilot.app.screen.ready)
    return pilot.app.screen


async def focus(pilot, name: str) -> None:
    screen = await editor_ready(pilot)
    await screen.focus_field(name)
    await wait_until(pilot, lambda: screen.rows[name].control_has_focus)


def test_picker(snap_compare, sandbox) -> None:
    async def loaded(pilot) -> None:
        await wait_until(pilot, lambda: pilot.app.screen.query_one("#picker-table").row_count == 14)

    assert snap_compare(make_app(sandbox), terminal_size=WIDE, run_before=loaded)


def test_picker_filtered(snap_compare, sandbox) -> None:
    async def filtered(pilot) -> None:
        await wait_until(pilot, lambda: pilot.app.screen.query_one("#picker-table").row_count == 14)
        await pilot.press(*"hotline")

    assert snap_compare(make_app(sandbox), terminal_size=WIDE, run_before=filtered)


@pytest.mark.parametrize("group", GROUPS, ids=lambda g: g.name.lower())
def test_editor_group(snap_compare, sandbox, group) -> None:
    async def show(pilot) -> None:
        await focus(pilot, fields_in(group)[0].name)

    assert snap_compare(make_app(sandbox, 104), terminal_size=WIDE, run_before=show)


def test_editor_with_edits_and_flags(snap_compare, sandbox) -> None:
    """The out-of-range assistant: stored values flagged, one edit marked dirty."""

    async def edit(pilot) -> None:
        await focus(pilot, "re_engagement_interval")
        await pilot.press("right")

    assert snap_compare(make_app(sandbox, 106), terminal_size=WIDE, run_before=edit)


def test_editor_at_80x24(snap_compare, sandbox) -> None:
    async def ready(pilot) -> None:
        await focus(pilot, "speech_speed")

    assert snap_compare(make_app(sandbox, 107), terminal_size=(80, 24), run_before=ready)


def test_review(snap_compare, sandbox) -> None:
    async def review(pilot) -> None:
        await focus(pilot, "speech_speed")
        await pilot.press("left", "left")
        await focus(pilot, "initial_message")
        await pilot.press("end", *" Press 1 for bookings.")
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: isinstance(pilot.app.screen, ReviewScreen))
        await pilot.press("j")

    assert snap_compare(make_app(sandbox, 101), terminal_size=WIDE, run_before=review)


@pytest.mark.parametrize("size", [WIDE, (80, 24)], ids=lambda size: f"{size[0]}x{size[1]}")
def test_review_of_many_changes(snap_compare, sandbox, size) -> None:
    """Fourteen changes, more than fit: named at the top, the changes focused."""
    from test_review import many_changes

    assert snap_compare(make_app(sandbox, 101), terminal_size=size, run_before=many_changes)


def test_finder(snap_compare, sandbox) -> None:
    async def find(pilot) -> None:
        await editor_ready(pilot)
        await pilot.press("ctrl+f", *"dur")

    assert snap_compare(make_app(sandbox, 101), terminal_size=WIDE, run_before=find)


def test_error_modal(snap_compare, sandbox) -> None:
    async def fail_to_save(pilot) -> None:
        await focus(pilot, "voice_stability")
        await pilot.press("right")
        sandbox.fail_next(1, Fault.status(500, {"message": "Assistant update failed"}), path="/api/user/assistant/")
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: isinstance(pilot.app.screen, ReviewScreen))
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: isinstance(pilot.app.screen, Ask))

    assert snap_compare(make_app(sandbox, 101), terminal_size=WIDE, run_before=fail_to_save)


def test_quit_modal(snap_compare, sandbox) -> None:
    async def quit_with_edits(pilot) -> None:
        await focus(pilot, "record_call")
        await pilot.press("enter", "ctrl+q")
        await wait_until(pilot, lambda: isinstance(pilot.app.screen, Ask))

    assert snap_compare(make_app(sandbox, 101), terminal_size=WIDE, run_before=quit_with_edits)


def test_help(snap_compare, sandbox) -> None:
    async def help_screen(pilot) -> None:
        await editor_ready(pilot)
        await pilot.press("f1")

    assert snap_compare(make_app(sandbox, 101), terminal_size=WIDE, run_before=help_screen)


# -- the 2026 dialect's controls, at both sizes -----------------------------------------

SNAPSHOT_PORT_2026 = SNAPSHOT_PORT + 1
SIZES = [WIDE, (80, 24)]


@pytest.fixture(scope="module")
def sandbox_2026():
    with Sandbox(rate_limit=None, port=SNAPSHOT_PORT_2026, dialect="2026") as server:
        yield server


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
@pytest.mark.parametrize("name", ["tools", "label_ids", "max_initial_silence_duration", "filler_config"])
def test_2026_controls(snap_compare, sandbox_2026, name, size) -> None:
    """The tools list, a multi-select, a number that can be off, the filler phrases."""

    async def show(pilot) -> None:
        await focus(pilot, name)

    assert snap_compare(make_app(sandbox_2026, 101), terminal_size=size, run_before=show)


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_2026_one_tool_open(snap_compare, sandbox_2026, size) -> None:
    """The Cal.com tool in its screen: the key kept and not shown, a choice, the booking
    fields as JSON."""

    async def show(pilot) -> None:
        await focus(pilot, "tools")
        await pilot.press("down", "down", "enter")
        await wait_until(pilot, lambda: isinstance(pilot.app.screen, ToolScreen) and pilot.app.screen.focused)

    assert snap_compare(make_app(sandbox_2026, 101), terminal_size=size, run_before=show)


# -- issue 15: the keys at both sizes, the prompt editor's find bar, the conflict dialog --


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_leave_question_lists_the_changes(snap_compare, sandbox, size) -> None:
    async def leave_with_edits(pilot) -> None:
        await focus(pilot, "speech_speed")
        await pilot.press("right")
        await focus(pilot, "record_call")
        await pilot.press("enter", "escape")
        await wait_until(pilot, lambda: isinstance(pilot.app.screen, Ask))

    assert snap_compare(make_app(sandbox, 101), terminal_size=size, run_before=leave_with_edits)


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_help_of_the_prompt_editor(snap_compare, sandbox, size) -> None:
    async def help_screen(pilot) -> None:
        await focus(pilot, "system_prompt")
        await pilot.press("enter")
        await wait_until(pilot, lambda: isinstance(pilot.app.screen, PromptEditorScreen))
        await pilot.press("f1")

    assert snap_compare(make_app(sandbox, 101), terminal_size=size, run_before=help_screen)


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_prompt_editor_replacing(snap_compare, sandbox, size) -> None:
    async def replacing(pilot) -> None:
        await focus(pilot, "system_prompt")
        await pilot.press("enter")
        await wait_until(pilot, lambda: isinstance(pilot.app.screen, PromptEditorScreen))
        await pilot.press("ctrl+r", *"appointment", "enter", "tab", *"visit")
        await pilot.pause(0.2)  # the position line, once the cursor rests

    assert snap_compare(make_app(sandbox, 101), terminal_size=size, run_before=replacing)


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_conflict_dialog(snap_compare, size) -> None:
    with Sandbox(rate_limit=None, port=SNAPSHOT_PORT + 2) as conflicting:
        async def conflict(pilot) -> None:
            await focus(pilot, "speech_speed")
            await pilot.press("right")
            await focus(pilot, "record_call")
            await pilot.press("enter")
            conflicting.edit_assistant(101, speech_speed="0.8", record_call=False)
            await pilot.press("ctrl+s")
            await wait_until(pilot, lambda: isinstance(pilot.app.screen, ReviewScreen))
            await pilot.press("ctrl+s")
            await wait_until(pilot, lambda: isinstance(pilot.app.screen, ConflictScreen))
            await pilot.pause()

        assert snap_compare(make_app(conflicting, 101), terminal_size=size, run_before=conflict)

# -- long text as a word diff (review, history) and the picker at 80 columns (issue 15) --

LONG_TEXT_CHANGES = (("Berlin-Mitte", "Berlin-Kreuzberg"), ("at 8:00", "at 7:30"))


def changed_prompt(prompt: str) -> str:
    for old, new in LONG_TEXT_CHANGES:
        prompt = prompt.replace(old, new)
    return prompt


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_review_of_a_long_text_word_diff(snap_compare, sandbox, size) -> None:
    """Two words changed in the system prompt: each marked in its sentence, not the
    paragraph twice."""

    async def review(pilot) -> None:
        editor = await editor_ready(pilot)
        editor.editing.session.set("system_prompt", changed_prompt(editor.editing.session.value("system_prompt")))
        editor.reload_rows()
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: isinstance(pilot.app.screen, ReviewScreen)
                         and bool(pilot.app.screen.query(".review-change")))

    assert snap_compare(make_app(sandbox, 101), terminal_size=size, run_before=review)


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_history_save_as_a_diff(snap_compare, sandbox, size) -> None:
    """A recorded save (a fixed time) opened from the history: the prompt's diff."""
    import json

    from voicedesk.history import History
    from voicedesk.tui.screens.history import HistoryScreen

    async def opened(pilot) -> None:
        editor = await editor_ready(pilot)
        prompt = sandbox.assistant(101)["system_prompt"]
        history = History()
        history.path.parent.mkdir(parents=True, exist_ok=True)
        history.path.write_text(json.dumps({
            "time": "2026-12-04T09:30:00+00:00", "host": pilot.app.client.host, "assistant_id": 101,
            "assistant_name": "Bright Smile Dental – Reception", "changes": [
                {"field": "system_prompt", "before": prompt, "after": changed_prompt(prompt)},
                {"field": "speech_speed", "before": 1.0, "after": 0.9}]}) + "\n", encoding="utf-8")
        editor.action_history()
        await wait_until(pilot, lambda: isinstance(pilot.app.screen, HistoryScreen)
                         and bool(pilot.app.screen.query("#history-list")))
        await pilot.press("enter")
        await wait_until(pilot, lambda: "@@" in str(pilot.app.screen.query_one("#history-diff").render()))

    assert snap_compare(make_app(sandbox, 101), terminal_size=size, run_before=opened)


def test_picker_at_80x24(snap_compare, sandbox) -> None:
    """The names get the room: the engine and direction give way."""

    async def loaded(pilot) -> None:
        table = pilot.app.screen.query_one("#picker-table")
        await wait_until(pilot, lambda: table.row_count == 14 and (table.get_row(101) or ("",) * 5)[4].startswith("+"))

    assert snap_compare(make_app(sandbox), terminal_size=(80, 24), run_before=loaded)

# --- issue 15: controls read without colour (helper "controls"; one block) ------------------

# What each shows: the field focused, and the keys pressed there.
CONTROLS = {
    "switch": ("is_webhook_active", ["space"]),  # says Off in words
    "choice_of_two": ("calls_direction", ["space"]),  # (•) Outbound, toggled with one key
    "slider_typed": ("max_call_duration", ["enter", *"1:3"]),  # the entry, its value replaced
    "variables_and_schema": ("variables", ["ctrl+n", *"my-key", "tab", "x", "enter"]),  # fitted names, a flag
}


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
@pytest.mark.parametrize("control", list(CONTROLS))
def test_controls_without_colour(snap_compare, sandbox, control, size) -> None:
    name, keys = CONTROLS[control]

    async def show(pilot) -> None:
        await focus(pilot, name)
        await pilot.press(*keys)
        await pilot.pause()

    assert snap_compare(make_app(sandbox, 101), terminal_size=size, run_before=show)


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_unreported_switch_2026(snap_compare, sandbox_2026, size) -> None:
    """A boolean the server does not report: both marks empty, and what space gives."""

    async def show(pilot) -> None:
        await focus(pilot, "tts_emotion_enabled")
        await pilot.pause()

    assert snap_compare(make_app(sandbox_2026, 101), terminal_size=size, run_before=show)


# --- issue 16: many assistants from the picker's marks (nothing is sent here) ----------------


async def marked(pilot, *keys: str) -> None:
    """The picker loaded, the focus in the list, `keys` pressed there."""
    table = pilot.app.screen.query_one("#picker-table")
    await wait_until(pilot, lambda: table.row_count == 14 and (table.get_row(101) or ("",) * 5)[4].startswith("+"))
    await pilot.press("down", *keys)
    await pilot.pause()


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_picker_with_marks(snap_compare, sandbox, size) -> None:
    async def show(pilot) -> None:
        await marked(pilot, "space", "space", "down", "space")

    assert snap_compare(make_app(sandbox), terminal_size=size, run_before=show)


async def change_of_three(pilot) -> None:
    from voicedesk.tui.screens.bulk import BulkScreen

    await marked(pilot, "space", "space", "space", "ctrl+e")
    await wait_until(pilot, lambda: type(pilot.app.screen).__name__ == "SearchSelectScreen")
    await pilot.press(*"speech speed", "enter")
    await wait_until(pilot, lambda: isinstance(pilot.app.screen, BulkScreen) and pilot.app.screen.chosen)
    await pilot.press("left", "left")
    await pilot.pause()


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_change_of_marked_assistants(snap_compare, sandbox, size) -> None:
    assert snap_compare(make_app(sandbox), terminal_size=size, run_before=change_of_three)


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_review_of_a_change_of_marked_assistants(snap_compare, sandbox, size) -> None:
    from voicedesk.tui.screens.bulk import BulkReviewScreen

    async def show(pilot) -> None:
        await change_of_three(pilot)
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: isinstance(pilot.app.screen, BulkReviewScreen))
        await pilot.pause()

    assert snap_compare(make_app(sandbox), terminal_size=size, run_before=show)


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_compare_two_assistants(snap_compare, sandbox, size) -> None:
    from voicedesk.tui.screens.bulk import CompareScreen

    async def show(pilot) -> None:
        await marked(pilot, "space", "space", "f2")
        await wait_until(pilot, lambda: isinstance(pilot.app.screen, CompareScreen))
        await pilot.press("down", "greater_than_sign")  # the second differing setting, copied across
        await pilot.pause()

    assert snap_compare(make_app(sandbox), terminal_size=size, run_before=show)
