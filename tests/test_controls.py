"""Controls that read without colour and take what people type (issue 15): the switch
says On or Off, a choice of two shows radio marks and toggles with one key, the slider's
typed entry (Enter selects, a burst's letters, a decimal comma, durations), a lookup value
its list no longer offers keeps its name, warnings that say what an edit does, and the
variables and schema tables."""

from __future__ import annotations

import time

import pytest
from textual.widgets import Input, Switch

from tui_helpers import Terminal, control_of, focus, make_app, open_editor, puts, wait_until
from voicedesk.display import seconds_text
from voicedesk.fields import Dialect, catalogue
from voicedesk.parsing import DURATION_FORMS, ParseError, parse_assignment, parse_number, parse_seconds
from voicedesk.sandbox import DEMO_API_KEY, Sandbox
from voicedesk.tui.screens.editor import EditorScreen
from voicedesk.tui.screens.picker import PickerScreen
from voicedesk.tui.widgets import KeyValueEditor, OnOffSwitch, SchemaEditor, SearchSelect, Slider, ToggleChoice
from voicedesk.tui.widgets.search_select import SearchSelectScreen
from voicedesk.validation import flags


@pytest.fixture
def sandbox(request):
    dialect = request.getfixturevalue("dialect") if "dialect" in request.fixturenames else Dialect.D2025
    with Sandbox(rate_limit=None, dialect=dialect.value) as server:
        yield server


def text_of(widget) -> str:
    """What a control draws (a Slider draws lines, the others render)."""
    if isinstance(widget, Slider):
        return widget.render_line(0).text
    return str(widget.render())


# --- parsing (headless: the slider and `voicedesk set` share it) ---------------------------

SECONDS = {
    "90": 90, "90s": 90, "90 s": 90, " 90sec ": 90, "1:30": 90, "0:05": 5, "10m": 600, "10 min": 600,
    "1m30s": 90, "1m 30s": 90, "1,5 min": 90, "1.5m": 90, "2 minutes": 120, "20:00": 1200,
}
NOT_SECONDS = ["", "abc", "-5", "1:5", "1:60", "1.25s", "1,2,3", "m", "10h", "1:30:00", "0.1m1"]


def test_durations_are_read_in_the_forms_people_type() -> None:
    for text, seconds in SECONDS.items():
        assert parse_seconds(text) == seconds, text
    for text in NOT_SECONDS:
        with pytest.raises(ValueError) as refused:
            parse_seconds(text)
        assert DURATION_FORMS in str(refused.value) and "\n" not in str(refused.value), text
    print(f"durations: {len(SECONDS) + len(NOT_SECONDS)} cases")


def test_a_decimal_comma_is_a_decimal_point() -> None:
    cases = {"0,7": 0.7, "0.7": 0.7, " 1,05 ": 1.05, "-0,5": -0.5, "3": 3.0}
    for text, number in cases.items():
        assert parse_number(text) == number, text
    for text in ["1,000.5", "1,2,3", "0,7x", "nan", "inf"]:
        with pytest.raises(ValueError):
            parse_number(text)
    assert parse_number("2,0", integer=True) == 2 and isinstance(parse_number("2,0", integer=True), int)
    with pytest.raises(ValueError, match="whole number"):
        parse_number("2,5", integer=True)
    print(f"numbers: {len(cases) + 7} cases")


@pytest.mark.parametrize("dialect", list(Dialect), ids=[d.value for d in Dialect])
def test_set_reads_durations_and_decimal_commas_by_either_name(dialect) -> None:
    fields = catalogue(dialect)
    cases = 0
    for name in ("max_duration", "max_call_duration"):
        for text, seconds in SECONDS.items():
            assert parse_assignment(f"{name}={text}", fields) == ("max_call_duration", seconds)
            cases += 1
    assert parse_assignment("speech_speed=0,85", fields) == ("speech_speed", 0.85)
    with pytest.raises(ParseError) as refused:
        parse_assignment("max_call_duration=ten", fields)
    message = str(refused.value)
    assert message.startswith(f"{fields['max_call_duration'].update_name}: ") and DURATION_FORMS in message
    print(f"set: {cases + 2} cases")


def test_minutes_are_shown_beside_seconds_from_one_minute() -> None:
    assert seconds_text(45) == "45 s"
    assert seconds_text(60) == "60 s (1 min)"
    assert seconds_text(90) == "90 s (1 min 30 s)"
    assert seconds_text(600) == "600 s (10 min)"
    assert seconds_text(1800) == "1800 s (30 min)"


def test_the_cli_takes_a_duration_and_names_the_forms_when_it_cannot(sandbox) -> None:
    from test_cli import error_lines, invoke

    result = invoke(sandbox.base_url, "set", "101", "max_call_duration=1:30", "--yes", key=DEMO_API_KEY)
    assert result.exit_code == 0, result.stderr
    assert [put.body for put in puts(sandbox)] == [{"max_call_duration": 90}]
    refused = invoke(sandbox.base_url, "set", "101", "max_call_duration=1h", "--yes", key=DEMO_API_KEY)
    assert refused.exit_code == 2
    [line] = error_lines(refused)
    assert line.startswith("error: max_call_duration: ") and DURATION_FORMS in line
    assert len(puts(sandbox)) == 1


# --- warnings: what an edit does beyond its value ---------------------------------------------

def values_of(**changed) -> dict:
    base = {"is_webhook_active": True, "webhook_url": "https://x.example/h", "phone_number_id": 7,
            "calls_direction": "receive", "variables": {}}
    return {**base, **changed}


def untouched_but(*edited: str) -> list[str]:
    return [spec.name for spec in catalogue() if spec.name not in edited]


def test_warnings_say_what_an_allowed_edit_also_does() -> None:
    cases = [
        # (values, edited fields, the field warned about or None)
        (values_of(webhook_url=None), ["webhook_url"], "webhook_url"),
        (values_of(webhook_url=""), ["webhook_url"], "webhook_url"),
        (values_of(webhook_url=None, is_webhook_active=False), ["webhook_url"], None),
        (values_of(webhook_url="https://y.example"), ["webhook_url"], None),
        (values_of(phone_number_id=None), ["phone_number_id"], "phone_number_id"),
        (values_of(phone_number_id=None, calls_direction="make"), ["phone_number_id"], None),
        (values_of(phone_number_id=8), ["phone_number_id"], None),
    ]
    for values, edited, warned in cases:
        found = flags(values, untouched_but(*edited))
        assert set(found) & {"webhook_url", "phone_number_id"} == ({warned} if warned else set()), (values, found)
    assert "turns the webhook off" in flags(cases[0][0], untouched_but("webhook_url"))["webhook_url"]
    assert "stops taking calls" in flags(cases[4][0], untouched_but("phone_number_id"))["phone_number_id"]
    # Only an assistant that takes calls now stops taking them (a status not reported: warned).
    for active, expected in ((True, True), (None, True), (False, False)):
        found = flags(cases[4][0], untouched_but("phone_number_id"), active=active)
        assert ("phone_number_id" in found) is expected, active
    print(f"warnings: {len(cases)} cases")


def test_variable_names_a_prompt_may_not_take_are_flagged_modestly() -> None:
    usable = ["name", "customer_name", "_x", "Slot2", "a" * 40]
    odd = ["my-key", "9lives", "two words", "dotted.name", "{{x}}", "ümlaut"]
    for key in usable:
        assert "variables" not in flags(values_of(variables={key: "v"}), untouched_but("variables")), key
    for key in odd:
        message = flags(values_of(variables={key: "v"}), untouched_but("variables"))["variables"]
        assert repr(key) in message and "{{name}}" in message and "documents no rule" in message, key
    print(f"variable names: {len(usable) + len(odd)} cases")


# --- in the editor ---------------------------------------------------------------------------

async def test_a_switch_says_on_or_off_in_words(sandbox) -> None:
    app = make_app(sandbox, 101)
    async with app.run_test(size=(120, 36)) as pilot:
        editor = await open_editor(pilot)
        await focus(pilot, editor, "is_webhook_active")
        switch = control_of(editor, "is_webhook_active", OnOffSwitch)
        assert isinstance(switch, Switch)  # Textual's, in all but its look
        assert switch.value is True and text_of(switch).endswith("On ")
        await pilot.press("space")
        assert switch.value is False and text_of(switch).endswith("Off")
        assert editor.editing.session.value("is_webhook_active") is False


async def test_a_choice_of_two_toggles_with_one_key_and_shows_its_mark(sandbox) -> None:
    app = make_app(sandbox, 101)
    async with app.run_test(size=(120, 36)) as pilot:
        editor = await open_editor(pilot)
        session = editor.editing.session
        await focus(pilot, editor, "calls_direction")
        choice = control_of(editor, "calls_direction", ToggleChoice)
        await wait_until(pilot, lambda: choice.size.width)
        assert text_of(choice).startswith("(•) Inbound (receive)   ( ) Outbound (make)")
        await pilot.press("space")
        assert not isinstance(app.screen, SearchSelectScreen)  # no list for two values
        assert session.value("calls_direction") == "make" and "(•) Outbound" in text_of(choice)
        await pilot.press("enter")
        assert session.value("calls_direction") == "receive" and not session.is_dirty("calls_direction")
        await pilot.press("o")  # the first letter of one
        assert session.value("calls_direction") == "make"
        await pilot.press("left")
        assert session.value("calls_direction") == "receive"
        # Set from a value (a revert, an undo): shown, no edit recorded.
        edits: list[object] = []
        row = editor.rows["calls_direction"]
        row._on_edit = edits.append
        session.set("calls_direction", "make")
        row.reload()
        await pilot.pause()
        assert choice.value == "make" and "(•) Outbound" in text_of(choice) and edits == []


@pytest.mark.parametrize("dialect", [Dialect.D2026], ids=["2026"])
async def test_an_unreported_switch_stays_unset_until_the_user_acts(dialect, sandbox) -> None:
    app = make_app(sandbox, 101)
    async with app.run_test(size=(120, 36)) as pilot:
        editor = await open_editor(pilot)
        session = editor.editing.session
        await focus(pilot, editor, "tts_emotion_enabled")
        emotion = control_of(editor, "tts_emotion_enabled", ToggleChoice)
        await wait_until(pilot, lambda: emotion.size.width)
        assert session.is_unknown("tts_emotion_enabled")
        assert text_of(emotion) == "( ) On   ( ) Off   not reported: space picks On"
        await pilot.press("down", "up")  # moving over it sets nothing
        assert session.is_unknown("tts_emotion_enabled") and session.dirty == []
        await pilot.press("space")
        assert session.value("tts_emotion_enabled") is True and session.dirty == ["tts_emotion_enabled"]
        assert text_of(emotion).startswith("(•) On   ( ) Off")


async def type_into_slider(pilot, editor: EditorScreen, name: str, keys: list[str]) -> Slider:
    await focus(pilot, editor, name)
    slider = control_of(editor, name, Slider)
    await pilot.press(*keys)
    return slider


async def test_enter_selects_the_sliders_value_so_typing_replaces_it(sandbox) -> None:
    app = make_app(sandbox, 101)
    async with app.run_test(size=(120, 36)) as pilot:
        editor = await open_editor(pilot)
        slider = await type_into_slider(pilot, editor, "speech_speed", ["enter"])
        entry = slider.query_one(Input)
        assert entry.selected_text == entry.value != ""
        await pilot.press(*"0,8", "enter")
        assert not slider.editing and editor.editing.session.value("speech_speed") == 0.8


async def test_a_slider_of_seconds_takes_durations_and_shows_minutes(sandbox) -> None:
    app = make_app(sandbox, 101)
    async with app.run_test(size=(120, 36)) as pilot:
        editor = await open_editor(pilot)
        session = editor.editing.session
        slider = await type_into_slider(pilot, editor, "max_call_duration", ["enter", *"1:30", "enter"])
        assert session.value("max_call_duration") == 90 and "90 s (1 min 30 s)" in text_of(slider)
        await pilot.press(*"15m", "enter")  # a digit opens the entry; the letter follows it
        assert session.value("max_call_duration") == 900 and "900 s (15 min)" in text_of(slider)
        await pilot.press(*"2h", "enter")
        assert slider.editing and session.value("max_call_duration") == 900
        hint = slider.query_one(".slider-entry-hint")
        assert DURATION_FORMS in text_of(hint)
        await pilot.press("escape")
        assert not slider.editing and session.value("max_call_duration") == 900


@pytest.mark.parametrize("name, keys, value", [
    ("max_call_duration", [*"15m", "enter"], 900),  # a digit opens the entry: the rest come before its focus
    ("max_call_duration", ["enter", *"1:30", "enter"], 90),  # Enter opens it with the value selected
    ("speech_speed", ["enter", *"0,8", "enter"], 0.8),
    ("speech_speed", [*"1,1", "enter"], 1.1),
])
async def test_a_burst_typed_into_a_slider_is_taken_whole(sandbox, name, keys, value) -> None:
    """Every key of the burst queued before the app handles any, as a terminal driver
    does with a burst read at once (see test_bursts.py)."""
    from test_bursts import burst

    app = make_app(sandbox, 101)
    async with app.run_test(size=(120, 36)) as pilot:
        editor = await open_editor(pilot)
        await focus(pilot, editor, name)
        burst(app, keys)
        await wait_until(pilot, lambda: editor.editing.session.is_dirty(name))
        slider = control_of(editor, name, Slider)
        await wait_until(pilot, lambda: not slider.editing)
        assert editor.editing.session.value(name) == value


def test_a_burst_of_a_duration_through_the_terminal_loses_no_letter(sandbox) -> None:
    """A digit opens the entry; the letters of the same burst arrive before it has the
    focus, and must reach it (they were dropped)."""
    terminal = Terminal(sandbox, "edit", "101")
    try:
        terminal.wait_for("0 unsaved changes")
        time.sleep(1)  # the focus lands on the name field just after the first draw
        terminal.type("\x06")  # ctrl+f: the finder
        terminal.wait_for("Find a field")
        terminal.type("maximum call duration")
        time.sleep(1)  # the finder ranks as it is typed
        terminal.type("\r")
        terminal.wait_for("20-1200 s")  # its row is shown
        time.sleep(1)
        terminal.type("15m\r")  # one write: one burst
        terminal.wait_for("1 unsaved change")
        terminal.review_and_send(sandbox)
    finally:
        terminal.close()
    assert puts(sandbox)[0].body == {"max_call_duration": 900}


async def test_a_voice_the_new_engine_does_not_offer_keeps_its_name(sandbox) -> None:
    app = make_app(sandbox, 101)
    async with app.run_test(size=(120, 36)) as pilot:
        editor = await open_editor(pilot)
        session = editor.editing.session
        voice = session.lookups.voice(session.value("voice_id"))
        assert voice is not None
        await focus(pilot, editor, "engine_type")
        engine = control_of(editor, "engine_type", ToggleChoice)
        await pilot.press("space")
        assert engine.value == "multimodal"
        await pilot.pause()
        label = control_of(editor, "voice_id", SearchSelect).label
        assert label == f"{voice.name} - not offered for the multimodal engine; pick another"


async def test_a_number_in_use_names_the_assistant_using_it(sandbox) -> None:
    app = make_app(sandbox)
    async with app.run_test(size=(120, 36)) as pilot:
        await wait_until(pilot, lambda: isinstance(app.screen, PickerScreen) and len(app.screen.records) == 14)
        picker = app.screen
        assert isinstance(picker, PickerScreen)
        holders = {r["phone_number_id"]: r["name"] for r in picker.records if r["id"] != 101}
        app.open_assistant(101)
        editor = await open_editor(pilot)
        await focus(pilot, editor, "phone_number_id")
        numbers = control_of(editor, "phone_number_id", SearchSelect)
        in_use = [(label, value) for label, value in numbers.options if "in use" in label]
        assert in_use
        for label, value in in_use:
            assert label.endswith(f"in use by {holders[value]}"), label
        print(f"numbers in use: {len(in_use)} cases")


async def test_clearing_the_webhook_url_and_unassigning_the_number_warn(sandbox) -> None:
    app = make_app(sandbox, 101)
    async with app.run_test(size=(120, 36)) as pilot:
        editor = await open_editor(pilot)
        await focus(pilot, editor, "webhook_url")
        await pilot.press("ctrl+a", "ctrl+k")
        await wait_until(pilot, lambda: "turns the webhook off" in editor.rows["webhook_url"]._shown_message)
        assert "-flagged" in editor.rows["webhook_url"].classes and not editor.problems()
        await focus(pilot, editor, "phone_number_id")
        row = editor.rows["phone_number_id"]
        editor.editing.session.set("phone_number_id", None)
        row.reload()
        editor.refresh_state()
        assert "stops taking calls" in row._shown_message and not editor.problems()


# --- the variables and schema tables ---------------------------------------------------------

def said(row) -> str:
    """Every message a row shows: its own and its table's."""
    return "\n".join(str(message.render()) for message in row.query(".field-message, .editor-message")
                     if message.display)


@pytest.mark.parametrize("dialect", [Dialect.D2026], ids=["2026"])
async def test_table_problems_are_said_once(dialect, sandbox) -> None:
    app = make_app(sandbox, 101)
    async with app.run_test(size=(120, 36)) as pilot:
        editor = await open_editor(pilot)
        await focus(pilot, editor, "post_call_schema")
        schema = control_of(editor, "post_call_schema", SchemaEditor)
        await pilot.pause()
        # A stored name of 18 characters: the 2026 rule, said by the table on its row.
        assert schema.problem_rows == [1]
        row = editor.rows["post_call_schema"]
        assert said(row).count("3 to 16 characters") == 1
        assert row._shown_message.startswith("Row 1 has a problem")
        await focus(pilot, editor, "variables")
        variables = control_of(editor, "variables", KeyValueEditor)
        await pilot.press("ctrl+n", *"practice_name", "tab", "x", "enter")
        await wait_until(pilot, lambda: variables.problem_rows == [1, 3])
        assert editor.rows["variables"]._shown_message.startswith("Rows 1, 3 have problems")
        assert said(editor.rows["variables"]).count("Duplicate key") == 1


async def test_a_multi_select_box_is_empty_unless_ticked() -> None:
    from textual.app import App, ComposeResult

    from voicedesk.tui.widgets import IdListSelect

    select = IdListSelect([("English", 1), ("German", 2)], [2, 9])

    class One(App[None]):
        def compose(self) -> ComposeResult:
            yield select

    async with One().run_test() as pilot:
        await pilot.pause()
        lines = [select.render_line(y).text for y in range(3)]
        assert lines[0].startswith("▐X▌ #9 (not in the account's list)")
        assert lines[1].startswith("▐ ▌ English") and lines[2].startswith("▐X▌ German")
        select.select(1)
        assert select.render_line(1).text.startswith("▐X▌ English")
