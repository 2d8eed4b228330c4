"""The picker's filter: accents folded, phone numbers as typed (with or without "+",
spaces, dashes), ids, names fuzzily; the rows holding the query as typed first, then the
fuzzy ones, each in id order. At 80 columns the names get the room. The highlighted
assistant's id is copied with ctrl+t."""

from __future__ import annotations

from random import Random

import pytest

from test_assistant_table import TableApp, expected_ids, table_of
from tui_helpers import make_app, wait_until
from voicedesk.sandbox import Sandbox
from voicedesk.tui.screens.picker import PickerScreen
from voicedesk.tui.widgets import AssistantTable

NAMES = ["Autohaus Krüger", "Clínica Sol", "Zoë's Café", "Bright Smile Dental", "Straße 12", "İstanbul Hat",
         "Front desk 2", "Ærø line", "Müller & Söhne", "plain name"]


def random_rows(random: Random, count: int) -> tuple[list[tuple[int, str, str, str, str, str]], dict[int, str]]:
    rows, phones = [], {}
    for assistant_id in range(1, count + 1):
        name = f"{random.choice(NAMES)} {random.randint(0, 99)}"
        digits = f"49{random.randint(10**8, 10**9):d}"
        phone = random.choice([f"+{digits}", "-", f"#{assistant_id}"])
        phones[assistant_id] = digits if phone.startswith("+") else ""
        rows.append((assistant_id, name, "inbound", "pipeline", phone, "active"))
    return rows, phones


async def test_every_query_shows_what_the_oracle_finds_in_its_order() -> None:
    random = Random(15)
    rows, phones = random_rows(random, 300)
    records = [{"id": row[0], "name": row[1]} for row in rows]
    app = TableApp(rows)
    cases = 0
    async with app.run_test(size=(100, 20)) as pilot:
        table = table_of(app)
        await pilot.pause()
        query = ""
        for _ in range(600):
            roll = random.random()
            if roll < 0.6:
                query += random.choice(["u", "ü", "k", "r", "g", "e", "s", "o", "l", " ", "1", "2", "4", "9", "+",
                                        "-", "ss", "ß", "é", "I", "i"])
            elif roll < 0.9:
                query = query[:-1]
            else:
                query = random.choice(["", "+49 ", "kruger", "zoe", "istanbul", "ærø", "smile 1", "49-"])
            table.filter(query)
            expected = expected_ids(records, query, phone=lambda record: phones[record["id"]])
            assert table.shown_ids == expected, query
            cases += 1
    print(f"picker filter: {cases} queries")


@pytest.fixture
def sandbox():
    with Sandbox(rate_limit=None) as server:
        yield server


async def filtered(pilot, table: AssistantTable, query: str) -> list[int]:
    picker = pilot.app.screen
    picker.query_one("#picker-filter").value = query
    await pilot.pause()
    return table.shown_ids


@pytest.mark.parametrize("size", [(120, 36), (80, 24)], ids=["120x36", "80x24"])
async def test_the_picker_finds_by_accentless_name_phone_and_id_and_copies_the_id(sandbox, size) -> None:
    app = make_app(sandbox)
    async with app.run_test(size=size) as pilot:
        assert isinstance(app.screen, PickerScreen)
        table = app.screen.query_one("#picker-table", AssistantTable)
        # The phone numbers come with the lookups, after the pages.
        await wait_until(pilot, lambda: table.row_count == 14
                         and (table.get_row(101) or ("",) * 5)[4].startswith("+"))
        assert await filtered(pilot, table, "kruger") == [110]  # "Autohaus Krüger"
        assert await filtered(pilot, table, "clinica") == [111]  # "Clínica Sol"
        assert await filtered(pilot, table, "+49 30 1200-456") == [101, 108]
        assert await filtered(pilot, table, "4930120045602") == [108]
        assert await filtered(pilot, table, "112") == [112, 110, 111]  # the id, then numbers holding it
        assert await filtered(pilot, table, "brsmdnt") == [101]  # fuzzily, as the lists match
        # As typed first, then fuzzily ("Bright Smile" in 103's name; b-r-i-g-h-t spread in others).
        shown = await filtered(pilot, table, "bright")
        assert shown[:2] == [101, 103] and shown == [101, 103] + sorted(shown[2:])
        await filtered(pilot, table, "kruger")
        await pilot.press("ctrl+t")
        assert app.clipboard == "110"
        assert any(str(n.message).startswith("Copied the id of assistant 110: 3 characters")
                   for n in app._notifications)
        # Every name whole, also at 80 columns (the engine and direction give way).
        await filtered(pilot, table, "")
        await pilot.pause()
        drawn = "\n".join(table.render_line(y).text for y in range(1, 15))
        names = [row[1] for row in (table.get_row(i) for i in range(101, 115)) if row is not None]
        assert all(name in drawn for name in names if "[" not in name), drawn
