"""The review and the history show a long text's change word by word; they copy it (and
the body JSON) through OSC 52; the review with problems has their list focused and Send
off until they are fixed. Driven through the real app against the sandbox."""

from __future__ import annotations

import base64
import json

import pytest
from rich.text import Text
from textual.widgets import Button, OptionList, Static

from tui_helpers import make_app, open_editor, review_text, top, wait_until
from voicedesk.sandbox import Sandbox
from voicedesk.tui import clipboard
from voicedesk.tui.screens.editor import EditorScreen
from voicedesk.tui.screens.history import HistoryScreen
from voicedesk.tui.screens.review import ReviewScreen

SIZES = [(120, 36), (80, 24)]


@pytest.fixture
def sandbox():
    with Sandbox(rate_limit=None) as server:
        yield server


async def review_of(pilot, **changes) -> ReviewScreen:
    editor = await open_editor(pilot)
    for name, value in changes.items():
        editor.editing.session.set(name, value)
    editor.reload_rows()
    await pilot.press("ctrl+s")
    await wait_until(pilot, lambda: isinstance(pilot.app.screen, ReviewScreen)
                     and bool(pilot.app.screen.query(".review-change")))
    return top(pilot.app, ReviewScreen)


def marked_runs(static: Static) -> list[str]:
    """The runs of a change's text drawn in reverse video (the changed words)."""
    text = static.content
    assert isinstance(text, Text)
    return [text.plain[span.start:span.end] for span in text.spans if "reverse" in str(span.style)]


@pytest.mark.parametrize("size", SIZES, ids=lambda size: f"{size[0]}x{size[1]}")
async def test_the_review_marks_the_changed_words_and_copies_them(sandbox, size) -> None:
    app = make_app(sandbox, 101)
    async with app.run_test(size=size) as pilot:
        prompt = (await open_editor(pilot)).editing.session.value("system_prompt")
        changed = prompt.replace("Berlin-Mitte", "Berlin-Pankow")
        review = await review_of(pilot, system_prompt=changed, speech_speed=0.9)
        blocks = list(review.query(".review-change").results(Static))
        assert marked_runs(blocks[0]) == ["Mitte", "Pankow"] or marked_runs(blocks[-1]) == ["Mitte", "Pankow"]
        shown = review_text(review)
        assert prompt not in shown and changed not in shown  # not the paragraph, twice
        assert shown.count("Bright Smile Dental in Berlin-") == 2  # the change in its sentence
        await pilot.press("c")
        copied = app.clipboard
        assert "-…" in copied and "[-Mitte-]" in copied and "{+Pankow+}" in copied
        assert "1 x  ->  0.9 x" in copied
        await pilot.press("b")
        body = json.loads(app.clipboard)
        assert body["system_prompt"] == changed and body["speech_speed"] == 0.9
        notices = [str(notice.message) for notice in app._notifications]
        assert any(n.startswith("Copied the changes: ") and "OSC 52" in n for n in notices), notices
        assert any(n.startswith("Copied the body JSON: ") for n in notices), notices


async def test_with_problems_their_list_has_the_focus_and_send_is_off(sandbox) -> None:
    app = make_app(sandbox, 101)
    async with app.run_test(size=(120, 36)) as pilot:
        review = await review_of(pilot, assistant_name="", speech_speed=0.9)
        problems = review.query_one("#review-problems", OptionList)
        await wait_until(pilot, lambda: app.focused is problems)
        assert review.query_one("#review-save", Button).disabled
        assert review.check_action("save", ()) is None  # the key bar dims it
        assert "Send is off until they are" in str(review.query_one("#review-problems-heading", Static).render())
        await pilot.press("ctrl+s")  # nothing happens: not even a request
        await pilot.pause()
        assert not [r for r in sandbox.requests if r.method == "PUT"]
        assert isinstance(app.screen, ReviewScreen)
        # Fixed in the editor: back in the review, Send is on.
        await pilot.press("escape")
        await wait_until(pilot, lambda: not isinstance(app.screen, ReviewScreen))
        top(app, EditorScreen).editing.session.set("assistant_name", "Front desk")
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: isinstance(app.screen, ReviewScreen)
                         and bool(app.screen.query(".review-change")))
        review = top(app, ReviewScreen)
        assert review.check_action("save", ()) is True and not review.query_one("#review-save", Button).disabled


@pytest.mark.parametrize("size", SIZES, ids=lambda size: f"{size[0]}x{size[1]}")
async def test_the_history_opens_a_save_as_a_diff_and_copies_it(sandbox, size) -> None:
    app = make_app(sandbox, 101)
    async with app.run_test(size=size) as pilot:
        prompt = (await open_editor(pilot)).editing.session.value("system_prompt")
        changed = prompt.replace("Berlin-Mitte", "Berlin-Pankow")
        await review_of(pilot, system_prompt=changed, speech_speed=0.9)
        await pilot.press("ctrl+s")  # send
        editor = await open_editor(pilot)
        await wait_until(pilot, lambda: not editor.editing.session.dirty)
        editor.action_history()
        await wait_until(pilot, lambda: isinstance(app.screen, HistoryScreen)
                         and bool(app.screen.query("#history-list")))
        history = top(app, HistoryScreen)
        listed = str(history.query_one("#history-list", OptionList).get_option_at_index(0).prompt)
        assert "System prompt: changed (379 → 380 characters)" in listed and "Speech speed: 1 x  →  0.9 x" in listed
        await pilot.press("enter")
        diff = history.query_one("#history-diff", Static)
        await wait_until(pilot, lambda: "@@" in str(diff.render()))
        assert marked_runs(diff) == ["Mitte", "Pankow"]
        assert history.query_one("#history-entry").display and not history.query_one("#history-body").display
        await pilot.press("c")
        assert "[-Mitte-]" in app.clipboard and "{+Pankow+}" in app.clipboard
        await pilot.press("escape")  # back to the list
        assert history.query_one("#history-body").display and app.screen is history
        await pilot.press("escape")  # back to the editor
        await wait_until(pilot, lambda: app.screen is editor)


def test_osc52_is_wrapped_for_tmux_and_screen() -> None:
    text = "Grüße, id 101"
    plain = clipboard.osc52(text)
    assert plain == f"\x1b]52;c;{base64.b64encode(text.encode()).decode()}\a"
    assert clipboard.wrapped(plain, {}) is None
    assert clipboard.wrapped(plain, {"TERM": "screen"}) is None  # screen's TERM without screen ($STY)
    tmux = clipboard.wrapped(plain, {"TMUX": "/tmp/tmux-0/default,1,0", "TERM": "screen-256color", "STY": "x"})
    assert tmux == "\x1bPtmux;\x1b\x1b]52;c;" + plain[7:] + "\x1b\\"
    long = clipboard.osc52("x" * 500)
    screen = clipboard.wrapped(long, {"STY": "1.pts-0.host", "TERM": "screen.xterm-256color"})
    assert screen is not None
    pieces = screen.split("\x1b\\")[:-1]
    assert all(piece.startswith("\x1bP") and len(piece) <= 2 + 76 for piece in pieces)
    assert "".join(piece[2:] for piece in pieces) == long  # screen joins them back
    assert clipboard.fits("x" * 74_000) and not clipboard.fits("x" * 76_000)


async def test_past_the_size_limit_nothing_is_copied_and_the_notice_says_why(sandbox) -> None:
    app = make_app(sandbox, 101)
    async with app.run_test(size=(120, 36)) as pilot:
        await review_of(pilot, system_prompt="A prompt of many words. " * 5_000)
        await pilot.press("b")
        assert app.clipboard == ""
        notices = [str(notice.message) for notice in app._notifications]
        assert any(n.startswith("Not copied: the body JSON") and "OSC 52" in n for n in notices), notices
