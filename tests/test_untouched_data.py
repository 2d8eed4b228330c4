"""Data nobody touched goes back whole.

Variables and the post-call schema are sent whole (they replace the stored ones), so
whatever voicedesk does not understand in them (attributes beside a row's name, type and
description, values that are not text, nested objects, rows that are no object) must go
back exactly as the server stored it when the user edits one other entry. The one
conversion voicedesk makes, the old "boolean" type to "bool", is said on the field.

Each shape is edited through every face: `set`, `apply` of a `show --json` file, and the
editor (the real app against the real sandbox), and the exact body the sandbox received
is checked.
"""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from tui_helpers import control_of, make_app, open_editor, review_text, wait_until
from voicedesk.cli import main
from voicedesk.sandbox import DEMO_API_KEY, Sandbox
from voicedesk.tui.screens.review import ReviewScreen
from voicedesk.tui.widgets.rows import RowEditor

ASSISTANT = 101

# Each shape: the stored value, how to edit one other entry, and the value that must be sent.
SHAPES: dict[str, dict[str, Any]] = {
    "schema rows with attributes beside name, type and description": {
        "field": "post_call_schema",
        "stored": [
            {"name": "amount", "type": "number", "description": "Amount paid", "required": True, "unit": "EUR"},
            {"name": "city", "type": "string", "description": "The caller's city", "x-order": 2},
        ],
        "row": 1, "key": "description", "old": "The caller's city", "new": "The caller's town",
    },
    "schema rows holding nested objects": {
        "field": "post_call_schema",
        "stored": [
            {"name": "slot", "type": "string", "description": "Preferred slot",
             "options": {"values": ["am", "pm"], "default": None}},
            {"name": "notes", "type": "string", "description": "Notes"},
        ],
        "row": 1, "key": "description", "old": "Notes", "new": "Anything else",
    },
    'schema rows stored with type "boolean"': {
        "field": "post_call_schema",
        "stored": [
            {"name": "callback", "type": "boolean", "description": "Wants a call back", "required": False},
            {"name": "city", "type": "string", "description": "City"},
        ],
        "row": 1, "key": "description", "old": "City", "new": "Town",
        # The one conversion voicedesk makes, and says: the update takes only "bool".
        "converted": {0: {"type": "bool"}},
    },
    "variables whose values are not text": {
        "field": "variables",
        "stored": {"count": 41, "active": True, "missing": None, "ratio": 0.5, "city": "Bonn"},
        "row": "city", "old": "Bonn", "new": "Köln",
    },
    "variables holding nested objects and lists": {
        "field": "variables",
        "stored": {"address": {"street": "Hauptstr. 1", "zip": ["53111"]}, "tags": ["a", 1], "city": "Bonn"},
        "row": "city", "old": "Bonn", "new": "Köln",
    },
}


def edited(shape: dict[str, Any]) -> Any:
    """The stored value with the one entry edited (what the user means)."""
    value = copy.deepcopy(shape["stored"])
    if shape["field"] == "variables":
        value[shape["row"]] = shape["new"]
    else:
        value[shape["row"]][shape["key"]] = shape["new"]
    return value


def expected_body_value(shape: dict[str, Any]) -> Any:
    value = edited(shape)
    for row, changes in shape.get("converted", {}).items():
        value[row].update(changes)
    return value


@pytest.fixture(params=list(SHAPES))
def shape(request) -> dict[str, Any]:
    return SHAPES[request.param]


@pytest.fixture
def sb(shape):
    with Sandbox(rate_limit=None) as sandbox:
        sandbox.edit_assistant(ASSISTANT, **{shape["field"]: copy.deepcopy(shape["stored"])})
        yield sandbox


def cli(sb: Sandbox, *args: str):
    result = CliRunner(env={"VOICEDESK_BASE_URL": None, "VOICEDESK_API_KEY": None}).invoke(
        main, ["--base-url", sb.base_url, "--api-key", DEMO_API_KEY, *args]
    )
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise AssertionError(f"voicedesk {' '.join(args)} crashed") from result.exception
    assert "Traceback" not in result.output
    return result


def the_only_put_body(sb: Sandbox) -> dict[str, Any]:
    puts = [request for request in sb.requests if request.method == "PUT"]
    assert len(puts) == 1, [request.body for request in puts]
    body = puts[0].body
    assert isinstance(body, dict), body
    return body


def test_show_json_gives_the_stored_value_whole(sb, shape) -> None:
    result = cli(sb, "show", str(ASSISTANT), "--json")
    assert result.exit_code == 0, result.output
    expected = copy.deepcopy(shape["stored"])
    for row, changes in shape.get("converted", {}).items():
        expected[row].update(changes)
    assert json.loads(result.stdout)[shape["field"]] == expected


def shown_and_edited(sb: Sandbox, shape: dict[str, Any]) -> tuple[dict[str, Any], Any]:
    """`show --json`, and its value of the field with the one entry edited, as a user
    would edit the file."""
    shown = json.loads(cli(sb, "show", str(ASSISTANT), "--json").stdout)
    value = copy.deepcopy(shown[shape["field"]])
    if shape["field"] == "variables":
        value[shape["row"]] = shape["new"]
    else:
        assert value[shape["row"]][shape["key"]] == shape["old"]
        value[shape["row"]][shape["key"]] = shape["new"]
    return shown, value


def test_apply_of_an_edited_show_json_file_sends_the_rest_as_it_came(sb, shape, tmp_path: Path) -> None:
    shown, value = shown_and_edited(sb, shape)
    file = tmp_path / "assistant.json"
    file.write_text(json.dumps({**shown, shape["field"]: value}), encoding="utf-8")

    result = cli(sb, "apply", str(ASSISTANT), str(file), "--yes")

    assert result.exit_code == 0, result.output
    assert the_only_put_body(sb) == {shape["field"]: expected_body_value(shape)}
    assert sb.assistant(ASSISTANT)[shape["field"]] == expected_body_value(shape)


def test_set_of_the_edited_value_sends_it_exactly(sb, shape) -> None:
    _, value = shown_and_edited(sb, shape)

    result = cli(sb, "set", str(ASSISTANT), f"{shape['field']}={json.dumps(value)}", "--yes")

    assert result.exit_code == 0, result.output
    assert the_only_put_body(sb) == {shape["field"]: expected_body_value(shape)}


def test_the_boolean_conversion_is_said_before_it_is_sent() -> None:
    shape = SHAPES['schema rows stored with type "boolean"']
    with Sandbox(rate_limit=None) as sb:
        sb.edit_assistant(ASSISTANT, post_call_schema=copy.deepcopy(shape["stored"]))
        shown = cli(sb, "show", str(ASSISTANT))
        assert "'boolean' (row 1)" in shown.stdout and "sent" in shown.stdout
        # Typed back by hand, "boolean" is what the user asked for: refused, nothing sent.
        result = cli(sb, "set", str(ASSISTANT), f"post_call_schema={json.dumps(shape['stored'])}", "--yes")
        assert result.exit_code == 2
        assert "type must be one of string, number, bool; 'boolean' is not" in result.stderr
        assert not [request for request in sb.requests if request.method == "PUT"]


# -- the editor -----------------------------------------------------------------------


async def test_the_editor_sends_the_rest_as_it_came(sb, shape) -> None:
    app = make_app(sb, ASSISTANT)
    async with app.run_test(size=(120, 36)) as pilot:
        screen = await open_editor(pilot)
        await screen.focus_field(shape["field"])
        table = control_of(screen, shape["field"], RowEditor)
        await wait_until(pilot, lambda: table.grid.has_focus)
        if shape["field"] == "variables":
            row, column = list(shape["stored"]).index(shape["row"]), 1
        else:
            row, column = shape["row"], 2
        await pilot.press(*["down"] * row, *["right"] * column, "enter", "ctrl+u", *shape["new"], "enter")
        assert screen.editing.session.dirty == [shape["field"]]
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: isinstance(app.screen, ReviewScreen))
        review = review_text(app.screen)
        if shape.get("converted"):  # the conversion that will be sent is said here too
            assert "Note:" in review and "'boolean'" in review
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: not isinstance(app.screen, ReviewScreen))
    assert the_only_put_body(sb) == {shape["field"]: expected_body_value(shape)}
