"""The field catalogue: every setting of the Update Assistant endpoint, described once,
and what each dialect of the API makes of it.

The form, validation, wire translation, diff, CLI parsing and help screen are all
generated from a `Catalogue`. A setting is one `Field` (its identity is its name in the
seed's dialect, or its 2026 name when the seed lacks it); each `Dialect` says, as data
(`_DIALECT_2026`), whether it has the setting, its update name, how its value is
written, and the rules that differ. `catalogue(dialect)` applies that. The 2025
catalogue's order and grouping follow the seed reference (`shared/seed`), and each field
keeps the seed's own sentence in `seed` so a test can prove nothing was missed or
invented; the 2026 rows follow `shared/api-contract.md`.

Edit values keep one vocabulary whatever the dialect (a language by its name, a call
direction as receive/make), so drafts, the history and the controls are the same for
both; only the body differs (`Write`).
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from enum import Enum
from functools import cache
from typing import Any


class Dialect(str, Enum):
    """The update contract a host speaks (api-contract.md, "Two dialects")."""

    D2025 = "2025"  # the seed's names
    D2026 = "2026"  # the platform's contract since 2026-02-17


class Kind(str, Enum):
    TEXT = "text"
    LONG_TEXT = "long text"
    INTEGER = "integer"
    NUMBER = "number"
    BOOLEAN = "boolean"
    CHOICE = "choice"
    LOOKUP = "lookup"
    KEY_VALUE = "key-value"
    SCHEMA = "schema table"
    ID_LIST = "id list"  # a list of ids from a lookup, sent whole
    TOOLS = "tools"  # the built-in tools, sent whole
    PHRASES = "phrase lists"  # named lists of phrases (filler_config), sent whole


class Lookup(str, Enum):
    """Where a lookup field's options come from."""

    VOICES = "voices"
    LANGUAGES = "languages"
    MODELS = "models"
    PHONE_NUMBERS = "phone numbers"
    TIMEZONES = "timezones"
    # 2026 only
    MULTIMODAL_MODELS = "multimodal models"
    TOOLS = "mid-call tools"
    KNOWLEDGE_BASES = "knowledge bases"
    FOLDERS = "folders"
    LABELS = "labels"
    SYNTHESIZERS = "speech providers"
    TRANSCRIBERS = "transcription providers"

    @property
    def per_language(self) -> bool:
        """A 2026 list the host gives per language (`?language_id=`), loaded for the
        assistant's language (see `remote.load_providers`)."""
        return self in (Lookup.SYNTHESIZERS, Lookup.TRANSCRIBERS)


class Read(str, Enum):
    """How a value is converted from the list (read) shape to the edit value."""

    SAME = "same"  # taken as it is
    DECIMAL = "decimal"  # "0.7" -> 0.7
    INT_BOOL = "0/1"  # 0/1 -> False/True
    BOOL = "bool"  # JSON boolean
    LANGUAGE_ID = "language id"  # id -> name through the languages lookup
    MODEL_ID = "model id"  # id -> name through the models lookup
    DIRECTION = "direction"  # inbound/outbound -> receive/make
    NOT_NULL = "not null"  # true when the source is not null
    END_CALL_TOOL = "end call tool"  # tools[] entry of type end_call
    WAIT_FOR_CUSTOMER = "wait for customer"  # false/true -> "AI assistant"/"Customer"
    VARIABLES = "variables"  # object of strings ([] from PHP means empty)
    SCHEMA = "schema"  # list of {name, type, description}
    TOOLS = "tools"  # [{type, data: {...}}] -> [{type, ...}] (the write shape)
    ID_LIST = "id list"  # list of ids (strings of digits taken)
    PHRASES = "phrases"  # object of lists of strings


class Write(str, Enum):
    """How an edit value is written into the update body (the dialect decides)."""

    SAME = "same"
    LANGUAGE_ID = "language id"  # a language's name -> its id
    MODEL_ID = "model id"  # a model's name -> its id
    DIRECTION = "direction"  # receive/make -> inbound/outbound
    WAIT_FOR_CUSTOMER = "wait for customer"  # "AI assistant"/"Customer" -> false/true


class Group(str, Enum):
    CORE = "Core"
    OPTIONAL = "Optional configuration"
    WEBHOOK = "Webhook"
    INTERRUPTION = "Interruption"
    VARIABLES = "Variables and schema"
    END_CALL = "End call tool"
    TOOLS = "Tools and knowledge"  # 2026
    VOICE = "Voice and speech"
    CALL = "Call behaviour"
    ORGANISE = "Folder and labels"  # 2026


@dataclass(frozen=True)
class Choice:
    value: str
    label: str


@dataclass(frozen=True)
class Field:
    name: str  # the update body's name (dotted when nested)
    group: Group
    label: str
    help: str
    seed: str  # the seed reference's sentence for this field, verbatim
    kind: Kind
    source: str | None  # the list record's key the value is read from
    read: Read = Read.SAME
    minimum: float | None = None
    maximum: float | None = None
    step: float | None = None
    unit: str = ""
    max_length: int | None = None
    nullable: bool = False  # may be sent as null
    required: bool = False  # may not be sent empty (inferred from the create rules)
    full_screen: bool = False  # long text edited in a screen of its own (prompts are huge)
    choices: tuple[Choice, ...] = ()
    lookup: Lookup | None = None
    enabled_by: str | None = None  # a boolean field that must be on for this one to apply
    # What the dialect makes of it (`catalogue` fills these in).
    dialect: Dialect = Dialect.D2025
    wire: str = ""  # the update body's name in this dialect ("" = `name`)
    write: Write = Write.SAME
    # False: the list record does not report it (the 2026 contract can write settings the
    # list never shows); unknown until set, never given a default, sent only when set.
    reported: bool = True
    modes: tuple[str, ...] = ()  # the engine types it applies to (empty: all)

    @property
    def holds_id(self) -> bool:
        """A lookup whose value is an id (not a name, as the seed's language and model)."""
        return self.kind is Kind.LOOKUP and self.read is Read.SAME and self.lookup is not Lookup.TIMEZONES

    @property
    def update_name(self) -> str:
        """The name this dialect's update body (and its 422s) use."""
        return self.wire or self.name

    @property
    def ranged(self) -> bool:
        return self.minimum is not None and self.maximum is not None

    @property
    def is_numeric(self) -> bool:
        return self.kind in (Kind.INTEGER, Kind.NUMBER)

    def range_text(self) -> str:
        """The documented range in words, e.g. '0.7-1.2' or '7-600 s'."""
        if not self.ranged:
            return ""
        text = f"{_num(self.minimum)}-{_num(self.maximum)}"
        return f"{text} {self.unit}" if self.unit else text

    def choice_label(self, value: object) -> str:
        for choice in self.choices:
            if choice.value == value:
                return choice.label
        return str(value)


def _num(value: float | None) -> str:
    return "" if value is None else f"{value:g}"


_SECONDS = "s"

CATALOGUE: tuple[Field, ...] = (
    # Core
    Field(
        "assistant_name", Group.CORE, "Name",
        "What operators see in lists; callers never hear it.",
        "The name of the assistant (max 255 characters)",
        Kind.TEXT, "name", max_length=255, required=True,
    ),
    Field(
        "voice_id", Group.CORE, "Voice",
        "The voice the assistant speaks with. It must be one of the account's voices "
        "and made for the current engine type.",
        "The voice ID to use for the assistant (must exist in available voices)",
        Kind.LOOKUP, "voice_id", lookup=Lookup.VOICES,
    ),
    Field(
        "language", Group.CORE, "Language",
        "The language the assistant listens and speaks in, by its name in the account.",
        "The language name for the assistant (max 100 characters)",
        Kind.LOOKUP, "language_id", Read.LANGUAGE_ID, max_length=100,
        lookup=Lookup.LANGUAGES,
    ),
    Field(
        "llm_model", Group.CORE, "LLM model",
        "The language model that writes the assistant's replies, by name.",
        "The LLM model name to use (max 100 characters)",
        Kind.LOOKUP, "llm_model_id", Read.MODEL_ID, max_length=100,
        lookup=Lookup.MODELS,
    ),
    Field(
        "calls_direction", Group.CORE, "Call direction",
        "Whether the assistant answers calls (receive) or places them (make).",
        "The call direction type. Options: receive, make",
        Kind.CHOICE, "type", Read.DIRECTION,
        choices=(Choice("receive", "Inbound (receive)"), Choice("make", "Outbound (make)")),
    ),
    Field(
        "engine_type", Group.CORE, "Engine type",
        "Pipeline chains speech-to-text, LLM and text-to-speech; multimodal uses one "
        "speech model. Voices belong to one engine type.",
        "The engine type to use. Options: pipeline, multimodal",
        Kind.CHOICE, "mode",
        choices=(Choice("pipeline", "Pipeline"), Choice("multimodal", "Multimodal")),
    ),
    Field(
        "timezone", Group.CORE, "Timezone",
        "The IANA time zone the assistant uses for dates and times, e.g. Europe/Berlin.",
        "The timezone for the assistant (e.g., “America/New_York”)",
        Kind.LOOKUP, "timezone", lookup=Lookup.TIMEZONES,
    ),
    Field(
        "initial_message", Group.CORE, "Initial message",
        "The first thing the assistant says once the call connects.",
        "The initial message the assistant will speak when the call starts",
        Kind.LONG_TEXT, "initial_message",
    ),
    Field(
        "system_prompt", Group.CORE, "System prompt",
        "The instructions that set the assistant's role, tone and rules.",
        "The system prompt that defines the assistant’s behavior and personality",
        Kind.LONG_TEXT, "system_prompt", required=True, full_screen=True,
    ),
    # Optional configuration
    Field(
        "phone_number_id", Group.OPTIONAL, "Phone number",
        "The account number the assistant uses; 'no number' unassigns it. Inbound "
        "assistants cannot take caller-ID numbers.",
        "The ID of a phone number to assign to the assistant (set to null to unassign)",
        Kind.LOOKUP, "phone_number_id", nullable=True, lookup=Lookup.PHONE_NUMBERS,
    ),
    Field(
        "endpoint_type", Group.OPTIONAL, "Endpoint detection",
        "How the end of the caller's turn is detected: voice activity (vad) or an AI model.",
        "Voice activity detection type. Options: vad, ai",
        Kind.CHOICE, "endpoint_type",
        choices=(Choice("vad", "Voice activity (vad)"), Choice("ai", "AI model (ai)")),
    ),
    Field(
        "endpoint_sensitivity", Group.OPTIONAL, "Endpoint sensitivity",
        "How quickly a pause counts as the end of the caller's turn; higher reacts sooner.",
        "Endpoint sensitivity level (0-5)",
        Kind.NUMBER, "endpoint_sensitivity", minimum=0, maximum=5, step=0.1,
    ),
    Field(
        "interrupt_sensitivity", Group.OPTIONAL, "Interrupt sensitivity",
        "How easily the caller's voice interrupts the assistant; higher interrupts sooner.",
        "Interrupt sensitivity level (0-5)",
        Kind.NUMBER, "interrupt_sensitivity", minimum=0, maximum=5, step=0.1,
    ),
    Field(
        "ambient_sound_volume", Group.OPTIONAL, "Ambient sound volume",
        "Loudness of the background ambience mixed into the call.",
        "Ambient sound volume level (0-1)",
        Kind.NUMBER, "ambient_sound_volume", Read.DECIMAL, minimum=0, maximum=1, step=0.05,
    ),
    Field(
        "post_call_evaluation", Group.OPTIONAL, "Post-call evaluation",
        "Evaluate every call after it ends.",
        "Whether to enable post-call evaluation",
        Kind.BOOLEAN, "post_call_evaluation", Read.BOOL,
    ),
    Field(
        "send_webhook_only_on_completed", Group.OPTIONAL, "Webhook only on completed calls",
        "Skip the webhook for calls that did not complete.",
        "Whether to send webhooks only on completed calls",
        Kind.BOOLEAN, "send_webhook_only_on_completed", Read.BOOL,
    ),
    Field(
        "include_recording_in_webhook", Group.OPTIONAL, "Recording in webhook",
        "Add the call recording's URL to the webhook payload.",
        "Whether to include recording URL in webhook payload",
        Kind.BOOLEAN, "include_recording_in_webhook", Read.BOOL,
    ),
    # Webhook
    Field(
        "is_webhook_active", Group.WEBHOOK, "Webhook active",
        "Post call results to the webhook URL. Turning it on needs a URL.",
        "Whether webhook notifications are enabled",
        Kind.BOOLEAN, "is_webhook_active", Read.BOOL,
    ),
    Field(
        "webhook_url", Group.WEBHOOK, "Webhook URL",
        "The http(s) address that receives post-call data; clearing it removes the webhook.",
        "The webhook URL for post-call notifications (can be set to null to remove)",
        Kind.TEXT, "webhook_url", nullable=True,
    ),
    # Interruption
    Field(
        "use_min_interrupt_words", Group.INTERRUPTION, "Use minimum interrupt words",
        "Only let the caller interrupt after saying a minimum number of words.",
        "Whether to use minimum interrupt words setting",
        Kind.BOOLEAN, "min_interrupt_words", Read.NOT_NULL,
    ),
    Field(
        "min_interrupt_words", Group.INTERRUPTION, "Minimum interrupt words",
        "How many words the caller must say before the assistant stops talking.",
        "Minimum number of words before interruption is allowed (0-10)",
        Kind.INTEGER, "min_interrupt_words", minimum=0, maximum=10, step=1,
        unit="words", enabled_by="use_min_interrupt_words",
    ),
    # Variables and schema
    Field(
        "variables", Group.VARIABLES, "Variables",
        "Named values the prompts can use as {{name}}. Sent whole: the list replaces "
        "the stored one.",
        "Key-value pairs of custom variables for the assistant",
        Kind.KEY_VALUE, "variables", Read.VARIABLES,
    ),
    Field(
        "post_call_schema", Group.VARIABLES, "Post-call schema",
        "The data to extract from each call: a name (letters, digits, underscores), "
        "a type (string, number or bool) and a description. Sent whole.",
        "Schema definition for post-call data extraction",
        Kind.SCHEMA, "post_call_schema", Read.SCHEMA,
    ),
    # End call tool
    Field(
        "end_call_tool.description", Group.END_CALL, "End call description",
        "Tells the model when to hang up by itself.",
        "Description for the end call tool functionality (max 500 characters)",
        Kind.LONG_TEXT, "tools", Read.END_CALL_TOOL, max_length=500, required=True,
    ),
    # Voice and speech
    Field(
        "llm_temperature", Group.VOICE, "LLM temperature",
        "Randomness of the replies: low is consistent, high is varied.",
        "LLM temperature setting (0-1)",
        Kind.NUMBER, "llm_temperature", Read.DECIMAL, minimum=0, maximum=1, step=0.05,
    ),
    Field(
        "voice_stability", Group.VOICE, "Voice stability",
        "Higher is steadier; lower is more expressive.",
        "Voice stability setting (0-1)",
        Kind.NUMBER, "voice_stability", Read.DECIMAL, minimum=0, maximum=1, step=0.05,
    ),
    Field(
        "voice_similarity", Group.VOICE, "Voice similarity",
        "How closely the speech keeps to the original voice.",
        "Voice similarity setting (0-1)",
        Kind.NUMBER, "voice_similarity", Read.DECIMAL, minimum=0, maximum=1, step=0.05,
    ),
    Field(
        "speech_speed", Group.VOICE, "Speech speed",
        "Speaking rate; 1 is normal.",
        "Speech speed multiplier (0.7-1.2)",
        Kind.NUMBER, "speech_speed", Read.DECIMAL, minimum=0.7, maximum=1.2, step=0.05,
        unit="x",
    ),
    # Call behaviour
    Field(
        "allow_interruptions", Group.CALL, "Allow interruptions",
        "Let callers talk over the assistant.",
        "Whether to allow caller interruptions",
        Kind.BOOLEAN, "allow_interruptions", Read.BOOL,
    ),
    Field(
        "filler_audios", Group.CALL, "Filler audio",
        "Play short fillers while the reply is being prepared.",
        "Whether to use filler audio during processing",
        Kind.BOOLEAN, "fillers", Read.INT_BOOL,
    ),
    Field(
        "re_engagement_interval", Group.CALL, "Re-engagement interval",
        "After this much silence the assistant speaks up again.",
        "Re-engagement interval in seconds (7-600)",
        Kind.INTEGER, "reengagement_interval", minimum=7, maximum=600, step=1,
        unit=_SECONDS,
    ),
    Field(
        "max_call_duration", Group.CALL, "Maximum call duration",
        "The call is ended when it reaches this length.",
        "Maximum call duration in seconds (20-1200)",
        Kind.INTEGER, "max_duration", minimum=20, maximum=1200, step=10, unit=_SECONDS,
    ),
    Field(
        "max_silence_duration", Group.CALL, "Maximum silence",
        "The call is ended after this much silence.",
        "Maximum silence duration in seconds (1-120)",
        Kind.INTEGER, "max_silence_duration", minimum=1, maximum=120, step=1,
        unit=_SECONDS,
    ),
    Field(
        "end_call_on_voicemail", Group.CALL, "End call on voicemail",
        "Hang up when an answering machine picks up.",
        "Whether to end call when voicemail is detected",
        Kind.BOOLEAN, "end_call_on_voicemail", Read.INT_BOOL,
    ),
    Field(
        "noise_cancellation", Group.CALL, "Noise cancellation",
        "Filter background noise from the caller's audio.",
        "Whether to enable noise cancellation",
        Kind.BOOLEAN, "enable_noise_cancellation", Read.BOOL,
    ),
    Field(
        "record_call", Group.CALL, "Record call",
        "Keep a recording of every call.",
        "Whether to record the call",
        Kind.BOOLEAN, "record", Read.BOOL,
    ),
    Field(
        "who_speaks_first", Group.CALL, "Who speaks first",
        "Whether the assistant opens the call or waits for the caller.",
        "Who speaks first in the call. Options: AI assistant, Customer",
        Kind.CHOICE, "wait_for_customer", Read.WAIT_FOR_CUSTOMER,
        choices=(Choice("AI assistant", "AI assistant"), Choice("Customer", "Customer")),
    ),
)

# Settings only the 2026 dialect has (api-contract.md, "The 2026 dialect"); `seed` holds
# the contract's rule for each. Their names are the 2026 update names.
_ONLY_2026: tuple[Field, ...] = (
    Field(
        "secondary_language_ids", Group.CORE, "Secondary languages",
        "Further languages the assistant may switch to. Sent whole.",
        "integer array; replaces; [] clears",
        Kind.ID_LIST, "secondary_language_ids", Read.ID_LIST, lookup=Lookup.LANGUAGES,
        reported=False,
    ),
    Field(
        "multimodal_model_id", Group.CORE, "Multimodal model",
        "The speech-to-speech model of a multimodal or dualplex assistant.",
        "integer from models?type=multimodal or dualplex; those modes only",
        Kind.LOOKUP, "multimodal_model_id", nullable=True, lookup=Lookup.MULTIMODAL_MODELS,
        modes=("multimodal", "dualplex"),
    ),
    Field(
        "chat_llm_fallback_id", Group.CORE, "Fallback LLM",
        "The language model used for tool calls by multimodal and dualplex assistants.",
        "integer or null: the LLM used for tool calls, multimodal/dualplex",
        Kind.LOOKUP, "chat_llm_fallback_id", nullable=True, lookup=Lookup.MODELS,
        reported=False, modes=("multimodal", "dualplex"),
    ),
    Field(
        "turn_detection_threshold", Group.OPTIONAL, "Turn detection threshold",
        "How sure the model must be that the caller has finished; empty is automatic.",
        "number 0-1 or null (= automatic), multimodal/dualplex",
        Kind.NUMBER, "turn_detection_threshold", Read.DECIMAL, minimum=0, maximum=1, step=0.05,
        nullable=True, reported=False, modes=("multimodal", "dualplex"),
    ),
    Field(
        "ambient_sound", Group.OPTIONAL, "Ambient sound",
        "A background ambience mixed into the call.",
        "off, office, city, forest, crowded_room, cafe, nature",
        Kind.CHOICE, "ambient_sound",
        choices=tuple(Choice(v, v.replace("_", " ").capitalize()) for v in (
            "off", "office", "city", "forest", "crowded_room", "cafe", "nature")),
    ),
    Field(
        "tools", Group.TOOLS, "Built-in tools",
        "End the call, transfer it, take keypad input, book appointments... Sent whole: "
        "the list replaces every built-in tool.",
        "array of flat objects {type, ...}; replaces every built-in tool, [] clears",
        Kind.TOOLS, "tools", Read.TOOLS,
    ),
    Field(
        "tool_ids", Group.TOOLS, "Mid-call tools",
        "The account's own tools (web requests) the assistant may call. Sent whole.",
        "integer array (from /user/tools); replaces",
        Kind.ID_LIST, "tool_ids", Read.ID_LIST, lookup=Lookup.TOOLS, reported=False,
    ),
    Field(
        "knowledgebase_id", Group.TOOLS, "Knowledge base",
        "Documents the assistant may answer from; none detaches it.",
        "integer or null (from /user/knowledgebases)",
        Kind.LOOKUP, "knowledgebase_id", nullable=True, lookup=Lookup.KNOWLEDGE_BASES,
    ),
    Field(
        "knowledgebase_mode", Group.TOOLS, "Knowledge base mode",
        "Looked up when needed (function call) or put into the prompt (pipeline only).",
        "function_call / prompt; prompt is pipeline only",
        Kind.CHOICE, "knowledgebase_mode",
        choices=(Choice("function_call", "Function call"), Choice("prompt", "In the prompt")),
    ),
    Field(
        "tts_emotion_enabled", Group.VOICE, "Emotional speech",
        "Let the voice carry emotion where the speech provider supports it.",
        "boolean",
        Kind.BOOLEAN, "tts_emotion_enabled", Read.BOOL, reported=False,
    ),
    Field(
        "synthesizer_provider_id", Group.VOICE, "Speech provider",
        "Who turns the replies into speech; empty is the language's default.",
        "integer or null (= the language's default), from synthesizer-providers?language_id=",
        Kind.LOOKUP, "synthesizer_provider_id", nullable=True, lookup=Lookup.SYNTHESIZERS,
    ),
    Field(
        "transcriber_provider_id", Group.VOICE, "Transcription provider",
        "Who turns the caller's speech into text; empty is the language's default.",
        "integer or null; pipeline only; from transcriber-providers?language_id=",
        Kind.LOOKUP, "transcriber_provider_id", nullable=True, lookup=Lookup.TRANSCRIBERS,
        modes=("pipeline",),
    ),
    Field(
        "filler_config", Group.CALL, "Filler phrases",
        "The phrases used as fillers, by kind (positive, negative, question, neutral). "
        "Sent whole.",
        'object {"positive": [...], "negative": [...], "question": [...], "neutral": [...]}',
        Kind.PHRASES, "filler_config", Read.PHRASES,
    ),
    Field(
        "reengagement_prompt", Group.CALL, "Re-engagement prompt",
        "What the assistant is told to say when the caller has gone quiet.",
        "string <= 1000 or null",
        Kind.LONG_TEXT, "reengagement_prompt", max_length=1000, nullable=True, reported=False,
    ),
    Field(
        "max_initial_silence_duration", Group.CALL, "Maximum initial silence",
        "The call is ended when nobody speaks this long at its start; empty is off.",
        "integer 1-120 or null (off)",
        Kind.INTEGER, "max_initial_silence_duration", minimum=1, maximum=120, step=1,
        unit=_SECONDS, nullable=True,
    ),
    Field(
        "ringing_time", Group.CALL, "Ringing time",
        "How long an outbound call rings before it is given up.",
        "integer 1-60",
        Kind.INTEGER, "ringing_time", minimum=1, maximum=60, step=1, unit=_SECONDS,
    ),
    Field(
        "voice_mail_message", Group.CALL, "Voicemail message",
        "What the assistant leaves on an answering machine.",
        "string <= 1000 or null",
        Kind.LONG_TEXT, "voice_mail_message", max_length=1000, nullable=True, reported=False,
    ),
    Field(
        "folder_id", Group.ORGANISE, "Folder",
        "Where the assistant is filed in the dashboard; none is uncategorised.",
        "integer or null (uncategorised), from /user/folders",
        Kind.LOOKUP, "folder_id", nullable=True, lookup=Lookup.FOLDERS, reported=False,
    ),
    Field(
        "label_ids", Group.ORGANISE, "Labels",
        "The dashboard's labels on the assistant. Sent whole.",
        "integer array, from /user/labels; replaces",
        Kind.ID_LIST, "label_ids", Read.ID_LIST, lookup=Lookup.LABELS, reported=False,
    ),
)

# The 2026 dialect, as data: per setting of the seed, None (the dialect lacks it) or
# what differs. Settings not named here are the same in both. The 2026-only settings
# follow, each after the seed's setting it sits beside in the form.
_DIALECT_2026: dict[str, dict[str, Any] | None] = {
    "assistant_name": {"wire": "name"},
    # An id is sent, so the seed's limit on the name (100 characters) is no rule here.
    "language": {"wire": "language_id", "write": Write.LANGUAGE_ID, "max_length": None},
    "llm_model": {"wire": "llm_model_id", "write": Write.MODEL_ID, "modes": ("pipeline",), "nullable": True,
                  "max_length": None},
    "calls_direction": {"wire": "type", "write": Write.DIRECTION},
    "engine_type": {
        "wire": "mode",
        "help": "Pipeline chains speech-to-text, LLM and text-to-speech; multimodal and "
                "dualplex use one speech model. Changing it resets that mode's own settings "
                "(models, providers) on the server.",
        "choices": (Choice("pipeline", "Pipeline"), Choice("multimodal", "Multimodal"),
                    Choice("dualplex", "Dualplex")),
    },
    "initial_message": {"max_length": 200},
    "use_min_interrupt_words": None,  # gone: min_interrupt_words null means off
    "min_interrupt_words": {"nullable": True, "enabled_by": None},
    "end_call_tool.description": None,  # one entry of `tools`
    "filler_audios": {"wire": "fillers", "modes": ("pipeline",)},
    "re_engagement_interval": {"wire": "reengagement_interval"},
    "max_call_duration": {"wire": "max_duration"},
    "max_silence_duration": {"maximum": 360},
    "noise_cancellation": {"wire": "enable_noise_cancellation"},
    "record_call": {"wire": "record"},
    "who_speaks_first": {"wire": "wait_for_customer", "write": Write.WAIT_FOR_CUSTOMER},
}
# Where the 2026-only settings go in the 2026 form: after this setting of the seed.
_PLACED_AFTER = {
    "secondary_language_ids": "language",
    "multimodal_model_id": "llm_model",
    "chat_llm_fallback_id": "multimodal_model_id",
    "turn_detection_threshold": "interrupt_sensitivity",
    "ambient_sound": "turn_detection_threshold",
    "tools": "post_call_schema",
    "tool_ids": "tools",
    "knowledgebase_id": "tool_ids",
    "knowledgebase_mode": "knowledgebase_id",
    "tts_emotion_enabled": "speech_speed",
    "synthesizer_provider_id": "tts_emotion_enabled",
    "transcriber_provider_id": "synthesizer_provider_id",
    "filler_config": "filler_audios",
    "reengagement_prompt": "re_engagement_interval",
    "max_initial_silence_duration": "max_silence_duration",
    "ringing_time": "max_initial_silence_duration",
    "voice_mail_message": "end_call_on_voicemail",
    "folder_id": "who_speaks_first",
    "label_ids": "folder_id",
}


class Catalogue:
    """The settings one dialect has, in form order, with that dialect's rules."""

    def __init__(self, dialect: Dialect, fields: tuple[Field, ...]) -> None:
        self.dialect = dialect
        self.fields = fields
        self.by_name: dict[str, Field] = {f.name: f for f in fields}
        self.by_update_name: dict[str, Field] = {f.update_name: f for f in fields}
        self.groups: tuple[Group, ...] = tuple(g for g in Group if any(f.group is g for f in fields))

    def __iter__(self):  # type: ignore[no-untyped-def]
        return iter(self.fields)

    def __len__(self) -> int:
        return len(self.fields)

    def __contains__(self, name: object) -> bool:
        return name in self.by_name

    def __getitem__(self, name: str) -> Field:
        return self.by_name[name]

    def fields_in(self, group: Group) -> tuple[Field, ...]:
        return tuple(f for f in self.fields if f.group is group)

    def resolve(self, name: str) -> tuple[Field, Write] | None:
        """The setting an operator names, by this dialect's update name or by its name in
        the other dialect (`assistant_name` and `name` alike), with the shape the value
        comes in: `language_id=5` gives an id (Write.LANGUAGE_ID), `language=German` the
        edit value itself (Write.SAME). None when this dialect has no such setting."""
        spec = self.by_update_name.get(name)
        if spec is not None:
            return spec, spec.write
        spec = self.by_name.get(name)
        if spec is not None:
            return spec, Write.SAME
        other = _WIRE_2026.get(name)
        if other is not None and other[0] in self.by_name:
            return self.by_name[other[0]], other[1]
        return None


@cache
def catalogue(dialect: Dialect = Dialect.D2025) -> Catalogue:
    if dialect is Dialect.D2025:
        return Catalogue(dialect, CATALOGUE)
    fields: list[Field] = []
    for spec in CATALOGUE:
        if spec.name in _DIALECT_2026 and _DIALECT_2026[spec.name] is None:
            continue
        fields.append(dataclasses.replace(spec, dialect=dialect, **(_DIALECT_2026.get(spec.name) or {})))
    for added in _ONLY_2026:
        after = _PLACED_AFTER[added.name]
        index = next(i for i, f in enumerate(fields) if f.name == after)
        fields.insert(index + 1, dataclasses.replace(added, dialect=dialect))
    return Catalogue(dialect, tuple(fields))


# The seed's settings by name.
FIELDS: dict[str, Field] = {field.name: field for field in CATALOGUE}
# Every setting of every dialect, by name: labels, kinds and help for any name a draft,
# the history or a message may hold (rules: a session's own catalogue).
SETTINGS: dict[str, Field] = {**FIELDS, **{f.name: f for f in catalogue(Dialect.D2026) if f.name not in FIELDS}}
# 2026 update name -> (setting, the shape its values come in), for a 2025 host's
# operators who use the current names.
_WIRE_2026: dict[str, tuple[str, Write]] = {
    spec["wire"]: (name, spec.get("write", Write.SAME))
    for name, spec in _DIALECT_2026.items() if spec and "wire" in spec
}
GROUPS: tuple[Group, ...] = catalogue(Dialect.D2025).groups

# The schema table's fixed vocabulary and the server's name rule.
SCHEMA_TYPES: tuple[str, ...] = ("string", "number", "bool")
SCHEMA_NAME_PATTERN = r"^[A-Za-z0-9_]+$"
# 2026: 3-16 characters, lowercase (api-contract.md).
SCHEMA_NAME_PATTERN_2026 = r"^[a-z0-9_]{3,16}$"


def fields_in(group: Group) -> tuple[Field, ...]:
    return tuple(field for field in CATALOGUE if field.group is group)


def field(name: str) -> Field:
    """The field with this update name; a KeyError names the unknown field."""
    try:
        return FIELDS[name]
    except KeyError:
        raise KeyError(f"unknown field {name!r}") from None
