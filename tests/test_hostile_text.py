"""Hostile text from the server (markup, ANSI escapes, control characters, right-to-left
text, emoji, 1 MB strings) is displayed literally and cannot drive the terminal: in the
TUI's every screen and in the CLI's output. An untouched value stays byte-exact."""

from __future__ import annotations

import io
import json
import re

import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st
from rich.console import Console
from textual.widgets import OptionList

from tui_helpers import make_app, open_editor, puts, wait_until
from voicedesk.cli import main
from voicedesk.display import for_terminal, safe_text, to_json
from voicedesk.sandbox import DEMO_API_KEY, Fault, Sandbox
from voicedesk.text import reveal_controls
from voicedesk.tui.screens.help import HelpScreen
from voicedesk.tui.screens.review import ReviewScreen
from voicedesk.tui.widgets import AssistantTable

# What must never reach a terminal from data: C0 (but newline), DEL, C1, bidi controls,
# line separators and lone surrogates.
RAW_CONTROL = re.compile(
    "[\x00-\x09\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069\ud800-\udfff]")

HOSTILE = [
    "[b]bold[/b] [@click=app.quit]quit[/] [link=https://evil.example]x[/link]",
    "\x1b[2J\x1b[H\x1b]0;pwned\x07 cleared? \x1b[31mred\x1b[0m",
    "tab\there\rcarriage\x08back\x00nul\x7fdel\x9b31mC1",
    "مرحبا بالعالم \u202eevil\u202c שלום",
    "🎧📞🤖 サポート 客服 ☎️",
]

hostile_text = st.text(
    st.one_of(
        st.sampled_from(list("[]/@=\x1b\x07\x00\x7f\x9b\u202e\u2066 \n\t")),
        st.characters(codec="utf-8", exclude_categories=["Cs"]),
    ),
    max_size=200,
)
# Any string Python can hold, lone surrogates and the stand-ins themselves included.
any_text = st.text(
    st.one_of(st.characters(), st.sampled_from(list("\u2400\u241b\u2421\u2424\u23ce\ufffd\ue09b<>U+"))),
    max_size=60,
)


@given(any_text)
def test_shown_text_has_no_raw_controls(text) -> None:
    assert not RAW_CONTROL.search(safe_text(text))
    assert "\n" not in safe_text(text)
    assert not RAW_CONTROL.search(for_terminal(text).replace("\n", "").replace("\t", ""))  # kept
    assert for_terminal(for_terminal(text)) == for_terminal(text)  # a guard: twice is once
    assert for_terminal(safe_text(text)) == safe_text(text)
    shown = reveal_controls(text)
    assert not RAW_CONTROL.search(shown) and len(shown) == len(text)
    dumped = to_json({"value": text})
    assert not RAW_CONTROL.search(dumped.replace("\n", "")) and json.loads(dumped) == {"value": text}


@settings(max_examples=400)
@given(any_text, any_text)
def test_different_texts_never_look_the_same(one, other) -> None:
    """The review and the CLI's plan show values through safe_text: a difference that
    will be sent is always visible (a literal "␛" is not an ESC, a tab not a space)."""
    if one != other:
        assert safe_text(one) != safe_text(other)
        assert safe_text(one, keep_newlines=True) != safe_text(other, keep_newlines=True)


def hostile_sandbox() -> Sandbox:
    sandbox = Sandbox(rate_limit=None).start()
    sandbox.edit_assistant(
        101,
        name=HOSTILE[0] + HOSTILE[1],
        initial_message="\n".join(HOSTILE),
        system_prompt=HOSTILE[2] + "x" * 1_000_000,  # a 1 MB prompt
        variables={"greeting": HOSTILE[1], "rtl": HOSTILE[3]},
        post_call_schema=[{"name": "ok", "type": "string", "description": HOSTILE[2]}],
    )
    sandbox.edit_assistant(102, name=HOSTILE[2] + HOSTILE[3] + HOSTILE[4])
    with sandbox.lock:
        sandbox.data.voices[0]["name"] = HOSTILE[1]
    return sandbox


@pytest.fixture
def sandbox():
    server = hostile_sandbox()
    yield server
    server.stop()


def terminal_text(app) -> str:
    """What the current screen sends to a terminal, as text (styles aside)."""
    console = Console(width=app.size.width, file=io.StringIO(), force_terminal=True, record=True)
    console.print(app.screen._compositor.render_update(full=True, screen_stack=app._background_screens))
    return console.export_text(styles=False)


def assert_safe(app) -> str:
    text = terminal_text(app)
    found = RAW_CONTROL.search(text)
    assert found is None, f"raw control {found.group()!r} near {text[max(0, found.start() - 30):found.end() + 30]!r}"
    return text


async def test_every_screen_shows_hostile_text_literally_and_safely(sandbox) -> None:
    app = make_app(sandbox)
    async with app.run_test(size=(120, 36)) as pilot:
        await wait_until(pilot, lambda: app.screen.query_one("#picker-table", AssistantTable).row_count == 14)
        assert "[@click=app.quit]" in assert_safe(app)
        await pilot.press(*"bold", "enter")
        editor = await open_editor(pilot)
        shown = assert_safe(app)
        assert "[b]bold[/b]" in shown and "␛[2J" in shown
        for field in ("voice_id", "variables", "post_call_schema", "initial_message", "system_prompt"):
            await editor.focus_field(field)
            await pilot.pause()
            assert_safe(app)
        assert editor.editing.session.dirty == []  # shown, not changed
        await editor.focus_field("voice_id")
        await wait_until(pilot, lambda: editor.rows["voice_id"].control_has_focus)
        await pilot.press("enter")  # the searchable list, holding the hostile voice name
        await pilot.pause()
        assert "␛[2J" in assert_safe(app)
        await pilot.press("escape")
        await editor.focus_field("initial_message")
        await wait_until(pilot, lambda: editor.rows["initial_message"].control_has_focus)
        await pilot.press("end", *" ok")
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: isinstance(app.screen, ReviewScreen))
        await pilot.press("j")
        assert "[@click=app.quit]" in assert_safe(app)
        await pilot.press("escape", "f1")
        await wait_until(pilot, lambda: isinstance(app.screen, HelpScreen))
        assert_safe(app)
        assert app.is_running


async def test_an_edit_next_to_control_characters_keeps_them(sandbox) -> None:
    app = make_app(sandbox, 101)
    async with app.run_test(size=(120, 36)) as pilot:
        editor = await open_editor(pilot)
        await editor.focus_field("assistant_name")
        await wait_until(pilot, lambda: editor.rows["assistant_name"].control_has_focus)
        await pilot.press("end", "!")
        assert editor.editing.session.value("assistant_name") == HOSTILE[0] + HOSTILE[1] + "!"


async def test_a_hostile_server_error_is_shown_safely(sandbox) -> None:
    sandbox.fail_next(1, Fault.status(422, {"message": "The given data was invalid.", "errors": {
        "speech_speed": ["\x1b[2J[b]nope[/b] [@click=app.quit]"]}}), path="/api/user/assistant/")
    app = make_app(sandbox, 103)
    async with app.run_test(size=(120, 36)) as pilot:
        editor = await open_editor(pilot)
        await editor.focus_field("speech_speed")
        await wait_until(pilot, lambda: editor.rows["speech_speed"].control_has_focus)
        await pilot.press("right", "ctrl+s")
        await wait_until(pilot, lambda: isinstance(app.screen, ReviewScreen))
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: app.screen.query_one("#review-problems", OptionList).option_count == 1)
        assert "[@click=app.quit]" in assert_safe(app)
        await pilot.press("escape")
        await pilot.pause()
        assert "␛[2J[b]nope[/b]" in assert_safe(app)
        assert app.is_running
    assert len(puts(sandbox)) == 1


@pytest.mark.parametrize("args, literal", [
    (["list"], "[@click=app.quit]"), (["show", "101"], "[@click=app.quit]"), (["show", "102"], "サポート"),
    (["show", "101", "--json"], "[@click=app.quit]"), (["show", "101", "--raw"], "[@click=app.quit]"),
    (["list", "--json"], "サポート"),
])
def test_cli_output_carries_no_raw_controls(sandbox, args, literal) -> None:
    result = CliRunner().invoke(main, ["--base-url", sandbox.base_url, "--api-key", DEMO_API_KEY, *args])
    assert result.exit_code == 0, result.output
    assert not RAW_CONTROL.search(result.stdout + result.stderr)
    assert literal in result.stdout


@settings(max_examples=25)
@given(hostile_text.filter(lambda t: t.strip()))
def test_cli_round_trips_any_name_exactly(text) -> None:
    with Sandbox(rate_limit=None) as sandbox:
        sandbox.edit_assistant(101, name=text)
        runner = CliRunner()
        base = ["--base-url", sandbox.base_url, "--api-key", DEMO_API_KEY]
        shown = runner.invoke(main, [*base, "show", "101", "--json"])
        assert shown.exit_code == 0 and not RAW_CONTROL.search(shown.stdout)
        assert json.loads(shown.stdout)["assistant_name"] == text
        same = runner.invoke(main, [*base, "diff", "101", "-"], input=shown.stdout)
        assert same.exit_code == 0, same.output  # no change: the text survived exactly
