"""A value with no control of its own, edited as JSON text: a tool's Cal.com booking
fields (a list whose entries the API does not describe), and shown read only: a tool of
a type voicedesk does not know.
"""

from __future__ import annotations

import json
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

    def __init__(self, value: Any, *, read_only: bool = False, placeholder: str = "",
                 id: str | None = None) -> None:  # noqa: A002 - Textual's name
        text = "" if value is None else json.dumps(value, indent=2, ensure_ascii=False)
        super().__init__(text, soft_wrap=True, compact=True, read_only=read_only, placeholder=placeholder, id=id)

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
        self.post_message(self.Edited(self, parsed, None))
