"""The field finder: type part of a label or an update name, Enter jumps to the field."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option

from voicedesk.fields import Catalogue, Field, catalogue
from voicedesk.matching import Catalog


def _prompt(field: Field, matched: list[int]) -> Content:
    label = Content(field.label)
    for offset in matched:  # the label's characters that matched, reversed
        if not field.label[offset].isspace():
            label = label.stylize("reverse", offset, offset + 1)
    return Content.assemble(label, ("  " + field.update_name, "dim"), ("  " + field.group.value, "italic dim"))


class FinderScreen(ModalScreen[str | None]):
    """Dismisses with the chosen field's name, or None."""

    HELP_NAME = "the finder"  # what F1 calls it

    BINDINGS = [
        Binding("escape", "dismiss(None)", "Close"),
        Binding("down", "move(1)", show=False),
        Binding("up", "move(-1)", show=False),
    ]

    def __init__(self, fields: Catalogue | None = None) -> None:
        """`fields`: the settings of the host's dialect."""
        super().__init__()
        self.fields = fields or catalogue()
        # Each field's label, then its update name: a field is found by either.
        self._names = Catalog(
            (name for field in self.fields for name in (field.label, field.update_name)),
            limit=2 * len(self.fields),
        )

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
        fields = list(self.fields)
        words = Catalog.words(query)
        if words:
            # Each field once, where its better-ranked name puts it; its label's matched
            # characters marked if the label matched.
            result = self._names.search(words)
            found = dict.fromkeys(index // 2 for index in result.best)
            labels = set(result.candidates)
            fields = [fields[index] for index in found]
            matched = [self._names.offsets(words, 2 * index) if 2 * index in labels else [] for index in found]
        else:
            matched = [[] for _ in fields]
        results.add_options([Option(_prompt(f, m), id=f.name) for f, m in zip(fields, matched, strict=True)])
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
