"""Many assistants from the picker's marks. `BulkScreen`: one change across them, the
editor's controls for the fields chosen, one combined review of every assistant's before
and after (`BulkReviewScreen`), one send. `CompareScreen`: two of them side by side,
values copied either way, reviewed and sent the same way.

The controls are the editor's rows (`FieldRow`), bound to a scratch session of the
first marked assistant: they start at its values, and every field added is wanted as
its control shows it, changed or not. The review plans each assistant on its own
session (`voicedesk.batch.plan`: values read and checked per assistant); the send is a
batch (`batch.carry_out`): pages read again before their writes, conflicts reported per
assistant and nothing sent to those, every save proven by a read-back and kept in the
history. Nothing is sent before the review's Send.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.text import Text
from textual import events, on, work
from textual.app import ComposeResult, SystemCommand
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.screen import Screen
from textual.widgets import Button, OptionList, ProgressBar, Static
from textual.widgets.option_list import Option

from voicedesk.batch import Account, Outcome, Planned, Status, Wanted, carry_out, plan, problem_text
from voicedesk.display import format_value, plural, safe_text, shorten
from voicedesk.history import History
from voicedesk.session import EditSession, same_value
from voicedesk.tui.form import FieldRow, RowHead
from voicedesk.tui.screens.modals import Ask
from voicedesk.tui.textual_private import being_removed
from voicedesk.tui.widgets import KeyBar
from voicedesk.tui.widgets.search_select_screen import SearchSelectScreen

if TYPE_CHECKING:
    from voicedesk.tui.app import VoicedeskApp


# One value for many assistants would break them: a name tells them apart, a number
# rings one assistant. (The prompt and other full-screen texts: `voicedesk set` or files.)
NOT_SHARED = ("assistant_name", "phone_number_id")


def _names(account: Account, ids: list[int]) -> str:
    shown = ", ".join(safe_text(shorten(str(account.records[n].get("name") or f"#{n}"), 24)) for n in ids[:2])
    return shown + (f" and {len(ids) - 2} more" if len(ids) > 2 else "")


async def _may_leave(screen: Screen[bool], title: str, message: str) -> bool:
    """Whether the user leaves values not sent behind (asked; Keep editing is the default)."""
    answer = await screen.app.push_screen_wait(Ask(
        title, message, [("stay", "Keep editing", "primary"), ("leave", "Leave", "error")]))
    return answer == "leave"


class BulkScreen(Screen[bool]):
    """Choose fields and their values for every marked assistant. Dismissed with True
    once something was sent (the picker then reads the list again)."""

    HELP_NAME = "the change of marked assistants"
    app: VoicedeskApp
    COMPONENT_CLASSES = set(FieldRow.BAR_CLASSES | RowHead.COLOUR_CLASSES)
    AUTO_FOCUS = None
    BINDINGS = [
        Binding("ctrl+s", "review", "Review", priority=True, id="bulk.review"),
        Binding("ctrl+n", "add_field", "Add a field", priority=True, id="bulk.add_field"),
        Binding("ctrl+d", "remove_field", "Remove field", id="bulk.remove_field"),
        Binding("escape", "leave", "Back", id="bulk.leave"),
    ]

    def __init__(self, account: Account, ids: list[int]) -> None:
        super().__init__()
        self.account, self.ids = account, ids
        self.session: EditSession = account.session(ids[0])  # the controls' scratch session
        self.chosen: list[str] = []  # the fields added, in order

    def compose(self) -> ComposeResult:
        yield Static(f"Change {plural(len(self.ids), 'marked assistant')}", id="bulk-title", markup=False)
        yield Static(f"{_names(self.account, self.ids)}.\n"
                     "ctrl+n adds a field. Each field added is set on every marked assistant as its control "
                     f"shows it (they start at the values of #{self.ids[0]}). ctrl+s reviews; nothing is sent "
                     "before the review's Send.", id="bulk-hint", markup=False)
        yield VerticalScroll(id="bulk-rows", can_focus=False)
        yield KeyBar()

    def on_mount(self) -> None:
        self.call_after_refresh(self.action_add_field)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ("review", "remove_field"):
            return bool(self.chosen) or None
        return True

    @work(exclusive=True, group="ask")
    async def action_add_field(self) -> None:
        left = [field for field in self.session.fields if field.name not in self.chosen
                and field.name not in NOT_SHARED and not field.full_screen]
        labels = [f"{field.label}  ({field.group.value}, {field.update_name})" for field in left]
        index = await self.app.push_screen_wait(SearchSelectScreen(labels, None, title="Add a field"))
        if index is None or being_removed(self):
            return
        field = left[index]
        self.chosen.append(field.name)
        row = FieldRow(field, self.session, self._edited)
        await self.query_one("#bulk-rows", VerticalScroll).mount(row)
        row.focus_control()
        row.scroll_visible(animate=False)
        self.refresh_bindings()

    def _edited(self, row: FieldRow) -> None:
        self.session.journal.seal()
        row.show_state(self.session.validate().get(row.field.name), None)

    @on(events.DescendantFocus)
    def _focus_moved(self) -> None:
        for row in self.query(FieldRow):
            row.show_focus(row.control_has_focus)

    def action_remove_field(self) -> None:
        node = self.focused
        while node is not None and not isinstance(node, FieldRow):
            node = node.parent  # type: ignore[assignment]
        if node is None:
            return
        self.chosen.remove(node.field.name)
        self.session.revert(node.field.name)
        node.remove()
        self.refresh_bindings()

    def wanted(self) -> list[Wanted]:
        values = {name: self.session.value(name) for name in self.chosen}

        def fill(session: EditSession) -> None:
            session.set_many(values)

        return [Wanted(number, "the change of marked assistants", fill) for number in self.ids]

    def action_review(self) -> None:
        if not self.chosen:
            return
        planned = plan(self.account, self.wanted())
        self.app.push_screen(BulkReviewScreen(self.account, planned), self._reviewed)

    def _reviewed(self, sent: bool | None) -> None:
        if sent:
            self.dismiss(True)

    @work(exclusive=True, group="ask")
    async def action_leave(self) -> None:
        if not self.chosen or await _may_leave(
                self, "Leave the change?",
                f"The values chosen for {plural(len(self.chosen), 'field')} are not sent and will be lost."):
            self.dismiss(False)

    def palette_commands(self) -> list[SystemCommand]:
        return [SystemCommand("Add a field", "Choose another field to set on the marked assistants (ctrl+n)",
                              self.action_add_field)]


class BulkReviewScreen(Screen[bool]):
    """Every marked assistant's before and after, its problems, then one send with a
    progress bar and each assistant's outcome."""

    HELP_NAME = "the review of a change of many assistants"
    app: VoicedeskApp
    BINDINGS = [
        Binding("ctrl+s", "send", "Send", priority=True, id="bulk.send"),
        Binding("escape", "back", "Back", id="bulk.back"),
    ]

    def __init__(self, account: Account, planned: list[Planned]) -> None:
        super().__init__()
        self.account, self.planned = account, planned
        self.sending = False
        self.done = False

    def compose(self) -> ComposeResult:
        changing = [entry for entry in self.planned if entry.changes]
        problems = [entry for entry in self.planned if entry.problem]
        count = sum(len(entry.changes) for entry in changing)
        in_step = len(self.planned) - len(changing) - len(problems)
        yield Static(f"Review: {plural(count, 'change')} to {plural(len(changing), 'assistant')}"
                     f"{f' · {in_step} already as wanted' if in_step else ''}"
                     f"{f' · {len(problems)} with problems: nothing can be sent' if problems else ''}",
                     id="bulk-review-title", markup=False)
        with VerticalScroll(id="bulk-review-body"):
            yield Static(self._plan_text(), id="bulk-review-plan")
        yield ProgressBar(total=max(len(changing), 1), show_eta=True, id="bulk-progress")
        with Horizontal(id="bulk-review-buttons"):
            yield Button("Send", id="bulk-send", variant="primary", disabled=bool(problems) or not changing)
            yield Button("Back", id="bulk-back")
        yield KeyBar()

    def on_mount(self) -> None:
        self.query_one("#bulk-progress").display = False
        self.query_one("#bulk-review-body").focus()

    def _plan_text(self) -> Text:
        text = Text()
        for entry in self.planned:
            name = safe_text(shorten(entry.name or f"#{entry.assistant_id}", 60))
            if entry.problem:
                text.append(f"{name} (id {entry.assistant_id})\n", style="bold")
                text.append(f"  {safe_text(entry.problem)}\n\n", style="red")
                continue
            if not entry.changes:
                continue
            session = entry.session
            assert session is not None
            text.append(f"{name} (id {entry.assistant_id})\n", style="bold")
            for change in entry.changes:
                field = session.fields[change.field]
                text.append(f"  {field.label}: ")
                text.append(format_value(change.field, change.before, session.lookups, width=40), style="red")
                text.append("  →  ")
                text.append(format_value(change.field, change.after, session.lookups, width=40), style="green")
                text.append("\n")
            text.append("\n")
        return text

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "send":
            return (not self.sending and not self.done and not self.query_one("#bulk-send", Button).disabled) or None
        if action == "back":
            return not self.sending or None
        return True

    @on(Button.Pressed, "#bulk-send")
    def _send_pressed(self) -> None:
        self.action_send()

    @on(Button.Pressed, "#bulk-back")
    def _back_pressed(self) -> None:
        self.action_back()

    def action_back(self) -> None:
        if not self.sending:
            self.dismiss(self.done)

    def action_send(self) -> None:
        if self.sending or self.done or self.query_one("#bulk-send", Button).disabled:
            return
        refusal = self.app.settings.write_refusal
        if refusal:
            self.notify(refusal, title="Read-only", severity="error", timeout=6)
            return
        self._send()

    @work(exclusive=True, group="send")
    async def _send(self) -> None:
        self.sending = True
        self.query_one("#bulk-send", Button).disabled = True
        self.query_one("#bulk-back", Button).disabled = True
        bar = self.query_one("#bulk-progress", ProgressBar)
        bar.display = True
        self.refresh_bindings()
        self.query_one("#bulk-review-title", Static).update("Sending…")

        def reached(done: int, total: int, outcome: Outcome) -> None:
            if not being_removed(self):
                bar.update(total=total, progress=done)

        # A person chose and reviewed meanwhile: every page is read again before its writes.
        self.account.read_at.clear()
        try:
            outcomes = await carry_out(self.app.client, self.account, self.planned, history=History(),
                                       on_outcome=reached)
        finally:
            self.sending = False
        if being_removed(self):
            return
        self.done = True
        self.query_one("#bulk-back", Button).disabled = False
        self.query_one("#bulk-back", Button).label = "Close"
        self.query_one("#bulk-back", Button).focus()
        self.refresh_bindings()
        self._show_outcomes(outcomes)

    def _show_outcomes(self, outcomes: list[Outcome]) -> None:
        counts: dict[str, int] = {}
        text = Text()
        for outcome in outcomes:
            counts[outcome.status.value] = counts.get(outcome.status.value, 0) + 1
            good = outcome.status in (Status.SAVED, Status.UNCHANGED)
            text.append(f"{outcome.status.value}: ", style="green" if good else "bold red")
            text.append(f"{safe_text(shorten(outcome.name, 60))} (id {outcome.assistant_id})")
            if outcome.detail:
                text.append(f"  {safe_text(outcome.detail)}", style="" if good else "red")
            text.append("\n")
        summary = ", ".join(f"{count} {status}" for status, count in counts.items())
        self.query_one("#bulk-review-title", Static).update(f"Done: {summary}. Conflicts and failures were not "
                                                           "sent; open those assistants to look." if any(
                                                               o.status not in (Status.SAVED, Status.UNCHANGED)
                                                               for o in outcomes) else f"Done: {summary}.")
        self.query_one("#bulk-review-plan", Static).update(text)


class CompareScreen(Screen[bool]):
    """Two assistants side by side, the settings in which they differ listed (all of
    them with `a`); a value is copied to the other side with `>` or `<`, taken back
    with backspace; ctrl+s reviews and sends the copies like any change."""

    HELP_NAME = "the comparison of two assistants"
    app: VoicedeskApp
    AUTO_FOCUS = "#compare-list"
    BINDINGS = [
        Binding("greater_than_sign", "copy('right')", "Copy →", id="compare.copy_right"),
        Binding("less_than_sign", "copy('left')", "Copy ←", id="compare.copy_left"),
        Binding("backspace", "take_back", "Take back", id="compare.take_back"),
        Binding("a", "toggle_all", "All / differing", id="compare.all"),
        Binding("ctrl+s", "review", "Review", priority=True, id="compare.review"),
        Binding("escape", "leave", "Back", id="compare.leave"),
    ]

    def __init__(self, account: Account, ids: list[int]) -> None:
        super().__init__()
        self.account = account
        self.sides = (account.session(ids[0]), account.session(ids[1]))
        self.show_all = False
        self.names: list[str] = []  # the listed settings, in order

    def compose(self) -> ComposeResult:
        left, right = self.sides
        yield Static(f"Compare #{left.assistant_id} {safe_text(shorten(left.name, 40))}  ·  "
                     f"#{right.assistant_id} {safe_text(shorten(right.name, 40))}", id="compare-title", markup=False)
        yield OptionList(id="compare-list")
        yield KeyBar()

    def on_mount(self) -> None:
        self._fill()

    def on_resize(self) -> None:
        self._fill()

    def _differ(self, name: str) -> bool:
        left, right = self.sides
        if name not in right.fields or name in left.unreported or name in right.unreported:
            return False
        return not same_value(name, left.value(name), right.value(name))

    def _fill(self) -> None:
        left, right = self.sides
        self.names = [field.name for field in left.fields if field.name in right.fields
                      and (self.show_all or self._differ(field.name) or left.is_dirty(field.name)
                           or right.is_dirty(field.name))]
        options = self.query_one("#compare-list", OptionList)
        keep = options.highlighted
        width = max(40, self.size.width - 6)
        label_width = min(26, width // 4)
        value_width = (width - label_width - 7) // 2
        options.clear_options()
        for name in self.names:
            text = Text()
            text.append(shorten(left.fields[name].label, label_width).ljust(label_width), style="bold")
            for side, session in enumerate(self.sides):
                value = format_value(name, session.value(name), session.lookups, width=value_width)
                text.append(" │ " if side else "  ")
                text.append(shorten(value, value_width).ljust(value_width),
                            style="reverse" if session.is_dirty(name) else "")  # a copy, waiting
            options.add_option(Option(text))
        title = "every setting" if self.show_all else f"{plural(len(self.names), 'setting')} differ"
        self.query_one("#compare-list", OptionList).border_title = (
            f"{title}  ·  > copies left → right, < right → left; marked: copied, not yet sent")
        if self.names:
            options.highlighted = min(keep or 0, len(self.names) - 1)

    def _highlighted(self) -> str | None:
        index = self.query_one("#compare-list", OptionList).highlighted
        return self.names[index] if index is not None and index < len(self.names) else None

    def action_copy(self, direction: str) -> None:
        name = self._highlighted()
        if name is None:
            return
        if name in NOT_SHARED:
            self.notify("A name or a phone number tells an assistant apart: it is not copied.", timeout=4)
            return
        source, target = self.sides if direction == "right" else reversed(self.sides)
        target.set(name, source.value(name))
        target.journal.seal()
        self._fill()

    def action_take_back(self) -> None:
        name = self._highlighted()
        if name is not None:
            for session in self.sides:
                session.revert(name)
            self._fill()

    def action_toggle_all(self) -> None:
        self.show_all = not self.show_all
        self._fill()

    def action_review(self) -> None:
        planned = []
        for session in self.sides:
            if not session.dirty:
                continue
            problem = problem_text(session)
            planned.append(Planned(session.assistant_id, "the comparison", session.name,
                                   None if problem else session, problem))
        if not planned:
            self.notify("Nothing copied yet: > or < copies the highlighted value.", timeout=3)
            return
        self.app.push_screen(BulkReviewScreen(self.account, planned), self._reviewed)

    def _reviewed(self, sent: bool | None) -> None:
        if sent:
            self.dismiss(True)

    @work(exclusive=True, group="ask")
    async def action_leave(self) -> None:
        if not any(session.dirty for session in self.sides) or await _may_leave(
                self, "Leave the comparison?", "The values copied are not sent and will be lost."):
            self.dismiss(False)
