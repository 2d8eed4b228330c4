"""Odd but legal server data: any JSON value in any field of a record is read as a value
or as None with a note, never an exception; every command and the editor go on working
with the rest of the record; and an untouched value is never a change, whatever it holds
(a stored NaN is not equal to itself, yet it is no edit)."""

from __future__ import annotations

import asyncio
import json
import math
from typing import Any

import httpx
import pytest
from click.testing import CliRunner, Result
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from textual.widgets import Input

from factories import lookups, record
from tui_helpers import control_of, make_app, open_editor, puts, wait_until
from voicedesk.api import ApiClient, ApiError
from voicedesk.cli import main
from voicedesk.display import format_value
from voicedesk.fields import CATALOGUE, GROUPS
from voicedesk.model import check_types
from voicedesk.records import Lookups
from voicedesk.sandbox import DEMO_API_KEY, Sandbox
from voicedesk.session import EditSession
from voicedesk.tui.screens.editor import EditorScreen
from voicedesk.tui.screens.review import ReviewScreen
from voicedesk.tui.widgets import AssistantTable
from voicedesk.wire import MAX_DEPTH, read_record

ASSISTANT = 101
# Every key a field is read from, the keys the list and the titles show, and one this
# version does not know.
KEYS = sorted({spec.source for spec in CATALOGUE if spec.source} | {"status", "uuid", "language",
              "ambient_sound", "created_at", "widget_settings", "a_column_added_later"})


def nested(depth: int) -> Any:
    value: Any = "bottom"
    for level in range(depth):
        value = [value] if level % 2 else {"down": value}
    return value


# One of each kind of JSON value, and the strings that look like numbers to Python.
SAMPLES: dict[str, Any] = {
    "null": None, "true": True, "false": False, "zero": 0, "one": 1, "negative": -7,
    "int64 max": 2**63 - 1, "past int64": 2**63, "400 digits": 10**400, "4300 digits": 10**4299,
    "fraction": 0.35, "tiny": 5e-324, "huge float": 1.7e308, "NaN": math.nan, "Infinity": math.inf,
    "-Infinity": -math.inf, "empty text": "", "text": "hello", "text inf": "inf", "text nan": "nan",
    "text Infinity": "Infinity", "text 1e999": "1e999", "superscript two": "²", "arabic digits": "١٠",
    "underscored": "1_000", "decimal text": "0.7", "whole text": "42", "spaced number": " 3 ",
    "lone surrogate": "a\ud800b", "control text": "\x1b[2J\x00", "empty list": [], "list": [1, "a"],
    "list of strings": ["end_call"], "empty object": {}, "object": {"a": 1},
    "end call tool": {"type": "end_call", "data": "text"}, f"nested {MAX_DEPTH + 1}": nested(MAX_DEPTH + 1),
    "nested 600": nested(600),
}


def _strict_json(text: str) -> Any:
    def refuse(name: str) -> Any:
        raise AssertionError(f"{name} in JSON output")

    return json.loads(text, parse_constant=refuse)


def _assert_readable(loaded_record: dict[str, Any], with_lookups: Lookups) -> EditSession:
    """The promises of reading: total, typed, finite, untouched means clean."""
    loaded = read_record(loaded_record, with_lookups)
    for name, value in loaded.values.items():
        if value is not None:
            check_types({name: value})  # a value of the field's type; raises if not
        assert not (isinstance(value, float) and not math.isfinite(value)), name
        format_value(name, value, with_lookups)  # shown without a crash
    session = EditSession(ASSISTANT, loaded_record, with_lookups)
    assert session.dirty == [] and session.body() == {} and session.validate() == {}
    session.flags()
    return session


def test_any_json_value_in_any_field_is_a_value_or_a_note() -> None:
    cases = 0
    for with_lookups in (lookups(), Lookups()):
        plain = read_record(record(), with_lookups).values
        for key in KEYS:
            for sample in SAMPLES.values():
                session = _assert_readable(record(**{key: sample}), with_lookups)
                cases += 1
                # Nothing else of the record is lost to the odd value.
                for spec in CATALOGUE:
                    if spec.source != key:
                        assert session.baseline[spec.name] == plain[spec.name], (key, spec.name)
    print(f"read_record: {cases} cases (every key x every kind of value, with and without lists)")


def test_the_odd_values_named_in_the_issue_are_notes_that_say_what_was_stored() -> None:
    notes = read_record(record(
        llm_temperature=math.nan, speech_speed="inf", voice_stability="nan", voice_similarity=math.inf,
        tools=5, type=["inbound"], phone_number_id={"id": 31}, max_duration=10**400, language_id="²",
    ), lookups()).notes
    assert "NaN, not a finite number" in notes["llm_temperature"]
    assert "'inf', not a number" in notes["speech_speed"]
    assert "'nan', not a number" in notes["voice_stability"]
    assert "Infinity, not a finite number" in notes["voice_similarity"]
    assert "5 as its tools, not a list" in notes["end_call_tool.description"]
    assert "a list, not inbound or outbound" in notes["calls_direction"]
    assert "an object, not a number" in notes["phone_number_id"]
    assert "a 401-digit number, too large" in notes["max_call_duration"]
    assert "'²', not a number" in notes["language"]
    text_data = read_record(record(tools=[{"type": "end_call", "data": "Hang up"}])).notes
    assert "data is 'Hang up', not an object" in text_data["end_call_tool.description"]


def test_ids_and_numbers_stored_as_text_are_read() -> None:
    values = read_record(record(language_id="2", llm_model_id=1.0, max_duration="600", voice_id=" 11 ",
                                speech_speed="1e0"), lookups()).values
    assert values["language"] == "German" and values["llm_model"] == "GPT-4o"
    assert values["max_call_duration"] == 600 and values["voice_id"] == 11 and values["speech_speed"] == 1


@pytest.mark.parametrize("stored", [math.nan, "NaN", "nan", math.inf])
def test_a_stored_nan_is_never_a_change(stored) -> None:
    session = EditSession(ASSISTANT, record(llm_temperature=stored), lookups())
    assert session.dirty == [] and session.validate() == {}
    session.set("speech_speed", 0.9)
    assert session.body() == {"speech_speed": 0.9} and session.validate() == {}
    # Even a NaN that made it into an edit value (by any path) equals itself.
    session.baseline["llm_temperature"] = session.current["llm_temperature"] = math.nan
    session.current["llm_temperature"] = float("nan")  # another object
    assert not session.is_dirty("llm_temperature")
    session.baseline["voice_stability"] = session.current["voice_stability"] = 10**400  # past any float
    assert not session.is_dirty("voice_stability")


def test_nothing_a_body_cannot_carry_is_ever_sent() -> None:
    session = EditSession(ASSISTANT, record(), lookups())
    cases = 0
    for name, value in [("speech_speed", math.nan), ("voice_stability", math.inf),
                        ("variables", {"a": "x\udc80"}), ("variables", {"\ud800": "x"}),
                        ("assistant_name", "broken \udfff"), ("post_call_schema", [{"name": "n\ud800"}])]:
        session.set(name, value)
        assert "cannot be sent" in session.validate()[name]
        session.revert(name)
        cases += 1
    print(f"unsendable values: {cases} cases")


# -- the same data through the sandbox: every command, and the editor ------------------

def _json_values() -> st.SearchStrategy[Any]:
    scalars = (
        st.none() | st.booleans() | st.integers() | st.integers(-(10**400), 10**400)
        | st.floats() | st.text(st.characters(codec=None, exclude_categories=()), max_size=8)
        | st.sampled_from([v for v in SAMPLES.values() if not isinstance(v, (list, dict))])
    )
    return st.recursive(
        scalars, lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=4), inner, max_size=3),
        max_leaves=8,
    ) | st.sampled_from([nested(MAX_DEPTH + 1), nested(600)])


ODD_RECORDS = st.dictionaries(st.sampled_from(KEYS), _json_values(), min_size=1, max_size=8)


class Server:
    """One sandbox whose assistant 101 is replaced for each example."""

    def __init__(self) -> None:
        self.sandbox = Sandbox(rate_limit=None).start()
        self.original = self.sandbox.assistant(ASSISTANT)
        self.runs = 0  # commands run, for the count printed

    def serve(self, overrides: dict[str, Any]) -> None:
        with self.sandbox.lock:
            self.sandbox.data.assistants[ASSISTANT] = {**self.original, **overrides}
            self.sandbox.clear_requests()

    def cli(self, *args: str, input: str | None = None) -> Result:
        self.runs += 1
        result = CliRunner().invoke(
            main, ["--base-url", self.sandbox.base_url, "--api-key", DEMO_API_KEY, *args], input=input
        )
        if result.exception is not None and not isinstance(result.exception, SystemExit):
            raise AssertionError(f"voicedesk {' '.join(args)} crashed") from result.exception
        assert "Traceback" not in result.output
        # Lists the sandbox could not serve for such a record are warnings, nothing more.
        assert all(line.startswith("warning: ") for line in result.stderr.splitlines()), result.stderr
        return result


@pytest.fixture(scope="module")
def server():
    running = Server()
    yield running
    running.sandbox.stop()


def _every_command_copes(server: Server) -> None:
    """list, list --json, show, show --json (fed back to diff), set --dry-run, diff: each
    exits 0 with the odd record, and nothing untouched is ever part of a body."""
    listed = server.cli("list")
    assert listed.exit_code == 0 and any(line.startswith(f"{ASSISTANT} ") for line in listed.stdout.splitlines())
    rows = _strict_json(server.cli("list", "--json").stdout)
    assert ASSISTANT in [row["id"] for row in rows]
    assert server.cli("show", str(ASSISTANT)).exit_code == 0
    dumped = server.cli("show", str(ASSISTANT), "--json")
    assert dumped.exit_code == 0
    _strict_json(dumped.stdout)
    assert server.cli("diff", str(ASSISTANT), "-", input=dumped.stdout).exit_code == 0, "show --json is a change"
    assert server.cli("diff", str(ASSISTANT), "-", input="{}").exit_code == 0
    planned = server.cli("set", str(ASSISTANT), "assistant_name=Renamed", "--dry-run")
    assert planned.exit_code == 0, planned.output
    assert _strict_json(planned.stdout.split("the body would be:", 1)[1]) == {"assistant_name": "Renamed"}
    assert puts(server.sandbox) == []


_counted = {"records": 0, "editor": 0}  # printed by the last test of each kind


@settings(max_examples=40, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(overrides=ODD_RECORDS)
def test_every_command_copes_with_any_json_in_any_field(server, overrides) -> None:
    server.serve(overrides)
    _every_command_copes(server)
    _counted["records"] += 1


def test_every_command_copes_with_each_kind_of_value_in_every_field(server) -> None:
    for sample in SAMPLES.values():
        server.serve({key: sample for key in KEYS})
        _every_command_copes(server)
        _counted["records"] += 1
    print(f"commands with odd records: {_counted['records']} records, {server.runs} command runs")


def test_a_stored_nan_temperature_no_longer_blocks_every_save(server) -> None:
    server.serve({"llm_temperature": "NaN"})
    assert server.cli("diff", str(ASSISTANT), "-", input="{}").exit_code == 0
    saved = server.cli("set", str(ASSISTANT), "speech_speed=0.9", "--yes")
    assert saved.exit_code == 0, saved.output
    assert [put.body for put in puts(server.sandbox)] == [{"speech_speed": 0.9}]
    assert server.sandbox.assistant(ASSISTANT)["llm_temperature"] == "NaN"  # untouched


# -- the editor ---------------------------------------------------------------------------

async def _edit_in_the_editor(sandbox: Sandbox, send: bool = False) -> EditorScreen:
    """Open, show every group, rename, review (and send): the odd fields stay untouched."""
    app = make_app(sandbox, ASSISTANT)
    async with app.run_test(size=(120, 36)) as pilot:
        editor = await open_editor(pilot)
        for group in GROUPS:
            await editor.show_group(group)
            await pilot.pause()
        assert editor.editing.session.dirty == []
        await editor.focus_field("assistant_name")
        control_of(editor, "assistant_name", Input).value = "Renamed"
        await wait_until(pilot, lambda: editor.editing.session.dirty == ["assistant_name"])
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: isinstance(app.screen, ReviewScreen))
        assert editor.editing.session.body() == {"assistant_name": "Renamed"}
        if send:
            await pilot.press("ctrl+s")
            await wait_until(pilot, lambda: not isinstance(app.screen, ReviewScreen))
            await wait_until(pilot, lambda: not editor.editing.session.dirty)
    return editor


EDITOR_SAMPLES = ["NaN", "Infinity", "text inf", "400 digits", "past int64", "superscript two", "lone surrogate",
                  "control text", "list", "object", "end call tool", "nested 600", "true", "empty text"]


def test_the_editor_copes_with_each_kind_of_value_in_every_field(server, tmp_path, monkeypatch) -> None:
    for number, label in enumerate(EDITOR_SAMPLES):
        # Each run quits with an unsaved rename, which leaves a draft: a state of its own
        # keeps it from being offered to the next run.
        monkeypatch.setenv("VOICEDESK_STATE_DIR", str(tmp_path / f"state-{number}"))
        server.serve({key: SAMPLES[label] for key in KEYS})
        asyncio.run(_edit_in_the_editor(server.sandbox))
        _counted["editor"] += 1


async def _pick_and_open(sandbox: Sandbox) -> None:
    """The picker lists the odd record among the others and opens it."""
    app = make_app(sandbox)
    async with app.run_test(size=(120, 36)) as pilot:
        table = app.screen.query_one("#picker-table", AssistantTable)
        await wait_until(pilot, lambda: table.row_count == 14)
        assert table.cursor_id == ASSISTANT
        await pilot.press("enter")
        editor = await open_editor(pilot)
        assert editor.editing.session.dirty == []


async def test_leaving_at_once_an_editor_with_flagged_fields_is_no_crash() -> None:
    """The rows built ahead after Escape mounted their notes on rows no longer there
    (demo assistant 106 stores values outside the documented ranges)."""
    with Sandbox(rate_limit=None) as sandbox:
        app = make_app(sandbox)
        async with app.run_test(size=(120, 36)) as pilot:
            table = app.screen.query_one("#picker-table", AssistantTable)
            await wait_until(pilot, lambda: table.row_count == 14)
            await pilot.press(*"legacy", "enter")
            editor = await open_editor(pilot)
            assert editor.assistant_id == 106
            await wait_until(pilot, lambda: len(editor._builds) > 1)  # a group is being built ahead
            await pilot.press("escape")
            await wait_until(pilot, lambda: not isinstance(app.screen, EditorScreen))
            await pilot.pause(0.2)  # the build ahead's next group, had it gone on


def test_the_picker_copes_with_each_kind_of_value_in_every_field(server) -> None:
    for label in EDITOR_SAMPLES:
        server.serve({key: SAMPLES[label] for key in KEYS})
        asyncio.run(_pick_and_open(server.sandbox))
    print(f"picker with odd records: {len(EDITOR_SAMPLES)} records, listed and opened")


@settings(max_examples=8, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(overrides=ODD_RECORDS)
def test_the_editor_copes_with_any_json_in_any_field(server, overrides, tmp_path_factory, monkeypatch) -> None:
    # A state of its own for each example: each quits leaving a draft (see above).
    monkeypatch.setenv("VOICEDESK_STATE_DIR", str(tmp_path_factory.mktemp("state")))
    server.serve(overrides)
    asyncio.run(_edit_in_the_editor(server.sandbox))
    _counted["editor"] += 1


def test_the_editor_saves_beside_a_stored_nan(server) -> None:
    server.serve({"llm_temperature": "NaN", "speech_speed": math.nan})
    asyncio.run(_edit_in_the_editor(server.sandbox, send=True))
    assert [put.body for put in puts(server.sandbox)] == [{"assistant_name": "Renamed"}]
    _counted["editor"] += 1
    print(f"editor with odd records: {_counted['editor']} records, every group shown, reviewed")


# -- answers the client cannot even parse ---------------------------------------------------

@pytest.mark.parametrize("status", [200, 422, 500])
async def test_an_answer_nested_too_deeply_to_parse_is_a_message(status) -> None:
    """The sandbox cannot serve it (its json.dumps gives up first): a recorded answer."""
    deep = b"[" * 100_000 + b"]" * 100_000
    transport = httpx.MockTransport(lambda request: httpx.Response(
        status, content=deep, headers={"Content-Type": "application/json"}))
    async with ApiClient("http://127.0.0.1:9", "key", transport=transport, backoff=0, rate_limits=()) as client:
        for call in (client.list_page(1), client.languages(), client.update(ASSISTANT, {"speech_speed": 0.9})):
            with pytest.raises(ApiError) as raised:
                await call
            assert "\n" not in str(raised.value)
