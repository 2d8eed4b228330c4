"""The conflict view: fields changed on the server and by the user, picked one by one."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, RadioButton, RadioSet, Static

from voicedesk.display import format_value
from voicedesk.fields import SETTINGS
from voicedesk.records import Lookups
from voicedesk.session import Conflict
from voicedesk.tui.widgets import KeyBar

MINE, THEIRS = "mine", "theirs"


class _Choice(RadioButton):
    """A radio button whose dot is there only when chosen: readable without colour
    (Textual's draws the dot in both, coloured)."""

    def __init__(self, label: str, value: bool = False) -> None:
        super().__init__(label, value)
        self.BUTTON_INNER = "●" if value else " "  # what ToggleButton draws inside

    def watch_value(self) -> None:
        self.BUTTON_INNER = "●" if self.value else " "
        super().watch_value()


class ConflictScreen(ModalScreen[dict[str, str] | None]):
    """Dismisses with {field: "mine" | "theirs"}, or None to go back to editing.

    The focus is on the first field's choice at once; notices that come while it is
    open are held (`held_notices`) and shown after it, so none covers its buttons.
    """

    HELP_NAME = "the conflicts"  # what F1 calls it

    AUTO_FOCUS = ".conflict-choice"
    BINDINGS = [
        Binding("ctrl+s", "send", "Send with these choices", priority=True),
        Binding("m", "all(0)", "All mine"),
        Binding("t", "all(1)", "All theirs"),
        Binding("escape", "dismiss(None)", "Back to editing"),
    ]

    def __init__(self, conflicts: list[Conflict], lookups: Lookups) -> None:
        super().__init__()
        self.conflicts = conflicts
        self.lookups = lookups
        self.held_notices: list[dict[str, object]] = []

    def compose(self) -> ComposeResult:
        count = len(self.conflicts)
        with Vertical(id="conflict-dialog"):
            yield Static(
                f"{count} field{'s' if count != 1 else ''} changed on the server while you edited",
                id="conflict-title",
            )
            yield Static(
                "Nothing was sent. For each field, keep your value or take the server's "
                "(up/down choose, tab goes to the next field; m: all mine, t: all theirs).",
                id="conflict-hint",
            )
            with VerticalScroll(id="conflict-list"):
                for conflict in self.conflicts:
                    yield from self._conflict_row(conflict)
            with Horizontal(id="conflict-buttons"):
                yield Button("Send with these choices", id="conflict-send", variant="primary")
                yield Button("Back to editing", id="conflict-cancel")
        yield KeyBar()

    def on_mount(self) -> None:
        self.app.clear_notifications()  # what was said before is about to be answered here

    def _conflict_row(self, conflict: Conflict) -> ComposeResult:
        name = conflict.field

        def shown(value: object) -> str:
            return format_value(name, value, self.lookups, width=50)

        yield Static(f"{SETTINGS[name].label}  ({name})", classes="conflict-field", markup=False)
        yield Static(
            f"loaded {shown(conflict.base)}   ·   yours {shown(conflict.mine)}   ·   "
            f"server {shown(conflict.theirs)}",
            classes="conflict-values", markup=False,
        )
        with RadioSet(id=f"choice-{name.replace('.', '-')}", classes="conflict-choice"):
            yield _Choice(f"Keep mine: {shown(conflict.mine)}", value=True)
            yield _Choice(f"Take theirs: {shown(conflict.theirs)}")

    def choices(self) -> dict[str, str]:
        picked = {}
        for conflict in self.conflicts:
            radio = self.query_one(f"#choice-{conflict.field.replace('.', '-')}", RadioSet)
            picked[conflict.field] = MINE if radio.pressed_index == 0 else THEIRS
        return picked

    @on(Button.Pressed, "#conflict-send")
    def action_send(self) -> None:
        self.dismiss(self.choices())

    def action_all(self, index: int) -> None:
        for radio in self.query(RadioSet):
            radio.query(RadioButton)[index].value = True

    @on(Button.Pressed, "#conflict-cancel")
    def _cancel(self) -> None:
        self.dismiss(None)
