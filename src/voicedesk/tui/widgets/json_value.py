"""Values with no control of their own, edited as JSON text (the 2026 built-in tools
list, the filler phrases). A `mask` keeps secrets in them off the screen; its `unmask`
puts them back from the value they came with.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from textual import on
from textual.message import Message
from textual.widgets import TextArea

from .exact_text import ExactTextArea

class JsonValueEditor(ExactTextArea):
    """A value as indented JSON; posts `Edited` with the parsed value (or a problem)."""

    DEFAULT_CSS = "JsonValueEditor { height: auto; max-height: 16; }"

    class Edited(Message):
        """The text was edited: its value, or the problem that keeps it from being one."""

        def __init__(self, editor: JsonValueEditor, value: Any, problem: str | None) -> None:
            super().__init__()
            self.editor = editor
            self.value = value
            self.problem = problem

        @property
        def control(self) -> JsonValueEditor:
            return self.editor

    def __init__(
        self, value: Any, *, mask: Callable[[Any], Any] | None = None,
        unmask: Callable[[Any, Any], tuple[Any, str | None]] | None = None,
        id: str | None = None,  # noqa: A002 - Textual's name
    ) -> None:
        """`mask(value)`: the value as shown; `unmask(edited, original)`: the value meant
        by what was edited, or a problem."""
        self._original = value
        self._mask = mask or (lambda value: value)
        self._unmask = unmask or (lambda edited, original: (edited, None))
        super().__init__(self.shown(value), soft_wrap=True, compact=True, id=id)

    def shown(self, value: Any) -> str:
        return "" if value is None else json.dumps(self._mask(value), indent=2, ensure_ascii=False)

    def load(self, value: Any) -> None:
        """Show another value (a reload); the original for secrets becomes this one."""
        self._original = value
        self.load_text(self.shown(value))

    @on(TextArea.Changed)
    def _parse(self, event: TextArea.Changed) -> None:
        event.stop()
        from voicedesk.parsing import load_json  # not needed for the first screen

        text = self.exact
        if not text.strip():
            self.post_message(self.Edited(self, None, None))
            return
        try:
            parsed = load_json(text)
        except ValueError as error:
            self.post_message(self.Edited(self, None, f"not JSON: {error}"))
            return
        value, problem = self._unmask(parsed, self._original)
        self.post_message(self.Edited(self, value, problem))
