"""Typing that reached the screen is never lost: the real program in a pseudo-terminal,
typed into as over SSH (steadily, or in bursts that arrive in one read), hung up on and
killed. Whatever is on the screen is in the draft within about a second, is written at
once on SIGHUP, and no way out of the editor leaves without asking while anything is
unsaved."""

from __future__ import annotations

import json
import os
import select
import signal
import time
from pathlib import Path

import pytest

from tui_helpers import Terminal
from voicedesk.fields import Dialect
from voicedesk.sandbox import Sandbox

TYPED = " Zq7 burst"  # what each test types, to be found again
WAIT = 60  # seconds: these machines are shared and slow, time is no criterion


@pytest.fixture
def sandbox(request):
    """The API the app talks to: of the test's `dialect` when it asks for one (the app
    detects it), else of 2025. (Pseudo-terminal tests are slow: the ones of typing that
    reaches the review and of leaving run for both dialects.)"""
    dialect = request.getfixturevalue("dialect") if "dialect" in request.fixturenames else Dialect.D2025
    with Sandbox(rate_limit=None, dialect=dialect.value) as server:
        yield server


class Tty(Terminal):
    """The terminal, read as it goes: `mark` a place in what was drawn, and wait for a
    text drawn after it."""

    def drain(self) -> None:
        """Read what the app drew so far (it blocks once the terminal's buffer is full)."""
        while select.select([self.primary], [], [], 0)[0]:
            try:
                chunk = os.read(self.primary, 65536)
            except OSError:
                return
            if not chunk:
                return
            self.screen += chunk

    def mark(self) -> int:
        self.drain()
        return len(self.screen)

    # Returns where the text was drawn (Terminal.wait_for returns nothing): an incompatible override.
    def wait_for(self, text: str, after: int = 0, timeout: float = WAIT) -> int:  # type: ignore[override]
        """Where `text` is first drawn after `after`."""
        deadline = time.monotonic() + timeout
        while (found := self.screen.find(text.encode(), after)) < 0:
            assert time.monotonic() < deadline, f"{text!r} never appeared"
            if select.select([self.primary], [], [], 0.1)[0]:
                try:
                    self.screen += os.read(self.primary, 65536)
                except OSError:
                    raise AssertionError(f"the app ended before {text!r} appeared") from None
        return found

    def typed(self, keys: str, then: str) -> int:
        """Type `keys` in one write (a burst); wait for `then` to be drawn after them."""
        mark = self.mark()
        self.type(keys)
        return self.wait_for(then, mark)


def draft_value(name: str) -> str | None:
    files = sorted((Path(os.environ["VOICEDESK_STATE_DIR"]) / "drafts").glob("*.json"))
    try:
        return json.loads(files[0].read_text())["fields"][name]["value"] if files else None
    except (ValueError, KeyError):
        return None  # being replaced this instant, or without that field


def editor(sandbox: Sandbox) -> Tty:
    """The editor of assistant 101, the focus on its name (ctrl+e: at its end), nothing
    unsaved: a key typed and erased again proves both."""
    tty = Tty(sandbox, "edit", "101")
    tty.wait_for("0 unsaved changes")
    time.sleep(1)  # the focus lands on the name (its text selected) just after the first draw
    tty.type("\x05")  # ctrl+e: alone, as a binding runs after keys that type (see find)
    time.sleep(0.5)
    tty.typed("x", "1 unsaved change")
    tty.typed("\x7f", "0 unsaved changes")  # backspace
    return tty


def find(tty: Tty, name: str) -> None:
    """Put the focus on a field with the finder (ctrl+f)."""
    tty.typed("\x06", "Find a field")
    tty.type(name)
    time.sleep(0.5)
    tty.type("\r")
    # The focus moves when Enter's binding runs, after the keys the widget takes itself:
    # a key typed before that would land where the focus was.
    time.sleep(1)


def in_text_area(sandbox: Sandbox) -> Tty:
    """The focus in the initial message (a TextArea), at its start, nothing unsaved."""
    tty = editor(sandbox)
    find(tty, "initial_message")
    tty.typed("x", "1 unsaved change")
    tty.typed("\x7f", "0 unsaved changes")
    return tty


def in_prompt_editor(sandbox: Sandbox) -> Tty:
    """The full-screen prompt editor, its text focused at its start, nothing unsaved."""
    length = len(sandbox.assistant(101)["system_prompt"])
    tty = editor(sandbox)
    find(tty, "system_prompt")
    tty.typed("\r", "Escape returns to the form")
    deadline = time.monotonic() + WAIT
    while True:  # the text takes the focus just after the screen is drawn
        mark = tty.mark()
        tty.type("x")
        try:
            tty.wait_for("● changed", mark, timeout=2)
            break
        except AssertionError:
            assert time.monotonic() < deadline, "the prompt editor never took the typing"
    tty.typed("\x7f", f"{length:,} characters  ·  Escape")
    return tty


PLACES = {"an input": editor, "a text area": in_text_area, "the prompt editor": in_prompt_editor}


@pytest.mark.parametrize("place", list(PLACES))
def test_a_burst_ending_in_ctrl_q_asks_first(sandbox, place) -> None:
    tty = PLACES[place](sandbox)
    try:
        tty.typed(TYPED + "\x11", "Quit with unsaved changes?")
        assert tty.process.poll() is None
    finally:
        tty.close()


@pytest.mark.parametrize("place", list(PLACES))
def test_a_burst_ending_in_ctrl_s_shows_its_typing_in_the_review(dialect, sandbox, place) -> None:
    tty = PLACES[place](sandbox)
    try:
        review = tty.typed(TYPED + "\x13", "Review: 1 change")
        tty.wait_for(TYPED.strip(), review)  # drawn by the review, after its title
    finally:
        tty.close()


def test_the_palettes_quit_asks_first_even_right_after_typing_in_the_prompt_editor(sandbox) -> None:
    tty = in_prompt_editor(sandbox)
    try:
        tty.type(TYPED)
        tty.typed("\x10", "earch for commands")  # ctrl+p (the cursor is on the S)
        tty.typed("Quit", "asks first with unsaved changes")
        tty.typed("\r", "Quit with unsaved changes?")
        assert tty.process.poll() is None
    finally:
        tty.close()


def test_escape_out_of_the_editor_asks_first(dialect, sandbox) -> None:
    tty = editor(sandbox)
    try:
        tty.typed(TYPED + "\x1b", "Leave with unsaved changes?")
    finally:
        tty.close()


def test_escape_out_of_the_prompt_editor_keeps_its_typing_then_asks(sandbox) -> None:
    tty = in_prompt_editor(sandbox)
    try:
        tty.typed(TYPED + "\x1b", "1 unsaved change")  # back in the form
        tty.typed("\x1b", "Leave with unsaved changes?")
    finally:
        tty.close()


def type_steadily(tty: Tty, text: str, gap: float = 0.05) -> list[float]:
    """One key every `gap` seconds (never a pause of more than 0.1 s); when each went."""
    sent = []
    for char in text:
        tty.type(char)
        sent.append(time.monotonic())
        tty.drain()
        time.sleep(gap)
    return sent


def test_typed_steadily_in_the_prompt_editor_then_hung_up_all_of_it_is_in_the_draft(sandbox) -> None:
    original = sandbox.assistant(101)["system_prompt"]
    text = "Steady typing, no pause at all. "
    tty = in_prompt_editor(sandbox)
    try:
        mark = tty.mark()
        type_steadily(tty, text)
        tty.wait_for(text.strip(), mark)  # all of it on the screen
        os.kill(tty.process.pid, signal.SIGHUP)  # at once, as the link drops
        assert tty.process.wait(timeout=WAIT) == 0
    finally:
        tty.close()
    assert draft_value("system_prompt") == text + original


def test_typed_steadily_in_the_prompt_editor_the_draft_keeps_up_until_a_kill(sandbox) -> None:
    original = sandbox.assistant(101)["system_prompt"]
    text = "".join(f"word{n} " for n in range(400))  # more than anyone needs
    tty = in_prompt_editor(sandbox)
    drafts: list[str] = []
    try:
        deadline = time.monotonic() + WAIT
        sent: list[float] = []
        for char in text:  # steadily, and watching the draft meanwhile
            sent += type_steadily(tty, char)
            drafted = draft_value("system_prompt")
            if drafted is not None and drafted != (drafts[-1] if drafts else None):
                drafts.append(drafted)
            if len(drafts) >= 3:  # written again and again while the typing went on
                break
            assert time.monotonic() < deadline, f"the draft did not follow steady typing: {drafts!r}"
        os.kill(tty.process.pid, signal.SIGKILL)
        killed_at = time.monotonic()
    finally:
        tty.close()
    final = draft_value("system_prompt")
    assert final is not None and final.endswith(original)
    kept = len(final) - len(original)
    assert final == text[:kept] + original  # whole: a prefix of what was typed, then the prompt
    assert kept >= len(drafts[-1]) - len(original) > len(drafts[0]) - len(original) > 0
    print(f"{len(drafts)} drafts written while typing; at the kill the draft held the text typed "
          f"{killed_at - sent[kept - 1]:.2f} s before it ({len(sent) - kept} of {len(sent)} keys not yet)")
