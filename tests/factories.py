"""Small, explicit records and lookups in the API's read shape, for unit tests."""

from __future__ import annotations

import copy
from typing import Any

from voicedesk.records import Language, LlmModel, Lookups, PhoneNumber, Voice

RECORD: dict[str, Any] = {
    "id": 7,
    "uuid": "0b6c-example",
    "user_id": 1,
    "name": "Front desk",
    "status": "active",
    "type": "inbound",
    "mode": "pipeline",
    "voice_id": 11,
    "language": "de",
    "language_id": 2,
    "llm_model_id": 1,
    "timezone": "Europe/Berlin",
    "initial_message": "Hallo, wie kann ich helfen?",
    "system_prompt": "You answer calls for a dental practice.",
    "phone_number_id": 31,
    "endpoint_type": "vad",
    "endpoint_sensitivity": 3,
    "interrupt_sensitivity": 2,
    "ambient_sound": "office",
    "ambient_sound_volume": "0.3",
    "post_call_evaluation": True,
    "send_webhook_only_on_completed": False,
    "include_recording_in_webhook": True,
    "is_webhook_active": True,
    "webhook_url": "https://hooks.example.com/calls",
    "min_interrupt_words": None,
    "variables": {"practice": "Zahnarzt Weber"},
    "post_call_schema": [{"name": "callback", "type": "boolean", "description": "Wants a call back"}],
    "tools": [{"type": "end_call", "data": {"description": "Hang up when the caller says goodbye."}}],
    "llm_temperature": "0.7",
    "voice_stability": "0.5",
    "voice_similarity": "0.75",
    "speech_speed": "1.0",
    "allow_interruptions": True,
    "fillers": 1,
    "reengagement_interval": 30,
    "max_duration": 600,
    "max_silence_duration": 20,
    "end_call_on_voicemail": 0,
    "enable_noise_cancellation": False,
    "record": True,
    "wait_for_customer": False,
    "knowledgebase_id": None,
    "created_at": "2025-05-01T09:00:00.000000Z",
}


def record(**overrides: Any) -> dict[str, Any]:
    fresh = copy.deepcopy(RECORD)
    fresh.update(overrides)
    return fresh


def lookups() -> Lookups:
    return Lookups(
        voices=[
            Voice(id=11, name="Anna", mode="pipeline"),
            Voice(id=12, name="Ben", mode="pipeline"),
            Voice(id=21, name="Nova", mode="multimodal"),
        ],
        languages=[Language(id=1, name="English", iso_2="en"), Language(id=2, name="German", iso_2="de")],
        models=[LlmModel(id=1, name="GPT-4o"), LlmModel(id=2, name="GPT-4o mini")],
        inbound_numbers=[
            PhoneNumber(id=31, phone_number="+4930111", country_code="DE", is_available=False),
            PhoneNumber(id=32, phone_number="+4930222", country_code="DE"),
        ],
        outbound_numbers=[
            PhoneNumber(id=31, phone_number="+4930111", country_code="DE", is_available=False),
            PhoneNumber(id=32, phone_number="+4930222", country_code="DE"),
            PhoneNumber(id=33, phone_number="+4930333", country_code="DE", type_label="Caller ID"),
        ],
    )
