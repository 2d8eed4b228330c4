"""A screen's keys in one line: what Textual's Footer shows, drawn by a single widget.

Footer mounts a widget per key and mounts them all again whenever the focused
widget's bindings change; in the editor every group switch changes them (a switch,
a slider, a text box), and that rebuild cost more than the switch itself. This bar
works out the same keys (shown bindings, one per action, disabled ones dimmed, the
command palette key on the right) and repaints only when the text changes.

When the keys do not fit, whole keys are left out, never cut mid-word: the least
important first (bindings are listed most important first, so from the right), while
Quit, Help and the palette key always stay.
"""

from __future__ import annotations

from typing import NamedTuple

from rich.cells import cell_len
from rich.segment import Segment
from rich.style import Style
from textual import events
from textual.screen import Screen
from textual.strip import Strip
from textual.widget import Widget

_PLAIN, _DIM = Style(), Style(dim=True)  # a disabled key is dimmed

# Kept whatever the width: how to get out, and how to find everything else.
ESSENTIAL_ACTIONS = frozenset({"quit", "help", "app.quit", "app.help"})


class ShownKey(NamedTuple):
    key: str  # what pressing it simulates
    display: str  # how it is written, e.g. "^s"
    description: str
    enabled: bool
    essential: bool = False

    @property
    def width(self) -> int:
        return cell_len(f" {self.display} ") + cell_len(f"{self.description} ")


def fitting(keys: tuple[ShownKey, ...], width: int) -> tuple[ShownKey, ...]:
    """The keys that fit in `width` cells, in their order: the last non-essential ones
    are left out first."""
    kept = list(keys)
    while sum(item.width for item in kept) > width:
        droppable = [index for index, item in enumerate(kept) if not item.essential]
        if not droppable:
            break
        del kept[droppable[-1]]
    return tuple(kept)


class KeyBar(Widget, can_focus=False):
    """The focused screen's key bindings; click a key to press it."""

    DEFAULT_CSS = """
    /* KeyBar: every screen's footer of keys, in the colours of Textual's Footer. */
    KeyBar {
        height: 1;
        color: $footer-foreground;
        background: $footer-background;

        & > .key-bar--key {
            color: $footer-key-foreground;
            background: $footer-key-background;
            text-style: bold;
        }
        & > .key-bar--description {
            color: $footer-description-foreground;
            background: $footer-description-background;
        }
        & > .key-bar--hover { background: $block-hover-background; }
        & > .key-bar--palette { color: $foreground 20%; }
    }
    """

    ALLOW_SELECT = False
    COMPONENT_CLASSES = {"key-bar--key", "key-bar--description", "key-bar--hover", "key-bar--palette"}

    def __init__(self, *, id: str | None = None) -> None:  # noqa: A002 - Textual's name
        super().__init__(id=id)
        self._keys: tuple[ShownKey, ...] = ()
        self._palette: ShownKey | None = None
        self._spans: list[tuple[int, int, ShownKey]] = []  # x range of each key, as drawn
        self._hover: ShownKey | None = None

    def on_mount(self) -> None:
        screen = self.screen
        screen.bindings_updated_signal.subscribe(self, self._bindings_changed)
        # The screen announces new bindings a frame after a focus change; following the
        # focus itself puts the keys into the frame that shows the newly focused widget.
        self.watch(screen, "focused", lambda: self._bindings_changed(screen))

    def on_unmount(self) -> None:
        self.screen.bindings_updated_signal.unsubscribe(self)

    def _bindings_changed(self, screen: Screen) -> None:
        keys, palette = self._shown_keys(screen)
        if (keys, palette) != (self._keys, self._palette):
            self._keys, self._palette = keys, palette
            self.refresh()

    def _shown_keys(self, screen: Screen) -> tuple[tuple[ShownKey, ...], ShownKey | None]:
        app = self.app
        active = screen.active_bindings
        shown: dict[str, ShownKey] = {}  # by action: the first key bound to it is shown
        for node, binding, enabled, _tooltip in active.values():
            if binding.show and binding.action not in shown:
                # A widget may name a key's action for what it does there (a slider's
                # delete: "Off" or "Automatic").
                describe = getattr(node, "key_description", None)
                description = (describe(binding.action) if describe else None) or binding.description
                shown[binding.action] = ShownKey(binding.key, app.get_key_display(binding), description, enabled,
                                                 binding.action in ESSENTIAL_ACTIONS)
        palette = None
        if app.ENABLE_COMMAND_PALETTE and app.COMMAND_PALETTE_BINDING in active:
            _node, binding, enabled, _tooltip = active[app.COMMAND_PALETTE_BINDING]
            palette = ShownKey(binding.key, app.get_key_display(binding), binding.description, enabled, True)
        return tuple(shown.values()), palette

    @property
    def shown(self) -> tuple[ShownKey, ...]:
        """The keys drawn now, left to right (the palette key last)."""
        return self._fitted(self.size.width) + ((self._palette,) if self._palette else ())

    def _fitted(self, width: int) -> tuple[ShownKey, ...]:
        # The palette key is drawn apart, on the right, after a space and a bar.
        return fitting(self._keys, width - (self._palette.width + 2 if self._palette else 0))

    def render_line(self, y: int) -> Strip:
        # Drawn as segments (Textual's Line API): as rich Text, the line went through
        # Content and formatting whenever the keys changed, on every group switch.
        width = self.size.width
        base = self.rich_style
        if y:
            return Strip.blank(width, base)
        key_style = self.get_component_rich_style("key-bar--key")
        description_style = self.get_component_rich_style("key-bar--description")
        hover_style = self.get_component_rich_style("key-bar--hover")
        segments: list[Segment] = []
        spans: list[tuple[int, int, ShownKey]] = []
        x = 0

        def add(item: ShownKey) -> None:
            nonlocal x
            extra = (hover_style if item == self._hover else _PLAIN) + (_PLAIN if item.enabled else _DIM)
            key, description = f" {item.display} ", f"{item.description} "
            segments.append(Segment(key, key_style + extra))
            segments.append(Segment(description, description_style + extra))
            end = x + cell_len(key) + cell_len(description)
            spans.append((x, end, item))
            x = end

        for item in self._fitted(width):
            add(item)
        if self._palette is not None:
            gap = width - x - self._palette.width
            if gap >= 2:  # on the right after a space and a bar, as the dock would put it
                segments.append(Segment(" " * (gap - 1), base))
                segments.append(Segment("▏", self.get_component_rich_style("key-bar--palette")))
                x += gap
                add(self._palette)
        self._spans = spans
        return Strip(segments).adjust_cell_length(width, base)

    def _key_at(self, x: int) -> ShownKey | None:
        return next((item for start, end, item in self._spans if start <= x < end), None)

    def on_mouse_move(self, event: events.MouseMove) -> None:
        hover = self._key_at(event.x)
        if hover != self._hover:
            self._hover = hover
            self.refresh()

    def on_leave(self) -> None:
        if self._hover is not None:
            self._hover = None
            self.refresh()

    def on_click(self, event: events.Click) -> None:
        item = self._key_at(event.x)
        if item is None:
            return
        if item.enabled:
            self.app.simulate_key(item.key)
        else:
            self.app.bell()
