"""Controls that read without colour: a switch that says On or Off, and a choice of two
shown as two radio marks, toggled with one key.

A terminal without colour (NO_COLOR, a monochrome SSH client) showed Textual's Switch
as a blank bar and a choice only by its highlight: here the state is in the text.
"""

from __future__ import annotations

from rich.cells import cell_len
from textual import events
from textual.binding import Binding
from textual.content import Content
from textual.geometry import Size
from textual.widgets import Switch

from .search_select import SearchSelect


class OnOffSwitch(Switch):
    """A switch drawn as a small track and the word On or Off: `●─── Off`, `━━━● On`.

    Everything else (value, keys, `Changed`) is Textual's Switch.
    """

    DEFAULT_CSS = """
    OnOffSwitch {
        height: 1;
        width: auto;
        border: none;
        padding: 0;
        background: $surface;
        &:focus { border: none; background: $primary 25%; }
        &:disabled { text-opacity: 50%; }
        & > .on-off--track { color: $foreground-muted; }
        &.-on > .on-off--track { color: $success; }
        & > .on-off--word { text-style: bold; }
    }
    """

    COMPONENT_CLASSES = {"on-off--track", "on-off--word"}

    def __init__(self, value: bool = False, *, id: str | None = None, disabled: bool = False) -> None:
        # No animation: the word and the knob change in the frame of the key.
        super().__init__(value, animate=False, id=id, disabled=disabled)

    def render(self) -> Content:
        track = "━━━●" if self.value else "●───"
        return Content.assemble(
            (track, self.get_visual_style("on-off--track")),
            " ",
            ("On " if self.value else "Off", self.get_visual_style("on-off--word")),
        )

    def get_content_width(self, container: Size, viewport: Size) -> int:
        return 8


class ToggleChoice(SearchSelect):
    """A choice of exactly two options, both shown: `(•) Inbound   ( ) Outbound`.

    Space or enter toggles, left and right pick the first or the second, and typing the
    first letter of one picks it. No value (unset, not reported, or one that is not
    among the two) stays as it is until the user acts; the line says what space gives.
    """

    DEFAULT_CSS = """
    ToggleChoice {
        & > .toggle-choice--chosen { text-style: bold; }
        & > .toggle-choice--note { color: $foreground-muted; text-style: italic; }
        &.-unknown > .toggle-choice--note { color: $text-warning; text-style: bold; }
    }
    """

    COMPONENT_CLASSES = {"toggle-choice--chosen", "toggle-choice--note"}

    BINDINGS = [
        Binding("enter,space", "toggle_choice", "Toggle", id="toggle_choice.toggle"),
        Binding("left", "pick(0)", "First", show=False),
        Binding("right", "pick(1)", "Second", show=False),
    ]

    _GAP = "   "

    def _spans(self) -> list[tuple[int, int]]:
        """Where each option is drawn (x, width), for the mouse."""
        spans, x = [], 0
        for label, _ in self.options:
            width = 4 + cell_len(label)
            spans.append((x, width))
            x += width + len(self._GAP)
        return spans

    @property
    def _chosen(self) -> int | None:
        return self._index_of(self.value) if self.value is not None else None

    def _note(self) -> str:
        """What the line says beside the two marks when neither is chosen."""
        if self._chosen is not None:
            return ""
        first = self.options[0][0] if self.options else ""
        if self.unknown:
            return f"{self.label}: space picks {first}"
        state = "not reported" if self.not_reported else self.placeholder
        return f"{state}: space picks {first}"

    def render(self) -> Content:
        chosen = self._chosen
        parts: list[Content | str | tuple[str, object]] = []
        for index, (label, _) in enumerate(self.options):
            if index:
                parts.append(self._GAP)
            if index == chosen:
                parts.append((f"(•) {label}", self.get_visual_style("toggle-choice--chosen")))
            else:
                parts.append(f"( ) {label}")
        note = self._note()
        if note:
            parts += [self._GAP, (note, self.get_visual_style("toggle-choice--note"))]
        line = Content.assemble(*parts)  # type: ignore[arg-type]
        return line.truncate(max(1, self.content_size.width), ellipsis=True)

    def action_toggle_choice(self) -> None:
        chosen = self._chosen
        self.action_pick(1 if chosen == 0 else 0)

    def action_pick(self, index: int) -> None:
        if self.disabled or not 0 <= index < len(self.options):
            return
        self._picked(index)

    def action_open(self, query: str = "") -> None:
        """No list to open: the two are on the line (a click or the keys pick)."""
        self.action_toggle_choice()

    def key_opens_screen(self, event: events.Key) -> bool:
        return False

    def on_key(self, event: events.Key) -> None:
        character = (event.character or "").casefold()
        if not event.is_printable or not character or character.isspace():
            return
        starting = [index for index, (label, _) in enumerate(self.options) if label.casefold().startswith(character)]
        if len(starting) == 1:
            event.stop()
            event.prevent_default()
            self.action_pick(starting[0])

    def on_click(self, event: events.Click) -> None:
        event.stop()
        offset = event.get_content_offset(self)
        if offset is not None:
            for index, (x, width) in enumerate(self._spans()):
                if x <= offset.x < x + width:
                    self.action_pick(index)
                    return
        self.action_toggle_choice()
