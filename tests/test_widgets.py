"""The reusable form controls, driven through small apps that load the real stylesheet."""

from __future__ import annotations

import html
from pathlib import Path
from typing import TypeVar

import pytest
from textual.app import App, ComposeResult
from textual.content import Content
from textual.message import Message
from textual.strip import Strip
from textual.widgets import Input, Select, Static

import voicedesk.tui.widgets as widgets_package
from voicedesk.matching import MAX_SHOWN_MATCHES, Catalog
from voicedesk.tui.widgets import KeyValueEditor, SchemaEditor, SearchSelect, SearchSelectScreen, Slider
from voicedesk.tui.widgets.rows import RowEditor
from voicedesk.tui.widgets.search_select_screen import WINDOW_SIZE

STYLESHEET = Path(widgets_package.__file__).parent.parent / "voicedesk.tcss"
MARKUP = "[b]x[/b] [@click=app.quit]"

# What the controls under test post when their value changes.
Change = Slider.Changed | SearchSelect.Changed | KeyValueEditor.Changed | SchemaEditor.Changed
C = TypeVar("C", bound=Message)


class WidgetApp(App[None]):
    """Hosts the widgets under test and records every message they send out."""

    CSS_PATH = STYLESHEET

    def __init__(self, *widgets) -> None:
        super().__init__()
        self._widgets = widgets
        self.changes: list[Change] = []
        self.leaked: list[Message] = []  # inner widgets' messages that escaped

    def compose(self) -> ComposeResult:
        yield from self._widgets

    def on_slider_changed(self, message: Slider.Changed) -> None:
        self.changes.append(message)

    def on_search_select_changed(self, message: SearchSelect.Changed) -> None:
        self.changes.append(message)

    def on_key_value_editor_changed(self, message: KeyValueEditor.Changed) -> None:
        self.changes.append(message)

    def on_schema_editor_changed(self, message: SchemaEditor.Changed) -> None:
        self.changes.append(message)

    def on_input_changed(self, message: Input.Changed) -> None:
        if not isinstance(self.screen, SearchSelectScreen):
            self.leaked.append(message)

    def on_select_changed(self, message: Select.Changed) -> None:
        self.leaked.append(message)

    def values(self) -> list[object]:
        return [change.value for change in self.changes]

    def last_change(self, kind: type[C]) -> C:
        """The last change posted, which the test knows to be a `kind`."""
        change = self.changes[-1]
        assert isinstance(change, kind), change
        return change


def no_blink(app: App) -> None:
    """Keep snapshots stable: a blinking cursor may be caught either way."""
    for input_ in app.screen.query(Input):
        input_.cursor_blink = False


async def no_blink_before(pilot) -> None:
    await pilot.pause()
    no_blink(pilot.app)


# -- Slider ---------------------------------------------------------------------


def text_of(slider: Slider) -> str:
    return slider.render_line(0).text


async def test_slider_steps_are_exact_on_a_float_grid() -> None:
    slider = Slider(0.7, 0.7, 1.2, 0.05, unit="x")
    app = WidgetApp(slider)
    async with app.run_test() as pilot:
        slider.focus()
        await pilot.press(*["right"] * 11)
        expected = [round(0.7 + 0.05 * k, 2) for k in range(1, 11)]
        assert app.values() == expected  # 0.75 exactly, and nothing past 1.2
        assert slider.value == 1.2
        assert "1.20 x" in text_of(slider)
        await pilot.press("left")
        assert slider.value == 1.15
        assert app.changes[-1].control is slider


async def test_slider_ten_steps_and_range_ends() -> None:
    slider = Slider(2.5, 0, 5, 0.1)
    app = WidgetApp(slider)
    async with app.run_test() as pilot:
        slider.focus()
        await pilot.press("shift+right")
        assert slider.value == 3.5
        await pilot.press("pageup")
        assert slider.value == 4.5
        await pilot.press("shift+left", "pagedown")
        assert slider.value == 2.5
        await pilot.press("end")
        assert slider.value == 5
        await pilot.press("home")
        assert slider.value == 0
        assert app.values() == [3.5, 4.5, 3.5, 2.5, 5, 0]


async def test_integer_slider_produces_ints() -> None:
    slider = Slider(30, 7, 600, 1, unit="s", integer=True)
    app = WidgetApp(slider)
    async with app.run_test() as pilot:
        slider.focus()
        await pilot.press("right")
        assert slider.value == 31 and type(slider.value) is int
        assert "31 s" in text_of(slider)


async def test_off_grid_value_moves_to_the_next_grid_line() -> None:
    slider = Slider(0.73, 0.7, 1.2, 0.05)
    app = WidgetApp(slider)
    async with app.run_test() as pilot:
        assert "0.73" in text_of(slider)
        slider.focus()
        await pilot.press("right")
        assert slider.value == 0.75
        slider.value = 0.73
        await pilot.press("left")
        assert slider.value == 0.7


@pytest.mark.parametrize(("key", "expected"), [("left", 1190), ("right", 1200)])
async def test_out_of_range_value_is_shown_unclamped_until_moved(key: str, expected: int) -> None:
    slider = Slider(1800, 20, 1200, 10, unit="s", integer=True)
    app = WidgetApp(slider)
    async with app.run_test() as pilot:
        assert slider.value == 1800
        assert slider.has_class("-out-of-range") and slider.out_of_range
        assert "1800 s" in text_of(slider)
        assert "out of range" in text_of(slider)
        slider.focus()
        await pilot.press(key)
        assert slider.value == expected
        assert not slider.has_class("-out-of-range")
        assert "out of range" not in text_of(slider)


async def test_value_below_the_minimum_moves_from_the_minimum() -> None:
    slider = Slider(5, 20, 1200, 10, integer=True)
    app = WidgetApp(slider)
    async with app.run_test() as pilot:
        slider.focus()
        await pilot.press("right")
        assert slider.value == 30


async def test_unset_slider_starts_from_the_minimum() -> None:
    slider = Slider(None, 0, 1, 0.05)
    app = WidgetApp(slider)
    async with app.run_test() as pilot:
        assert "not set" in text_of(slider)
        assert slider.has_class("-unset")
        slider.focus()
        await pilot.press("right")
        assert slider.value == 0.05
        assert not slider.has_class("-unset")
        slider.value = None
        await pilot.press("left")
        assert slider.value == 0


async def test_slider_posts_only_real_changes() -> None:
    slider = Slider(1.2, 0.7, 1.2, 0.05)
    app = WidgetApp(slider)
    async with app.run_test() as pilot:
        slider.focus()
        await pilot.press("right", "end", "pageup")
        assert app.changes == []
        slider.value = 0.9  # programmatic: shown, not announced
        await pilot.pause()
        assert "0.90" in text_of(slider)
        assert app.changes == []


async def test_click_and_drag_on_the_track() -> None:
    slider = Slider(0.5, 0, 1, 0.05)
    app = WidgetApp(slider)
    async with app.run_test(size=(60, 5)) as pilot:
        track_width = text_of(slider).index(" ")
        padding = slider.styles.padding.left
        await pilot.click(slider, offset=(padding, 0))
        assert slider.value == 0
        assert slider.has_focus
        await pilot.click(slider, offset=(padding + track_width - 1, 0))
        assert slider.value == 1
        # Drag from the start to the middle and then past the end of the widget.
        await pilot.mouse_down(slider, offset=(padding, 0))
        assert slider.value == 0
        await pilot.hover(slider, offset=(padding + (track_width - 1) // 2, 0))
        assert 0.4 <= slider.value <= 0.6
        assert round(slider.value / 0.05, 6).is_integer()  # snapped to the step
        await pilot.hover(slider, offset=(padding + track_width + 5, 0))
        assert slider.value == 1
        await pilot.mouse_up(slider, offset=(padding + track_width + 5, 0))
        assert app.mouse_captured is None
        assert app.values()[-1] == 1


async def test_typed_value_commits_any_number() -> None:
    slider = Slider(0.85, 0.7, 1.2, 0.05, unit="x")
    app = WidgetApp(slider)
    async with app.run_test() as pilot:
        slider.focus()
        await pilot.press("enter")
        entry = slider.query_one(Input)
        assert entry.has_focus and entry.value == "0.85"
        await pilot.press("ctrl+u", *"1.5", "enter")  # out of range: the caller judges
        assert slider.value == 1.5
        assert slider.out_of_range
        assert not slider.query(Input)
        assert slider.has_focus
        assert app.values() == [1.5]


async def test_typing_a_digit_opens_the_entry_seeded_with_it() -> None:
    slider = Slider(300, 20, 1200, 10, unit="s", integer=True)
    app = WidgetApp(slider)
    async with app.run_test() as pilot:
        slider.focus()
        await pilot.press("7", "0")
        assert slider.query_one(Input).value == "70"
        await pilot.press("enter")
        assert slider.value == 70 and type(slider.value) is int


async def test_escape_cancels_the_typed_value() -> None:
    slider = Slider(0.85, 0.7, 1.2, 0.05)
    app = WidgetApp(slider)
    async with app.run_test() as pilot:
        slider.focus()
        await pilot.press("9", "escape")
        assert not slider.editing
        assert slider.value == 0.85
        assert slider.has_focus
        assert app.changes == []


async def test_leaving_the_entry_abandons_it() -> None:
    slider = Slider(0.85, 0.7, 1.2, 0.05)
    other = Input(id="other")
    app = WidgetApp(slider, other)
    async with app.run_test() as pilot:
        slider.focus()
        await pilot.press("1", "tab")
        assert other.has_focus
        assert not slider.editing and not slider.query(Input)
        assert slider.value == 0.85


async def test_invalid_typed_values_are_refused_on_the_entry() -> None:
    slider = Slider(300, 20, 1200, 10, integer=True)
    app = WidgetApp(slider)
    async with app.run_test() as pilot:
        slider.focus()
        await pilot.press(*"5.5", "enter")
        entry = slider.query_one(Input)
        assert slider.editing and entry.has_class("-invalid")
        assert "whole numbers only" in str(slider.query_one(".slider-entry-hint", Static).render())
        await pilot.press("ctrl+u", *"abc", "enter")
        assert "not a number" in str(slider.query_one(".slider-entry-hint", Static).render())
        assert slider.value == 300
        assert app.changes == [] and app.leaked == []


async def test_disabled_slider_ignores_keys_and_mouse() -> None:
    slider = Slider(0.5, 0, 1, 0.05, disabled=True)
    app = WidgetApp(slider)
    async with app.run_test() as pilot:
        slider.focus()
        await pilot.press("right", "end", "enter", "5")
        await pilot.click(slider, offset=(1, 0))
        assert slider.value == 0.5
        assert not slider.editing
        assert app.changes == []


async def test_slider_shows_its_unit_literally() -> None:
    slider = Slider(1, 0, 2, 1, unit=MARKUP, integer=True)
    app = WidgetApp(slider)
    async with app.run_test():
        assert f"1 {MARKUP}" in text_of(slider)


# -- SearchSelect ----------------------------------------------------------------

LANGUAGES = [
    ("English", "en"),
    ("French", "fr"),
    ("German", "de"),
    ("Greek", "el"),
    ("Romanian", "ro"),
    ("Spanish", "es"),
]


async def open_picker(pilot, select: SearchSelect) -> SearchSelectScreen:
    select.focus()
    await pilot.press("enter")
    screen = pilot.app.screen
    assert isinstance(screen, SearchSelectScreen)
    return screen


async def test_typing_filters_fuzzily() -> None:
    select = SearchSelect(LANGUAGES, "en")
    app = WidgetApp(select)
    async with app.run_test() as pilot:
        picker = await open_picker(pilot, select)
        assert picker.shown_labels == [label for label, _ in LANGUAGES]
        await pilot.press(*"grmn")
        assert picker.shown_labels[0] == "German"
        assert "English" not in picker.shown_labels
        count = str(picker.query_one("#search-select-count", Static).render())
        assert count == f"{len(picker.shown_labels)} of {len(LANGUAGES)}"
        assert picker.query_one("#search-select-query", Input).has_focus


async def test_enter_picks_the_highlighted_option() -> None:
    select = SearchSelect(LANGUAGES, "en")
    app = WidgetApp(select)
    async with app.run_test() as pilot:
        await open_picker(pilot, select)
        await pilot.press(*"grmn", "enter")
        assert app.screen is not None and not isinstance(app.screen, SearchSelectScreen)
        assert select.value == "de"
        assert select.label == "German"
        assert app.values() == ["de"]
        assert app.changes[0].control is select
        assert select.has_focus


async def test_escape_closes_without_change() -> None:
    select = SearchSelect(LANGUAGES, "en")
    app = WidgetApp(select)
    async with app.run_test() as pilot:
        await open_picker(pilot, select)
        await pilot.press(*"grmn", "escape")
        assert not isinstance(app.screen, SearchSelectScreen)
        assert select.value == "en"
        assert app.changes == []


async def test_picking_the_current_value_posts_nothing() -> None:
    select = SearchSelect(LANGUAGES, "fr")
    app = WidgetApp(select)
    async with app.run_test() as pilot:
        picker = await open_picker(pilot, select)
        assert picker.option_list.highlighted == 1  # the current value
        await pilot.press("enter")
        assert select.value == "fr"
        assert app.changes == []


async def test_arrows_move_in_the_list_while_typing_continues() -> None:
    select = SearchSelect(LANGUAGES, "en")
    app = WidgetApp(select)
    async with app.run_test() as pilot:
        picker = await open_picker(pilot, select)
        await pilot.press("down", "down")
        assert picker.option_list.highlighted == 2
        assert picker.query_one("#search-select-query", Input).has_focus
        await pilot.press("up", "enter")
        assert select.value == "fr"


async def test_allow_none_entry_picks_none() -> None:
    numbers = [("+49 30 1234", 11), ("+1 555 0100", 12)]
    select = SearchSelect(numbers, 12, allow_none="No number (unassign)")
    app = WidgetApp(select)
    async with app.run_test() as pilot:
        picker = await open_picker(pilot, select)
        assert picker.shown_labels[0] == "No number (unassign)"
        await pilot.press(*"unassign", "enter")
        assert select.value is None
        assert app.values() == [None]
        assert select.label == "No number (unassign)"
        assert not select.has_class("-unknown")


async def test_unknown_value_is_shown_and_flagged() -> None:
    select = SearchSelect(LANGUAGES, "xx")
    app = WidgetApp(select)
    async with app.run_test():
        assert select.label == "xx (not in the list)"
        assert "xx (not in the list)" in select.render().plain
        assert select.has_class("-unknown") and select.unknown
        select.set_options([*LANGUAGES, ("Klingon", "xx")])
        assert select.label == "Klingon" and not select.has_class("-unknown")
        select.set_options(LANGUAGES[:2])
        select.value = "de"  # the current value may drop out of a narrower list
        assert select.label == "de (not in the list)"
        assert app.changes == []


async def test_options_given_as_a_function_are_listed_when_the_picker_opens() -> None:
    listed = []

    def zones() -> list[tuple[str, str]]:
        listed.append(True)
        return [("Europe/Berlin", "Europe/Berlin"), ("Europe/Paris", "Europe/Paris")]

    select = SearchSelect(zones, "Europe/Paris")
    app = WidgetApp(select)
    async with app.run_test() as pilot:
        assert "Europe/Paris" in select.render().plain and not select.unknown
        assert listed == []  # shown as it is: the labels are the values
        picker = await open_picker(pilot, select)
        assert picker.shown_labels == ["Europe/Berlin", "Europe/Paris"] and listed == [True]
        await pilot.press("escape")
        select.value = "Mars/Olympus"  # listed now: a value off the list is flagged
        assert select.unknown and select.label == "Mars/Olympus (not in the list)"
        assert listed == [True]


async def test_unset_value_shows_the_placeholder() -> None:
    select = SearchSelect(LANGUAGES, None, placeholder="Pick a language")
    app = WidgetApp(select)
    async with app.run_test():
        assert select.label == "Pick a language"
        assert select.has_class("-empty") and not select.has_class("-unknown")


async def test_typing_a_letter_opens_the_picker_filtered() -> None:
    select = SearchSelect(LANGUAGES, "en")
    app = WidgetApp(select)
    async with app.run_test() as pilot:
        select.focus()
        await pilot.press("s")
        picker = app.screen
        assert isinstance(picker, SearchSelectScreen)
        assert picker.query_one("#search-select-query", Input).value == "s"
        assert picker.shown_labels[0] == "Spanish"


async def test_click_opens_the_picker_and_clicking_an_option_picks_it() -> None:
    select = SearchSelect(LANGUAGES, "en")
    app = WidgetApp(select)
    async with app.run_test() as pilot:
        await pilot.click(select)
        picker = app.screen
        assert isinstance(picker, SearchSelectScreen)
        await pilot.click(picker.option_list, offset=(2, 3))
        assert select.value == "el"


async def test_clicking_outside_the_picker_closes_it() -> None:
    select = SearchSelect(LANGUAGES, "en")
    app = WidgetApp(select)
    async with app.run_test(size=(80, 30)) as pilot:
        await open_picker(pilot, select)
        await pilot.click(offset=(40, 28))
        assert not isinstance(app.screen, SearchSelectScreen)
        assert select.value == "en" and app.changes == []


async def test_disabled_search_select_does_not_open() -> None:
    select = SearchSelect(LANGUAGES, "en", disabled=True)
    app = WidgetApp(select)
    async with app.run_test() as pilot:
        await pilot.click(select)
        select.focus()
        await pilot.press("enter", "g")
        assert not isinstance(app.screen, SearchSelectScreen)


async def test_labels_are_shown_literally() -> None:
    select = SearchSelect([(MARKUP, 1), ("plain", 2)], 1)
    app = WidgetApp(select)
    async with app.run_test() as pilot:
        assert MARKUP in select.render().plain
        picker = await open_picker(pilot, select)
        assert prompt_of(picker, 0).plain == f"{MARKUP}  ◂ current"  # the value chosen now, said in words
        assert prompt_of(picker, 1).plain == "plain"
        await pilot.press(*"click")
        assert prompt_of(picker, 0).plain == f"{MARKUP}  ◂ current"
        assert app.is_running


async def test_five_thousand_options_open_and_filter() -> None:
    voices = [(f"Voice {number:04} ({'German' if number % 7 else 'French'})", number) for number in range(5000)]
    select = SearchSelect(voices, 4321)
    app = WidgetApp(select)
    async with app.run_test() as pilot:
        picker = await open_picker(pilot, select)
        # All 5,000 are on offer, listed a window at a time around the current value.
        assert str(picker.query_one("#search-select-count", Static).render()) == "5,000 options"
        assert picker.option_list.option_count == WINDOW_SIZE
        assert picked_label(picker) == voices[4321][0]
        await pilot.press(*"frnch")
        assert picker.option_list.option_count == MAX_SHOWN_MATCHES
        assert "type more to narrow" in str(picker.query_one("#search-select-count", Static).render())
        await pilot.press(*" 4319")  # words match in any order
        assert picker.shown_labels[0] == "Voice 4319 (French)"
        await pilot.press("enter")
        assert select.value == 4319


def prompt_of(picker: SearchSelectScreen, row: int) -> Content:
    """A row of the picker's list: the picker builds each as Content."""
    prompt = picker.option_list.get_option_at_index(row).prompt
    assert isinstance(prompt, Content), type(prompt)
    return prompt


def picked_label(picker: SearchSelectScreen) -> str:
    highlighted = picker.option_list.highlighted
    assert highlighted is not None
    return picker.shown_labels[highlighted]


async def test_ranking_exact_then_prefix_then_word_start_then_inside_then_fuzzy() -> None:
    # Listed worst first, so the order shown is the ranking's, not the caller's.
    labels = ["Green Marmalade Annex", "Ingermanland", "East German", "Germanic", "German"]
    select = SearchSelect([(label, index) for index, label in enumerate(labels)], None)
    app = WidgetApp(select)
    async with app.run_test() as pilot:
        picker = await open_picker(pilot, select)
        await pilot.press(*"german")
        assert picker.shown_labels == list(reversed(labels))
        await pilot.press(*"ic")
        assert picker.shown_labels == ["Germanic"]


async def test_ranking_tighter_fuzzy_matches_first_and_ties_keep_the_order() -> None:
    labels = ["Gary (male, Norwegian)", "Voice B (German)", "Voice A (German)", "German"]
    select = SearchSelect([(label, index) for index, label in enumerate(labels)], None)
    app = WidgetApp(select)
    async with app.run_test() as pilot:
        picker = await open_picker(pilot, select)
        await pilot.press(*"grmn")
        # "German" is tightest and starts the label; the two voices tie (caller's order);
        # the letters of "Gary (male, Norwegian)" are spread furthest.
        assert picker.shown_labels == ["German", "Voice B (German)", "Voice A (German)", labels[0]]
        await pilot.press("space", *"voice")  # any order: "grmn voice"
        assert picker.shown_labels == ["Voice B (German)", "Voice A (German)"]


async def test_matched_characters_are_highlighted() -> None:
    select = SearchSelect([("Romanian Man", 1), ("German", 2), ("İstanbul", 3)], None)
    app = WidgetApp(select)
    async with app.run_test() as pilot:
        picker = await open_picker(pilot, select)

        def marked(row: int) -> list[str]:
            prompt = prompt_of(picker, row)
            return [prompt.plain[span.start:span.end] for span in prompt.spans]

        await pilot.press(*"grmn")
        assert picker.shown_labels == ["German"]
        assert marked(0) == ["G", "rm", "n"]
        await pilot.press(*["backspace"] * 4, *"man")
        # The word that starts with the letters, not the letters inside "Romanian".
        assert picker.shown_labels[0] == "Romanian Man"
        assert marked(0) == ["Man"]
        await pilot.press(*["backspace"] * 3, *"ist")
        assert picker.shown_labels == ["İstanbul"] and marked(0) == ["İst"]


async def test_many_matches_show_the_best_and_say_so() -> None:
    names = [(f"Voice {number:04}", number) for number in range(3 * MAX_SHOWN_MATCHES)]
    select = SearchSelect([*names, ("Voice", "plain")], None)
    app = WidgetApp(select)
    async with app.run_test() as pilot:
        picker = await open_picker(pilot, select)
        await pilot.press(*"voice")
        assert picker.option_list.option_count == MAX_SHOWN_MATCHES
        assert picker.shown_labels[0] == "Voice"  # the exact label first, though listed last
        assert picker.shown_labels[1:4] == ["Voice 0000", "Voice 0001", "Voice 0002"]
        count = str(picker.query_one("#search-select-count", Static).render())
        assert count == f"Best {MAX_SHOWN_MATCHES} of {len(names) + 1} matches: type more to narrow"
        await pilot.press(*" 029")
        # At a word's start before inside a word before fuzzily: "029" starts "0290" to
        # "0299", is inside "0029", and is spread out in "0209".
        assert picker.shown_labels[:11] == [f"Voice 029{digit}" for digit in range(10)] + ["Voice 0029"]
        assert "Voice 0209" in picker.shown_labels[11:]
        await pilot.press(*["backspace"] * 3, *"0029")
        assert picker.shown_labels == ["Voice 0029"]
        assert str(picker.query_one("#search-select-count", Static).render()) == f"1 of {len(names) + 1}"


def test_narrowed_and_remembered_searches_match_a_fresh_search() -> None:
    labels = [f"Voice {number:04} {'Anna' if number % 3 else 'Ben'} ({'German' if number % 7 else 'French'})"
              for number in range(3000)]
    catalog = Catalog(labels)
    queries = ["v", "vo", "voi 1", "voi 12", "voi 1", "voi", "ann", "anna fr", "anna f", "a", "fr 9 ben", "x"]
    for query in queries:
        words = Catalog.words(query)
        warm = catalog.search(words)  # narrows from, or reuses, the queries before it
        fresh = Catalog(labels).search(words)
        assert warm.candidates == fresh.candidates, query
        assert warm.best == fresh.best, query
    assert catalog.search(("voi", "1")) is catalog.search(("voi", "1"))  # remembered
    # A one-word query is ranked by a shortcut; it must agree with the general ranking,
    # which ranks ("w", "w") the same way (ranks and spreads doubled).
    for word in ["v", "an", "ben", "fr", "0012", "1", "grmn", "vn", "(g", "x"]:
        assert Catalog(labels).search((word,)).best == Catalog(labels).search((word, word)).best, word


async def test_unfiltered_window_slides_and_wraps_like_the_whole_list() -> None:
    voices = [(f"Voice {number:04}", number) for number in range(5 * WINDOW_SIZE)]
    select = SearchSelect(voices, 0)
    app = WidgetApp(select)
    async with app.run_test() as pilot:
        picker = await open_picker(pilot, select)
        assert picked_label(picker) == "Voice 0000"
        await pilot.press("up")  # wraps to the last entry, beyond the first window
        assert picked_label(picker) == voices[-1][0]
        assert picker.query_one("#search-select-query", Input).has_focus
        await pilot.press("down")  # and back
        assert picked_label(picker) == "Voice 0000"
        for _ in range(WINDOW_SIZE):
            await pilot.press("down")
        assert picked_label(picker) == f"Voice {WINDOW_SIZE:04}"
        while picked_label(picker) < f"Voice {2 * WINDOW_SIZE:04}":
            await pilot.press("pagedown")
        assert picker.option_list.option_count == WINDOW_SIZE  # still a window
        await pilot.press("enter")
        assert isinstance(select.value, int) and select.value >= 2 * WINDOW_SIZE
        assert app.values() == [select.value]


async def test_labels_with_line_breaks_are_listed_too() -> None:
    select = SearchSelect([("two\nlines", 1), ("one line", 2)], 1)
    app = WidgetApp(select)
    async with app.run_test() as pilot:
        picker = await open_picker(pilot, select)
        assert picker.shown_labels == ["two⏎lines", "one line"]  # one line each, as everywhere
        await pilot.press(*"lines", "enter")
        assert select.value == 1


# -- KeyValueEditor ----------------------------------------------------------------
# Both editors are virtual tables: a RowGrid drawn line by line, and one edit line laid
# over the cell being edited.


def screen_text(app: App) -> str:
    """The screen's text (from its SVG export, spaces and entities as text)."""
    return html.unescape(app.export_screenshot()).replace("\xa0", " ")


async def edit_cell(pilot, editor, row: int, column: int) -> None:
    """Put the cursor on a cell and open its edit line, as arrows and Enter do."""
    editor.grid.focus()
    await pilot.pause()
    await pilot.press("home", *["down"] * row, *["left"] * 3, *["right"] * column, "enter")
    assert editor.editing and editor.line.has_focus


async def test_key_value_load_posts_nothing() -> None:
    editor = KeyValueEditor({"city": "Berlin", "tone": "warm"})
    app = WidgetApp(editor)
    async with app.run_test() as pilot:
        await pilot.pause()
        assert editor.value == {"city": "Berlin", "tone": "warm"}
        assert editor.problems == []
        editor.load({"a": "1"})
        await pilot.pause()
        assert editor.row_count == 1
        assert editor.value == {"a": "1"}
        assert app.changes == [] and app.leaked == []


def flagged_columns(editor: RowEditor, row: int) -> frozenset[int]:
    """The cells flagged in a row the test knows to have problems."""
    problems = editor.row_problems(row)
    assert problems is not None, row
    return problems.columns


async def test_key_value_edit_posts_the_new_value() -> None:
    editor = KeyValueEditor({"city": "Berlin"})
    app = WidgetApp(editor)
    async with app.run_test() as pilot:
        await edit_cell(pilot, editor, 0, 1)
        await pilot.press(*"er")
        assert app.changes[-1].value == {"city": "Berliner"}
        assert app.last_change(KeyValueEditor.Changed).problems == []
        assert app.changes[-1].control is editor
        assert app.leaked == []
        await pilot.press("enter")  # ends the edit; the table has the keyboard again
        assert not editor.editing and editor.grid.has_focus
        assert "Berliner" in screen_text(app)


async def test_typing_on_a_cell_edits_it_and_escape_puts_it_back() -> None:
    editor = KeyValueEditor({"city": "Berlin"})
    app = WidgetApp(editor)
    async with app.run_test() as pilot:
        editor.grid.focus()
        await pilot.press("right", *"er")  # typing starts an edit, the keys add to the text
        assert editor.value == {"city": "Berliner"}
        await pilot.press("escape")
        assert editor.value == {"city": "Berlin"} and not editor.editing
        assert app.values() == [{"city": "Berline"}, {"city": "Berliner"}, {"city": "Berlin"}]


async def test_key_value_add_with_ctrl_n_and_the_button() -> None:
    editor = KeyValueEditor({"city": "Berlin"})
    app = WidgetApp(editor)
    async with app.run_test() as pilot:
        editor.grid.focus()
        await pilot.press("ctrl+n")
        assert editor.editing and (editor.cursor_row, editor.cursor_column) == (1, 0)
        await pilot.press(*"tone", "tab", *"warm")  # tab goes on to the next cell
        assert app.changes[-1].value == {"city": "Berlin", "tone": "warm"}
        await pilot.press("enter")
        await pilot.click(".editor-add")
        assert editor.row_count == 3 and editor.cursor_row == 2 and editor.editing
        assert editor.value == {"city": "Berlin", "tone": "warm"}  # a blank row adds nothing


async def test_key_value_delete_with_ctrl_d_and_the_mouse() -> None:
    editor = KeyValueEditor({"a": "1", "b": "2", "c": "3"})
    app = WidgetApp(editor)
    async with app.run_test() as pilot:
        await edit_cell(pilot, editor, 1, 1)
        await pilot.press("ctrl+d")  # while editing: the row goes, not a character
        assert editor.value == {"a": "1", "c": "3"}
        # The cursor stays in the same column, now on the row that moved up.
        assert (editor.cursor_row, editor.cursor_column) == (1, 1) and editor.grid.has_focus
        x, _ = editor.grid.cell_span(1)
        width = editor.grid.scrollable_content_region.width
        await pilot.click(editor.grid, offset=(width - 2, 1))  # the first row's ✕
        assert editor.value == {"c": "3"}
        assert app.values() == [{"a": "1", "c": "3"}, {"c": "3"}]


async def test_ctrl_d_outside_the_table_is_left_to_others() -> None:
    editor = KeyValueEditor({"a": "1"})
    app = WidgetApp(editor)
    async with app.run_test() as pilot:
        editor.query_one(".editor-add").focus()
        await pilot.press("ctrl+d")
        assert editor.value == {"a": "1"}


async def test_key_value_flags_duplicates_and_empty_keys() -> None:
    editor = KeyValueEditor({"city": "Berlin"})
    app = WidgetApp(editor)
    async with app.run_test() as pilot:
        editor.grid.focus()
        await pilot.press("ctrl+n", *"city", "tab", *"Paris", "enter")
        await pilot.press("ctrl+n", "tab", *"orphan", "enter")
        await pilot.press("ctrl+n", "escape")  # a blank row is not a problem
        assert editor.problems == ['Duplicate key "city"', "Row 3 has an empty key"]
        assert editor.value == {"city": "Berlin"}  # the first occurrence wins
        assert [editor.row_problems(n) is not None for n in range(4)] == [True, True, True, False]
        assert flagged_columns(editor, 1) == {0}
        await pilot.press("up", "up")  # the cursor row's message shows under the table
        message = str(editor.query_one(".editor-message", Static).render())
        assert "Duplicate key" in message and "row 1" in message
        assert app.last_change(KeyValueEditor.Changed).problems == editor.problems
        # Fixing the key clears the flags.
        await pilot.press("left", "enter", "2", "enter")
        assert editor.problems == ["Row 3 has an empty key"]
        assert editor.value == {"city": "Berlin", "city2": "Paris"}


async def test_values_that_are_not_text_stay_as_they_are_and_edit_as_json() -> None:
    stored = {"count": 41, "address": {"city": "Bonn"}, "on": True, "tone": "warm"}
    editor = KeyValueEditor(stored)
    app = WidgetApp(editor)
    async with app.run_test(size=(100, 12)) as pilot:
        assert '{"city": "Bonn"}' in screen_text(app) and "41" in screen_text(app)
        await edit_cell(pilot, editor, 3, 1)
        await pilot.press("backspace", "enter")
        assert app.changes[-1].value == {"count": 41, "address": {"city": "Bonn"}, "on": True, "tone": "war"}
        await edit_cell(pilot, editor, 0, 1)
        await pilot.press("backspace", "2")
        assert app.last_change(KeyValueEditor.Changed).value["count"] == 42  # a number still
        await pilot.press("end", "x")
        assert editor.problems == ['Row 1: the value of "count" is not JSON']
        assert "count" not in editor.value
        await pilot.press("escape")
        assert editor.value == {**stored, "tone": "war"} and editor.problems == []


async def test_fifty_variables_load() -> None:
    value = {f"var_{number}": f"value {number}" for number in range(50)}
    editor = KeyValueEditor(value)
    app = WidgetApp(editor)
    async with app.run_test() as pilot:
        await pilot.pause()
        assert editor.row_count == 50
        assert editor.value == value
        assert app.changes == []
        # The table shows a screenful and scrolls inside; the cursor stays in view.
        assert editor.grid.size.height == 1 + editor.VISIBLE_ROWS
        editor.grid.focus()
        await pilot.press("end")
        assert editor.cursor_row == 49 and "var_49" in screen_text(app) and "var_0<" not in screen_text(app)


async def test_keys_and_values_are_shown_literally() -> None:
    editor = KeyValueEditor({MARKUP: MARKUP, "esc": "\x1b[2Jcleared"})
    app = WidgetApp(editor)
    async with app.run_test(size=(100, 10)):
        screenshot = screen_text(app)
        assert "[b]x[/b]" in screenshot and "[@click=app.quit]" in screenshot
        assert "\x1b" not in screenshot and "␛[2Jcleared" in screenshot
        assert editor.value == {MARKUP: MARKUP, "esc": "\x1b[2Jcleared"}


async def test_a_cell_with_a_control_character_goes_back_exactly() -> None:
    editor = KeyValueEditor({"esc": "a\x1bb"})
    app = WidgetApp(editor)
    async with app.run_test() as pilot:
        await edit_cell(pilot, editor, 0, 1)
        assert editor.line.value == "a␛b"  # shown as a symbol while edited
        await pilot.press("end", "!")
        assert editor.value == {"esc": "a\x1bb!"}


# -- SchemaEditor -------------------------------------------------------------------

SCHEMA = [
    {"name": "city", "type": "string", "description": "The caller's city"},
    {"name": "callback", "type": "bool", "description": "Wants a call back"},
]


async def test_schema_load_posts_nothing() -> None:
    editor = SchemaEditor(SCHEMA)
    app = WidgetApp(editor)
    async with app.run_test() as pilot:
        await pilot.pause()
        assert editor.value == SCHEMA
        assert editor.problems == []
        editor.load(SCHEMA[:1])
        await pilot.pause()
        assert editor.value == SCHEMA[:1]
        assert editor.row_count == 1
        assert app.changes == [] and app.leaked == []


async def test_schema_unknown_type_is_shown_and_flagged() -> None:
    editor = SchemaEditor([SCHEMA[0], {"name": "ok", "type": "boolean", "description": "Fine"}])
    app = WidgetApp(editor)
    async with app.run_test() as pilot:
        await pilot.pause()
        assert "boolean" in screen_text(app)
        assert flagged_columns(editor, 1) == {1}
        assert editor.value[1]["type"] == "boolean"
        assert editor.problems == ['Row 2: unknown type "boolean": choose string, number or bool']
        # Choosing a real type (from a list, as a Select offers it) clears the flag.
        editor.grid.focus()
        await pilot.press("down", "right", "enter")
        await pilot.pause()
        assert isinstance(app.screen, SearchSelectScreen)
        await pilot.press(*"str", "enter")
        await pilot.pause()
        assert editor.value[1]["type"] == "string"
        assert editor.problems == []
        assert app.last_change(SchemaEditor.Changed).value[1]["type"] == "string"
        assert editor.grid.has_focus


async def test_schema_flags_names_descriptions_and_duplicates() -> None:
    editor = SchemaEditor(
        [
            {"name": "city", "type": "string", "description": "A"},
            {"name": "bad name", "type": "number", "description": ""},
            {"name": "city", "type": "string", "description": "B"},
        ]
    )
    app = WidgetApp(editor)
    async with app.run_test():
        assert editor.problems == [
            'Row 1: name "city" is also used in row 3',
            "Row 2: name may only contain letters, digits and underscores",
            "Row 2: description is empty",
            'Row 3: name "city" is also used in row 1',
        ]
        assert all(editor.row_problems(n) is not None for n in range(3))
        assert flagged_columns(editor, 1) == {0, 2}
        assert flagged_columns(editor, 0) == {0}


async def test_schema_add_field() -> None:
    editor = SchemaEditor(SCHEMA)
    app = WidgetApp(editor)
    async with app.run_test() as pilot:
        editor.grid.focus()
        await pilot.press("ctrl+n")
        assert editor.editing and (editor.cursor_row, editor.cursor_column) == (2, 0)
        assert editor.problems == []  # a blank row waits to be filled in
        await pilot.press(*"order_id")
        assert editor.problems == ["Row 3: description is empty"]
        await pilot.press("tab", *"The order")  # the type is picked from a list: tab passes it by
        change = app.last_change(SchemaEditor.Changed)
        assert change.value[-1] == {"name": "order_id", "type": "string", "description": "The order"}
        assert change.problems == []
        assert app.leaked == []


async def test_schema_reorder_with_keys_and_the_mouse() -> None:
    editor = SchemaEditor(SCHEMA)
    app = WidgetApp(editor)
    async with app.run_test() as pilot:
        await edit_cell(pilot, editor, 1, 0)
        await pilot.press("ctrl+up")
        assert [field["name"] for field in editor.value] == ["callback", "city"]
        assert editor.cursor_row == 0  # the cursor travels with the row
        await pilot.press("ctrl+up")  # already first: nothing happens
        await pilot.press("alt+down")
        assert [field["name"] for field in editor.value] == ["city", "callback"]
        width = editor.grid.scrollable_content_region.width
        await pilot.click(editor.grid, offset=(width - 5, 1))  # the first row's ↓
        assert [field["name"] for field in editor.value] == ["callback", "city"]
        assert len(app.changes) == 3


async def test_schema_delete_row() -> None:
    editor = SchemaEditor(SCHEMA)
    app = WidgetApp(editor)
    async with app.run_test() as pilot:
        editor.grid.focus()
        await pilot.press("right", "right", "ctrl+d")
        assert editor.value == SCHEMA[1:]
        assert (editor.cursor_row, editor.cursor_column) == (0, 2) and editor.grid.has_focus
        await pilot.press("ctrl+d")
        assert editor.value == []
        assert editor.has_class("-empty")
        assert "No fields." in screen_text(app)
        assert editor.query_one(".editor-add").has_focus


async def test_schema_rows_keep_what_was_stored_beside_the_three() -> None:
    amount: dict[str, object] = {
        "required": True, "name": "amount", "type": "number", "description": "Paid", "unit": "EUR"}
    stored = [
        amount,
        {"name": 7, "type": "string", "description": None, "options": {"max": 3}},
        "a row that is text",
    ]
    editor = SchemaEditor(stored)
    app = WidgetApp(editor)
    async with app.run_test(size=(100, 12)) as pilot:
        assert editor.value == stored
        assert editor.problems == [
            "Row 2: name must be text, not 7", "Row 2: description is empty",
            "Row 3: not an object with a name, a type and a description",
        ]
        await edit_cell(pilot, editor, 0, 2)
        await pilot.press(*" in EUR")
        # The edited row keeps its other attributes, in their places; the others are untouched.
        assert app.changes[-1].value == [
            {"required": True, "name": "amount", "type": "number", "description": "Paid in EUR", "unit": "EUR"},
            *stored[1:],
        ]
        await pilot.press("enter")
        assert "required, unit" in str(editor.query_one(".editor-message", Static).render())
        await pilot.press("down", "down", "enter")  # a row that is no object cannot be edited
        assert not editor.editing
        await pilot.press("ctrl+d")
        assert editor.value == [{**amount, "description": "Paid in EUR"}, stored[1]]


async def test_schema_messages_show_names_literally() -> None:
    editor = SchemaEditor([{"name": MARKUP, "type": MARKUP, "description": "x"}])
    app = WidgetApp(editor)
    async with app.run_test(size=(120, 10)):
        message = editor.query_one(".editor-message", Static)
        assert MARKUP in str(message.render())
        assert "[b]x[/b]" in screen_text(app)
        assert app.is_running


async def test_thousands_of_rows_draw_only_the_lines_on_screen() -> None:
    value = {f"var_{number}": f"value {number}" for number in range(5000)}
    editor = KeyValueEditor(value)
    app = WidgetApp(editor)
    async with app.run_test() as pilot:
        drawn: list[int] = []
        render_line = editor.grid.render_line

        def counting(y: int) -> Strip:
            drawn.append(y)
            return render_line(y)

        # A spy in place of the method: mypy forbids assigning to a method.
        editor.grid.render_line = counting  # type: ignore[method-assign]
        editor.grid.focus()
        await pilot.press("pagedown", "right", *"!")
        await pilot.pause()
        assert editor.value["var_12"] == "value 12!"
        assert len(app.query("*")) < 20  # one table, one edit line: not a widget a cell
        assert drawn and max(drawn) <= editor.VISIBLE_ROWS


# -- Snapshots --------------------------------------------------------------------


class SliderDemo(WidgetApp):
    def __init__(self) -> None:
        super().__init__(
            Static("Speech speed"),
            Slider(0.85, 0.7, 1.2, 0.05, unit="x", id="speed"),
            Static("Maximum call duration"),
            Slider(1800, 20, 1200, 10, unit="s", integer=True),
            Static("Temperature"),
            Slider(None, 0, 1, 0.05),
            Slider(0.5, 0, 1, 0.05, disabled=True),
        )


def test_slider_snapshot(snap_compare) -> None:
    async def focus(pilot) -> None:
        pilot.app.query_one("#speed").focus()

    assert snap_compare(SliderDemo(), press=["_"], run_before=focus, terminal_size=(60, 12))


def test_search_select_snapshot(snap_compare) -> None:
    app = WidgetApp(SearchSelect([*LANGUAGES, (MARKUP, "m")], "en", title="Language"))

    async def search(pilot) -> None:
        await pilot.press("enter", *"grmn")
        no_blink(pilot.app)

    assert snap_compare(app, run_before=search, terminal_size=(60, 12))


def test_key_value_snapshot(snap_compare) -> None:
    app = WidgetApp(KeyValueEditor({"city": "Berlin", "": "orphan", "tone": "warm", MARKUP: "x", "count": 41}))

    async def focus(pilot) -> None:
        pilot.app.query_one(KeyValueEditor).grid.focus()
        await pilot.press("down")
        no_blink(pilot.app)

    assert snap_compare(app, run_before=focus, terminal_size=(60, 12))


def test_schema_snapshot(snap_compare) -> None:
    app = WidgetApp(
        SchemaEditor([*SCHEMA, {"name": "bad name", "type": "boolean", "description": "Legacy flag"}])
    )
    assert snap_compare(app, run_before=no_blink_before, terminal_size=(60, 12))
