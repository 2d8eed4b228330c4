"""The picker's virtual table, driven through a small app that loads the real stylesheet."""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path
from random import Random

import pytest
from rich.cells import cell_len
from rich.segment import Segment
from rich.style import Style
from textual import events
from textual.app import App, ComposeResult
from textual.strip import Strip

import voicedesk.tui.widgets as widgets_package
from voicedesk.sandbox import generated_data
from voicedesk.tui.screens.picker import row_cells, shown
from voicedesk.tui.widgets import AssistantTable


def unaccented(text: str) -> str:
    return "".join(char for char in unicodedata.normalize("NFD", text) if not unicodedata.combining(char)).lower()


def is_subsequence(word: str, text: str) -> bool:
    rest = iter(text)
    return all(char in rest for char in word)


PHONE_LIKE = re.compile(r"[+(]?\d[\d\s()./+-]*")


def expected_ids(records: list[dict], query: str, phone=lambda record: "") -> list[int]:
    """The oracle: the ids the table shows for `query`, in order. First the records whose
    id, shown name or phone number's digits hold the query as typed (case and accents
    aside); a query like a phone number by its digits only. Then the records whose name
    holds each of its words without digits as a subsequence and each with digits as
    typed. Each group in the records' order (a query that is an id: that record first)."""
    query = unaccented(query.strip())
    if not query:
        return [record["id"] for record in records]

    def name(record: dict) -> str:
        return unaccented(shown(record.get("name")))

    labels = {record["id"]: f"{record['id']}\0{name(record)}\0{phone(record)}" for record in records}
    if PHONE_LIKE.fullmatch(query):
        digits = re.sub(r"\D", "", query)
        found = [record["id"] for record in records if digits in labels[record["id"]]]
        return sorted(found, key=lambda found_id: str(found_id) != digits)  # the id typed whole first
    first = [record["id"] for record in records if query in labels[record["id"]]]
    words = query.split()
    letters = [word for word in words if not re.search(r"\d", word)]
    numbers = [word for word in words if re.search(r"\d", word)]
    if not letters:
        return first
    return first + [record["id"] for record in records if record["id"] not in first
                    and all(is_subsequence(word, name(record)) for word in letters)
                    and all(number in name(record) for number in numbers)]


STYLESHEET = Path(widgets_package.__file__).parent.parent / "voicedesk.tcss"
MARKUP = "[b]x[/b] [@click=app.quit] [link=https://evil.example]y[/link] [red]z"


def rows(count: int, start: int = 1) -> list[tuple[int, str, str, str, str, str]]:
    return [(i, f"Assistant {i:04d}", "inbound" if i % 2 else "outbound", "pipeline",
             f"+49301200{i:05d}", "active") for i in range(start, start + count)]


class CountingTable(AssistantTable):
    """Counts the lines it is asked to draw."""

    def __init__(self) -> None:
        super().__init__(id="table")
        self.drawn = 0

    def render_line(self, y: int) -> Strip:
        self.drawn += 1
        return super().render_line(y)


class TableApp(App[None]):
    CSS_PATH = STYLESHEET

    def __init__(self, data=None) -> None:
        super().__init__()
        self.data = data if data is not None else rows(14, start=101)
        self.opened: list[int] = []

    def compose(self) -> ComposeResult:
        yield CountingTable()

    def on_mount(self) -> None:
        table = self.query_one(AssistantTable)
        table.set_rows(self.data)
        table.focus()

    def on_assistant_table_opened(self, message: AssistantTable.Opened) -> None:
        assert message.control is self.query_one(AssistantTable)
        self.opened.append(message.assistant_id)


def table_of(app: TableApp) -> CountingTable:
    return app.query_one(CountingTable)


def style_of(segment: Segment) -> Style:
    """A drawn cell's style: the table draws every cell with one."""
    assert segment.style is not None
    return segment.style


def screen_lines(table: AssistantTable) -> list[str]:
    return [table.render_line(y).text for y in range(table.scrollable_content_region.height)]


def column_of(line: str, text: str) -> int:
    """The screen column where `text` starts in `line` (wide characters take two)."""
    return cell_len(line[:line.index(text)])


def cursor_visible(table: AssistantTable) -> bool:
    top = table.scroll_offset.y
    return top <= table.cursor_row < top + table.scrollable_content_region.height - 1


async def test_the_header_and_the_rows_are_drawn_in_columns() -> None:
    app = TableApp()
    async with app.run_test(size=(100, 20)) as pilot:
        await pilot.pause()
        table = table_of(app)
        assert (table.row_count, table.total_count, table.cursor_id) == (14, 14, 101)
        header, first, *_ = screen_lines(table)
        for title in ("ID", "Name", "Direction", "Engine", "Phone number", "Status"):
            assert title in header
        assert first.split() == ["101", "Assistant", "0101", "inbound", "pipeline", "+4930120000101", "active"]
        # Every column starts where its title does; the name column takes the spare width.
        assert first.index("inbound") == header.index("Direction")
        assert first.index("+49") == header.index("Phone number")
        assert header.index("Direction") - header.index("Name") > len("Assistant 0101") + 10
        assert len(first) == table.scrollable_content_region.width


async def test_ids_are_right_aligned_and_long_names_end_in_an_ellipsis() -> None:
    data = [(7, "x" * 500, "inbound", "pipeline", "-", "active"),
            (1234, "short", "outbound", "multimodal", "-", "inactive")]
    app = TableApp(data)
    async with app.run_test(size=(80, 10)) as pilot:
        await pilot.pause()
        header, seven, other = screen_lines(table_of(app))[:3]
        assert seven.index("7") == other.index("4")  # right-aligned: the last digits line up
        assert "…" in seven and seven.index("…") < seven.index("inbound")
        assert "inactive" in other and "Status" in header  # everything fits at 80 columns


async def test_at_80_columns_every_column_is_shown() -> None:
    data = [row_cells(record, None) for record in generated_data(200, 5).assistants.values()]
    app = TableApp(data)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        table = table_of(app)
        header = screen_lines(table)[0]
        assert header.rstrip().endswith("Status")
        widths = table.column_widths(table.scrollable_content_region.width)
        assert widths[1] >= 8


async def test_keys_move_the_cursor_and_keep_it_on_screen() -> None:
    app = TableApp(rows(200))
    async with app.run_test(size=(80, 12)) as pilot:  # 11 rows under the header
        table = table_of(app)
        await pilot.pause()
        page = table.scrollable_content_region.height - 1
        await pilot.press("down", "down")
        assert table.cursor_id == 3
        await pilot.press("up")
        assert table.cursor_id == 2
        await pilot.press("pagedown")
        assert table.cursor_id == 2 + page and cursor_visible(table)
        await pilot.press("end")
        assert table.cursor_id == 200 and cursor_visible(table) and table.scroll_offset.y > 0
        await pilot.press("down")
        assert table.cursor_id == 200
        await pilot.press("pageup")
        assert table.cursor_id == 200 - page and cursor_visible(table)
        await pilot.press("home")
        assert table.cursor_id == 1 and table.scroll_offset.y == 0
        await pilot.press("up")
        assert table.cursor_id == 1
        await pilot.press("down", "enter")
        assert app.opened == [2]


async def test_a_click_selects_and_a_click_on_the_selected_row_or_a_double_click_opens() -> None:
    app = TableApp()
    async with app.run_test(size=(80, 20)) as pilot:
        table = table_of(app)
        await pilot.pause()
        await pilot.click(table, offset=(10, 0))  # the header: nothing
        assert table.cursor_id == 101 and app.opened == []
        await pilot.click(table, offset=(10, 3))  # the third row
        assert table.cursor_id == 103 and app.opened == []
        await pilot.click(table, offset=(10, 3))
        assert app.opened == [103]
        await pilot.double_click(table, offset=(10, 5))
        assert table.cursor_id == 105 and app.opened == [103, 105]
        await pilot.click(table, offset=(10, 17))  # below the last row: nothing
        assert table.cursor_id == 105 and app.opened == [103, 105]


async def test_the_last_cell_shows_where_the_view_is_and_a_click_there_scrolls() -> None:
    app = TableApp(rows(200))
    async with app.run_test(size=(80, 12)) as pilot:  # 11 rows under the header
        table = table_of(app)
        await pilot.pause()
        edge = table.scrollable_content_region.width - 1

        def colours(cell: int) -> list[object]:
            return [style_of(list(table.render_line(y))[cell]).bgcolor for y in range(1, 12)]

        def thumb() -> list[int]:
            """The lines under the header whose last cell is not in the track's colour."""
            edges = colours(-1)
            track = max(set(edges), key=edges.count)
            return [y for y, colour in enumerate(edges, start=1) if colour != track]

        assert thumb() == [1]  # 11 of 200 rows: a one-cell thumb, at the top
        # Without a scrollbar widget the wheel still scrolls (widget, x, y, dx, dy, button, keys).
        table.post_message(events.MouseScrollDown(table, 5, 5, 0, 1, 0, False, False, False))
        await pilot.pause()
        assert table.scroll_offset.y > 0
        table.scroll_home(animate=False)
        await pilot.press("end")
        assert thumb() == [11]
        await pilot.click(table, offset=(edge, 6))  # the middle of the indicator
        assert table.scroll_offset.y == round(5 / 10 * (200 - 11)) and table.cursor_id == 200
        assert thumb() == [6]
        table.filter("assistant 000")  # nine rows fit: no indicator, the lines run on
        await pilot.pause()
        assert colours(-1) == colours(0)


async def test_the_cursor_stays_on_its_assistant_across_filters_and_new_rows() -> None:
    app = TableApp(rows(100))
    async with app.run_test(size=(80, 12)) as pilot:
        table = table_of(app)
        await pilot.pause()
        assert table.move_to(57) and table.cursor_id == 57 and cursor_visible(table)
        table.filter("5")
        assert table.cursor_id == 57 and 57 in table.shown_ids and 12 not in table.shown_ids
        table.filter("ASSISTANT 005")  # case-insensitive, in the name
        # The name holding it as typed first, then the one holding its words ("0005").
        assert table.shown_ids == [50, 51, 52, 53, 54, 55, 56, 57, 58, 59, 5] and table.cursor_id == 57
        table.filter("")
        assert table.row_count == 100 and table.cursor_id == 57 and cursor_visible(table)
        table.set_rows(list(reversed(rows(120))))  # replaced: a new order, more rows
        await pilot.pause()
        assert table.cursor_id == 57 and table.total_count == 120 and cursor_visible(table)
        table.filter("nothing like this")
        assert table.row_count == 0 and table.cursor_id is None
        await pilot.press("down", "enter")  # nothing shown: nothing moves or opens
        assert app.opened == []
        table.filter("")
        assert table.cursor_id == 57  # back where it was
        table.filter("8")
        assert table.cursor_id == table.shown_ids[0] == 8  # 57 is hidden: the first row (the id typed whole)
        assert not table.move_to(57)


async def test_names_are_shown_literally() -> None:
    data = [(1, MARKUP, "inbound", "pipeline", "-", "active"),
            (2, "🎧 サポート 客服", "inbound", "pipeline", "-", "active")]
    app = TableApp(data)
    async with app.run_test(size=(120, 10)) as pilot:
        await pilot.pause()
        table = table_of(app)
        lines = screen_lines(table)
        assert MARKUP in lines[1]
        styles = [style_of(segment) for segment in table.render_line(1)]
        assert not any(style.link or style.meta.get("@click") for style in styles)
        assert "🎧 サポート 客服" in lines[2]
        assert column_of(lines[1], "inbound") == column_of(lines[2], "inbound")  # wide characters counted
        table.filter("[@click")
        assert table.shown_ids == [1]
        await pilot.click(table, offset=(20, 1))
        assert app.is_running


async def test_filtering_2000_rows_draws_only_the_lines_on_screen() -> None:
    data = generated_data(2000, 5)
    records = sorted(data.assistants.values(), key=lambda record: record["id"])
    app = TableApp([row_cells(record, None) for record in records])
    async with app.run_test(size=(100, 20)) as pilot:
        table = table_of(app)
        await pilot.pause()
        height = table.scrollable_content_region.height
        assert table.total_count == 2000
        for query in ("1", "12", "line 1", "LINE 12", "", "zzz", "2"):
            table.drawn = 0
            table.filter(query)
            await pilot.pause()
            assert table.shown_ids == expected_ids(records, query)
            assert table.drawn <= 2 * height, f"{table.drawn} lines drawn for a {height}-line table"
            if query in ("LINE 12", "zzz"):  # what is in view changed
                assert table.drawn > 0
        table.filter("")
        await pilot.pause()
        table.drawn = 0
        for query in ("l", "li", "lin", "line", "line "):  # every row still matches
            table.filter(query)
            await pilot.pause()
        assert table.drawn == 0 and table.row_count == 2000  # nothing in view changed
        table.drawn = 0
        await pilot.press("end")
        await pilot.pause()
        assert table.cursor_id == records[-1]["id"] and table.drawn <= 2 * height


async def test_remembered_and_narrowed_filters_match_as_a_fresh_search_would() -> None:
    # The table keeps recent queries' matches and looks for a longer query among a
    # shorter one's: every step of a random session of typing, erasing and new rows
    # must show what the oracle finds.
    records = sorted(generated_data(600, 5).assistants.values(), key=lambda record: record["id"])
    app = TableApp([row_cells(record, None) for record in records])
    random = Random(5)
    async with app.run_test(size=(100, 20)) as pilot:
        table = table_of(app)
        await pilot.pause()
        query = ""
        for step in range(400):
            roll = random.random()
            if roll < 0.55:
                query += random.choice("line 1205sbo")
            elif roll < 0.9:
                query = query[:-1]
            elif roll < 0.97:
                query = ""
            else:  # new rows arrive (a page, the phone numbers): what was kept is stale
                records = records[:-50] if len(records) > 300 else records[:-1]
                table.set_rows([row_cells(record, None) for record in records])
            table.filter(query)
            expected = expected_ids(records, query)
            assert table.shown_ids == expected, f"step {step}, query {query!r}"


@pytest.mark.parametrize("theme", ["textual-dark", "textual-light"])
async def test_the_cursor_header_and_stripes_take_the_theme(theme) -> None:
    app = TableApp()
    async with app.run_test(size=(80, 12)) as pilot:
        app.theme = theme
        table = table_of(app)
        await pilot.pause()

        def background(y: int):
            return style_of(next(iter(table.render_line(y)))).bgcolor

        header, cursor, plain, zebra = (background(y) for y in range(4))
        assert len({header, cursor, plain, zebra}) == 4
        table.blur()
        await pilot.pause()
        assert background(1) not in (cursor, plain, zebra)  # blurred: still marked, differently
