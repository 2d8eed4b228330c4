"""Small dialogs: a question with a few answers, used for quit, leave, revert and errors."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Static


class Ask(ModalScreen[str]):
    """A titled message with buttons; dismisses with the chosen button's id.

    Escape answers `cancel`. The message is shown literally: it may quote the server.
    """

    HELP_NAME = "this question"  # what F1 calls it

    AUTO_FOCUS = "#ask-buttons Button"
    BINDINGS = [
        Binding("escape", "choose('cancel')", "Cancel"),
        Binding("left", "app.focus_previous", show=False),
        Binding("right", "app.focus_next", show=False),
    ]

    def __init__(
        self,
        title: str,
        message: str,
        choices: list[tuple[str, str, str]],
        *,
        error: bool = False,
    ) -> None:
        """choices: (id, label, variant) in order; the first one has the focus."""
        super().__init__(classes="-error" if error else "")
        self.title_text = title
        self.message = message
        self.choices = choices

    def compose(self) -> ComposeResult:
        with Vertical(id="ask-dialog"):
            yield Static(self.title_text, id="ask-title", markup=False)
            yield Static(self.message, id="ask-message", markup=False)
            with Horizontal(id="ask-buttons"):
                for choice_id, label, variant in self.choices:
                    yield Button(label, id=f"choice-{choice_id}", variant=variant)  # type: ignore[arg-type]

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.dismiss((event.button.id or "").removeprefix("choice-"))

    def action_choose(self, choice: str) -> None:
        self.dismiss(choice)
