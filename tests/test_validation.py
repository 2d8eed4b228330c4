"""Client-side rules, one field at a time and across fields."""

from __future__ import annotations

import os
from zoneinfo import TZPATH, available_timezones

import pytest

from factories import lookups, record
from voicedesk.fields import Dialect, catalogue
from voicedesk.model import TypeProblem, check_types
from voicedesk.parsing import ParseError, parse_value
from voicedesk.records import Lookups, Voice
from voicedesk.tools import check_tools
from voicedesk.validation import check_field, flags, is_timezone, problems
from voicedesk.wire import read_record

SAME = object()


def said(message: str | None) -> str:
    """A problem that must have been found."""
    assert message is not None, "no problem was found"
    return message


def case(name: str, value: object, fragment: str | None, in_2026: object = SAME) -> tuple:
    """A value that breaks a rule: what the message says in 2025, and in 2026 where its
    rule differs (api-contract.md's 2026 table); None: the value is within the rule."""
    return name, value, {Dialect.D2025: fragment, Dialect.D2026: fragment if in_2026 is SAME else in_2026}


# A setting one dialect lacks is tried in the other only.
BROKEN = [
    case("speech_speed", 1.25, "between 0.7 and 1.2"),
    case("speech_speed", 0.65, "0.65 is outside"),
    case("llm_temperature", -0.1, "between 0 and 1"),
    case("endpoint_sensitivity", 5.5, "between 0 and 5"),
    case("min_interrupt_words", 11, "between 0 and 10"),
    case("re_engagement_interval", 6, "between 7 and 600 s"),
    case("max_call_duration", 1201, "between 20 and 1200 s"),
    case("max_silence_duration", 0, "between 1 and 120 s", in_2026="between 1 and 360 s"),
    case("max_silence_duration", 361, "between 1 and 120 s", in_2026="between 1 and 360 s"),
    case("initial_message", "x" * 201, None, in_2026="at most 200 characters"),
    case("assistant_name", "x" * 256, "at most 255 characters"),
    case("assistant_name", "   ", "must not be empty"),
    case("end_call_tool.description", "x" * 501, "at most 500"),
    case("language", "Klingon", "not one of the account's names"),
    case("language", "german", "Did you mean 'German'"),
    case("llm_model", "GPT-5", "not one of the account's names"),
    case("calls_direction", "inbound", "one of receive, make"),
    case("who_speaks_first", "Nobody", "one of AI assistant, Customer"),
    case("engine_type", "dualplex", "one of pipeline, multimodal", in_2026=None),
    case("timezone", "Europe/Atlantis", "IANA time zone"),
    case("voice_id", 999, "not one of the account's voices"),
    case("phone_number_id", 999, "not one of the account's phone numbers"),
    case("webhook_url", "hooks.example.com", "full http:// or https:// address"),
    case("webhook_url", "ftp://hooks.example.com", "full http:// or https:// address"),
    case("variables", {"": "x"}, "empty name"),
    case("post_call_schema", [{"name": "first name", "type": "string", "description": "desc"}], "letters, digits",
         in_2026="3 to 16 characters"),
    case("post_call_schema", [{"name": "abc", "type": "boolean", "description": "desc"}],
         "one of string, number, bool"),
    case("post_call_schema", [{"name": "abc", "type": "bool", "description": " "}], "description is required"),
    case("post_call_schema", [{"name": "abc", "type": "bool", "description": "desc"}] * 2, "used twice"),
    case("post_call_schema", ["a row as text"], "row 1 is not an object"),
    case("post_call_schema", [{"name": 7, "type": "string", "description": "desc"}], "letters, digits",
         in_2026="3 to 16 characters"),
    case("post_call_schema", [{"name": "abc", "type": ["string"], "description": "desc"}],
         "one of string, number, bool"),
    case("post_call_schema", [{"name": "abc", "type": "string", "description": 5}], "description must be text"),
    case("post_call_schema", [{"name": "abc", "type": "string"}], "description is required"),
    case("post_call_schema", [{"name": "ab", "type": "string", "description": "desc"}], None,
         in_2026="3 to 16 characters"),
    case("post_call_schema", [{"name": "First", "type": "string", "description": "desc"}], None,
         in_2026="3 to 16 characters"),
    case("post_call_schema", [{"name": "abc", "type": "string", "description": "de"}], None,
         in_2026="3 to 255 characters"),
    case("assistant_name", None, "must be set"),
    case("ringing_time", 61, "between 1 and 60 s"),
    case("max_initial_silence_duration", 0, "between 1 and 120 s"),
    case("turn_detection_threshold", 1.5, "between 0 and 1"),
    case("ambient_sound", "beach", "one of off, office"),
    case("knowledgebase_mode", "inline", "one of function_call, prompt"),
    case("reengagement_prompt", "x" * 1001, "at most 1000 characters"),
    case("voice_mail_message", "x" * 1001, "at most 1000 characters"),
    case("tool_ids", [1, 1], "names an id twice"),
    case("label_ids", ["95"], "list of ids"),
    case("filler_config", {"angry": ["Hmm."]}, "not one of positive, negative"),
    case("filler_config", {"neutral": [" "]}, "list of phrases"),
    case("tools", [{"type": "collect_keypad", "timeout": 31}], "between 1 and 30"),
    case("tools", [{"description": "no type"}], "has no type"),
]


@pytest.mark.parametrize("dialect, name, value, fragment", [
    pytest.param(dialect, name, value, fragments[dialect], id=f"{dialect.value}-{name}-{index}")
    for index, (name, value, fragments) in enumerate(BROKEN) for dialect in Dialect if name in catalogue(dialect)
])
def test_a_broken_rule_names_the_field_and_the_rule(dialect, name, value, fragment) -> None:
    spec = catalogue(dialect)[name]
    message = check_field(spec, value, lookups())
    if fragment is None:  # within this dialect's rule
        assert message is None
    else:
        assert message is not None and fragment in message, message
        assert message.startswith(spec.label)


def test_both_dialects_are_tried_on_the_rules_they_share() -> None:
    shared = [name for name, _, _ in BROKEN if name in catalogue(Dialect.D2025) and name in catalogue(Dialect.D2026)]
    assert len(shared) >= 35
    print(f"{len(BROKEN)} broken rules, {len(shared)} of settings both dialects have")


@pytest.mark.parametrize("name, value", [
    ("speech_speed", 0.7), ("speech_speed", 1.2), ("max_call_duration", 1200), ("timezone", "UTC"),
    ("phone_number_id", None), ("webhook_url", None), ("webhook_url", "https://x.example/hook?a=1"),
    ("language", "German"), ("voice_id", 21), ("variables", {}), ("post_call_schema", []),
    ("post_call_schema", [{"name": "callback", "type": "bool", "description": "Wants a call back"}]),
    ("min_interrupt_words", 0), ("max_silence_duration", 120),
])
def test_values_within_the_rules_pass(dialect, name, value) -> None:
    assert check_field(catalogue(dialect)[name], value, lookups()) is None


@pytest.mark.parametrize("name, value", [
    ("min_interrupt_words", None), ("max_silence_duration", 360), ("engine_type", "dualplex"),
    ("max_initial_silence_duration", None), ("turn_detection_threshold", None), ("llm_model", None),
    ("ambient_sound", "crowded_room"), ("tools", []), ("filler_config", {}), ("tool_ids", []),
])
def test_2026_values_within_its_rules_pass(name, value) -> None:
    assert check_field(catalogue(Dialect.D2026)[name], value, lookups()) is None
    if name in catalogue(Dialect.D2025) and name != "llm_model":  # the seed's model is a name, never null
        assert check_field(catalogue(Dialect.D2025)[name], value, lookups()) is not None


def test_lists_not_loaded_leave_names_unverified(dialect) -> None:
    fields = catalogue(dialect)
    assert check_field(fields["voice_id"], 999, None) is None
    if dialect is Dialect.D2025:
        assert check_field(fields["language"], "Klingon", None) is None
    else:  # the body takes the language's id, which only the list gives
        message = said(check_field(fields["language"], "German", None))
        assert "cannot be sent until the account's list is loaded" in message


def values(dialect: Dialect = Dialect.D2025, **changes):
    base = read_record(record(), lookups(), catalogue(dialect)).values
    base.update(changes)
    return base


def test_turning_the_webhook_on_needs_a_url_but_clearing_the_url_turns_it_off(dialect) -> None:
    fields = catalogue(dialect)
    found = problems(values(dialect, webhook_url=None, is_webhook_active=True), ["is_webhook_active"], lookups(),
                     fields=fields)
    assert "required to turn the webhook on" in found["webhook_url"]
    assert problems(values(dialect, webhook_url=None), ["webhook_url"], lookups(), fields=fields) == {}
    assert problems(values(dialect, webhook_url=None, is_webhook_active=False), ["webhook_url", "is_webhook_active"],
                    lookups(), fields=fields) == {}


def test_voice_must_match_the_engine_even_when_only_the_engine_changed(dialect) -> None:
    fields = catalogue(dialect)
    # (2026: a multimodal assistant has no LLM model or fillers; the record's are not sent.)
    found = problems(values(dialect, engine_type="multimodal"), ["engine_type"], lookups(), fields=fields)
    assert "'Anna' is a pipeline voice" in found["voice_id"]
    assert problems(values(dialect, engine_type="multimodal", voice_id=21), ["engine_type", "voice_id"], lookups(),
                    fields=fields) == {}


def test_inbound_assistants_cannot_take_caller_ids_or_numbers_in_use(dialect) -> None:
    fields = catalogue(dialect)
    found = problems(values(dialect, phone_number_id=33), ["phone_number_id"], lookups(), fields=fields)
    assert "caller ID" in found["phone_number_id"]
    assert problems(values(dialect, phone_number_id=33, calls_direction="make"), ["phone_number_id", "calls_direction"],
                    lookups(), fields=fields) == {}
    baseline = values(dialect, phone_number_id=32)
    found = problems(values(dialect, phone_number_id=31), ["phone_number_id"], lookups(), baseline, fields)
    assert "already assigned" in found["phone_number_id"]
    # The assistant's own number is "not available" to others, but fine to keep.
    assert problems(values(dialect, phone_number_id=31, calls_direction="make"), ["calls_direction"], lookups(),
                    values(dialect), fields) == {}


def test_min_interrupt_words_needs_a_number_while_in_use() -> None:
    """2025 only: 2026 has no switch (see the next test)."""
    found = problems(values(use_min_interrupt_words=True), ["use_min_interrupt_words"], lookups())
    assert "needs a number" in found["min_interrupt_words"]
    # Sent values are checked even while the switch is off: the server checks them.
    found = problems(values(min_interrupt_words=50), ["min_interrupt_words"], lookups())
    assert "between 0 and 10" in found["min_interrupt_words"]


def test_2026_min_interrupt_words_null_is_off_and_a_number_is_checked() -> None:
    fields = catalogue(Dialect.D2026)
    assert "use_min_interrupt_words" not in fields
    assert problems(values(Dialect.D2026, min_interrupt_words=None), ["min_interrupt_words"], lookups(),
                    fields=fields) == {}
    found = problems(values(Dialect.D2026, min_interrupt_words=50), ["min_interrupt_words"], lookups(), fields=fields)
    assert "between 0 and 10" in found["min_interrupt_words"]


def test_2026_mode_rules_name_the_mode() -> None:
    fields = catalogue(Dialect.D2026)
    multimodal = values(Dialect.D2026, engine_type="multimodal", voice_id=21, llm_model=None, filler_audios=False)
    found = problems({**multimodal, "allow_interruptions": False, "knowledgebase_mode": "prompt"},
                     ["engine_type", "voice_id", "llm_model", "filler_audios", "allow_interruptions",
                      "knowledgebase_mode"], lookups(), fields=fields)
    assert "cannot be turned off in multimodal mode" in found["allow_interruptions"]
    assert "Only function_call mode" in found["knowledgebase_mode"]
    found = problems({**multimodal, "filler_audios": True}, ["engine_type", "voice_id", "filler_audios"],
                     lookups(), fields=fields)
    assert "applies to pipeline assistants only" in found["filler_audios"]
    assert problems(multimodal, ["engine_type", "voice_id", "llm_model", "filler_audios"], lookups(),
                    fields=fields) == {}


def test_only_dirty_fields_block_and_stored_breaks_are_flags(dialect) -> None:
    fields = catalogue(dialect)
    stored = values(dialect, max_call_duration=1800, re_engagement_interval=5)
    assert problems(stored, ["assistant_name"], lookups(), fields=fields) == {}
    found = flags(stored, [f.name for f in fields if f.name != "assistant_name"], lookups(), fields)
    assert set(found) == {"max_call_duration", "re_engagement_interval"}


def test_types_are_checked_by_the_edit_model(dialect) -> None:
    with pytest.raises(TypeProblem) as raised:
        check_types({"speech_speed": "fast", "record_call": 1, "voice_id": "Anna"}, catalogue(dialect))
    assert raised.value.problems == {
        "speech_speed": "expected a number",
        "record_call": "expected true or false",
        "voice_id": "expected a whole number (an id)",
    }


def test_the_2026_settings_types_are_checked_by_the_edit_model() -> None:
    with pytest.raises(TypeProblem) as raised:
        check_types({"tool_ids": "71", "folder_id": "Customers", "ringing_time": "long", "tools": {"type": "end_call"},
                     "end_call_tool.description": "Bye"}, catalogue(Dialect.D2026))
    assert set(raised.value.problems) == {"end_call_tool.description"}  # unknown names first
    with pytest.raises(TypeProblem) as raised:
        check_types({"tool_ids": "71", "folder_id": "Customers", "ringing_time": "long", "tools": {"type": "end_call"}},
                    catalogue(Dialect.D2026))
    assert set(raised.value.problems) == {"tool_ids", "folder_id", "ringing_time", "tools"}


@pytest.mark.parametrize("name, text, expected", [
    ("record_call", "yes", True), ("record_call", "OFF", False), ("record_call", "on", True),
    ("speech_speed", "0.9", 0.9), ("max_call_duration", "300", 300),
    ("phone_number_id", "null", None), ("phone_number_id", "+4930222", 32),
    ("voice_id", "Nova", 21), ("voice_id", "12", 12),
    ("language", "German", "German"), ("calls_direction", "Outbound (make)", "make"),
    ("variables", '{"city": "Berlin"}', {"city": "Berlin"}),
    ("post_call_schema", '[{"name":"a","type":"bool","description":"d"}]',
     [{"name": "a", "type": "bool", "description": "d"}]),
    # Sent whole, so what the server stored beside the documented parts is taken as it is.
    ("variables", '{"n": 1, "o": {"k": [true]}}', {"n": 1, "o": {"k": [True]}}),
    ("post_call_schema", '[{"name":"a","type":"bool","description":"d","unit":"EUR"}]',
     [{"name": "a", "type": "bool", "description": "d", "unit": "EUR"}]),
    ("system_prompt", "  keep  spaces ", "  keep  spaces "),
    ("min_interrupt_words", "3", 3),
])
def test_text_is_parsed_by_the_catalogue(dialect, name, text, expected) -> None:
    assert parse_value(catalogue(dialect)[name], text, lookups()) == expected


@pytest.mark.parametrize("name, text, expected", [
    ("min_interrupt_words", "null", None), ("max_initial_silence_duration", "null", None),
    ("turn_detection_threshold", "0.4", 0.4), ("engine_type", "Dualplex", "dualplex"),
    ("tool_ids", "[71, 73]", [71, 73]), ("folder_id", "91", 91), ("folder_id", "null", None),
    ("chat_llm_fallback_id", "3", 3), ("ambient_sound", "Crowded room", "crowded_room"),
    ("tools", '[{"type": "end_call", "description": "Bye"}]', [{"type": "end_call", "description": "Bye"}]),
    ("filler_config", '{"neutral": ["Okay."]}', {"neutral": ["Okay."]}),
])
def test_2026_text_is_parsed_by_its_catalogue(name, text, expected) -> None:
    assert parse_value(catalogue(Dialect.D2026)[name], text, lookups()) == expected


UNPARSEABLE = [
    ("record_call", "maybe", "expected true/false"),
    ("max_call_duration", "5.5", "whole number"),
    ("speech_speed", "fast", "expected a number"),
    ("assistant_name", "null", "cannot be null"),
    ("voice_id", "Nobody", "no voice is named"),
    ("variables", "{city: Berlin}", "expected JSON"),
    ("variables", '["a"]', "an object of named values"),
    ("post_call_schema", '{"name": "a"}', "a list of {name, type, description} objects"),
    ("max_call_duration", "null", "cannot be null"),
    ("folder_id", "Customers", "expected an id"),
    ("tool_ids", "[71,", "expected JSON"),
]


@pytest.mark.parametrize("dialect, name, text, fragment", [
    pytest.param(dialect, name, text, fragment, id=f"{dialect.value}-{name}-{text}")
    for name, text, fragment in UNPARSEABLE for dialect in Dialect if name in catalogue(dialect)
])
def test_unparseable_text_names_the_field(dialect, name, text, fragment) -> None:
    """By the dialect's own name: `name` and `max_duration` on 2026."""
    spec = catalogue(dialect)[name]
    with pytest.raises(ParseError) as raised:
        parse_value(spec, text, lookups())
    assert str(raised.value).startswith(spec.update_name + ":") and fragment in str(raised.value)


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
    assert "not one of the account's models" in said(check_field(spec, 99, lookups()))
    assert "not one of the account's models" in said(check_field(spec, "GPT-4o", lookups()))
    assert check_field(spec, None, lookups()) is None  # nullable


@pytest.mark.parametrize("phone_number, fragment", [
    ("", "phone_number is required"), ("   ", "phone_number is required"), ("\t", "phone_number is required"),
    ("+4930123", None),
])
def test_a_required_tool_field_may_not_be_blank(phone_number, fragment) -> None:
    """As the server's `required`: whitespace alone is no value."""
    message = check_tools([{"type": "call_transfer", "phone_number": phone_number}])
    assert message == fragment or fragment in said(message)


def test_a_voice_listed_for_two_modes_is_one_voice_by_name() -> None:
    """A 2026 host lists a multimodal voice for dualplex too: its name is not ambiguous."""
    both_modes = Lookups(voices=[Voice(601, "alloy", "multimodal"), Voice(601, "alloy", "dualplex"),
                                 Voice(11, "Anna", "pipeline"), Voice(12, "Anna", "pipeline")])
    assert parse_value(catalogue(Dialect.D2026)["voice_id"], "alloy", both_modes) == 601
    with pytest.raises(ParseError, match=r"several voices are named 'Anna' \(ids 11, 12\)"):
        parse_value(catalogue(Dialect.D2026)["voice_id"], "Anna", both_modes)
