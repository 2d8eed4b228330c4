"""Read translation (list record -> edit values) and write translation (-> update body)."""

from __future__ import annotations

from typing import Any

import pytest

from factories import lookups, record
from voicedesk.fields import Dialect, catalogue
from voicedesk.records import Lookups
from voicedesk.wire import UnknownKey, from_body, read_record, to_body


def read(dialect: Dialect, **overrides):
    return read_record(record(**overrides), lookups(), catalogue(dialect))


def test_every_row_of_the_contract_table_is_translated(dialect) -> None:
    loaded = read(dialect)
    values = loaded.values
    expected = {
        "assistant_name": "Front desk",
        "voice_id": 11,
        "language": "German",  # language_id 2 through the languages list
        "llm_model": "GPT-4o",  # llm_model_id 1 through the models list
        "calls_direction": "receive",  # inbound
        "engine_type": "pipeline",
        "timezone": "Europe/Berlin",
        "initial_message": "Hallo, wie kann ich helfen?",
        "system_prompt": "You answer calls for a dental practice.",
        "phone_number_id": 31,
        "endpoint_type": "vad",
        "endpoint_sensitivity": 3,
        "interrupt_sensitivity": 2,
        "ambient_sound_volume": 0.3,  # "0.3"
        "post_call_evaluation": True,
        "send_webhook_only_on_completed": False,
        "include_recording_in_webhook": True,
        "is_webhook_active": True,
        "webhook_url": "https://hooks.example.com/calls",
        "use_min_interrupt_words": False,  # min_interrupt_words is null
        "min_interrupt_words": None,
        "variables": {"practice": "Zahnarzt Weber"},
        "post_call_schema": [{"name": "callback", "type": "bool", "description": "Wants a call back"}],
        "end_call_tool.description": "Hang up when the caller says goodbye.",
        "llm_temperature": 0.7,
        "voice_stability": 0.5,
        "voice_similarity": 0.75,
        "speech_speed": 1.0,
        "allow_interruptions": True,
        "filler_audios": True,  # 1
        "re_engagement_interval": 30,
        "max_call_duration": 600,
        "max_silence_duration": 20,
        "end_call_on_voicemail": False,  # 0
        "noise_cancellation": False,
        "record_call": True,
        "who_speaks_first": "AI assistant",  # wait_for_customer false
    }
    if dialect is Dialect.D2026:
        del expected["use_min_interrupt_words"], expected["end_call_tool.description"]
        expected.update({
            "tools": [{"type": "end_call", "description": "Hang up when the caller says goodbye."}],  # flat
            "ambient_sound": "office",  # a setting of 2026, read-only in 2025
            "knowledgebase_id": None, "knowledgebase_mode": None,  # null or not in this record
            "multimodal_model_id": None, "synthesizer_provider_id": None, "transcriber_provider_id": None,
            "filler_config": None, "ringing_time": None, "max_initial_silence_duration": None,
        })
        # The list does not report these: unknown, not None (api-contract.md).
        unreported = {"secondary_language_ids", "tool_ids", "folder_id", "label_ids", "chat_llm_fallback_id",
                      "turn_detection_threshold", "tts_emotion_enabled", "reengagement_prompt", "voice_mail_message"}
        assert loaded.unreported == unreported
        expected.update(dict.fromkeys(unreported))
    else:
        assert loaded.unreported == set()
    assert values == expected
    assert list(values) == [f.name for f in catalogue(dialect)]


def test_outbound_customer_first_and_min_words_in_use(dialect) -> None:
    values = read(dialect, type="outbound", wait_for_customer=True, min_interrupt_words=3).values
    assert values["calls_direction"] == "make"
    assert values["who_speaks_first"] == "Customer"
    assert values["min_interrupt_words"] == 3
    if dialect is Dialect.D2025:
        assert values["use_min_interrupt_words"] is True
    else:  # no switch: null is off
        assert "use_min_interrupt_words" not in values


def test_fields_the_update_cannot_change_are_kept_read_only(dialect) -> None:
    read_only = read(dialect).read_only
    assert read_only["uuid"] == "0b6c-example"
    assert read_only["status"] == "active"
    assert read_only["language"] == "de"  # the ISO code, not the update's language
    assert "name" not in read_only and "tools" not in read_only
    if dialect is Dialect.D2025:
        assert read_only["ambient_sound"] == "office"
    else:  # a 2026 setting
        assert "ambient_sound" not in read_only


def test_out_of_range_values_load_unchanged(dialect) -> None:
    values = read_record(record(max_duration=1800, reengagement_interval=5, speech_speed="1.5"), None,
                         catalogue(dialect)).values
    assert (values["max_call_duration"], values["re_engagement_interval"], values["speech_speed"]) == (1800, 5, 1.5)


def test_nulls_and_older_shapes(dialect) -> None:
    loaded = read(dialect, llm_temperature=None, fillers=None, variables=[], tools=["end_call"], phone_number_id=None,
                  webhook_url=None)
    values = loaded.values
    assert values["llm_temperature"] is None and values["filler_audios"] is None
    assert values["variables"] == {}  # PHP's empty array
    if dialect is Dialect.D2025:
        assert values["end_call_tool.description"] is None  # names only, no description stored
    else:
        assert values["tools"] == ["end_call"]  # an older entry, kept as it came (sent back whole)
    assert values["phone_number_id"] is None and values["webhook_url"] is None
    assert set(loaded.notes) == {"post_call_schema"}  # its "boolean" type: see below


def test_unreadable_values_become_none_with_a_note_not_a_crash(dialect) -> None:
    loaded = read(dialect, language_id=99, speech_speed="fast", type="sideways", variables="n=5")
    assert loaded.values["language"] is None
    assert "language id 99" in loaded.notes["language"]
    assert loaded.values["speech_speed"] is None and "'fast'" in loaded.notes["speech_speed"]
    assert loaded.values["calls_direction"] is None
    assert loaded.values["variables"] is None and "str, not an object" in loaded.notes["variables"]


ODD_VARIABLES = {"n": 5, "on": True, "none": None, "address": {"city": "Bonn", "zip": [5, 3]}, "text": "x"}
ODD_SCHEMA: list[Any] = [
    {"name": "amount", "type": "number", "description": "Paid", "required": True, "unit": "EUR"},
    {"description": "No name", "type": "string", "options": {"max": 3}},
    {"name": 7, "type": ["string"], "description": None},
    "a row that is text",
    {"name": "callback", "type": "boolean", "description": "Wants a call back", "x": 1},
]


def test_variables_and_schema_rows_are_read_whole(dialect) -> None:
    """Whatever voicedesk does not understand is kept as it came: sent whole, the schema
    and the variables go back as they were but for what the user edits."""
    loaded = read(dialect, variables=ODD_VARIABLES, post_call_schema=ODD_SCHEMA)
    assert loaded.values["variables"] == ODD_VARIABLES
    assert loaded.values["post_call_schema"] == [*ODD_SCHEMA[:4], {**ODD_SCHEMA[4], "type": "bool"}]
    assert "variables" not in loaded.notes
    # The one conversion is said, since it would be sent.
    note = loaded.notes["post_call_schema"]
    assert "'boolean' (row 5)" in note and "sent" in note
    assert list(loaded.values["post_call_schema"][4]) == ["name", "type", "description", "x"]  # order kept


def test_reading_copies_what_it_keeps(dialect) -> None:
    stored = record(variables={"address": {"city": "Bonn"}}, post_call_schema=[{"name": "a", "o": {"k": 1}}],
                    tools=[{"type": "x", "data": {"o": {"k": 1}}}])
    values = read_record(stored, lookups(), catalogue(dialect)).values
    values["variables"]["address"]["city"] = "Köln"
    values["post_call_schema"][0]["o"]["k"] = 2
    if dialect is Dialect.D2026:
        values["tools"][0]["o"]["k"] = 2
    assert stored["variables"] == {"address": {"city": "Bonn"}}
    assert stored["post_call_schema"] == [{"name": "a", "o": {"k": 1}}]
    assert stored["tools"] == [{"type": "x", "data": {"o": {"k": 1}}}]


def test_names_need_the_lookups(dialect) -> None:
    loaded = read_record(record(), Lookups(), catalogue(dialect))
    assert loaded.values["language"] is None and "not loaded" in loaded.notes["language"]
    assert loaded.values["llm_model"] is None and "not loaded" in loaded.notes["llm_model"]


def test_body_uses_the_seed_names_and_nests_the_end_call_tool() -> None:
    body = to_body({"speech_speed": 0.9, "end_call_tool.description": "Bye", "phone_number_id": None})
    assert body == {"phone_number_id": None, "end_call_tool": {"description": "Bye"}, "speech_speed": 0.9}


def test_the_2026_body_uses_its_names_and_sends_the_tools_flat() -> None:
    fields = catalogue(Dialect.D2026)
    tools = [{"type": "end_call", "description": "Bye"}, {"type": "sms_followup", "template": "Hi"}]
    body = to_body({"speech_speed": 0.9, "tools": tools, "phone_number_id": None, "noise_cancellation": True,
                    "max_call_duration": 900, "min_interrupt_words": None}, fields, lookups())
    assert body == {"phone_number_id": None, "min_interrupt_words": None, "tools": tools, "speech_speed": 0.9,
                    "max_duration": 900, "enable_noise_cancellation": True}


@pytest.mark.parametrize("values", [
    {"assistant_name": "X", "variables": {"a": "b"}, "language": "German", "calls_direction": "make",
     "who_speaks_first": "Customer", "llm_model": "GPT-4o mini", "record_call": False},
    {"post_call_schema": [{"name": "abc", "type": "bool", "description": "d", "unit": "EUR"}], "filler_audios": True},
])
def test_a_body_reads_back_as_values(dialect, values) -> None:
    fields = catalogue(dialect)
    assert from_body(to_body(values, fields, lookups()), fields, lookups()) == values
    if dialect is Dialect.D2025:
        values = {**values, "end_call_tool.description": "Bye"}
        assert from_body(to_body(values, fields, lookups()), fields, lookups()) == values
        assert from_body({"end_call_tool.description": "Bye"}) == {"end_call_tool.description": "Bye"}
    else:
        values = {**values, "tools": [{"type": "end_call", "description": "Bye"}], "folder_id": 91}
        assert from_body(to_body(values, fields, lookups()), fields, lookups()) == values


@pytest.mark.parametrize("body, key", [
    ({"speach_speed": 1}, "speach_speed"),
    ({"end_call_tool": {"desc": "x"}}, "end_call_tool.desc"),
    ({"tools": []}, "tools"),  # a 2026 setting the seed's dialect lacks
    ({"fillers_x": 1}, "fillers_x"),
])
def test_unknown_keys_are_named(body, key) -> None:
    with pytest.raises(UnknownKey) as raised:
        from_body(body)
    assert raised.value.key == key and key in str(raised.value)


@pytest.mark.parametrize("body, key", [
    ({"speach_speed": 1}, "speach_speed"),
    ({"end_call_tool": {"description": "x"}}, "end_call_tool"),  # one entry of `tools` now
    ({"end_call_tool.description": "x"}, "end_call_tool.description"),
    ({"use_min_interrupt_words": True}, "use_min_interrupt_words"),  # gone: null is off
    ({"fillers_x": 1}, "fillers_x"),
])
def test_unknown_keys_are_named_on_2026(body, key) -> None:
    with pytest.raises(UnknownKey) as raised:
        from_body(body, catalogue(Dialect.D2026), lookups())
    assert raised.value.key == key and key in str(raised.value)
