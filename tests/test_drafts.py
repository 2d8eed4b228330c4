"""Drafts: atomic, private files that bring a dropped session's edits back."""

from __future__ import annotations

import json
import os
import stat
import tempfile
from datetime import UTC, datetime
from pathlib import Path

import platformdirs
import pytest
from factories import lookups, record
from hypothesis import given
from hypothesis import strategies as st

from voicedesk import drafts
from voicedesk.drafts import Draft, DraftEdit, DraftError, DraftProblem, DraftStore, DraftWriter
from voicedesk.fields import CATALOGUE, Field, Kind
from voicedesk.paths import config_dir, state_dir
from voicedesk.session import EditSession
from voicedesk.settings import make_settings

HOST = "app.famulor.de"


def session(**overrides) -> EditSession:
    return EditSession(7, record(**overrides), lookups())


def edited_session() -> EditSession:
    s = session()
    s.set("assistant_name", "Empfang – Zahnarzt")
    s.set("speech_speed", 1.1)
    s.set("phone_number_id", None)
    s.set("variables", {"practice": "Zahnarzt Weber", "city": "Köln"})
    s.set("post_call_schema", [{"name": "callback", "type": "bool", "description": "Call back"}])
    return s


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.fixture
def store(tmp_path: Path) -> DraftStore:
    return DraftStore(tmp_path / "drafts")


# --- where files live ---------------------------------------------------------------------


def test_directories_follow_the_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("VOICEDESK_STATE_DIR", str(tmp_path / "state"))
    monkeypatch.setenv("VOICEDESK_CONFIG_DIR", str(tmp_path / "config"))
    assert (state_dir(), config_dir()) == (tmp_path / "state", tmp_path / "config")
    assert DraftStore().directory == tmp_path / "state" / "drafts"
    assert not (tmp_path / "state").exists()  # naming a directory does not create it

    monkeypatch.delenv("VOICEDESK_STATE_DIR")
    monkeypatch.delenv("VOICEDESK_CONFIG_DIR")
    assert state_dir() == platformdirs.user_state_path("voicedesk")
    assert config_dir() == platformdirs.user_config_path("voicedesk")


def test_saving_creates_private_directories_and_file(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("VOICEDESK_STATE_DIR", str(tmp_path / "deep" / "state"))
    store = DraftStore()
    store.save(Draft.from_session(edited_session(), HOST))
    for directory in (tmp_path / "deep", tmp_path / "deep" / "state", store.directory):
        assert mode(directory) == 0o700
    assert mode(store.path_for(HOST, 7)) == 0o600


@pytest.mark.parametrize(
    "host", ["127.0.0.1:8765", "../../etc/passwd", "a/b\\c", "", ".", "ünïcødé.example", "h" * 300, "x\udcff"]
)
def test_any_host_makes_a_safe_file_name(store: DraftStore, host: str) -> None:
    path = store.path_for(host, 7)
    assert path.parent == store.directory
    assert not path.name.startswith(".") and len(path.name.encode()) <= 100
    store.save(Draft(host, 7, "Front desk", {"speech_speed": DraftEdit(1.0, 1.1)}))
    assert store.load(host, 7).host == host


def test_similar_keys_get_different_files(store: DraftStore) -> None:
    names = {store.path_for(host, assistant_id) for host in ("a:b", "a_b", "a/b") for assistant_id in (1, 11)}
    assert len(names) == 6


# --- saving and loading --------------------------------------------------------------------


def test_round_trip_keeps_only_the_dirty_fields(store: DraftStore) -> None:
    draft = Draft.from_session(edited_session(), HOST)
    before = datetime.now(UTC).replace(microsecond=0)
    store.save(draft)

    loaded = store.load(HOST, 7)
    assert (loaded.host, loaded.assistant_id, loaded.assistant_name) == (HOST, 7, "Front desk")
    assert loaded.fields == draft.fields
    assert list(loaded.fields) == ["assistant_name", "phone_number_id", "variables", "post_call_schema", "speech_speed"]
    assert loaded.fields["speech_speed"] == DraftEdit(1.0, 1.1)
    assert before <= loaded.saved_at <= datetime.now(UTC)

    document = json.loads(store.path_for(HOST, 7).read_text())
    assert set(document) == {"format", "version", "host", "assistant_id", "assistant_name", "saved_at", "fields"}
    assert (document["format"], document["version"]) == ("voicedesk-draft", 1)
    assert all(set(entry) == {"base", "value"} for entry in document["fields"].values())


def test_a_draft_holds_field_values_and_nothing_of_the_connection(store: DraftStore) -> None:
    settings = make_settings(f"https://{HOST}", "fk_live_4f9a1c7e2b")
    store.save(Draft.from_session(edited_session(), settings.host))
    assert b"fk_live_4f9a1c7e2b" not in store.path_for(HOST, 7).read_bytes()


def test_a_draft_is_a_snapshot_of_the_session() -> None:
    s = edited_session()
    draft = Draft.from_session(s, HOST)
    s.current["variables"]["city"] = "Bonn"  # a widget mutating the value in place
    assert draft.fields["variables"].value["city"] == "Köln"


def test_a_draft_without_edits_removes_the_file(store: DraftStore) -> None:
    s = edited_session()
    store.save(Draft.from_session(s, HOST))
    s.revert_all()
    store.save(Draft.from_session(s, HOST))
    assert store.load(HOST, 7) is None and os.listdir(store.directory) == []


def test_no_draft_is_none_and_discard_is_idempotent(store: DraftStore) -> None:
    assert store.load(HOST, 7) is None
    store.save(Draft.from_session(edited_session(), HOST))
    store.discard(HOST, 7)
    store.discard(HOST, 7)
    assert store.load(HOST, 7) is None


@pytest.mark.parametrize("failing", ["os.fsync", "os.replace"])
def test_a_failed_write_keeps_the_previous_draft_and_no_temp_file(
    store: DraftStore, monkeypatch: pytest.MonkeyPatch, failing: str
) -> None:
    first = Draft.from_session(edited_session(), HOST)
    store.save(first)

    def broken(*args: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(failing, broken)
    second = Draft(HOST, 7, "Front desk", {"speech_speed": DraftEdit(1.0, 0.8)})
    with pytest.raises(DraftError, match="could not be saved .*No space left on device"):
        store.save(second)
    monkeypatch.undo()

    assert os.listdir(store.directory) == [store.path_for(HOST, 7).name]
    assert store.load(HOST, 7).fields == first.fields


def test_a_value_that_cannot_be_encoded_leaves_the_disk_alone(store: DraftStore, monkeypatch: pytest.MonkeyPatch) -> None:
    first = Draft.from_session(edited_session(), HOST)
    store.save(first)

    def broken(*args: object, **kwargs: object) -> str:
        raise TypeError("Object of type set is not JSON serializable")

    monkeypatch.setattr(drafts.json, "dumps", broken)
    with pytest.raises(TypeError):
        store.save(Draft(HOST, 7, "Front desk", {"speech_speed": DraftEdit(1.0, 0.8)}))
    monkeypatch.undo()

    assert os.listdir(store.directory) == [store.path_for(HOST, 7).name]
    assert store.load(HOST, 7).fields == first.fields


# --- drafts that cannot be trusted -----------------------------------------------------------


def draft_bytes(**overrides: object) -> bytes:
    """A valid draft file for assistant 7 on HOST, with some members replaced."""
    document = {
        "format": "voicedesk-draft",
        "version": 1,
        "host": HOST,
        "assistant_id": 7,
        "assistant_name": "Front desk",
        "saved_at": "2025-05-01T09:00:00+00:00",
        "fields": {"speech_speed": {"base": 1.0, "value": 1.1}},
    }
    return json.dumps({**document, **overrides}).encode()


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        (b'{"format": "voicedesk-draft", ', "not JSON"),
        (b"\xff\xfe\x00garbage", "not JSON"),
        (b"[1, 2]", "not a voicedesk draft"),
        (draft_bytes(format="something-else"), "not a voicedesk draft"),
        (draft_bytes(version=2), "it is version 2; this voicedesk reads version 1"),
        (draft_bytes(assistant_id="7"), "'assistant_id' is missing or not a whole number"),
        (draft_bytes(saved_at="yesterday"), "'saved_at' is not a time"),
        (draft_bytes(fields=[]), "'fields' is missing or not an object"),
        (draft_bytes(fields={"colour": {"base": 1, "value": 2}}), "unknown field 'colour'"),
        (
            draft_bytes(fields={"speech_speed": {"value": 2}}),
            "field 'speech_speed' is not a {base, value} pair",
        ),
        (
            draft_bytes(fields={"speech_speed": {"base": 1, "value": "fast"}}),
            "wrong type: speech_speed: expected a number",
        ),
        (draft_bytes(host="other.example"), "it is for assistant 7 on other.example"),
        (draft_bytes(assistant_id=8), "it is for assistant 8 on app.famulor.de"),
    ],
    ids=lambda value: value if isinstance(value, str) else "content",
)
def test_an_untrustworthy_draft_is_set_aside_with_a_message(store: DraftStore, content: bytes, reason: str) -> None:
    path = store.path_for(HOST, 7)
    store.directory.mkdir(parents=True)
    path.write_bytes(content)

    with pytest.raises(DraftProblem) as caught:
        store.load(HOST, 7)

    problem = caught.value
    assert str(problem) == (
        f"The draft for assistant 7 on app.famulor.de could not be read ({reason}); "
        f"it was set aside as {problem.set_aside}."
    )
    assert problem.set_aside.name.startswith(path.name + ".corrupt-")
    assert problem.set_aside.read_bytes() == content  # kept, never deleted
    assert store.load(HOST, 7) is None  # and it no longer blocks a fresh start


def test_a_draft_that_cannot_be_set_aside_says_where_it_is(store: DraftStore, monkeypatch: pytest.MonkeyPatch) -> None:
    path = store.path_for(HOST, 7)
    store.directory.mkdir(parents=True)
    path.write_bytes(b"not json")

    def refused(*args: object) -> None:
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr("os.replace", refused)
    with pytest.raises(DraftProblem) as caught:
        store.load(HOST, 7)
    assert caught.value.set_aside is None
    assert "setting it aside failed (Permission denied), so it is still at" in str(caught.value)
    assert path.read_bytes() == b"not json"


def test_list_shows_readable_drafts_newest_first_and_sets_aside_the_rest(store: DraftStore) -> None:
    assert store.list() == [] and store.problems == []
    older = Draft("127.0.0.1:8765", 101, "Demo", {"speech_speed": DraftEdit(1.0, 1.1)})
    newer = Draft.from_session(edited_session(), HOST)
    store.save(older)
    store.save(newer)
    older_path = store.path_for(older.host, 101)
    older_path.write_text(older_path.read_text().replace(_saved_at(older_path), "2020-01-01T00:00:00+00:00"))
    broken = store.directory / "stray.json"
    broken.write_text("{")

    listed = store.list()

    assert [(d.host, d.assistant_id, d.assistant_name, len(d.fields)) for d in listed] == [
        (HOST, 7, "Front desk", 5),
        ("127.0.0.1:8765", 101, "Demo", 1),
    ]
    assert listed[1].saved_at == datetime(2020, 1, 1, tzinfo=UTC)
    [problem] = store.problems
    assert str(problem).startswith("The draft file stray.json could not be read (not JSON); it was set aside as")
    assert not broken.exists() and problem.set_aside.exists()


def _saved_at(path: Path) -> str:
    return json.loads(path.read_text())["saved_at"]


# --- applying a draft to a fresh session -----------------------------------------------------


def test_apply_restores_every_edit_and_names_fields_changed_on_the_server(store: DraftStore) -> None:
    edited = edited_session()
    edited.set("ambient_sound_volume", 0.5)
    store.save(Draft.from_session(edited, HOST))

    # Meanwhile on the server: speech speed (edited here too) and temperature (not edited)
    # changed; the volume is the same number spelled differently.
    fresh = session(speech_speed="0.9", llm_temperature="0.2", ambient_sound_volume="0.30")
    changed_on_server = store.load(HOST, 7).apply_to(fresh)

    assert changed_on_server == ["speech_speed"]
    assert {name: fresh.current[name] for name in edited.dirty} == {name: edited.current[name] for name in edited.dirty}
    assert fresh.current["llm_temperature"] == 0.2


def test_apply_to_another_assistant_is_refused() -> None:
    draft = Draft.from_session(edited_session(), HOST)
    with pytest.raises(ValueError, match="assistant 7, not 8"):
        draft.apply_to(EditSession(8, record(id=8), lookups()))


# --- debounced writing -------------------------------------------------------------------------


class RecordingStore:
    """Stands in for DraftStore: remembers what was saved, or fails on request."""

    def __init__(self) -> None:
        self.saved: list[Draft] = []
        self.failing = False

    def save(self, draft: Draft) -> None:
        if self.failing:
            raise DraftError("The draft could not be saved: disk full.")
        self.saved.append(draft)


def draft_of(speed: float) -> Draft:
    return Draft(HOST, 7, "Front desk", {"speech_speed": DraftEdit(1.0, speed)})


def test_a_write_is_due_one_debounce_after_the_first_edit() -> None:
    store = RecordingStore()
    writer = DraftWriter(store, debounce=1.0)
    assert not writer.due(100.0) and not writer.flush_if_due(100.0)

    writer.schedule(lambda: draft_of(1.1), now=0.0)
    writer.schedule(lambda: draft_of(1.15), now=0.6)  # replaces what will be written, not when
    assert writer.pending and not writer.due(0.99)
    assert writer.flush_if_due(1.0)
    assert [d.fields["speech_speed"].value for d in store.saved] == [1.15]
    assert not writer.pending and not writer.flush_if_due(5.0)


def test_steady_typing_writes_about_once_per_debounce_and_never_late() -> None:
    store = RecordingStore()
    writer = DraftWriter(store, debounce=1.0)
    written_at: list[float] = []
    last_edit = 0.0
    for tick in range(1, 101):  # a 50 ms timer over 5 s, an edit every 150 ms
        now = tick * 0.05
        if tick % 3 == 0:
            writer.schedule(lambda now=now: draft_of(now), now=now)
            last_edit = now
        if writer.flush_if_due(now):
            written_at.append(now)
            assert store.saved[-1].fields["speech_speed"].value == last_edit  # the latest state
    assert 4 <= len(written_at) <= 5
    assert all(later - earlier >= 1.0 - 1e-9 for earlier, later in zip(written_at, written_at[1:]))
    writer.flush()  # quitting: whatever is pending goes out now
    assert not writer.pending and store.saved[-1].fields["speech_speed"].value == last_edit


def test_flush_writes_now_only_if_something_is_pending() -> None:
    store = RecordingStore()
    writer = DraftWriter(store)
    assert not writer.flush()
    writer.schedule(lambda: draft_of(1.1), now=0.0)
    assert writer.flush() and len(store.saved) == 1
    assert not writer.flush()


def test_a_failed_write_stays_pending_and_is_retried_a_debounce_later() -> None:
    store = RecordingStore()
    writer = DraftWriter(store, debounce=1.0)
    writer.schedule(lambda: draft_of(1.1), now=0.0)
    store.failing = True
    with pytest.raises(DraftError):
        writer.flush_if_due(1.0)
    assert writer.pending and not writer.due(1.5)
    store.failing = False
    assert writer.flush_if_due(2.0) and len(store.saved) == 1


def test_cancel_forgets_a_pending_write() -> None:
    store = RecordingStore()
    writer = DraftWriter(store)
    writer.schedule(lambda: draft_of(1.1), now=0.0)
    writer.cancel()
    assert not writer.flush_if_due(10.0) and store.saved == []


def test_the_writer_drives_a_real_store(store: DraftStore) -> None:
    s = edited_session()
    writer = DraftWriter(store, debounce=0.5)
    writer.schedule(lambda: Draft.from_session(s, HOST), now=0.0)
    assert store.load(HOST, 7) is None
    writer.flush_if_due(0.5)
    assert store.load(HOST, 7).fields == Draft.from_session(s, HOST).fields


# --- any edits survive the round trip --------------------------------------------------------

# Text includes lone surrogates: a terminal can deliver them and a draft must keep them.
_text = st.text(st.characters(exclude_categories=()), max_size=40)


def _values(field: Field) -> st.SearchStrategy:
    kind = field.kind
    if kind is Kind.BOOLEAN:
        value = st.booleans()
    elif kind is Kind.INTEGER:
        value = st.integers()
    elif kind is Kind.NUMBER:
        value = st.floats(allow_nan=False, allow_infinity=False) | st.integers(-(10**15), 10**15)
    elif kind is Kind.CHOICE:
        value = st.sampled_from([choice.value for choice in field.choices]) | _text
    elif kind is Kind.KEY_VALUE:
        value = st.dictionaries(_text, _text, max_size=4)
    elif kind is Kind.SCHEMA:
        types = st.sampled_from(["string", "number", "bool"])
        row = st.fixed_dictionaries({"name": _text, "type": types, "description": _text})
        value = st.lists(row, max_size=3)
    elif field.name in ("voice_id", "phone_number_id"):
        value = st.integers(min_value=0)
    else:
        value = _text
    return st.none() | value


_edits = st.lists(st.one_of([st.tuples(st.just(f.name), _values(f)) for f in CATALOGUE]), max_size=12)


@given(_edits)
def test_any_edits_survive_a_draft_round_trip_exactly(edits: list[tuple[str, object]]) -> None:
    edited = session()
    for name, value in edits:
        edited.set(name, value)
    draft = Draft.from_session(edited, HOST)

    with tempfile.TemporaryDirectory() as directory:
        store = DraftStore(Path(directory))
        store.save(draft)
        loaded = store.load(HOST, 7)
    if not draft.fields:
        assert loaded is None
        return
    assert repr(loaded.fields) == repr(draft.fields)  # repr tells 1 from 1.0 and True from 1

    fresh = session()
    assert loaded.apply_to(fresh) == []
    assert repr(fresh.changes()) == repr(edited.changes())

