"""A 200 is no proof. After every save the assistant is read back; a sent field the
server did not take (a host of the other dialect ignores the keys it does not know) is
an error: the CLI exits 2 naming it, the TUI marks it, and the user's value stays an
unsaved edit (and in the draft). Against the real sandboxes over loopback."""

from __future__ import annotations

import asyncio
from dataclasses import replace

import pytest
from click.testing import CliRunner

from tui_helpers import draft_files, open_editor, puts, wait_until
from voicedesk.api import ApiClient
from voicedesk.cli import main
from voicedesk.history import History
from voicedesk.remote import open_session, save
from voicedesk.sandbox import DEMO_API_KEY, Sandbox
from voicedesk.settings import make_settings
from voicedesk.tui.app import VoicedeskApp

# One edit of each setting the two dialects name differently, as the seed's sends them.
EDITS_2025 = {
    "assistant_name": "Renamed",
    "max_call_duration": 900,
    "record_call": False,
    "calls_direction": "make",
    "who_speaks_first": "Customer",
    "end_call_tool.description": "Say goodbye first.",
}


@pytest.fixture
def sandbox_2026():
    with Sandbox(rate_limit=None, dialect="2026") as sandbox:
        yield sandbox


async def _save_pinned(sandbox: Sandbox, dialect: str, edits: dict) -> tuple:
    async with ApiClient(sandbox.base_url, DEMO_API_KEY, dialect=dialect) as client:
        session, _ = await open_session(client, 101)
        for name, value in edits.items():
            session.set(name, value)
        result = await save(client, session, history=History())
    return session, result


@pytest.mark.parametrize("name", sorted(EDITS_2025))
def test_a_2025_body_to_a_2026_host_is_not_taken_and_stays_an_edit(sandbox_2026, name) -> None:
    before = dict(sandbox_2026.assistant(101))
    session, result = asyncio.run(_save_pinned(sandbox_2026, "2025", {name: EDITS_2025[name]}))
    assert len(puts(sandbox_2026)) == 1  # it was sent, and answered 200 ...
    assert {k: v for k, v in sandbox_2026.assistant(101).items() if k != "updated_at"} == \
        {k: v for k, v in before.items() if k != "updated_at"}  # ... and changed nothing
    assert [change.field for change in result.not_taken] == [name] and result.nothing_taken
    assert session.dirty == [name] and session.value(name) == EDITS_2025[name]
    assert "did not take" in session.validate()[name]
    assert History().entries(101) == []  # nothing is recorded as saved


def test_what_was_taken_is_saved_and_only_the_rest_stays(sandbox_2026) -> None:
    # speech_speed has one name in both dialects: taken; the name is not.
    edits = {"assistant_name": "Renamed", "speech_speed": 0.9}
    session, result = asyncio.run(_save_pinned(sandbox_2026, "2025", edits))
    assert [c.field for c in result.taken] == ["speech_speed"]
    assert [c.field for c in result.not_taken] == ["assistant_name"]
    assert not result.nothing_taken and session.dirty == ["assistant_name"]
    assert [c.field for c in History().entries(101)[0].changes] == ["speech_speed"]


def test_the_same_edits_in_the_right_dialect_are_taken(sandbox_2026) -> None:
    session, result = asyncio.run(_save_pinned(sandbox_2026, "auto", {
        "assistant_name": "Renamed", "speech_speed": 0.9, "calls_direction": "make", "tools": []}))
    assert result.not_taken == [] and session.dirty == []
    stored = sandbox_2026.assistant(101)
    kept = (stored["name"], stored["speech_speed"], stored["type"], stored["tools"])
    assert kept == ("Renamed", "0.9", "outbound", [])
    assert len(History().entries(101)) == 1


def test_the_cli_exits_2_naming_what_was_not_taken(sandbox_2026) -> None:
    result = CliRunner().invoke(main, ["--base-url", sandbox_2026.base_url, "--api-key", DEMO_API_KEY,
                                       "--dialect", "2025", "set", "101", "assistant_name=Renamed",
                                       "record_call=off", "--yes"])
    assert result.exit_code == 2
    assert "error: assistant_name: the server answered 200 but holds" in result.stderr
    assert "the server did not take assistant_name, record_call" in result.stderr
    assert "the host may speak the other dialect" in result.stderr
    assert "Saved" not in result.stdout


async def test_the_editor_marks_the_fields_and_keeps_the_values(sandbox_2026) -> None:
    app = VoicedeskApp(replace(make_settings(sandbox_2026.base_url, DEMO_API_KEY), dialect="2025"), 101)
    async with app.run_test(size=(120, 36)) as pilot:
        editor = await open_editor(pilot)
        assert editor.editing.session.fields.dialect.value == "2025"
        editor.editing.session.set("assistant_name", "Renamed")
        editor.rows["assistant_name"].reload()
        assert await editor.editing.saving.save() is False  # not saved: the review stays
        await pilot.pause()
        assert editor.editing.session.dirty == ["assistant_name"]
        assert editor.editing.session.value("assistant_name") == "Renamed"
        row = editor.rows["assistant_name"]
        await wait_until(pilot, lambda: row.has_class("-error"))
        await wait_until(pilot, lambda: any("Renamed" in path.read_text() for path in draft_files()))
        assert sandbox_2026.assistant(101)["name"] != "Renamed"
