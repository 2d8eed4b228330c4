"""The reference for the benchmark's ratios: a bare Textual app (Header, Input, Footer).

Run as a script it is the whole-process reference (cold start, memory):

    .venv/bin/python benchmarks/bare_app.py

Imported, `BareApp` is the in-process reference for keystroke latency (`App.run_test`).
Ready means its first frame is on the terminal: the Input's placeholder and the
Footer's "Quit" key are both drawn (the Input has the focus from its first frame).
"""

from __future__ import annotations

from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.widgets import Footer, Header, Input

PLACEHOLDER = "Type here to benchmark"
# Both are drawn in the first full frame; the benchmark waits for both on the pty.
READY_MARKERS = (PLACEHOLDER.encode(), b"Quit")


class BareApp(App[None]):
    BINDINGS = [Binding("ctrl+q", "quit", "Quit", priority=True)]

    def compose(self) -> ComposeResult:
        yield Header()
        yield Input(placeholder=PLACEHOLDER, id="bare-input")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one(Input).focus()


if __name__ == "__main__":
    BareApp().run()
