"""The field finder: type part of a label or an update name, Enter jumps to the field."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.fuzzy import Matcher
from textual.screen import ModalScreen
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option

from voicedesk.fields import Catalogue, Field, catalogue


def _prompt(field: Field, matcher: Matcher | None) -> Content:
    label = matcher.highlight(field.label) if matcher else Content(field.label)
    return Content.assemble(label, ("  " + field.update_name, "dim"), ("  " + field.group.value, "italic dim"))


class FinderScreen(ModalScreen[str | None]):
    """Dismisses with the chosen field's name, or None."""

    BINDINGS = [
        Binding("escape", "dismiss(None)", "Close"),
        Binding("down", "move(1)", show=False),
        Binding("up", "move(-1)", show=False),
    ]

    def __init__(self, fields: Catalogue | None = None) -> None:
        """`fields`: the settings of the host's dialect."""
        super().__init__()
        self.fields = fields or catalogue()

    def compose(self) -> ComposeResult:
        with Vertical(id="finder-dialog"):
            yield Static("Find a field", id="finder-title")
            yield Input(placeholder="label or name, e.g. speed, webhook, max_call", id="finder-query")
            yield OptionList(id="finder-results")

    def on_mount(self) -> None:
        self.show_matches("")

    @on(Input.Changed, "#finder-query")
    def _query_changed(self, event: Input.Changed) -> None:
        self.show_matches(event.value)

    def show_matches(self, query: str) -> None:
        results = self.query_one("#finder-results", OptionList)
        results.clear_options()
        if query.strip():
            matcher = Matcher(query)
            scored = [(max(matcher.match(f.label), matcher.match(f.update_name)), f) for f in self.fields]
            fields = [f for score, f in sorted(scored, key=lambda pair: -pair[0]) if score > 0]
        else:
            matcher, fields = None, list(self.fields)
        results.add_options([Option(_prompt(f, matcher), id=f.name) for f in fields])
        if fields:
            results.highlighted = 0

    def action_move(self, offset: int) -> None:
        results = self.query_one("#finder-results", OptionList)
        if results.option_count:
            current = results.highlighted if results.highlighted is not None else -offset
            results.highlighted = max(0, min(results.option_count - 1, current + offset))

    @on(Input.Submitted, "#finder-query")
    def _submitted(self) -> None:
        results = self.query_one("#finder-results", OptionList)
        if results.highlighted is not None:
            self.dismiss(results.get_option_at_index(results.highlighted).id)

    @on(OptionList.OptionSelected, "#finder-results")
    def _selected(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(event.option.id)
