"""Client-side rules, one field at a time and across fields."""

from __future__ import annotations

import os
from zoneinfo import TZPATH, available_timezones

import pytest
from factories import lookups, record

from voicedesk.fields import FIELDS, Dialect, catalogue
from voicedesk.model import TypeProblem, check_types
from voicedesk.parsing import ParseError, parse_value
from voicedesk.tools import check_tools
from voicedesk.validation import check_field, flags, is_timezone, problems
from voicedesk.wire import read_record


@pytest.mark.parametrize("name, value, fragment", [
    ("speech_speed", 1.25, "between 0.7 and 1.2"),
    ("speech_speed", 0.65, "0.65 is outside"),
    ("llm_temperature", -0.1, "between 0 and 1"),
    ("endpoint_sensitivity", 5.5, "between 0 and 5"),
    ("min_interrupt_words", 11, "between 0 and 10"),
    ("re_engagement_interval", 6, "between 7 and 600 s"),
    ("max_call_duration", 1201, "between 20 and 1200 s"),
    ("max_silence_duration", 0, "between 1 and 120 s"),
    ("assistant_name", "x" * 256, "at most 255 characters"),
    ("assistant_name", "   ", "must not be empty"),
    ("end_call_tool.description", "x" * 501, "at most 500"),
    ("language", "Klingon", "not one of the account's names"),
    ("language", "german", "Did you mean 'German'"),
    ("llm_model", "GPT-5", "not one of the account's names"),
    ("calls_direction", "inbound", "one of receive, make"),
    ("who_speaks_first", "Nobody", "one of AI assistant, Customer"),
    ("timezone", "Europe/Atlantis", "IANA time zone"),
    ("voice_id", 999, "not one of the account's voices"),
    ("phone_number_id", 999, "not one of the account's phone numbers"),
    ("webhook_url", "hooks.example.com", "full http:// or https:// address"),
    ("webhook_url", "ftp://hooks.example.com", "full http:// or https:// address"),
    ("variables", {"": "x"}, "empty name"),
    ("post_call_schema", [{"name": "first name", "type": "string", "description": "d"}], "letters, digits"),
    ("post_call_schema", [{"name": "a", "type": "boolean", "description": "d"}], "one of string, number, bool"),
    ("post_call_schema", [{"name": "a", "type": "bool", "description": " "}], "description is required"),
    ("post_call_schema", [{"name": "a", "type": "bool", "description": "d"}] * 2, "used twice"),
    ("post_call_schema", ["a row as text"], "row 1 is not an object"),
    ("post_call_schema", [{"name": 7, "type": "string", "description": "d"}], "letters, digits"),
    ("post_call_schema", [{"name": "a", "type": ["string"], "description": "d"}], "one of string, number, bool"),
    ("post_call_schema", [{"name": "a", "type": "string", "description": 5}], "description must be text"),
    ("post_call_schema", [{"name": "a", "type": "string"}], "description is required"),
    ("assistant_name", None, "must be set"),
])
def test_a_broken_rule_names_the_field_and_the_rule(name, value, fragment) -> None:
    message = check_field(FIELDS[name], value, lookups())
    assert message is not None and fragment in message
    assert message.startswith(FIELDS[name].label)


@pytest.mark.parametrize("name, value", [
    ("speech_speed", 0.7), ("speech_speed", 1.2), ("max_call_duration", 1200), ("timezone", "UTC"),
    ("phone_number_id", None), ("webhook_url", None), ("webhook_url", "https://x.example/hook?a=1"),
    ("language", "German"), ("voice_id", 21), ("variables", {}), ("post_call_schema", []),
])
def test_values_within_the_rules_pass(name, value) -> None:
    assert check_field(FIELDS[name], value, lookups()) is None


def test_lists_not_loaded_leave_names_unverified() -> None:
    assert check_field(FIELDS["language"], "Klingon", None) is None
    assert check_field(FIELDS["voice_id"], 999, None) is None


def values(**changes):
    base = read_record(record(), lookups()).values
    base.update(changes)
    return base


def test_turning_the_webhook_on_needs_a_url_but_clearing_the_url_turns_it_off() -> None:
    found = problems(values(webhook_url=None, is_webhook_active=True), ["is_webhook_active"], lookups())
    assert "required to turn the webhook on" in found["webhook_url"]
    assert problems(values(webhook_url=None), ["webhook_url"], lookups()) == {}
    assert problems(values(webhook_url=None, is_webhook_active=False), ["webhook_url", "is_webhook_active"], lookups()) == {}


def test_voice_must_match_the_engine_even_when_only_the_engine_changed() -> None:
    found = problems(values(engine_type="multimodal"), ["engine_type"], lookups())
    assert "'Anna' is a pipeline voice" in found["voice_id"]
    assert problems(values(engine_type="multimodal", voice_id=21), ["engine_type", "voice_id"], lookups()) == {}


def test_inbound_assistants_cannot_take_caller_ids_or_numbers_in_use() -> None:
    found = problems(values(phone_number_id=33), ["phone_number_id"], lookups())
    assert "caller ID" in found["phone_number_id"]
    assert problems(values(phone_number_id=33, calls_direction="make"), ["phone_number_id", "calls_direction"], lookups()) == {}
    baseline = values(phone_number_id=32)
    found = problems(values(phone_number_id=31), ["phone_number_id"], lookups(), baseline)
    assert "already assigned" in found["phone_number_id"]
    # The assistant's own number is "not available" to others, but fine to keep.
    assert problems(values(phone_number_id=31, calls_direction="make"), ["calls_direction"], lookups(), values()) == {}


def test_min_interrupt_words_needs_a_number_while_in_use() -> None:
    found = problems(values(use_min_interrupt_words=True), ["use_min_interrupt_words"], lookups())
    assert "needs a number" in found["min_interrupt_words"]
    # Sent values are checked even while the switch is off: the server checks them.
    assert "between 0 and 10" in problems(values(min_interrupt_words=50), ["min_interrupt_words"], lookups())["min_interrupt_words"]


def test_only_dirty_fields_block_and_stored_breaks_are_flags() -> None:
    stored = values(max_call_duration=1800, re_engagement_interval=5)
    assert problems(stored, ["assistant_name"], lookups()) == {}
    found = flags(stored, [name for name in FIELDS if name != "assistant_name"], lookups())
    assert set(found) == {"max_call_duration", "re_engagement_interval"}


def test_types_are_checked_by_the_edit_model() -> None:
    with pytest.raises(TypeProblem) as raised:
        check_types({"speech_speed": "fast", "record_call": 1, "voice_id": "Anna"})
    assert raised.value.problems == {
        "speech_speed": "expected a number",
        "record_call": "expected true or false",
        "voice_id": "expected a whole number (an id)",
    }


@pytest.mark.parametrize("name, text, expected", [
    ("record_call", "yes", True), ("record_call", "OFF", False), ("record_call", "on", True),
    ("speech_speed", "0.9", 0.9), ("max_call_duration", "300", 300),
    ("phone_number_id", "null", None), ("phone_number_id", "+4930222", 32),
    ("voice_id", "Nova", 21), ("voice_id", "12", 12),
    ("language", "German", "German"), ("calls_direction", "Outbound (make)", "make"),
    ("variables", '{"city": "Berlin"}', {"city": "Berlin"}),
    ("post_call_schema", '[{"name":"a","type":"bool","description":"d"}]', [{"name": "a", "type": "bool", "description": "d"}]),
    # Sent whole, so what the server stored beside the documented parts is taken as it is.
    ("variables", '{"n": 1, "o": {"k": [true]}}', {"n": 1, "o": {"k": [True]}}),
    ("post_call_schema", '[{"name":"a","type":"bool","description":"d","unit":"EUR"}]',
     [{"name": "a", "type": "bool", "description": "d", "unit": "EUR"}]),
    ("system_prompt", "  keep  spaces ", "  keep  spaces "),
])
def test_text_is_parsed_by_the_catalogue(name, text, expected) -> None:
    assert parse_value(FIELDS[name], text, lookups()) == expected


@pytest.mark.parametrize("name, text, fragment", [
    ("record_call", "maybe", "expected true/false"),
    ("max_call_duration", "5.5", "whole number"),
    ("speech_speed", "fast", "expected a number"),
    ("assistant_name", "null", "cannot be null"),
    ("voice_id", "Nobody", "no voice is named"),
    ("variables", "{city: Berlin}", "expected JSON"),
    ("variables", '["a"]', "an object of named values"),
    ("post_call_schema", '{"name": "a"}', "a list of {name, type, description} objects"),
])
def test_unparseable_text_names_the_field(name, text, fragment) -> None:
    with pytest.raises(ParseError) as raised:
        parse_value(FIELDS[name], text, lookups())
    assert str(raised.value).startswith(name) and fragment in str(raised.value)


def test_a_time_zone_is_checked_without_listing_them_all_and_as_the_list_would() -> None:
    zones = available_timezones()
    names = set(zones) | {
        "", "/", "./UTC", "Europe//Berlin", "Europe/../Europe/Berlin", "Europe/Berlin/", "utc",
        "../../etc/passwd", "/etc/passwd", "posixrules", "right/UTC", "posix/UTC", "Europe",
        "Europe/Berlin\x00", "\x00", "Europe/" + "x" * 5000,
    }
    for root in filter(os.path.isdir, TZPATH):  # every file and folder there, zone or not
        for folder, subfolders, files in os.walk(root, followlinks=True):
            relative = os.path.relpath(folder, root)
            names.update(os.path.normpath(os.path.join(relative, name)).replace(os.sep, "/")
                         for name in files + subfolders)
    assert len(names) > len(zones)
    assert {name for name in names if is_timezone(name)} == names & zones
    assert not is_timezone(None) and not is_timezone(7)


# -- ids of the 2026 lists ---------------------------------------------------------------


def test_an_id_of_the_models_list_is_checked_as_an_id() -> None:
    """The 2026 fallback LLM holds a model's id (the seed's llm_model a name): checking it
    as a name crashed on any value."""
    spec = catalogue(Dialect.D2026)["chat_llm_fallback_id"]
    assert check_field(spec, 1, lookups()) is None
    assert "not one of the account's models" in check_field(spec, 99, lookups())
    assert "not one of the account's models" in check_field(spec, "GPT-4o", lookups())
    assert check_field(spec, None, lookups()) is None  # nullable


@pytest.mark.parametrize("phone_number, fragment", [
    ("", "phone_number is required"), ("   ", "phone_number is required"), ("\t", "phone_number is required"),
    ("+4930123", None),
])
def test_a_required_tool_field_may_not_be_blank(phone_number, fragment) -> None:
    """As the server's `required`: whitespace alone is no value."""
    message = check_tools([{"type": "call_transfer", "phone_number": phone_number}])
    assert message == fragment or fragment in message
