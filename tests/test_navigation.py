"""Moving between the editor's groups: F6 / shift+F6 (which every terminal sends), the
ctrl+page keys, and the palette's "Go to" entries, in the sidebar's order, each landing
on the group's first field."""

from __future__ import annotations

import pytest

from tui_helpers import make_app, open_editor, wait_until
from voicedesk.sandbox import Sandbox


@pytest.fixture
def sandbox():
    with Sandbox(rate_limit=None) as server:
        yield server


async def test_f6_and_shift_f6_go_round_the_groups_to_their_first_fields(sandbox) -> None:
    app = make_app(sandbox, 101)
    async with app.run_test(size=(80, 24)) as pilot:
        editor = await open_editor(pilot)
        groups = editor.groups
        for key, order in (("f6", [*groups[1:], groups[0]]), ("shift+f6", [*reversed(groups)])):
            for group in order:
                await pilot.press(key)
                row = editor.rows[editor.fields.fields_in(group)[0].name]
                await wait_until(pilot, lambda: row.control_has_focus)  # noqa: B023 - awaited at once
                assert editor.current_group is group, (key, group)
        print(f"{2 * len(groups)} moves")


async def test_the_palettes_go_to_entries_follow_the_sidebar_and_focus_the_first_field(sandbox) -> None:
    app = make_app(sandbox, 101)
    async with app.run_test(size=(80, 24)) as pilot:
        editor = await open_editor(pilot)
        entries = [command for command in editor.palette_commands() if command.title.startswith("Go to ")]
        assert [command.title.removeprefix("Go to ") for command in entries] == [g.value for g in editor.groups]
        for command, group in zip(entries, editor.groups, strict=True):
            await command.callback()
            row = editor.rows[editor.fields.fields_in(group)[0].name]
            await wait_until(pilot, lambda: row.control_has_focus)  # noqa: B023 - awaited at once
        print(f"{len(entries)} groups")
