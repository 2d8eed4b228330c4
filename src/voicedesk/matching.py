"""The app's one matcher: how a typed query finds entries in a list of labels.

Headless (no Textual): the searchable lists (`SearchSelect`), the field finder and the
picker's assistant table all match through a `Catalog`, so a query finds and ranks the
same way everywhere.

- `Catalog.search`: every query word is a subsequence of the label, in any order,
  ranked (a word at the label's start, at a word's start, inside, spread out), the best
  `limit` of them; the lists and the finder.
- `Catalog.containing`: the label holds the query as typed (spaces included), in the
  caller's order; and `Catalog.matching`: every word a subsequence, in the caller's order.
  The picker's table (rows in id order) shows the first, then the rest of the second.

Lists run to thousands of entries (5,000 voices, 2,000 assistants) and every keystroke
searches again, so the work per keystroke is kept small:

- the labels are folded (lowercase, accents dropped: "kruger" finds "Krüger") once per
  list, when first searched;
- each query word is a compiled, backtracking-free subsequence pattern, run over the
  labels in C; a query that narrows an earlier one (typing on) starts from that one's
  matches, and a query seen before (erasing) is answered from memory;
- ranking looks only at the matches and stops at the best `limit`.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter, OrderedDict
from collections.abc import Callable, ItemsView, Iterable, Sequence
from functools import lru_cache
from heapq import nsmallest
from itertools import compress, count, islice, repeat
from operator import add, contains, not_
from typing import Generic, NamedTuple, TypeVar, overload

# A search ranks and returns the best matches only ("type more to narrow"): ranking,
# highlighting and building list rows cost time per row, and nobody scrolls past a
# hundred matches.
MAX_SHOWN_MATCHES = 100
# Queries whose matches are kept per catalog (for narrowing and for erasing).
REMEMBERED_QUERIES = 32

# Ranks of how a query word matches a label (lower is better); a multi-word query's
# rank is the sum over its words, then how spread out and where its fuzzily matched
# words are, then the caller's order.
_PREFIX, _WORD_START, _INSIDE, _FUZZY = 0, 1, 2, 3

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


class _Unaccented(dict[int, str]):
    """A character -> the same without its accents ("ü" -> "u", "é" -> "e"), for
    str.translate: one character for one, worked out once per character met."""

    def __missing__(self, code: int) -> str:
        char = chr(code)
        base = unicodedata.normalize("NFD", char)[:1]
        self[code] = unaccented = base if base and not unicodedata.combining(base) else char
        return unaccented


_UNACCENTED = _Unaccented()


def fold(text: str) -> str:
    """Lowercase and without accents ("Krüger" -> "kruger"), one character for one, so
    offsets in the result are offsets in `text`."""
    folded = text.lower()
    if len(folded) != len(text):
        folded = "".join(char.lower()[:1] or char for char in text)  # e.g. "İ" -> "i", not "i̇"
    return folded if folded.isascii() else folded.translate(_UNACCENTED)


class _Word(NamedTuple):
    """One query word, compiled."""

    text: str
    # Anchored, possessive: finds the earliest subsequence in one pass, no backtracking;
    # group k is the k-th letter.
    fuzzy: re.Pattern[str]
    # The word where a word of the label starts (after a non-alphanumeric or at 0).
    word_start: re.Pattern[str]


@lru_cache(maxsize=512)
def _compile(word: str) -> _Word:
    subsequence = "".join(f"[^{char}]*+({char})" for char in map(re.escape, word))
    # The first letter, then the look back: a pattern that starts with a literal is
    # searched for several times faster than one that starts with a look-behind.
    first, rest = re.escape(word[0]), re.escape(word[1:])
    return _Word(word, re.compile(subsequence), re.compile(rf"{first}(?<![^\W_]{first}){rest}"))


def _spread(word: _Word, label: str) -> int:
    """How loosely `word` matches `label` fuzzily: the letters skipped between its first
    and last, and where the first is (0 at the start, 1 at a word's start, else 2), so
    "German" comes before "Voice (German)" for "grmn"."""
    found = word.fuzzy.match(label)
    assert found is not None  # only measured for labels that match
    first = found.start(1)
    where = 0 if first == 0 else 1 if not label[first - 1].isalnum() else 2
    return found.end() - first - len(word.text) + where


class Result(NamedTuple):
    candidates: list[int]  # every matching entry, in the caller's order
    folded: list[str]  # their labels, folded (a narrower query filters these)
    best: list[int]  # the best `limit` of them, best first


class Catalog(Sequence[str]):
    """The labels of one list, prepared for searching; kept by its owner until the list
    changes (a `SearchSelect` keeps it across openings of its picker, so reopening finds
    the labels folded). Searches are remembered until `forget_searches` (narrowing as
    the operator types, and answers ready when erasing)."""

    def __init__(self, labels: Iterable[str], *, limit: int = MAX_SHOWN_MATCHES) -> None:
        """`limit`: how many of the best matches a search ranks and returns."""
        self.labels = list(labels)
        self.limit = limit
        self._folded: list[str] | None = None
        self._exact: dict[str, int] | None = None  # a whole label's words -> its index
        self._results: Recent[tuple[str, ...], Result] = Recent(REMEMBERED_QUERIES)
        self._matched: Recent[tuple[str, ...], tuple[list[int], list[str]]] = Recent(REMEMBERED_QUERIES)
        self._holding: Recent[str, list[int]] = Recent(REMEMBERED_QUERIES)

    def __len__(self) -> int:
        return len(self.labels)

    @overload
    def __getitem__(self, index: int) -> str: ...
    @overload
    def __getitem__(self, index: slice) -> list[str]: ...
    def __getitem__(self, index: int | slice) -> str | list[str]:
        return self.labels[index]

    @property
    def folded(self) -> list[str]:
        """The labels, folded: once, by `prepare` or else at the first search."""
        if self._folded is None:
            self._folded = [fold(label) for label in self.labels]
        return self._folded

    def prepare(self, *, ranking: bool = True) -> None:
        """Fold the labels now (once a list is drawn, or when its rows arrive), not at the
        first keystroke; `ranking`: also index the whole labels, which `search` puts
        first (`containing` needs no index)."""
        folded = self.folded
        if ranking and self._exact is None:
            self._exact = {}
            for index, label in enumerate(folded):
                self._exact.setdefault(" ".join(label.split()), index)

    @staticmethod
    def words(query: str) -> tuple[str, ...]:
        return tuple(fold(query).split())

    def forget_searches(self) -> None:
        """Drop the remembered searches (up to two lists per query), keeping the labels."""
        self._results.clear()
        self._matched.clear()
        self._holding.clear()

    def containing(self, text: str) -> list[int]:
        """The entries whose labels hold `text` (folded, spaces and all), in the caller's
        order. A text that holds a remembered one is looked for among that one's
        matches only (typing narrows)."""
        text = fold(text)
        found = self._holding.recall(text)
        if found is not None:
            return found
        within: Sequence[int] = range(len(self.labels))
        for earlier, matches in self._holding.items():
            if earlier in text and len(matches) < len(within):
                within = matches
        labels = map(self.folded.__getitem__, within)
        found = list(compress(within, map(contains, labels, repeat(text))))  # a loop in C
        return self._holding.keep(text, found)

    def search(self, words: tuple[str, ...]) -> Result:
        """The entries whose labels hold every word as a subsequence, in any order."""
        result = self._results.recall(words)
        if result is not None:
            return result
        candidates, folded = self.matching(words)
        return self._results.keep(words, Result(candidates, folded, self._best(words, candidates, folded)))

    def matching(self, words: tuple[str, ...]) -> tuple[list[int], list[str]]:
        """Every entry whose label holds every word as a subsequence, in the caller's
        order, with its folded label; not ranked (the picker's table keeps its order)."""
        known = self._matched.recall(words)
        if known is not None:
            return known
        # Narrowing: an earlier query each of whose words is part of one of these words
        # matched everything this one matches; start from the fewest such matches.
        base: tuple[str, ...] = ()
        candidates: Sequence[int] = range(len(self.labels))
        folded = self.folded
        fewest = (len(candidates), 0)
        for earlier, (earlier_candidates, earlier_folded) in self._matched.items():
            size = (len(earlier_candidates), -len(earlier))
            if size < fewest and all(any(part in word for word in words) for part in earlier):
                base, fewest = earlier, size
                candidates, folded = earlier_candidates, earlier_folded
        for word in words:
            if word not in base:
                # In C, no loop in Python; bools, not thousands of live match objects (which
                # would wake the garbage collector).
                matched = list(map(bool, map(_compile(word).fuzzy.match, folded)))
                candidates, folded = list(compress(candidates, matched)), list(compress(folded, matched))
        return self._matched.keep(words, (list(candidates), list(folded)))

    def _best(self, words: tuple[str, ...], candidates: list[int], labels: list[str]) -> list[int]:
        """The best `limit` candidates: by the sum of their words' ranks, then
        how spread out (and how far into a word) their fuzzily matched words are, then
        the caller's order.

        Written for thousands of candidates: ranks are found by C-level string and regex
        calls in comprehensions, and spreads are measured only for the candidates that
        can still make the cut (thousands of tuples would also wake the garbage collector).
        """
        if not candidates:
            return []
        compiled = [_compile(word) for word in words]
        if len(compiled) == 1:
            return self._exact_first(words, self._best_of_one(compiled[0], candidates, labels))
        totals: list[int] = []
        for word in compiled:
            text, word_start = word.text, word.word_start.search
            ranks = [
                _PREFIX if label.startswith(text)
                else _WORD_START if word_start(label)
                else _INSIDE if text in label
                else _FUZZY
                for label in labels
            ]
            totals = list(map(add, totals, ranks)) if totals else ranks
        lowest = min(totals)
        if lowest < _FUZZY and totals.count(lowest) >= self.limit:
            # Enough ties for the best rank ("v" in 5,000 "Voice ..."): the first of them.
            chosen = list(islice(compress(count(), map(lowest.__eq__, totals)), self.limit))
            return self._exact_first(words, [candidates[position] for position in chosen])
        # The worst total that still makes the cut; everything better is in.
        counts = Counter(totals)
        taken = 0
        for cut in sorted(counts):
            taken += counts[cut]
            if taken >= self.limit:
                break
        chosen = [position for position, total in enumerate(totals) if total <= cut]
        if cut < _FUZZY:
            # No word matched fuzzily: by total, then the caller's order (a stable sort).
            chosen.sort(key=totals.__getitem__)
            best = [candidates[position] for position in chosen[:self.limit]]
        else:
            keys = []
            for position in chosen:
                label = labels[position]
                spread = 0
                for word in compiled:
                    if word.text not in label:
                        spread += _spread(word, label)
                keys.append((totals[position], spread, candidates[position]))
            best = [index for _, _, index in nsmallest(self.limit, keys)]
        return self._exact_first(words, best)

    def _best_of_one(self, word: _Word, candidates: list[int], labels: list[str]) -> list[int]:
        """`_best` for a one-word query, rank by rank, each a scan in C that stops once
        the list is full: typing the first word is when there are the most candidates."""
        text = word.text
        scans: list[Callable[[], Iterable[object]]] = [
            lambda: map(str.startswith, labels, repeat(text)),  # _PREFIX
            lambda: map(word.word_start.search, labels),  # _WORD_START (and _PREFIX)
            lambda: map(contains, labels, repeat(text)),  # _INSIDE (and the two above)
        ]
        chosen: list[int] = []  # positions in candidates
        for scan in scans:
            hits: Iterable[int] = compress(count(), scan())
            if chosen:
                taken = set(chosen)
                hits = (position for position in hits if position not in taken)
            chosen.extend(islice(hits, self.limit - len(chosen)))
            if len(chosen) == self.limit:
                return [candidates[position] for position in chosen]
        # _FUZZY: the rest, by spread (see _best), then the caller's order.
        keys = [
            (_spread(word, labels[position]), position)
            for position in compress(count(), map(not_, map(contains, labels, repeat(text))))
        ]
        chosen += [position for _, position in nsmallest(self.limit - len(chosen), keys)]
        return [candidates[position] for position in chosen]

    def _exact_first(self, words: tuple[str, ...], best: list[int]) -> list[int]:
        """A label that is the query, whole, comes first ("German" before "Germanic")."""
        self.prepare()
        exact = self._exact.get(" ".join(words)) if self._exact is not None else None
        if exact is not None and (not best or best[0] != exact):
            if exact in best:
                best.remove(exact)
            elif len(best) == self.limit:
                best.pop()
            best.insert(0, exact)
        return best

    def offsets(self, words: tuple[str, ...], index: int) -> list[int]:
        """The offsets of the characters that matched, for highlighting."""
        label = self.folded[index]
        offsets: set[int] = set()
        for word in map(_compile, words):
            # Where the word ranked the label: at its start, at a word's start, anywhere.
            at = label.find(word.text)
            if at > 0 and (found := word.word_start.search(label, at)) is not None:
                at = found.start()
            if at >= 0:
                offsets.update(range(at, at + len(word.text)))
            else:
                found = word.fuzzy.match(label)
                if found is not None:
                    offsets.update(found.start(group) for group in range(1, len(word.text) + 1))
        return sorted(offsets)
