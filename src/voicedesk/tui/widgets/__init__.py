"""Reusable form controls for the assistant editor, and the picker's assistant table.

They know nothing about assistants or edit sessions: each takes plain values, posts a
`Changed` message when the user edits, and can be set back programmatically without
posting (a `value` assignment or `load`). `AssistantTable` takes plain row tuples and
posts `Opened` when a row is chosen. `KeyBar` is the screens' footer of keys, `GroupList` the editor's sidebar,
`LargeTextArea` the system prompt's editor. `ExactInput` and `ExactTextArea` are the text
controls: they show control characters as stand-ins and give back the exact text.
`OnOffSwitch` and `ToggleChoice` show their state in words and marks, not colour alone.

Each is imported when first asked for: the editor's first screen needs neither the
picker's table nor the prompt's editor.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .assistant_table import AssistantTable as AssistantTable
    from .exact_text import ExactInput as ExactInput
    from .exact_text import ExactTextArea as ExactTextArea
    from .group_list import GroupList as GroupList
    from .id_list import IdListSelect as IdListSelect
    from .json_value import JsonValueEditor as JsonValueEditor
    from .key_bar import KeyBar as KeyBar
    from .key_value import KeyValueEditor as KeyValueEditor
    from .large_text_area import LargeTextArea as LargeTextArea
    from .phrases import PhraseEditor as PhraseEditor
    from .schema_table import SchemaEditor as SchemaEditor
    from .search_select import SearchSelect as SearchSelect
    from .search_select_screen import SearchSelectScreen as SearchSelectScreen
    from .slider import Slider as Slider
    from .toggles import OnOffSwitch as OnOffSwitch
    from .toggles import ToggleChoice as ToggleChoice
    from .tool_list import ToolEditor as ToolEditor

_MODULES = {
    "AssistantTable": "assistant_table",
    "ExactInput": "exact_text",
    "ExactTextArea": "exact_text",
    "GroupList": "group_list",
    "IdListSelect": "id_list",
    "JsonValueEditor": "json_value",
    "KeyBar": "key_bar",
    "KeyValueEditor": "key_value",
    "LargeTextArea": "large_text_area",
    "PhraseEditor": "phrases",
    "SchemaEditor": "schema_table",
    "SearchSelect": "search_select",
    "SearchSelectScreen": "search_select_screen",
    "Slider": "slider",
    "OnOffSwitch": "toggles",
    "ToggleChoice": "toggles",
    "ToolEditor": "tool_list",
}

__all__ = list(_MODULES)


def __getattr__(name: str) -> Any:
    if name not in _MODULES:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(import_module(f".{_MODULES[name]}", __name__), name)
