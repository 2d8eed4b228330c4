"""A select for long lookups (voices, languages, models, numbers, time zones).

The control is one line showing the current choice; it opens a modal with a filter
box over an `OptionList`, filtered fuzzily as the operator types.

Lists run to thousands of entries (5,000 voices) and every keystroke refilters, so the
work per keystroke is kept small:

- the labels are lowercased once per option list (`_Catalog`, kept by the control);
- each query word is a compiled, backtracking-free subsequence pattern, run over the
  labels in C; a query that narrows an earlier one (typing on) starts from that one's
  matches, and a query seen before (erasing) is answered from memory;
- ranking looks only at the matches and stops at the best `MAX_SHOWN_MATCHES`, and only
  those are highlighted and listed ("type more to narrow");
- unfiltered, the list holds a window of `WINDOW_SIZE` entries around the current value,
  which slides as the highlight moves, so every entry stays reachable by the keys;
- the list (`_ResultList`) draws its one-line rows itself, and is refilled as the Input's
  value changes, so the frame that echoes a key shows its matches too.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Hashable, Iterable, Sequence
from functools import lru_cache
from heapq import nsmallest
from itertools import compress, count, islice, repeat
from operator import add, contains, not_
from typing import NamedTuple, overload

from rich.segment import Segment
from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content, Span
from textual.css.styles import RulesMap
from textual.geometry import Size
from textual.message import Message
from textual.reactive import reactive
from textual.screen import ModalScreen
from textual.strip import Strip
from textual.style import Style
from textual.widget import Widget
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option

from voicedesk.display import safe_text

from .recent import Recent

# A filter shows the best matches only ("type more to narrow"): ranking, highlighting
# and building list rows cost time per row, and nobody scrolls past a hundred matches.
MAX_SHOWN_MATCHES = 100
# Unfiltered, the list holds this many entries around the highlight (a few pages);
# moving past either end slides the window, so the whole list is still reachable.
WINDOW_SIZE = 100
# How matched characters are marked in the list.
_MATCH_STYLE = "bold underline $text-accent"
# Queries whose matches are kept per option list (for narrowing and for erasing).
_REMEMBERED_QUERIES = 32

Options = Sequence[tuple[str, Hashable]] | Callable[[], Sequence[tuple[str, Hashable]]]
"""(label, value) pairs, or a function that lists them when needed (see set_options)."""

# Ranks of how a query word matches a label (lower is better); a multi-word query's
# rank is the sum over its words, then how spread out and where its fuzzily matched
# words are, then the caller's order.
_PREFIX, _WORD_START, _INSIDE, _FUZZY = 0, 1, 2, 3


def _fold(text: str) -> str:
    """Lowercase, one character for one, so offsets in the result are offsets in `text`."""
    folded = text.lower()
    if len(folded) == len(text):
        return folded
    return "".join(char.lower()[:1] or char for char in text)  # e.g. "İ" -> "i", not "i̇"


class _Word(NamedTuple):
    """One query word, compiled."""

    text: str
    # Anchored, possessive: finds the earliest subsequence in one pass, no backtracking;
    # group k is the k-th letter.
    fuzzy: re.Pattern[str]
    # The word where a word of the label starts (after a non-alphanumeric or at 0).
    word_start: re.Pattern[str]


@lru_cache(maxsize=512)
def _compile(word: str) -> _Word:
    subsequence = "".join(f"[^{char}]*+({char})" for char in map(re.escape, word))
    # The first letter, then the look back: a pattern that starts with a literal is
    # searched for several times faster than one that starts with a look-behind.
    first, rest = re.escape(word[0]), re.escape(word[1:])
    return _Word(word, re.compile(subsequence), re.compile(rf"{first}(?<![^\W_]{first}){rest}"))


def _spread(word: _Word, label: str) -> int:
    """How loosely `word` matches `label` fuzzily: the letters skipped between its first
    and last, and where the first is (0 at the start, 1 at a word's start, else 2), so
    "German" comes before "Voice (German)" for "grmn"."""
    found = word.fuzzy.match(label)
    assert found is not None  # only measured for labels that match
    first = found.start(1)
    where = 0 if first == 0 else 1 if not label[first - 1].isalnum() else 2
    return found.end() - first - len(word.text) + where


class _Result(NamedTuple):
    candidates: list[int]  # every matching entry, in the caller's order
    folded: list[str]  # their labels, folded (a narrower query filters these)
    best: list[int]  # the best MAX_SHOWN_MATCHES of them, best first


class _Catalog(Sequence[str]):
    """The labels of one option list, prepared for searching; kept by the `SearchSelect`
    until its options change, so reopening the picker finds them folded. Searches are
    remembered while the picker is open (narrowing as the operator types, and answers
    ready when erasing)."""

    def __init__(self, labels: Iterable[str]) -> None:
        self.labels = list(labels)
        self._folded: list[str] | None = None
        self._exact: dict[str, int] = {}
        self._results: Recent[tuple[str, ...], _Result] = Recent(_REMEMBERED_QUERIES)

    def __len__(self) -> int:
        return len(self.labels)

    @overload
    def __getitem__(self, index: int) -> str: ...
    @overload
    def __getitem__(self, index: slice) -> list[str]: ...
    def __getitem__(self, index: int | slice) -> str | list[str]:
        return self.labels[index]

    @property
    def folded(self) -> list[str]:
        if self._folded is None:  # once the picker is drawn, or at the first search
            self._folded = [_fold(label) for label in self.labels]
            for index, folded in enumerate(self._folded):
                self._exact.setdefault(" ".join(folded.split()), index)
        return self._folded

    @staticmethod
    def words(query: str) -> tuple[str, ...]:
        return tuple(_fold(query).split())

    def forget_searches(self) -> None:
        """Drop the remembered searches (up to two lists per query), keeping the labels."""
        self._results.clear()

    def search(self, words: tuple[str, ...]) -> _Result:
        """The entries whose labels hold every word as a subsequence, in any order."""
        result = self._results.recall(words)
        if result is not None:
            return result
        # Narrowing: an earlier query each of whose words is part of one of these words
        # matched everything this one matches; start from the fewest such matches.
        base: tuple[str, ...] = ()
        candidates: Sequence[int] = range(len(self.labels))
        folded = self.folded
        fewest = (len(candidates), 0)
        for earlier, earlier_result in self._results.items():
            size = (len(earlier_result.candidates), -len(earlier))
            if size < fewest and all(any(part in word for word in words) for part in earlier):
                base, fewest = earlier, size
                candidates, folded = earlier_result.candidates, earlier_result.folded
        for word in words:
            if word not in base:
                # In C, no loop in Python; bools, not thousands of live match objects (which
                # would wake the garbage collector).
                matched = list(map(bool, map(_compile(word).fuzzy.match, folded)))
                candidates, folded = list(compress(candidates, matched)), list(compress(folded, matched))
        candidates = list(candidates)
        return self._results.keep(words, _Result(candidates, folded, self._best(words, candidates, folded)))

    def _best(self, words: tuple[str, ...], candidates: list[int], labels: list[str]) -> list[int]:
        """The best MAX_SHOWN_MATCHES candidates: by the sum of their words' ranks, then
        how spread out (and how far into a word) their fuzzily matched words are, then
        the caller's order.

        Written for thousands of candidates: ranks are found by C-level string and regex
        calls in comprehensions, and spreads are measured only for the candidates that
        can still make the cut (thousands of tuples would also wake the garbage collector).
        """
        if not candidates:
            return []
        compiled = [_compile(word) for word in words]
        if len(compiled) == 1:
            return self._exact_first(words, self._best_of_one(compiled[0], candidates, labels))
        totals: list[int] = []
        for word in compiled:
            text, word_start = word.text, word.word_start.search
            ranks = [
                _PREFIX if label.startswith(text)
                else _WORD_START if word_start(label)
                else _INSIDE if text in label
                else _FUZZY
                for label in labels
            ]
            totals = list(map(add, totals, ranks)) if totals else ranks
        lowest = min(totals)
        if lowest < _FUZZY and totals.count(lowest) >= MAX_SHOWN_MATCHES:
            # Enough ties for the best rank ("v" in 5,000 "Voice ..."): the first of them.
            chosen = list(islice(compress(count(), map(lowest.__eq__, totals)), MAX_SHOWN_MATCHES))
            return self._exact_first(words, [candidates[position] for position in chosen])
        # The worst total that still makes the cut; everything better is in.
        counts = Counter(totals)
        taken = 0
        for cut in sorted(counts):
            taken += counts[cut]
            if taken >= MAX_SHOWN_MATCHES:
                break
        chosen = [position for position, total in enumerate(totals) if total <= cut]
        if cut < _FUZZY:
            # No word matched fuzzily: by total, then the caller's order (a stable sort).
            chosen.sort(key=totals.__getitem__)
            best = [candidates[position] for position in chosen[:MAX_SHOWN_MATCHES]]
        else:
            keys = []
            for position in chosen:
                label = labels[position]
                spread = 0
                for word in compiled:
                    if word.text not in label:
                        spread += _spread(word, label)
                keys.append((totals[position], spread, candidates[position]))
            best = [index for _, _, index in nsmallest(MAX_SHOWN_MATCHES, keys)]
        return self._exact_first(words, best)

    @staticmethod
    def _best_of_one(word: _Word, candidates: list[int], labels: list[str]) -> list[int]:
        """`_best` for a one-word query, rank by rank, each a scan in C that stops once
        the list is full: typing the first word is when there are the most candidates."""
        text = word.text
        scans: list[Callable[[], Iterable[object]]] = [
            lambda: map(str.startswith, labels, repeat(text)),  # _PREFIX
            lambda: map(word.word_start.search, labels),  # _WORD_START (and _PREFIX)
            lambda: map(contains, labels, repeat(text)),  # _INSIDE (and the two above)
        ]
        chosen: list[int] = []  # positions in candidates
        for scan in scans:
            hits: Iterable[int] = compress(count(), scan())
            if chosen:
                taken = set(chosen)
                hits = (position for position in hits if position not in taken)
            chosen.extend(islice(hits, MAX_SHOWN_MATCHES - len(chosen)))
            if len(chosen) == MAX_SHOWN_MATCHES:
                return [candidates[position] for position in chosen]
        # _FUZZY: the rest, by spread (see _best), then the caller's order.
        keys = [
            (_spread(word, labels[position]), position)
            for position in compress(count(), map(not_, map(contains, labels, repeat(text))))
        ]
        chosen += [position for _, position in nsmallest(MAX_SHOWN_MATCHES - len(chosen), keys)]
        return [candidates[position] for position in chosen]

    def _exact_first(self, words: tuple[str, ...], best: list[int]) -> list[int]:
        """A label that is the query, whole, comes first ("German" before "Germanic")."""
        exact = self._exact.get(" ".join(words))
        if exact is not None and (not best or best[0] != exact):
            if exact in best:
                best.remove(exact)
            elif len(best) == MAX_SHOWN_MATCHES:
                best.pop()
            best.insert(0, exact)
        return best

    def offsets(self, words: tuple[str, ...], index: int) -> list[int]:
        """The offsets of the characters that matched, for highlighting."""
        label = self.folded[index]
        offsets: set[int] = set()
        for word in map(_compile, words):
            # Where the word ranked the label: at its start, at a word's start, anywhere.
            at = label.find(word.text)
            if at > 0 and (found := word.word_start.search(label, at)) is not None:
                at = found.start()
            if at >= 0:
                offsets.update(range(at, at + len(word.text)))
            else:
                found = word.fuzzy.match(label)
                if found is not None:
                    offsets.update(found.start(group) for group in range(1, len(word.text) + 1))
        return sorted(offsets)


class _Row(Content):
    """The prompt of a list row: one line at any width (the list does not wrap), which
    spares the list measuring every row's text. (Labels are one line: see `_list`.)"""

    __slots__ = ()

    def get_height(self, rules: RulesMap, width: int) -> int:
        return 1


class _ResultList(OptionList):
    """The picker's `OptionList`, made cheap to refill on every keystroke.

    - It draws its one-line rows directly: the general route (a visual per option,
      padded, wrapped and post-processed) costs several times as much per row, and a
      refill redraws every visible row.
    - Its height is set to its row count, capped at its max-height, rather than left
      auto: refilling a list of auto height lays out the whole screen (and redraws the
      scroll bar) on every keystroke; a fixed height only when the height changes.
    - A resize keeps what is drawn: OptionList would forget its measured and drawn rows
      and draw them again, in a frame of its own; one-line rows measure the same at any
      size, and the drawn ones are kept by width. (The height changes with every filter
      that changes how many rows there are.)
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id, markup=False)
        self._one_line = True  # every option's prompt is a _Row
        # Drawn rows, kept across set_options: the picker lists the same Option objects
        # again when a query comes back (erasing) or the unfiltered window is reshown.
        self._strips: dict[tuple[Option, int, Style, int], Strip] = {}

    def set_options(self, options: Iterable[Option]) -> _ResultList:  # type: ignore[override]
        options = list(options)
        self._one_line = all(isinstance(option.prompt, _Row) for option in options)
        if len(self._strips) > 4 * WINDOW_SIZE:
            self._strips.clear()
        self.fit(len(options))  # before the refill, so that it asks for no layout
        super().set_options(options)
        return self

    def fit(self, rows: int | None = None) -> None:
        """Set the height to `rows` (the option count by default), up to max-height."""
        self.styles.height = min(self.option_count if rows is None else rows, self.max_rows)

    @property
    def max_rows(self) -> int:
        """How many rows the list shows at most (its max-height)."""
        if (max_height := self.styles.max_height) is None:
            return self.app.size.height
        return int(max_height.resolve(self.container_size, self.app.size))

    def _on_resize(self, event: events.Resize) -> None:
        if self._one_line:
            event.prevent_default()  # OptionList._on_resize, which clears and redraws

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        if self._one_line:
            return self.option_count
        return super().get_content_height(container, viewport, width)

    def render_line(self, y: int) -> Strip:
        index = self.scroll_offset.y + y
        options = self.options
        if not self._one_line or index >= len(options):
            return super().render_line(y)
        # The styles OptionList.render_line picks (no option here is ever disabled).
        if self.highlighted == index:
            style = self.get_visual_style("option-list--option", "option-list--option-highlighted")
        elif self._mouse_hovering_over == index:
            style = self.get_visual_style("option-list--option", "option-list--option-hover")
        else:
            style = self.get_visual_style("option-list--option")
        option = options[index]
        width = self.scrollable_content_region.width
        key = (option, index, style, width)
        strip = self._strips.get(key)
        if strip is None:
            padding = self.get_component_styles("option-list--option").padding
            prompt = option.prompt
            assert isinstance(prompt, Content)
            room = max(0, width - padding.left - padding.right)
            if prompt.cell_length > room:
                prompt = prompt.truncate(room, ellipsis=self.styles.text_overflow == "ellipsis")
            rich_style = style.rich_style
            segments = [
                Segment(" " * padding.left, rich_style),
                *prompt.render_segments(style),
                Segment(" " * max(0, width - padding.left - prompt.cell_length), rich_style),
            ]
            strip = self._strips[key] = Strip(segments, width).apply_meta({"option": index})
        return strip


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
        # A SearchSelect passes its prepared catalog; any other sequence is prepared here.
        self._labels = labels if isinstance(labels, _Catalog) else _Catalog(labels)
        self._current = current
        self._title = title
        self._initial_query = query
        self._filtered = False  # False: the list is the window at `_window_start`
        self._window_start = 0
        self._shown: list[int] = []  # entry index of each option in the list
        # Made here, so `option_list` answers (empty) even before the screen is composed.
        self._count = Static(id="search-select-count", markup=False)
        self._option_list = _ResultList(id="search-select-options")
        # The list's Options for recent queries and windows, reused when they come back.
        self._rows: Recent[tuple[str, ...] | int, list[Option]] = Recent(_REMEMBERED_QUERIES)

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
            yield self._count
            yield self._option_list

    def on_resize(self) -> None:
        self._option_list.fit()  # its max-height is relative to the screen

    def on_mount(self) -> None:
        # Filtered as the value changes, inside the keystroke's own handling, so the
        # frame that echoes the key shows the list for it too (`Input.Changed` arrives
        # later, as a message, often a frame later).
        self.watch(self.query_one("#search-select-query", Input), "value", self._query_edited, init=False)
        self._filter(self._initial_query)
        # Fold the labels once the picker is drawn, not on the first keystroke.
        self.call_after_refresh(lambda: self._labels.folded)

    def on_unmount(self) -> None:
        self._labels.forget_searches()  # the catalog outlives the picker

    @property
    def option_list(self) -> OptionList:
        return self._option_list

    @property
    def shown_labels(self) -> list[str]:
        """The labels currently listed, in order (for tests and debugging)."""
        return [self._labels[index] for index in self._shown]

    def _query_edited(self, query: str) -> None:
        self._filter(query)

    @on(Input.Changed, "#search-select-query")
    def _query_changed(self, event: Input.Changed) -> None:
        event.stop()  # already filtered by `_query_edited`

    def _filter(self, query: str) -> None:
        words = _Catalog.words(query)
        total = len(self._labels)
        if not words:
            # Unfiltered, the current value is highlighted, in a window around it, and
            # (unless near the end) mid-list without scrolling, which would cost a frame.
            self._filtered = False
            anchor = self._current if self._current is not None else 0
            self._show_window(self._window_around(anchor, self._option_list.max_rows // 2), anchor)
            self._count.update(f"{total:,} options", layout=False)
            return
        self._filtered = True
        result = self._labels.search(words)
        labels, offsets = self._labels.labels, self._labels.offsets
        self._set_list(words, result.best, lambda: [
            self._highlighted(labels[index], offsets(words, index)) for index in result.best
        ])
        if self._shown:
            self._option_list.highlighted = 0  # the best match
        if not result.candidates:
            count = "No matches"
        elif len(result.candidates) > len(result.best):
            count = f"Best {len(result.best):,} of {len(result.candidates):,} matches: type more to narrow"
        else:
            count = f"{len(result.candidates):,} of {total:,}"
        self._count.update(count, layout=False)  # one line, always

    def _set_list(
        self, key: tuple[str, ...] | int, shown: list[int], prompts: Callable[[], list[Content]]
    ) -> None:
        """List the entries `shown`, their rows made by `prompts` unless kept under `key`."""
        self._shown = shown
        rows = self._rows.recall(key)
        if rows is None:
            rows = self._rows.keep(key, [Option(prompt) for prompt in prompts()])
        self._option_list.set_options(rows)

    # -- the unfiltered window ----------------------------------------------------------

    def _window_around(self, index: int, above: int = WINDOW_SIZE // 2) -> int:
        """The start of a window with `index` at `above` (in its middle by default)."""
        return max(0, min(index - above, len(self._labels) - WINDOW_SIZE))

    def _show_window(self, start: int, highlighted: int, *, screen_row: int | None = None) -> None:
        """List entries from `start`, `highlighted` highlighted (at `screen_row` rows
        below the list's top if given, else wherever it scrolls into view)."""
        labels = self._labels.labels
        end = min(len(labels), start + WINDOW_SIZE)
        self._window_start = start

        def rows() -> list[Content]:
            return [self._prompt(label) for label in labels[start:end]]

        self._set_list(start, list(range(start, end)), rows)
        if self._shown:
            row = highlighted - start
            self._option_list.highlighted = row
            if screen_row is not None:
                self._option_list.scroll_to(y=row - screen_row, animate=False, immediate=True)

    def _slide(self, action: str) -> bool:
        """Before a move in the unfiltered list, slide the window if the move would reach
        its edge; True if the move was made here (wrapping around the whole list)."""
        option_list = self._option_list
        row = option_list.highlighted
        total = len(self._labels)
        if self._filtered or row is None or len(self._shown) == total:
            return False
        start, end = self._window_start, self._window_start + len(self._shown)
        entry = start + row
        page = max(1, option_list.scrollable_content_region.height)
        screen_row = row - round(option_list.scroll_y)
        if action == "cursor_down" and entry == total - 1:
            self._show_window(0, 0)  # wrap, as the whole list would
            return True
        if action == "cursor_up" and entry == 0:
            self._show_window(self._window_around(total - 1), total - 1)
            return True
        forward = action in ("cursor_down", "page_down")
        if (forward and end < total and row + page >= len(self._shown) - 1) or (
            not forward and start > 0 and row - page <= 0
        ):
            self._show_window(self._window_around(entry), entry, screen_row=screen_row)
        return False

    # -- matching -----------------------------------------------------------------------

    @staticmethod
    def _prompt(label: str, spans: list[Span] | None = None) -> Content:
        # The label literally, never as markup.
        return _Row(label, spans)

    @classmethod
    def _highlighted(cls, label: str, offsets: Sequence[int]) -> Content:
        spans: list[Span] = []
        for offset in offsets:
            if label[offset].isspace():
                continue
            if spans and spans[-1].end == offset:  # one span per run of matched characters
                spans[-1] = Span(spans[-1].start, offset + 1, _MATCH_STYLE)
            else:
                spans.append(Span(offset, offset + 1, _MATCH_STYLE))
        return cls._prompt(label, spans)

    def action_move(self, action: str) -> None:
        if not self._slide(action):
            getattr(self._option_list, f"action_{action}")()

    def action_pick(self) -> None:
        highlighted = self._option_list.highlighted
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
        options: Options,
        value: Hashable | None,
        *,
        allow_none: str | None = None,
        placeholder: str = "Select…",
        title: str = "",
        not_reported: bool = False,
        id: str | None = None,
        disabled: bool = False,
    ) -> None:
        """`not_reported`: no value is shown as unknown (the server did not say), until the
        user picks one, the `allow_none` entry included."""
        super().__init__(id=id, disabled=disabled)
        self.allow_none = allow_none
        self.not_reported = not_reported
        self.placeholder = placeholder
        self.title = title
        self._entries: list[tuple[str, Hashable | None]] = []
        self._positions: dict[Hashable | None, int] = {}
        self._unlisted: Callable[[], Sequence[tuple[str, Hashable]]] | None = None
        self._catalog: _Catalog | None = None  # the labels prepared for the picker
        self.set_reactive(SearchSelect.value, value)
        self.set_options(options)

    def set_options(self, options: Options) -> None:
        """Replace the options; the current value stays, even if no longer listed.

        A function in place of the list is called when the list is first needed (to open
        it, or for `options`): for a list that takes long to make and whose labels are its
        values, which the control shows as they are meanwhile (the time zones).
        """
        self._unlisted = options if callable(options) else None
        self._list([] if callable(options) else options)

    def _list(self, options: Sequence[tuple[str, Hashable]]) -> None:
        # Labels are made of server text (names, numbers): every one is shown safely,
        # here, once per list (callers pass them as they are).
        entries: list[tuple[str, Hashable | None]] = [(safe_text(label), value) for label, value in options]
        if self.allow_none is not None:
            entries.insert(0, (self.allow_none, None))
        self._entries = entries
        self._catalog = None
        self._positions = {}
        for index, (_, value) in enumerate(entries):
            self._positions.setdefault(value, index)
        self._refresh_display()

    def _listed(self) -> None:
        if self._unlisted is not None:
            make, self._unlisted = self._unlisted, None
            self._list(make())

    @property
    def options(self) -> list[tuple[str, Hashable | None]]:
        """The entries offered, including the `allow_none` one."""
        self._listed()
        return list(self._entries)

    def _index_of(self, value: Hashable | None) -> int | None:
        return self._positions.get(value)

    @property
    def label(self) -> str:
        """The text the control shows for the current value."""
        if self._unlisted is not None and self.value is not None:
            return safe_text(str(self.value))  # not listed yet: the labels are the values
        if self.value is None and self.not_reported:
            return "not reported"
        index = self._index_of(self.value)
        if index is not None:
            return self._entries[index][0]
        if self.value is None:
            return self.placeholder
        return f"{safe_text(str(self.value))} (not in the list)"

    @property
    def unknown(self) -> bool:
        """True when the current value is not among the options (once they are listed)."""
        return self._unlisted is None and self.value is not None and self._index_of(self.value) is None

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
        self._listed()
        if self._catalog is None:
            self._catalog = _Catalog(label for label, _ in self._entries)
        screen = SearchSelectScreen(
            self._catalog,
            self._index_of(self.value),
            title=self.title or self.placeholder,
            query=query,
        )
        self.app.push_screen(screen, self._picked)

    def _picked(self, index: int | None) -> None:
        if index is None:
            return
        value = self._entries[index][1]
        if value == self.value and not self.not_reported:
            return
        self.not_reported = False
        self._refresh_display()
        self.value = value
        self.post_message(self.Changed(self, value))

    def key_opens_screen(self, event: events.Key) -> bool:
        """Typing opens the list filtered by what is typed (see `KeyOrder`)."""
        return bool(event.is_printable and event.character and not event.character.isspace())

    def on_key(self, event: events.Key) -> None:
        if self.key_opens_screen(event):
            event.stop()
            event.prevent_default()
            self.action_open(event.character)

    def on_click(self, event: events.Click) -> None:
        self.action_open()
