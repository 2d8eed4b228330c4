"""Lookup records read from the server's JSON: lax where PHP backends are, strict where a
wrong value would mislead, and errors that name the item and key but never the data."""

from __future__ import annotations

import pytest

from voicedesk.records import Language, PhoneNumber, RecordError, Voice, read_records


def test_records_are_read_with_defaults_and_unknown_keys_ignored() -> None:
    numbers = read_records(PhoneNumber, [{"id": 7, "phone_number": "+4930", "added_later": [1]}])

    assert numbers == [PhoneNumber(id=7, phone_number="+4930", country_code=None, type_label=None,
                                   is_available=True)]


@pytest.mark.parametrize("raw, read", [(413, 413), ("413", 413), (" 413 ", 413), (413.0, 413)])
def test_ids_may_come_as_digits_or_whole_floats(raw: object, read: int) -> None:
    assert read_records(Voice, [{"id": raw, "name": "Anna", "mode": "pipeline"}])[0].id == read


@pytest.mark.parametrize("raw, read", [(True, True), (0, False), ("1", True), ("false", False), (" Yes ", True)])
def test_flags_take_the_usual_spellings(raw: object, read: bool) -> None:
    record = {"id": 1, "phone_number": "+1", "is_available": raw}
    assert read_records(PhoneNumber, [record])[0].is_available is read


@pytest.mark.parametrize("item, key, problem", [
    ({"id": True, "name": "Anna", "mode": "pipeline"}, "id", "expected a whole number"),
    ({"id": "4a", "name": "Anna", "mode": "pipeline"}, "id", "expected a whole number"),
    ({"id": 4.5, "name": "Anna", "mode": "pipeline"}, "id", "expected a whole number"),
    ({"id": "²", "name": "Anna", "mode": "pipeline"}, "id", "expected a whole number"),
    ({"id": "9" * 5000, "name": "Anna", "mode": "pipeline"}, "id", "expected a whole number"),
    ({"id": 4, "name": 17, "mode": "pipeline"}, "name", "expected text"),
    ({"id": 4, "mode": "pipeline"}, "name", "missing"),
    ({"id": 4, "name": None, "mode": "pipeline"}, "name", "must not be null"),
    ("Anna", "record", "expected an object"),
])
def test_a_bad_record_names_its_position_and_key(item: object, key: str, problem: str) -> None:
    good = {"id": 1, "name": "Bert", "mode": "pipeline"}

    with pytest.raises(RecordError) as raised:
        read_records(Voice, [good, item])

    assert (raised.value.position, raised.value.key, raised.value.problem) == (2, key, problem)
    assert "Anna" not in str(raised.value)  # the server's data is never quoted


def test_null_is_kept_where_the_field_allows_it_and_refused_where_it_has_only_a_default() -> None:
    assert read_records(Language, [{"id": 5, "name": "German", "iso_2": None}])[0].iso_2 is None
    with pytest.raises(RecordError, match="is_available: must not be null"):
        read_records(PhoneNumber, [{"id": 1, "phone_number": "+1", "is_available": None}])
