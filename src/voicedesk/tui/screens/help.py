"""Help: the keys, and what every field means (from the catalogue)."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Static

from voicedesk.fields import GROUPS, fields_in
from voicedesk.tui.widgets import KeyBar

KEYS = [
    ("ctrl+s", "Review the changes; in the review, send them"),
    ("ctrl+f or /", "Find a field by label or name and jump to it"),
    ("ctrl+o", "Revert the focused field"),
    ("ctrl+z, ctrl+y", "In text: undo / redo one step (ctrl+shift+z redoes too)"),
    ("ctrl+r", "Revert all changes (asks first)"),
    ("ctrl+z / ctrl+y", "In a text field: undo one step / redo (ctrl+shift+z redoes too)"),
    ("ctrl+pageup/pagedown", "Previous / next group"),
    ("tab, shift+tab", "Next / previous control"),
    ("left / right", "On a slider: one step down / up"),
    ("shift+left/right, pageup/down", "On a slider: ten steps"),
    ("home / end", "On a slider: minimum / maximum"),
    ("enter or a digit", "On a slider: type an exact value"),
    ("enter, space", "On a list field: open the searchable list"),
    ("enter", "On the system prompt: edit it in a screen of its own (Escape returns)"),
    ("up/down, pageup/down, space", "In the review: scroll through every change"),
    ("escape", "Back: review -> editor -> assistants"),
    ("ctrl+p", "Command palette: every action by name"),
    ("ctrl+q", "Quit (asks Save / Discard / Cancel with unsaved changes)"),
    ("F1", "This help"),
]


def help_text() -> Text:
    text = Text()
    text.append("Keys\n", style="bold underline")
    width = max(len(key) for key, _ in KEYS)
    for key, meaning in KEYS:
        text.append(f"  {key.ljust(width)}  ", style="bold")
        text.append(f"{meaning}\n")
    for group in GROUPS:
        text.append(f"\n{group.value}\n", style="bold underline")
        for field in fields_in(group):
            text.append(f"  {field.label}", style="bold")
            text.append(f"  {field.name}", style="dim")
            if field.ranged:
                text.append(f"  {field.range_text()}, step {field.step:g}", style="italic")
            elif field.max_length:
                text.append(f"  up to {field.max_length} characters", style="italic")
            text.append(f"\n    {field.help}\n")
    return text


class HelpScreen(Screen[None]):
    BINDINGS = [Binding("escape,f1,q", "dismiss", "Close help", priority=True)]

    def compose(self) -> ComposeResult:
        yield Static("voicedesk help", id="help-title")
        with VerticalScroll(id="help-body"):
            yield Static(help_text(), markup=False)
        yield KeyBar()
