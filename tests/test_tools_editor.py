"""The 2026 tools editor and filler phrases editor, driven with Pilot against the 2026
sandbox over loopback: what the sandbox stores, and the PUT it got, are the evidence."""

from __future__ import annotations

import copy
import html
import json
import re

import pytest
from click.testing import CliRunner
from hypothesis import given
from hypothesis import strategies as st
from textual.widgets import Input, Switch

from tui_helpers import control_of, make_app, open_editor, puts, top, wait_until
from voicedesk.cli import main
from voicedesk.sandbox import DEMO_API_KEY, Sandbox
from voicedesk.tools import TOOL_TYPES, check_tool, field_problem, gist
from voicedesk.tui.screens.editor import EditorScreen
from voicedesk.tui.screens.review import ReviewScreen
from voicedesk.tui.screens.tool import ToolScreen
from voicedesk.tui.widgets import PhraseEditor, SearchSelect, ToolEditor
from voicedesk.tui.widgets.phrases import KINDS
from voicedesk.tui.widgets.search_select import SearchSelectScreen
from voicedesk.tui.widgets.tool_list import describe, entry_note

ASSISTANT = 101
CAL_KEY = "cal_live_7f3a9c2e5b1d"  # the demo's stored Cal.com key (sandbox/dialect2026.py)


@pytest.fixture
def sandbox():
    with Sandbox(rate_limit=None, dialect="2026") as server:
        yield server


def stored_tools(sandbox: Sandbox) -> list:
    return copy.deepcopy(sandbox.data.assistants[ASSISTANT]["tools"])


def flat(tools: list) -> list:
    """The stored (wrapped) tools as they are written."""
    return [{"type": t["type"], **t["data"]} if isinstance(t, dict) and set(t) == {"type", "data"} else t
            for t in tools]


async def screen_text(pilot) -> str:
    """Every character on the screen, as text, once what is pending is drawn."""
    await pilot.pause()
    svg = pilot.app.export_screenshot()
    return html.unescape(re.sub(r"<[^>]+>", "", svg)).replace("\xa0", " ")


async def type_text(pilot, text: str) -> None:
    for char in text:
        await pilot.press("space" if char == " " else char)


async def tools_list(pilot) -> ToolEditor:
    editor = await open_editor(pilot)
    await editor.focus_field("tools")
    await wait_until(pilot, lambda: editor.rows["tools"].control_has_focus)
    control = editor.rows["tools"].control
    assert isinstance(control, ToolEditor)
    return control


async def add_tool(pilot, tools: ToolEditor, kind: str) -> ToolScreen:
    """Add a tool of this type at the end, as a person would: End, ctrl+n, pick it."""
    await pilot.press("end", "ctrl+n")
    await wait_until(pilot, lambda: isinstance(pilot.app.screen, SearchSelectScreen))
    await type_text(pilot, f"({kind})")
    await pilot.press("enter")
    await wait_until(pilot, lambda: isinstance(pilot.app.screen, ToolScreen) and pilot.app.screen.is_mounted)
    screen = pilot.app.screen
    assert screen.tool == {"type": kind}, screen.tool
    return screen


async def set_field(pilot, screen: ToolScreen, name: str, value: object) -> None:
    control = screen.query_one(f"#tool-{name}")
    control.focus()
    await wait_until(pilot, lambda: control.has_focus)
    if isinstance(control, Switch):
        if control.value != value:
            await pilot.press("space")
    elif isinstance(control, SearchSelect):
        await pilot.press("enter")
        await wait_until(pilot, lambda: isinstance(pilot.app.screen, SearchSelectScreen))
        labels = pilot.app.screen.shown_labels
        await pilot.press(*["down"] * labels.index(str(value)), "enter")
        await wait_until(pilot, lambda: pilot.app.screen is screen)
    else:
        assert isinstance(control, Input)
        await pilot.press("end", *["backspace"] * len(control.value))
        await type_text(pilot, str(value))
    await pilot.pause()


async def back_and_save(pilot) -> None:
    """Review and send: from the form, or straight from a tool's screen."""
    await pilot.press("ctrl+s")
    await wait_until(pilot, lambda: isinstance(pilot.app.screen, ReviewScreen))
    await pilot.press("ctrl+s")
    await wait_until(pilot, lambda: not isinstance(pilot.app.screen, ReviewScreen))


# One tool of each known type, with its required fields (and one more for some).
NEW_TOOLS: list[dict[str, str | int | bool]] = [
    {"type": "end_call", "description": "Say goodbye first"},
    {"type": "call_transfer", "phone_number": "+4930111222", "warm_transfer": True},
    {"type": "warm_call_transfer", "supervisor_phone": "+4930333444", "outbound_phone_id": 5,
     "description": "To the supervisor", "hold_music_volume": 40, "caller_id_mode": "customer_number"},
    {"type": "dtmf_input", "description": "Press 1 for yes"},
    {"type": "collect_keypad", "timeout": 12, "stop_key": "*"},
    {"type": "calendar_integration", "calcom_api_key": "cal_new_secret_123", "calcom_event_slug": "intro"},
    {"type": "assistant_transfer", "assistant_id": 102, "description": "To the trattoria"},
]


def test_every_known_type_is_added_here() -> None:
    assert {tool["type"] for tool in NEW_TOOLS} == set(TOOL_TYPES)


async def test_each_known_type_added_with_its_required_fields_is_stored_exactly(sandbox) -> None:
    before = flat(stored_tools(sandbox))
    app = make_app(sandbox, ASSISTANT, dialect="2026")
    async with app.run_test(size=(120, 36)) as pilot:
        tools = await tools_list(pilot)
        for tool in NEW_TOOLS:
            screen = await add_tool(pilot, tools, str(tool["type"]))
            for name, value in tool.items():
                if name != "type":
                    await set_field(pilot, screen, name, value)
            assert screen.tool == tool
            await pilot.press("escape")
            await wait_until(pilot, lambda: not isinstance(app.screen, ToolScreen))
        await back_and_save(pilot)
        await wait_until(pilot, lambda: len(puts(sandbox)) == 1)
    assert flat(stored_tools(sandbox)) == before + NEW_TOOLS
    print(f"added and stored {len(NEW_TOOLS)} cases")


async def test_a_missing_required_field_blocks_the_save_and_is_named(sandbox) -> None:
    app = make_app(sandbox, ASSISTANT, dialect="2026")
    async with app.run_test(size=(120, 36)) as pilot:
        tools = await tools_list(pilot)
        await add_tool(pilot, tools, "call_transfer")
        await pilot.pause()
        assert "phone_number is required" in await screen_text(pilot)
        await pilot.press("escape")
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: isinstance(app.screen, ReviewScreen))
        assert app.screen.query_one("#review-save").disabled
        assert "phone_number is required" in await screen_text(pilot)
    assert puts(sandbox) == []


async def test_reorder_and_remove_then_undo(sandbox) -> None:
    before = flat(stored_tools(sandbox))
    app = make_app(sandbox, ASSISTANT, dialect="2026")
    async with app.run_test(size=(120, 36)) as pilot:
        tools = await tools_list(pilot)
        await pilot.press("ctrl+down")  # 1 <-> 2
        assert tools.value == [before[1], before[0], *before[2:]]
        await pilot.press("down", "ctrl+d")  # the third (Cal.com) goes
        assert tools.value == [before[1], before[0], before[3]]
        await pilot.press("ctrl+z")  # back it comes
        assert tools.value == [before[1], before[0], *before[2:]]
        await pilot.press("ctrl+y", "up", "alt+up")  # removed again; then 1 <-> 2 back
        assert tools.value == [before[0], before[1], before[3]]
        await back_and_save(pilot)
        await wait_until(pilot, lambda: len(puts(sandbox)) == 1)
    assert flat(stored_tools(sandbox)) == [before[0], before[1], before[3]]


async def test_ctrl_z_and_revert_restore_the_value(sandbox) -> None:
    before = flat(stored_tools(sandbox))
    app = make_app(sandbox, ASSISTANT, dialect="2026")
    async with app.run_test(size=(120, 36)) as pilot:
        tools = await tools_list(pilot)
        session = top(app, EditorScreen).editing.session
        await pilot.press("enter")  # edit the first tool
        await wait_until(pilot, lambda: isinstance(app.screen, ToolScreen))
        await set_field(pilot, top(app, ToolScreen), "description", "Bye")
        await pilot.press("escape")
        await wait_until(pilot, lambda: tools.lines.has_focus)
        assert session.value("tools")[0]["description"] == "Bye"
        await pilot.press("ctrl+z")  # the whole visit, one step
        assert session.value("tools") == before and not session.is_dirty("tools")
        await pilot.press("ctrl+d", "ctrl+d")
        assert len(session.value("tools")) == len(before) - 2
        await pilot.press("ctrl+o")  # revert the row
        assert session.value("tools") == before and tools.value == before
        await pilot.press("ctrl+z")  # what was reverted comes back
        assert len(session.value("tools")) == len(before) - 2


async def test_unknown_types_and_fields_survive_an_edit_of_another_tool_byte_for_byte(sandbox) -> None:
    record = sandbox.data.assistants[ASSISTANT]
    record["tools"][1]["data"]["ring_timeout"] = {"seconds": 30, "nested": [1, "ä", None]}
    record["tools"].append("legacy_tool_name")  # not an object at all
    stored = copy.deepcopy(record["tools"])
    app = make_app(sandbox, ASSISTANT, dialect="2026")
    async with app.run_test(size=(120, 36)) as pilot:
        await tools_list(pilot)
        await pilot.press("enter")
        await wait_until(pilot, lambda: isinstance(app.screen, ToolScreen))
        await set_field(pilot, top(app, ToolScreen), "description", "Goodbye")
        await back_and_save(pilot)
        await wait_until(pilot, lambda: len(puts(sandbox)) == 1)
    sent = json.loads(puts(sandbox)[0].raw_body)["tools"]
    expected = flat(stored)
    expected[0] = {**expected[0], "description": "Goodbye"}
    # Each entry as the bytes it went as: unknown fields, types and shapes unchanged.
    for entry, wanted in zip(sent, expected, strict=True):
        assert json.dumps(entry) == json.dumps(wanted)
    assert stored_tools(sandbox)[1:] == stored[1:]


async def test_the_calcom_key_is_never_on_screen_and_stays_unless_replaced(sandbox) -> None:
    app = make_app(sandbox, ASSISTANT, dialect="2026")
    async with app.run_test(size=(120, 36)) as pilot:
        tools = await tools_list(pilot)
        seen = [await screen_text(pilot)]
        await pilot.press("down", "down", "enter")  # the Cal.com tool
        await wait_until(pilot, lambda: isinstance(app.screen, ToolScreen))
        seen.append(await screen_text(pilot))
        assert top(app, ToolScreen).tool["calcom_api_key"] == CAL_KEY  # held, not shown
        await set_field(pilot, top(app, ToolScreen), "calcom_event_slug", "cleaning")
        await set_field(pilot, top(app, ToolScreen), "calcom_api_key", "x")  # typed, then taken back
        await pilot.press("backspace")
        seen.append(await screen_text(pilot))
        await pilot.press("escape")
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: isinstance(app.screen, ReviewScreen))
        seen.append(await screen_text(pilot))
        await pilot.press("j")  # the body as JSON
        await pilot.pause()
        seen.append(await screen_text(pilot))
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: not isinstance(app.screen, ReviewScreen))
        seen.append(await screen_text(pilot))
        assert tools.value[2]["calcom_api_key"] == CAL_KEY
    assert all(CAL_KEY not in text for text in seen)
    # Each screen is the one meant: the list, the tool, the edit, the review, the body, the form.
    markers = ["Book with Cal.com", "Cal.com event slug", "cleaning", "Review:", "*** kept ***", "Built-in tools"]
    assert all(marker in text for marker, text in zip(markers, seen, strict=True))
    stored = flat(stored_tools(sandbox))[2]
    assert stored["calcom_api_key"] == CAL_KEY and stored["calcom_event_slug"] == "cleaning"
    print(f"searched {len(seen)} screens for the key")


async def test_a_typed_calcom_key_replaces_the_stored_one(sandbox) -> None:
    app = make_app(sandbox, ASSISTANT, dialect="2026")
    async with app.run_test(size=(120, 36)) as pilot:
        await tools_list(pilot)
        await pilot.press("down", "down", "enter")
        await wait_until(pilot, lambda: isinstance(app.screen, ToolScreen))
        await set_field(pilot, top(app, ToolScreen), "calcom_api_key", "cal_live_new")
        assert "cal_live_new" not in await screen_text(pilot)
        await back_and_save(pilot)
        await wait_until(pilot, lambda: len(puts(sandbox)) == 1)
    assert flat(stored_tools(sandbox))[2]["calcom_api_key"] == "cal_live_new"


async def test_filler_phrases_are_edited_added_and_removed(sandbox) -> None:
    app = make_app(sandbox, ASSISTANT, dialect="2026")
    async with app.run_test(size=(120, 36)) as pilot:
        editor = await open_editor(pilot)
        await editor.focus_field("filler_config")
        await wait_until(pilot, lambda: editor.rows["filler_config"].control_has_focus)
        phrases = editor.rows["filler_config"].control
        assert isinstance(phrases, PhraseEditor)
        await pilot.press("enter", "end", *["backspace"] * 6)  # "Great!" -> "Wonderful"
        await type_text(pilot, "Wonderful")
        await pilot.press("enter", "down", "ctrl+d")  # "Sure." goes
        await pilot.press("ctrl+n")  # a new phrase of the cursor row's kind (negative)
        await type_text(pilot, "Oh no")
        await pilot.press("enter")
        await pilot.press("ctrl+n")
        await type_text(pilot, "Hmm")
        await pilot.press("enter", "right", "enter")  # its kind: a list opens
        await wait_until(pilot, lambda: isinstance(app.screen, SearchSelectScreen))
        await type_text(pilot, "neutral")
        await pilot.press("enter")
        await wait_until(pilot, lambda: not isinstance(app.screen, SearchSelectScreen))
        await back_and_save(pilot)
        await wait_until(pilot, lambda: len(puts(sandbox)) == 1)
    assert sandbox.data.assistants[ASSISTANT]["filler_config"] == {
        "positive": ["Wonderful"], "negative": ["I see.", "Oh no"],
        "question": ["Let me check."], "neutral": ["Okay.", "Hmm"],
    }


async def test_an_empty_phrase_is_flagged_and_keys_beyond_the_four_are_kept(sandbox) -> None:
    sandbox.data.assistants[ASSISTANT]["filler_config"] = {"positive": ["Great!"], "audios": ["one moment"]}
    app = make_app(sandbox, ASSISTANT, dialect="2026")
    async with app.run_test(size=(120, 36)) as pilot:
        editor = await open_editor(pilot)
        await editor.focus_field("filler_config")
        await wait_until(pilot, lambda: editor.rows["filler_config"].control_has_focus)
        phrases = control_of(editor, "filler_config", PhraseEditor)
        await pilot.press("enter", "end", *["backspace"] * 6, "space", "enter")
        assert phrases.problems == ["Row 1: the phrase is empty"]
        assert editor.editing.session.value("filler_config") == {"positive": [" "], "audios": ["one moment"]}
        await pilot.press("down", "enter")  # the kept key: locked
        assert phrases.problems == ["Row 1: the phrase is empty"] and not phrases.editing
        await pilot.press("ctrl+d", "up", "enter", "backspace")
        await type_text(pilot, "Fine")
        await pilot.press("enter")
        assert editor.editing.session.value("filler_config") == {"positive": ["Fine"]}
        await back_and_save(pilot)
        await wait_until(pilot, lambda: len(puts(sandbox)) == 1)
    assert sandbox.data.assistants[ASSISTANT]["filler_config"] == {"positive": ["Fine"]}


def test_the_per_field_rule_is_the_tools_rule() -> None:
    """check_tool reports, for each field, what field_problem says of it."""
    values: list[object] = [None, "", "text", 0, 7, 101, "7", True, [], "#", "eu", "x" * 501]
    count = 0
    for spec in TOOL_TYPES.values():
        for field in spec.fields:
            for value in values:
                tool = {"type": spec.type, **{f.name: "1" for f in spec.fields if f.required and f.kind == "text"},
                        **{f.name: 1 for f in spec.fields if f.required and f.kind != "text"}, field.name: value}
                problem = field_problem(field, value)
                found = check_tool(tool, 1)
                assert (found is None) == (problem is None), (tool, problem, found)
                if problem:
                    assert found is not None
                    assert found.endswith(f"{field.name} {problem}")
                count += 1
    print(f"per-field rule against the tool's rule: {count} cases")


def test_the_gist_never_shows_a_secret() -> None:
    tool = {"type": "calendar_integration", "calcom_api_key": "s3cret", "calcom_event_slug": "intro"}
    assert gist(tool) == "intro"
    assert "s3cret" not in gist({"type": "calendar_integration", "calcom_api_key": "s3cret"})


async def test_a_reload_shows_the_sessions_value_and_ctrl_z_brings_back_what_was_shown(sandbox) -> None:
    before = flat(stored_tools(sandbox))
    app = make_app(sandbox, ASSISTANT, dialect="2026")
    async with app.run_test(size=(120, 36)) as pilot:
        tools = await tools_list(pilot)
        editor = top(app, EditorScreen)
        row = editor.rows["tools"]
        await pilot.press("down", "down")  # the highlight on the third tool
        restored = [before[2], {"type": "dtmf_input", "description": "From a draft"}]
        editor.editing.session.set("tools", restored)  # as a draft restore sets it
        row.reload()
        await pilot.pause()
        assert tools.value == restored and editor.editing.session.value("tools") == restored
        assert tools.lines.highlighted == 2  # where it was, as far as the list goes (the add line)
        row.reload()  # the same value again: nothing changes, no undo step
        await pilot.press("ctrl+z")
        assert tools.value == before == editor.editing.session.value("tools")


def _phrase_values() -> st.SearchStrategy:
    text = st.text(max_size=8)
    scalar = st.none() | st.booleans() | st.integers() | text
    lists = st.lists(text | scalar, max_size=4)
    key = st.sampled_from(KINDS) | text
    return st.none() | st.dictionaries(key, lists | scalar | st.dictionaries(text, scalar, max_size=2), max_size=6)


def test_the_phrase_editor_gives_back_what_it_was_given() -> None:
    """Whatever the server stored, loaded and not edited, it is the same value (keys in
    their order), so sending it back changes nothing."""
    cases = 0

    @given(_phrase_values())
    def round_trip(value) -> None:
        nonlocal cases
        cases += 1
        editor = PhraseEditor(value)
        assert editor.value == value
        assert json.dumps(editor.value) == json.dumps(value)

    round_trip()
    print(f"phrase editor round trip: {cases} cases")


# Stored values of every odd kind, for fields of every kind: text as a number, ids as
# strings of digits, a choice not listed, a boolean as 0, a list as text, and empty.
ODD: dict[str, list[object]] = {"text": [7, "", None, "  spaced  "], "id": ["7", 0, "x"], "int": ["12", 99999, 1.5],
       "bool": [0, "yes", None], "choice": ["elsewhere", 3, None], "list": ["a,b", {"k": 1}, []]}


async def test_opening_a_tool_and_leaving_it_changes_nothing(sandbox) -> None:
    tools = []
    for spec in TOOL_TYPES.values():
        for round_ in range(3):
            tool: dict[str, object] = {"type": spec.type}
            for field in spec.fields:
                values = ODD["text" if field.kind == "text" else field.kind]
                tool[field.name] = values[round_ % len(values)]
            tools.append(tool)
    sandbox.data.assistants[ASSISTANT]["tools"] = [
        {"type": t["type"], "data": {k: v for k, v in t.items() if k != "type"}} for t in tools]
    app = make_app(sandbox, ASSISTANT, dialect="2026")
    async with app.run_test(size=(120, 36)) as pilot:
        control = await tools_list(pilot)
        session = top(app, EditorScreen).editing.session
        assert control.value == tools
        for index in range(len(tools)):
            control.lines.highlighted = index
            await pilot.press("enter")
            await wait_until(pilot, lambda: isinstance(app.screen, ToolScreen) and app.screen.focused)
            await pilot.pause()
            await pilot.press("escape")
            await wait_until(pilot, lambda: not isinstance(app.screen, ToolScreen))
        for got, wanted in zip(control.value, tools, strict=True):
            assert json.dumps(got) == json.dumps(wanted)
        assert not session.is_dirty("tools")
        assert not control.check_action("undo", ())  # no empty steps either
    print(f"opened and left {len(tools)} tools of odd values")


async def test_a_secret_in_a_tool_of_an_unknown_type_is_masked_too(sandbox) -> None:
    unknown = {"type": "calendar_v2", "data": {"calcom_api_key": "cal_v2_secret"}}
    sandbox.data.assistants[ASSISTANT]["tools"].insert(0, unknown)
    app = make_app(sandbox, ASSISTANT, dialect="2026")
    async with app.run_test(size=(120, 36)) as pilot:
        tools = await tools_list(pilot)
        await pilot.press("enter")
        await wait_until(pilot, lambda: isinstance(app.screen, ToolScreen) and app.screen.focused)
        text = await screen_text(pilot)
        assert "calendar_v2" in text and "cal_v2_secret" not in text
        await pilot.press("escape")
        assert tools.value[0] == {"type": "calendar_v2", "calcom_api_key": "cal_v2_secret"}


async def test_ctrl_o_in_a_tools_screen_reverts_that_tool(sandbox) -> None:
    before = flat(stored_tools(sandbox))
    app = make_app(sandbox, ASSISTANT, dialect="2026")
    async with app.run_test(size=(120, 36)) as pilot:
        tools = await tools_list(pilot)
        session = top(app, EditorScreen).editing.session
        await pilot.press("down", "enter")  # the transfer
        await wait_until(pilot, lambda: isinstance(app.screen, ToolScreen) and app.screen.focused)
        screen = top(app, ToolScreen)
        await set_field(pilot, screen, "phone_number", "+49301")
        await set_field(pilot, screen, "warm_transfer", True)
        assert session.value("tools")[1]["phone_number"] == "+49301"
        await pilot.press("ctrl+o")
        await wait_until(pilot, lambda: (
            screen.query_one("#tool-phone_number", Input).value == before[1]["phone_number"]))
        assert session.value("tools") == before and not session.is_dirty("tools")
        await set_field(pilot, screen, "description", "Changed after the revert")  # the new controls work
        assert session.value("tools")[1]["description"] == "Changed after the revert"
        await pilot.press("escape")
        await wait_until(pilot, lambda: tools.lines.has_focus)
        await pilot.press("ctrl+z")
        assert session.value("tools") == before


ODD_ENTRIES = [{"type": [1]}, {"type": None, "x": 1}, {"type": {"a": 1}}, {"type": "[b]bold[/b] \x1b[31mred\x07"},
               5, None, "end_call", [], {"type": "end_call", "description": "\x1b[2J"}]


def test_odd_entries_are_never_a_crash() -> None:
    for number, entry in enumerate(ODD_ENTRIES, 1):
        check_tool(entry, number)
        describe(entry)
        entry_note(entry, number)
        if isinstance(entry, dict):
            gist(entry)
    print(f"odd tool entries checked and described: {len(ODD_ENTRIES)} cases")


async def test_odd_entries_are_shown_safely_and_kept(sandbox) -> None:
    sandbox.data.assistants[ASSISTANT]["tools"] = copy.deepcopy(ODD_ENTRIES)
    app = make_app(sandbox, ASSISTANT, dialect="2026")
    async with app.run_test(size=(120, 36)) as pilot:
        tools = await tools_list(pilot)
        assert tools.value == ODD_ENTRIES
        seen = [await screen_text(pilot)]
        for index in range(len(ODD_ENTRIES)):
            tools.lines.highlighted = index
            await pilot.press("enter")
            await wait_until(pilot, lambda: isinstance(app.screen, ToolScreen) and app.screen.focused)
            seen.append(await screen_text(pilot))
            await pilot.press("escape")
            await wait_until(pilot, lambda: not isinstance(app.screen, ToolScreen))
        assert tools.value == ODD_ENTRIES and not top(app, EditorScreen).editing.session.is_dirty("tools")
    assert "[b]bold[/b]" in seen[0]  # markup shown as it is, not applied
    assert all("\x1b" not in text and "\x07" not in text for text in seen)


@pytest.mark.parametrize("kind", ["[1]", '{"a": 1}', "5", "null", "true"])
def test_the_cli_refuses_a_tool_whose_type_is_not_text_in_one_line(sandbox, kind) -> None:
    result = CliRunner().invoke(main, ["--base-url", sandbox.base_url, "--api-key", DEMO_API_KEY, "--dialect", "2026",
                                       "set", str(ASSISTANT), f'tools=[{{"type": {kind}}}]', "--yes"])
    assert result.exit_code == 2, result.output
    assert "Built-in tools, tool 1 has no type." in result.output
    assert "Traceback" not in result.output and not isinstance(result.exception, TypeError)
    assert puts(sandbox) == []


async def test_ctrl_o_restores_the_filler_phrases(sandbox) -> None:
    app = make_app(sandbox, ASSISTANT, dialect="2026")
    async with app.run_test(size=(120, 36)) as pilot:
        editor = await open_editor(pilot)
        await editor.focus_field("filler_config")
        await wait_until(pilot, lambda: editor.rows["filler_config"].control_has_focus)
        phrases = control_of(editor, "filler_config", PhraseEditor)
        before = editor.editing.session.value("filler_config")
        await pilot.press("ctrl+d", "ctrl+d", "ctrl+n")
        await type_text(pilot, "New")
        await pilot.press("enter")
        await wait_until(pilot, lambda: editor.editing.session.is_dirty("filler_config"))
        await pilot.press("ctrl+o")
        await wait_until(pilot, lambda: not editor.editing.session.is_dirty("filler_config"))
        assert phrases.value == before == editor.editing.session.value("filler_config")
