"""A one-line numeric slider with keyboard, mouse and typed entry.

Textual has no float slider. This one snaps to the grid `minimum + k*step`, shows a
loaded value that lies outside its range as it is (flagged, never clamped), and lets
the operator type an exact number.
"""

from __future__ import annotations

import math
from decimal import Decimal

from rich.segment import Segment
from rich.style import Style as RichStyle
from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.message import Message
from textual.reactive import reactive
from textual.strip import Strip
from textual.widget import Widget
from textual.widgets import Input, Static
from textual.widgets.input import Selection

from voicedesk.display import seconds_text
from voicedesk.parsing import DURATION_FORMS, parse_number, parse_seconds

Number = float | int

# Characters that start typed entry when pressed on a focused slider (once it is open,
# every printable key goes into it: "90s", "1:30", "0,7").
_ENTRY_KEYS = frozenset("0123456789.,-")
# Tolerance when deciding whether a value sits on a grid line (float noise).
_GRID_TOLERANCE = 1e-6
# Loaded values are shown with at most this many decimals.
_MAX_SHOWN_DECIMALS = 6
_MIN_TRACK_WIDTH = 5
_OUT_OF_RANGE = "⚠ out of range"
_HINT = "enter sets, esc cancels"


def _decimals(number: Number) -> int:
    """How many decimals `number` needs to be written exactly (0.05 -> 2, 10 -> 0)."""
    exponent = Decimal(repr(float(number))).normalize().as_tuple().exponent
    return max(0, -int(exponent))


class _ValueEntry(Horizontal):
    """The inline editor that replaces the track while a number is typed."""

    def __init__(self, text: str, hint: str) -> None:
        super().__init__(classes="slider-entry")
        self._hint_text = hint
        self.input = Input(text, compact=True, select_on_focus=False)
        self.hint = Static(hint, classes="slider-entry-hint", markup=False)

    def compose(self) -> ComposeResult:
        yield self.input
        yield self.hint

    def show_error(self, message: str) -> None:
        self.input.add_class("-invalid")
        self.hint.add_class("-error")
        self.hint.update(message)

    def clear_error(self) -> None:
        if self.input.has_class("-invalid"):
            self.input.remove_class("-invalid")
            self.hint.remove_class("-error")
            self.hint.update(self._hint_text)


class Slider(Widget, can_focus=True):
    """A numeric slider: `━━━━●──── 0.85 x`.

    Keys: left/right one step, shift+left/right or pagedown/pageup ten steps,
    home/end the range ends, enter (or a digit, '.', ',', '-') types an exact value: Enter
    opens it with the current value selected, so that typing replaces it. A decimal comma
    is read as a point; a slider of `seconds` also takes `90s`, `1:30` and `10m`, and
    shows minutes beside the seconds.
    """

    DEFAULT_CSS = """
    Slider {
        height: 1;
        width: 1fr;
        padding: 0 1;
        background: $surface;

        &:focus {
            background: $primary 25%;
            & > .slider--thumb { color: $text-accent; text-style: bold; }
        }
        &:disabled { text-opacity: 50%; }

        & > .slider--filled { color: $primary; }
        & > .slider--empty { color: $foreground-muted; }
        & > .slider--thumb { color: $foreground; }
        & > .slider--value { color: $foreground; text-style: bold; }
        & > .slider--unset { color: $foreground-muted; text-style: italic; }
        & > .slider--flag { color: $text-warning; text-style: bold; }

        &.-out-of-range > .slider--value { color: $text-warning; }
        &.-editing { padding: 0; }

        & > .slider-entry {
            height: 1;
            background: $surface;

            & > Input {
                width: 16;
                padding: 0 1;
                background: $primary 25%;
                &.-invalid { background: $error 30%; }
            }
            & > .slider-entry-hint {
                width: 1fr;
                padding: 0 1;
                color: $foreground-muted;
                &.-error { color: $text-error; }
            }
        }
    }
    """

    BINDINGS = [
        Binding("right", "step(1)", "Increase", show=False),
        Binding("left", "step(-1)", "Decrease", show=False),
        Binding("shift+right,pageup", "step(10)", "Increase x10", show=False),
        Binding("shift+left,pagedown", "step(-10)", "Decrease x10", show=False),
        Binding("home", "to_minimum", "Minimum", show=False),
        Binding("end", "to_maximum", "Maximum", show=False),
        Binding("enter", "type_value", "Type value", id="slider.type_value"),
        Binding("escape", "cancel_entry", "Cancel"),
        Binding("delete", "clear", "Off"),
    ]

    COMPONENT_CLASSES = {
        "slider--filled",
        "slider--empty",
        "slider--thumb",
        "slider--value",
        "slider--unset",
        "slider--flag",
    }

    class Changed(Message):
        """The user changed the value (never sent for programmatic changes)."""

        def __init__(self, slider: Slider, value: Number | None) -> None:
            super().__init__()
            self.slider = slider
            self.value = value

        @property
        def control(self) -> Slider:
            return self.slider

    value: reactive[Number | None] = reactive(None, init=False)
    """The current value; setting it redraws without posting `Changed`."""

    def __init__(
        self,
        value: Number | None,
        minimum: float,
        maximum: float,
        step: float,
        *,
        unit: str = "",
        integer: bool = False,
        seconds: bool = False,
        none_label: str | None = None,
        not_reported: bool = False,
        id: str | None = None,
        disabled: bool = False,
    ) -> None:
        """`none_label`: the value may be none at all, which delete sets and this names
        ("off", "automatic"); without it there is no way back to no value.
        `not_reported`: no value is shown as unknown (the server did not say), until the
        user sets one, delete included."""
        super().__init__(id=id, disabled=disabled)
        self.none_label = none_label
        self.not_reported = not_reported
        if step <= 0 or maximum < minimum:
            raise ValueError("a slider needs step > 0 and minimum <= maximum")
        self.minimum = minimum
        self.maximum = maximum
        self.step = step
        self.unit = unit
        self.integer = integer
        self.seconds = seconds
        self._grid_decimals = max(_decimals(step), _decimals(minimum))
        self._entry: _ValueEntry | None = None
        self.set_reactive(Slider.value, value)
        self._update_classes()

    # -- state -----------------------------------------------------------------

    @property
    def out_of_range(self) -> bool:
        value = self.value
        return value is not None and not self.minimum <= value <= self.maximum

    @property
    def editing(self) -> bool:
        """True while the inline number entry is open."""
        return self._entry is not None

    def watch_value(self) -> None:
        self._update_classes()
        self.refresh()

    def _update_classes(self) -> None:
        self.set_class(self.out_of_range, "-out-of-range")
        self.set_class(self.value is None, "-unset")

    def _clean(self, raw: float) -> Number:
        """`raw` clamped to the range and free of float noise (0.7+0.05 is 0.75)."""
        clamped = min(max(raw, self.minimum), self.maximum)
        rounded = round(clamped, self._grid_decimals)
        return int(round(rounded)) if self.integer else rounded

    def _on_grid(self, index: int) -> Number:
        return self._clean(self.minimum + index * self.step)

    def _snap(self, raw: float) -> Number:
        return self._on_grid(round((raw - self.minimum) / self.step))

    def _stepped(self, steps: int) -> Number:
        # Out-of-range values move from the nearest end; an unset value from the minimum.
        if self.value is None:
            base = self.minimum
        else:
            base = min(max(self.value, self.minimum), self.maximum)
        position = (base - self.minimum) / self.step
        # An off-grid value moves to the next grid line in the direction of travel.
        if steps > 0:
            index = math.floor(position + _GRID_TOLERANCE)
        else:
            index = math.ceil(position - _GRID_TOLERANCE)
        return self._on_grid(index + steps)

    def _set_by_user(self, value: Number | None) -> None:
        if value == self.value and (value is not None or self.none_label is None):
            return
        self.not_reported = False
        self.value = value
        self.refresh()  # the same value (none) may read differently now
        self.post_message(self.Changed(self, value))

    # -- formatting and rendering ----------------------------------------------

    def format_value(self, value: Number) -> str:
        """`value` with the step's decimals (or more, if the value needs them) and unit."""
        if self.seconds:
            return seconds_text(value)
        if self.integer and float(value).is_integer():
            text = str(int(value))
        else:
            decimals = max(self._grid_decimals, min(_decimals(value), _MAX_SHOWN_DECIMALS))
            text = f"{value:.{decimals}f}"
        return f"{text} {self.unit}" if self.unit else text

    def _label_width(self) -> int:
        """A width that fits any in-range value, so the track does not jump."""
        ends = [self._clean(self.minimum), self._clean(self.maximum)]
        if self.seconds:  # a minute and some seconds can be longer than the maximum
            ends.append(self._clean(self.maximum - 1))
        texts = [self.format_value(end) for end in ends]
        texts.append(self.format_value(self.value) if self.value is not None else self._unset_text)
        return max(len(text) for text in texts)

    def _track_width(self) -> int:
        flag = len(_OUT_OF_RANGE) + 1 if self.out_of_range else 0
        return max(_MIN_TRACK_WIDTH, self.content_size.width - self._label_width() - 1 - flag)

    def _thumb_position(self, value: float, track_width: int) -> int:
        value = min(max(value, self.minimum), self.maximum)
        span = self.maximum - self.minimum
        fraction = (value - self.minimum) / span if span else 0.0
        return round(fraction * (track_width - 1))

    def render_line(self, y: int) -> Strip:
        # Drawn as segments (Textual's Line API): as Content, the line went through
        # formatting on every step and on every form's first showing.
        def style(name: str) -> RichStyle:
            return self.get_visual_style(name).rich_style

        width, base = self.content_size.width, self.rich_style
        if y:
            return Strip.blank(width, base)
        track_width = self._track_width()
        label_width = self._label_width()
        if self.value is None:
            segments = [
                Segment("─" * track_width, style("slider--empty")),
                Segment(" ", base),
                Segment(self._unset_text.ljust(label_width), style("slider--unset")),
            ]
        else:
            thumb = self._thumb_position(self.value, track_width)
            segments = [
                Segment("━" * thumb, style("slider--filled")),
                Segment("●", style("slider--thumb")),
                Segment("─" * (track_width - thumb - 1), style("slider--empty")),
                Segment(" ", base),
                Segment(self.format_value(self.value).ljust(label_width), style("slider--value")),
            ]
            if self.out_of_range:
                segments += [Segment(" ", base), Segment(_OUT_OF_RANGE, style("slider--flag"))]
        return Strip(segments).crop(0, width)

    # -- keyboard --------------------------------------------------------------

    def action_step(self, steps: int) -> None:
        self._set_by_user(self._stepped(steps))

    def action_to_minimum(self) -> None:
        self._set_by_user(self._on_grid(0))

    def action_to_maximum(self) -> None:
        self._set_by_user(self._clean(self.maximum))

    async def action_type_value(self) -> None:
        await self._open_entry("" if self.value is None else self._plain_value(self.value), selected=True)

    def action_cancel_entry(self) -> None:
        self._close_entry()

    def action_clear(self) -> None:
        self._set_by_user(None)

    @property
    def _unset_text(self) -> str:
        return "not reported" if self.not_reported else self.none_label or "not set"

    def key_description(self, action: str) -> str | None:
        """The key bar's name for delete: what it sets (see `KeyBar`)."""
        return self.none_label.capitalize() if action == "clear" and self.none_label else None

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        # While the entry is open, keys belong to it; escape only means something then.
        if action == "cancel_entry":
            return self.editing
        if action == "clear" and self.none_label is None:
            return False  # nothing to go back to: not offered
        return not self.editing

    def _plain_value(self, value: float) -> str:
        """A value as it would be typed: no unit, no float noise."""
        if self.seconds:
            return str(value)
        text = self.format_value(value)
        return text.removesuffix(f" {self.unit}") if self.unit else text

    async def on_key(self, event: events.Key) -> None:
        if self._entry is not None and event.key == "enter":
            # The Enter of a burst ("15m⏎") that came before the entry took the focus.
            event.stop()
            event.prevent_default()
            self._commit(self._entry.input.value)
            return
        if self._entry is not None and event.is_printable and event.character:
            # Typed before the entry took the focus (a burst: "90s", "1m"): it belongs
            # in the entry, letters included, and replaces what is selected there.
            event.stop()
            event.prevent_default()
            entry = self._entry.input
            if not entry.selection.is_empty:
                entry.delete_selection()
            entry.insert_text_at_cursor(event.character)
            return
        if not event.character or event.character not in _ENTRY_KEYS:
            return
        event.stop()
        event.prevent_default()
        await self._open_entry(event.character)

    # -- typed entry -----------------------------------------------------------

    async def _open_entry(self, text: str, *, selected: bool = False) -> None:
        """`selected`: the text starts selected, so that typing replaces it."""
        if self.disabled or self.editing:
            return
        hint = f"{_HINT} · seconds: {DURATION_FORMS}" if self.seconds else _HINT
        entry = self._entry = _ValueEntry(text, hint)
        if selected:
            entry.input.selection = Selection(0, len(text))
        self.add_class("-editing")
        await self.mount(entry)
        entry.input.focus()

    def _close_entry(self) -> None:
        if self._entry is None:
            return
        entry, self._entry = self._entry, None
        refocus = entry.input.has_focus
        entry.remove()
        self.remove_class("-editing")
        if refocus:
            self.focus()

    def _parse(self, text: str) -> tuple[Number | None, str]:
        """The typed number, or None and the reason it was refused."""
        try:
            if self.seconds:
                return parse_seconds(text), ""
            return parse_number(text, integer=self.integer), ""
        except ValueError:
            if self.seconds:
                return None, f"not a duration: type {DURATION_FORMS}"
            return None, "whole numbers only" if self.integer and _is_number(text) else "not a number"

    @on(Input.Submitted)
    def _commit_entry(self, event: Input.Submitted) -> None:
        event.stop()
        self._commit(event.value)

    def _commit(self, text: str) -> None:
        if self._entry is None:
            return
        number, problem = self._parse(text)
        if number is None:
            self._entry.show_error(problem)
            return
        self._close_entry()
        self._set_by_user(number)

    @on(Input.Changed)
    def _entry_typed(self, event: Input.Changed) -> None:
        # The inline entry is an implementation detail; only Slider.Changed leaves.
        event.stop()
        if self._entry is not None:
            self._entry.clear_error()

    @on(events.DescendantBlur)
    def _cancel_entry_on_blur(self) -> None:
        # Focus leaving the entry (tab, click elsewhere) abandons what was typed.
        self.call_after_refresh(self._cancel_if_unfocused)

    def _cancel_if_unfocused(self) -> None:
        if self._entry is not None and not self._entry.input.has_focus:
            self._close_entry()

    # -- mouse -----------------------------------------------------------------

    def _value_at(self, x: int) -> Number | None:
        track_width = self._track_width()
        if not 0 <= x < track_width:
            return None
        fraction = x / (track_width - 1)
        return self._snap(self.minimum + fraction * (self.maximum - self.minimum))

    def on_mouse_down(self, event: events.MouseDown) -> None:
        if self.editing:
            return
        offset = event.get_content_offset(self)
        if offset is None:
            return
        value = self._value_at(offset.x)
        if value is not None:
            self.capture_mouse()
            self._set_by_user(value)

    def on_mouse_move(self, event: events.MouseMove) -> None:
        if self.app.mouse_captured is not self:
            return
        x = event.get_content_offset_capture(self).x
        track_width = self._track_width()
        value = self._value_at(min(max(x, 0), track_width - 1))
        if value is not None:
            self._set_by_user(value)

    def on_mouse_up(self, event: events.MouseUp) -> None:
        if self.app.mouse_captured is self:
            self.release_mouse()


def _is_number(text: str) -> bool:
    try:
        return math.isfinite(float(text.strip().replace(",", ".")))
    except ValueError:
        return False
