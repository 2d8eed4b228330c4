"""The review: every change before and after, the exact body to send, and what blocks it."""

from __future__ import annotations

import difflib
from typing import TYPE_CHECKING

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalGroup, VerticalScroll
from textual.screen import Screen
from textual.widgets import Button, OptionList, Static
from textual.widgets.option_list import Option

from voicedesk.display import format_value, safe_text, to_json
from voicedesk.fields import FIELDS, Kind
from voicedesk.session import Change
from voicedesk.tui.widgets import KeyBar

if TYPE_CHECKING:
    from voicedesk.tui.app import VoicedeskApp
    from voicedesk.tui.screens.editor import EditorScreen

# Above this many characters a text change is shown as a unified diff.
_DIFF_FROM = 60


def change_text(change: Change, editor: EditorScreen) -> Text:
    """One change as styled text; server text is appended as plain text, never markup."""
    field = FIELDS[change.field]
    lookups = editor.session.lookups  # type: ignore[union-attr]
    text = Text()
    text.append(field.label, style="bold")
    text.append(f"  {field.name}\n", style="dim")
    # Text against text (or nothing) as a diff; a value of another type is shown whole.
    sides = (change.before, change.after)
    long = all(side is None or isinstance(side, str) for side in sides) and sides != (None, None)
    if long and (field.kind is Kind.LONG_TEXT or max(len(change.before or ""), len(change.after or "")) > _DIFF_FROM):
        before = safe_text(change.before or "", keep_newlines=True).splitlines()
        after = safe_text(change.after or "", keep_newlines=True).splitlines()
        for line in difflib.unified_diff(before, after, "before", "after", n=1, lineterm=""):
            style = "green" if line.startswith("+") else "red" if line.startswith("-") else "cyan" if line.startswith("@") else ""
            text.append(f"  {line}\n", style=style)
        return text
    if field.kind in (Kind.KEY_VALUE, Kind.SCHEMA):
        before = to_json(change.before).splitlines()
        after = to_json(change.after).splitlines()
        for line in difflib.unified_diff(before, after, "before", "after", n=1, lineterm=""):
            style = "green" if line.startswith("+") else "red" if line.startswith("-") else ""
            text.append(f"  {safe_text(line)}\n", style=style)
        return text
    text.append("  ")
    text.append(format_value(change.field, change.before, lookups), style="red")
    text.append("  →  ")
    text.append(format_value(change.field, change.after, lookups), style="green")
    text.append("\n")
    return text


class ReviewScreen(Screen[None]):
    """Every change that ctrl+s sends, scrollable from the moment it opens (the changes
    have the focus), with the changed fields named at the top, above the scrolling part,
    so that nothing sent is off-screen unnoticed."""

    app: VoicedeskApp

    BINDINGS = [
        Binding("ctrl+s", "save", "Send", priority=True),
        Binding("escape", "back", "Back to editing"),
        Binding("j", "toggle_body", "Body JSON"),
        Binding("space", "page_down", "Page down", show=False),
    ]

    def __init__(self, editor: EditorScreen) -> None:
        super().__init__()
        self.editor = editor
        self.saving = False

    def compose(self) -> ComposeResult:
        session = self.editor.session
        assert session is not None
        yield Static("", id="review-title", markup=False)
        yield Static("", id="review-summary", markup=False)
        with VerticalScroll(id="review-body") as body:
            body.border_title = "Changes"
            body.border_subtitle = "↑↓ PgUp PgDn Home End scroll"
            yield Static("", id="review-problems-heading", markup=False)
            yield OptionList(id="review-problems")
            yield VerticalGroup(id="review-changes")
            yield Static("", id="review-json", markup=False)
        with Horizontal(id="review-buttons"):
            yield Button("Send changes", id="review-save", variant="primary")
            yield Button("Back to editing", id="review-back")
            yield Button("Show body JSON", id="review-toggle-json")
        yield KeyBar()

    def on_mount(self) -> None:
        self.query_one("#review-json").display = False
        self.show()

    def show(self) -> None:
        """(Re)draw from the session: after a 422, the problems change in place."""
        session = self.editor.session
        assert session is not None
        changes = session.changes()
        problems = self.editor.problems()
        self.query_one("#review-title", Static).update(
            f"Review: {len(changes)} change{'s' if len(changes) != 1 else ''} to "
            f"{safe_text(session.name)}  ·  #{session.assistant_id}  ·  {self.app.settings.host}"
        )
        self.query_one("#review-summary", Static).update(
            "Changed: " + ", ".join(FIELDS[change.field].label for change in changes) if changes else "No changes."
        )
        heading = self.query_one("#review-problems-heading", Static)
        options = self.query_one("#review-problems", OptionList)
        options.clear_options()
        if problems:
            heading.update(f"{len(problems)} problem{'s' if len(problems) != 1 else ''} to fix before sending "
                           "(Enter goes to the field):")
            options.add_options([
                Option(Text(f"✗ {FIELDS[name].label}: {message}"), id=name)
                for name, message in problems.items()
            ])
        heading.display = options.display = bool(problems)
        shown = self.query_one("#review-changes", VerticalGroup)
        shown.remove_children()
        texts = [change_text(change, self.editor) for change in changes]
        for text in texts:
            text.rstrip()  # a change ends in a line break; their margins space them
        shown.mount_all(Static(text, classes="review-change", markup=False) for text in texts)
        self.query_one("#review-json", Static).update(
            "PUT /api/user/assistant/{}\n{}".format(
                session.assistant_id, to_json(session.body())
            )
        )
        save = self.query_one("#review-save", Button)
        save.disabled = bool(problems) or not changes or self.saving
        # Problems block sending: Enter on one goes to its field. Otherwise the changes
        # have the focus, so the keys scroll through everything ctrl+s would send.
        if problems:
            options.focus()
        else:
            self.query_one("#review-body", VerticalScroll).focus()

    def action_page_down(self) -> None:
        self.query_one("#review-body", VerticalScroll).scroll_page_down()

    def action_toggle_body(self) -> None:
        body = self.query_one("#review-json")
        body.display = not body.display
        self.query_one("#review-toggle-json", Button).label = "Hide body JSON" if body.display else "Show body JSON"
        if body.display:
            body.scroll_visible()

    def action_back(self) -> None:
        if not self.saving:
            self.dismiss()

    @on(Button.Pressed, "#review-back")
    def _back(self) -> None:
        self.action_back()

    @on(Button.Pressed, "#review-toggle-json")
    def _toggle(self) -> None:
        self.action_toggle_body()

    @on(Button.Pressed, "#review-save")
    def _save_pressed(self) -> None:
        self.action_save()

    @on(OptionList.OptionSelected, "#review-problems")
    def _go_to_problem(self, event: OptionList.OptionSelected) -> None:
        name = event.option.id
        self.dismiss()
        if name:
            self.editor.run_worker(self.editor.focus_field(name), group="focus")

    async def action_save(self) -> None:
        await self.app.settle()
        self._send()

    @work(exclusive=True, group="save")
    async def _send(self) -> None:
        session = self.editor.session
        if self.saving or session is None:
            return
        if self.editor.problems():
            self.notify("Fix the problems listed first; nothing was sent.", severity="error", timeout=4)
            return
        if not session.dirty:
            self.notify("No changes to send.", timeout=2)
            return
        self.saving = True
        self.query_one("#review-save", Button).disabled = True
        self.query_one("#review-title", Static).update("Sending…")
        try:
            saved = await self.editor.save_changes()
        finally:
            self.saving = False
        if saved:
            self.dismiss()
        else:
            self.show()
