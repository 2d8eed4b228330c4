"""The 2026 dialect: the catalogue has every row of the contract's 2026 table, bodies
use its names and shapes, and the client accepts a value exactly when the 2026 sandbox
(an independent reading of the same contract) does (test_client_matches_server.py)."""

from __future__ import annotations

import asyncio
import copy
import re

import pytest

from voicedesk.api import ApiClient
from voicedesk.fields import CATALOGUE, Dialect, catalogue
from voicedesk.records import Lookups
from voicedesk.remote import load_lookups
from voicedesk.sandbox import DEMO_API_KEY, Sandbox, demo_data, dialect2026
from voicedesk.session import EditSession
from voicedesk.wire import UnknownKey, from_body, read_record, to_body

FIELDS_2026 = catalogue(Dialect.D2026)

# api-contract.md, "The 2026 dialect": every update field of its table.
CONTRACT_2026 = """
name voice_id language_id secondary_language_ids llm_model_id multimodal_model_id chat_llm_fallback_id
type mode timezone system_prompt initial_message phone_number_id endpoint_type endpoint_sensitivity
interrupt_sensitivity turn_detection_threshold ambient_sound ambient_sound_volume post_call_evaluation
send_webhook_only_on_completed include_recording_in_webhook is_webhook_active webhook_url
min_interrupt_words variables post_call_schema tools tool_ids knowledgebase_id knowledgebase_mode
llm_temperature voice_stability voice_similarity speech_speed tts_emotion_enabled synthesizer_provider_id
transcriber_provider_id allow_interruptions fillers filler_config reengagement_interval reengagement_prompt
max_duration max_silence_duration max_initial_silence_duration ringing_time end_call_on_voicemail
voice_mail_message enable_noise_cancellation record wait_for_customer folder_id label_ids
""".split()


def test_the_2026_catalogue_is_the_contracts_table() -> None:
    assert sorted(f.update_name for f in FIELDS_2026) == sorted(CONTRACT_2026)
    print(f"{len(CONTRACT_2026)} update fields of the 2026 table")


def test_the_2025_catalogue_is_untouched() -> None:
    assert catalogue(Dialect.D2025).fields == CATALOGUE
    assert all(f.update_name == f.name for f in CATALOGUE)


@pytest.mark.parametrize("name, attribute, value", [
    ("initial_message", "max_length", 200),
    ("max_silence_duration", "maximum", 360),
    ("min_interrupt_words", "nullable", True),
    ("engine_type", "choices", None),
])
def test_rules_that_differ(name, attribute, value) -> None:
    spec = FIELDS_2026[name]
    if attribute == "choices":
        assert [c.value for c in spec.choices] == ["pipeline", "multimodal", "dualplex"]
    else:
        assert getattr(spec, attribute) == value
    assert "use_min_interrupt_words" not in FIELDS_2026 and "end_call_tool.description" not in FIELDS_2026


def _sandbox_data():
    data = demo_data()
    for record in data.assistants.values():
        dialect2026.with_current_columns(record)
    dialect2026.current_demo(data)
    return data


DATA = _sandbox_data()
RECORD = DATA.assistants[101]


def _account_lookups() -> tuple[Lookups, Dialect]:
    async def load():
        with Sandbox(copy.deepcopy(DATA), rate_limit=None, dialect="2026") as sandbox:
            async with ApiClient(sandbox.base_url, DEMO_API_KEY) as client:
                return await load_lookups(client)

    result = asyncio.run(load())
    assert not result.failures
    return result.lookups, result.dialect.dialect


LOOKUPS, DETECTED = _account_lookups()


def test_auto_detects_2026_from_the_voices() -> None:
    assert DETECTED is Dialect.D2026


def test_auto_detects_2025_from_the_voices() -> None:
    async def load():
        with Sandbox(rate_limit=None) as sandbox:
            async with ApiClient(sandbox.base_url, DEMO_API_KEY) as client:
                return await load_lookups(client)

    assert asyncio.run(load()).dialect.dialect is Dialect.D2025


def session_with(changes: dict) -> EditSession:
    session = EditSession(101, RECORD, LOOKUPS, FIELDS_2026)
    for name, value in changes.items():
        session.set(name, value)
    return session


def test_bodies_use_the_2026_names_and_shapes() -> None:
    session = session_with({"assistant_name": "New", "language": "German", "calls_direction": "make",
                            "who_speaks_first": "Customer", "max_call_duration": 900})
    assert session.body() == {"name": "New", "language_id": 2, "type": "outbound", "max_duration": 900,
                              "wait_for_customer": True}


def test_tools_are_read_flat_and_every_tool_is_sent_back() -> None:
    session = session_with({})
    tools = session.value("tools")
    assert tools[0] == {"type": "end_call", "description": "End the call when the patient has no further questions."}
    assert tools[-1] == {"type": "sms_followup", "template": "Thanks for calling!"}  # unknown type, kept
    edited = copy.deepcopy(tools)
    edited[0]["description"] = "Hang up politely."
    session.set("tools", edited)
    assert session.body() == {"tools": edited}


def test_unreported_settings_are_unknown_and_never_sent_unset() -> None:
    session = session_with({})
    assert {"tool_ids", "folder_id", "label_ids", "voice_mail_message"} <= session.unreported
    assert session.body() == {}
    assert "not reported by the server" in session.flags()["tool_ids"]


def test_either_dialects_names_are_taken() -> None:
    values = from_body({"assistant_name": "A", "language_id": 3, "type": "inbound", "tools": []},
                       FIELDS_2026, LOOKUPS)
    assert values == {"assistant_name": "A", "language": "French", "calls_direction": "receive", "tools": []}
    with pytest.raises(UnknownKey):
        from_body({"use_min_interrupt_words": True}, FIELDS_2026, LOOKUPS)


def test_a_read_record_goes_back_as_the_same_body() -> None:
    loaded = read_record(RECORD, LOOKUPS, FIELDS_2026)
    known = {k: v for k, v in loaded.values.items() if k not in loaded.unreported}
    body = to_body(known, FIELDS_2026, LOOKUPS)
    assert from_body(body, FIELDS_2026, LOOKUPS) == known


async def test_an_unreported_settings_old_value_is_shown_as_not_reported() -> None:
    """The plan and the review say what the server's list said of it: nothing. "not set"
    would claim the setting was empty."""
    from click.testing import CliRunner

    from tui_helpers import make_app, open_editor, wait_until
    from voicedesk.cli import main
    from voicedesk.tui.screens.review import ReviewScreen

    with Sandbox(rate_limit=None, dialect="2026") as sandbox:
        result = await asyncio.to_thread(CliRunner().invoke, main, [
            "--base-url", sandbox.base_url, "--api-key", DEMO_API_KEY, "set", "101", "folder_id=92", "--dry-run"])
        assert result.exit_code == 0, result.output
        assert "folder_id  not reported  ->  Customers N-Z (92)" in result.stdout
        app = make_app(sandbox, 101)
        async with app.run_test(size=(120, 36)) as pilot:
            editor = await open_editor(pilot)
            editor.editing.session.set("folder_id", 92)
            await pilot.press("ctrl+s")
            await wait_until(pilot, lambda: isinstance(app.screen, ReviewScreen) and app.screen.query(".review-change"))
            [change] = app.screen.query(".review-change")
            assert "not reported  →  Customers N-Z (92)" in str(change.render())


UNREPORTED_NULLABLE = [f.name for f in FIELDS_2026.fields if not f.reported and f.nullable]


@pytest.mark.parametrize("name", UNREPORTED_NULLABLE)
def test_an_unreported_setting_set_to_none_is_a_change(name) -> None:
    """Its None is unknown, not a value: set to none (off, automatic, no entry, empty)
    it is sent as null; reverted, it is unknown again and sent not at all."""
    session = session_with({})
    assert session.is_unknown(name) and not session.is_dirty(name)
    session.set(name, None)
    assert session.dirty == [name] and session.body() == {FIELDS_2026[name].update_name: None}
    assert not session.is_unknown(name)
    session.revert(name)
    assert session.is_unknown(name) and session.body() == {}
    session.set(name, None)
    session.revert_all()
    assert session.is_unknown(name) and session.body() == {}


@pytest.mark.parametrize("assignment", ["folder_id=null", "chat_llm_fallback_id=null", "voice_mail_message=null"])
def test_the_cli_sends_null_to_an_unreported_setting(assignment) -> None:
    from click.testing import CliRunner

    from voicedesk.cli import main

    with Sandbox(rate_limit=None, dialect="2026") as sandbox:
        if assignment.startswith("chat_llm"):
            sandbox.edit_assistant(101, mode="multimodal")
        result = CliRunner().invoke(main, ["--base-url", sandbox.base_url, "--api-key", DEMO_API_KEY,
                                           "set", "101", assignment, "--dry-run"])
    assert result.exit_code == 0, result.output
    assert "not reported  ->  not set" in result.stdout and '": null' in result.stdout


async def test_the_editor_sets_an_unreported_setting_to_none() -> None:
    """The controls say "not reported" until set; delete on the slider (automatic) and
    the none entry of a list are changes even though the value stays None."""
    from tui_helpers import control_of, focus, make_app, open_editor, wait_until
    from voicedesk.tui.widgets import SearchSelect, Slider, ToggleChoice
    from voicedesk.tui.widgets.search_select import SearchSelectScreen

    with Sandbox(rate_limit=None, dialect="2026") as sandbox:
        app = make_app(sandbox, 101)
        async with app.run_test(size=(120, 36)) as pilot:
            editor = await open_editor(pilot)
            await wait_until(pilot, lambda: len(editor.rows) == len(FIELDS_2026.fields))  # every group built
            slider = control_of(editor, "turn_detection_threshold", Slider)
            folder = control_of(editor, "folder_id", SearchSelect)
            assert slider._unset_text == "not reported" and folder.label == "not reported"
            await focus(pilot, editor, "turn_detection_threshold")
            await pilot.press("delete")
            await wait_until(pilot, lambda: editor.editing.session.is_dirty("turn_detection_threshold"))
            assert slider._unset_text == "automatic"
            await focus(pilot, editor, "folder_id")
            await pilot.press("enter")
            await wait_until(pilot, lambda: isinstance(app.screen, SearchSelectScreen))
            await pilot.press("home", "enter")  # the first entry: no folder
            await wait_until(pilot, lambda: editor.editing.session.is_dirty("folder_id"))
            assert folder.label == "Uncategorised" and editor.editing.session.body() == {
                "turn_detection_threshold": None, "folder_id": None}
            await pilot.press("ctrl+o")
            await wait_until(pilot, lambda: not editor.editing.session.is_dirty("folder_id"))
            assert folder.label == "not reported"
            # A setting of two values: not a switch (it would claim "off") but the two.
            emotion = control_of(editor, "tts_emotion_enabled", ToggleChoice)
            assert emotion.label == "not reported"
            await focus(pilot, editor, "tts_emotion_enabled")
            await pilot.press("right")  # the second of the two
            await wait_until(pilot, lambda: editor.editing.session.is_dirty("tts_emotion_enabled"))
            assert emotion.label == "Off" and editor.editing.session.body()["tts_emotion_enabled"] is False
            await pilot.press("ctrl+o")
            await wait_until(pilot, lambda: not editor.editing.session.is_dirty("tts_emotion_enabled"))
            assert emotion.label == "not reported"


@pytest.mark.parametrize("name, text, said", [
    ("turn_detection_threshold", "auto", "expected a number (or null: automatic), got 'auto'"),
    ("max_initial_silence_duration", "off",
     "expected a whole number of seconds (90, 90s, 1:30 or 10m, or null: off), got 'off'"),
    ("min_interrupt_words", "none", "expected a whole number (or null: off), got 'none'"),
    ("max_silence_duration", "x", "expected a whole number of seconds (90, 90s, 1:30 or 10m), got 'x'"),
])
def test_a_nullable_number_says_how_to_set_none(name, text, said) -> None:
    from voicedesk.parsing import ParseError, parse_value

    with pytest.raises(ParseError, match=re.escape(said)):
        parse_value(FIELDS_2026[name], text, LOOKUPS)
    if FIELDS_2026[name].nullable:
        assert parse_value(FIELDS_2026[name], "null", LOOKUPS) is None
    else:
        with pytest.raises(ParseError, match="cannot be null"):
            parse_value(FIELDS_2026[name], "null", LOOKUPS)


def test_a_choice_only_2026_has_shows_its_label() -> None:
    from voicedesk.display import format_value

    assert [format_value("engine_type", mode) for mode in ("pipeline", "multimodal", "dualplex")] == \
        ["Pipeline", "Multimodal", "Dualplex"]


@pytest.mark.parametrize("stored", [
    {"data": {"description": "no type"}},
    {"type": ["end_call"], "data": {}},
    {"type": "end_call", "data": {"type": "nested"}},
    {"type": "end_call", "data": {}, "extra": 1},
    "end_call",
    None,
])
def test_a_stored_tool_of_an_odd_shape_is_sent_back_exactly(stored) -> None:
    """Only {type, data} entries are read flat; any other entry is kept exactly, and a
    client-side check of it never crashes (the sandbox answers a 422, not a 500)."""
    record = copy.deepcopy(RECORD)
    record["tools"] = [{"type": "end_call", "data": {"description": "Bye"}}, stored]
    session = EditSession(101, record, LOOKUPS, FIELDS_2026)
    assert session.value("tools")[1] == stored
    edited = copy.deepcopy(session.value("tools"))
    edited[0]["description"] = "Goodbye"
    session.set("tools", edited)
    assert session.body() == {"tools": [{"type": "end_call", "description": "Goodbye"}, stored]}
    session.validate()  # whatever it says, it says it
    dialect2026.validate_update(session.body(), record, DATA)


@pytest.mark.parametrize("body, code, said", [
    ({"end_call_tool": {"description": "Bye now"}}, 0, '"description": "Bye now"'),
    ({"end_call_tool": {"description": None}}, 2, "it is the end_call entry of tools, and takes text"),
    ({"end_call_tool": {"description": "Bye"}, "tools": []}, 2, "'tools' is not a field of the assistant"),
    ({"max_duration": 900, "use_min_interrupt_words": True}, 2,
     "'use_min_interrupt_words' is not a field of the assistant on this host (dialect 2026)"),
])
def test_apply_takes_the_seeds_end_call_tool_on_a_2026_host(tmp_path, body, code, said) -> None:
    """As `set end_call_tool.description=` does: the end_call entry of the whole tools
    list, the other tools unchanged; a key 2026 does not have is named with the dialect."""
    import json

    from click.testing import CliRunner

    from voicedesk.cli import main

    path = tmp_path / "body.json"
    path.write_text(json.dumps(body))
    with Sandbox(rate_limit=None, dialect="2026") as sandbox:
        result = CliRunner().invoke(main, ["--base-url", sandbox.base_url, "--api-key", DEMO_API_KEY,
                                           "apply", "101", str(path), "--dry-run"])
    assert result.exit_code == code, result.output
    assert said in (result.stdout if code == 0 else result.stderr)
    if code == 0:
        sent = json.loads(result.stdout.split("the body would be:\n", 1)[1])
        assert [tool["type"] for tool in sent["tools"]] == ["end_call", "call_transfer", "calendar_integration",
                                                           "sms_followup"]
