"""Client-side pacing: never send more than the API's documented rate allows.

The server's headers only tell us about requests it has already counted; a burst of
concurrent requests (the list's pages and the lookups) would overshoot before the
first answer arrives. So the client keeps its own sliding windows of send times.
"""

from __future__ import annotations

import asyncio
import bisect
import time

# The platform's limits: 20 requests per 10 seconds and 100 per minute.
API_RATE_LIMITS: tuple[tuple[int, float], ...] = ((20, 10.0), (100, 60.0))
# The server counts a request when it arrives, a little after we send it.
_ARRIVAL_MARGIN = 0.25


class RateGate:
    def __init__(self, limits: tuple[tuple[int, float], ...] = API_RATE_LIMITS) -> None:
        self.limits = limits
        self._sent: list[float] = []  # in order
        self._lock = asyncio.Lock()  # first come, first served

    def _wait_needed(self, now: float) -> float:
        longest = max((span for _, span in self.limits), default=0.0)
        while self._sent and now - self._sent[0] > longest + _ARRIVAL_MARGIN:
            del self._sent[0]
        wait = 0.0
        for limit, span in self.limits:
            in_window = [sent for sent in self._sent if now - sent < span + _ARRIVAL_MARGIN]
            if len(in_window) >= limit:
                oldest_that_must_expire = in_window[len(in_window) - limit]
                wait = max(wait, oldest_that_must_expire + span + _ARRIVAL_MARGIN - now)
        return wait

    async def acquire(self) -> float:
        """Wait until one more request fits every window, then count it as sent.

        Returns the send time, which `release` takes back for a request that never
        reached the server (a refused connection), so failures do not eat the budget.
        """
        async with self._lock:
            while (wait := self._wait_needed(time.monotonic())) > 0:
                await asyncio.sleep(wait)
            sent = time.monotonic()
            self._sent.append(sent)
            return sent

    def release(self, sent: float) -> None:
        try:
            self._sent.remove(sent)
        except ValueError:
            pass  # already aged out of every window

    def answered(self, sent: float, at: float) -> None:
        """The request counted at `sent` ended at `at`. The server counted it somewhere
        in between, so it counts from `at`: on a busy machine or a slow link a request
        can reach the server later than the margin allows (a 10,000-assistant scan
        met nine 429s so)."""
        try:
            self._sent.remove(sent)
        except ValueError:
            return  # already aged out of every window
        bisect.insort(self._sent, at)
