"""A 422 is shown whole: its own message and every entry, whatever key it names and
whatever shape it has. The CLI prints them all; the TUI puts what names a field on the
field and shows the rest in its notice and in the review."""

from __future__ import annotations

import pytest
from click.testing import CliRunner
from textual.widgets import Static

from factories import lookups, record
from tui_helpers import make_app, open_editor, puts, wait_until
from voicedesk.cli import main
from voicedesk.sandbox import DEMO_API_KEY, Fault, Sandbox
from voicedesk.session import EditSession
from voicedesk.tui.screens.review import ReviewScreen

PUT_PATH = "/api/user/assistant/"

# (the 422's body, every line the CLI must print before its last one)
BODIES = [
    ({"message": "The given data was invalid.", "errors": {
        "speech_speed": ["Too fast.", "Really too fast."],
        "account": ["Suspended until the invoice is paid."],
        "tools.3.phone_number": "Not a number this account owns.",
        "flags": [5, {"code": "E42"}],
    }}, ["error: speech_speed: Too fast.", "error: speech_speed: Really too fast.",
         "error: account: Suspended until the invoice is paid.",
         "error: tools.3.phone_number: Not a number this account owns.",
         "error: flags: 5", 'error: flags: {"code": "E42"}']),
    ({"message": "Validation failed", "errors": ["Name is required.", "Line\none\x1b[2J"]},
     ["error: Name is required.", "error: Line one␛[2J"]),
    ({"message": "Assistant is locked by another edit."}, []),
    ({"errors": {"record_call": "Recording is not in your plan."}},
     ["error: record_call: Recording is not in your plan."]),
    ({}, []),
]


@pytest.mark.parametrize(("body", "lines"), BODIES, ids=["by-field", "as-list", "message-only", "text", "empty"])
def test_the_cli_prints_the_422s_message_and_every_entry(body, lines) -> None:
    with Sandbox(rate_limit=None) as sb:
        sb.fail_next(1, Fault.status(422, body), path=PUT_PATH)
        result = CliRunner().invoke(
            main, ["--base-url", sb.base_url, "--api-key", DEMO_API_KEY, "set", "101", "speech_speed=0.9", "--yes"]
        )
        assert [put.status for put in puts(sb)] == [422]
    assert result.exit_code == 2 and "Traceback" not in result.output
    printed = result.stderr.splitlines()
    assert printed[:-1] == lines
    said = body.get("message", "").rstrip(".")
    assert printed[-1] == (f"error: the server rejected the change (422{': ' + said if said else ''}); "
                           "nothing was saved.")


def test_what_names_no_field_becomes_the_sessions_notes_until_an_edit() -> None:
    session = EditSession(7, record(), lookups())
    session.set("speech_speed", 1.1)
    unplaced = session.apply_server_errors(
        {"speech_speed": ["Too fast."], "account": ["Suspended."], "": ["Try later."]}, "Validation failed"
    )
    assert unplaced == {"account": "Suspended.", "": "Try later."}
    assert session.server_notes == ["Validation failed", "account: Suspended.", "Try later."]
    assert session.validate()["speech_speed"] == "Too fast."
    session.set("record_call", False)  # the body the server answered is no longer the one to send
    assert session.server_notes == []


async def test_the_editor_shows_every_message_of_a_422() -> None:
    with Sandbox(rate_limit=None) as sb:
        sb.fail_next(1, Fault.status(422, {
            "message": "The given data was invalid.",
            "errors": {"voice_stability": ["Out of stock."], "account": ["Suspended until paid."]},
        }), path=PUT_PATH)
        app = make_app(sb, 101)
        async with app.run_test(size=(120, 36)) as pilot:
            editor = await open_editor(pilot)
            await editor.focus_field("voice_stability")
            await wait_until(pilot, lambda: editor.rows["voice_stability"].control_has_focus)
            await pilot.press("left")
            await pilot.press("ctrl+s")
            await wait_until(pilot, lambda: isinstance(app.screen, ReviewScreen))
            review = app.screen
            await pilot.press("ctrl+s")
            await wait_until(pilot, lambda: bool(editor.editing.session.server_notes))
            await wait_until(pilot, lambda: review.query_one("#review-server-notes").display)
            # The notice: the message, what names no field, and where the rest went.
            notice = next(str(n.message) for n in app._notifications if "Not saved" == n.title)
            for text in ("The given data was invalid", "account: Suspended until paid.",
                         "Marked on the fields: Voice stability.", "Your edits are kept."):
                assert text in notice, notice
            # The review: the same, beside the problem on the field.
            shown = str(review.query_one("#review-server-notes", Static).render())
            assert "The given data was invalid" in shown and "account: Suspended until paid." in shown
            await pilot.press("escape")
            row = editor.rows["voice_stability"]
            assert "Out of stock." in str(row.query_one(".field-message", Static).render())
            # An edit makes the answer stale: the next review shows no old notes.
            await pilot.press("left")
            await pilot.press("ctrl+s")
            await wait_until(pilot, lambda: isinstance(app.screen, ReviewScreen))
            assert not app.screen.query_one("#review-server-notes").display
        assert len(puts(sb)) == 1
