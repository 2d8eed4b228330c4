"""Keys handled in the order they were typed, however fast they come.

Textual hands a key to the widget that has the focus when the key *arrives*, and runs
a binding either as the key arrives (priority bindings) or when the key has come back
up to the app through the focused widget and its parents (all others). In a burst of
keys (an SSH link catching up after lag, keys typed ahead of a slow screen) that loses
their order both ways:
- a binding acts before the keys typed ahead of it are applied: ctrl+q quit without
  asking because the text typed just before it was not yet in the session;
- keys typed after a key whose binding moves the focus or opens a screen go where the
  focus was: text typed after ctrl+f landed in the form's field, not in the finder.

`KeyOrder` holds the keys that come after a *command key* (one that some binding of
the focused widget, its screen or the app takes, or that the focused widget turns into a
screen: `key_opens_screen`) until that key and everything it set off have been handled;
then the next key goes to whatever has the focus by then.
Typing (keys no binding takes) is not held. `settled` is the wait both use: a round
trip through the queues of the focused widget and its parents.
"""

from __future__ import annotations

import asyncio
from collections import deque
from typing import TYPE_CHECKING, Any

from textual import events
from textual.app import ScreenStackError

from voicedesk.tui.textual_private import pump_task

if TYPE_CHECKING:
    from textual.app import App
    from textual.message_pump import MessagePump

# A key waits at most this long for the one before it: something stuck must not keep
# the keyboard from answering (a quit, say).
WAIT_AT_MOST = 2.0  # seconds


async def settled(app: App[Any], *, with_app: bool, deadline: float) -> bool:
    """Wait until the focused widget, its parents (and the app, `with_app`) have handled
    everything queued for them: round trips through their queues, from the focused
    widget up, repeated until a round finds nothing more behind it and the focus did not
    move meanwhile. False when `deadline` (loop time) passed first."""
    loop = asyncio.get_running_loop()
    current = asyncio.current_task()
    while True:
        chain = list((app.focused or app.screen).ancestors_with_self)
        quiet = True
        for node in chain:
            # Not a node awaiting this in its own task: it would wait for itself.
            if (node is app and not with_app) or _runs_in(node, current):
                continue
            queued = await _round_trip(node, deadline - loop.time())
            if queued is None:
                return False
            quiet = quiet and queued == 0
        if quiet and chain == list((app.focused or app.screen).ancestors_with_self):
            return True


def _runs_in(node: MessagePump, task: asyncio.Task[object] | None) -> bool:
    # A message pump processes its queue in a task of its own; code running there
    # cannot wait for that queue.
    return pump_task(node) is task


async def _round_trip(node: MessagePump, timeout: float) -> int | None:
    """How many messages were still queued at `node` once it reached a callback posted
    now (0 for a closed node); None when that took longer than `timeout`."""
    reached: asyncio.Future[int] = asyncio.get_running_loop().create_future()

    def arrive() -> None:
        if not reached.done():
            reached.set_result(node.message_queue_size)

    if not node.call_later(arrive):
        return 0  # closed: nothing more will be handled there
    try:
        return await asyncio.wait_for(reached, max(0.0, timeout))
    except TimeoutError:
        return None


class KeyOrder:
    """Which keys the app may handle now. The app asks `admit` for each key and paste
    that reaches it unforwarded, handles those it may, and tells `handled` afterwards."""

    def __init__(self, app: App[Any]) -> None:
        self._app = app
        self._held: deque[events.Event] = deque()
        self._released: events.Event | None = None  # posted again, now its turn
        self._waiting: asyncio.Task[None] | None = None

    def admit(self, event: events.Event) -> bool:
        """Whether the app may handle `event` now; if not, it is held for its turn."""
        if event is self._released:
            self._released = None
            return True
        if self._waiting is not None or self._released is not None or self._held:
            self._held.append(event)
            return False
        return True

    def is_command(self, event: events.Event) -> bool:
        """A key that a binding of the focused widget, its screen or the app takes, or
        one the focused widget turns into a screen (a list opened by typing its filter)."""
        if not isinstance(event, events.Key):
            return False
        try:
            if event.key in self._app.active_bindings:
                return True
        except ScreenStackError:  # before the first screen: Textual drops the key anyway
            return False
        # A widget that opens a screen on plain typing says so: the keys typed after it
        # must wait for that screen, or each would open one more of it.
        opens_screen = getattr(self._app.focused, "key_opens_screen", None)
        return bool(opens_screen and opens_screen(event))

    def handled(self, event: events.Event, *, command: bool) -> None:
        """The app has handled `event` (a command key: run its priority binding, or
        handed it on). After a command key the next waits until all is quiet."""
        if command:
            self._waiting = asyncio.create_task(self._release_when_quiet())
        else:
            self._release_next()

    async def _release_when_quiet(self) -> None:
        try:
            await settled(self._app, with_app=True, deadline=asyncio.get_running_loop().time() + WAIT_AT_MOST)
        finally:
            self._waiting = None
            self._release_next()

    def _release_next(self) -> None:
        if self._held and self._released is None:
            self._released = self._held.popleft()
            self._app.post_message(self._released)
