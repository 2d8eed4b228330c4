"""A small memory of recent answers (a search's matches, the rows made for them)."""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import ItemsView
from typing import Generic, TypeVar

K = TypeVar("K")
V = TypeVar("V")


class Recent(Generic[K, V]):
    """The answers for the last `size` keys; the least recently used goes first. Iterated
    (`items`) from the oldest to the newest, so a search can start from an earlier one."""

    def __init__(self, size: int) -> None:
        self.size = size
        self._answers: OrderedDict[K, V] = OrderedDict()

    def recall(self, key: K) -> V | None:
        answer = self._answers.get(key)
        if answer is not None:
            self._answers.move_to_end(key)
        return answer

    def keep(self, key: K, answer: V) -> V:
        self._answers[key] = answer
        if len(self._answers) > self.size:
            self._answers.popitem(last=False)
        return answer

    def items(self) -> ItemsView[K, V]:
        return self._answers.items()

    def clear(self) -> None:
        self._answers.clear()
