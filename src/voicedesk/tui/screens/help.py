"""Help: the keys, and what every field means (from the catalogue)."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Static

from voicedesk.fields import Catalogue, catalogue
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
    ("ctrl+n, ctrl+d", "In a table or the built-in tools: add / delete a row or a tool"),
    ("ctrl+up/down", "In the schema table or the built-in tools: move the row or tool"),
    ("enter", "On a built-in tool: edit it in a screen of its own (Escape returns, ctrl+o reverts it)"),
    ("ctrl+z / ctrl+y", "On the built-in tools: undo / redo a change of the list"),
    ("up/down, pageup/down, space", "In the review: scroll through every change"),
    ("escape", "Back: review -> editor -> assistants"),
    ("ctrl+p", "Command palette: every action by name"),
    ("ctrl+q", "Quit (asks Save / Discard / Cancel with unsaved changes)"),
    ("F1", "This help"),
]


def help_text(fields: Catalogue) -> Text:
    text = Text()
    text.append("Keys\n", style="bold underline")
    width = max(len(key) for key, _ in KEYS)
    for key, meaning in KEYS:
        text.append(f"  {key.ljust(width)}  ", style="bold")
        text.append(f"{meaning}\n")
    text.append(f"\nThe settings of dialect {fields.dialect.value}\n", style="bold")
    for group in fields.groups:
        text.append(f"\n{group.value}\n", style="bold underline")
        for field in fields.fields_in(group):
            text.append(f"  {field.label}", style="bold")
            text.append(f"  {field.update_name}", style="dim")
            if field.ranged:
                text.append(f"  {field.range_text()}, step {field.step:g}", style="italic")
            elif field.max_length:
                text.append(f"  up to {field.max_length} characters", style="italic")
            text.append(f"\n    {field.help}\n")
    return text


class HelpScreen(Screen[None]):
    BINDINGS = [Binding("escape,f1,q", "dismiss", "Close help", priority=True)]

    def __init__(self, fields: Catalogue | None = None) -> None:
        """`fields`: the settings of the host's dialect (the seed's when none is open)."""
        super().__init__()
        self.fields = fields or catalogue()

    def compose(self) -> ComposeResult:
        yield Static("voicedesk help", id="help-title")
        with VerticalScroll(id="help-body"):
            yield Static(help_text(self.fields), markup=False)
        yield KeyBar()
