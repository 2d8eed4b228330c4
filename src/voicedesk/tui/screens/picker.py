"""The picker: the account's assistants, filled as pages arrive, narrowed as you type."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult, SystemCommand
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Input, Static

from voicedesk.api import ApiError, Page
from voicedesk.display import safe_text
from voicedesk.records import Lookups

if TYPE_CHECKING:
    from voicedesk.tui.app import VoicedeskApp

COLUMNS = ("ID", "Name", "Direction", "Engine", "Phone number", "Status")


def row_cells(record: dict[str, Any], lookups: Lookups | None) -> tuple[Text, ...]:
    """Display cells; names are Text so they are never parsed as markup."""
    number_id = record.get("phone_number_id")
    number = lookups.phone_number(number_id) if lookups else None
    phone = number.phone_number if number else ("-" if number_id is None else f"#{number_id}")
    return (
        Text(str(record.get("id")), justify="right"),
        Text(safe_text(str(record.get("name") or ""))),
        Text(str(record.get("type") or "")),
        Text(str(record.get("mode") or "")),
        Text(phone),
        Text(str(record.get("status") or "")),
    )


def matches(record: dict[str, Any], query: str) -> bool:
    query = query.strip().lower()
    return not query or query in str(record.get("id")) or query in str(record.get("name") or "").lower()


class PickerScreen(Screen[None]):
    app: VoicedeskApp

    BINDINGS = [
        Binding("ctrl+f", "focus_filter", "Filter", priority=True),
        Binding("slash", "focus_filter", "Filter", show=False),
        Binding("f5", "reload", "Reload"),
        Binding("escape", "clear_filter", "Clear filter", show=False),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.records: list[dict[str, Any]] = []
        self.lookups: Lookups | None = None

    def compose(self) -> ComposeResult:
        yield Static(f"Assistants  ·  {self.app.settings.host}", id="picker-title", markup=False)
        yield Input(placeholder="Filter by name or id (Down for the list, Enter to open)", id="picker-filter")
        table: DataTable[Text] = DataTable(id="picker-table", cursor_type="row", zebra_stripes=True)
        table.add_columns(*COLUMNS)
        yield table
        yield Static("Loading…", id="picker-status", markup=False)
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#picker-filter", Input).focus()
        self.load()

    @work(exclusive=True, group="list")
    async def load(self) -> None:
        status = self.query_one("#picker-status", Static)
        status.remove_class("-error")
        self.records = []
        self.refill()
        status.update("Loading page 1…")
        loaded_pages: set[int] = set()

        def page_arrived(page: Page) -> None:
            loaded_pages.add(page.current_page)
            self.records.extend(page.items)
            self.records.sort(key=lambda record: record.get("id") or 0)
            self.refill()
            status.update(f"Loading: {len(loaded_pages)} of {page.last_page} pages, "
                          f"{len(self.records)} of {page.total} assistants…")

        try:
            await self.app.client.list_all(on_page=page_arrived)
        except ApiError as error:
            status.update(f"{error.message}  Press F5 to retry.")
            status.add_class("-error")
            return
        self.show_count()
        # Only now: the pages take the rate limit's first window, the numbers can wait.
        self.load_lookups()

    @work(group="lookups")
    async def load_lookups(self) -> None:
        result = await self.app.lookups()
        self.lookups = result.lookups
        self.refill()

    def show_count(self) -> None:
        shown = self.query_one("#picker-table", DataTable).row_count
        total = len(self.records)
        text = f"{total} assistants" if shown == total else f"{shown} of {total} assistants match"
        self.query_one("#picker-status", Static).update(text + "  ·  Enter opens the editor")

    def refill(self) -> None:
        """Show the records that match the filter, keeping the cursor on the same id."""
        table = self.query_one("#picker-table", DataTable)
        query = self.query_one("#picker-filter", Input).value
        selected = None
        if table.row_count and table.cursor_row >= 0:
            selected = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
        table.clear()
        for record in self.records:
            if matches(record, query):
                table.add_row(*row_cells(record, self.lookups), key=str(record["id"]))
        if selected is not None and selected in table.rows:
            table.move_cursor(row=table.get_row_index(selected))

    @on(Input.Changed, "#picker-filter")
    def _filter_changed(self) -> None:
        self.refill()
        if self.records:
            self.show_count()

    @on(Input.Submitted, "#picker-filter")
    def _filter_submitted(self) -> None:
        table = self.query_one("#picker-table", DataTable)
        if table.row_count:
            self.open_row(table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value)

    def on_key(self, event: Any) -> None:
        # Down from the filter moves into the list, so Enter-to-open works from both.
        if event.key == "down" and isinstance(self.focused, Input):
            self.query_one("#picker-table", DataTable).focus()
            event.stop()

    @on(DataTable.RowSelected, "#picker-table")
    def _row_selected(self, event: DataTable.RowSelected) -> None:
        self.open_row(event.row_key.value)

    def open_row(self, key: str | None) -> None:
        if key is None:
            return
        from voicedesk.tui.screens.editor import EditorScreen

        record = next(r for r in self.records if str(r["id"]) == key)
        self.app.push_screen(EditorScreen(int(key), record))

    def action_focus_filter(self) -> None:
        self.query_one("#picker-filter", Input).focus()

    def action_clear_filter(self) -> None:
        self.query_one("#picker-filter", Input).value = ""
        self.action_focus_filter()

    def action_reload(self) -> None:
        self.load()

    def palette_commands(self) -> list[SystemCommand]:
        return [
            SystemCommand("Reload assistants", "Fetch the list again (F5)", self.action_reload),
            SystemCommand("Filter assistants", "Narrow the list by name or id (ctrl+f, /)", self.action_focus_filter),
        ]
