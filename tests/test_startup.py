"""The `voicedesk` command's start: the first screen's reads travel while Textual loads."""

from __future__ import annotations

from tui_helpers import Terminal
from voicedesk.sandbox import Fault, Sandbox

EDITOR_READS = [
    "/api/user/assistants/get",
    "/api/user/assistants/languages",
    "/api/user/assistants/models",
    "/api/user/assistants/phone-numbers",
    "/api/user/assistants/phone-numbers",
    "/api/user/assistants/voices",
    "/api/user/assistants/voices",
]


def test_the_editors_reads_are_sent_before_the_terminal_is_first_drawn_and_only_once() -> None:
    # Textual is imported after the reads went out, so the first output (the driver's
    # switch to the alternate screen) follows every one of them.
    with Sandbox(rate_limit=None, latency=0.3) as sandbox:
        terminal = Terminal(sandbox, "edit", "101")
        try:
            terminal.wait_for("0 unsaved changes")
        finally:
            terminal.close()
    reads = sandbox.requests
    assert sorted(r.path for r in reads) == EDITOR_READS  # the editor asked for nothing twice
    assert terminal.first_drawn_at is not None
    assert max(r.time for r in reads) < terminal.first_drawn_at


def test_a_failed_early_read_shows_in_the_editor_with_a_retry() -> None:
    with Sandbox(rate_limit=None) as sandbox:
        sandbox.fail_next(1, Fault.status(401), path="/api/user/assistants/get")
        terminal = Terminal(sandbox, "edit", "101")
        try:
            terminal.wait_for("Press r to retry")
            terminal.type("r")
            terminal.wait_for("0 unsaved changes")
        finally:
            terminal.close()
    reads = [r.status for r in sandbox.requests if r.path == "/api/user/assistants/get"]
    assert reads == [401, 200]  # the early read's failure was shown, the retry asked again


def test_the_pickers_first_page_is_sent_before_the_terminal_is_first_drawn_and_only_once() -> None:
    with Sandbox(rate_limit=None, latency=0.3) as sandbox:
        terminal = Terminal(sandbox)
        try:
            terminal.wait_for("Enter opens the editor")
        finally:
            terminal.close()
    [page] = [r for r in sandbox.requests if r.path == "/api/user/assistants/get"]
    assert page.query["page"] == "1"
    assert terminal.first_drawn_at is not None
    assert page.time < terminal.first_drawn_at
