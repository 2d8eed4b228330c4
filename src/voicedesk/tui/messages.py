"""What screens tell the app about themselves (messages up; see `VoicedeskApp`)."""

from __future__ import annotations

from textual.message import Message


class ScreenReady(Message):
    """A screen shows what it loaded (or why it could not) and takes input: the app's
    start-up is over (see `voicedesk.speed.first_screen_ready`)."""


class ScreenComplete(Message):
    """A screen has built everything it keeps (see `voicedesk.speed.freeze_what_is_loaded`)."""


class ReviewWanted(Message):
    """A field's own screen (the prompt, a tool) was left with ctrl+s: the editor goes on
    to the review."""
