"""Reusable form controls for the assistant editor, and the picker's assistant table.

They know nothing about assistants or edit sessions: each takes plain values, posts a
`Changed` message when the user edits, and can be set back programmatically without
posting (a `value` assignment or `load`). `AssistantTable` takes plain row tuples and
posts `Opened` when a row is chosen. `KeyBar` is the screens' footer of keys, `GroupList` the editor's sidebar,
`LargeTextArea` the system prompt's editor. `ExactInput` and `ExactTextArea` are the text
controls: they show control characters as stand-ins and give back the exact text.

Each is imported when first asked for: the editor's first screen needs neither the
picker's table nor the prompt's editor.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .assistant_table import AssistantTable
    from .exact_text import ExactInput, ExactTextArea
    from .group_list import GroupList
    from .id_list import IdListSelect
    from .json_value import JsonValueEditor
    from .key_bar import KeyBar
    from .key_value import KeyValueEditor
    from .large_text_area import LargeTextArea
    from .phrases import PhraseEditor
    from .schema_table import SchemaEditor
    from .search_select import SearchSelect
    from .search_select_screen import SearchSelectScreen
    from .slider import Slider
    from .tool_list import ToolEditor

_MODULES = {
    "AssistantTable": "assistant_table", "ExactInput": "exact_text", "ExactTextArea": "exact_text",
    "GroupList": "group_list", "IdListSelect": "id_list", "JsonValueEditor": "json_value", "KeyBar": "key_bar",
    "KeyValueEditor": "key_value", "LargeTextArea": "large_text_area", "PhraseEditor": "phrases", "SchemaEditor": "schema_table",
    "SearchSelect": "search_select", "SearchSelectScreen": "search_select_screen", "Slider": "slider", "ToolEditor": "tool_list",
}

__all__ = list(_MODULES)


def __getattr__(name: str) -> Any:
    if name not in _MODULES:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(import_module(f".{_MODULES[name]}", __name__), name)
