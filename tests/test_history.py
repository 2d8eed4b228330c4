"""History: an append-only, private record of what was changed on which assistant."""

from __future__ import annotations

import json
import stat
import threading
from datetime import UTC, datetime
from pathlib import Path

import pytest
from factories import lookups, record

from voicedesk.history import History
from voicedesk.session import Change, EditSession

HOST = "app.famulor.de"


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.fixture
def history(tmp_path: Path) -> History:
    return History(tmp_path / "state" / "history.jsonl")


def test_default_path_is_in_the_state_dir(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("VOICEDESK_STATE_DIR", str(tmp_path))
    assert History().path == tmp_path / "history.jsonl"


def test_a_session_s_changes_are_recorded_and_read_back(history: History) -> None:
    session = EditSession(7, record(), lookups())
    session.set("speech_speed", 1.1)
    session.set("phone_number_id", None)
    session.set("variables", {"city": "Köln"})
    before = datetime.now(UTC).replace(microsecond=0)

    written = history.append(HOST, 7, session.name, session.changes())

    [entry] = history.entries()
    assert entry == written
    assert (entry.host, entry.assistant_id, entry.assistant_name) == (HOST, 7, "Front desk")
    assert entry.changes == [
        Change("phone_number_id", 31, None),
        Change("variables", {"practice": "Zahnarzt Weber"}, {"city": "Köln"}),
        Change("speech_speed", 1.0, 1.1),
    ]
    assert before <= entry.time <= datetime.now(UTC)
    assert history.skipped == 0


def test_one_json_line_per_save_in_a_private_file(history: History) -> None:
    history.append(HOST, 7, "Front desk", [Change("record_call", True, False)])
    history.append(HOST, 7, "Front desk", [Change("speech_speed", 1.0, 0.9)])
    lines = history.path.read_text().splitlines()
    assert len(lines) == 2
    assert set(json.loads(lines[0])) == {"time", "host", "assistant_id", "assistant_name", "changes"}
    assert json.loads(lines[0])["changes"] == [{"field": "record_call", "before": True, "after": False}]
    assert mode(history.path) == 0o600 and mode(history.path.parent) == 0o700


def test_entries_filter_by_assistant_and_host_oldest_first(history: History) -> None:
    history.append(HOST, 7, "Front desk", [Change("speech_speed", 1.0, 1.1)])
    history.append("127.0.0.1:8765", 7, "Demo", [Change("record_call", True, False)])
    history.append(HOST, 8, "Back office", [Change("assistant_name", "Office", "Back office")])
    history.append(HOST, 7, "Front desk", [Change("speech_speed", 1.1, 1.2)])

    def key(entries: list) -> list[tuple[str, int, object]]:
        return [(e.host, e.assistant_id, e.changes[0].after) for e in entries]

    assert key(history.entries(assistant_id=7)) == [(HOST, 7, 1.1), ("127.0.0.1:8765", 7, False), (HOST, 7, 1.2)]
    assert key(history.entries(host=HOST)) == [(HOST, 7, 1.1), (HOST, 8, "Back office"), (HOST, 7, 1.2)]
    assert key(history.entries(assistant_id=7, host=HOST)) == [(HOST, 7, 1.1), (HOST, 7, 1.2)]
    assert len(history.entries()) == 4


def test_no_file_means_no_entries(history: History) -> None:
    assert history.entries() == [] and history.skipped == 0
    assert not history.path.parent.exists()  # reading creates nothing


def line(**overrides: object) -> bytes:
    """A valid history line, with some members replaced."""
    entry = {"time": "2025-05-01T09:00:00+00:00", "host": HOST, "assistant_id": 7, "assistant_name": "n", "changes": []}
    return json.dumps({**entry, **overrides}).encode()


def test_unreadable_lines_are_skipped_and_counted(history: History) -> None:
    history.append(HOST, 7, "Front desk", [Change("speech_speed", 1.0, 1.1)])
    good = history.path.read_bytes()
    broken_lines = [
        line()[:40],  # cut off mid-write
        b"[1, 2, 3]",
        line(time="yesterday"),
        line(assistant_id=True),
        line(changes=[{"field": "speech_speed"}]),
        b"\xff\xfe not utf-8",
    ]
    history.path.write_bytes(good + b"\n".join(broken_lines) + b"\n\n" + good)

    entries = history.entries()

    assert len(entries) == 2 and history.skipped == len(broken_lines)
    assert entries[0] == entries[1]  # the good line before and after the damage


def test_a_time_without_zone_is_read_as_utc(history: History) -> None:
    history.path.parent.mkdir(parents=True)
    history.path.write_bytes(line(time="2025-05-01T09:00:00") + b"\n")
    assert history.entries()[0].time == datetime(2025, 5, 1, 9, tzinfo=UTC)


def test_concurrent_appends_never_interleave(history: History) -> None:
    # Large lines make a torn write likely if the line were written in pieces.
    def save_many(worker: int) -> None:
        for n in range(25):
            change = Change("system_prompt", "x" * 30_000, f"{worker}-{n}")
            history.append(HOST, worker, f"Assistant {worker}", [change])

    workers = [threading.Thread(target=save_many, args=(worker,)) for worker in range(8)]
    for thread in workers:
        thread.start()
    for thread in workers:
        thread.join()

    entries = history.entries()
    assert history.skipped == 0 and len(entries) == 200
    for worker in range(8):
        afters = [e.changes[0].after for e in history.entries(assistant_id=worker)]
        assert afters == [f"{worker}-{n}" for n in range(25)]
