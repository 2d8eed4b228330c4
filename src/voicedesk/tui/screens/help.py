"""Help: the keys, and what every field means (from the catalogue)."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Input, Static, TextArea

from voicedesk.fields import Catalogue
from voicedesk.tui.widgets import KeyBar

# What the editor's controls do with keys: their bindings are only active while one of
# them has the focus, so the screen's own list (`keys_here`) would not show them all.
EDITOR_KEYS = [
    ("ctrl+z / ctrl+y", "Undo / redo the last edit anywhere in the editor (a slider step, a switch, a pick, "
                        "a table row, a text field's visit, a revert); in a text field its own undo goes first, "
                        "one word at a time (ctrl+shift+z redoes too)"),
    ("F6 / shift+F6", "Next / previous group (ctrl+pagedown / ctrl+pageup too)"),
    ("tab, shift+tab", "Next / previous control"),
    ("left / right", "On a slider: one step down / up"),
    ("shift+left/right, pageup/down", "On a slider: ten steps"),
    ("home / end", "On a slider: minimum / maximum"),
    ("enter or a digit", "On a slider: type an exact value"),
    ("enter, space", "On a list field: open the searchable list"),
    ("enter", "On the system prompt: edit it in a screen of its own (Escape returns)"),
    ("F4", "On a long text: edit it in $VISUAL / $EDITOR"),
    ("ctrl+n, ctrl+d", "In a table or the built-in tools: add / delete a row or a tool"),
    ("ctrl+up/down", "In the schema table or the built-in tools: move the row or tool"),
    ("enter", "On a built-in tool: edit it in a screen of its own (Escape returns, ctrl+o reverts it)"),
    ("ctrl+home / ctrl+end", "In a text: to its start / end"),
    ("ctrl+p", "Command palette: every action by name, and Go to a group"),
]


# Textual's own text and list controls have many editing keys, the same everywhere:
# listed one by one they would bury the screen's own keys.
TEXT_KEYS = ("arrows, home/end, ctrl+arrows", "In a text field: move (by word with ctrl); shift selects; "
             "ctrl+z / ctrl+y undo / redo; ctrl+c / ctrl+x / ctrl+v copy, cut, paste")


def _textual_actions(kind: type) -> set[str]:
    """The actions a widget class has from Textual's own classes (not from ours)."""
    return {binding.action if isinstance(binding, Binding) else binding[1]
            for cls in kind.__mro__ if cls.__module__.startswith("textual.")
            for binding in cls.__dict__.get("BINDINGS", [])}


def keys_here(screen: Screen[object]) -> list[tuple[str, str]]:
    """Every key of `screen` where the focus is now (its focused widget's, its own, the
    app's), one line per action with every key bound to it; those that do nothing at
    this moment (a closed find bar's) too. The editing keys of Textual's own controls
    are one line (`TEXT_KEYS`)."""
    app = screen.app
    lines: dict[tuple[int, str], tuple[list[str], str]] = {}
    textual_controls = False  # a text control of Textual's has the focus
    for node, binding, _enabled, _tooltip in screen.active_bindings.values():
        if not binding.description:
            continue
        if node is not screen and node is not app and binding.action in _textual_actions(type(node)):
            # Scrolling and list moves go without saying; a text's editing keys get a line.
            textual_controls = textual_controls or isinstance(node, (Input, TextArea))
            continue
        keys, _description = lines.setdefault((id(node), binding.action), ([], binding.description))
        display = app.get_key_display(binding)
        if display not in keys:
            keys.append(display)
    found = [(", ".join(keys), description) for keys, description in lines.values()]
    return [*found, TEXT_KEYS] if textual_controls else found


def _key_lines(text: Text, keys: list[tuple[str, str]]) -> None:
    width = min(max((len(key) for key, _ in keys), default=0), 30)
    for key, meaning in keys:
        text.append(f"  {key.ljust(width)}  ", style="bold")
        text.append(f"{meaning}\n")


def help_text(fields: Catalogue | None, keys: list[tuple[str, str]], where: str) -> Text:
    """The keys of `where` (the screen help was asked on); with `fields`, the editor's
    controls' keys and what every field means."""
    text = Text()
    text.append(f"Keys on {where}\n", style="bold underline")
    _key_lines(text, keys)
    if fields is None:
        return text
    text.append("\nKeys of the editor's controls\n", style="bold underline")
    _key_lines(text, EDITOR_KEYS)
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

    def __init__(self, keys: list[tuple[str, str]], where: str, fields: Catalogue | None = None) -> None:
        """`keys`: what works on the screen help was asked on (`where`, e.g. "the
        review"); `fields`: the settings of an open editor's dialect, explained too."""
        super().__init__()
        self.keys = keys
        self.where = where
        self.fields = fields

    def compose(self) -> ComposeResult:
        yield Static(f"voicedesk help: {self.where}", id="help-title", markup=False)
        with VerticalScroll(id="help-body"):
            yield Static(help_text(self.fields, self.keys, self.where), markup=False)
        yield KeyBar()
