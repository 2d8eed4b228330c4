"""Reusable form controls for the assistant editor, and the picker's assistant table.

They know nothing about assistants or edit sessions: each takes plain values, posts a
`Changed` message when the user edits, and can be set back programmatically without
posting (a `value` assignment or `load`). `AssistantTable` takes plain row tuples and
posts `Opened` when a row is chosen. `KeyBar` is the screens' footer of keys, `GroupList` the editor's sidebar,
`TextBox` the form's text areas, `LargeTextArea` the system prompt's editor.

Each is imported when first asked for: the editor's first screen needs neither the
picker's table nor the prompt's editor.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .assistant_table import AssistantTable
    from .group_list import GroupList
    from .key_bar import KeyBar
    from .key_value import KeyValueEditor
    from .large_text_area import LargeTextArea
    from .schema_table import SchemaEditor
    from .search_select import SearchSelect, SearchSelectScreen
    from .slider import Slider
    from .text_box import TextBox

_MODULES = {
    "AssistantTable": "assistant_table", "GroupList": "group_list", "KeyBar": "key_bar",
    "KeyValueEditor": "key_value", "LargeTextArea": "large_text_area", "SchemaEditor": "schema_table",
    "SearchSelect": "search_select", "SearchSelectScreen": "search_select", "Slider": "slider",
    "TextBox": "text_box",
}

__all__ = list(_MODULES)


def __getattr__(name: str) -> Any:
    if name not in _MODULES:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(import_module(f".{_MODULES[name]}", __name__), name)
