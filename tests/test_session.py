"""The edit session: dirty tracking, revert, body, server errors, rebase."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from factories import lookups, record
from voicedesk.fields import Dialect, Kind, Lookup, catalogue
from voicedesk.session import EditSession
from voicedesk.wire import to_body


def session(dialect: Dialect = Dialect.D2025, **overrides) -> EditSession:
    return EditSession(7, record(**overrides), lookups(), catalogue(dialect))


def test_a_field_edited_back_is_clean(dialect) -> None:
    s = session(dialect)
    s.set("speech_speed", 1.05)
    assert s.dirty == ["speech_speed"] and s.body() == {"speech_speed": 1.05}
    s.set("speech_speed", 1.0)
    assert s.dirty == [] and s.body() == {}


def test_numbers_compare_by_value(dialect) -> None:
    s = session(dialect)
    s.set("voice_similarity", 0.7 + 0.05)  # 0.75000000001 from float steps
    assert not s.is_dirty("voice_similarity")


def test_revert_one_and_all(dialect) -> None:
    s = session(dialect)
    s.set("assistant_name", "New")
    s.set("record_call", False)
    s.revert("assistant_name")
    assert s.dirty == ["record_call"]
    s.revert_all()
    assert s.dirty == [] and s.body() == {}


def test_changes_and_body_name_only_what_changed() -> None:
    s = session()
    s.set("end_call_tool.description", "Bye")
    s.set("phone_number_id", None)
    assert [(c.field, c.before, c.after) for c in s.changes()] == [
        ("phone_number_id", 31, None),
        ("end_call_tool.description", "Hang up when the caller says goodbye.", "Bye"),
    ]
    assert s.body() == {"phone_number_id": None, "end_call_tool": {"description": "Bye"}}


def test_on_2026_changes_and_body_name_only_what_changed_and_send_every_tool() -> None:
    s = session(Dialect.D2026, tools=[{"type": "end_call", "data": {"description": "Hang up."}},
                                      {"type": "dtmf_input", "data": {"description": "Press 1"}}])
    tools = [{"type": "end_call", "description": "Bye"}, {"type": "dtmf_input", "description": "Press 1"}]
    s.set("tools", tools)
    s.set("phone_number_id", None)
    s.set("max_call_duration", 900)
    assert [(c.field, c.before, c.after) for c in s.changes()] == [
        ("phone_number_id", 31, None),
        ("tools", [{"type": "end_call", "description": "Hang up."}, {"type": "dtmf_input", "description": "Press 1"}],
         tools),
        ("max_call_duration", 600, 900),
    ]
    assert s.body() == {"phone_number_id": None, "tools": tools, "max_duration": 900}


def test_a_rename_leaves_stored_out_of_range_values_alone(dialect) -> None:
    s = session(dialect, max_duration=1800, reengagement_interval=5)
    s.set("assistant_name", "Renamed")
    assert s.validate() == {}
    assert s.body() == {s.fields["assistant_name"].update_name: "Renamed"}
    # (and the schema's stored "boolean", which a save of the schema would send as "bool")
    flagged = {"max_call_duration", "re_engagement_interval", "post_call_schema"}
    if dialect is Dialect.D2026:  # and what the list does not report, as unknown
        assert {name for name, text in s.flags().items() if "not reported by the server" in text} == s.unreported
        flagged |= s.unreported
    assert set(s.flags()) == flagged


def test_server_errors_land_on_fields_and_clear_when_edited() -> None:
    s = session()
    s.set("speech_speed", 1.1)
    unplaced = s.apply_server_errors({
        "speech_speed": ["The speech speed must be between 0.7 and 1.2."],
        "post_call_schema.0.name": ["The name format is invalid."],
        "end_call_tool.description": ["Too long."],
        "account": ["Suspended."],
    })
    assert unplaced == {"account": "Suspended."}
    assert s.validate()["post_call_schema"] == "The name format is invalid."
    assert s.validate()["end_call_tool.description"] == "Too long."
    s.set("speech_speed", 1.15)
    assert "speech_speed" not in s.validate()


def test_on_2026_server_errors_land_on_fields_by_their_2026_names() -> None:
    s = session(Dialect.D2026)
    s.set("speech_speed", 1.1)
    unplaced = s.apply_server_errors({
        "speech_speed": ["The speech speed must be between 0.7 and 1.2."],
        "post_call_schema.0.name": ["The name format is invalid."],
        "tools.0.description": ["Too long."],
        "max_duration": ["Too long a call."],
        "name": ["Taken."],
        "end_call_tool.description": ["A 2025 key."],
    })
    assert unplaced == {"end_call_tool.description": "A 2025 key."}
    found = s.validate()
    assert found["post_call_schema"] == "The name format is invalid."
    assert found["tools"] == "Too long." and found["max_call_duration"] == "Too long a call."
    assert found["assistant_name"] == "Taken."
    s.set("speech_speed", 1.15)
    assert "speech_speed" not in s.validate()


def test_rebase_adopts_remote_changes_and_reports_conflicts(dialect) -> None:
    s = session(dialect)
    s.set("assistant_name", "Mine")
    s.set("speech_speed", 1.1)
    s.set("record_call", False)
    fresh = record(name="Theirs", max_duration=900, speech_speed="1.1", record=True)
    result = s.rebase(fresh)
    assert [(c.field, c.before, c.after) for c in result.adopted] == [("max_call_duration", 600, 900)]
    assert [(c.field, c.base, c.mine, c.theirs) for c in result.conflicts] == [
        ("assistant_name", "Front desk", "Mine", "Theirs")
    ]
    assert s.value("max_call_duration") == 900  # adopted
    assert s.dirty == ["assistant_name", "record_call"]  # speech_speed: both sides agree
    s.revert("assistant_name")  # "take theirs"
    assert s.value("assistant_name") == "Theirs"


def test_lookups_loaded_later_fill_in_names(dialect) -> None:
    s = EditSession(7, record(), None, catalogue(dialect))
    assert s.value("language") is None
    s.set_lookups(lookups())
    assert s.value("language") == "German" and s.dirty == []


# --- properties ---------------------------------------------------------------------------

def _value_strategy(field, dialect):
    if field.kind is Kind.BOOLEAN:
        return st.booleans()
    if field.kind is Kind.INTEGER:
        return st.integers(-5, 2000)
    if field.kind is Kind.NUMBER:
        return st.sampled_from([0, 0.05, 0.5, 0.7, 1, 1.2, 3, 5])
    if field.kind is Kind.KEY_VALUE:
        return st.dictionaries(st.text(max_size=5), st.text(max_size=5), max_size=3)
    if field.kind is Kind.SCHEMA:
        row = st.fixed_dictionaries({"name": st.text(max_size=4), "type": st.sampled_from(["string", "bool"]),
                                     "description": st.text(max_size=4)})
        return st.lists(row, max_size=2)
    if field.kind is Kind.ID_LIST:
        return st.lists(st.integers(1, 99), max_size=3)
    if field.kind is Kind.TOOLS:
        return st.lists(st.fixed_dictionaries({"type": st.sampled_from(["end_call", "dtmf_input"]),
                                               "description": st.text(max_size=4)}), max_size=2)
    if field.kind is Kind.PHRASES:
        return st.dictionaries(st.sampled_from(["positive", "neutral"]), st.lists(st.text(max_size=4), max_size=2),
                               max_size=2)
    if field.name in ("voice_id", "phone_number_id"):
        return st.sampled_from([11, 12, 21, 31, 32, None])
    if field.holds_id:
        return st.sampled_from([1, 2, 91, None])
    if field.lookup in (Lookup.LANGUAGES, Lookup.MODELS) and dialect is Dialect.D2026:
        # The 2026 body holds the id: a name no entry has cannot be written at all.
        return st.sampled_from(["German", "English"] if field.lookup is Lookup.LANGUAGES else ["GPT-4o", "GPT-4o mini"])
    return st.text(max_size=8)


def edits(dialect):
    return st.lists(
        st.one_of([st.tuples(st.just(f.name), _value_strategy(f, dialect)) for f in catalogue(dialect)]), max_size=12
    )


@given(data=st.data())
def test_dirty_iff_value_differs_and_body_keys_are_the_dirty_fields(dialect, data) -> None:
    s = session(dialect)
    set_names = set()
    for name, value in data.draw(edits(dialect), label="edits"):
        s.set(name, value)
        set_names.add(name)
    for spec in s.fields:
        differs = s.value(spec.name) != s.baseline[spec.name]
        if spec.kind is Kind.NUMBER and s.value(spec.name) is not None and s.baseline[spec.name] is not None:
            differs = abs(s.value(spec.name) - s.baseline[spec.name]) > 1e-9
        if spec.name in s.unreported:  # unknown: any value set is a change, None included
            differs = spec.name in set_names
        assert s.is_dirty(spec.name) == differs
    assert s.body() == to_body({name: s.value(name) for name in s.dirty}, s.fields, s.lookups)
    sent = {f"{key}.description" if key == "end_call_tool" else s.fields.by_update_name[key].name for key in s.body()}
    assert sent == set(s.dirty)
    s.revert_all()
    assert s.body() == {} and s.dirty == []


def test_every_field_is_editable(dialect) -> None:
    assert set(session(dialect).baseline) == set(catalogue(dialect).by_name)
