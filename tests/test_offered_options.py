"""Every choice a list in the editor offers is a value the server takes: picking any
entry of any list (voices, languages, models, numbers, the 2026 lists of ids) makes a
body whose value neither the client's checks nor the sandbox's rules refuse, in both
dialects (and where it affects another field, both say so).

A list that offered names where the server wants ids (or the other way round) would
let the user pick a value that can only fail on save, or worse be stored as another.
"""

from __future__ import annotations

import asyncio
import copy
from typing import Any

import pytest

from voicedesk.api import ApiClient
from voicedesk.fields import Dialect, Kind, Lookup, catalogue
from voicedesk.remote import load_lookups, load_providers
from voicedesk.sandbox import DEMO_API_KEY, Sandbox, demo_data, dialect2026
from voicedesk.sandbox import rules as rules_2025
from voicedesk.session import EditSession
from voicedesk.tui.form import field_options


def _data(dialect: Dialect):
    data = demo_data()
    if dialect is Dialect.D2026:
        for record in data.assistants.values():
            dialect2026.with_current_columns(record)
        dialect2026.current_demo(data)
    return data


def _lookups(dialect: Dialect, data):
    async def load():
        with Sandbox(copy.deepcopy(data), rate_limit=None, dialect=dialect.value) as sandbox:
            async with ApiClient(sandbox.base_url, DEMO_API_KEY) as client:
                result = await load_lookups(client)
                if dialect is Dialect.D2026:  # the providers, as the editor loads them: per language
                    for language in result.lookups.languages or ():
                        assert not await load_providers(client, result.lookups, language.name)
                return result

    result = asyncio.run(load())
    assert not result.failures and result.dialect is not None and result.dialect.dialect is dialect
    return result.lookups


def _mode(record: dict[str, Any]) -> str | None:
    return record.get("mode") or record.get("engine_type")


@pytest.mark.parametrize("dialect", [Dialect.D2025, Dialect.D2026])
def test_every_offered_choice_is_taken(dialect: Dialect) -> None:
    data = _data(dialect)
    lookups = _lookups(dialect, data)
    fields = catalogue(dialect)
    validate = dialect2026.validate_update if dialect is Dialect.D2026 else rules_2025.validate_update
    tried = lists = 0
    for field in fields.fields:
        if field.kind not in (Kind.LOOKUP, Kind.ID_LIST, Kind.CHOICE) or field.lookup is Lookup.TIMEZONES:
            continue
        # An assistant the setting applies to (the mode-limited 2026 settings).
        record_id = next(i for i, r in data.assistants.items() if not field.modes or _mode(r) in field.modes)
        record = data.assistants[record_id]
        options = field_options(field, EditSession(record_id, record, lookups, fields))
        assert options and not callable(options), f"{dialect.value} {field.name}: no list offered"
        lists += 1
        for label, value in options:
            if "in use" in label:
                continue  # another assistant's number: offered, marked, refused by the server
            session = EditSession(record_id, record, lookups, fields)
            session.set(field.name, [value] if field.kind is Kind.ID_LIST else value)
            problems = session.validate()
            body = session.body()
            errors = validate(body, record, data)
            # The value itself is taken; another field it affects (a voice of the old
            # engine) may need changing too, and then the client says so before sending.
            assert field.name not in problems and field.update_name not in errors, (
                dialect.value, field.name, label, body, problems, errors)
            assert bool(problems) == bool(errors), (dialect.value, field.name, label, body, problems, errors)
            tried += 1
    print(f"{dialect.value}: {tried} offered choices of {lists} lists taken")
