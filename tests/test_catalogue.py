"""The catalogue against the seed reference: every field once, in order, nothing invented."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from voicedesk.fields import CATALOGUE, FIELDS, GROUPS, SETTINGS, Dialect, Group, Kind, Lookup, Write, catalogue

# The seed reference, copied into the repo; the shared original is compared when present.
SEED = Path(__file__).parent / "data" / "seed_update_assistant.txt"
# The shared folder beside this checkout (or beside a worktree's parent), when there is one.
SHARED = next((folder / "shared" for folder in Path(__file__).resolve().parents
               if (folder / "shared" / "api-contract.md").exists()), None)
SHARED_SEED = SHARED / "seed" / "000_9d6c2878b05281c2.txt" if SHARED else None

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
    if SHARED_SEED is None or not SHARED_SEED.exists():
        pytest.skip("shared/ is not beside this checkout")
    assert SEED.read_bytes() == SHARED_SEED.read_bytes()


def test_groups_follow_the_seed_order() -> None:
    order = list(dict.fromkeys(group for group, _ in seed_fields()))
    assert order == list(catalogue(Dialect.D2025).groups) == list(GROUPS)


def test_the_2026_groups_are_the_seeds_with_tools_and_folders_for_the_end_call_tool() -> None:
    fields = catalogue(Dialect.D2026)
    expected = [g for g in Group if g is not Group.END_CALL]  # its one setting is an entry of `tools`
    assert list(fields.groups) == expected
    for group in fields.groups:  # each group's settings together, in form order
        members = [i for i, f in enumerate(fields) if f.group is group]
        assert members == list(range(members[0], members[-1] + 1)), group


# The contract's 2026 table, where this checkout sits beside shared/ (as the seed).
CONTRACT = SHARED / "api-contract.md" if SHARED else None


def contract_2026_rules() -> dict[str, str]:
    """update name -> the rule cell of its row in the contract's 2026 table; a row of
    several names with as many rules (`vad`/`ai`; 0-5; 0-5) gives each its own, a rule
    naming one of them is that one's."""
    assert CONTRACT is not None, "shared/api-contract.md is beside the repository"
    text = CONTRACT.read_text(encoding="utf-8")
    table = text[text.index("## The 2026 dialect"):text.index("### Built-in tools")]
    rules: dict[str, str] = {}
    for line in table.splitlines():
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        if len(cells) != 3 or cells[0] in ("2026 update field", "---") or set(cells[0]) <= {"-"}:
            continue
        names = [name.strip(" `") for name in cells[0].split(",")]
        parts = [part.strip() for part in cells[2].split(";")]
        named = [name for name in names if name in cells[2]]  # "webhook_url null removes it"
        for index, name in enumerate(names):
            if len(parts) == len(names) > 1:
                rules[name] = parts[index]
            else:
                rules[name] = cells[2] if not named or name in named else ""
    return rules


def test_the_2026_ranges_lengths_options_and_null_are_the_contracts() -> None:
    if CONTRACT is None:
        pytest.skip("shared/ is not beside this checkout")
    fields = catalogue(Dialect.D2026)
    rules = contract_2026_rules()
    assert set(rules) == set(fields.by_update_name)
    for name, rule in rules.items():
        spec = fields.by_update_name[name]
        bounds = re.search(r"\b(\d+(?:\.\d+)?)-(\d+(?:\.\d+)?)\b", rule)
        if spec.kind is not Kind.SCHEMA and bounds:
            assert (spec.minimum, spec.maximum) == (float(bounds[1]), float(bounds[2])), name
        else:
            assert not spec.ranged, name
        length = re.search(r"<= (\d+)", rule)
        assert spec.max_length == (int(length[1]) if length else None), name
        if "null" in rule:
            assert spec.nullable, name
        options = list(dict.fromkeys(re.findall(r"`([a-z_]+)`", rule)))  # "`prompt` is pipeline only"
        if spec.kind is Kind.CHOICE and spec.write is Write.SAME:
            assert [c.value for c in spec.choices] == options, name
    print(f"{len(rules)} rows of the contract's 2026 table")


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


def test_units_steps_and_kinds_the_form_relies_on(dialect) -> None:
    fields = catalogue(dialect)
    assert (fields["speech_speed"].step, fields["speech_speed"].minimum) == (0.05, 0.7)
    for name in ("ambient_sound_volume", "llm_temperature", "voice_stability", "voice_similarity"):
        assert fields[name].step == 0.05 and fields[name].kind is Kind.NUMBER
    seconds = ["re_engagement_interval", "max_call_duration", "max_silence_duration"]
    if dialect is Dialect.D2026:
        seconds += ["max_initial_silence_duration", "ringing_time"]
        assert fields["turn_detection_threshold"].step == 0.05
    for name in seconds:
        assert fields[name].unit == "s" and fields[name].kind is Kind.INTEGER
    if dialect is Dialect.D2025:
        assert fields["min_interrupt_words"].enabled_by == "use_min_interrupt_words"
    else:  # no switch: the slider can be off (null)
        assert fields["min_interrupt_words"].enabled_by is None and fields["min_interrupt_words"].nullable
    # Every list is some field's, in one dialect or the other.
    assert {f.lookup for f in SETTINGS.values() if f.lookup} == set(Lookup)


def test_every_field_says_how_it_is_read_from_the_list(dialect) -> None:
    """The list's records have the same shape whichever dialect the update speaks."""
    sources = {f.name: f.source for f in catalogue(dialect)}
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
    if dialect is Dialect.D2025:
        assert sources["end_call_tool.description"] == "tools"
    else:
        assert sources["tools"] == "tools"
        assert all(sources[f.name] == f.name for f in catalogue(dialect) if f.name not in FIELDS)
    assert all(sources.values())


def test_each_dialect_names_each_setting_once() -> None:
    for dialect in Dialect:
        fields = catalogue(dialect)
        assert len(fields.by_name) == len(fields.by_update_name) == len(fields)
        for spec in fields:  # either dialect's name finds the setting
            by_update_name, by_name = fields.resolve(spec.update_name), fields.resolve(spec.name)
            assert by_update_name is not None and by_update_name[0] is spec
            assert by_name is not None and by_name[0] is spec
