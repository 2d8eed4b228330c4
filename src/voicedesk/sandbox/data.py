"""The sandbox's account: assistants in the list (read) shape and the lookup lists.

Everything here is deterministic, so demo screens and tests see the same data every run.
The records deliberately include what real accounts carry: values outside the documented
ranges, PHP's `[]` for an empty object, old-style `tools`, untrusted markup in names.
"""

from __future__ import annotations

import random
import uuid
from dataclasses import dataclass, field
from typing import Any

DEMO_ACCOUNT_ID = 4821
OTHER_ACCOUNT_ID = 7310

_UUID_NAMESPACE = uuid.UUID("6f1c2a4e-3b7d-4c2e-9a51-0d8e7f6b5c43")


@dataclass
class SandboxData:
    """One account's view of the platform. `assistants` also holds other accounts'
    records (their `user_id` differs): invisible in the list, 404 on update."""

    account_id: int
    assistants: dict[int, dict[str, Any]] = field(default_factory=dict)
    voices: list[dict[str, Any]] = field(default_factory=list)
    languages: list[dict[str, Any]] = field(default_factory=list)
    models: list[dict[str, Any]] = field(default_factory=list)
    phone_numbers: list[dict[str, Any]] = field(default_factory=list)


LANGUAGES: tuple[tuple[int, str, str], ...] = (
    (1, "English", "en"),
    (2, "German", "de"),
    (3, "French", "fr"),
    (4, "Spanish", "es"),
    (5, "Italian", "it"),
    (6, "Dutch", "nl"),
    (7, "Polish", "pl"),
    (8, "Portuguese", "pt"),
    (9, "Turkish", "tr"),
    (10, "Arabic", "ar"),
)

_ISO_BY_LANGUAGE_ID = {i: iso for i, _, iso in LANGUAGES}

MODELS: tuple[tuple[int, str], ...] = (
    (1, "GPT-4o"),
    (2, "GPT-4o mini"),
    (3, "GPT-4.1"),
    (4, "GPT-4.1 mini"),
    (5, "Claude Sonnet"),
    (6, "Claude Haiku"),
    (7, "Gemini 2.0 Flash"),
    (8, "Llama 3.3 70B"),
    (9, "Mistral Large"),
    (10, "DeepSeek V3"),
)

_PIPELINE_VOICES = (
    "Rachel", "Adam", "Bella", "Antoni", "Elli", "Josh", "Arnold", "Domi", "Sam",
    "Charlotte", "Matilda", "Daniel", "Lily", "George", "Freya", "Callum", "Serena",
    "Thomas", "Grace", "Liam", "Hannah (DE)", "Lukas (DE)", "Mia (DE)", "Jonas (DE)",
    "Camille (FR)", "Louis (FR)", "Lucía (ES)", "Mateo (ES)", "Giulia (IT)", "Sven (NL)",
)
_MULTIMODAL_VOICES = (
    "alloy", "ash", "ballad", "coral", "echo", "sage", "shimmer", "verse",
    "Puck", "Charon", "Kore", "Fenrir", "Aoede", "Leda",
)

# (id, number, country, type label); assignments live on the assistants.
_PHONE_NUMBERS = (
    (2101, "+4930120045601", "DE", "Local"),
    (2102, "+4930120045602", "DE", "Local"),
    (2103, "+498912004710", "DE", "Local"),
    (2104, "+442071838750", "GB", "Local"),
    (2105, "+442071838751", "GB", "Local"),
    (2106, "+13125550148", "US", "Local"),
    (2107, "+13125550199", "US", "Toll-free"),
    (2108, "+4915123456789", "DE", "Caller ID"),
    (2109, "+447700900123", "GB", "Caller ID"),
    (2110, "+14155550123", "US", "Caller ID"),
    (2111, "+34911234567", "ES", "Local"),
    (2112, "+33142685300", "FR", "Local"),
    (2113, "+34911234568", "ES", "Local"),
    (2114, "+4930120045603", "DE", "Local"),
    (2115, "+442071838752", "GB", "Local"),
    (2116, "+4917612345678", "DE", "Caller ID"),
)

PIPELINE_VOICE_IDS = range(401, 401 + len(_PIPELINE_VOICES))
MULTIMODAL_VOICE_IDS = range(601, 601 + len(_MULTIMODAL_VOICES))


def _languages() -> list[dict[str, Any]]:
    return [{"id": i, "name": name, "iso_2": iso} for i, name, iso in LANGUAGES]


def _models() -> list[dict[str, Any]]:
    return [{"id": i, "name": name} for i, name in MODELS]


def _voices() -> list[dict[str, Any]]:
    pipeline = [
        {"id": i, "name": name, "mode": "pipeline"}
        for i, name in zip(PIPELINE_VOICE_IDS, _PIPELINE_VOICES, strict=True)
    ]
    multimodal = [
        {"id": i, "name": name, "mode": "multimodal"}
        for i, name in zip(MULTIMODAL_VOICE_IDS, _MULTIMODAL_VOICES, strict=True)
    ]
    return pipeline + multimodal


def _phone_numbers() -> list[dict[str, Any]]:
    return [
        {
            "id": i,
            "phone_number": number,
            "country_code": country,
            "type_label": label,
            "is_available": True,  # the server recomputes it from the assignments
        }
        for i, number, country, label in _PHONE_NUMBERS
    ]


def end_call_tool(description: str) -> dict[str, Any]:
    return {"type": "end_call", "data": {"description": description}}


def assistant_record(assistant_id: int, name: str, **fields: object) -> dict[str, Any]:
    """A read-shape record with plausible defaults; `fields` override them."""
    record: dict[str, Any] = {
        "id": assistant_id,
        "uuid": str(uuid.uuid5(_UUID_NAMESPACE, str(assistant_id))),
        "user_id": DEMO_ACCOUNT_ID,
        "name": name,
        "status": "active",
        "type": "inbound",
        "mode": "pipeline",
        "voice_id": PIPELINE_VOICE_IDS[0],
        "language": "en",
        "language_id": 1,
        "llm_model_id": 1,
        "timezone": "Europe/Berlin",
        "initial_message": "Hello, how can I help you today?",
        "system_prompt": "You are a helpful phone assistant.",
        "phone_number_id": None,
        "endpoint_type": "vad",
        "endpoint_sensitivity": 3,
        "interrupt_sensitivity": 3,
        "ambient_sound": None,
        "ambient_sound_volume": "0.5",
        "post_call_evaluation": True,
        "send_webhook_only_on_completed": False,
        "include_recording_in_webhook": False,
        "is_webhook_active": False,
        "webhook_url": None,
        "min_interrupt_words": None,
        "variables": [],
        "post_call_schema": [],
        "tools": [end_call_tool("End the call once the caller says goodbye.")],
        "llm_temperature": "0.7",
        "voice_stability": "0.5",
        "voice_similarity": "0.75",
        "speech_speed": "1.0",
        "allow_interruptions": True,
        "fillers": 0,
        "reengagement_interval": 30,
        "max_duration": 600,
        "max_silence_duration": 30,
        "end_call_on_voicemail": 1,
        "enable_noise_cancellation": True,
        "record": True,
        "wait_for_customer": False,
        "knowledgebase_id": None,
        "filler_config": None,
        "widget_settings": None,
        "created_at": "2025-03-04T09:12:41.000000Z",
        "updated_at": "2025-11-18T16:40:07.000000Z",
    }
    record.update(fields)
    if "language_id" in fields and "language" not in fields:
        record["language"] = _ISO_BY_LANGUAGE_ID.get(record["language_id"])
    return record


# -- a long, realistic system prompt ---------------------------------------------------

_FAQ_TOPICS = (
    ("Claims", "a claim"), ("Policy changes", "a policy change"),
    ("Payments", "a payment"), ("Home contents cover", "contents cover"),
    ("Buildings cover", "buildings cover"), ("Travel insurance", "travel cover"),
    ("Pet insurance", "pet cover"), ("Car insurance", "motor cover"),
    ("Cancellations", "a cancellation"), ("Complaints", "a complaint"),
    ("Documents", "a document request"), ("Renewals", "a renewal"),
    ("Storm damage", "storm damage"), ("Water leaks", "a water leak"),
    ("Theft and burglary", "a theft"), ("Legal expenses", "legal expenses"),
)
_FAQ_QUESTIONS = (
    ("How do I start {what}?",
     "Take the caller's policy number, full name and postcode first. Confirm the date "
     "of the event and a short description in the caller's own words. Repeat the "
     "details back and give the reference number the system returns."),
    ("How long does {what} take?",
     "Most cases are handled within five working days. Complex cases can take up to "
     "four weeks; never promise a date, offer a call-back from the team instead."),
    ("Which documents are needed for {what}?",
     "Photos, receipts or invoices, and for anything above 1,500 euros a written "
     "estimate. Documents can be uploaded in the customer portal or sent by post."),
    ("Can someone else call about {what} for me?",
     "Only if they are named on the policy or the policyholder has given consent on "
     "this call. Otherwise explain the data protection rules politely."),
    ("What if {what} is urgent?",
     "For emergencies such as flooding, fire or a break-in that leaves the home "
     "insecure, give the 24-hour emergency line and stay on the call until the caller "
     "has written it down."),
    ("Is there an excess for {what}?",
     "The excess depends on the policy. Read it from the policy summary if the caller "
     "has passed identification; never guess an amount."),
    ("Can I change my mind about {what}?",
     "Yes, within the 14-day cooling-off period without a fee. After that the terms in "
     "section 9 of the policy booklet apply."),
    ("Who do I speak to if I am unhappy with {what}?",
     "Apologise, note the reason, and offer to log a formal complaint. Give the "
     "complaint reference and explain that a written answer follows within eight weeks."),
)
_PROMPT_PREAMBLE = (
    "# Role\nYou are Nora, the phone assistant of Northwind Home & Travel Insurance. "
    "You answer policyholders' questions, start claims and route calls. Speak calmly, "
    "keep answers short, and ask one question at a time.\n\n"
    "# Rules\n- Identify the caller (policy number, date of birth, postcode) before "
    "discussing any policy.\n- Never give legal or financial advice.\n- If the caller "
    "asks for a person, transfer to the service team during opening hours "
    "(Mon-Fri 8:00-18:00) and offer a call-back otherwise.\n- Use {{customer_name}} when "
    "it is known.\n\n# Frequently asked questions\n"
)


def faq_prompt(min_chars: int) -> str:
    """An insurance FAQ prompt of at least `min_chars` ASCII characters."""
    parts = [_PROMPT_PREAMBLE]
    size = len(_PROMPT_PREAMBLE)
    section = 0
    while size < min_chars:
        title, what = _FAQ_TOPICS[section % len(_FAQ_TOPICS)]
        heading = f"\n## {section + 1}. {title}\n"
        parts.append(heading)
        size += len(heading)
        for question, answer in _FAQ_QUESTIONS:
            entry = f"Q: {question.format(what=what)}\nA: {answer}\n"
            parts.append(entry)
            size += len(entry)
        section += 1
    return "".join(parts)


# -- the demo account -----------------------------------------------------------------

MARKUP_NAME = "[b]Support[/b] 🎧 サポート [@click=app.quit]"

_DENTAL_PROMPT = (
    "You are the receptionist of Bright Smile Dental in Berlin-Mitte. Book, move and "
    "cancel appointments, answer questions about opening hours (Mon-Fri 8-19, Sat 9-13), "
    "prices of check-ups and cleanings, and insurance. For pain or swelling offer the "
    "same-day emergency slot at 8:00. Never give medical advice. Confirm the patient's "
    "name, date of birth and phone number before booking."
)
_RESTAURANT_PROMPT = (
    "You take table reservations for Trattoria Lucia, Clerkenwell, London. Opening "
    "times: Tue-Sun 12:00-15:00 and 18:00-23:00, closed on Mondays. Tables seat 2 to 8; "
    "for 9 or more guests take a name and number for the events manager. Ask for date, "
    "time, number of guests, a name and a phone number, and mention that tables are "
    "held for 15 minutes."
)
_REMINDER_PROMPT = (
    "You call patients of Bright Smile Dental one day before their appointment. Greet "
    "them by {{patient_name}}, remind them of the appointment on {{appointment_date}} at "
    "{{appointment_time}} with {{dentist}}, and ask whether they will attend. If they "
    "cannot come, offer to move the appointment and note the preferred days."
)
_QUALIFIER_PROMPT = (
    "You call people who asked for information about the ClearPath debt-free programme. "
    "Ask four qualifying questions: total unsecured debt, number of creditors, monthly "
    "income, and whether they are behind on payments. Be respectful, never pressure, "
    "never promise a result. If the person qualifies, book a call with an adviser."
)
_HAUSVERWALTUNG_PROMPT = (
    "Du bist die Telefonassistenz der Hausverwaltung Berger & Söhne in München. Nimm "
    "Schadensmeldungen von Mieterinnen und Mietern auf (Adresse, Wohnung, Art des "
    "Schadens, Dringlichkeit, Rückrufnummer). Bei Wasserrohrbruch, Gasgeruch oder "
    "Heizungsausfall im Winter nenne sofort den Notdienst. Fragen zur Nebenkosten-"
    "abrechnung leitest du an die Buchhaltung weiter. Sprich die Anrufenden mit Sie an."
)


def demo_data() -> SandboxData:
    """The demo account: 14 assistants (101-114) plus two of another account (900, 901).

    Special records: 106 holds values outside the documented ranges, 107 has markup,
    emoji and Japanese in its name, 108 has a system prompt over 50 KB, 109 has no phone
    number and no webhook, 113 has old-style `tools` (a list of strings).
    """
    de, fr, es, it = 2, 3, 4, 5
    gpt4o, gpt4o_mini, claude_sonnet, gemini = 1, 2, 5, 7
    assistants = [
        assistant_record(
            101, "Bright Smile Dental – Reception",
            voice_id=401, llm_model_id=gpt4o, phone_number_id=2101,
            initial_message="Bright Smile Dental, this is Anna. How can I help you?",
            system_prompt=_DENTAL_PROMPT,
            ambient_sound="office", ambient_sound_volume="0.3",
            is_webhook_active=True, webhook_url="https://hooks.brightsmile.example/calls",
            include_recording_in_webhook=True, min_interrupt_words=2,
            variables={"practice_name": "Bright Smile Dental", "emergency_slot": "08:00"},
            post_call_schema=[
                {"name": "appointment_booked", "type": "bool",
                 "description": "Whether an appointment was booked"},
                {"name": "patient_name", "type": "string",
                 "description": "Full name of the patient"},
            ],
            tools=[end_call_tool("End the call when the patient has no further questions.")],
            fillers=1,
        ),
        assistant_record(
            102, "Trattoria Lucia – Reservations",
            voice_id=412, llm_model_id=gpt4o_mini, phone_number_id=2104,
            timezone="Europe/London",
            initial_message="Buonasera, Trattoria Lucia! Would you like to book a table?",
            system_prompt=_RESTAURANT_PROMPT, ambient_sound="restaurant",
            ambient_sound_volume="0.25", llm_temperature="0.6", speech_speed="1.05",
            variables={"max_party_size": "8", "hold_minutes": "15"},
            post_call_schema=[
                {"name": "party_size", "type": "number", "description": "Number of guests"},
                {"name": "reservation_time", "type": "string",
                 "description": "Date and time of the booking"},
            ],
            max_duration=420,
        ),
        assistant_record(
            103, "Appointment Reminders – Bright Smile",
            type="outbound", voice_id=409, llm_model_id=gpt4o_mini, phone_number_id=2108,
            initial_message="Hello {{patient_name}}, this is Bright Smile Dental calling.",
            system_prompt=_REMINDER_PROMPT, post_call_evaluation=False,
            variables={"patient_name": "", "appointment_date": "", "appointment_time": "",
                       "dentist": "Dr. Okafor"},
            post_call_schema=[
                {"name": "will_attend", "type": "bool",
                 "description": "The patient confirmed the appointment"},
                {"name": "reschedule_wish", "type": "string",
                 "description": "Preferred new days, if any"},
            ],
            max_duration=180, reengagement_interval=10, wait_for_customer=True,
        ),
        assistant_record(
            104, "ClearPath Debt-Free Qualifier",
            type="outbound", mode="multimodal", voice_id=604, llm_model_id=gpt4o,
            phone_number_id=2110, timezone="America/Chicago",
            initial_message="Hi, this is Maya from ClearPath. Is now a good time?",
            system_prompt=_QUALIFIER_PROMPT, llm_temperature="0.4",
            is_webhook_active=True, webhook_url="https://crm.clearpath.example/api/voice",
            send_webhook_only_on_completed=True,
            post_call_schema=[
                {"name": "qualified", "type": "bool", "description": "Lead qualifies"},
                {"name": "total_debt", "type": "number",
                 "description": "Total unsecured debt in USD"},
                {"name": "creditor_count", "type": "number",
                 "description": "Number of creditors"},
            ],
            min_interrupt_words=3, max_duration=900,
        ),
        assistant_record(
            105, "Hausverwaltung Berger – Mieterhotline",
            language_id=de, voice_id=421, llm_model_id=claude_sonnet, phone_number_id=2103,
            initial_message="Hausverwaltung Berger, guten Tag. Wie kann ich Ihnen helfen?",
            system_prompt=_HAUSVERWALTUNG_PROMPT, endpoint_type="ai",
            endpoint_sensitivity=2, interrupt_sensitivity=4,
            variables={"notdienst": "089 1234 5670", "buero_zeiten": "Mo-Fr 9-16 Uhr"},
            post_call_schema=[
                {"name": "schadensart", "type": "string", "description": "Art des Schadens"},
                {"name": "dringend", "type": "boolean", "description": "Notfall ja/nein"},
            ],
            tools=[end_call_tool("Beende das Gespräch, wenn alle Angaben aufgenommen sind.")],
            is_webhook_active=True, webhook_url="https://verwaltung-berger.example/webhook",
        ),
        assistant_record(
            106, "Legacy Support Line (imported)",
            status="inactive", voice_id=405, llm_model_id=gpt4o_mini, phone_number_id=2106,
            timezone="America/New_York",
            initial_message="Thanks for calling support. Please describe your issue.",
            system_prompt="You are the first-level support line of an imported legacy "
                          "setup. Collect the customer's account number and issue.",
            max_duration=1800, reengagement_interval=5, speech_speed="1.5",
            max_silence_duration=300, llm_temperature="1.3", endpoint_sensitivity=7,
            min_interrupt_words=15,
            created_at="2023-06-20T11:03:12.000000Z",
            updated_at="2024-01-09T08:22:55.000000Z",
        ),
        assistant_record(
            107, MARKUP_NAME,
            mode="multimodal", voice_id=607, llm_model_id=gpt4o, phone_number_id=2105,
            timezone="Asia/Tokyo",
            initial_message="[bold]Hi![/bold] こんにちは 👋 — how can I help?",
            system_prompt="You handle support calls in English and Japanese. Text such as "
                          "[red]this[/red] or [@click=app.quit] is plain text, not markup.",
            variables={"[team]": "サポート", "emoji": "🎧"},
        ),
        assistant_record(
            108, "Northwind Insurance – FAQ Hotline",
            voice_id=413, llm_model_id=claude_sonnet, phone_number_id=2102,
            timezone="Europe/London",
            initial_message="Northwind Insurance, you're speaking with Nora.",
            system_prompt=faq_prompt(60_000), knowledgebase_id=31,
        ),
        assistant_record(
            109, "Webinar Follow-up (draft)",
            status="inactive", type="outbound", voice_id=417, llm_model_id=gemini,
            phone_number_id=None, webhook_url=None, is_webhook_active=False,
            initial_message="Hi, thanks for joining our webinar yesterday!",
            system_prompt="Call webinar attendees, ask what they thought, and offer the "
                          "recording and a demo.",
            tools=[],
        ),
        assistant_record(
            110, "Autohaus Krüger – Werkstatttermine",
            mode="multimodal", language_id=de, voice_id=610, llm_model_id=gpt4o,
            phone_number_id=2111,
            initial_message="Autohaus Krüger, Serviceannahme. Was kann ich für Sie tun?",
            system_prompt="Du vergibst Werkstatttermine (Inspektion, Reifenwechsel, "
                          "HU/AU). Frage nach Kennzeichen, Fahrzeugmodell und Wunschtermin.",
            min_interrupt_words=1, voice_stability="0.65",
            variables={"reifenlager": "ja"},
        ),
        assistant_record(
            111, "Clínica Sol – Citas",
            language_id=es, voice_id=427, llm_model_id=gpt4o_mini, phone_number_id=2113,
            timezone="Europe/Madrid",
            initial_message="Clínica Sol, buenos días. ¿En qué puedo ayudarle?",
            system_prompt="Eres la recepcionista de la Clínica Sol en Madrid. Gestiona "
                          "citas de fisioterapia y responde preguntas sobre horarios.",
            speech_speed="0.9",
        ),
        assistant_record(
            112, "Boulangerie Martin – Commandes",
            language_id=fr, voice_id=425, llm_model_id=gpt4o_mini, phone_number_id=2112,
            timezone="Europe/Paris",
            initial_message="Boulangerie Martin, bonjour !",
            system_prompt="Tu prends les commandes de gâteaux et de viennoiseries pour le "
                          "lendemain. Demande le nom, l'heure de retrait et la commande.",
            fillers=1, end_call_on_voicemail=0,
        ),
        assistant_record(
            113, "Event RSVP Caller",
            type="outbound", mode="multimodal", voice_id=602, llm_model_id=gemini,
            phone_number_id=2109, language_id=it, timezone="Europe/Rome",
            initial_message="Ciao! Chiamo per la conferma dell'evento di sabato.",
            system_prompt="Chiama gli invitati e chiedi se parteciperanno all'evento.",
            tools=["end_call"], variables=[], post_call_schema=None,
            wait_for_customer=True, record=False,
        ),
        assistant_record(
            114, "After-hours IT Helpdesk",
            voice_id=410, llm_model_id=claude_sonnet, phone_number_id=2107,
            timezone="UTC",
            initial_message="IT helpdesk, out of hours. What's the problem?",
            system_prompt="Triage IT incidents outside office hours. Create a ticket for "
                          "anything non-urgent; page the on-call engineer for outages.",
            variables={"oncall_pager": "+44 20 7946 0958"},
            post_call_schema=[
                {"name": "severity", "type": "string", "description": "P1 to P4"},
            ],
            allow_interruptions=False, enable_noise_cancellation=False,
            filler_config={"audios": ["one moment", "let me check"]},
            widget_settings={"color": "#1f6feb", "position": "bottom-right"},
        ),
        assistant_record(
            900, "Private Line (other account)", user_id=OTHER_ACCOUNT_ID,
            voice_id=401, phone_number_id=None,
        ),
        assistant_record(
            901, "Sales Desk (other account)", user_id=OTHER_ACCOUNT_ID,
            type="outbound", voice_id=402, phone_number_id=None,
        ),
    ]
    return SandboxData(
        account_id=DEMO_ACCOUNT_ID,
        assistants={record["id"]: record for record in assistants},
        voices=_voices(),
        languages=_languages(),
        models=_models(),
        phone_numbers=_phone_numbers(),
    )


# -- generated accounts for benchmarks -------------------------------------------------

_NAME_WORDS = (
    "Reception", "Booking", "Support", "Sales", "Reminder", "Survey", "Helpdesk",
    "Orders", "Billing", "Dispatch", "Recruiting", "Onboarding",
)


def generated_data(
    n_assistants: int, n_voices: int, prompt_bytes: int = 0, seed: int = 0
) -> SandboxData:
    """A large deterministic account: ids from 1001, voices from 10001 (alternating
    modes), the first assistant's prompt exactly `prompt_bytes` long when given."""
    rng = random.Random(seed)
    voices: list[dict[str, Any]] = [
        {"id": 10_001 + i, "name": f"Voice {i + 1:05d}",
         "mode": "pipeline" if i % 2 == 0 else "multimodal"}
        for i in range(n_voices)
    ]
    voice_ids = {
        mode: [v["id"] for v in voices if v["mode"] == mode] or [None]
        for mode in ("pipeline", "multimodal")
    }
    assistants: dict[int, dict[str, Any]] = {}
    for index in range(n_assistants):
        assistant_id = 1001 + index
        mode = rng.choice(("pipeline", "multimodal"))
        assistants[assistant_id] = assistant_record(
            assistant_id,
            f"{rng.choice(_NAME_WORDS)} line {index + 1}",
            type=rng.choice(("inbound", "outbound")),
            mode=mode,
            voice_id=rng.choice(voice_ids[mode]),
            language_id=rng.randint(1, len(LANGUAGES)),
            llm_model_id=rng.randint(1, len(MODELS)),
            llm_temperature=f"{rng.randint(0, 10) / 10}",
            min_interrupt_words=rng.choice((None, 1, 2, 3)),
        )
    if prompt_bytes and assistants:
        assistants[1001]["system_prompt"] = faq_prompt(prompt_bytes)[:prompt_bytes]
    return SandboxData(
        account_id=DEMO_ACCOUNT_ID,
        assistants=assistants,
        voices=voices,
        languages=_languages(),
        models=_models(),
        phone_numbers=_phone_numbers(),
    )
