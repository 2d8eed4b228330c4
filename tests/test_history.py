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


# --- every reader, every kind of bad line -------------------------------------------------------

GOOD_BEFORE = line(assistant_id=101, changes=[{"field": "speech_speed", "before": 1.0, "after": 1.1}])
GOOD_AFTER = line(assistant_id=101, time="2025-05-02T09:00:00+00:00",
                  changes=[{"field": "record_call", "before": True, "after": False}])


def _deep(levels: int) -> bytes:
    return line(assistant_id=101, changes=[{"field": "variables", "before": {}, "after": None}]).replace(
        b"{}", b"[" * levels + b"]" * levels
    )


# Lines no reader can use: skipped, counted, and named by number.
SKIPPED = {
    "cut off mid-write": GOOD_BEFORE[:50],
    "not an object": b"[1, 2]",
    "null": b"null",
    "a time that is none": line(time="yesterday"),
    "an id as text": line(assistant_id="101"),
    "an id as a boolean": line(assistant_id=True),
    "changes not a list": line(changes={"field": "speech_speed"}),
    "a change without after": line(changes=[{"field": "speech_speed", "before": 1}]),
    "a field name that is a number": line(changes=[{"field": 5, "before": 1, "after": 2}]),
    "not UTF-8": b'{"time": "2025-05-01T09:00:00+00:00", "host": "h\xff\xfe"}',
    "nested 100,000 deep": _deep(100_000),
    "nested 500 deep": _deep(500),
    "a 5,000-digit id": line().replace(b'"assistant_id": 7', b'"assistant_id": ' + b"9" * 5000),
    "NUL bytes": b"\x00\x00" + line(),
}
HOSTILE = "\x1b[2J\x1b]52;c;ZXZpbA==\x07\u202eevil\x9b31m\x00"
# Lines with something this version cannot show as usual: shown, with what they hold made safe.
SHOWN = {
    "an unknown field": (line(assistant_id=101, changes=[{"field": "colour", "before": 1, "after": "red"}]), "colour"),
    "a number as text": (line(assistant_id=101, changes=[{"field": "speech_speed", "before": "fast", "after": [1]}]),
                         '"fast"'),
    "variables as a list": (line(assistant_id=101, changes=[{"field": "variables", "before": [1], "after": {}}]),
                            "[1]"),
    "a voice as an object": (line(assistant_id=101, changes=[{"field": "voice_id", "before": {"a": 1}, "after": 2}]),
                             '{"a": 1}'),
    "a switch as text": (line(assistant_id=101, changes=[{"field": "record_call", "before": "x", "after": None}]),
                         '"x"'),
    "schema rows as numbers": (line(assistant_id=101, changes=[{"field": "post_call_schema", "before": [1],
                                                                 "after": []}]), "[1]"),
    "NaN and Infinity": (line(assistant_id=101, changes=[{"field": "speech_speed", "before": float("nan"),
                                                          "after": float("inf")}]), "NaN"),
    "hostile text everywhere": (line(assistant_id=101, host=HOSTILE, assistant_name=HOSTILE,
                                     changes=[{"field": HOSTILE, "before": HOSTILE, "after": {HOSTILE: HOSTILE}},
                                              {"field": "assistant_name", "before": HOSTILE, "after": "x"}]),
                                "evil"),
    "a lone surrogate": (line(assistant_id=101, assistant_name="\udcff",
                              changes=[{"field": "assistant_name", "before": "\udcff", "after": "\ud800x"}]), "x"),
}
RAW = ("\x1b", "\x9b", "\x07", "\x00", "\u202e")  # nothing of these may reach a terminal


def _cli(*args: str):
    from click.testing import CliRunner

    from voicedesk.cli import main

    result = CliRunner().invoke(main, list(args))
    assert result.exception is None or isinstance(result.exception, SystemExit), (args, result.output)
    assert "Traceback" not in result.output
    assert not any(char in result.stdout + result.stderr for char in RAW), (args, result.output)
    return result


async def test_every_reader_survives_every_kind_of_bad_history(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    from textual.widgets import OptionList, Static

    from tui_helpers import make_app, open_editor, wait_until
    from voicedesk.sandbox import Sandbox
    from voicedesk.tui.screens.history import HistoryScreen

    path = History().path
    path.parent.mkdir(parents=True, exist_ok=True)
    cases = 0
    with Sandbox(rate_limit=None) as sandbox:
        app = make_app(sandbox, 101)
        async with app.run_test(size=(120, 36)) as pilot:
            editor = await open_editor(pilot)
            host = app.client.host

            async def screen_text() -> tuple[str, str]:
                editor.action_history()  # what the palette's "Show history" runs
                await wait_until(pilot, lambda: isinstance(app.screen, HistoryScreen)
                                 and bool(app.screen.query("#history-title")))
                screen = app.screen
                title = str(screen.query_one("#history-title", Static).render())
                # The saves are a list (Enter opens one): its entries, or the error in their place.
                listed = [str(option.prompt) for found in screen.query("#history-list").results(OptionList)
                          for option in found.options]
                body = " ".join([str(static.render()) for static in screen.query("#history-body Static")] + listed)
                await pilot.press("escape")
                await wait_until(pilot, lambda: app.screen is editor)
                return title, body

            def good(content: bytes) -> bytes:
                # The good lines name the app's host, so the editor's history shows them.
                return content.replace(b'"host": "app.famulor.de"', f'"host": "{host}"'.encode())

            for name, (bad, shown) in {**{k: (v, None) for k, v in SKIPPED.items()}, **SHOWN}.items():
                path.write_bytes(good(GOOD_BEFORE) + b"\n" + good(bad) + b"\n\n   \n" + good(GOOD_AFTER) + b"\n")
                listing, as_json, one = _cli("history"), _cli("history", "--json"), _cli("history", "101")
                for result in (listing, as_json, one):
                    assert result.exit_code == 0, (name, result.output)
                    if shown is None:
                        assert result.stderr == f"warning: skipped 1 unreadable line in {path} (line 2).\n", name
                    else:
                        assert result.stderr == "", (name, result.stderr)
                for result in (listing, one):
                    assert "speech_speed: 1 x -> 1.1 x" in result.stdout and "record_call: on -> off" in result.stdout
                    assert shown is None or shown in result.stdout, (name, result.stdout)
                times = [json.loads(text)["time"] for text in as_json.stdout.splitlines()]
                assert len(times) == (2 if shown is None else 3), name
                assert (times[0], times[-1]) == ("2025-05-01T09:00:00+00:00", "2025-05-02T09:00:00+00:00")
                title, body = await screen_text()
                assert not any(char in title + body for char in RAW), name
                assert "Speech speed: 1 x  →  1.1 x" in body and "Record call: on  →  off" in body, (name, body)
                if shown is None:
                    assert "2 saves  ·  1 unreadable line(s) skipped (2)" in title, (name, title)
                elif "host" not in name:  # a hostile host is another host: not this one's history
                    assert "3 saves" in title and shown in body, (name, title, body)
                cases += 4  # four readers

            # Nothing readable: the CLI says so and fails; the screen says so.
            path.write_bytes(b"\n".join(SKIPPED.values()) + b"\n")
            for args in (("history",), ("history", "--json"), ("history", "101")):
                result = _cli(*args)
                assert result.exit_code == 2 and result.stderr == (
                    f"error: none of the {len(SKIPPED)} lines of {path} could be read as a saved change.\n"
                ), result.output
            title, body = await screen_text()
            assert f"0 saves  ·  {len(SKIPPED)} unreadable line(s) skipped (1, 2, 3, 4, 5, …)" in title
            cases += 4

            # A directory where the file belongs.
            path.unlink()
            path.mkdir()
            for args in (("history",), ("history", "--json"), ("history", "101")):
                result = _cli(*args)
                assert result.exit_code == 2 and result.stderr == (
                    f"error: the history file {path} could not be read: Is a directory.\n"
                ), result.output
            title, body = await screen_text()
            assert "not readable" in title and f"The history file {path} could not be read: Is a directory." in body
            cases += 4
            assert app.is_running
    print(f"bad history: {cases} cases ({len(SKIPPED)} kinds of unreadable line, {len(SHOWN)} kinds shown "
          "as they are, all bad, a directory; 4 readers each)")
