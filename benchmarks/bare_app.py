"""The reference for the benchmark's ratios: a bare Textual app (Header, Input, Footer).

Run as a script it is the whole-process reference (cold start, memory, idle):

    .venv/bin/python benchmarks/bare_app.py            # Textual alone
    .venv/bin/python benchmarks/bare_app.py --stack    # first imports voicedesk's stack
    .venv/bin/python benchmarks/bare_app.py --still    # its cursor does not blink

`--stack` imports what voicedesk is built on (httpx, pydantic, click; Textual in any
case) before the app starts: the floor of the cold-start target. httpx is imported as
voicedesk imports it, without its command-line client (`httpx._main` set aside first),
so the floor holds no import voicedesk does not need. `--still` turns the Input's cursor
blink off, as voicedesk does for every focused widget: the floor of the idle target,
which a blinking cursor (a frame every half second) would raise.

Imported, `BareApp` is the in-process reference for keystroke latency (`App.run_test`).
Ready means its first frame is on the terminal: the Input's placeholder and the
Footer's "Quit" key are both drawn (the Input has the focus from its first frame).

`BarePanesApp` is a second in-process reference, printed beside the group switch (not a
target): the least a switch between two full screens of form-like rows costs in Textual,
two panes of label + Input rows in a ContentSwitcher, ctrl+pagedown shows the other
pane and focuses its first Input. It has no Footer: Textual's Footer mounts its keys
again on every focus change, which alone costs more than the switch (voicedesk draws
its keys in one widget, `KeyBar`).
"""

from __future__ import annotations

import sys

from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.widgets import ContentSwitcher, Footer, Header, Input, Static

PLACEHOLDER = "Type here to benchmark"
# Both are drawn in the first full frame; the benchmark waits for both on the pty.
READY_MARKERS = (PLACEHOLDER.encode(), b"Quit")


class BareApp(App[None]):
    BINDINGS = [Binding("ctrl+q", "quit", "Quit", priority=True)]

    def __init__(self, *, blink: bool = True) -> None:
        super().__init__()
        self.blink = blink

    def compose(self) -> ComposeResult:
        yield Header()
        yield Input(placeholder=PLACEHOLDER, id="bare-input")
        yield Footer()

    def on_mount(self) -> None:
        box = self.query_one(Input)
        box.cursor_blink = self.blink
        box.focus()


class BarePanesApp(App[None]):
    CSS = "Static { height: 2; } Input { margin-bottom: 1; }"
    BINDINGS = [Binding("ctrl+pagedown", "switch", "Other pane", priority=True)]
    ROWS = 12  # more than a screen, as the editor's longer groups

    def compose(self) -> ComposeResult:
        yield Header()
        with ContentSwitcher(initial="pane-0"):
            for pane in range(2):
                with VerticalScroll(id=f"pane-{pane}"):
                    for row in range(self.ROWS):
                        yield Static(f"Field {row} of pane {pane}\nWhat the field is for, in a line")
                        yield Input(f"value {row}", id=f"input-{pane}-{row}", compact=True)

    def on_mount(self) -> None:
        self.query_one("#input-0-0", Input).focus()

    def action_switch(self) -> None:
        switcher = self.query_one(ContentSwitcher)
        pane = "pane-1" if switcher.current == "pane-0" else "pane-0"
        switcher.current = pane
        self.query_one(f"#input-{pane[-1]}-0", Input).focus()


def import_the_stack() -> None:
    sys.modules.setdefault("httpx._main", None)  # type: ignore[arg-type]  # as voicedesk does
    import click  # noqa: F401
    import httpx  # noqa: F401
    from pydantic import BaseModel  # noqa: F401


if __name__ == "__main__":
    if "--stack" in sys.argv:
        import_the_stack()
    BareApp(blink="--still" not in sys.argv).run()
