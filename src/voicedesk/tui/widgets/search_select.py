"""A select for long lookups (voices, languages, models, numbers, time zones).

The control is one line showing the current choice; Enter, a click or typing opens its
picker (`SearchSelectScreen`), a filter box over the list, matched by the app's matcher.
The control keeps its labels prepared for searching (a `Catalog`) until its options
change, so reopening the picker finds them folded.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Sequence

from textual import events
from textual.binding import Binding
from textual.content import Content
from textual.message import Message
from textual.reactive import reactive
from textual.widget import Widget

from voicedesk.display import safe_text
from voicedesk.matching import Catalog

from .search_select_screen import SearchSelectScreen

Options = Sequence[tuple[str, Hashable]] | Callable[[], Sequence[tuple[str, Hashable]]]
"""(label, value) pairs, or a function that lists them when needed (see set_options)."""


class SearchSelect(Widget, can_focus=True):
    """A one-line control that opens a fuzzy-filtered picker.

    Keys: enter or space opens the picker; typing a letter opens it with that letter
    already in the filter.
    """

    DEFAULT_CSS = """
    SearchSelect {
        height: 1;
        width: 1fr;
        padding: 0 1;
        background: $surface;

        &:focus { background: $primary 25%; }
        &:hover { background: $surface-lighten-1; }
        &:focus:hover { background: $primary 30%; }
        &:disabled { text-opacity: 50%; }
        &.-empty { color: $foreground-muted; }
        &.-unknown { color: $text-warning; }
    }
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
        unlisted: Callable[[Hashable], str | None] | None = None,
        id: str | None = None,
        disabled: bool = False,
    ) -> None:
        """`not_reported`: no value is shown as unknown (the server did not say), until the
        user picks one, the `allow_none` entry included. `unlisted`: how a value that is
        not among the options is shown (its name and why it is not offered), when known."""
        super().__init__(id=id, disabled=disabled)
        self.allow_none = allow_none
        self.unlisted = unlisted
        self.not_reported = not_reported
        self.placeholder = placeholder
        self.title = title
        self._entries: list[tuple[str, Hashable | None]] = []
        self._positions: dict[Hashable | None, int] = {}
        self._unlisted: Callable[[], Sequence[tuple[str, Hashable]]] | None = None
        self._catalog: Catalog | None = None  # the labels prepared for the picker
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
        described = self.unlisted(self.value) if self.unlisted is not None else None
        return safe_text(described) if described else f"{safe_text(str(self.value))} (not in the list)"

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
            self._catalog = Catalog(label for label, _ in self._entries)
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
            self.action_open(event.character or "")  # a character: see key_opens_screen

    def on_click(self, event: events.Click) -> None:
        self.action_open()
