"""Reusable form controls for the assistant editor.

They know nothing about assistants or edit sessions: each takes plain values, posts a
`Changed` message when the user edits, and can be set back programmatically without
posting (a `value` assignment or `load`).
"""

from .key_value import KeyValueEditor
from .schema_table import SchemaEditor
from .search_select import SearchSelect, SearchSelectScreen
from .slider import Slider

__all__ = ["KeyValueEditor", "SchemaEditor", "SearchSelect", "SearchSelectScreen", "Slider"]
