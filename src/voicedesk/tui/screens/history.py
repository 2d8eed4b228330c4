"""An assistant's recorded saves (voicedesk.history), newest first."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Static

from voicedesk.display import format_recorded, safe_text
from voicedesk.fields import SETTINGS
from voicedesk.history import History, HistoryEntry, HistoryError
from voicedesk.records import Lookups
from voicedesk.tui.widgets import KeyBar


def history_text(entries: list[HistoryEntry], lookups: Lookups) -> Text:
    text = Text()
    if not entries:
        text.append("No saves of this assistant are recorded on this machine yet.", style="italic")
    for entry in reversed(entries):
        text.append(f"{entry.time:%Y-%m-%d %H:%M:%S} UTC", style="bold")
        text.append(f"  {safe_text(entry.host)}\n", style="dim")
        for change in entry.changes:
            # A field this version does not know is shown by its name, its values as JSON.
            label = SETTINGS[change.field].label if change.field in SETTINGS else safe_text(change.field)
            text.append(f"  {label}: ")
            text.append(format_recorded(change.field, change.before, lookups, width=50), style="red")
            text.append("  →  ")
            text.append(format_recorded(change.field, change.after, lookups, width=50), style="green")
            text.append("\n")
        text.append("\n")
    return text


class HistoryScreen(Screen[None]):
    BINDINGS = [Binding("escape,q", "dismiss", "Back")]

    def __init__(self, assistant_id: int, assistant_name: str, host: str, lookups: Lookups) -> None:
        super().__init__()
        self.assistant_id, self.assistant_name, self.host, self.lookups = assistant_id, assistant_name, host, lookups

    def compose(self) -> ComposeResult:
        history = History()
        heading = f"History: {safe_text(self.assistant_name)}  ·  #{self.assistant_id}"
        try:
            entries = history.entries(self.assistant_id, self.host)
        except HistoryError as error:
            message = str(error)
            yield Static(f"{heading}  ·  not readable", id="history-title", markup=False)
            with VerticalScroll(id="history-body"):
                yield Static(safe_text(message[:1].upper() + message[1:]), id="history-error", markup=False)
            yield KeyBar()
            return
        note = ""
        if history.skipped:
            numbers = ", ".join(str(n) for n in history.skipped_lines[:5])
            more = ", …" if history.skipped > 5 else ""
            note = f"  ·  {history.skipped} unreadable line(s) skipped ({numbers}{more})"
        saves = f"{len(entries)} save{'' if len(entries) == 1 else 's'}"
        yield Static(f"{heading}  ·  {saves}{note}", id="history-title", markup=False)
        with VerticalScroll(id="history-body"):
            yield Static(history_text(entries, self.lookups), markup=False)
        yield KeyBar()
