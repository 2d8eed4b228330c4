"""Values with no control of their own, edited as JSON text: the 2026 built-in tools
list and the filler phrases. Secrets in them (a Cal.com API key) never reach the
screen: they are shown as `KEPT` and put back from the value they came with.
"""

from __future__ import annotations

import json
from typing import Any

from textual import on
from textual.message import Message
from textual.widgets import TextArea

from .exact_text import ExactTextArea

KEPT = "*** kept ***"  # a secret as it is shown: the stored one stays unless replaced


def masked(value: Any, secrets: frozenset[str]) -> Any:
    """The value with each secret (a key of `secrets` in an object of a list) as KEPT."""
    if not isinstance(value, list) or not secrets:
        return value
    return [
        {key: (KEPT if key in secrets and item else item) for key, item in entry.items()}
        if isinstance(entry, dict) else entry
        for entry in value
    ]


def unmasked(edited: Any, original: Any, secrets: frozenset[str]) -> tuple[Any, str | None]:
    """The edited value with each KEPT put back from the entry of the same type at the
    same place in `original` (else from the only entry of that type); a problem when
    there is none to take it from."""
    if not isinstance(edited, list) or not secrets:
        return edited, None
    before = original if isinstance(original, list) else []
    result = []
    for index, entry in enumerate(edited):
        if not isinstance(entry, dict) or not any(entry.get(key) == KEPT for key in secrets):
            result.append(entry)
            continue
        source = before[index] if index < len(before) and isinstance(before[index], dict) \
            and before[index].get("type") == entry.get("type") else None
        if source is None:
            same_type = [e for e in before if isinstance(e, dict) and e.get("type") == entry.get("type")]
            source = same_type[0] if len(same_type) == 1 else None
        if source is None:
            return edited, f"tool {index + 1}: type the secret again ({KEPT!r} has no stored value here)"
        result.append({key: (source.get(key) if key in secrets and item == KEPT else item)
                       for key, item in entry.items()})
    return result, None


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

    def __init__(self, value: Any, *, secrets: frozenset[str] = frozenset(), id: str | None = None) -> None:  # noqa: A002
        self._original = value
        self._secrets = secrets
        super().__init__(self.shown(value), soft_wrap=True, compact=True, id=id)

    def shown(self, value: Any) -> str:
        return "" if value is None else json.dumps(masked(value, self._secrets), indent=2, ensure_ascii=False)

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
        value, problem = unmasked(parsed, self._original, self._secrets)
        self.post_message(self.Edited(self, value, problem))
