"""One form row per catalogue field: label, control, range, help, dirty mark, message.

The control is chosen by the field's kind. A row turns its control's edits into
`session.set(...)` and calls the screen back (`on_edit`); the screen decides what else
to refresh (cross-field rules, counts).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any, ClassVar, Protocol, runtime_checkable

from rich.cells import cell_len, set_cell_size
from rich.segment import Segment
from rich.style import Style as RichStyle
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.color import TRANSPARENT, Color
from textual.containers import Vertical
from textual.geometry import Region
from textual.message import Message
from textual.strip import Strip
from textual.widget import Widget
from textual.widgets import Input, SelectionList, Static, Switch, TextArea

from voicedesk.display import safe_text, shorten
from voicedesk.fields import Dialect, Field, Kind, Lookup
from voicedesk.parsing import ParseError, is_duration, parse_value
from voicedesk.records import Lookups
from voicedesk.session import EditSession, same_value
from voicedesk.tui.messages import ReviewWanted
from voicedesk.tui.textual_private import being_removed
from voicedesk.tui.widgets import (
    ExactInput,
    ExactTextArea,
    IdListSelect,
    KeyValueEditor,
    OnOffSwitch,
    PhraseEditor,
    SchemaEditor,
    SearchSelect,
    Slider,
    ToggleChoice,
    ToolEditor,
)
from voicedesk.tui.widgets.rows import RowEditor
from voicedesk.tui.widgets.search_select import Options
from voicedesk.validation import timezones

if TYPE_CHECKING:
    from voicedesk.tui.app import VoicedeskApp

NO_NUMBER = "No number (unassign)"
# What "none" means for each nullable list (the phone number's is NO_NUMBER).
_NONE_LABELS = {
    "folder_id": "Uncategorised",
    "knowledgebase_id": "No knowledge base",
    "synthesizer_provider_id": "The language's default",
    "transcriber_provider_id": "The language's default",
    "multimodal_model_id": "None",
    "chat_llm_fallback_id": "None",
}


@runtime_checkable
class ListsAssistants(Protocol):
    """A screen that holds the account's assistants as listed (the picker, under an
    editor opened from it). The phone numbers' list says a number is in use, not by
    whom: only this list does."""

    records: list[dict[str, Any]]


def number_holders(screens: list[Any], own_id: int) -> dict[int, str]:
    """The assistant (its name, as the server wrote it: a label shows it safely) holding
    each phone number, by the number's id, as far as a screen of `screens` lists the
    assistants; the assistant `own_id` left out."""
    for screen in screens:
        if isinstance(screen, ListsAssistants):
            return {
                record["phone_number_id"]: shorten(str(record.get("name") or f"#{record.get('id')}"), 80)
                for record in screen.records
                if type(record.get("phone_number_id")) is int and record.get("id") != own_id
            }
    return {}


def timezone_options() -> list[tuple[str, str]]:
    return [(name, name) for name in sorted(timezones())]


def field_options(field: Field, session: EditSession, holders: Mapping[int, str] | None = None) -> Options | None:
    """The choices a field's list offers right now, for every kind of field: a choice
    field's own, a lookup's from the account's lists; None for a lookup whose list is
    not loaded, and for fields that offer no list. `holders`: the assistant holding each
    phone number in use, where known (see `number_holders`)."""
    if field.kind is Kind.CHOICE:
        return [(choice.label, choice.value) for choice in field.choices]
    if field.kind is Kind.ID_LIST and field.lookup is Lookup.LANGUAGES:
        return None if session.lookups.languages is None else [(x.name, x.id) for x in session.lookups.languages]
    if field.kind not in (Kind.LOOKUP, Kind.ID_LIST):
        return None
    lookups: Lookups = session.lookups
    if field.lookup is Lookup.TIMEZONES:
        return timezone_options  # listed when the control opens: 10 ms the form can skip
    if field.lookup is Lookup.VOICES:
        if lookups.voices is None:
            return None
        voices = lookups.voices_for(session.value("engine_type"))
        return [(_voice_label(v, lookups), v.id) for v in sorted(voices, key=lambda v: v.name.lower())]
    if field.lookup is Lookup.LANGUAGES:
        if lookups.languages is None:
            return None
        return [(f"{x.name}  {x.iso_2 or ''}".rstrip(), x.name) for x in lookups.languages]
    if field.lookup is Lookup.MODELS and field.holds_id:  # the 2026 fallback LLM: by id
        return None if lookups.models is None else [(m.name, m.id) for m in lookups.models]
    if field.lookup is Lookup.MODELS:
        if lookups.models is None:
            return None
        return [(m.name, m.name) for m in lookups.models]
    if field.lookup is not Lookup.PHONE_NUMBERS:  # a 2026 list of named entries
        if field.lookup and field.lookup.per_language:  # the language's own
            entries = lookups.providers_for(field.lookup.value, session.value("language"))
        else:
            entries = lookups.entries(field.lookup.value) if field.lookup else None
        if entries is None:
            return None
        return [(f"{entry.name}  #{entry.id}", entry.id) for entry in entries]
    numbers = lookups.numbers_for(session.value("calls_direction"))
    if numbers is None:
        return None
    options = []
    for number in numbers:
        notes = [n for n in (number.country_code, number.type_label) if n]
        if not number.is_available and number.id != session.baseline["phone_number_id"]:
            holder = (holders or {}).get(number.id)
            notes.append(f"in use by {holder}" if holder else "in use")
        options.append((f"{number.phone_number}  {' · '.join(notes)}".rstrip(), number.id))
    return options


def unlisted_label(field: Field, session: EditSession,
                   holders: Callable[[], Mapping[int, str]]) -> Callable[[Any], str | None] | None:
    """How a lookup's value that its list does not offer now is shown: by its name, from
    the lists loaded, and why it is not offered (the engine, the direction or the
    language changed, or the account no longer has it). The session's lists of the
    moment: they are replaced when reloaded."""

    def voice(value: Any) -> str | None:
        found = session.lookups.voice(value)
        if found is None:
            if session.lookups.voices is None:
                return None
            return f"voice {value} - not one of the account's voices; pick another"
        return f"{found.name} - not offered for the {session.value('engine_type')} engine; pick another"

    def number(value: Any) -> str | None:
        found = session.lookups.phone_number(value)
        if found is None:
            return None
        direction = "inbound" if session.value("calls_direction") == "receive" else "outbound"
        holder = holders().get(found.id)
        why = f"in use by {holder}" if holder else f"not offered to {direction} assistants"
        return f"{found.phone_number} - {why}; pick another"

    def entry(value: Any) -> str | None:
        lookup = field.lookup
        found = session.lookups.entry(lookup.value, value) if lookup else None
        if found is None:
            return None
        if lookup and lookup.per_language:
            return f"{found.name} - not offered for {session.value('language')}; pick another"
        return f"{found.name} - no longer in the list; pick another"

    if field.lookup is Lookup.VOICES:
        return voice
    if field.lookup is Lookup.PHONE_NUMBERS:
        return number
    if field.holds_id:
        return entry
    return None  # a value by name (languages, models) is its own name


def _voice_label(voice: Any, lookups: Lookups) -> str:
    """A voice as its list shows it: name, then (2026) gender, accent, age and language,
    which the search matches too."""
    about = [voice.details] if voice.details else []
    language = lookups.language_name(voice.language_id) if voice.language_id is not None else None
    if language:
        about.append(language)
    return "  ".join([voice.name, *about, f"#{voice.id}"])


def _text_of(value: Any) -> str:
    """A value as the exact text its control edits (the control shows stand-ins)."""
    return "" if value is None else str(value)


class TextPreview(Static, can_focus=True):
    """The first lines of a long text; Enter opens it in a screen of its own."""

    BINDINGS = [Binding("enter", "open", "Edit in full screen")]
    PREVIEW_LINES = 4

    class OpenRequested(Message):
        pass

    def show(self, value: str | None) -> None:
        lines = (value or "").splitlines()[: self.PREVIEW_LINES + 1]  # once: it may be 200 KB
        shown = "\n".join(shorten(safe_text(line), 200) for line in lines[: self.PREVIEW_LINES]) or "(empty)"
        more = len(lines) > self.PREVIEW_LINES
        self.update(f"{shown}{chr(10) + '…' if more else ''}")

    def action_open(self) -> None:
        self.post_message(self.OpenRequested())

    def on_click(self) -> None:
        self.action_open()


def _cut_at_a_word(text: str, room: int) -> str:
    """`text` in `room` cells: whole, or cut with an ellipsis after the last whole word
    that fits (mid-word only when a word alone is longer than half the room)."""
    if cell_len(text) <= room:
        return text
    cut = set_cell_size(text, max(room - 1, 0))
    space = cut.rstrip().rfind(" ")
    if space >= len(cut) // 2 and not text[len(cut):len(cut) + 1].isspace():
        cut = cut[:space]
    return cut.rstrip(" ,;:-–") + "…"


class RowHead(Widget):
    """A row's two lines above its control: the dirty mark and label, with its counter and
    range at the right; below them the field's help.

    One widget, where a Static per part (and a Horizontal for the first line) cost six
    widgets per row, each with its own task, styles and layout, on every form built.

    Its colours are component classes of its screen (`COLOUR_CLASSES`, declared once on
    the editor): declared on the head, Textual would style six virtual nodes per row on
    every mount and restyle, about 1 ms a row.
    """

    COLOUR_CLASSES = frozenset({"row-head--mark", "row-head--label", "row-head--counter", "row-head--over",
                                "row-head--range", "row-head--help"})
    # Those colours blended over a head's own style, by that style and the theme: the
    # same for every head drawn on the same background (the focused row has its own).
    _blended: ClassVar[dict[tuple[RichStyle, str], dict[str, RichStyle]]] = {}

    def __init__(self, label: str, range_text: str, help_text: str) -> None:
        super().__init__(classes="field-head")
        self.label = label
        self.range_text = range_text
        self.help_text = help_text
        self._dirty = False
        self._counter = ""
        self._over = False
        self._drawing: tuple[RichStyle, dict[str, RichStyle]] | None = None  # during render_lines

    def _styles(self) -> tuple[RichStyle, dict[str, RichStyle]]:
        """This head's own style, and the screen's colour classes over its colours and
        background, as Textual blends a component class of the head itself."""
        own = self.rich_style
        key = (own, self.app.theme)
        styles = self._blended.get(key)
        if styles is None:
            background = Color.from_rich_color(own.bgcolor) if own.bgcolor else TRANSPARENT
            styles = {}
            for colour_class in self.COLOUR_CLASSES:
                colours = self.screen.get_component_styles(colour_class)
                style = own
                if colours.has_rule("color"):
                    style += RichStyle.from_color((background + colours.color).rich_color)
                styles[colour_class] = style + colours.text_style
            self._blended[key] = styles
        return own, styles

    def show(self, *, dirty: bool | None = None, counter: str | None = None, over: bool | None = None) -> None:
        shown = (self._dirty, self._counter, self._over)
        self._dirty = shown[0] if dirty is None else dirty
        self._counter = shown[1] if counter is None else counter
        self._over = shown[2] if over is None else over
        if (self._dirty, self._counter, self._over) != shown:
            self.refresh()

    def render_lines(self, crop: Region) -> list[Strip]:
        if being_removed(self):  # removed (the lists reloaded) while a frame was drawn
            return [Strip.blank(crop.width)] * crop.height
        self._drawing = self._styles()  # once for both lines
        try:
            return super().render_lines(crop)
        finally:
            self._drawing = None

    def render_line(self, y: int) -> Strip:
        # Drawn as segments (Textual's Line API): as rich Text, the two lines went through
        # Content, wrapping and formatting on every form's first showing.
        width = self.size.width
        own, styles = self._drawing or self._styles()
        if y == 0:
            right = [Segment(self.range_text, styles["row-head--range"])]
            if self._counter:
                right[:0] = [Segment(self._counter, styles["row-head--over" if self._over else "row-head--counter"]),
                             Segment("  ", own)]
            right_width = sum(cell_len(segment.text) for segment in right)
            # The label gives way (with an ellipsis) so that the counter and range stay whole.
            room = width - 2 - right_width - 1
            label = _cut_at_a_word(self.label, room)
            gap = max(1, width - 2 - cell_len(label) - right_width)
            segments = [
                Segment("● " if self._dirty else "  ", styles["row-head--mark"]),
                Segment(label, styles["row-head--label"]),
                Segment(" " * gap, own),
                *right,
            ]
        elif y == 1:
            help_text = _cut_at_a_word(self.help_text, max(width - 2, 1))
            segments = [Segment("  ", own), Segment(help_text, styles["row-head--help"])]
        else:
            segments = []
        return Strip(segments).adjust_cell_length(width, own)


class FieldRow(Vertical):
    """The form row of one field, bound to the session.

    `on_edit(row)` is called, synchronously, after each edit the user makes (the value
    is already set on the session): what the screen redraws then lands in the frame
    that shows the control's own change, where a message would come a frame later.

    The bar at the row's left (error, unsaved, focused) and the focused row's background
    are inline styles, in the colours of the screen's component classes `BAR_CLASSES`
    (declared once on the screen: on every row they would cost a virtual node each). A
    class or a `:focus-within` rule would make Textual restyle the row, its head and its
    control (about 2.5 ms) on every dirty toggle and every focus move.
    """

    app: VoicedeskApp

    BAR_CLASSES = frozenset({"field-row--focus", "field-row--dirty", "field-row--dirty-focus", "field-row--error"})

    def __init__(self, field: Field, session: EditSession, on_edit: Callable[[FieldRow], None]) -> None:
        super().__init__(id=f"row-{field.name.replace('.', '-')}", classes="field-row")
        self.field = field
        self.session = session
        self._on_edit = on_edit
        self._reloading = False  # the control is being set from the session, not by the user
        self.control: Widget = self._make_control()
        self._message: Static | None = None  # mounted with the row's first message
        self._head = RowHead(field.label, self._range_text(), field.help)
        self._control_problem: str | None = None  # a problem only the control can see
        self._shown_message = ""
        self._state: tuple[str | None, str | None] = (None, None)  # the error and the flag shown
        self._dirty = False
        self._focused = False

    # --- building ----------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        yield self._head
        yield self.control

    def _range_text(self) -> str:
        field = self.field
        if field.ranged:
            return f"{field.range_text()}  step {field.step:g}"
        if field.kind is Kind.LOOKUP and field_options(field, self.session) is None:
            return "list not loaded: unverified"
        return field.update_name

    def _make_control(self) -> Widget:
        field, value = self.field, self.session.value(self.field.name)
        control_id = f"control-{field.name.replace('.', '-')}"
        if field.ranged and field.is_numeric:
            return Slider(
                value, field.minimum, field.maximum, field.step,  # type: ignore[arg-type]
                unit=field.unit, integer=field.kind is Kind.INTEGER, seconds=is_duration(field), id=control_id,
                none_label=("automatic" if field.name == "turn_detection_threshold" else "off")
                if field.nullable else None, not_reported=self.session.is_unknown(field.name),
            )
        if field.kind is Kind.ID_LIST:
            options = field_options(field, self.session)
            return IdListSelect(options() if callable(options) else options or [], value, id=control_id)
        if field.kind is Kind.TOOLS:
            return ToolEditor(value, id=control_id)
        if field.kind is Kind.PHRASES:
            return PhraseEditor(value, id=control_id)
        if field.kind is Kind.BOOLEAN:
            if self.session.is_unknown(field.name):
                # A switch would claim "off": the two, neither marked, until one is picked.
                return ToggleChoice([("On", True), ("Off", False)], value, id=control_id, title=field.label,
                                    not_reported=True)
            return OnOffSwitch(bool(value), id=control_id)
        options = field_options(field, self.session)
        if field.kind is Kind.CHOICE:
            assert options is not None and not callable(options)
            if len(options) == 2:  # both on the line, toggled with one key
                return ToggleChoice(options, value, id=control_id, title=field.label, placeholder="not set")
            # The same control as the lookups: one widget (a Select is six, with its
            # overlay), and typing a letter opens it filtered.
            return SearchSelect(options, value, id=control_id, title=field.label, placeholder="not set")
        if field.kind is Kind.LOOKUP:
            if options is None:
                # The list failed to load: type the id or name; it is checked on save.
                return ExactInput(_text_of(value), placeholder="id or name (unverified)",
                                  compact=True, id=control_id, classes="-unverified")
            return SearchSelect(
                options, value, id=control_id, title=field.label,
                allow_none=_NONE_LABELS.get(field.name, NO_NUMBER) if field.nullable else None,
                not_reported=self.session.is_unknown(field.name),
                unlisted=unlisted_label(field, self.session, self._number_holders),
            )
        if field.full_screen:
            preview = TextPreview("", id=control_id, classes="text-preview", markup=False)
            preview.show(value)
            return preview
        if field.kind is Kind.LONG_TEXT:
            return ExactTextArea(
                _text_of(value), soft_wrap=True, compact=True, id=control_id,
                classes=f"-{field.name.split('.')[0].replace('_', '-')}",
            )
        # The table editors take the exact values (they show control characters themselves).
        if field.kind is Kind.KEY_VALUE:
            return KeyValueEditor(value or {}, id=control_id)
        if field.kind is Kind.SCHEMA:
            return SchemaEditor(value or [], id=control_id, strict=field.dialect is Dialect.D2026)
        return ExactInput(
            _text_of(value), id=control_id, compact=True,
            placeholder="empty: no webhook" if field.nullable else "",
        )

    # --- showing state -----------------------------------------------------------------

    def on_mount(self) -> None:
        self._update_counter()
        self.paint_bar()
        if self.field.lookup is Lookup.PHONE_NUMBERS:
            self.refresh_options()  # who holds a number in use is known once on a screen
        if isinstance(self.control, (Slider, Switch, SearchSelect, Input)):
            # A watcher runs while the control handles the key, before it repaints; its
            # Changed message would only arrive after that repaint.
            self.watch(self.control, "value", self._control_value_changed, init=False)

    def _update_counter(self) -> None:
        value = self.session.value(self.field.name)
        if self.field.kind in (Kind.TEXT, Kind.LONG_TEXT):
            length = len(value or "")
            limit = self.field.max_length
            text = f"{length:,}/{limit:,}" if limit else f"{length:,} chars"
            self._head.show(counter=text, over=bool(limit and length > limit))

    def show_state(self, error: str | None, flag: str | None) -> None:
        """Dirty mark, and one message: an error (blocks saving) before a flag (a warning)."""
        self._dirty = self.session.is_dirty(self.field.name)
        self._head.show(dirty=self._dirty)
        error = error or self._control_problem
        self._state = (error, flag)
        self._show_message()
        self.set_class(bool(error), "-error")
        self.set_class(bool(flag) and not error, "-flagged")
        self.paint_bar()
        if self.field.enabled_by:
            self.control.disabled = not self.session.value(self.field.enabled_by)

    def _show_message(self) -> None:
        error, flag = self._state
        message = error or flag or ""
        if isinstance(self.control, RowEditor) and (rows := self.control.problem_rows):
            # The table says each row's problem under itself, on the cursor's row: here
            # only where they are, not the first of them again.
            listed = ", ".join(map(str, rows[:10])) + (", …" if len(rows) > 10 else "")
            message = (f"Row {listed} has a problem" if len(rows) == 1 else f"Rows {listed} have problems") + (
                ": move the cursor to a row to read it under the table.")
        if message != self._shown_message:  # a changed message may change the row's height
            self._shown_message = message
            if self._message is not None:
                self._message.update(message)
                self._message.display = bool(message)
            elif message:
                self._message = Static(message, classes="field-message", markup=False)
                self.mount(self._message)

    def show_focus(self, focused: bool) -> None:
        """The screen says whether the focus is in this row (it watches the focus)."""
        if focused != self._focused:
            self._focused = focused
            self.paint_bar()

    @property
    def bar(self) -> str | None:
        """What the bar at the row's left shows: error, dirty, dirty-focus, focus or None."""
        if self.has_class("-error"):
            return "error"
        if self._dirty:
            return "dirty-focus" if self._focused else "dirty"
        return "focus" if self._focused else None

    def paint_bar(self) -> None:
        """Draw the bar and the background (again after a theme change)."""
        if being_removed(self):
            return  # no screen to take the colours from: the editor closed meanwhile
        bar, colours = self.bar, self.screen.get_component_styles
        # Always an edge ("blank" when there is no bar): adding or removing one would
        # lay out the screen, changing its colour only repaints the row.
        colour = colours(f"field-row--{bar}").color if bar else TRANSPARENT
        self.styles.outline_left = ("thick" if bar else "blank", colour)
        background = colours("field-row--focus").background if self._focused else TRANSPARENT
        if background != self.styles.background:
            self.styles.background = background
            # What the row's widgets drew is cached with the background they drew on.
            for widget in self.walk_children(with_self=False):
                widget.notify_style_update()

    @property
    def control_has_focus(self) -> bool:
        """True when the control or one of its fields has the focus."""
        focused = self.screen.focused
        return focused is not None and (focused is self.control or self.control in focused.ancestors)

    @property
    def control_problem(self) -> str | None:
        return self._control_problem

    def reload(self) -> None:
        """Show the session's value again (after a revert, a rebase or a save)."""
        value = self.session.value(self.field.name)
        control = self.control
        self._control_problem = None
        self._reloading = True
        with control.prevent(Input.Changed, TextArea.Changed):
            if isinstance(control, (Slider, SearchSelect)):
                control.not_reported = self.session.is_unknown(self.field.name)
                control.value = value
                control.refresh()
            elif isinstance(control, Switch):
                control.value = bool(value)
            elif isinstance(control, TextPreview):
                control.show(value)
            elif isinstance(control, ToolEditor):
                control.load(value)  # only when it differs: it keeps the highlight and the undo
            elif isinstance(control, PhraseEditor):
                if control.value != value or control.problems:
                    control.load(value)
            elif isinstance(control, IdListSelect):
                control.show(value)
            elif isinstance(control, ExactTextArea):
                if control.exact != _text_of(value):
                    control.load_text(_text_of(value))
            # The tables are reloaded only when they show something else: a reload moves
            # the table's cursor and ends an edit in progress.
            elif isinstance(control, KeyValueEditor):
                if control.value != (value or {}) or control.problems:
                    control.load(value or {})
            elif isinstance(control, SchemaEditor):
                if control.value != (value or []) or control.problems:
                    control.load(value or [])
            elif isinstance(control, ExactInput):
                control.value = _text_of(value)  # the exact text; clears its undo history
        self._reloading = False
        self._update_counter()

    def _number_holders(self) -> dict[int, str]:
        if being_removed(self):
            return {}
        return number_holders(self.app.screen_stack, self.session.assistant_id)

    def refresh_options(self) -> None:
        """Offer the choices of now: some depend on other fields (voices on the engine,
        numbers on the direction) or on the lists (reloaded)."""
        if isinstance(self.control, SearchSelect):
            holders = self._number_holders() if self.field.lookup is Lookup.PHONE_NUMBERS else None
            options = field_options(self.field, self.session, holders)
            if options is not None:
                self.control.set_options(options)

    def focus_control(self) -> None:
        """Focus the control, or its first field when it is a group of fields."""
        control = self.control
        target = control if control.focusable else next(
            (widget for widget in control.query("*") if widget.focusable), control
        )
        # At once rather than `focus()`'s next turn of the loop: the focus styles then
        # land in the frame that shows the row, not in a frame of their own.
        self.screen.set_focus(target)
        # After the next refresh: a group just switched to is laid out only then, and a row
        # laid out before (while its group was being mounted) would scroll a form of no size.
        self.call_after_refresh(self.scroll_visible, animate=False)

    # --- editing -----------------------------------------------------------------------

    def _edit(self, value: Any, problem: str | None = None) -> None:
        self._control_problem = problem
        if problem is None and not same_value(self.field.name, value, self.session.value(self.field.name)):
            self.session.set(self.field.name, value)
        self._update_counter()
        self._on_edit(self)

    def _text_value(self, text: str) -> Any:
        # Empty text means "not set" where the server had nothing, or null where allowed.
        if text == "" and (self.field.nullable or self.session.baseline[self.field.name] is None):
            return None
        return text

    def _control_value_changed(self, value: Any) -> None:
        if self._reloading:
            return
        if isinstance(self.control, ExactInput):
            # The value is what the control shows; the text to keep is its exact one.
            if self.field.kind is Kind.LOOKUP:
                self._lookup_typed(self.control.exact)
            else:
                self._edit(self._text_value(self.control.exact))
        else:
            self._edit(value)

    @on(Slider.Changed)
    @on(SearchSelect.Changed)
    def _set_to_none_while_unknown(self, event: Slider.Changed | SearchSelect.Changed) -> None:
        # An unreported setting set to none (off, automatic, no entry): the value stays
        # None, which the value watch does not see, yet it is now set and will be sent.
        if event.value is None and self.session.is_unknown(self.field.name) and not self._reloading:
            self.session.set(self.field.name, None)
            self._update_counter()
            self._on_edit(self)

    @on(TextPreview.OpenRequested)
    def _open_full_screen(self, event: TextPreview.OpenRequested) -> None:
        event.stop()
        self.run_worker(self._edit_full_screen(), group="full-screen")

    async def _edit_full_screen(self) -> None:
        outcome = await self.app.edit_text(self.field, self.session, self.take_text)
        if outcome.review:
            self.post_message(ReviewWanted())

    def take_text(self, text: str) -> None:
        """Text edited in the full-screen editor: into the session (and so the draft).
        Its screen covers the form meanwhile, which shows it when it is shown again
        (`reload`): redrawn now, the form made Textual repaint the covering screen."""
        value = self._text_value(text)
        if not same_value(self.field.name, value, self.session.value(self.field.name)):
            self.session.set(self.field.name, value)
        self._on_edit(self)

    @on(TextArea.Changed)
    def _long_text_changed(self, event: TextArea.Changed) -> None:
        event.stop()
        text_area: ExactTextArea = event.text_area  # type: ignore[assignment]
        self._edit(self._text_value(text_area.exact))

    def _lookup_typed(self, text: str) -> None:
        if not text.strip():
            self._edit(None, None if self.field.nullable else f"{self.field.label} must be set.")
            return
        try:
            self._edit(parse_value(self.field, text, self.session.lookups))
        except ParseError as error:
            self._edit(None, str(error))

    @on(ToolEditor.Changed)
    def _tools_changed(self, event: ToolEditor.Changed) -> None:
        event.stop()
        self._edit(event.value)

    @on(SelectionList.SelectedChanged)
    def _ids_changed(self, event: SelectionList.SelectedChanged) -> None:
        event.stop()
        if not self._reloading and isinstance(self.control, IdListSelect):
            self._edit(self.control.chosen)

    @on(KeyValueEditor.Changed)
    @on(SchemaEditor.Changed)
    @on(PhraseEditor.Changed)
    def _rows_changed(self, event: KeyValueEditor.Changed | SchemaEditor.Changed | PhraseEditor.Changed) -> None:
        event.stop()
        problem = "; ".join(event.problems) if event.problems else None
        self._control_problem = problem
        value = event.value
        if not same_value(self.field.name, value, self.session.value(self.field.name)):
            self.session.set(self.field.name, value)
        self._on_edit(self)
        self._show_message()  # which rows have problems may change while the first stays
