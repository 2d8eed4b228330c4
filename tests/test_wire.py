"""Read translation (list record -> edit values) and write translation (-> update body)."""

from __future__ import annotations

import pytest
from factories import lookups, record

from voicedesk.fields import CATALOGUE
from voicedesk.records import Lookups
from voicedesk.wire import UnknownKey, from_body, read_record, to_body


def test_every_row_of_the_contract_table_is_translated() -> None:
    values = read_record(record(), lookups()).values
    assert values == {
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
    assert list(values) == [f.name for f in CATALOGUE]


def test_outbound_customer_first_and_min_words_in_use() -> None:
    values = read_record(
        record(type="outbound", wait_for_customer=True, min_interrupt_words=3), lookups()
    ).values
    assert values["calls_direction"] == "make"
    assert values["who_speaks_first"] == "Customer"
    assert (values["use_min_interrupt_words"], values["min_interrupt_words"]) == (True, 3)


def test_fields_the_update_cannot_change_are_kept_read_only() -> None:
    read_only = read_record(record(), lookups()).read_only
    assert read_only["uuid"] == "0b6c-example"
    assert read_only["status"] == "active"
    assert read_only["ambient_sound"] == "office"
    assert read_only["language"] == "de"  # the ISO code, not the update's language
    assert "name" not in read_only and "tools" not in read_only


def test_out_of_range_values_load_unchanged() -> None:
    values = read_record(record(max_duration=1800, reengagement_interval=5, speech_speed="1.5")).values
    assert (values["max_call_duration"], values["re_engagement_interval"], values["speech_speed"]) == (1800, 5, 1.5)


def test_nulls_and_older_shapes() -> None:
    loaded = read_record(
        record(
            llm_temperature=None, fillers=None, variables=[], tools=["end_call"], phone_number_id=None,
            webhook_url=None,
        ),
        lookups(),
    )
    values = loaded.values
    assert values["llm_temperature"] is None and values["filler_audios"] is None
    assert values["variables"] == {}  # PHP's empty array
    assert values["end_call_tool.description"] is None  # names only, no description stored
    assert values["phone_number_id"] is None and values["webhook_url"] is None
    assert set(loaded.notes) == {"post_call_schema"}  # its "boolean" type: see below


def test_unreadable_values_become_none_with_a_note_not_a_crash() -> None:
    loaded = read_record(
        record(language_id=99, speech_speed="fast", type="sideways", variables="n=5"), lookups()
    )
    assert loaded.values["language"] is None
    assert "language id 99" in loaded.notes["language"]
    assert loaded.values["speech_speed"] is None and "'fast'" in loaded.notes["speech_speed"]
    assert loaded.values["calls_direction"] is None
    assert loaded.values["variables"] is None and "str, not an object" in loaded.notes["variables"]


ODD_VARIABLES = {"n": 5, "on": True, "none": None, "address": {"city": "Bonn", "zip": [5, 3]}, "text": "x"}
ODD_SCHEMA = [
    {"name": "amount", "type": "number", "description": "Paid", "required": True, "unit": "EUR"},
    {"description": "No name", "type": "string", "options": {"max": 3}},
    {"name": 7, "type": ["string"], "description": None},
    "a row that is text",
    {"name": "callback", "type": "boolean", "description": "Wants a call back", "x": 1},
]


def test_variables_and_schema_rows_are_read_whole() -> None:
    """Whatever voicedesk does not understand is kept as it came: sent whole, the schema
    and the variables go back as they were but for what the user edits."""
    loaded = read_record(record(variables=ODD_VARIABLES, post_call_schema=ODD_SCHEMA), lookups())
    assert loaded.values["variables"] == ODD_VARIABLES
    assert loaded.values["post_call_schema"] == [*ODD_SCHEMA[:4], {**ODD_SCHEMA[4], "type": "bool"}]
    assert "variables" not in loaded.notes
    # The one conversion is said, since it would be sent.
    note = loaded.notes["post_call_schema"]
    assert "'boolean' (row 5)" in note and "sent" in note
    assert list(loaded.values["post_call_schema"][4]) == ["name", "type", "description", "x"]  # order kept


def test_reading_copies_what_it_keeps() -> None:
    stored = record(variables={"address": {"city": "Bonn"}}, post_call_schema=[{"name": "a", "o": {"k": 1}}])
    values = read_record(stored, lookups()).values
    values["variables"]["address"]["city"] = "Köln"
    values["post_call_schema"][0]["o"]["k"] = 2
    assert stored["variables"] == {"address": {"city": "Bonn"}}
    assert stored["post_call_schema"] == [{"name": "a", "o": {"k": 1}}]


def test_names_need_the_lookups() -> None:
    loaded = read_record(record(), Lookups())
    assert loaded.values["language"] is None and "not loaded" in loaded.notes["language"]


def test_body_uses_the_seed_names_and_nests_the_end_call_tool() -> None:
    body = to_body({"speech_speed": 0.9, "end_call_tool.description": "Bye", "phone_number_id": None})
    assert body == {"phone_number_id": None, "end_call_tool": {"description": "Bye"}, "speech_speed": 0.9}


def test_a_body_reads_back_as_values() -> None:
    values = {"assistant_name": "X", "end_call_tool.description": "Bye", "variables": {"a": "b"}}
    assert from_body(to_body(values)) == values
    assert from_body({"end_call_tool.description": "Bye"}) == {"end_call_tool.description": "Bye"}


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
