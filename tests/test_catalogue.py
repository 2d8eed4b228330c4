"""The catalogue against the seed reference: every field once, in order, nothing invented."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from voicedesk.fields import CATALOGUE, FIELDS, GROUPS, SETTINGS, Dialect, Group, Kind, Lookup, catalogue

# The seed reference, copied into the repo; the shared original is compared when present.
SEED = Path(__file__).parent / "data" / "seed_update_assistant.txt"
SHARED_SEED = Path(__file__).resolve().parents[2] / "shared" / "seed" / "000_9d6c2878b05281c2.txt"

# The seed's section headings and the catalogue group each one is.
HEADINGS = {
    "Core Fields": Group.CORE,
    "Optional Configuration": Group.OPTIONAL,
    "Webhook Configuration": Group.WEBHOOK,
    "Interruption Settings": Group.INTERRUPTION,
    "Variables and Schema": Group.VARIABLES,
    "End Call Tool": Group.END_CALL,
    "Voice and Speech Settings": Group.VOICE,
    "Call Behavior Settings": Group.CALL,
}


def seed_fields() -> list[tuple[Group, str]]:
    """(group, sentence) for each body field the seed documents, in its order."""
    lines = SEED.read_text(encoding="utf-8").splitlines()
    body = lines[lines.index("Request Body") + 1 : lines.index("Response")]
    found: list[tuple[Group, str]] = []
    group: Group | None = None
    for line in (line.strip() for line in body):
        if line in HEADINGS:
            group = HEADINGS[line]
        elif found and found[-1][1].endswith("Options:"):
            found[-1] = (found[-1][0], f"{found[-1][1]} {line}")  # the first option
        elif line.startswith(","):
            found[-1] = (found[-1][0], found[-1][1] + line)  # the next options
        elif line:
            assert group is not None, f"a field before any heading: {line!r}"
            found.append((group, line))
    return found


def test_every_seed_field_once_in_seed_order_and_groups() -> None:
    assert [(f.group, f.seed) for f in CATALOGUE] == seed_fields()
    assert len(FIELDS) == len(CATALOGUE) == 37


def test_the_copy_of_the_seed_is_current() -> None:
    if not SHARED_SEED.exists():
        pytest.skip("shared/ is not beside this checkout")
    assert SEED.read_bytes() == SHARED_SEED.read_bytes()


def test_groups_follow_the_seed_order() -> None:
    order = list(dict.fromkeys(group for group, _ in seed_fields()))
    assert order == list(catalogue(Dialect.D2025).groups) == list(GROUPS)


@pytest.mark.parametrize("field", CATALOGUE, ids=lambda f: f.name)
def test_ranges_lengths_options_and_null_are_the_seeds(field) -> None:
    sentence = field.seed
    bounds = re.search(r"\((\d+(?:\.\d+)?)-(\d+(?:\.\d+)?)\)", sentence)
    if bounds:
        assert (field.minimum, field.maximum) == (float(bounds[1]), float(bounds[2]))
        assert field.is_numeric and field.step and field.step > 0
    else:
        assert field.minimum is None and field.maximum is None, "a range the seed does not state"
    length = re.search(r"max (\d+) characters", sentence)
    assert field.max_length == (int(length[1]) if length else None)
    options = re.search(r"Options: (.*)$", sentence)
    assert [c.value for c in field.choices] == (options[1].split(", ") if options else [])
    assert field.nullable == ("null" in sentence)
    assert field.help and field.label and field.help != sentence


def test_units_steps_and_kinds_the_form_relies_on() -> None:
    assert (FIELDS["speech_speed"].step, FIELDS["speech_speed"].minimum) == (0.05, 0.7)
    for name in ("ambient_sound_volume", "llm_temperature", "voice_stability", "voice_similarity"):
        assert FIELDS[name].step == 0.05 and FIELDS[name].kind is Kind.NUMBER
    for name in ("re_engagement_interval", "max_call_duration", "max_silence_duration"):
        assert FIELDS[name].unit == "s" and FIELDS[name].kind is Kind.INTEGER
    assert FIELDS["min_interrupt_words"].enabled_by == "use_min_interrupt_words"
    # Every list is some field's, in one dialect or the other.
    assert {f.lookup for f in SETTINGS.values() if f.lookup} == set(Lookup)


def test_every_field_says_how_it_is_read_from_the_list() -> None:
    sources = {f.name: f.source for f in CATALOGUE}
    # The renames api-contract.md's table documents.
    assert sources["assistant_name"] == "name"
    assert sources["language"] == "language_id"
    assert sources["llm_model"] == "llm_model_id"
    assert sources["calls_direction"] == "type"
    assert sources["engine_type"] == "mode"
    assert sources["filler_audios"] == "fillers"
    assert sources["re_engagement_interval"] == "reengagement_interval"
    assert sources["max_call_duration"] == "max_duration"
    assert sources["noise_cancellation"] == "enable_noise_cancellation"
    assert sources["record_call"] == "record"
    assert sources["who_speaks_first"] == "wait_for_customer"
    assert sources["end_call_tool.description"] == "tools"
    assert all(sources.values())
