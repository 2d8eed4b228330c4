"""The review: every change before and after, the exact body to send, and what blocks it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, cast

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult, SystemCommand
from textual.binding import Binding
from textual.containers import Horizontal, VerticalGroup, VerticalScroll
from textual.screen import Screen
from textual.widgets import Button, OptionList, Static
from textual.widgets.option_list import Option
from textual.worker import Worker, WorkerState

from voicedesk.display import diff_sides, format_before, format_value, plain_diff_line, safe_text, to_json
from voicedesk.fields import SETTINGS
from voicedesk.remote import Stage
from voicedesk.session import Change, EditSession
from voicedesk.textdiff import LARGE, DiffLine, diff_lines
from voicedesk.tools import masked
from voicedesk.tui import clipboard
from voicedesk.tui.diff_view import append_diff
from voicedesk.tui.textual_private import being_removed
from voicedesk.tui.widgets import KeyBar
from voicedesk.wire import WriteError

if TYPE_CHECKING:
    from voicedesk.tui.app import VoicedeskApp
    from voicedesk.tui.editing.save_flow import SaveFlow

def shown_body(session: Any) -> str:
    """The body to send as JSON, secrets masked; or why there is none yet."""
    try:
        body = session.body()
    except WriteError as error:
        return f"(not yet: {error})"
    if isinstance(body.get("tools"), list):
        body = {**body, "tools": masked(body["tools"])}
    return to_json(body)


def _naming(label: str, message: str) -> str:
    """A problem with its field's label in front, once: most messages begin with it."""
    return message if message.startswith(label) else f"{label}: {message}"


def needs_thread(sides: tuple[str, str]) -> bool:
    """A diff this large is worked out off the event loop (see ReviewScreen)."""
    return len(sides[0]) + len(sides[1]) > LARGE


def change_text(change: Change, session: EditSession, diff: list[DiffLine] | None = None) -> Text:
    """One change as styled text; server text is appended as plain text, never markup.

    A long text, the variables and the schema show a diff of lines: `diff` when given
    (worked out beforehand), else worked out here unless it is large (`needs_thread`).
    """
    field = SETTINGS[change.field]
    lookups = session.lookups
    text = Text()
    text.append(field.label, style="bold")
    text.append(f"  {session.fields[change.field].update_name}\n", style="dim")
    note = session.read_notes.get(change.field)
    if note:  # e.g. a conversion made on reading, which this change sends
        text.append(f"  Note: {safe_text(note)}\n", style="yellow")
    sides = diff_sides(change.field, change.before, change.after)
    if sides is not None:
        if diff is None and needs_thread(sides):
            text.append(f"  Comparing {len(sides[0]) + len(sides[1]):,} characters…\n", style="dim italic")
            return text
        append_diff(text, diff if diff is not None else diff_lines(*sides))
        return text
    text.append("  ")
    text.append(format_before(change.field, change.before, session.unreported, lookups), style="red")
    text.append("  →  ")
    text.append(format_value(change.field, change.after, lookups), style="green")
    text.append("\n")
    return text


@dataclass(frozen=True)
class ReviewOutcome:
    """What the review decided: sent (and taken), back to editing, or a field to go to."""

    sent: bool = False
    go_to: str | None = None


class ReviewScreen(Screen[ReviewOutcome]):
    """Every change that ctrl+s sends, scrollable from the moment it opens (the changes
    have the focus), with the changed fields named at the top, above the scrolling part,
    so that nothing sent is off-screen unnoticed."""

    HELP_NAME = "the review"  # what F1 calls it

    app: VoicedeskApp

    BINDINGS = [
        Binding("ctrl+s", "save", "Send", priority=True),
        Binding("escape", "back", "Back to editing"),
        Binding("j", "toggle_body", "Body JSON"),
        Binding("c", "copy_changes", "Copy changes"),
        Binding("b", "copy_body", "Copy body"),
        Binding("space", "page_down", "Page down", show=False),
    ]

    def __init__(self, saving: SaveFlow) -> None:
        super().__init__()
        self.saving_flow = saving
        self.session = saving.session
        self.saving = False
        # Diffs worked out on a thread, by field, with the two texts they compare (None
        # while it is being worked out).
        self._diffs: dict[str, tuple[tuple[str, str], list[DiffLine] | None]] = {}

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        # Sending waits for the problems to be fixed: its key is dimmed, not hidden.
        if action == "save":
            return not self.saving_flow.problems() or None
        return True

    def compose(self) -> ComposeResult:
        yield Static("", id="review-title", markup=False)
        yield Static("", id="review-summary", markup=False)
        with VerticalScroll(id="review-body") as body:
            body.border_title = "Changes"
            body.border_subtitle = "↑↓ PgUp PgDn Home End scroll"
            yield Static("", id="review-problems-heading", markup=False)
            yield OptionList(id="review-problems")
            yield Static("", id="review-server-notes", markup=False)
            yield VerticalGroup(id="review-changes")
            yield Static("", id="review-json", markup=False)
        with Horizontal(id="review-buttons"):
            # Where a narrow title cuts the host off, the button still says why it is off.
            sending = "Read-only profile" if self.app.settings.read_only else "Send changes"
            yield Button(sending, id="review-save", variant="primary")
            yield Button("Back to editing", id="review-back")
            yield Button("Show body JSON", id="review-toggle-json")
        yield KeyBar()

    def on_mount(self) -> None:
        self.query_one("#review-json").display = False
        self.show()

    def show(self) -> None:
        """(Re)draw from the session: after a 422, the problems change in place."""
        session = self.session
        changes = session.changes()
        problems = self.saving_flow.problems()
        self.query_one("#review-title", Static).update(
            f"Review: {len(changes)} change{'s' if len(changes) != 1 else ''} to "
            f"{safe_text(session.name)}  ·  #{session.assistant_id}  ·  {self.app.settings.heading}"
        )
        self.query_one("#review-summary", Static).update(
            "Changed: " + ", ".join(SETTINGS[change.field].label for change in changes) if changes else "No changes."
        )
        heading = self.query_one("#review-problems-heading", Static)
        options = self.query_one("#review-problems", OptionList)
        options.clear_options()
        if problems:
            heading.update(f"{len(problems)} problem{'s' if len(problems) != 1 else ''} to fix: Send is off "
                           "until they are (Enter goes to the field):")
            options.add_options([
                Option(Text(f"✗ {_naming(SETTINGS[name].label, message)}"), id=name)
                for name, message in problems.items()
            ])
        heading.display = options.display = bool(problems)
        notes = self.query_one("#review-server-notes", Static)
        notes.update("The server refused the last send:\n" + "\n".join(f"✗ {note}" for note in session.server_notes))
        notes.display = bool(session.server_notes)
        self._show_changes(changes)
        self.query_one("#review-json", Static).update(
            f"PUT /api/user/assistant/{session.assistant_id}\n{shown_body(session)}"
        )
        save = self.query_one("#review-save", Button)
        save.disabled = bool(problems) or not changes or self.saving or self.app.settings.read_only
        self.refresh_bindings()
        # Problems block sending: Enter on one goes to its field. Otherwise the changes
        # have the focus, so the keys scroll through everything ctrl+s would send.
        if problems:
            options.focus()
        else:
            self.query_one("#review-body", VerticalScroll).focus()

    def action_page_down(self) -> None:
        self.query_one("#review-body", VerticalScroll).scroll_page_down()

    def _show_changes(self, changes: list[Change]) -> None:
        texts = []
        for change in changes:
            sides = diff_sides(change.field, change.before, change.after)
            diff = None
            if sides is not None and needs_thread(sides):
                known = self._diffs.get(change.field)
                if known is None or known[0] != sides:
                    self._diffs[change.field] = (sides, None)
                    self._compare(change.field, sides)
                else:
                    diff = known[1]
            text = change_text(change, self.session, diff)
            text.rstrip()  # a change ends in a line break; their margins space them
            texts.append(text)
        shown = self.query_one("#review-changes", VerticalGroup)
        shown.remove_children()
        shown.mount_all(Static(text, classes="review-change", markup=False) for text in texts)

    @work(thread=True, group="compare")
    def _compare(self, name: str, sides: tuple[str, str]) -> tuple[str, tuple[str, str], list[DiffLine]]:
        """A large diff (a prompt of megabytes) is worked out on a thread: the review
        answers the keyboard meanwhile, and shows it when it is ready."""
        return name, sides, diff_lines(*sides)

    @on(Worker.StateChanged)
    def _compared(self, event: Worker.StateChanged) -> None:
        if event.worker.group != "compare" or event.state is not WorkerState.SUCCESS:
            return
        name, sides, lines = cast(tuple[str, tuple[str, str], list[DiffLine]], event.worker.result)
        if self._diffs.get(name, (None,))[0] == sides:  # still the texts under review
            self._diffs[name] = (sides, lines)
            self._show_changes(self.session.changes())

    def changes_as_text(self) -> str:
        """The changes as plain text, as the CLI prints them without colour: long values
        as their diff with git's word marks, others as before -> after."""
        session = self.session
        parts = []
        for change in session.changes():
            field = SETTINGS[change.field]
            parts.append(f"{field.label} ({session.fields[change.field].update_name})")
            sides = diff_sides(change.field, change.before, change.after)
            if sides is None:
                before = format_before(change.field, change.before, session.unreported, session.lookups)
                parts.append(f"  {before}  ->  {format_value(change.field, change.after, session.lookups)}")
                continue
            known = self._diffs.get(change.field)
            lines = known[1] if known is not None and known[0] == sides and known[1] is not None else None
            parts += [f"  {plain_diff_line(line)}" for line in lines or diff_lines(*sides)]
        return "\n".join(parts) + "\n"

    def action_copy_changes(self) -> None:
        clipboard.copy(self.app, self.changes_as_text(), "the changes")

    def action_copy_body(self) -> None:
        session = self.session
        clipboard.copy(self.app, shown_body(session) + "\n", "the body JSON")

    def palette_commands(self) -> list[SystemCommand]:
        return [
            SystemCommand("Copy the changes", "The diff of every change, as text, to the clipboard (c)",
                          self.action_copy_changes),
            SystemCommand("Copy the body JSON", "The exact body to send, to the clipboard (b)", self.action_copy_body),
        ]

    def action_toggle_body(self) -> None:
        body = self.query_one("#review-json")
        body.display = not body.display
        self.query_one("#review-toggle-json", Button).label = "Hide body JSON" if body.display else "Show body JSON"
        if body.display:
            body.scroll_visible()

    def action_back(self) -> None:
        if not self.saving:
            self.dismiss(ReviewOutcome())
        elif not self.saving_flow.stop():
            self.notify("The change has been sent and cannot be called back; waiting for the "
                        "server's answer.", markup=False, timeout=4)

    def _show_progress(self, stage: Stage, text: str) -> None:
        note = "  ·  Escape stops (nothing is sent yet)" if stage is Stage.READING else ""
        self.query_one("#review-title", Static).update(f"{text}…{note}")

    @on(Button.Pressed, "#review-back")
    def _back(self) -> None:
        self.action_back()

    @on(Button.Pressed, "#review-toggle-json")
    def _toggle(self) -> None:
        self.action_toggle_body()

    @on(Button.Pressed, "#review-save")
    async def _save_pressed(self) -> None:
        await self.action_save()

    @on(OptionList.OptionSelected, "#review-problems")
    def _go_to_problem(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(ReviewOutcome(go_to=event.option.id))

    async def action_save(self) -> None:
        await self.app.settle()
        self._send()

    @work(exclusive=True, group="save")
    async def _send(self) -> None:
        session = self.session
        if self.saving:
            return
        refusal = self.app.settings.write_refusal
        if refusal:  # said here, before anything else; remote.save refuses it too
            self.notify(refusal, title="Read-only", severity="error", timeout=6)
            return
        if self.saving_flow.problems():
            self.notify("Fix the problems listed first; nothing was sent.", severity="error", timeout=4)
            return
        if not session.dirty:
            self.notify("No changes to send.", timeout=2)
            return
        self.saving = True
        self.query_one("#review-save", Button).disabled = True
        self.query_one("#review-title", Static).update("Sending…")
        try:
            saved = await self.saving_flow.save(progress=self._show_progress)
        finally:
            self.saving = False
        if being_removed(self):  # the app closed during the send: its outcome is in the history
            return
        if saved:
            self.dismiss(ReviewOutcome(sent=True))
        else:
            self.show()
