"""Big values stay usable: what one value prints is capped, long-text diffs are fast and
minimal, and the table editors draw only what is on screen."""

from __future__ import annotations

from click.testing import CliRunner

from voicedesk.cli import main
from voicedesk.sandbox import DEMO_API_KEY, Sandbox

MEGABYTE = 1_000_000


def test_show_caps_every_value_and_says_how_long_it_is() -> None:
    huge = {
        "name": "N" * MEGABYTE,  # the heading
        "timezone": "Z" * MEGABYTE,  # a value, and the flag that quotes it
        "uuid": "U" * MEGABYTE,  # a read-only value
        "variables": {"k" * MEGABYTE: "v" * MEGABYTE},
        "post_call_schema": [{"name": "n" * MEGABYTE, "type": "string", "description": "d"}],
    }
    with Sandbox(rate_limit=None) as sb:
        sb.edit_assistant(101, **huge)
        sb.data.assistants[101]["k" * 100] = "read-only key " * 1000  # a long unknown column
        result = CliRunner(env={"VOICEDESK_BASE_URL": None, "VOICEDESK_API_KEY": None}).invoke(
            main, ["--base-url", sb.base_url, "--api-key", DEMO_API_KEY, "show", "101"]
        )
    assert result.exit_code == 0, result.output[:2000]
    lines = result.stdout.splitlines()
    assert max(map(len, lines)) < 500, max(lines, key=len)[:200]
    assert len(result.stdout) < 20_000
    assert f"({MEGABYTE:,} chars)" in result.stdout
    print(f"show printed {len(lines)} lines, the longest {max(map(len, lines))} characters")


# -- the editor with big values ----------------------------------------------------------

import time  # noqa: E402

from tui_helpers import control_of, make_app, open_editor, review_text, wait_until  # noqa: E402
from voicedesk.tui.screens.review import ReviewScreen  # noqa: E402
from voicedesk.tui.widgets import KeyValueEditor, SchemaEditor  # noqa: E402

VARIABLES = {f"var_{n}": f"value {n}" for n in range(5000)}
SCHEMA = [{"name": f"field_{n}", "type": "string", "description": f"Field {n}", "required": n % 2 == 0}
          for n in range(500)]


def puts(sb: Sandbox) -> list:
    return [request for request in sb.requests if request.method == "PUT"]


async def test_5000_variables_and_500_schema_rows_stay_interactive() -> None:
    with Sandbox(rate_limit=None) as sb:
        sb.edit_assistant(101, variables=VARIABLES, post_call_schema=SCHEMA)
        app = make_app(sb, 101)
        async with app.run_test(size=(120, 36)) as pilot:
            screen = await open_editor(pilot)
            started = time.perf_counter()
            await screen.focus_field("variables")
            table = control_of(screen, "variables", KeyValueEditor)
            await wait_until(pilot, lambda: table.grid.has_focus)
            shown = time.perf_counter() - started
            # A row far down, a cell edited key by key.
            started = time.perf_counter()
            await pilot.press("pagedown", "pagedown", "right", *"!?")
            typed = time.perf_counter() - started
            assert screen.editing.session.value("variables") == {**VARIABLES, "var_24": "value 24!?"}
            await pilot.press("enter", "end")
            assert table.cursor_row == 4999
            await screen.focus_field("post_call_schema")
            schema = control_of(screen, "post_call_schema", SchemaEditor)
            await wait_until(pilot, lambda: schema.grid.has_focus)
            await pilot.press("end", "right", "right", "enter", *" (last)", "enter", "ctrl+up")
            expected_schema = [*SCHEMA[:498], {**SCHEMA[499], "description": "Field 499 (last)"}, SCHEMA[498]]
            assert screen.editing.session.value("post_call_schema") == expected_schema
            # Two tables, each a grid and an edit line: not a widget per cell.
            assert len(screen.query(".editor-line")) == 2
            await pilot.press("ctrl+s")
            await wait_until(pilot, lambda: isinstance(app.screen, ReviewScreen))
            review = review_text(app.screen)
            assert "var_24" in review and "Field 499 (last)" in review
            assert len(review.splitlines()) < 60  # the changed lines with their context, not 5,000
            await pilot.press("ctrl+s")
            await wait_until(pilot, lambda: puts(sb))
        [put] = puts(sb)
        assert put.body == {"variables": {**VARIABLES, "var_24": "value 24!?"}, "post_call_schema": expected_schema}
    print(f"5,000 variables: shown in {shown * 1000:.0f} ms, 6 keys in {typed * 1000:.0f} ms")


async def test_a_review_of_a_5_mb_prompt_shows_the_changed_line_only() -> None:
    prompt = "\n".join(["Always answer politely and briefly."] * 140_000)
    lines = prompt.split("\n")
    lines[70_000] = "Always answer politely, briefly and in German."
    with Sandbox(rate_limit=None) as sb:
        sb.edit_assistant(101, system_prompt=prompt)
        app = make_app(sb, 101)
        async with app.run_test(size=(120, 36)) as pilot:
            screen = await open_editor(pilot)
            await screen.focus_field("system_prompt")
            screen.rows["system_prompt"].take_text("\n".join(lines))  # as the prompt's screen hands it over
            started = time.perf_counter()
            await pilot.press("ctrl+s")
            await wait_until(pilot, lambda: isinstance(app.screen, ReviewScreen))
            await wait_until(pilot, lambda: "@@" in review_text(app.screen))
            took = time.perf_counter() - started
            review = review_text(app.screen)
            assert "+Always answer politely, briefly and in German." in review
            assert review.count("\n  -") == 1 and review.count("\n  +") == 1
            assert "@@ -69999,5 +69999,5 @@" in review
    print(f"review of a 5 MB prompt: diff shown after {took * 1000:.0f} ms")


def test_a_burst_of_keys_into_a_table_of_5000_variables_loses_nothing() -> None:
    """A real terminal, keys in one write (a paste, an SSH link catching up): every key
    reaches the cell, the value and the body sent."""
    from tui_helpers import Terminal

    burst = "".join(chr(ord("a") + n % 26) for n in range(300))
    with Sandbox(rate_limit=None) as sb:
        sb.edit_assistant(101, variables=VARIABLES)
        terminal = Terminal(sb, "edit", "101")
        try:
            terminal.wait_for("0 unsaved changes")
            time.sleep(1)  # the focus lands on the first field just after the first draw
            terminal.type("\x06")  # ctrl+f: find the field
            terminal.wait_for("Find")
            terminal.type("variables")
            time.sleep(0.5)
            terminal.type("\r")  # the focus goes to the table
            time.sleep(1)
            terminal.type("\x1b[C" + burst + "\r")  # right: the value; the keys; Enter
            terminal.wait_for("1 unsaved change")
            time.sleep(1)
            terminal.type("\x13")  # ctrl+s: review
            terminal.wait_for("Send changes")
            terminal.type("\x13")  # ctrl+s: send
            deadline = time.monotonic() + 30
            while not puts(sb):
                assert time.monotonic() < deadline, "nothing was sent"
                time.sleep(0.1)
        finally:
            terminal.close()
        [put] = puts(sb)
        assert put.body == {"variables": {**VARIABLES, "var_0": "value 0" + burst}}
    print(f"a burst of {len(burst)} keys into 5,000 variables: all sent")
