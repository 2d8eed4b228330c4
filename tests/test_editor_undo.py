"""ctrl+z across the whole editor: each edit of a control without an undo of its own (a
slider step, a switch, a pick, a table's change) is a step, a visit of a text field is
one; a text control's own undo goes first and hands the key on when it has nothing left.
ctrl+y and ctrl+shift+z redo. Revert field and revert all are steps too."""

from __future__ import annotations

import pytest
from textual.widgets import Input, Switch

from tui_helpers import control_of, focus, make_app, open_editor, wait_until
from voicedesk.journal import Edit, EditJournal
from voicedesk.sandbox import Sandbox


@pytest.fixture
def sandbox():
    with Sandbox(rate_limit=None) as server:
        yield server


def test_the_journal_merges_an_open_step_and_drops_one_that_comes_to_nothing() -> None:
    journal = EditJournal(lambda _name, a, b: a == b)
    journal.record([Edit("name", "a", "ab")], merge=True)
    journal.record([Edit("name", "ab", "abc")], merge=True)  # the same visit: one step
    journal.record([Edit("speed", 1, 2)], merge=True)
    journal.seal()
    journal.record([Edit("speed", 2, 3)], merge=True)  # sealed: a step of its own
    undone = [journal.undo(), journal.undo(), journal.undo()]
    assert [step[0].after if step else None for step in undone] == [3, 2, "abc"]
    assert journal.undo() is None and journal.can_redo
    assert journal.redo() == [Edit("name", "a", "abc")]
    journal.record([Edit("name", "abc", "abcd")], merge=True)  # a new edit ends the redo
    assert not journal.can_redo
    journal.record([Edit("name", "abcd", "abc")], merge=True)  # typed and deleted: no step
    assert journal.undo() == [Edit("name", "a", "abc")] and journal.undo() is None


async def test_ctrl_z_takes_back_each_edit_in_turn_and_ctrl_y_makes_them_again(sandbox) -> None:
    app = make_app(sandbox, 101)
    async with app.run_test(size=(120, 36)) as pilot:
        editor = await open_editor(pilot)
        session = editor.editing.session
        start = dict(session.current)
        steps: list[str] = []
        await focus(pilot, editor, "assistant_name")
        await pilot.press("end", *" two", "space", *"words")  # one visit: one step
        steps.append("assistant_name")
        await focus(pilot, editor, "speech_speed")
        await pilot.press("right", "right")  # two slider steps
        steps += ["speech_speed", "speech_speed"]
        await focus(pilot, editor, "record_call")
        await pilot.press("space")  # a switch
        steps.append("record_call")
        await focus(pilot, editor, "assistant_name")  # back in the name: its own undo is gone
        values = [dict(session.current)]
        await pilot.press("tab")
        for name in reversed(steps):
            await pilot.press("ctrl+z")
            values.append(dict(session.current))
            changed = {key for key in start if values[-1][key] != values[-2][key]}
            assert changed == {name}, (name, changed)
            assert editor.rows[name].control_has_focus, name  # the field undone is shown
        assert session.current == start and session.dirty == []
        await pilot.press("ctrl+z")  # nothing left: nothing changes
        assert session.current == start
        for index, redo in enumerate(["ctrl+y", "ctrl+shift+z", "ctrl+y", "ctrl+y"], start=1):
            await pilot.press(redo)
            assert session.current == values[-1 - index], redo
        assert control_of(editor, "record_call", Switch).value == values[0]["record_call"]  # shown as set
    print(f"{len(steps)} steps undone and redone")


async def test_a_text_fields_own_undo_goes_first_then_the_editors(sandbox) -> None:
    app = make_app(sandbox, 101)
    async with app.run_test(size=(120, 36)) as pilot:
        editor = await open_editor(pilot)
        session = editor.editing.session
        name, speed = session.value("assistant_name"), session.value("speech_speed")
        await focus(pilot, editor, "speech_speed")
        await pilot.press("right")
        await focus(pilot, editor, "assistant_name")
        control = editor.rows["assistant_name"].control
        assert isinstance(control, Input)
        await pilot.press("end", *" one", "space", *"two")
        await pilot.press("ctrl+z")  # the text's own undo: one word
        assert session.value("assistant_name") == name + " one " and control.has_focus
        await pilot.press("ctrl+z", "ctrl+z")  # "one " and the space before it
        assert session.value("assistant_name") == name and session.value("speech_speed") != speed
        await pilot.press("ctrl+z")  # nothing left in the text: the editor's undo, the slider step
        assert session.value("speech_speed") == speed
        assert session.dirty == []


async def test_revert_field_and_revert_all_are_steps_ctrl_z_takes_back(sandbox) -> None:
    app = make_app(sandbox, 101)
    async with app.run_test(size=(120, 36)) as pilot:
        editor = await open_editor(pilot)
        session = editor.editing.session
        await focus(pilot, editor, "speech_speed")
        await pilot.press("right")
        await focus(pilot, editor, "record_call")
        await pilot.press("space")
        edited = dict(session.current)
        await pilot.press("ctrl+o")  # revert field
        assert session.dirty == ["speech_speed"]
        await pilot.press("ctrl+z")
        assert session.current == edited
        await pilot.press("ctrl+r")
        await wait_until(pilot, lambda: app.screen is not editor)
        await pilot.press("enter")  # the question's default
        await pilot.pause()
        assert session.current == edited, "the default answer of revert all keeps the edits"
        await pilot.press("ctrl+r")
        await wait_until(pilot, lambda: app.screen is not editor and app.screen.query("#choice-revert"))
        await pilot.click("#choice-revert")
        await wait_until(pilot, lambda: session.dirty == [])
        await pilot.press("ctrl+z")  # both fields at once
        assert session.current == edited



async def test_a_row_added_to_the_variables_and_filled_in_is_one_step(sandbox) -> None:
    app = make_app(sandbox, 101)
    async with app.run_test(size=(120, 36)) as pilot:
        editor = await open_editor(pilot)
        session = editor.editing.session
        before = session.value("variables")
        await focus(pilot, editor, "variables")
        await pilot.press("ctrl+n", *"room", "tab", *"12", "enter")  # add a row, its key, its value
        await wait_until(pilot, lambda: session.value("variables") == {**before, "room": "12"})
        await focus(pilot, editor, "speech_speed")
        await pilot.press("right")
        await pilot.press("ctrl+z", "ctrl+z")  # the slider step, then the whole row
        assert session.value("variables") == before and session.dirty == []
        assert editor.rows["variables"].control_has_focus
        await pilot.press("ctrl+y")
        assert session.value("variables") == {**before, "room": "12"}


async def test_a_save_starts_the_undo_afresh(sandbox) -> None:
    app = make_app(sandbox, 101)
    async with app.run_test(size=(120, 36)) as pilot:
        editor = await open_editor(pilot)
        session = editor.editing.session
        await focus(pilot, editor, "speech_speed")
        await pilot.press("right")
        sent = session.value("speech_speed")
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: app.screen is not editor)
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: app.screen is editor and not session.dirty)
        await pilot.press("ctrl+z")
        assert session.value("speech_speed") == sent and session.dirty == []
        assert any("Nothing to undo" in str(n.message) for n in app._notifications)
