"""Reusable form controls for the assistant editor, and the picker's assistant table.

They know nothing about assistants or edit sessions: each takes plain values, posts a
`Changed` message when the user edits, and can be set back programmatically without
posting (a `value` assignment or `load`). `AssistantTable` takes plain row tuples and
posts `Opened` when a row is chosen. `KeyBar` is the screens' footer of keys, `GroupList` the editor's sidebar,
`LargeTextArea` the system prompt's editor.
"""

from .assistant_table import AssistantTable
from .group_list import GroupList
from .key_bar import KeyBar
from .key_value import KeyValueEditor
from .large_text_area import LargeTextArea
from .schema_table import SchemaEditor
from .search_select import SearchSelect, SearchSelectScreen
from .slider import Slider

__all__ = [
    "AssistantTable", "GroupList", "KeyBar", "KeyValueEditor", "LargeTextArea", "SchemaEditor", "SearchSelect", "SearchSelectScreen", "Slider",
]
