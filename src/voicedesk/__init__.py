"""voicedesk: a terminal editor for the AI phone assistants of a voice-agent platform."""

__version__ = "0.1.0"
