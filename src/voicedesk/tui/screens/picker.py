"""The picker: the account's assistants, filled as pages arrive, narrowed as you type."""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, Any

from textual import on, work
from textual.app import ComposeResult, SystemCommand
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import Input, Static

from voicedesk.api import ApiError, Page
from voicedesk.display import safe_text
from voicedesk.records import Lookups
from voicedesk.tui import clipboard
from voicedesk.tui.messages import ScreenComplete, ScreenReady
from voicedesk.tui.textual_private import being_removed
from voicedesk.tui.widgets import AssistantTable, KeyBar
from voicedesk.tui.widgets.assistant_table import Row

if TYPE_CHECKING:
    import asyncio

    from voicedesk.batch import Account
    from voicedesk.tui.app import VoicedeskApp


def shown(value: object) -> str:
    """Server text as the table shows it (safe_text; printable text is already safe)."""
    text = str(value or "")
    return text if text.isprintable() else safe_text(text)


def row_cells(record: dict[str, Any], lookups: Lookups | None) -> Row:
    """The table's row of a record: display text, never parsed as markup."""
    number_id = record.get("phone_number_id")
    number = lookups.phone_number(number_id) if lookups else None
    phone = shown(number.phone_number) if number else ("-" if number_id is None else f"#{number_id}")
    return (
        record["id"],
        shown(record.get("name")),
        shown(record.get("type")),
        shown(record.get("mode")),
        phone,
        shown(record.get("status")),
    )


class PickerScreen(Screen[None]):
    HELP_NAME = "the assistants"  # what F1 calls it
    app: VoicedeskApp

    BINDINGS = [
        # First: with marks, what they are for (hidden without; see check_action). Not a
        # priority: the filter keeps its ctrl+e (end of line); the marks are made in the list.
        Binding("ctrl+e", "change_marked", "Change marked", id="picker.change_marked"),
        Binding("f2", "compare", "Compare", id="picker.compare"),
        Binding("ctrl+f", "focus_filter", "Filter", priority=True),
        Binding("slash", "focus_filter", "Filter", show=False),
        Binding("f5", "reload", "Reload"),
        # Not a letter (they go to the filter) nor a key a text box uses; every terminal sends it.
        Binding("ctrl+t", "copy_id", "Copy id"),
        Binding("escape", "clear_filter", "Clear filter", show=False),
    ]

    def __init__(self, first_page: asyncio.Task[Page] | None = None) -> None:
        super().__init__()
        self._first_page = first_page  # requested before this screen was built
        self.records: list[dict[str, Any]] = []
        self.lookups: Lookups | None = None
        self.rows: dict[int, Row] = {}  # by id: a page's rows are built once
        self.page_of: dict[int, int] = {}  # by id: the page of the list it came on
        self.read_at: dict[int, float] = {}  # by page: when it was read (a batch re-reads old pages)

    def compose(self) -> ComposeResult:
        yield Static(f"Assistants  ·  {self.app.settings.heading}", id="picker-title", markup=False)
        yield Input(placeholder="Filter by name, id or phone number (Down for the list, Enter to open)",
                    id="picker-filter")
        yield AssistantTable(id="picker-table")
        yield Static("Loading…", id="picker-status", markup=False)
        yield KeyBar()

    def on_mount(self) -> None:
        box = self.query_one("#picker-filter", Input)
        # Watched, not on Input.Changed: the list is refiltered while the key is handled,
        # so the new text, the list and the count reach the screen in the same frame.
        self.watch(box, "value", self._filter_changed, init=False)
        box.focus()
        self.load()

    @work(exclusive=True, group="list")
    async def load(self) -> None:
        if being_removed(self):  # started as the app closed
            return
        status = self.query_one("#picker-status", Static)
        status.remove_class("-error")
        self.records = []
        self.rows = {}
        self.page_of, self.read_at = {}, {}
        self.rows_changed()
        status.update("Loading page 1…")
        loaded_pages: set[int] = set()

        def page_arrived(page: Page) -> None:
            if being_removed(self):  # the app closed meanwhile
                return
            loaded_pages.add(page.current_page)
            self.read_at[page.current_page] = time.monotonic()
            self.page_of.update((record["id"], page.current_page) for record in page.items)
            self.records.extend(page.items)
            self.records.sort(key=lambda record: record.get("id") or 0)
            self.rows.update((record["id"], row_cells(record, self.lookups)) for record in page.items)
            self.rows_changed()
            status.update(f"Loading: {len(loaded_pages)} of {page.last_page} pages, "
                          f"{len(self.records)} of {page.total} assistants…")
            self.post_message(ScreenReady())

        try:
            first_page, self._first_page = self._first_page, None  # a reload asks again
            await self.app.client.list_all(on_page=page_arrived, first_page=first_page)
        except ApiError as error:
            if being_removed(self):
                return
            status.update(f"{error.message}  Press F5 to retry.")
            status.add_class("-error")
            self.post_message(ScreenReady())
            return
        if being_removed(self):
            return
        self.show_count()
        # Only now: the pages take the rate limit's first window, the numbers can wait.
        self.load_lookups()

    @work(group="lookups")
    async def load_lookups(self) -> None:
        result = await self.app.lookups()
        if being_removed(self):  # the app closed meanwhile: nothing to show them in
            return
        self.lookups = result.lookups
        self.rows = {record["id"]: row_cells(record, self.lookups) for record in self.records}
        self.rows_changed()
        self.post_message(ScreenComplete())  # the list is complete

    def show_count(self) -> None:
        table = self.query_one("#picker-table", AssistantTable)
        matching, total = table.row_count, table.total_count
        text = f"{total} assistants" if matching == total else f"{matching} of {total} assistants match"
        if table.marked:
            text += f"  ·  {len(table.marked)} marked (ctrl+e changes them)"
        # One line whatever it says: a repaint, no layout.
        self.query_one("#picker-status", Static).update(text + "  ·  Enter opens the editor", layout=False)

    def rows_changed(self) -> None:
        """Hand the table every record's row (it keeps its filter and the cursor's id)."""
        self.query_one("#picker-table", AssistantTable).set_rows([self.rows[r["id"]] for r in self.records])

    def refill(self) -> None:
        """Show the records that match the filter, keeping the cursor on the same id."""
        query = self.query_one("#picker-filter", Input).value
        self.query_one("#picker-table", AssistantTable).filter(query)

    def _filter_changed(self) -> None:
        self.refill()
        if self.records:
            self.show_count()

    @on(Input.Submitted, "#picker-filter")
    def _filter_submitted(self) -> None:
        self.open_row(self.query_one("#picker-table", AssistantTable).cursor_id)

    def on_key(self, event: Any) -> None:
        # Down from the filter moves into the list, so Enter-to-open works from both.
        if event.key == "down" and isinstance(self.focused, Input):
            self.query_one("#picker-table", AssistantTable).focus()
            event.stop()

    @on(AssistantTable.Opened, "#picker-table")
    def _row_opened(self, event: AssistantTable.Opened) -> None:
        self.open_row(event.assistant_id)

    def open_row(self, assistant_id: int | None) -> None:
        if assistant_id is None:
            return
        record = next(r for r in self.records if r["id"] == assistant_id)
        self.app.open_assistant(assistant_id, record)

    def action_focus_filter(self) -> None:
        self.query_one("#picker-filter", Input).focus()

    def action_clear_filter(self) -> None:
        self.query_one("#picker-filter", Input).value = ""
        self.action_focus_filter()

    def action_reload(self) -> None:
        self.load()

    @on(AssistantTable.MarksChanged, "#picker-table")
    def _marks_changed(self) -> None:
        if self.records:
            self.show_count()
        self.refresh_bindings()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        # Hidden (not dimmed) until there are marks: the key bar keeps its room for the keys of now.
        if action == "change_marked":
            return bool(self.query_one("#picker-table", AssistantTable).marked)
        if action == "compare":
            return len(self.query_one("#picker-table", AssistantTable).marked) == 2
        return True

    @work(exclusive=True, group="bulk")
    async def action_change_marked(self) -> None:
        """The marked assistants to one change."""
        found = await self._marked_account()
        if found is not None:
            self.app.change_marked(*found, self._changed)

    @work(exclusive=True, group="bulk")
    async def action_compare(self) -> None:
        """The two marked assistants side by side."""
        found = await self._marked_account()
        if found is not None and len(found[1]) == 2:
            self.app.compare(*found, self._changed)

    async def _marked_account(self) -> tuple[Account, list[int]] | None:
        """The list as read, with its lookups (loaded first), and the marked ids still in it."""
        from voicedesk.batch import Account

        table = self.query_one("#picker-table", AssistantTable)
        records = {record["id"]: record for record in self.records}
        ids = sorted(number for number in table.marked if number in records and number in self.page_of)
        if not ids:
            return None
        result = await self.app.lookups()
        if being_removed(self):
            return None
        return Account(self.app.client.host, records, dict(self.page_of), dict(self.read_at), result), ids

    def _changed(self, sent: bool | None) -> None:
        if sent:  # what the list shows is older than what was just saved
            self.query_one("#picker-table", AssistantTable).clear_marks()
            self.load()

    def action_copy_id(self) -> None:
        assistant_id = self.query_one("#picker-table", AssistantTable).cursor_id
        if assistant_id is None:
            self.notify("No assistant is highlighted.", title="Copy", timeout=3)
            return
        clipboard.copy(self.app, str(assistant_id), f"the id of assistant {assistant_id}")

    def palette_commands(self) -> list[SystemCommand]:
        return [
            SystemCommand("Reload assistants", "Fetch the list again (F5)", self.action_reload),
            SystemCommand("Filter assistants", "Narrow the list by name, id or phone number (ctrl+f, /)",
                          self.action_focus_filter),
            SystemCommand("Copy the assistant's id", "The highlighted assistant's id, to the clipboard (ctrl+t)",
                          self.action_copy_id),
            SystemCommand("Mark all shown", "Mark every assistant the filter shows, for a change of many (ctrl+a "
                          "in the list)", self.query_one("#picker-table", AssistantTable).action_mark_all),
            SystemCommand("Change marked", "One change across the marked assistants, reviewed then sent (ctrl+e)",
                          self.action_change_marked),
            SystemCommand("Compare the two marked", "Side by side, copying values either way (F2)",
                          self.action_compare),
        ]
