"""A select for long lookups (voices, languages, models, numbers, time zones).

The control is one line showing the current choice; it opens a modal with a filter
box over a virtual `OptionList`, filtered fuzzily as the operator types.
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence

from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content, Span
from textual.fuzzy import FuzzySearch
from textual.message import Message
from textual.reactive import reactive
from textual.screen import ModalScreen
from textual.widget import Widget
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option

# Rebuilding the option list costs time per option, so a filter shows the best
# matches only; the unfiltered list is shown whole so it can be scrolled through.
MAX_SHOWN_MATCHES = 500
# How matched characters are marked in the list.
_MATCH_STYLE = "bold underline $text-accent"


class SearchSelectScreen(ModalScreen[int | None]):
    """The picker: dismisses with the index of the chosen label, or None if cancelled."""

    BINDINGS = [
        Binding("escape", "cancel", "Cancel"),
        Binding("enter", "pick", "Choose"),
        Binding("down", "move('cursor_down')", "Next", show=False),
        Binding("up", "move('cursor_up')", "Previous", show=False),
        Binding("pagedown", "move('page_down')", "Page down", show=False),
        Binding("pageup", "move('page_up')", "Page up", show=False),
    ]

    def __init__(
        self,
        labels: Sequence[str],
        current: int | None,
        *,
        title: str,
        query: str = "",
    ) -> None:
        super().__init__()
        self._labels = labels
        self._current = current
        self._title = title
        self._initial_query = query
        self._search = FuzzySearch()
        self._shown: list[int] = []  # entry index of each option in the list

    def compose(self) -> ComposeResult:
        with Vertical(id="search-select-dialog"):
            query = Input(
                self._initial_query,
                placeholder="Type to filter",
                id="search-select-query",
                select_on_focus=False,
            )
            query.border_title = Content(self._title)
            yield query
            yield Static(id="search-select-count", markup=False)
            yield OptionList(id="search-select-options", markup=False)

    def on_mount(self) -> None:
        self._filter(self._initial_query)

    @property
    def option_list(self) -> OptionList:
        return self.query_one("#search-select-options", OptionList)

    @property
    def shown_labels(self) -> list[str]:
        """The labels currently listed, in order (for tests and debugging)."""
        return [self._labels[index] for index in self._shown]

    @on(Input.Changed, "#search-select-query")
    def _query_changed(self, event: Input.Changed) -> None:
        event.stop()
        self._filter(event.value)

    def _filter(self, query: str) -> None:
        words = query.split()
        total = len(self._labels)
        if not words:
            self._shown = list(range(total))
            prompts = [Content(label) for label in self._labels]
            count = f"{total:,} options"
        else:
            ranked = []
            for index, label in enumerate(self._labels):
                score, offsets = self._match(words, label)
                if score:
                    ranked.append((-score, index, offsets))
            ranked.sort(key=lambda match: (match[0], match[1]))  # ties keep the caller's order
            best = ranked[:MAX_SHOWN_MATCHES]
            self._shown = [index for _, index, _ in best]
            prompts = [self._highlighted(self._labels[index], offsets) for _, index, offsets in best]
            if not ranked:
                count = "No matches"
            elif len(ranked) > len(best):
                count = f"Best {len(best):,} of {len(ranked):,} matches: type more to narrow"
            else:
                count = f"{len(ranked):,} of {total:,}"
        option_list = self.option_list
        option_list.clear_options()
        option_list.add_options([Option(prompt) for prompt in prompts])
        if self._shown:
            # Unfiltered, the current value is highlighted; filtered, the best match.
            current_shown = not words and self._current is not None
            option_list.highlighted = self._current if current_shown else 0
        self.query_one("#search-select-count", Static).update(count)

    def _match(self, words: Sequence[str], label: str) -> tuple[float, list[int]]:
        """Every word must match, in any order: "french anna" finds "Anna (French)"."""
        total = 0.0
        matched: list[int] = []
        for word in words:
            score, offsets = self._search.match(word, label)
            if not score:
                return 0.0, []
            # Textual's score favours letters at word starts; dividing by how spread
            # out the letters are puts "German" before "Gary (male, Norwegian)" for "grmn".
            spread = (offsets[-1] - offsets[0] + 1) / len(offsets)
            total += score / spread
            matched.extend(offsets)
        return total, matched

    @staticmethod
    def _highlighted(label: str, offsets: Sequence[int]) -> Content:
        spans = [Span(offset, offset + 1, _MATCH_STYLE) for offset in offsets if not label[offset].isspace()]
        return Content(label, spans)

    def action_move(self, action: str) -> None:
        getattr(self.option_list, f"action_{action}")()

    def action_pick(self) -> None:
        highlighted = self.option_list.highlighted
        if highlighted is not None:
            self.dismiss(self._shown[highlighted])

    def action_cancel(self) -> None:
        self.dismiss(None)

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.action_pick()

    @on(OptionList.OptionSelected)
    def _clicked(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.dismiss(self._shown[event.option_index])

    def on_click(self, event: events.Click) -> None:
        # A click on the backdrop (outside the box and list) closes the picker, like escape.
        if event.widget in (self, self.query_one("#search-select-dialog")):
            self.dismiss(None)


class SearchSelect(Widget, can_focus=True):
    """A one-line control that opens a fuzzy-filtered picker.

    Keys: enter or space opens the picker; typing a letter opens it with that letter
    already in the filter.
    """

    BINDINGS = [Binding("enter,space", "open", "Choose", id="search_select.open")]

    class Changed(Message):
        """The user picked a different value (never sent for programmatic changes)."""

        def __init__(self, search_select: SearchSelect, value: Hashable | None) -> None:
            super().__init__()
            self.search_select = search_select
            self.value = value

        @property
        def control(self) -> SearchSelect:
            return self.search_select

    value: reactive[Hashable | None] = reactive(None, init=False)
    """The chosen value; setting it redraws without posting `Changed`."""

    def __init__(
        self,
        options: Sequence[tuple[str, Hashable]],
        value: Hashable | None,
        *,
        allow_none: str | None = None,
        placeholder: str = "Select…",
        title: str = "",
        id: str | None = None,
        disabled: bool = False,
    ) -> None:
        super().__init__(id=id, disabled=disabled)
        self.allow_none = allow_none
        self.placeholder = placeholder
        self.title = title
        self._entries: list[tuple[str, Hashable | None]] = []
        self.set_reactive(SearchSelect.value, value)
        self.set_options(options)

    def set_options(self, options: Sequence[tuple[str, Hashable]]) -> None:
        """Replace the options; the current value stays, even if no longer listed."""
        entries = list(options)
        if self.allow_none is not None:
            entries.insert(0, (self.allow_none, None))
        self._entries = entries
        self._positions: dict[Hashable | None, int] = {}
        for index, (_, value) in enumerate(entries):
            self._positions.setdefault(value, index)
        self._refresh_display()

    @property
    def options(self) -> list[tuple[str, Hashable | None]]:
        """The entries offered, including the `allow_none` one."""
        return list(self._entries)

    def _index_of(self, value: Hashable | None) -> int | None:
        return self._positions.get(value)

    @property
    def label(self) -> str:
        """The text the control shows for the current value."""
        index = self._index_of(self.value)
        if index is not None:
            return self._entries[index][0]
        if self.value is None:
            return self.placeholder
        return f"{self.value} (not in the list)"

    @property
    def unknown(self) -> bool:
        """True when the current value is not among the options."""
        return self.value is not None and self._index_of(self.value) is None

    def watch_value(self) -> None:
        self._refresh_display()

    def _refresh_display(self) -> None:
        self.set_class(self.unknown, "-unknown")
        self.set_class(self._index_of(self.value) is None and self.value is None, "-empty")
        self.refresh()

    def render(self) -> Content:
        width = self.content_size.width
        arrow = " ▼"
        label = Content(self.label).truncate(max(1, width - len(arrow)), ellipsis=True, pad=True)
        return Content.assemble(label, arrow)

    def action_open(self, query: str = "") -> None:
        if self.disabled:
            return
        screen = SearchSelectScreen(
            [label for label, _ in self._entries],
            self._index_of(self.value),
            title=self.title or self.placeholder,
            query=query,
        )
        self.app.push_screen(screen, self._picked)

    def _picked(self, index: int | None) -> None:
        if index is None:
            return
        value = self._entries[index][1]
        if value == self.value:
            return
        self.value = value
        self.post_message(self.Changed(self, value))

    def on_key(self, event: events.Key) -> None:
        if event.is_printable and event.character and not event.character.isspace():
            event.stop()
            event.prevent_default()
            self.action_open(event.character)

    def on_click(self, event: events.Click) -> None:
        self.action_open()
