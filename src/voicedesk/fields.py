"""The field catalogue: every setting of the Update Assistant endpoint, described once.

The form, validation, wire translation, diff, CLI parsing and help screen are all
generated from `CATALOGUE`. The order and grouping follow the seed reference
(`shared/seed`), and each field keeps the seed's own sentence in `seed` so a test can
prove nothing was missed or invented.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum


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


class Lookup(str, Enum):
    """Where a lookup field's options come from."""

    VOICES = "voices"
    LANGUAGES = "languages"
    MODELS = "models"
    PHONE_NUMBERS = "phone numbers"
    TIMEZONES = "timezones"


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


class Group(str, Enum):
    CORE = "Core"
    OPTIONAL = "Optional configuration"
    WEBHOOK = "Webhook"
    INTERRUPTION = "Interruption"
    VARIABLES = "Variables and schema"
    END_CALL = "End call tool"
    VOICE = "Voice and speech"
    CALL = "Call behaviour"


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

FIELDS: dict[str, Field] = {field.name: field for field in CATALOGUE}
GROUPS: tuple[Group, ...] = tuple(Group)

# The schema table's fixed vocabulary and the server's name rule.
SCHEMA_TYPES: tuple[str, ...] = ("string", "number", "bool")
SCHEMA_NAME_PATTERN = r"^[A-Za-z0-9_]+$"


def fields_in(group: Group) -> tuple[Field, ...]:
    return tuple(field for field in CATALOGUE if field.group is group)


def field(name: str) -> Field:
    """The field with this update name; a KeyError names the unknown field."""
    try:
        return FIELDS[name]
    except KeyError:
        raise KeyError(f"unknown field {name!r}") from None
