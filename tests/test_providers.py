"""The 2026 speech and transcription providers are the assistant's language's own
(`synthesizer-providers?language_id=`): the editor offers that language's list and
follows a change of language, a provider the language does not offer is refused before
sending (as the sandbox refuses it) and flagged when only the language changed, and
the CLI checks a provider it sends. Against the 2026 sandbox over loopback."""

from __future__ import annotations

import asyncio
import json

import httpx
import pytest
from click.testing import CliRunner

from tui_helpers import control_of, focus, make_app, open_editor, wait_until
from voicedesk.api import ApiClient
from voicedesk.cli import main
from voicedesk.remote import load_providers, open_session
from voicedesk.sandbox import DEMO_API_KEY, Sandbox, dialect2026
from voicedesk.tui.widgets import SearchSelect

ENGLISH = ["ElevenLabs", "Cartesia", "Azure"]


@pytest.fixture
def sandbox():
    with Sandbox(rate_limit=None, dialect="2026") as sandbox:
        yield sandbox


@pytest.mark.parametrize("query, status", [("", 422), ("?language_id=", 422), ("?language_id=99", 422),
                                           ("?language_id=x", 422), ("?language_id=1", 200), ("?language_id=5", 200)])
def test_the_sandbox_lists_a_languages_providers(sandbox, query, status) -> None:
    for kind in ("synthesizer", "transcriber"):
        reply = httpx.get(f"{sandbox.base_url}/api/user/assistants/{kind}-providers{query}",
                          headers={"Authorization": f"Bearer {DEMO_API_KEY}"})
        assert reply.status_code == status
        if status == 200:
            assert [p["id"] for p in reply.json()] == [p["id"] for p in dialect2026.providers(kind, int(query[-1]))]


async def _session(sandbox, language: str | None = None):
    async with ApiClient(sandbox.base_url, DEMO_API_KEY) as client:
        session, _ = await open_session(client, 101)
        if language is not None:
            session.set("language", language)
        assert not await load_providers(client, session.lookups, session.value("language"))
        return session


def test_a_provider_of_another_language_is_refused_like_the_server_does(sandbox) -> None:
    session = asyncio.run(_session(sandbox, "Italian"))
    tried = 0
    for name, kind in (("synthesizer_provider_id", "synthesizer"), ("transcriber_provider_id", "transcriber")):
        offered = {p["id"] for p in dialect2026.providers(kind, 5)}
        listed = dialect2026.SYNTHESIZER_PROVIDERS if kind == "synthesizer" else dialect2026.TRANSCRIBER_PROVIDERS
        for provider in listed:
            session.set(name, provider["id"])
            client_refuses = name in session.validate()
            server_refuses = name in dialect2026.validate_update(session.body(), sandbox.assistant(101), sandbox.data)
            assert client_refuses == server_refuses == (provider["id"] not in offered), (name, provider)
            tried += 1
        session.revert(name)
    print(f"{tried} provider and language pairs")


def test_a_held_provider_the_new_language_lacks_is_flagged_not_refused(sandbox) -> None:
    sandbox.edit_assistant(101, synthesizer_provider_id=1)  # ElevenLabs: English and German only
    session = asyncio.run(_session(sandbox, "Italian"))
    assert "synthesizer_provider_id" not in session.validate()
    assert "Italian language offers (Azure)" in session.flags()["synthesizer_provider_id"]


@pytest.mark.parametrize("assignments, code, said", [
    (["synthesizer_provider_id=2"], 0, "Saved"),
    (["language=Italian", "synthesizer_provider_id=2"], 2, "not one the Italian language offers"),
    (["language=Italian", "synthesizer_provider_id=3"], 0, "Saved"),
])
def test_the_cli_checks_a_provider_against_its_language(sandbox, assignments, code, said) -> None:
    result = CliRunner().invoke(main, ["--base-url", sandbox.base_url, "--api-key", DEMO_API_KEY,
                                       "set", "101", *assignments, "--yes"])
    assert result.exit_code == code, result.output
    assert said in (result.stdout if code == 0 else result.stderr)
    stored = sandbox.assistant(101)["synthesizer_provider_id"]
    assert stored == (int(assignments[-1].split("=")[1]) if code == 0 else None)


async def test_the_editor_offers_the_languages_providers_and_follows_a_change(sandbox) -> None:
    app = make_app(sandbox, 101)
    async with app.run_test(size=(120, 36)) as pilot:
        editor = await open_editor(pilot)
        await focus(pilot, editor, "synthesizer_provider_id")
        speech = control_of(editor, "synthesizer_provider_id", SearchSelect)
        listed = lambda: [label.split("  #")[0] for label, _ in speech.options]  # noqa: E731
        assert listed() == ["The language's default", *ENGLISH]
        control_of(editor, "language", SearchSelect).value = "Italian"  # as the list sets it
        await wait_until(pilot, lambda: listed() == ["The language's default", "Azure"])
        transcription = control_of(editor, "transcriber_provider_id", SearchSelect)
        assert [label.split("  #")[0] for label, _ in transcription.options] == ["The language's default", "Azure"]
        await pilot.press("ctrl+o")  # revert the language ... (focus is on the provider: revert it there)
        await focus(pilot, editor, "language")
        await pilot.press("ctrl+o")
        await wait_until(pilot, lambda: listed() == ["The language's default", *ENGLISH])


@pytest.mark.parametrize("assignment, sent, problem", [
    ("folder_id=Customers A-M", {"folder_id": 91}, None),
    ("knowledgebase_id=Insurance terms", {"knowledgebase_id": 82}, None),
    ("knowledgebase_id=82", {"knowledgebase_id": 82}, None),
    ("knowledgebase_id=insurance terms", {"knowledgebase_id": 82}, None),  # a name in any case
    ("knowledgebase_id=Insurance", None, "no entry of the account's knowledge bases is named"),
    ("language_id=German", {"language_id": 2}, None),
    ("language_id=2", {"language_id": 2}, None),
    ("language_id=Klingon", None, "Language 'Klingon' is not one of the account's names"),
    ("synthesizer_provider_id=Azure", None, "expected the provider's id"),
])
def test_the_cli_takes_an_id_or_the_exact_name_of_a_list_entry(sandbox, assignment, sent, problem) -> None:
    result = CliRunner().invoke(main, ["--base-url", sandbox.base_url, "--api-key", DEMO_API_KEY,
                                       "set", "101", assignment, "--dry-run"])
    if problem is None:
        assert result.exit_code == 0, result.output
        assert json.loads(result.stdout.split("the body would be:\n", 1)[1]) == sent
    else:
        assert result.exit_code == 2 and problem in result.stderr
