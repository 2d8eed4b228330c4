"""End to end: the real CLI against a real sandbox over loopback HTTP.

Every test runs `voicedesk` (in process with click's CliRunner, or as a real process)
against a `Sandbox` and then checks the sandbox's stored records and its request log,
not only what the CLI printed.

The sandbox is started with a distinctive API key; every command run through `cli()`
asserts that the key appears in neither stdout nor stderr and that no traceback was
printed.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

import voicedesk
from tui_helpers import as_from_a_shell
from voicedesk.cli import main
from voicedesk.fields import Dialect, catalogue
from voicedesk.sandbox import DEMO_API_KEY, Fault, RecordedRequest, Sandbox
from voicedesk.sandbox.data import MARKUP_NAME, OTHER_ACCOUNT_ID
from voicedesk.tools import masked

SECRET_KEY = "vd-live-7Qm2Zx9KpR4tW8sNb3"  # distinctive: easy to spot in any output
WRONG_KEY = "vd-live-WRONGwrong00000111"
LIST_PATH = "/api/user/assistants/get"
UPDATE_PREFIX = "/api/user/assistant/"  # only the PUT: the GETs are under .../assistants/
MY_IDS = list(range(101, 115))
OTHER_ACCOUNT_IDS = [900, 901]

VALIDATION_422 = Fault.status(422, {
    "message": "The given data was invalid.",
    "errors": {"speech_speed": ["The speech speed must be between 0.7 and 1.2."]},
})
UPDATE_FAILED_500 = Fault.status(500, {"message": "Assistant update failed"})

# The environment must not hand the CLI a host or key of its own.
_CLEAN_ENV = {"VOICEDESK_BASE_URL": None, "VOICEDESK_API_KEY": None}


# -- fixtures and helpers -------------------------------------------------------------


@pytest.fixture
def sb(request):
    """A fresh sandbox per test (it starts in milliseconds), with the secret key; of the
    test's `dialect` when it asks for one (the CLI detects it), else of 2025."""
    dialect = request.getfixturevalue("dialect") if "dialect" in request.fixturenames else Dialect.D2025
    with Sandbox(api_key=SECRET_KEY, rate_limit=None, dialect=dialect.value) as sandbox:
        yield sandbox


def in_names_of(dialect: Dialect, **values: object) -> dict:
    """A body of these settings (by their edit names) in the dialect's update names."""
    return {wire_name(dialect, name): value for name, value in values.items()}


def wire_name(dialect: Dialect, name: str) -> str:
    """A setting's name in the dialect's bodies and messages (`max_duration` on 2026)."""
    fields = catalogue(dialect)
    return fields[name].update_name if name in fields else name


def invoke(base_url: str, *args: str, key: str = SECRET_KEY, input: str | None = None) -> Result:
    """Run the CLI in process; fail on a crash, a traceback or the key in the output."""
    result = CliRunner(env=_CLEAN_ENV).invoke(
        main, ["--base-url", base_url, "--api-key", key, *args], input=input
    )
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise AssertionError(f"voicedesk {' '.join(args)} crashed") from result.exception
    everything = result.stdout + result.stderr
    assert SECRET_KEY not in everything, f"the API key leaked from: {args}"
    assert key not in everything, f"the given key leaked from: {args}"
    assert "Traceback" not in everything
    return result


@pytest.fixture
def cli(sb: Sandbox) -> Callable[..., Result]:
    def run(*args: str, key: str = SECRET_KEY, input: str | None = None) -> Result:
        return invoke(sb.base_url, *args, key=key, input=input)

    return run


def puts(sb: Sandbox) -> list[RecordedRequest]:
    return [request for request in sb.requests if request.method == "PUT"]


def the_only_put(sb: Sandbox, assistant_id: int) -> RecordedRequest:
    sent = puts(sb)
    assert len(sent) == 1, f"expected exactly one PUT, got {[r.body for r in sent]}"
    assert sent[0].path == f"{UPDATE_PREFIX}{assistant_id}"
    return sent[0]


def error_lines(result: Result) -> list[str]:
    return [line for line in result.stderr.splitlines() if line.strip()]


def assert_one_line_error(result: Result, *fragments: str) -> str:
    """Exit 2 and the final stderr line is one 'error: ...' line holding every fragment."""
    assert result.exit_code == 2, result.output
    lines = error_lines(result)
    assert lines, "no error message on stderr"
    assert all(line.startswith(("error: ", "warning: ")) for line in lines), lines
    last = lines[-1]
    assert last.startswith("error: ")
    for fragment in fragments:
        assert fragment in last, f"{fragment!r} not in {last!r}"
    return last


def write_json(tmp_path: Path, body: object, name: str = "body.json") -> str:
    path = tmp_path / name
    path.write_text(json.dumps(body, ensure_ascii=False), encoding="utf-8")
    return str(path)


def flat_tools(record: dict, end_call: str) -> list[dict]:
    """A 2026 record's tools as a body sends them (flat), with the end_call description."""
    tools = [{"type": tool["type"], **tool["data"]} for tool in record["tools"]]
    return [{**tool, "description": end_call} if tool["type"] == "end_call" else tool for tool in tools]


def console_script() -> str:
    found = shutil.which("voicedesk", path=str(Path(sys.executable).parent))
    return found or str(Path(sys.executable).parent / "voicedesk")


def subprocess_env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("VOICEDESK_")}
    env.update(extra)
    return env


def read_to_the_end(primary: int) -> bytes:
    """What a finished process wrote to a pseudo-terminal (its other end closed)."""
    out = b""
    while True:
        try:
            chunk = os.read(primary, 4096)
        except OSError:  # EIO: every writer has closed its end
            return out
        if not chunk:
            return out
        out += chunk


def run_process(*argv: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        argv, capture_output=True, text=True, encoding="utf-8", timeout=60,
        env=env or subprocess_env(), stdin=subprocess.DEVNULL,
    )


# -- set: one field, one PUT ----------------------------------------------------------


def test_set_one_field_sends_exactly_that_field_and_the_sandbox_stores_it(dialect, sb, cli):
    result = cli("set", "101", "speech_speed=0.9", "--yes")

    assert result.exit_code == 0, result.output
    put = the_only_put(sb, 101)
    assert put.body == {"speech_speed": 0.9}
    assert put.raw_body == b'{"speech_speed":0.9}'
    assert sb.assistant(101)["speech_speed"] == "0.9"  # read shape: a decimal string
    assert "Saved 1 field." in result.stdout
    assert "speech_speed" in result.stdout and "0.9" in result.stdout  # the plan


def test_set_leaves_every_other_stored_value_alone(dialect, sb, cli):
    before = sb.assistant(101)
    result = cli("set", "101", "speech_speed=0.85", "--yes")

    assert result.exit_code == 0, result.output
    after = sb.assistant(101)
    changed = {key for key in before if before[key] != after[key]}
    assert changed == {"speech_speed", "updated_at"}


def test_set_on_the_assistant_with_a_50kb_prompt_does_not_resend_the_prompt(dialect, sb, cli):
    prompt = sb.assistant(108)["system_prompt"]
    assert len(prompt) > 50_000

    result = cli("set", "108", "speech_speed=0.9", "--yes")

    assert result.exit_code == 0, result.output
    put = the_only_put(sb, 108)
    assert put.body == {"speech_speed": 0.9} and len(put.raw_body) < 100
    assert sb.assistant(108)["system_prompt"] == prompt


def test_set_the_value_already_stored_is_nothing_to_do(dialect, sb, cli):
    result = cli("set", "111", "speech_speed=0.9", "--yes")  # 111 already holds "0.9"

    assert result.exit_code == 0, result.output
    assert "No changes." in result.stdout
    assert puts(sb) == []


def test_set_the_same_field_twice_sends_the_last_value(dialect, sb, cli):
    result = cli("set", "101", "speech_speed=0.8", "speech_speed=0.95", "--yes")

    assert result.exit_code == 0, result.output
    assert the_only_put(sb, 101).body == {"speech_speed": 0.95}
    assert sb.assistant(101)["speech_speed"] == "0.95"


# -- set: values the client refuses ----------------------------------------------------


@pytest.mark.parametrize(
    ("assignment", "field"),
    [
        ("speech_speed=1.5", "speech_speed"),
        ("speech_speed=0.5", "speech_speed"),
        ("max_call_duration=5000", "max_call_duration"),
        ("re_engagement_interval=5", "re_engagement_interval"),
        ("llm_temperature=1.01", "llm_temperature"),
        ("min_interrupt_words=11", "min_interrupt_words"),  # 101 uses it (2 words)
    ],
)
def test_out_of_range_value_is_refused_before_anything_is_sent(dialect, sb, cli, assignment, field):
    before = sb.assistant(101)
    result = cli("set", "101", assignment, "--yes")

    assert_one_line_error(result, "nothing was sent")
    assert wire_name(dialect, field) in result.stderr
    assert puts(sb) == []
    assert sb.assistant(101) == before


def test_out_of_range_min_interrupt_words_is_refused_while_the_switch_is_off(dialect, sb, cli):
    # 109 has use_min_interrupt_words off; the server checks the range whatever the
    # switch, so the client must too.
    result = cli("set", "109", "min_interrupt_words=15", "--yes")

    assert result.exit_code == 2
    assert "min_interrupt_words" in result.stderr
    assert puts(sb) == [], f"an out-of-range value was sent: {[r.body for r in puts(sb)]}"
    assert sb.assistant(109)["min_interrupt_words"] is None


@pytest.mark.parametrize(
    ("assignment", "named"),
    [
        ("bogus_field=1", "bogus_field"),
        ("end_call_tool.title=x", "end_call_tool.title"),
        ("speech_speed", "speech_speed"),  # no '='
        ("record_call=maybe", "record_call"),
        ("speech_speed=fast", "speech_speed"),
        ("speech_speed=nan", "speech_speed"),  # no JSON can carry NaN or Infinity
        ("speech_speed=inf", "speech_speed"),
        ("speech_speed=1e999", "speech_speed"),
        ("max_call_duration=60.5", "max_call_duration"),
        ("assistant_name=null", "assistant_name"),  # not nullable
        ('variables=["a"]', "variables"),  # not an object
        ('variables={"a": ', "variables"),  # not JSON
        ('post_call_schema={"name": "x"}', "post_call_schema"),  # not a list
        ("voice_id=Nobody", "voice_id"),
    ],
)
def test_unparseable_assignment_exits_2_naming_the_field(dialect, sb, cli, assignment, named):
    result = cli("set", "101", assignment, "--yes")

    assert_one_line_error(result, wire_name(dialect, named), "Nothing was sent")
    assert puts(sb) == []


@pytest.mark.parametrize(
    ("dialect", "assignment", "message"),
    [pytest.param(dialect, assignment, message, id=f"{dialect.value}-{assignment[:40]}") for dialect in Dialect
     for assignment, message in [
        ("language=Klingon", "Klingon"),
        ("llm_model=GPT-5", "GPT-5"),
        ("timezone=Mars/Olympus_Mons", "IANA"),
        ("voice_id=9999", "9999"),
        # 101 is a pipeline assistant; 2026 lists the voice for both of its modes
        ("voice_id=alloy", "a multimodal voice" if dialect is Dialect.D2025 else "a multimodal and dualplex voice"),
        ("calls_direction=sideways", "receive, make"),
        ("webhook_url=hooks.example.com", "http"),
        ("phone_number_id=2102", "already assigned"),  # 108's number
        ("assistant_name= ", "must not be empty"),
        ('post_call_schema=[{"name":"bad name","type":"string","description":"d"}]',
         "letters, digits and underscores"),
        # (2026: the end_call tool's description has no limit; see the end call tests)
        *([("end_call_tool.description=" + "x" * 501, "at most 500")] if dialect is Dialect.D2025 else []),
        ("max_silence_duration=" + ("121" if dialect is Dialect.D2025 else "361"),
         "120 s" if dialect is Dialect.D2025 else "360 s"),
    ]],
)
def test_value_the_server_would_reject_is_refused_locally(dialect, sb, cli, assignment, message):
    field = assignment.partition("=")[0]
    result = cli("set", "101", assignment, "--yes")

    assert result.exit_code == 2, result.output
    assert f"error: {wire_name(dialect, field)}: " in result.stderr
    assert message in result.stderr
    assert_one_line_error(result, "nothing was sent")
    assert puts(sb) == []


def test_cross_field_rule_is_reported_on_the_field_it_concerns(dialect, sb, cli):
    # 103 is outbound with a caller-ID number; inbound assistants cannot have one.
    result = cli("set", "103", "calls_direction=receive", "--yes")

    assert result.exit_code == 2
    assert "error: phone_number_id:" in result.stderr and "caller ID" in result.stderr
    assert puts(sb) == []
    assert sb.assistant(103)["type"] == "outbound"


# -- set: value parsing -----------------------------------------------------------------


def test_booleans_accept_yes_no_on_off_and_land_in_the_read_shape(dialect, sb, cli):
    # 112: fillers=1, end_call_on_voicemail=0, record true, allow_interruptions true.
    result = cli(
        "set", "112", "filler_audios=no", "end_call_on_voicemail=yes",
        "record_call=off", "post_call_evaluation=off", "send_webhook_only_on_completed=on",
        "--yes",
    )

    assert result.exit_code == 0, result.output
    assert the_only_put(sb, 112).body == in_names_of(
        dialect, send_webhook_only_on_completed=True, post_call_evaluation=False, filler_audios=False,
        end_call_on_voicemail=True, record_call=False,
    )
    stored = sb.assistant(112)
    assert stored["fillers"] == 0 and stored["end_call_on_voicemail"] == 1  # 0/1 columns
    assert stored["record"] is False and stored["post_call_evaluation"] is False
    assert stored["send_webhook_only_on_completed"] is True


def test_phone_number_null_unassigns_the_number(dialect, sb, cli):
    assert sb.assistant(101)["phone_number_id"] == 2101

    result = cli("set", "101", "phone_number_id=null", "--yes")

    assert result.exit_code == 0, result.output
    put = the_only_put(sb, 101)
    assert put.body == {"phone_number_id": None}
    assert put.raw_body == b'{"phone_number_id":null}'
    assert sb.assistant(101)["phone_number_id"] is None
    listed = json.loads(cli("list", "--json").stdout)
    assert next(row for row in listed if row["id"] == 101)["phone_number"] is None


def test_phone_number_can_be_given_as_the_number_itself(dialect, sb, cli):
    # 109 has no number; +4930120045603 (id 2114) is free.
    result = cli("set", "109", "phone_number_id=+4930120045603", "--yes")

    assert result.exit_code == 0, result.output
    assert the_only_put(sb, 109).body == {"phone_number_id": 2114}
    assert sb.assistant(109)["phone_number_id"] == 2114


def test_webhook_url_null_with_webhook_off_removes_the_webhook(dialect, sb, cli):
    result = cli("set", "101", "webhook_url=null", "is_webhook_active=off", "--yes")

    assert result.exit_code == 0, result.output
    assert the_only_put(sb, 101).body == {"is_webhook_active": False, "webhook_url": None}
    stored = sb.assistant(101)
    assert stored["webhook_url"] is None and stored["is_webhook_active"] is False


def test_webhook_url_null_alone_disables_the_webhook_as_the_seed_documents(dialect, sb, cli):
    # The seed's notes: "To disable webhook, set webhook_url to null or
    # is_webhook_active to false".
    result = cli("set", "101", "webhook_url=null", "--yes")

    assert result.exit_code == 0, result.stderr
    assert the_only_put(sb, 101).body == {"webhook_url": None}
    stored = sb.assistant(101)
    assert stored["webhook_url"] is None and stored["is_webhook_active"] is False


def test_webhook_can_be_turned_on_with_a_url_in_one_command(dialect, sb, cli):
    result = cli(
        "set", "109", "is_webhook_active=on", "webhook_url=https://hooks.example.com/in", "--yes"
    )

    assert result.exit_code == 0, result.output
    assert the_only_put(sb, 109).body == {
        "is_webhook_active": True, "webhook_url": "https://hooks.example.com/in"
    }
    stored = sb.assistant(109)
    assert stored["is_webhook_active"] is True
    assert stored["webhook_url"] == "https://hooks.example.com/in"


def test_webhook_turned_on_without_a_url_is_refused(dialect, sb, cli):
    result = cli("set", "109", "is_webhook_active=on", "--yes")  # 109 has no URL

    assert result.exit_code == 2
    assert "error: webhook_url:" in result.stderr
    assert puts(sb) == []


def test_variables_and_post_call_schema_take_json_and_are_sent_whole(dialect, sb, cli):
    schema = [{"name": "callback_wanted", "type": "bool", "description": "Wants a call back"}]
    result = cli(
        "set", "101",
        'variables={"practice_name": "Bright Smile", "city": "Berlin"}',
        "post_call_schema=" + json.dumps(schema),
        "--yes",
    )

    assert result.exit_code == 0, result.output
    assert the_only_put(sb, 101).body == {
        "variables": {"practice_name": "Bright Smile", "city": "Berlin"},
        "post_call_schema": schema,
    }
    stored = sb.assistant(101)
    assert stored["variables"] == {"practice_name": "Bright Smile", "city": "Berlin"}
    assert stored["post_call_schema"] == schema


def test_empty_variables_object_clears_them(dialect, sb, cli):
    result = cli("set", "110", "variables={}", "--yes")  # 110 has one variable

    assert result.exit_code == 0, result.output
    assert the_only_put(sb, 110).body == {"variables": {}}
    assert sb.assistant(110)["variables"] in ([], {})  # PHP stores an empty map as []


def test_language_and_llm_model_are_given_by_name(dialect, sb, cli):
    result = cli("set", "101", "language=German", "llm_model=Claude Haiku", "--yes")

    assert result.exit_code == 0, result.output
    if dialect is Dialect.D2025:
        assert the_only_put(sb, 101).body == {"language": "German", "llm_model": "Claude Haiku"}
    else:  # the ids
        assert the_only_put(sb, 101).body == {"language_id": 2, "llm_model_id": 6}
    stored = sb.assistant(101)
    assert (stored["language_id"], stored["language"], stored["llm_model_id"]) == (2, "de", 6)


@pytest.mark.parametrize(("given", "voice_id"), [("412", 412), ("Daniel", 412), ("Hannah (DE)", 421)])
def test_voice_is_given_by_id_or_exact_name(dialect, sb, cli, given, voice_id):
    result = cli("set", "101", f"voice_id={given}", "--yes")

    assert result.exit_code == 0, result.output
    assert the_only_put(sb, 101).body == {"voice_id": voice_id}
    assert sb.assistant(101)["voice_id"] == voice_id


def test_engine_type_and_a_matching_voice_change_together(dialect, sb, cli):
    result = cli("set", "101", "engine_type=multimodal", "voice_id=alloy", "--yes")

    assert result.exit_code == 0, result.output
    assert the_only_put(sb, 101).body == in_names_of(dialect, voice_id=601, engine_type="multimodal")
    stored = sb.assistant(101)
    assert (stored["mode"], stored["voice_id"]) == ("multimodal", 601)


def test_choices_accept_any_case_and_translate_to_the_read_shape(dialect, sb, cli):
    result = cli("set", "101", "who_speaks_first=customer", "endpoint_type=AI", "--yes")

    assert result.exit_code == 0, result.output
    if dialect is Dialect.D2025:
        assert the_only_put(sb, 101).body == {"endpoint_type": "ai", "who_speaks_first": "Customer"}
    else:
        assert the_only_put(sb, 101).body == {"endpoint_type": "ai", "wait_for_customer": True}
    stored = sb.assistant(101)
    assert stored["wait_for_customer"] is True and stored["endpoint_type"] == "ai"


def test_end_call_description_is_nested_in_the_body(sb, cli):
    result = cli("set", "101", "end_call_tool.description=Hang up after the booking.", "--yes")

    assert result.exit_code == 0, result.output
    put = the_only_put(sb, 101)
    assert put.body == {"end_call_tool": {"description": "Hang up after the booking."}}
    assert put.raw_body == b'{"end_call_tool":{"description":"Hang up after the booking."}}'
    assert sb.assistant(101)["tools"] == [
        {"type": "end_call", "data": {"description": "Hang up after the booking."}}
    ]


def test_end_call_description_on_old_style_tools_replaces_the_string_entry(sb, cli):
    assert sb.assistant(113)["tools"] == ["end_call"]

    result = cli("set", "113", "end_call_tool.description=Bye for now", "--yes")

    assert result.exit_code == 0, result.output
    assert the_only_put(sb, 113).body == {"end_call_tool": {"description": "Bye for now"}}
    assert sb.assistant(113)["tools"] == [
        {"type": "end_call", "data": {"description": "Bye for now"}}
    ]


@pytest.mark.parametrize("dialect", [Dialect.D2026], ids=["2026"])
def test_on_2026_the_end_call_description_is_the_end_call_entry_of_every_tool_sent(dialect, sb, cli):
    before = sb.assistant(101)["tools"]
    result = cli("set", "101", "end_call_tool.description=" + "Hang up after the booking." * 30, "--yes")

    assert result.exit_code == 0, result.output  # (no 500-character limit in 2026)
    assert the_only_put(sb, 101).body == {"tools": flat_tools({"tools": before}, "Hang up after the booking." * 30)}
    assert sb.assistant(101)["tools"] == [
        {"type": "end_call", "data": {"description": "Hang up after the booking." * 30}}, *before[1:]]


@pytest.mark.parametrize("dialect", [Dialect.D2026], ids=["2026"])
def test_on_2026_the_end_call_description_replaces_an_old_style_entry(dialect, sb, cli):
    assert sb.assistant(113)["tools"] == ["end_call"]

    result = cli("set", "113", "end_call_tool.description=Bye for now", "--yes")

    assert result.exit_code == 0, result.output
    assert the_only_put(sb, 113).body == {"tools": [{"type": "end_call", "description": "Bye for now"}]}
    assert sb.assistant(113)["tools"] == [{"type": "end_call", "data": {"description": "Bye for now"}}]


@pytest.mark.parametrize("dialect", [Dialect.D2026], ids=["2026"])
def test_on_2026_min_interrupt_words_null_is_off_and_the_switch_is_no_field(dialect, sb, cli):
    assert sb.assistant(101)["min_interrupt_words"] == 2
    refused = cli("set", "101", "use_min_interrupt_words=off", "--yes")
    assert_one_line_error(refused, "'use_min_interrupt_words' is not a field", "dialect 2026")

    result = cli("set", "101", "min_interrupt_words=null", "--yes")

    assert result.exit_code == 0, result.output
    assert the_only_put(sb, 101).body == {"min_interrupt_words": None}
    assert sb.assistant(101)["min_interrupt_words"] is None


@pytest.mark.parametrize("dialect", [Dialect.D2026], ids=["2026"])
def test_on_2026_the_fallback_llm_is_given_by_id(dialect, sb, cli):
    result = cli("set", "104", "chat_llm_fallback_id=6", "--yes")  # 104 is multimodal

    assert result.exit_code == 0, result.output
    assert "Claude Haiku (6)" in result.stdout
    assert the_only_put(sb, 104).body == {"chat_llm_fallback_id": 6}


def test_free_text_keeps_markup_emoji_and_spaces_verbatim(dialect, sb, cli):
    text = "  [b]Hallo[/b] 👋 こんにちは  "
    result = cli("set", "101", f"initial_message={text}", "--yes")

    assert result.exit_code == 0, result.output
    assert the_only_put(sb, 101).body == {"initial_message": text}
    assert sb.assistant(101)["initial_message"] == text


# -- the assistant with stored out-of-range values ---------------------------------------


OUT_OF_RANGE_106 = {
    "max_duration": 1800, "reengagement_interval": 5, "speech_speed": "1.5",
    "max_silence_duration": 300, "llm_temperature": "1.3", "endpoint_sensitivity": 7,
    "min_interrupt_words": 15,
}


def test_assistant_with_out_of_range_stored_values_can_be_renamed(dialect, sb, cli):
    assert {k: sb.assistant(106)[k] for k in OUT_OF_RANGE_106} == OUT_OF_RANGE_106

    result = cli("set", "106", "assistant_name=Legacy Support (renamed)", "--yes")

    assert result.exit_code == 0, result.output
    put = the_only_put(sb, 106)
    assert put.body == in_names_of(dialect, assistant_name="Legacy Support (renamed)")
    stored = sb.assistant(106)
    assert stored["name"] == "Legacy Support (renamed)"
    assert {k: stored[k] for k in OUT_OF_RANGE_106} == OUT_OF_RANGE_106


def test_one_out_of_range_stored_value_can_be_fixed_alone(dialect, sb, cli):
    result = cli("set", "106", "speech_speed=1.1", "--yes")

    assert result.exit_code == 0, result.output
    assert the_only_put(sb, 106).body == {"speech_speed": 1.1}
    stored = sb.assistant(106)
    assert stored["speech_speed"] == "1.1"
    untouched = {k: v for k, v in OUT_OF_RANGE_106.items() if k != "speech_speed"}
    assert {k: stored[k] for k in untouched} == untouched


def test_show_flags_out_of_range_stored_values_without_changing_them(dialect, sb, cli):
    result = cli("show", "106")

    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()

    def line_of(label: str) -> str:
        return next(line for line in lines if line.strip().startswith(label))

    assert "1800 s" in line_of("Maximum call duration") and "!" in line_of("Maximum call duration")
    assert "1.5 x" in line_of("Speech speed") and "!" in line_of("Speech speed")
    assert "5 s" in line_of("Re-engagement interval") and "!" in line_of("Re-engagement interval")
    assert "!" not in line_of("Voice similarity")
    assert puts(sb) == []


# -- server and connection errors --------------------------------------------------------


@pytest.mark.parametrize(
    "args",
    [("list",), ("show", "101"), ("set", "101", "speech_speed=0.9", "--yes")],
    ids=["list", "show", "set"],
)
def test_wrong_api_key_is_one_clear_line_and_exit_2(sb, cli, args):
    result = cli(*args, key=WRONG_KEY)

    assert_one_line_error(result, "401", "API key")
    assert result.stdout == ""
    assert puts(sb) == []
    assert sb.assistant(101)["speech_speed"] == "1.0"


@pytest.mark.parametrize("args", [("list",), ("edit", "101"), ("edit",)], ids=["list", "edit", "picker"])
def test_a_key_with_a_space_is_one_clear_line_before_any_request(sb, cli, args):
    result = cli(*args, key="abc def")

    assert_one_line_error(result, "API key", "spaces")
    assert "abc def" not in result.output
    assert sb.requests == []


@pytest.mark.parametrize("assistant_id", [999, 4242, *OTHER_ACCOUNT_IDS])
def test_unknown_or_other_accounts_assistant_is_not_found(sb, cli, assistant_id):
    before = sb.assistant(assistant_id) if assistant_id in sb.data.assistants else None

    result = cli("set", str(assistant_id), "assistant_name=Hijacked", "--yes")

    assert_one_line_error(result, str(assistant_id), "not found")
    assert puts(sb) == []
    if before is not None:  # the other account's record is untouched
        assert before["user_id"] == OTHER_ACCOUNT_ID
        assert sb.assistant(assistant_id) == before


@pytest.mark.parametrize("assistant_id", [999, *OTHER_ACCOUNT_IDS])
def test_show_of_unknown_or_other_accounts_assistant_is_not_found(cli, assistant_id):
    result = cli("show", str(assistant_id))

    assert_one_line_error(result, "not found")
    assert result.stdout == ""


def test_404_from_the_update_itself_is_reported(dialect, sb, cli):
    # Found in the list, then deleted before the PUT arrives.
    sb.fail_next(1, Fault.status(404, {
        "message": "Assistant not found or does not belong to the authenticated user"
    }), path=UPDATE_PREFIX)

    result = cli("set", "101", "speech_speed=0.9", "--yes")

    assert_one_line_error(result, "Assistant not found or does not belong", "404")
    assert len(puts(sb)) == 1 and puts(sb)[0].status == 404


def test_server_422_prints_the_per_field_message_and_exits_2(dialect, sb, cli):
    sb.fail_next(1, VALIDATION_422, path=UPDATE_PREFIX)

    result = cli("set", "101", "speech_speed=0.9", "--yes")  # valid for the client

    assert result.exit_code == 2
    put = the_only_put(sb, 101)
    assert put.body == {"speech_speed": 0.9} and put.status == 422
    assert "error: speech_speed: The speech speed must be between 0.7 and 1.2." in result.stderr
    assert_one_line_error(result, "422")
    assert "Saved" not in result.stdout
    assert sb.assistant(101)["speech_speed"] == "1.0"


def test_server_500_on_the_update_is_one_line_and_exit_2(dialect, sb, cli):
    sb.fail_next(1, UPDATE_FAILED_500, path=UPDATE_PREFIX)

    result = cli("set", "101", "speech_speed=0.9", "--yes")

    last = assert_one_line_error(result, "500", "Assistant update failed")
    assert len(error_lines(result)) == 1, result.stderr
    assert "\n" not in last
    assert len(puts(sb)) == 1  # a PUT is never retried
    assert "Saved" not in result.stdout
    assert sb.assistant(101)["speech_speed"] == "1.0"


def test_proxy_html_502_on_the_update_is_one_line_and_exit_2(sb, cli):
    sb.fail_next(1, Fault.html(502), path=UPDATE_PREFIX)

    result = cli("set", "101", "speech_speed=0.9", "--yes")

    assert_one_line_error(result, "502", "HTML")
    assert "<html>" not in result.output
    assert len(puts(sb)) == 1


def test_a_lookup_that_fails_is_a_warning_and_the_save_still_sends_one_field(dialect, sb, cli):
    sb.fail_next(1, Fault.status(500), path="/api/user/assistants/languages")

    result = cli("set", "105", "speech_speed=0.9", "--yes")

    assert result.exit_code == 0, result.output
    assert "warning: could not load languages" in result.stderr
    assert the_only_put(sb, 105).body == {"speech_speed": 0.9}
    assert sb.assistant(105)["language_id"] == 2  # the unreadable language is not sent


def test_unreachable_server_is_one_line_and_exit_2(sb):
    base_url = sb.base_url
    sb.stop()

    result = invoke(base_url, "list")

    assert_one_line_error(result, "Could not connect")


def test_missing_base_url_and_key_are_explained(sb):
    no_host = CliRunner(env=_CLEAN_ENV).invoke(main, ["--api-key", SECRET_KEY, "list"])
    assert no_host.exit_code == 2 and "--base-url" in no_host.stderr
    assert SECRET_KEY not in no_host.output

    no_key = CliRunner(env=_CLEAN_ENV).invoke(main, ["--base-url", sb.base_url, "list"])
    assert no_key.exit_code == 2 and "--api-key" in no_key.stderr
    assert sb.requests == []


def test_non_numeric_assistant_id_is_refused_without_a_request(sb, cli):
    result = cli("set", "abc", "speech_speed=0.9", "--yes")

    assert_one_line_error(result, "'abc'")
    assert sb.requests == []


# -- confirmation and dry run ------------------------------------------------------------


@pytest.mark.parametrize("command", ["set", "apply"])
def test_without_yes_and_no_terminal_nothing_is_sent(dialect, sb, cli, tmp_path, command):
    target = "speech_speed=0.8" if command == "set" else write_json(tmp_path, {"speech_speed": 0.8})

    result = cli(command, "101", target, input="y\n")  # a piped "y" is not a confirmation

    assert_one_line_error(result, "--yes")
    assert puts(sb) == []
    assert sb.assistant(101)["speech_speed"] == "1.0"


def test_dry_run_prints_the_body_and_sends_nothing(dialect, sb, cli):
    result = cli("set", "101", "speech_speed=0.8", "end_call_tool.description=Bye", "--dry-run")

    assert result.exit_code == 0, result.output
    printed = json.loads(result.stdout.split("Dry run; the body would be:", 1)[1])
    if dialect is Dialect.D2025:
        assert printed == {"end_call_tool": {"description": "Bye"}, "speech_speed": 0.8}
    else:  # the end_call entry of `tools`, sent with every other tool
        assert printed == {"tools": masked(flat_tools(sb.assistant(101), end_call="Bye")), "speech_speed": 0.8}
    assert puts(sb) == []
    assert sb.assistant(101)["speech_speed"] == "1.0"


def test_dry_run_still_refuses_invalid_values(dialect, sb, cli):
    result = cli("set", "101", "speech_speed=2", "--dry-run")

    assert result.exit_code == 2
    assert "Dry run" not in result.stdout
    assert puts(sb) == []


@pytest.mark.skipif(not hasattr(os, "openpty"), reason="needs a pseudo-terminal")
@pytest.mark.parametrize(("answer", "sent"), [("n", False), ("y", True)])
def test_on_a_terminal_set_asks_and_obeys_the_answer(sb, answer, sent):
    primary, secondary = os.openpty()
    try:
        process = subprocess.Popen(
            [console_script(), "--base-url", sb.base_url, "--api-key", SECRET_KEY,
             "set", "101", "speech_speed=0.8"],
            stdin=secondary, stdout=secondary, stderr=secondary,  # asked only on a terminal
            env=subprocess_env(),
        )
        os.close(secondary)
        secondary = -1
        os.write(primary, f"{answer}\n".encode())  # waits in the terminal's buffer
        process.wait(timeout=60)
        out = read_to_the_end(primary)
    finally:
        if secondary != -1:
            os.close(secondary)
        os.close(primary)
    stdout = stderr = out.decode()  # one terminal

    assert "Send these changes?" in stdout
    assert SECRET_KEY not in stdout + stderr
    if sent:
        assert process.returncode == 0, stderr
        assert the_only_put(sb, 101).body == {"speech_speed": 0.8}
        assert sb.assistant(101)["speech_speed"] == "0.8"
    else:
        assert process.returncode == 2
        assert "cancelled; nothing was sent" in stderr
        assert puts(sb) == []


# -- show --------------------------------------------------------------------------------


def test_show_prints_every_group_and_every_field_label(dialect, sb, cli):
    result = cli("show", "101")

    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0].startswith("Bright Smile Dental – Reception  (id 101,")
    fields = catalogue(dialect)
    for group in fields.groups:
        assert group.value in lines, f"group heading {group.value!r} missing"
    assert "Read-only" in lines
    for field in fields:
        assert any(line.startswith(f"  {field.label} ") for line in lines), field.label
    # lookups resolved to names, booleans as on/off
    voice = "pipeline" if dialect is Dialect.D2025 else "female, American, young"
    assert re.search(rf"Voice\s+Rachel \(401, {voice}\)", result.stdout)
    assert re.search(r"Phone number\s+\+4930120045601 \(2101\)", result.stdout)
    assert re.search(r"Record call\s+on", result.stdout)
    assert puts(sb) == []


def test_show_prints_a_markup_name_literally(dialect, cli):
    result = cli("show", "107")

    assert result.exit_code == 0, result.output
    first = result.stdout.splitlines()[0]
    assert first.startswith(MARKUP_NAME + "  (id 107")
    assert re.search(r"Name\s+" + re.escape(MARKUP_NAME) + "$", result.stdout, re.M)
    assert "[bold]Hi![/bold] こんにちは 👋" in result.stdout


def test_show_of_assistant_without_number_or_webhook(dialect, cli):
    result = cli("show", "109")

    assert result.exit_code == 0, result.output
    assert re.search(r"Phone number\s+no number$", result.stdout, re.M)
    assert re.search(r"Webhook URL\s+not set$", result.stdout, re.M)
    assert re.search(r"Webhook active\s+off$", result.stdout, re.M)


def test_show_shortens_a_50kb_prompt_and_says_how_long_it_is(dialect, sb, cli):
    prompt = sb.assistant(108)["system_prompt"]

    result = cli("show", "108")

    assert result.exit_code == 0, result.output
    assert f"({len(prompt):,} chars)" in result.stdout
    assert len(result.stdout) < 10_000


def test_show_raw_prints_the_servers_record(sb, cli):
    result = cli("show", "107", "--raw")

    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout) == sb.assistant(107)


def test_show_json_is_a_full_update_body(dialect, sb, cli):
    result = cli("show", "108", "--json")

    assert result.exit_code == 0, result.output
    body = json.loads(result.stdout)
    # every setting the list reports, by the dialect's update names
    expected_keys = {f.update_name.split(".")[0] for f in catalogue(dialect) if f.reported}
    assert set(body) == expected_keys
    assert body["system_prompt"] == sb.assistant(108)["system_prompt"]  # never shortened
    if dialect is Dialect.D2025:
        assert body["end_call_tool"] == {"description": "End the call once the caller says goodbye."}
    else:
        assert body["tools"] == [{"type": "end_call", "description": "End the call once the caller says goodbye."}]
    assert body["speech_speed"] == 1.0 and body[wire_name(dialect, "max_call_duration")] == 600


@pytest.mark.parametrize("assistant_id", [101, 105, 106, 107, 108, 109, 113])
def test_show_json_fed_back_unchanged_is_no_change(dialect, sb, cli, tmp_path, assistant_id):
    shown = cli("show", str(assistant_id), "--json")
    assert shown.exit_code == 0, shown.output
    path = tmp_path / "current.json"
    path.write_text(shown.stdout, encoding="utf-8")
    before = sb.assistant(assistant_id)

    via_file = cli("diff", str(assistant_id), str(path))
    via_stdin = cli("diff", str(assistant_id), "-", input=shown.stdout)
    applied = cli("apply", str(assistant_id), str(path), "--yes")

    for result in (via_file, via_stdin, applied):
        assert result.exit_code == 0, result.output
        assert result.stdout.strip() == "No changes."
        assert result.stderr == ""
    assert puts(sb) == []
    assert sb.assistant(assistant_id) == before


# -- diff and apply ----------------------------------------------------------------------


def test_diff_exits_1_and_prints_the_plan_when_the_file_changes_something(dialect, sb, cli, tmp_path):
    path = write_json(tmp_path, {"speech_speed": 0.8, "record_call": False})

    result = cli("diff", "101", path)

    assert result.exit_code == 1, result.output
    assert "2 changes to Bright Smile Dental – Reception (id 101):" in result.stdout
    assert re.search(r"speech_speed\s+1 x\s+->\s+0\.8 x", result.stdout)
    assert re.search(wire_name(dialect, "record_call") + r"\s+on\s+->\s+off", result.stdout)
    assert puts(sb) == []


def test_diff_exits_0_when_the_partial_file_matches(dialect, sb, cli, tmp_path):
    path = write_json(tmp_path, {"speech_speed": 1.0, "assistant_name": "Bright Smile Dental – Reception"})

    result = cli("diff", "101", path)

    assert result.exit_code == 0, result.output
    assert result.stdout.strip() == "No changes."


@pytest.mark.parametrize(
    ("body", "named"),
    [
        ({"speeech_speed": 1.0}, "speeech_speed"),
        ({"end_call_tool": {"descr": "x"}}, "end_call_tool.descr"),
        ({"nme": "x"}, "nme"),  # neither dialect's name
        ({"assistant_nam": "x"}, "assistant_nam"),
    ],
)
def test_diff_with_an_unknown_key_exits_2_naming_it_before_any_request(dialect, sb, cli, tmp_path, body, named):
    path = write_json(tmp_path, body)

    result = cli("diff", "101", path)

    assert_one_line_error(result, repr(named), "not a field")
    assert sb.requests == []


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ('{"speech_speed": ', "is not JSON"),
        ("[1, 2]", "JSON object"),
        ('{"speech_speed": "0.9"}', "speech_speed: expected a number"),
        ('{"record_call": "yes"}', "record_call: expected true or false"),
    ],
)
def test_diff_with_an_unusable_file_exits_2_before_any_request(dialect, sb, cli, tmp_path, text, fragment):
    path = tmp_path / "body.json"
    path.write_text(text, encoding="utf-8")

    result = cli("diff", "101", str(path))

    assert_one_line_error(result, fragment)
    assert sb.requests == []


def test_diff_of_a_missing_file_exits_2(cli, tmp_path):
    result = cli("diff", "101", str(tmp_path / "nope.json"))

    assert_one_line_error(result, "cannot read")


@pytest.mark.parametrize(
    ("body", "field"),
    [({"speech_speed": 1.5}, "speech_speed"), ({"max_call_duration": 5000}, "max_call_duration")],
)
def test_diff_with_out_of_range_values_exits_2(dialect, sb, cli, tmp_path, body, field):
    result = cli("diff", "101", write_json(tmp_path, body))

    assert result.exit_code == 2
    assert f"error: {wire_name(dialect, field)}:" in result.stderr
    assert puts(sb) == []


def test_diff_reads_stdin_for_dash(dialect, sb, cli):
    result = cli("diff", "101", "-", input=json.dumps({"max_call_duration": 900}))

    assert result.exit_code == 1, result.output
    assert re.search(wire_name(dialect, "max_call_duration") + r"\s+600 s\s+->\s+900 s", result.stdout)
    assert puts(sb) == []


def test_apply_of_an_edited_full_dump_sends_only_the_differing_fields(dialect, sb, cli, tmp_path):
    body = json.loads(cli("show", "106", "--json").stdout)  # 106: out-of-range values
    changes = in_names_of(dialect, assistant_name="Legacy Support (v2)", record_call=False)
    body.update(changes)
    path = write_json(tmp_path, body)

    result = cli("apply", "106", path, "--yes")

    assert result.exit_code == 0, result.output
    assert the_only_put(sb, 106).body == changes
    stored = sb.assistant(106)
    assert stored["name"] == "Legacy Support (v2)" and stored["record"] is False
    assert {k: stored[k] for k in OUT_OF_RANGE_106} == OUT_OF_RANGE_106
    assert "Saved 2 fields." in result.stdout


def test_apply_of_a_partial_file_sends_only_what_differs(dialect, sb, cli, tmp_path):
    end_call: dict[str, Any]
    if dialect is Dialect.D2025:
        end_call = {"end_call_tool": {"description": "Say goodbye, then hang up."}}
        stored_tools = [{"type": "end_call", "data": {"description": "Say goodbye, then hang up."}}]
    else:  # the whole list, as `show --json` gives it
        end_call = {"tools": flat_tools(sb.assistant(101), end_call="Say goodbye, then hang up.")}
        stored_tools = [{"type": "end_call", "data": {"description": "Say goodbye, then hang up."}},
                        *sb.assistant(101)["tools"][1:]]
    path = write_json(tmp_path, {
        "speech_speed": 1.0,  # already stored: not sent
        wire_name(dialect, "max_call_duration"): 900,
        **end_call,
    })

    result = cli("apply", "101", path, "--yes")

    assert result.exit_code == 0, result.output
    assert the_only_put(sb, 101).body == {**end_call, wire_name(dialect, "max_call_duration"): 900}
    stored = sb.assistant(101)
    assert stored["max_duration"] == 900
    assert stored["tools"] == stored_tools


def test_apply_reads_stdin_for_dash(dialect, sb, cli):
    result = cli("apply", "102", "-", "--yes", input='{"llm_temperature": 0.3}')

    assert result.exit_code == 0, result.output
    assert the_only_put(sb, 102).body == {"llm_temperature": 0.3}
    assert sb.assistant(102)["llm_temperature"] == "0.3"


def test_apply_accepts_the_dotted_end_call_spelling(sb, cli, tmp_path):
    path = write_json(tmp_path, {"end_call_tool.description": "Hang up politely."})

    result = cli("apply", "101", path, "--yes")

    assert result.exit_code == 0, result.output
    assert the_only_put(sb, 101).body == {"end_call_tool": {"description": "Hang up politely."}}


def test_apply_dry_run_prints_the_body_and_sends_nothing(dialect, sb, cli, tmp_path):
    path = write_json(tmp_path, {"max_call_duration": 900, "speech_speed": 1.0})

    result = cli("apply", "101", path, "--dry-run")

    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout.split("Dry run; the body would be:", 1)[1]) == in_names_of(
        dialect, max_call_duration=900)
    assert puts(sb) == []


def test_apply_with_out_of_range_value_sends_nothing(dialect, sb, cli, tmp_path):
    result = cli("apply", "101", write_json(tmp_path, {"speech_speed": 1.5}), "--yes")

    assert result.exit_code == 2
    assert "error: speech_speed:" in result.stderr
    assert puts(sb) == []


def test_apply_422_prints_the_per_field_message(dialect, sb, cli, tmp_path):
    sb.fail_next(1, VALIDATION_422, path=UPDATE_PREFIX)

    result = cli("apply", "101", write_json(tmp_path, {"speech_speed": 0.9}), "--yes")

    assert result.exit_code == 2
    assert "error: speech_speed: The speech speed must be between 0.7 and 1.2." in result.stderr
    assert sb.assistant(101)["speech_speed"] == "1.0"


# -- list and fields -------------------------------------------------------------------


def test_list_prints_a_table_of_the_accounts_assistants_only(sb, cli):
    result = cli("list")

    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0].split() == ["ID", "NAME", "DIRECTION", "ENGINE", "PHONE", "STATUS"]
    ids = [int(line.split()[0]) for line in lines[1:]]
    assert ids == MY_IDS
    for assistant_id in OTHER_ACCOUNT_IDS:
        assert sb.assistant(assistant_id)["name"] not in result.stdout
    assert MARKUP_NAME in result.stdout
    row_109 = next(line for line in lines if line.startswith("109 "))
    assert row_109.split()[-2:] == ["-", "inactive"]  # no number
    row_101 = next(line for line in lines if line.startswith("101 "))
    assert "+4930120045601" in row_101 and "inbound" in row_101


def test_list_json_is_valid_json_with_every_assistant_of_the_account(sb, cli):
    result = cli("list", "--json")

    assert result.exit_code == 0, result.output
    rows = json.loads(result.stdout)
    assert [row["id"] for row in rows] == MY_IDS
    by_id = {row["id"]: row for row in rows}
    assert by_id[107]["name"] == MARKUP_NAME
    assert by_id[104] == {
        "id": 104, "name": "ClearPath Debt-Free Qualifier", "direction": "outbound",
        "engine": "multimodal", "phone_number_id": 2110, "phone_number": "+14155550123",
        "status": "active",
    }
    assert by_id[109]["phone_number_id"] is None and by_id[109]["phone_number"] is None


def test_list_follows_pages_of_a_large_account():
    from voicedesk.sandbox import generated_data

    with Sandbox(generated_data(230, 12), api_key=SECRET_KEY, rate_limit=None) as big:
        result = invoke(big.base_url, "list", "--json")
        pages = sorted(int(r.query["page"]) for r in big.requests if r.path == LIST_PATH)

    assert result.exit_code == 0, result.output
    assert [row["id"] for row in json.loads(result.stdout)] == list(range(1001, 1231))
    assert pages == [1, 2, 3]


def test_fields_lists_every_catalogue_field_with_its_rules(dialect, cli):
    result = cli("fields")

    assert result.exit_code == 0, result.output
    fields = catalogue(dialect)  # the host's dialect, by its update names
    listed = re.findall(r"^  (\S+): ", result.stdout, re.M)
    assert listed == [field.update_name for group in fields.groups for field in fields if field.group is group]
    assert set(listed) == {field.update_name for field in fields}
    for group in fields.groups:
        assert group.value in result.stdout.splitlines()
    assert re.search(r"^  speech_speed: a number; 0\.7-1\.2 x$", result.stdout, re.M)
    assert re.search(r"^  phone_number_id: .*null allowed$", result.stdout, re.M)
    if dialect is Dialect.D2025:
        assert re.search(r"^  calls_direction: .*one of receive, make$", result.stdout, re.M)
    else:  # the host's names take the host's values; the other names the edit values
        assert re.search(r"^  type: one of inbound, outbound \(also calls_direction: text; one of receive, make\)$",
                         result.stdout, re.M)
        assert re.search(r"^  wait_for_customer: true or false \(also who_speaks_first: .*Customer\)$",
                         result.stdout, re.M)
        assert re.search(r"^  language_id: a whole number .*\(also language: text\)$", result.stdout, re.M)
        assert re.search(r"^  llm_model_id: a whole number .*; null allowed \(also llm_model: text\)$",
                         result.stdout, re.M)


# -- exit codes ---------------------------------------------------------------------------


def test_exit_codes_are_0_done_1_changes_2_error(dialect, sb, cli, tmp_path):
    change = write_json(tmp_path, {"speech_speed": 0.8}, "change.json")
    same = write_json(tmp_path, {"speech_speed": 1.0}, "same.json")

    assert cli("diff", "101", same).exit_code == 0
    assert cli("diff", "101", change).exit_code == 1
    assert cli("diff", "101", change, "--bogus-option").exit_code == 2  # usage error
    assert cli("set", "101", "speech_speed=1.0", "--yes").exit_code == 0  # nothing to do
    assert cli("set", "101", "speech_speed=9", "--yes").exit_code == 2
    assert cli("apply", "101", change, "--yes").exit_code == 0
    assert cli("diff", "101", change).exit_code == 0  # applied: nothing left
    assert cli("list").exit_code == 0
    assert [r.body for r in puts(sb)] == [{"speech_speed": 0.8}]


# -- the API key --------------------------------------------------------------------------


def test_the_api_key_never_appears_in_any_output(sb, cli, tmp_path):
    body_file = write_json(tmp_path, {"speech_speed": 0.8})
    commands = [
        ("list",), ("list", "--json"), ("show", "101"), ("show", "101", "--json"),
        ("show", "101", "--raw"), ("fields",), ("diff", "101", body_file),
        ("set", "101", "speech_speed=0.9", "--dry-run"),
        ("set", "101", "speech_speed=0.9"),  # refused: no --yes
        ("set", "101", "speech_speed=5", "--yes"),  # refused: out of range
        ("set", "101", "speech_speed=0.9", "--yes"),
        ("apply", "101", body_file, "--yes"),
        ("show", "999"),
    ]
    outputs = [cli(*command) for command in commands]  # cli() checks each one as well
    outputs.append(cli("list", key=WRONG_KEY))

    # A server that echoes the key back in its messages is redacted too.
    sb.fail_next(1, Fault.status(401, {"error": "Invalid API key",
                                       "message": f"Key {SECRET_KEY} is not valid"}), path=LIST_PATH)
    echoed_401 = cli("show", "101")
    sb.fail_next(1, Fault.status(422, {"message": f"Bad request from {SECRET_KEY}",
                                       "errors": {"speech_speed": [f"Key {SECRET_KEY} may not"]}}),
                 path=UPDATE_PREFIX)
    echoed_422 = cli("set", "101", "speech_speed=0.85", "--yes")
    outputs += [echoed_401, echoed_422]

    assert echoed_401.exit_code == 2 and "Key *** is not valid" in echoed_401.stderr
    assert echoed_422.exit_code == 2 and "error: speech_speed: Key *** may not" in echoed_422.stderr
    # Each command really ran to its normal end (so its output was worth checking).
    assert [r.exit_code for r in outputs] == [0, 0, 0, 0, 0, 0, 1, 0, 2, 2, 0, 0, 2, 2, 2, 2]
    for result in outputs:
        assert SECRET_KEY not in result.stdout and SECRET_KEY not in result.stderr


def test_debug_logs_requests_with_the_key_masked(sb):
    process = run_process(
        console_script(), "--debug", "--base-url", sb.base_url, "--api-key", SECRET_KEY,
        "set", "101", "speech_speed=0.9", "--yes",
    )

    assert process.returncode == 0, process.stderr
    assert "Bearer ***" in process.stderr
    assert f"PUT {sb.base_url}/api/user/assistant/101 -> 200" in process.stderr
    assert SECRET_KEY not in process.stdout + process.stderr
    assert the_only_put(sb, 101).body == {"speech_speed": 0.9}


def test_debug_with_a_rejected_key_masks_it_as_well(sb):
    process = run_process(
        console_script(), "--debug", "--base-url", sb.base_url, "--api-key", WRONG_KEY, "list",
    )

    assert process.returncode == 2
    assert "-> 401" in process.stderr and "Bearer ***" in process.stderr
    assert WRONG_KEY not in process.stdout + process.stderr
    assert "Traceback" not in process.stderr


def test_key_from_the_environment_works_and_is_not_printed(sb):
    env = subprocess_env(VOICEDESK_BASE_URL=sb.base_url, VOICEDESK_API_KEY=SECRET_KEY)
    process = run_process(sys.executable, "-m", "voicedesk", "--debug", "show", "101", env=env)

    assert process.returncode == 0, process.stderr
    assert process.stdout.startswith("Bright Smile Dental – Reception  (id 101,")
    assert SECRET_KEY not in process.stdout + process.stderr


# -- the installed entry points -------------------------------------------------------


def test_console_script_version():
    process = run_process(console_script(), "--version")

    assert process.returncode == 0, process.stderr
    assert process.stdout.strip() == f"voicedesk, version {voicedesk.__version__}"


def test_python_dash_m_help_lists_every_command():
    process = run_process(sys.executable, "-m", "voicedesk", "--help")

    assert process.returncode == 0, process.stderr
    commands = re.findall(r"^  (\w+)\s", process.stdout.split("Commands:", 1)[1], re.M)
    assert commands == sorted(main.commands)  # every command registered, the many-assistant ones too
    assert {"apply", "compare", "copy", "diff", "pull", "revert", "set", "show"} <= set(commands)


def test_python_dash_m_version():
    process = run_process(sys.executable, "-m", "voicedesk", "--version")

    assert process.returncode == 0, process.stderr
    assert voicedesk.__version__ in process.stdout


def test_console_script_demo_list_runs_against_the_embedded_sandbox():
    process = run_process(console_script(), "--demo", "list")

    assert process.returncode == 0, process.stderr
    lines = process.stdout.splitlines()
    assert [int(line.split()[0]) for line in lines[1:]] == MY_IDS
    assert "Private Line (other account)" not in process.stdout


@pytest.mark.parametrize(("dialect", "name_key"), [(None, "name"), ("2026", "name"), ("2025", "assistant_name")])
def test_python_dash_m_demo_show_json_is_an_update_body(dialect, name_key):
    """The demo plays 2026 unless asked for 2025; the body is the host's shape."""
    chosen = ["--dialect", dialect] if dialect else []
    process = run_process(sys.executable, "-m", "voicedesk", "--demo", *chosen, "show", "111", "--json")

    assert process.returncode == 0, process.stderr
    body = json.loads(process.stdout)
    assert body[name_key] == "Clínica Sol – Citas" and body["speech_speed"] == 0.9


def test_sandbox_command_serves_the_api_until_stopped():
    process = subprocess.Popen(
        [console_script(), "sandbox", "--port", "0"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=subprocess_env(),
        preexec_fn=as_from_a_shell,  # stopped by SIGTERM below
    )
    watchdog = threading.Timer(60, process.kill)  # never hang the suite on readline
    watchdog.start()
    assert process.stdout is not None and process.stderr is not None
    try:
        banner = process.stdout.readline()
        match = re.search(r"Sandbox API on (http://127\.0\.0\.1:\d+)", banner)
        assert match, banner
        result = CliRunner(env=_CLEAN_ENV).invoke(
            main, ["--base-url", match.group(1), "--api-key", DEMO_API_KEY, "list", "--json"]
        )
        assert result.exit_code == 0, result.output
        assert [row["id"] for row in json.loads(result.stdout)] == MY_IDS
    finally:
        watchdog.cancel()
        process.terminate()
        process.wait(timeout=30)
        process.stdout.close()
        process.stderr.close()
