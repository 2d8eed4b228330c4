"""Values read the way people write them (`set FIELD=VALUE`): a call direction in either
vocabulary, a language by its ISO code, lookup names in any case (never a silent pick
between two that differ only in case), phone numbers as dialled, numbers in variables
as text, and "did you mean" for a mistyped field. Through `parse_assignment`, then
through the real CLI against the sandbox."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from voicedesk.cli import main
from voicedesk.fields import Dialect, catalogue
from voicedesk.parsing import ParseError, parse_assignment
from voicedesk.records import Language, LlmModel, Lookups, Named, PhoneNumber, Voice
from voicedesk.sandbox import Sandbox

SECRET_KEY = "vd-live-Va1uesVa1uesKey000"

LOOKUPS = Lookups(
    voices=[Voice(401, "Rachel", "pipeline"), Voice(402, "Anna", "pipeline"), Voice(403, "anna", "pipeline"),
            Voice(601, "alloy", "multimodal"), Voice(601, "alloy", "dualplex")],
    languages=[Language(1, "English", "en"), Language(2, "German", "de"), Language(3, "French", "fr")],
    models=[LlmModel(1, "GPT-4o"), LlmModel(2, "GPT-4o mini"), LlmModel(3, "Llama"), LlmModel(4, "LLAMA")],
    inbound_numbers=[PhoneNumber(2101, "+4930120045601", "DE")],
    outbound_numbers=[PhoneNumber(2102, "+44 20 7183 8750", "GB"), PhoneNumber(2101, "+4930120045601", "DE")],
    named={"knowledge bases": [Named(7, "FAQ"), Named(8, "Prices")]},
)


TEXT_VARIABLES = {"city": "Berlin"}  # what the assistant holds now: text


def parsed(dialect: Dialect, text: str, variables: object = TEXT_VARIABLES):
    now = {"variables": variables}
    return parse_assignment(text, catalogue(dialect), LOOKUPS, lambda name: now.get(name))


def test_a_call_direction_in_either_vocabulary_in_both_dialects() -> None:
    cases = 0
    for dialect in Dialect:
        for name in ("type", "calls_direction"):
            for typed, edit in (("inbound", "receive"), ("outbound", "make"), ("receive", "receive"),
                                ("make", "make"), ("Inbound", "receive"), (" OUTBOUND ", "make"), ("Make", "make")):
                assert parsed(dialect, f"{name}={typed}") == ("calls_direction", edit), (dialect, name, typed)
                cases += 1
        # Anything else: refused under the wire name, left to validation (which names the
        # choices) under the edit name.
        with pytest.raises(ParseError, match="inbound or outbound"):
            parsed(dialect, "type=sideways")
        assert parsed(dialect, "calls_direction=sideways") == ("calls_direction", "sideways")
        cases += 2
    print(f"call directions: {cases} cases")


def test_a_language_by_name_in_any_case_or_by_its_iso_code() -> None:
    cases = 0
    for dialect, name in ((Dialect.D2025, "language"), (Dialect.D2026, "language_id"), (Dialect.D2026, "language")):
        for typed, expected in (("German", "German"), ("german", "German"), ("de", "German"), ("DE", "German"),
                                ("en", "English"), (" fr ", "French"), ("ENGLISH", "English")):
            assert parsed(dialect, f"{name}={typed}") == ("language", expected), (dialect, name, typed)
            cases += 1
    assert parsed(Dialect.D2026, "language_id=2") == ("language", "German")  # an id is an id
    # Text no list entry has stays as typed: validation names it.
    assert parsed(Dialect.D2025, "language=Klingon") == ("language", "Klingon")
    print(f"languages: {cases + 2} cases")


def test_lookup_names_in_any_case() -> None:
    cases = 0
    for dialect, text, expected in (
        (Dialect.D2025, "voice_id=rachel", ("voice_id", 401)),
        (Dialect.D2026, "voice_id=RACHEL", ("voice_id", 401)),
        (Dialect.D2026, "voice_id=Alloy", ("voice_id", 601)),  # listed once per mode: one voice
        (Dialect.D2025, "llm_model=gpt-4o", ("llm_model", "GPT-4o")),
        (Dialect.D2025, "llm_model=GPT-4O MINI", ("llm_model", "GPT-4o mini")),
        (Dialect.D2026, "llm_model_id=gpt-4o", ("llm_model", "GPT-4o")),
        (Dialect.D2026, "knowledgebase_id=faq", ("knowledgebase_id", 7)),
        (Dialect.D2026, "knowledgebase_id=PRICES", ("knowledgebase_id", 8)),
        # exact names win over case-folded ones
        (Dialect.D2026, "voice_id=Anna", ("voice_id", 402)),
        (Dialect.D2026, "voice_id=anna", ("voice_id", 403)),
        (Dialect.D2025, "llm_model=Llama", ("llm_model", "Llama")),
    ):
        assert parsed(dialect, text) == expected, text
        cases += 1
    print(f"lookup names: {cases} cases")


def test_a_name_two_entries_share_in_different_cases_is_an_error_naming_both() -> None:
    cases = 0
    for dialect, text, names in (
        (Dialect.D2026, "voice_id=ANNA", ("'Anna' (id 402)", "'anna' (id 403)")),
        (Dialect.D2025, "voice_id=aNNa", ("'Anna' (id 402)", "'anna' (id 403)")),
        (Dialect.D2025, "llm_model=llama", ("'Llama' (id 3)", "'LLAMA' (id 4)")),
        (Dialect.D2026, "llm_model_id=lLaMa", ("'Llama' (id 3)", "'LLAMA' (id 4)")),
    ):
        with pytest.raises(ParseError) as raised:
            parsed(dialect, text)
        message = str(raised.value)
        assert all(name in message for name in names), message
        cases += 1
    print(f"ambiguous names: {cases} cases")


def test_phone_numbers_as_dialled() -> None:
    cases = 0
    for typed, expected in (("+4930120045601", 2101), ("+49 30 120045601", 2101), ("0049 30 1200 456 01", 2101),
                            ("+49 (30) 1200-456-01", 2101), ("+442071838750", 2102), ("+44 20 7183 8750", 2102),
                            ("2102", 2102)):
        assert parsed(Dialect.D2026, f"phone_number_id={typed}") == ("phone_number_id", expected), typed
        cases += 1
    with pytest.raises(ParseError, match="a number of the account"):
        parsed(Dialect.D2026, "phone_number_id=+1 555 0100")
    print(f"phone numbers: {cases + 1} cases")


def test_numbers_in_variables_stay_text_as_written() -> None:
    cases = 0
    for dialect in Dialect:
        for typed, expected in (('{"code": 123}', {"code": "123"}), ('{"price": 1.50}', {"price": "1.50"}),
                                ('{"a": "x", "b": -7, "c": 1e3}', {"a": "x", "b": "-7", "c": "1e3"}),
                                ('{"zip": "01234"}', {"zip": "01234"})):
            assert parsed(dialect, f"variables={typed}") == ("variables", expected), typed
            cases += 1
        # Only a variable's own value: what is not a number, or inside a list, stays as it is.
        assert parsed(dialect, 'variables={"a": true, "b": [1, 2.0], "c": 3}') == (
            "variables", {"a": True, "b": [1, 2.0], "c": "3"})
        assert parsed(dialect, 'variables={"c": 3}', variables={}) == ("variables", {"c": "3"})
        # Variables that hold a number now are not all text: a number typed stays one.
        assert parsed(dialect, 'variables={"c": 3}', variables={"n": 1}) == ("variables", {"c": 3})
        assert parsed(dialect, 'variables={"c": 3}', variables=None) == ("variables", {"c": 3})  # not known
        cases += 4
    print(f"variables: {cases} cases")


def test_an_unknown_field_gets_did_you_mean() -> None:
    cases = 0
    for dialect, typed, suggestion in (
        (Dialect.D2025, "speach_speed", "speech_speed"),
        (Dialect.D2026, "speach_speed", "speech_speed"),
        (Dialect.D2026, "Speech_Speed", "speech_speed"),
        (Dialect.D2025, "assistant_nam", "assistant_name"),
        (Dialect.D2026, "assistant_nam", "name"),  # the seed's name, shown as this host names it
        (Dialect.D2026, "max_duraton", "max_duration"),
        (Dialect.D2025, "record_cal", "record_call"),
        (Dialect.D2026, "webhok_url", "webhook_url"),
    ):
        with pytest.raises(ParseError) as raised:
            parsed(dialect, f"{typed}=1")
        message = str(raised.value)
        assert f"did you mean {suggestion}" in message, (dialect, typed, message)
        assert "voicedesk fields" in message
        cases += 1
    with pytest.raises(ParseError) as raised:
        parsed(Dialect.D2026, "qqqqqqq=1")
    assert "did you mean" not in str(raised.value)
    print(f"did you mean: {cases + 1} cases")


# -- through the real CLI ----------------------------------------------------------------


def put_bodies(sb: Sandbox) -> list:
    return [request.body for request in sb.requests if request.method == "PUT"]


@pytest.mark.parametrize("dialect", list(Dialect), ids=[d.value for d in Dialect])
def test_set_reads_values_as_people_write_them(dialect) -> None:
    with Sandbox(api_key=SECRET_KEY, rate_limit=None, dialect=dialect.value) as sb:
        result = CliRunner(env={"VOICEDESK_BASE_URL": None, "VOICEDESK_API_KEY": None}).invoke(main, [
            "set", "101", "type=outbound", "language=fr", "llm_model=gpt-4o mini", 'variables={"n": 42}',
            "--yes", "--base-url", sb.base_url, "--api-key", SECRET_KEY,
        ])
        assert result.exit_code == 0, result.output
        fields = catalogue(dialect)
        expected = {
            fields["calls_direction"].update_name: "outbound" if dialect is Dialect.D2026 else "make",
            fields["language"].update_name: 3 if dialect is Dialect.D2026 else "French",
            fields["llm_model"].update_name: 2 if dialect is Dialect.D2026 else "GPT-4o mini",
            "variables": {"n": "42"},
        }
        assert put_bodies(sb) == [expected]
        stored = sb.assistant(101)
        assert stored["type"] == "outbound" and stored["language_id"] == 3 and stored["variables"] == {"n": "42"}
        mistyped = CliRunner(env={"VOICEDESK_BASE_URL": None, "VOICEDESK_API_KEY": None}).invoke(main, [
            "set", "101", "speach_speed=1", "--yes", "--base-url", sb.base_url, "--api-key", SECRET_KEY])
        assert mistyped.exit_code == 2 and "did you mean speech_speed?" in mistyped.stderr
        assert len(put_bodies(sb)) == 1
