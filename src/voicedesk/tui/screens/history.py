"""An assistant's recorded saves (voicedesk.history), newest first; Enter opens one to
show its changes as the review shows them (long values as a diff, the changed words
marked), Escape goes back to the list. `r` restores a save's earlier values: the screen
is dismissed with that entry, and the editor takes its values as edits to review."""

from __future__ import annotations

from typing import TYPE_CHECKING, cast

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult, SystemCommand
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.screen import Screen
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option
from textual.worker import Worker, WorkerState

from voicedesk.display import format_recorded, plain_diff_line, recorded_diff_sides, safe_text
from voicedesk.fields import SETTINGS
from voicedesk.history import History, HistoryEntry, HistoryError
from voicedesk.records import Lookups
from voicedesk.textdiff import diff_lines
from voicedesk.tui import clipboard
from voicedesk.tui.diff_view import append_diff
from voicedesk.tui.widgets import KeyBar

if TYPE_CHECKING:
    from voicedesk.session import Change


def _label(change: Change) -> str:
    # A field this version does not know is shown by its name, its values as JSON.
    return SETTINGS[change.field].label if change.field in SETTINGS else safe_text(change.field)


def entry_summary(entry: HistoryEntry, lookups: Lookups) -> Text:
    """One save in the list: when, where, and each change on one line."""
    text = Text()
    text.append(f"{entry.time:%Y-%m-%d %H:%M:%S} UTC", style="bold")
    text.append(f"  {safe_text(entry.host)}", style="dim")
    for change in entry.changes:
        text.append(f"\n  {_label(change)}: ")
        sides = recorded_diff_sides(change.field, change.before, change.after)
        if sides is not None:  # the diff is one Enter away
            text.append(f"changed ({len(sides[0]):,} → {len(sides[1]):,} characters)", style="yellow")
            continue
        text.append(format_recorded(change.field, change.before, lookups, width=50), style="red")
        text.append("  →  ")
        text.append(format_recorded(change.field, change.after, lookups, width=50), style="green")
    return text


def entry_diff(entry: HistoryEntry, lookups: Lookups) -> tuple[Text, str]:
    """One save's changes, styled and as plain text (for the clipboard): long values as
    their diff, with the changed words marked."""
    text, plain = Text(), []
    text.append(f"{entry.time:%Y-%m-%d %H:%M:%S} UTC", style="bold")
    text.append(f"  {safe_text(entry.host)}\n\n", style="dim")
    for change in entry.changes:
        label = _label(change)
        text.append(label, style="bold")
        text.append(f"  {safe_text(change.field)}\n", style="dim")
        plain.append(f"{label} ({safe_text(change.field)})")
        sides = recorded_diff_sides(change.field, change.before, change.after)
        if sides is not None:
            lines = diff_lines(*sides)
            append_diff(text, lines)
            plain += [f"  {plain_diff_line(line)}" for line in lines]
        else:
            before = format_recorded(change.field, change.before, lookups)
            after = format_recorded(change.field, change.after, lookups)
            text.append("  ")
            text.append(before, style="red")
            text.append("  →  ")
            text.append(after, style="green")
            text.append("\n")
            plain.append(f"  {before}  ->  {after}")
        text.append("\n")
    return text, "\n".join(plain) + "\n"


class SaveList(OptionList):
    """The saves; its Enter (OptionList's own, hidden there) named in the key bar."""

    BINDINGS = [Binding("enter", "select", "Show changes")]


class HistoryScreen(Screen[HistoryEntry | None]):
    HELP_NAME = "the history"  # what F1 calls it
    DEFAULT_CSS = """
    HistoryScreen {
        #history-body { height: 1fr; }
        #history-list { height: 1fr; border: none; padding: 0; }
        #history-list > .option-list--option { padding: 0 0 1 0; }
        #history-entry { height: 1fr; border: round $primary; padding: 0 1; }
    }
    """

    AUTO_FOCUS = "#history-list"
    BINDINGS = [
        Binding("escape,q", "back", "Back"),
        Binding("c", "copy", "Copy changes"),
        Binding("r", "restore", "Restore these values"),
    ]

    def __init__(self, assistant_id: int, assistant_name: str, host: str, lookups: Lookups) -> None:
        super().__init__()
        self.assistant_id, self.assistant_name, self.host, self.lookups = assistant_id, assistant_name, host, lookups
        self.entries: list[HistoryEntry] = []  # newest first
        self.shown: int | None = None  # the entry whose changes are shown
        self._plain: dict[int, str] = {}  # an entry's changes as text, once worked out

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
        self.entries = list(reversed(entries))
        note = ""
        if history.skipped:
            numbers = ", ".join(str(n) for n in history.skipped_lines[:5])
            more = ", …" if history.skipped > 5 else ""
            note = f"  ·  {history.skipped} unreadable line(s) skipped ({numbers}{more})"
        saves = f"{len(entries)} save{'' if len(entries) == 1 else 's'}"
        opens = "  ·  Enter shows a save's changes" if entries else ""
        yield Static(f"{heading}  ·  {saves}{note}{opens}", id="history-title", markup=False)
        with Vertical(id="history-body"):
            if not entries:
                yield Static(Text("No saves of this assistant are recorded on this machine yet.", style="italic"))
            options = SaveList(id="history-list")
            options.add_options(Option(entry_summary(entry, self.lookups), id=str(index))
                                for index, entry in enumerate(self.entries))
            options.display = bool(entries)
            options.highlighted = 0 if entries else None  # Enter opens the newest at once
            yield options
        with VerticalScroll(id="history-entry") as entry_view:
            entry_view.display = False
            yield Static("", id="history-diff", markup=False)
        yield KeyBar()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ("copy", "restore"):
            return bool(self.entries) or None
        return True

    @on(OptionList.OptionSelected, "#history-list")
    def _selected(self, event: OptionList.OptionSelected) -> None:
        self._show(int(event.option.id or 0))

    def _show(self, index: int) -> None:
        self.shown = index
        self.query_one("#history-body").display = False
        view = self.query_one("#history-entry", VerticalScroll)
        view.display = True
        view.border_title = f"Save {index + 1} of {len(self.entries)} (newest first)"
        view.border_subtitle = "Escape: back to the list  ·  c: copy"
        view.scroll_home(animate=False)
        view.focus()
        self.query_one("#history-diff", Static).update(Text("Comparing…", style="dim italic"))
        self._compare(index)
        self.refresh_bindings()

    @work(thread=True, exclusive=True, group="compare")
    def _compare(self, index: int) -> tuple[int, Text, str]:
        """Off the event loop: an entry may hold a prompt of megabytes."""
        return (index, *entry_diff(self.entries[index], self.lookups))

    @on(Worker.StateChanged)
    def _compared(self, event: Worker.StateChanged) -> None:
        if event.worker.group != "compare" or event.state is not WorkerState.SUCCESS:
            return
        index, text, plain = cast(tuple[int, Text, str], event.worker.result)
        self._plain[index] = plain
        if index == self.shown:
            self.query_one("#history-diff", Static).update(text)

    def action_back(self) -> None:
        if self.shown is None:
            self.dismiss()
            return
        self.shown = None
        self.query_one("#history-entry").display = False
        self.query_one("#history-body").display = True
        self.query_one("#history-list", OptionList).focus()
        self.refresh_bindings()

    def _chosen(self) -> int | None:
        """The entry shown, else the one highlighted in the list."""
        return self.shown if self.shown is not None else self.query_one("#history-list", OptionList).highlighted

    def action_restore(self) -> None:
        index = self._chosen()
        if index is not None:
            self.dismiss(self.entries[index])

    def action_copy(self) -> None:
        index = self._chosen()
        if index is None:
            return
        plain = self._plain.get(index)
        if plain is None:
            plain = entry_diff(self.entries[index], self.lookups)[1]
            self._plain[index] = plain
        clipboard.copy(self.app, plain, "the save's changes")

    def palette_commands(self) -> list[SystemCommand]:
        if not self.entries:
            return []
        return [
            SystemCommand("Copy the save's changes", "The changes of the save shown or highlighted, "
                          "as text, to the clipboard (c)", self.action_copy),
            SystemCommand("Restore these values", "The values from before the save shown or highlighted, as "
                          "edits to review and send (r)", self.action_restore),
        ]
