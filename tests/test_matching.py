"""The app's one matcher (`voicedesk.matching`): headless, and what the finder and the
picker's table find through it."""

from __future__ import annotations

from random import Random

from textual.app import App
from textual.widgets import OptionList

from test_layers import imports_of
from voicedesk.fields import Dialect, catalogue
from voicedesk.matching import Catalog
from voicedesk.tui.screens.finder import FinderScreen


def test_the_matcher_runs_without_textual() -> None:
    assert not any(name.split(".")[0] == "textual" for name in imports_of("voicedesk.matching"))


def test_remembered_and_narrowed_containing_matches_a_fresh_scan() -> None:
    # `containing` keeps recent texts' matches and looks for a longer text among a
    # shorter one's: every step of a random session of typing and erasing must find
    # what a plain scan finds, in the labels' order.
    labels = [f"{number}\0Line {number % 37} Support {'Hotline' if number % 5 else 'Desk'} İstanbul"
              for number in range(1, 1500)]
    catalog = Catalog(labels)
    random = Random(14)
    text, cases = "", 0
    for _ in range(600):
        roll = random.random()
        if roll < 0.55:
            text += random.choice("line 1205sUPhoİ")
        elif roll < 0.9:
            text = text[:-1]
        else:
            text = ""
        folded = text.lower() if len(text.lower()) == len(text) else text.replace("İ", "i").lower()
        expected = [index for index, label in enumerate(labels) if folded in label.replace("İ", "i").lower()]
        assert catalog.containing(text) == expected, repr(text)
        cases += 1
    print(f"{cases} texts typed and erased matched a fresh scan")


async def test_the_finder_lists_a_field_first_by_its_label_or_update_name_typed_whole() -> None:
    cases = 0
    for dialect in Dialect:
        fields = catalogue(dialect)
        app: App[None] = App()
        async with app.run_test():
            finder = FinderScreen(fields)
            await app.push_screen(finder)
            results = finder.query_one("#finder-results", OptionList)
            for field in fields:
                for typed in (field.update_name, field.label.upper()):
                    finder.show_matches(typed)
                    first = results.get_option_at_index(0).id
                    same = [f.name for f in fields if typed.lower() in (f.label.lower(), f.update_name)]
                    assert first in same, (dialect, typed, first)
                    cases += 1
    print(f"{cases} labels and update names typed into the finder came first")


async def test_the_finder_ranks_as_the_lists_do() -> None:
    """Names that start with the word before names holding it inside, ties in the
    catalogue's order. (Textual's fuzzy matcher, used before, scored whole strings:
    for "webhook" it put "Recording in webhook" before "Webhook active".)"""
    fields = catalogue(Dialect.D2025)
    app: App[None] = App()
    async with app.run_test():
        finder = FinderScreen(fields)
        await app.push_screen(finder)
        results = finder.query_one("#finder-results", OptionList)
        for word in ("webhook", "voice", "max"):
            finder.show_matches(word)
            shown = [results.get_option_at_index(n).id for n in range(results.option_count)]
            starting = [f.name for f in fields if f.label.lower().startswith(word) or f.update_name.startswith(word)]
            assert len(starting) > 1 and shown[:len(starting)] == starting, word
