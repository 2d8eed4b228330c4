"""The TUI driven with Pilot against the sandbox over loopback; the sandbox's request log
and state are the evidence."""

from __future__ import annotations

import gc
import weakref
from collections.abc import Callable

import pytest
from textual.widgets import Button, Input, LoadingIndicator, OptionList, Static, Switch

from tui_helpers import choose, control_in, control_of, dialog_message, make_app, puts, top, wait_until
from voicedesk.fields import Dialect, catalogue
from voicedesk.sandbox import Fault, Sandbox
from voicedesk.tui.form import FieldRow, RowHead
from voicedesk.tui.screens.editor import EditorScreen
from voicedesk.tui.screens.finder import FinderScreen
from voicedesk.tui.screens.modals import Ask
from voicedesk.tui.screens.picker import PickerScreen
from voicedesk.tui.screens.review import ReviewScreen
from voicedesk.tui.widgets import AssistantTable, SearchSelect, Slider


@pytest.fixture
def sandbox(request):
    """The API the app talks to: of the test's `dialect` when it asks for one (the app
    detects it), else of 2025."""
    dialect = request.getfixturevalue("dialect") if "dialect" in request.fixturenames else Dialect.D2025
    with Sandbox(rate_limit=None, dialect=dialect.value) as server:
        yield server


def editor(app) -> EditorScreen:
    screen = next(s for s in reversed(app.screen_stack) if isinstance(s, EditorScreen))
    return screen


async def open_editor(pilot, group: str | None = None) -> EditorScreen:
    await wait_until(pilot, lambda: isinstance(pilot.app.screen, EditorScreen) and pilot.app.screen.ready)
    screen = pilot.app.screen
    if group:
        await focus_field(pilot, group)
    return screen


async def focus_field(pilot, name: str) -> FieldRow:
    screen = editor(pilot.app)
    await screen.focus_field(name)
    await wait_until(pilot, lambda: screen.rows[name].control_has_focus)
    return screen.rows[name]


async def review_and_send(pilot) -> None:
    await pilot.press("ctrl+s")
    await wait_until(pilot, lambda: isinstance(pilot.app.screen, ReviewScreen))
    await pilot.press("ctrl+s")
    await wait_until(pilot, lambda: not isinstance(pilot.app.screen, ReviewScreen))


async def test_nothing_on_a_loaded_editor_redraws_itself_on_a_timer(sandbox) -> None:
    # A hidden loading indicator had kept waking the app 16 times a second.
    app = make_app(sandbox, 101)
    async with app.run_test(size=(120, 36)) as pilot:
        screen = await open_editor(pilot)
        await wait_until(pilot, lambda: not screen.query(LoadingIndicator))
        ticking = [w for w in screen.walk_children() if w.auto_refresh is not None]
        assert ticking == []


async def test_the_other_groups_are_built_ahead_each_once(dialect, sandbox) -> None:
    app = make_app(sandbox, 101)
    async with app.run_test(size=(120, 36)) as pilot:
        screen = await open_editor(pilot)
        await pilot.press("ctrl+pagedown")  # a visit while the build-ahead is under way
        fields = catalogue(dialect)
        await wait_until(pilot, lambda: len(screen.rows) == len(fields))
        assert screen.current_group is fields.groups[1]
        assert len(screen.query(FieldRow)) == len(fields)  # no group was built twice
        edited = await focus_field(pilot, "record_call")  # built ahead, never shown before
        await pilot.press("space")
        assert screen.editing.session.dirty == ["record_call"] and edited.bar == "dirty-focus"


async def test_a_slider_step_reviewed_and_saved_sends_that_field_alone(dialect, sandbox) -> None:
    app = make_app(sandbox, 101)
    async with app.run_test(size=(120, 36)) as pilot:
        screen = await open_editor(pilot)
        row = await focus_field(pilot, "speech_speed")
        assert isinstance(row.control, Slider) and app.focused is row.control
        await pilot.press("right")
        assert screen.editing.session.value("speech_speed") == 1.05
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: isinstance(app.screen, ReviewScreen) and app.screen.query(".review-change"))
        [change] = app.screen.query(".review-change")
        review_text = str(change.render())
        assert "Speech speed" in review_text and "1.05" in review_text
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: not screen.editing.session.dirty and isinstance(app.screen, EditorScreen))
    [put] = puts(sandbox)
    assert put.path == "/api/user/assistant/101" and put.body == {"speech_speed": 1.05}
    assert float(sandbox.assistant(101)["speech_speed"]) == 1.05


async def test_editing_a_field_back_leaves_nothing_dirty(dialect, sandbox) -> None:
    app = make_app(sandbox, 101)
    async with app.run_test(size=(120, 36)) as pilot:
        screen = await open_editor(pilot)
        row = await focus_field(pilot, "max_silence_duration")
        await pilot.press("right", "right", "left", "left")
        assert screen.editing.session.dirty == []
        assert row.bar == "focus"
        assert "0 unsaved changes" in str(screen.query_one("#status", Static).render())


async def test_the_bar_at_a_rows_left_follows_focus_edits_errors_and_the_theme(sandbox) -> None:
    def bar_colour(row: FieldRow):
        return row.styles.outline_left[1]

    def component(row: FieldRow, name: str):
        return row.screen.get_component_styles(f"field-row--{name}")

    def mark_colour(row: FieldRow):
        mark = list(row.query_one(RowHead).render_line(0))[0]
        assert mark.text == "● " and mark.style is not None
        return mark.style.color

    app = make_app(sandbox, 101)
    async with app.run_test(size=(120, 36)) as pilot:
        screen = await open_editor(pilot)
        name_row = screen.rows["assistant_name"]
        assert name_row.bar == "focus" and bar_colour(name_row) == component(name_row, "focus").color
        speed = await focus_field(pilot, "speech_speed")
        assert name_row.bar is None and name_row.styles.outline_left[0] == "blank"
        assert speed.bar == "focus" and speed.styles.background == component(speed, "focus").background
        await pilot.press("right")
        assert speed.bar == "dirty-focus" and bar_colour(speed) == component(speed, "dirty-focus").color
        await focus_field(pilot, "assistant_name")
        assert speed.bar == "dirty" and bar_colour(speed) == component(speed, "dirty").color
        assert speed.styles.background.a == 0
        name_row.control.value = ""  # a name is required
        await wait_until(pilot, lambda: name_row.bar == "error")
        assert bar_colour(name_row) == component(name_row, "error").color
        before = bar_colour(speed)
        await pilot.pause()
        mark_before = mark_colour(name_row)
        app.theme = "nord"  # a warning colour of its own
        await pilot.pause()
        assert bar_colour(speed) == component(speed, "dirty").color != before
        assert mark_colour(name_row) != mark_before  # the head's "●", in the screen's colours too


async def test_ctrl_o_reverts_the_focused_field(dialect, sandbox) -> None:
    app = make_app(sandbox, 101)
    async with app.run_test(size=(120, 36)) as pilot:
        screen = await open_editor(pilot)
        row = await focus_field(pilot, "assistant_name")
        await pilot.press("end", *"X2")
        assert screen.editing.session.value("assistant_name").endswith("X2") and row.bar == "dirty-focus"
        await pilot.press("ctrl+o")
        assert screen.editing.session.dirty == []
        assert control_in(row, Input).value == "Bright Smile Dental – Reception"
        assert row.bar == "focus"


async def test_revert_all_asks_then_reverts_everything(dialect, sandbox) -> None:
    app = make_app(sandbox, 101)
    async with app.run_test(size=(120, 36)) as pilot:
        screen = await open_editor(pilot)
        await focus_field(pilot, "llm_temperature")
        await pilot.press("right")
        await focus_field(pilot, "record_call")
        await pilot.press("enter")
        assert len(screen.editing.session.dirty) == 2
        await pilot.press("ctrl+r")
        await wait_until(pilot, lambda: isinstance(app.screen, Ask))
        await choose(pilot, "revert")
        await wait_until(pilot, lambda: not screen.editing.session.dirty)
        assert control_of(screen, "record_call", Switch).value is True


async def test_a_422_lands_on_its_field_and_the_edits_stay(dialect, sandbox) -> None:
    sandbox.fail_next(1, Fault.status(422, {
        "message": "The given data was invalid.",
        "errors": {"voice_stability": ["The voice stability field is out of stock."]},
    }), path="/api/user/assistant/")
    app = make_app(sandbox, 101)
    async with app.run_test(size=(120, 36)) as pilot:
        screen = await open_editor(pilot)
        row = await focus_field(pilot, "voice_stability")
        await pilot.press("left")
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: isinstance(app.screen, ReviewScreen))
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: app.screen.query_one("#review-problems", OptionList).option_count == 1)
        problems = app.screen.query_one("#review-problems", OptionList)
        assert "out of stock" in str(problems.get_option_at_index(0).prompt)
        assert screen.editing.session.dirty == ["voice_stability"]
        await pilot.press("escape")
        assert row.has_class("-error")
        assert "out of stock" in str(row.query_one(".field-message", Static).render())
    assert len(puts(sandbox)) == 1


async def test_a_server_failure_offers_retry_and_keeps_the_edits(dialect, sandbox) -> None:
    sandbox.fail_next(1, Fault.html(502), path="/api/user/assistant/")
    app = make_app(sandbox, 101)
    async with app.run_test(size=(120, 36)) as pilot:
        screen = await open_editor(pilot)
        await focus_field(pilot, "voice_similarity")
        await pilot.press("right")
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: isinstance(app.screen, ReviewScreen))
        await pilot.press("ctrl+s")
        message = await dialog_message(pilot)
        assert "502" in message and "edits are kept" in message
        assert screen.editing.session.dirty == ["voice_similarity"]
        await choose(pilot, "retry")
        await wait_until(pilot, lambda: not screen.editing.session.dirty)
    assert [put.status for put in puts(sandbox)] == [502, 200]
    assert float(sandbox.assistant(101)["voice_similarity"]) == 0.8


async def test_stored_out_of_range_values_survive_a_rename(dialect, sandbox) -> None:
    before = dict(sandbox.assistant(106))
    app = make_app(sandbox, 106)
    async with app.run_test(size=(120, 36)) as pilot:
        screen = await open_editor(pilot)
        await focus_field(pilot, "max_call_duration")
        duration = screen.rows["max_call_duration"]
        assert control_in(duration, Slider).value == 1800 and duration.has_class("-flagged")
        row = await focus_field(pilot, "assistant_name")
        control_in(row, Input).value = "Legacy line"
        await pilot.pause()
        await review_and_send(pilot)
        await wait_until(pilot, lambda: not screen.editing.session.dirty)
    [put] = puts(sandbox)
    assert put.body == {catalogue(dialect)["assistant_name"].update_name: "Legacy line"}
    after = sandbox.assistant(106)
    for key in ("max_duration", "reengagement_interval", "speech_speed", "max_silence_duration"):
        assert after[key] == before[key]


async def test_the_voice_list_follows_the_engine(dialect, sandbox) -> None:
    app = make_app(sandbox, 101)
    async with app.run_test(size=(120, 36)) as pilot:
        screen = await open_editor(pilot)
        voice = screen.rows["voice_id"]

        def voices() -> SearchSelect:
            return control_in(voice, SearchSelect)

        lookups = screen.editing.session.lookups
        pipeline = {v.id for v in lookups.voices_for("pipeline")}
        assert {value for _, value in voices().options} == pipeline
        engine = await focus_field(pilot, "engine_type")
        control_in(engine, SearchSelect).value = "multimodal"
        await pilot.pause()
        assert {value for _, value in voices().options} == {v.id for v in lookups.voices_for("multimodal")}
        assert not pipeline & {value for _, value in voices().options}
        assert voice.has_class("-error") and "pipeline voice" in str(voice.query_one(".field-message", Static).render())
        assert voices().label.endswith("- not offered for the multimodal engine; pick another")
        voices().value = voices().options[0][1]  # as the picker sets it
        await pilot.pause()
        assert not voice.has_class("-error")


async def test_a_name_full_of_markup_renders_literally(sandbox) -> None:
    name = sandbox.assistant(107)["name"]
    app = make_app(sandbox)
    async with app.run_test(size=(120, 36)) as pilot:
        await wait_until(pilot, lambda: app.screen.query_one("#picker-table", AssistantTable).row_count == 14)
        table = app.screen.query_one("#picker-table", AssistantTable)
        row = table.get_row(107)
        assert row is not None and row[1] == name
        table.focus()
        assert table.move_to(107)
        await pilot.pause()
        line = table.render_line(table.cursor_row - table.scroll_offset.y + 1)  # +1: the header
        assert name in line.text  # drawn as it is, not as markup
        await pilot.press("enter")
        screen = await open_editor(pilot)
        assert name in str(app.screen.query_one("#editor-title", Static).render())
        assert control_of(screen, "assistant_name", Input).value == name
        assert app.is_running  # [@click=app.quit] was not run


async def test_the_picker_filters_and_opens(sandbox) -> None:
    app = make_app(sandbox)
    async with app.run_test(size=(120, 36)) as pilot:
        picker = app.screen
        assert isinstance(picker, PickerScreen)
        table = picker.query_one("#picker-table", AssistantTable)
        await wait_until(pilot, lambda: table.row_count == 14)
        await pilot.press(*"dental")
        assert table.row_count == 1 and table.shown_ids == [101]
        await pilot.press("enter")
        screen = await open_editor(pilot)
        assert screen.assistant_id == 101
        await pilot.press("escape")
        await wait_until(pilot, lambda: isinstance(app.screen, PickerScreen))


async def test_an_editor_left_for_the_picker_is_freed(sandbox) -> None:
    app = make_app(sandbox)
    async with app.run_test(size=(120, 36)) as pilot:
        table = app.screen.query_one("#picker-table", AssistantTable)
        await wait_until(pilot, lambda: table.row_count == 14)
        await pilot.press("enter")
        screen = await open_editor(pilot)
        every_form = len(catalogue(Dialect.D2025))
        # The screen bound in a closure made for the wait: it holds it no longer than that.
        def all_built(editor: EditorScreen) -> Callable[[], bool]:
            return lambda: len(editor.rows) == every_form

        await wait_until(pilot, all_built(screen))
        closed = weakref.ref(screen)
        del screen
        await pilot.press("escape")
        await wait_until(pilot, lambda: isinstance(app.screen, PickerScreen))
        await pilot.pause()
        gc.unfreeze()  # the app freezes what it keeps; let a full collection see it all
        gc.collect()
        assert closed() is None


async def test_the_picker_keeps_the_cursor_on_its_assistant_while_filtering(sandbox) -> None:
    app = make_app(sandbox)
    async with app.run_test(size=(120, 36)) as pilot:
        picker = app.screen
        table = picker.query_one("#picker-table", AssistantTable)
        await wait_until(pilot, lambda: table.row_count == 14)
        await pilot.press("down")  # from the filter into the list
        assert app.focused is table
        await pilot.press("down", "down")
        assert table.cursor_id == 103
        await pilot.press("slash", *"10")
        assert table.shown_ids == list(range(101, 111)) and table.cursor_id == 103
        assert "10 of 14 assistants match" in str(picker.query_one("#picker-status", Static).render())
        await pilot.press("enter")  # in the filter: opens the row under the cursor
        screen = await open_editor(pilot)
        assert screen.assistant_id == 103


async def test_the_finder_jumps_to_a_field_in_another_group(dialect, sandbox) -> None:
    app = make_app(sandbox, 101)
    async with app.run_test(size=(120, 36)) as pilot:
        screen = await open_editor(pilot)
        await pilot.press("ctrl+f")
        assert isinstance(app.screen, FinderScreen)
        await pilot.press(*"max_sil", "enter")
        await wait_until(pilot, lambda: app.focused is screen.rows["max_silence_duration"].control)
        group = screen.current_group
        assert group is not None and group.value == "Call behaviour"


async def test_leaving_and_quitting_ask_when_there_are_edits(dialect, sandbox) -> None:
    app = make_app(sandbox, 101)
    async with app.run_test(size=(120, 36)) as pilot:
        screen = await open_editor(pilot)
        await focus_field(pilot, "record_call")
        await pilot.press("enter")
        await pilot.press("escape")
        await wait_until(pilot, lambda: isinstance(app.screen, Ask))
        await pilot.press("escape")  # cancel: stay
        await wait_until(pilot, lambda: app.screen is screen)
        asked = []
        for key in ("escape", "ctrl+q"):  # leave, quit: the same choices
            await pilot.press(key)
            await wait_until(pilot, lambda: isinstance(app.screen, Ask))
            asked.append([str(button.label) for button in app.screen.query(Button)])
            assert "Record call" in top(app, Ask).message, "what would be lost is listed"
            if key == "escape":
                await choose(pilot, "stay")
                await wait_until(pilot, lambda: app.screen is screen)
        assert asked[0] == asked[1] == ["Keep editing", "Review and save", "Discard changes"]
        await choose(pilot, "save")
        # Through the review: nothing is sent until it is seen and sent there.
        await wait_until(pilot, lambda: isinstance(app.screen, ReviewScreen))
        assert puts(sandbox) == []
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: not app.is_running)
    [put] = puts(sandbox)
    assert put.body == {catalogue(dialect)["record_call"].update_name: False}


async def test_review_and_save_from_the_leave_question_goes_on_to_the_list_once_sent(sandbox) -> None:
    app = make_app(sandbox, 101)
    async with app.run_test(size=(120, 36)) as pilot:
        screen = await open_editor(pilot)
        await focus_field(pilot, "record_call")
        await pilot.press("enter", "escape")
        await choose(pilot, "save")
        await wait_until(pilot, lambda: isinstance(app.screen, ReviewScreen))
        await pilot.press("escape")  # back from the review: still editing, nothing sent
        await wait_until(pilot, lambda: app.screen is screen)
        assert puts(sandbox) == [] and screen.editing.session.dirty == ["record_call"]
        await pilot.press("escape")
        await choose(pilot, "save")
        await wait_until(pilot, lambda: isinstance(app.screen, ReviewScreen))
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: isinstance(app.screen, PickerScreen))
    assert len(puts(sandbox)) == 1


async def test_minimum_interrupt_words_is_disabled_until_switched_on(sandbox) -> None:
    app = make_app(sandbox, 102)  # min_interrupt_words is null: not in use
    async with app.run_test(size=(120, 36)) as pilot:
        screen = await open_editor(pilot)
        switch = await focus_field(pilot, "use_min_interrupt_words")
        words = screen.rows["min_interrupt_words"]
        assert words.control.disabled
        await pilot.press("enter")
        assert control_in(switch, Switch).value is True and not words.control.disabled
        assert words.has_class("-error")  # needs a number while in use
        await focus_field(pilot, "min_interrupt_words")
        await pilot.press("right")
        chosen = words.control.value
        assert chosen in range(0, 11)
        assert screen.editing.session.body() == {"use_min_interrupt_words": True, "min_interrupt_words": chosen}
        assert not words.has_class("-error")


async def test_clearing_the_webhook_url_sends_null_and_turns_the_webhook_off(dialect, sandbox) -> None:
    app = make_app(sandbox, 101)
    async with app.run_test(size=(120, 36)) as pilot:
        screen = await open_editor(pilot)
        url = await focus_field(pilot, "webhook_url")
        assert isinstance(url.control, Input)
        url.control.value = ""
        await pilot.pause()
        assert screen.editing.session.body() == {"webhook_url": None}
        await review_and_send(pilot)
        await wait_until(pilot, lambda: not screen.editing.session.dirty)
        # The fresh read after the save is the new baseline: the switch follows.
        assert control_of(screen, "is_webhook_active", Switch).value is False
    record = sandbox.assistant(101)
    assert record["webhook_url"] is None and record["is_webhook_active"] is False


async def test_turning_the_webhook_on_without_a_url_is_refused_before_sending(dialect, sandbox) -> None:
    app = make_app(sandbox, 109)  # no webhook
    async with app.run_test(size=(120, 36)) as pilot:
        screen = await open_editor(pilot)
        await focus_field(pilot, "is_webhook_active")
        await pilot.press("enter")
        url = screen.rows["webhook_url"]
        assert url.has_class("-error") and "required" in str(url.query_one(".field-message", Static).render())
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: isinstance(app.screen, ReviewScreen))
        assert app.screen.query_one("#review-save").disabled
    assert puts(sandbox) == []


async def test_choices_are_search_selects_and_booleans_are_switches(dialect, sandbox) -> None:
    app = make_app(sandbox, 101)
    async with app.run_test(size=(120, 36)) as pilot:
        screen = await open_editor(pilot)
        for group_field in ("endpoint_type", "who_speaks_first", "calls_direction"):
            await focus_field(pilot, group_field)
            assert isinstance(screen.rows[group_field].control, SearchSelect)
        await focus_field(pilot, "noise_cancellation")
        assert isinstance(screen.rows["noise_cancellation"].control, Switch)


async def test_the_system_prompt_is_edited_in_a_screen_of_its_own(dialect, sandbox) -> None:
    from textual.widgets import TextArea

    from voicedesk.tui.screens.prompt import PromptEditorScreen

    app = make_app(sandbox, 108)  # the 60 KB prompt
    async with app.run_test(size=(120, 36)) as pilot:
        screen = await open_editor(pilot)
        original = screen.editing.session.value("system_prompt")
        await focus_field(pilot, "system_prompt")
        await pilot.press("enter")
        await wait_until(pilot, lambda: isinstance(app.screen, PromptEditorScreen))
        text_area = app.screen.query_one(TextArea)
        assert text_area.text == original
        text_area.move_cursor(text_area.document.end)
        await pilot.press(*" Always be kind.")
        await pilot.press("escape")
        await wait_until(pilot, lambda: app.screen is screen)
        assert screen.editing.session.value("system_prompt") == original + " Always be kind."
        assert screen.rows["system_prompt"].bar == "dirty-focus"
        await review_and_send(pilot)
        await wait_until(pilot, lambda: not screen.editing.session.dirty)
    [put] = puts(sandbox)
    assert put.body == {"system_prompt": original + " Always be kind."}


async def test_the_fallback_llm_is_chosen_by_name_and_sent_as_its_id() -> None:
    """The 2026 fallback LLM holds a model's id: its list had offered the names (the seed's
    llm_model is a name), which validation then crashed on."""
    with Sandbox(rate_limit=None, dialect="2026") as sandbox:
        app = make_app(sandbox, 104)  # multimodal
        async with app.run_test(size=(120, 36)) as pilot:
            screen = await open_editor(pilot)
            row = await focus_field(pilot, "chat_llm_fallback_id")
            listed = screen.editing.session.lookups.models
            assert listed is not None
            models = {m.name: m.id for m in listed}
            fallback = control_in(row, SearchSelect)
            assert [value for _, value in fallback.options if value is not None] == list(models.values())
            fallback.value = models["Claude Haiku"]  # as the picker sets it
            await pilot.pause()
            assert screen.editing.session.body() == {"chat_llm_fallback_id": models["Claude Haiku"]}
            assert not row.has_class("-error")
            await review_and_send(pilot)
            await wait_until(pilot, lambda: not screen.editing.session.dirty)
        [put] = puts(sandbox)
        assert put.body == {"chat_llm_fallback_id": models["Claude Haiku"]}


@pytest.mark.parametrize("dialect", [Dialect.D2026], ids=["2026"])
async def test_on_2026_minimum_interrupt_words_is_a_slider_that_can_be_off(dialect, sandbox) -> None:
    """2026 has no switch: null is off. Delete turns it off, a step turns it on."""
    app = make_app(sandbox, 102)  # min_interrupt_words is null: off
    async with app.run_test(size=(120, 36)) as pilot:
        screen = await open_editor(pilot)
        assert "use_min_interrupt_words" not in screen.rows
        words = await focus_field(pilot, "min_interrupt_words")
        assert isinstance(words.control, Slider) and words.control.value is None
        assert not words.control.disabled
        await pilot.press("right")
        chosen = words.control.value
        assert chosen in range(0, 11)
        assert screen.editing.session.body() == {"min_interrupt_words": chosen}
        await pilot.press("delete")
        assert words.control.value is None and screen.editing.session.dirty == []
        await pilot.press("right", "right")
        await review_and_send(pilot)
        await wait_until(pilot, lambda: not screen.editing.session.dirty)
    [put] = puts(sandbox)
    assert put.body == {"min_interrupt_words": sandbox.assistant(102)["min_interrupt_words"]}
    assert put.body["min_interrupt_words"] in range(0, 11)
