"""The client accepts a value iff the sandbox (an independent reading of the server's
rules) accepts it: a body the client lets through is never a 422, and the client never
refuses what the server would take."""

from __future__ import annotations

import asyncio
from hypothesis import given
from hypothesis import strategies as st

from voicedesk.fields import CATALOGUE, FIELDS, Kind
from voicedesk.api import ApiClient
from voicedesk.records import Lookups
from voicedesk.remote import load_lookups
from voicedesk.sandbox import DEMO_API_KEY, Sandbox, demo_data
from voicedesk.sandbox.rules import validate_update
from voicedesk.session import EditSession

DATA = demo_data()
RECORD = DATA.assistants[101]  # inbound, pipeline, webhook on


def _account_lookups() -> Lookups:
    """The lookups as the client really gets them: over HTTP from a sandbox."""

    async def load() -> Lookups:
        with Sandbox(DATA, rate_limit=None) as sandbox:
            async with ApiClient(sandbox.base_url, DEMO_API_KEY) as client:
                result = await load_lookups(client)
        assert not result.failures
        return result.lookups

    return asyncio.run(load())


LOOKUPS = _account_lookups()


def session_with(changes: dict) -> EditSession:
    session = EditSession(101, RECORD, LOOKUPS)
    for name, value in changes.items():
        session.set(name, value)
    return session


def client_accepts(changes: dict) -> bool:
    return not session_with(changes).validate()


def server_accepts(changes: dict) -> bool:
    """What the server says to the body the client would send for these changes."""
    return not validate_update(session_with(changes).body(), RECORD, DATA)


def numbers_around(field) -> st.SearchStrategy:
    low, high = field.minimum, field.maximum
    edges = st.sampled_from([low, high, low - field.step, high + field.step, (low + high) / 2])
    if field.kind is Kind.INTEGER:
        return st.one_of(edges.map(int), st.integers(int(low) - 50, int(high) + 50))
    return st.one_of(edges, st.floats(low - 2, high + 2, allow_nan=False).map(lambda x: round(x, 3)))


RANGED = [f for f in CATALOGUE if f.ranged]


@given(st.sampled_from(RANGED).flatmap(lambda f: st.tuples(st.just(f.name), numbers_around(f))))
def test_ranges_agree(change) -> None:
    name, value = change
    assert client_accepts({name: value}) == server_accepts({name: value}), change


texts = st.text(st.characters(codec="utf-8", exclude_categories=["Cs"]), max_size=600)


@given(st.sampled_from(["assistant_name", "end_call_tool.description", "initial_message", "system_prompt"]), texts)
def test_text_lengths_agree(name, value) -> None:
    assert client_accepts({name: value}) == server_accepts({name: value})


@given(
    st.sampled_from(["language", "llm_model", "timezone", "calls_direction", "engine_type", "endpoint_type", "who_speaks_first"]),
    st.sampled_from(["German", "german", "GPT-4o", "Klingon", "Europe/Berlin", "Mars/Base", "UTC",
                     "receive", "make", "inbound", "pipeline", "multimodal", "vad", "ai", "AI assistant", "Customer", ""]),
)
def test_names_and_choices_agree(name, value) -> None:
    assert client_accepts({name: value}) == server_accepts({name: value})


@given(
    st.sampled_from([v["id"] for v in DATA.voices] + [9999]),
    st.sampled_from(["pipeline", "multimodal"]),
)
def test_voice_and_engine_agree(voice_id, engine) -> None:
    changes = {"voice_id": voice_id, "engine_type": engine}
    assert client_accepts(changes) == server_accepts(changes)


@given(st.sampled_from([n["id"] for n in DATA.phone_numbers] + [None, 424242]), st.sampled_from(["receive", "make"]))
def test_phone_numbers_and_direction_agree(number, direction) -> None:
    changes = {"phone_number_id": number, "calls_direction": direction}
    assert client_accepts(changes) == server_accepts(changes)


schema_rows = st.fixed_dictionaries({
    "name": st.sampled_from(["callback", "first_name", "first name", "", "ok_2", "x-y"]),
    "type": st.sampled_from(["string", "number", "bool", "boolean", "date"]),
    "description": st.sampled_from(["Wants a call back", "", " "]),
})


@given(st.lists(schema_rows, max_size=3))
def test_schema_rows_agree(rows) -> None:
    names = [row["name"] for row in rows]
    if len(set(names)) < len(names):
        # Deliberately stricter: two rows extracting the same name cannot both land.
        assert not client_accepts({"post_call_schema": rows})
    else:
        assert client_accepts({"post_call_schema": rows}) == server_accepts({"post_call_schema": rows})


odd_rows = st.one_of(
    st.dictionaries(
        st.sampled_from(["name", "type", "description", "required", "unit"]),
        st.one_of(st.sampled_from(["ok_2", "string", "Paid", "", "x y"]), st.none(), st.integers(), st.booleans()),
    ),
    st.sampled_from(["text", 3, None, ["name"]]),
)


@given(st.lists(odd_rows, max_size=3))
def test_odd_schema_rows_agree(rows) -> None:
    """Rows as a server may have stored them: attributes beside the three, values of any
    type, rows that are no object. Sent whole, they pass or fail alike on both sides."""
    names = [row.get("name") for row in rows if isinstance(row, dict)]
    if len(set(map(repr, names))) < len(names):
        assert not client_accepts({"post_call_schema": rows})
    else:
        assert client_accepts({"post_call_schema": rows}) == server_accepts({"post_call_schema": rows})


@given(st.booleans(), st.sampled_from([None, "https://hooks.example.com/x", "http://h.example", "not a url", "ftp://x.example"]))
def test_webhook_switch_and_url_agree(active, url) -> None:
    changes = {"is_webhook_active": active, "webhook_url": url}
    assert client_accepts(changes) == server_accepts(changes)


def test_every_field_is_exercised_somewhere() -> None:
    exercised = {f.name for f in RANGED} | {
        "assistant_name", "end_call_tool.description", "initial_message", "system_prompt", "language",
        "llm_model", "timezone", "calls_direction", "engine_type", "endpoint_type", "who_speaks_first",
        "voice_id", "phone_number_id", "post_call_schema", "is_webhook_active", "webhook_url",
    }
    booleans = {f.name for f in CATALOGUE if f.kind is Kind.BOOLEAN}
    # Booleans and variables have no rule beyond their type, which the edit model checks.
    assert set(FIELDS) - exercised - booleans == {"variables"}
