"""A string that never shows itself: for the API key, wherever it is held."""

from __future__ import annotations


class Secret:
    """repr(), str(), vars() and traceback locals show *** instead of the value."""

    __slots__ = ("_value",)

    def __init__(self, value: str) -> None:
        self._value = value

    def reveal(self) -> str:
        return self._value

    def __repr__(self) -> str:
        return "Secret('***')"

    __str__ = __repr__

    def __bool__(self) -> bool:
        return bool(self._value)
