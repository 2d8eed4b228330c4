"""Every path that reloads the editor's rows leaves them as a freshly opened editor shows
the same data; the review and format_value take any value a control can hold."""

from __future__ import annotations

import json
import math
import os
from pathlib import Path
from types import SimpleNamespace
from typing import Any

from hypothesis import given
from hypothesis import strategies as st
from textual.widgets import Input, RadioButton, RadioSet, Switch, TextArea

from tui_helpers import choose, control_of, focus, make_app, open_editor, wait_until
from voicedesk.display import format_value
from voicedesk.fields import FIELDS, GROUPS, Kind, catalogue, fields_in
from voicedesk.records import Lookups
from voicedesk.sandbox import Fault, Sandbox
from voicedesk.session import Change
from voicedesk.tui.form import FieldRow, RowHead, TextPreview
from voicedesk.tui.screens.conflicts import ConflictScreen
from voicedesk.tui.screens.editor import EditorScreen
from voicedesk.tui.screens.modals import Ask
from voicedesk.tui.screens.review import ReviewScreen, change_text
from voicedesk.tui.widgets import KeyValueEditor, SchemaEditor, SearchSelect, Slider, ToolEditor
from voicedesk.tui.widgets.rows import RowEditor

FORM_FIELDS = {field.name for group in GROUPS for field in fields_in(group)}


def shown_row(row: FieldRow) -> tuple[Any, ...]:
    """What a row shows: its head, its control's value as shown, the choices it offers."""
    head = row.query_one(RowHead)
    control = row.control
    options = None
    value: object
    if isinstance(control, SearchSelect):
        value, options = control.label, control.options
    elif isinstance(control, TextArea):
        value = control.text
    elif isinstance(control, TextPreview):
        value = str(control.render())
    elif isinstance(control, (KeyValueEditor, SchemaEditor)):
        value = control.value
    else:  # Slider, Switch, Input (and the tools' and phrases' lists)
        assert isinstance(control, (Slider, Switch, Input, ToolEditor, RowEditor)), type(control)
        value = control.value
    return head.label, head.range_text, type(control).__name__, value, options, control.disabled


async def all_rows_built(pilot) -> EditorScreen:
    editor = await open_editor(pilot)
    await wait_until(pilot, lambda: set(editor.rows) == FORM_FIELDS)
    return editor


def shown_rows(editor: EditorScreen) -> dict[str, tuple[Any, ...]]:
    return {name: shown_row(row) for name, row in editor.rows.items()}


async def edit(pilot, editor: EditorScreen) -> None:
    """A choice of two toggled (the numbers' list depends on it) and a slider step."""
    await focus(pilot, editor, "calls_direction")
    await pilot.press("space")
    await wait_until(pilot, lambda: editor.editing.session.value("calls_direction") == "make")
    await focus(pilot, editor, "speech_speed")
    await pilot.press("right")
    assert set(editor.editing.session.dirty) == {"calls_direction", "speech_speed"}


async def review_and_send(pilot, editor: EditorScreen) -> None:
    await pilot.press("ctrl+s")
    await wait_until(pilot, lambda: isinstance(pilot.app.screen, ReviewScreen))
    await pilot.press("ctrl+s")
    await wait_until(pilot, lambda: pilot.app.screen is editor and not editor.session.dirty)


async def fresh_editor_rows(sandbox: Sandbox) -> dict[str, tuple[Any, ...]]:
    app = make_app(sandbox, 101)
    async with app.run_test(size=(120, 36)) as pilot:
        editor = await all_rows_built(pilot)
        assert not editor.editing.session.dirty and not isinstance(app.screen, Ask)  # no draft left over
        return shown_rows(editor)


async def after_a_save(sandbox: Sandbox) -> dict[str, tuple[Any, ...]]:
    app = make_app(sandbox, 101)
    async with app.run_test(size=(120, 36)) as pilot:
        editor = await all_rows_built(pilot)
        await edit(pilot, editor)
        await review_and_send(pilot, editor)
        return shown_rows(editor)


async def after_revert_all(sandbox: Sandbox) -> dict[str, tuple[Any, ...]]:
    app = make_app(sandbox, 101)
    async with app.run_test(size=(120, 36)) as pilot:
        editor = await all_rows_built(pilot)
        await edit(pilot, editor)
        await pilot.press("ctrl+r")
        await choose(pilot, "revert")
        await wait_until(pilot, lambda: app.screen is editor and not editor.editing.session.dirty)
        return shown_rows(editor)


async def after_a_draft_restore(sandbox: Sandbox) -> dict[str, tuple[Any, ...]]:
    drafts = Path(os.environ["VOICEDESK_STATE_DIR"]) / "drafts"
    app = make_app(sandbox, 101)
    async with app.run_test(size=(120, 36)) as pilot:
        editor = await all_rows_built(pilot)
        await edit(pilot, editor)

        def drafted() -> bool:
            files = list(drafts.glob("*.json"))
            return bool(files) and set(json.loads(files[0].read_text())["fields"]) == set(editor.editing.session.dirty)

        await wait_until(pilot, drafted)
    app = make_app(sandbox, 101)
    async with app.run_test(size=(120, 36)) as pilot:
        await choose(pilot, "restore")
        editor = await all_rows_built(pilot)
        await wait_until(pilot, lambda: app.screen is editor and len(editor.editing.session.dirty) == 2)
        shown = shown_rows(editor)
        await review_and_send(pilot, editor)  # what a fresh editor then shows is the same data
        return shown


async def after_a_conflict(sandbox: Sandbox) -> dict[str, tuple[Any, ...]]:
    app = make_app(sandbox, 101)
    async with app.run_test(size=(120, 36)) as pilot:
        editor = await all_rows_built(pilot)
        await edit(pilot, editor)
        sandbox.edit_assistant(101, speech_speed="0.9")  # a colleague, meanwhile
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: isinstance(app.screen, ReviewScreen))
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: isinstance(app.screen, ConflictScreen))
        app.screen.query_one("#choice-speech_speed", RadioSet).query(RadioButton)[1].value = True  # theirs
        # The send after the choice fails, so what is shown is the conflict's reload alone.
        sandbox.fail_next(1, Fault.status(500, {"message": "down"}), path="/api/user/assistant/")
        await pilot.click("#conflict-send")
        await choose(pilot, "cancel")
        await wait_until(pilot, lambda: isinstance(app.screen, ReviewScreen) and not app.screen.saving)
        await pilot.press("escape")
        await wait_until(pilot, lambda: app.screen is editor)
        session = editor.editing.session
        assert session.dirty == ["calls_direction"] and session.value("speech_speed") == 0.9
        shown = shown_rows(editor)
        await review_and_send(pilot, editor)
        return shown


PATHS = {
    "a save": after_a_save,
    "revert all": after_revert_all,
    "a draft restore": after_a_draft_restore,
    "a conflict resolution": after_a_conflict,
}


async def test_every_reload_path_shows_what_a_fresh_editor_shows() -> None:
    rows = 0
    for path, reload_by in PATHS.items():
        with Sandbox(rate_limit=None) as sandbox:
            reloaded = await reload_by(sandbox)
            fresh = await fresh_editor_rows(sandbox)
        assert set(reloaded) == set(fresh) == FORM_FIELDS, path
        for name in fresh:
            assert reloaded[name] == fresh[name], (path, name)
        choices = {name: shown[4] for name, shown in reloaded.items() if FIELDS[name].kind is Kind.CHOICE}
        assert choices and all(
            offered == [(choice.label, choice.value) for choice in FIELDS[name].choices]
            for name, offered in choices.items()
        ), path
        rows += len(fresh)
    print(f"compared {rows} rows after {len(PATHS)} reload paths")


# --- any value a control can hold, in the review and format_value -----------------------

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.integers(min_value=10**400, max_value=10**401)
    | st.floats() | st.text(),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner, max_size=3),
    max_leaves=6,
)


def held_values(name: str) -> st.SearchStrategy[Any]:
    """What a field's control can hold: its own kind of value, or whatever was stored (a
    control shows a stored value as it is)."""
    field = FIELDS[name]
    own: st.SearchStrategy[Any] = st.none()
    if field.kind is Kind.CHOICE:
        own = st.sampled_from([choice.value for choice in field.choices])
    elif field.kind is Kind.BOOLEAN:
        own = st.booleans()
    elif field.is_numeric:
        own = st.floats() | st.integers()
    elif field.kind is Kind.KEY_VALUE:
        own = st.dictionaries(st.text(), st.text())
    elif field.kind is Kind.SCHEMA:
        own = st.lists(st.fixed_dictionaries({"name": st.text(), "type": st.text(), "description": st.text()}))
    else:
        own = st.text()
    return own | json_values


def test_the_review_shows_any_value_a_control_can_hold() -> None:
    session = SimpleNamespace(lookups=Lookups(), read_notes={}, fields=catalogue(), unreported=frozenset())
    tried = 0

    @given(st.sampled_from(sorted(FIELDS)).flatmap(
        lambda name: st.tuples(st.just(name), held_values(name), held_values(name))
    ))
    def show(case: tuple[str, Any, Any]) -> None:
        nonlocal tried
        name, before, after = case
        for value in (before, after):
            assert isinstance(format_value(name, value), str)
        # A stand-in holding only what change_text reads, not an EditSession.
        shown = change_text(Change(name, before, after), session)  # type: ignore[arg-type]
        assert FIELDS[name].label in shown.plain
        tried += 1

    show()
    print(f"showed {tried} changes between values a control can hold")


def test_a_number_too_large_for_a_float_is_described() -> None:
    assert "digits" in format_value("speech_speed", 10**5000)
    assert format_value("speech_speed", math.inf) == "inf x"


async def test_a_reload_leaves_the_variables_and_schema_editors_as_they_are_unless_they_change() -> None:
    """Rebuilding them on every reload dropped the focus from a row (and mounted a row's
    widgets while a "Save and quit" was closing the app)."""
    with Sandbox(rate_limit=None) as sandbox:
        app = make_app(sandbox, 101)
        async with app.run_test(size=(120, 36)) as pilot:
            editor = await all_rows_built(pilot)
            for name in ("variables", "post_call_schema"):
                await focus(pilot, editor, name)
                focused = app.focused
                assert focused is not None
                editor.editing.session.set("speech_speed", 1.1)  # elsewhere, then reverted
                editor.editing.session.revert_all()
                editor.reload_rows()
                await pilot.pause()
                assert app.focused is focused and focused.is_attached, name
                await pilot.press("end", "x")  # a changed row is shown again as it was
                assert editor.editing.session.dirty == [name]
                editor.editing.session.revert_all()
                editor.reload_rows()
                await pilot.pause()
                assert control_of(editor, name, RowEditor).value == editor.editing.session.value(name), name
