"""The sandbox emulates the API of api-contract.md over real HTTP; these tests talk to it
with plain httpx, as the app does."""

from __future__ import annotations

import ast
import json
import threading
import time
from pathlib import Path

import httpx
import pytest

import voicedesk.sandbox
from voicedesk.sandbox import (
    DEMO_API_KEY,
    Fault,
    RateLimit,
    Sandbox,
    SandboxData,
    demo_data,
    generated_data,
)
from voicedesk.sandbox.rules import validate_update

LIST = "/api/user/assistants/get"
AUTH = {"Authorization": f"Bearer {DEMO_API_KEY}"}
READ_KEYS = set("""
    id uuid user_id name status type mode voice_id language language_id llm_model_id
    timezone initial_message system_prompt phone_number_id endpoint_type
    endpoint_sensitivity interrupt_sensitivity ambient_sound ambient_sound_volume
    post_call_evaluation send_webhook_only_on_completed include_recording_in_webhook
    is_webhook_active webhook_url min_interrupt_words variables post_call_schema tools
    llm_temperature voice_stability voice_similarity speech_speed allow_interruptions
    fillers reengagement_interval max_duration max_silence_duration end_call_on_voicemail
    enable_noise_cancellation record wait_for_customer knowledgebase_id filler_config
    widget_settings created_at updated_at
""".split())


@pytest.fixture
def sandbox():
    with Sandbox(rate_limit=None) as sb:
        yield sb


@pytest.fixture
def client(sandbox):
    with httpx.Client(base_url=sandbox.base_url, headers=AUTH, timeout=2) as c:
        yield c


def read_back(client: httpx.Client, assistant_id: int) -> dict:
    """The record as the list returns it (there is no single-assistant GET)."""
    data = client.get(LIST, params={"per_page": 100}).json()["data"]
    return next(a for a in data if a["id"] == assistant_id)


# -- data -------------------------------------------------------------------------------


def test_demo_data_is_consistent():
    data = demo_data()
    voices = {v["id"]: v["mode"] for v in data.voices}
    languages = {x["id"] for x in data.languages}
    models = {x["id"] for x in data.models}
    assert len(voices) >= 40 and set(voices.values()) == {"pipeline", "multimodal"}
    assert len(languages) == 10 and len(models) == 10
    mine = [a for a in data.assistants.values() if a["user_id"] == data.account_id]
    assert len(mine) >= 12
    assert any(a["user_id"] != data.account_id for a in data.assistants.values())
    for record in data.assistants.values():
        assert READ_KEYS <= set(record), record["id"]
        assert voices[record["voice_id"]] == record["mode"], record["id"]
        assert record["language_id"] in languages and record["llm_model_id"] in models
    for record in mine:  # each number assignment is one the server itself would accept
        body = {"phone_number_id": record["phone_number_id"]}
        assert validate_update(body, record, data) == {}, record["id"]


def test_demo_data_is_deterministic():
    assert demo_data() == demo_data()


def test_generated_data_is_large_and_deterministic():
    data = generated_data(2000, 5000, prompt_bytes=200_000, seed=3)
    assert len(data.assistants) == 2000 and len(data.voices) == 5000
    assert len(data.assistants[1001]["system_prompt"].encode()) == 200_000
    assert data == generated_data(2000, 5000, prompt_bytes=200_000, seed=3)


# -- auth and routing -------------------------------------------------------------------


@pytest.mark.parametrize("headers", [
    {}, {"Authorization": "Bearer wrong"}, {"Authorization": DEMO_API_KEY},
])
def test_missing_or_wrong_key_is_401(sandbox, headers):
    response = httpx.get(sandbox.base_url + LIST, headers=headers)
    assert response.status_code == 401
    assert response.json()["error"] == "Invalid API key"
    assert response.json()["message"]
    assert DEMO_API_KEY not in repr(sandbox.requests[-1])


def test_unknown_path_and_wrong_method_answer_json(client):
    missing = client.get("/api/user/nothing")
    assert missing.status_code == 404 and "message" in missing.json()
    wrong_method = client.get("/api/user/assistant/101")
    assert wrong_method.status_code == 405 and "PUT" in wrong_method.json()["message"]


# -- the list ---------------------------------------------------------------------------


def test_list_is_a_laravel_paginator_of_the_accounts_assistants(client, sandbox):
    first = client.get(LIST).json()
    mine = sorted(a["id"] for a in sandbox.data.assistants.values()
                  if a["user_id"] == sandbox.data.account_id)
    assert first["per_page"] == 10 and first["current_page"] == 1
    assert first["total"] == len(mine) and first["last_page"] == 2
    assert (first["from"], first["to"]) == (1, 10)
    assert first["prev_page_url"] is None and first["next_page_url"].endswith("?page=2")
    assert first["path"] == sandbox.base_url + LIST
    for key in ("first_page_url", "last_page_url"):
        assert first[key].startswith(sandbox.base_url)
    second = client.get(LIST, params={"page": 2}).json()
    assert second["next_page_url"] is None
    assert [a["id"] for a in first["data"] + second["data"]] == mine
    assert 900 not in mine


def test_list_page_past_the_end_is_empty(client):
    page = client.get(LIST, params={"page": 9}).json()
    assert page["data"] == [] and page["from"] is None and page["to"] is None


@pytest.mark.parametrize("per_page", ["0", "101", "ten"])
def test_list_rejects_per_page_outside_1_to_100(client, per_page):
    response = client.get(LIST, params={"per_page": per_page})
    assert response.status_code == 422
    assert list(response.json()["errors"]) == ["per_page"]


def test_list_returns_the_read_shape_with_its_loose_types(client):
    records = {a["id"]: a for a in client.get(LIST, params={"per_page": 100}).json()["data"]}
    for record in records.values():
        for key in ("llm_temperature", "voice_stability", "voice_similarity", "speech_speed",
                    "ambient_sound_volume"):
            assert record[key] is None or isinstance(record[key], str)
        assert record["fillers"] in (0, 1) and record["end_call_on_voicemail"] in (0, 1)
        assert isinstance(record["is_webhook_active"], bool)
    out_of_range = records[106]
    assert (out_of_range["max_duration"], out_of_range["reengagement_interval"],
            out_of_range["speech_speed"]) == (1800, 5, "1.5")
    assert "[@click=app.quit]" in records[107]["name"] and "サポート" in records[107]["name"]
    assert len(records[108]["system_prompt"].encode()) > 50_000
    assert records[109]["phone_number_id"] is None and records[109]["webhook_url"] is None
    assert records[113]["tools"] == ["end_call"]
    assert any(item["type"] == "boolean" for item in records[105]["post_call_schema"])


# -- lookups ----------------------------------------------------------------------------


@pytest.mark.parametrize("mode", ["pipeline", "multimodal"])
def test_voices_filter_by_mode(client, mode):
    voices = client.get("/api/user/assistants/voices", params={"mode": mode}).json()
    assert voices and all(v["mode"] == mode for v in voices)


def test_voices_without_mode_are_all(client, sandbox):
    assert len(client.get("/api/user/assistants/voices").json()) == len(sandbox.data.voices)


def test_languages_and_models_are_bare_arrays(client):
    languages = client.get("/api/user/assistants/languages").json()
    models = client.get("/api/user/assistants/models").json()
    assert {"id": 2, "name": "German", "iso_2": "de"} in languages
    assert len(models) == 10 and {"id", "name"} <= set(models[0])


def test_inbound_phone_numbers_leave_out_caller_ids(client):
    everything = client.get("/api/user/assistants/phone-numbers").json()
    inbound = client.get("/api/user/assistants/phone-numbers", params={"type": "inbound"}).json()
    assert any(n["type_label"] == "Caller ID" for n in everything)
    assert all(n["type_label"] != "Caller ID" for n in inbound)
    availability = {n["id"]: n["is_available"] for n in everything}
    assert availability[2101] is False and availability[2114] is True


# -- updates ----------------------------------------------------------------------------


def test_update_changes_only_the_sent_fields(client):
    before = read_back(client, 101)
    response = client.put("/api/user/assistant/101", json={
        "assistant_name": "Front desk", "speech_speed": 0.9, "filler_audios": False,
    })
    assert response.status_code == 200
    assert response.json() == {
        "message": "Assistant updated successfully",
        "data": {"id": 101, "name": "Front desk", "status": "active", "type": "inbound",
                 "mode": "pipeline"},
    }
    after = read_back(client, 101)
    changed = {key for key in before if before[key] != after[key]}
    assert changed == {"name", "speech_speed", "fillers", "updated_at"}
    assert (after["speech_speed"], after["fillers"]) == ("0.9", 0)


def test_update_translates_write_names_to_the_read_shape(client):
    response = client.put("/api/user/assistant/113", json={
        "language": "German",
        "llm_model": "Claude Sonnet",
        "calls_direction": "receive",
        "phone_number_id": 2114,
        "who_speaks_first": "AI assistant",
        "end_call_tool": {"description": "Hang up after the RSVP."},
        "variables": {},
        "use_min_interrupt_words": True,
        "min_interrupt_words": 2,
        "end_call_on_voicemail": True,
        "llm_temperature": "0.25",
    })
    assert response.status_code == 200, response.text
    record = read_back(client, 113)
    assert (record["language_id"], record["language"], record["llm_model_id"]) == (2, "de", 5)
    assert (record["type"], record["phone_number_id"]) == ("inbound", 2114)
    assert record["wait_for_customer"] is False
    assert record["tools"] == [
        {"type": "end_call", "data": {"description": "Hang up after the RSVP."}}
    ]
    assert record["variables"] == []  # PHP's empty array
    assert (record["min_interrupt_words"], record["end_call_on_voicemail"]) == (2, 1)
    assert record["llm_temperature"] == "0.25"


def test_update_switches_features_off(client):
    assert client.put("/api/user/assistant/101", json={
        "webhook_url": None, "use_min_interrupt_words": False,
    }).status_code == 200
    record = read_back(client, 101)
    assert record["webhook_url"] is None and record["is_webhook_active"] is False
    assert record["min_interrupt_words"] is None


def test_update_without_a_real_change_keeps_updated_at(client, sandbox):
    before = sandbox.assistant(102)
    assert client.put("/api/user/assistant/102", json={"speech_speed": "1.05"}).status_code == 200
    assert sandbox.assistant(102) == before


def test_invalid_update_is_422_and_changes_nothing(client, sandbox):
    before = sandbox.assistant(101)
    response = client.put("/api/user/assistant/101", json={
        "assistant_name": "Fine", "speech_speed": 1.5, "voice_id": 999999,
        "post_call_schema": [{"name": "bad name", "type": "boolean"}],
        "end_call_tool": {"description": "x" * 501},
    })
    assert response.status_code == 422
    body = response.json()
    assert body["message"] == "The given data was invalid."
    assert body["errors"] == {
        "speech_speed": ["The speech speed must be between 0.7 and 1.2."],
        "voice_id": ["The selected voice id is invalid."],
        "post_call_schema.0.name": ["The post call schema.0.name format is invalid."],
        "post_call_schema.0.type": ["The selected post call schema.0.type is invalid."],
        "post_call_schema.0.description": [
            "The post call schema.0.description field is required."
        ],
        "end_call_tool.description": [
            "The end call tool.description must not be greater than 500 characters."
        ],
    }
    assert sandbox.assistant(101) == before


@pytest.mark.parametrize("assistant_id", ["424242", "900", "abc"])
def test_update_of_a_missing_or_foreign_assistant_is_404(client, assistant_id):
    response = client.put(f"/api/user/assistant/{assistant_id}", json={"assistant_name": "x"})
    assert response.status_code == 404
    assert response.json() == {
        "message": "Assistant not found or does not belong to the authenticated user"
    }


@pytest.mark.parametrize("content", [b"[1, 2]", b"{not json", b""])
def test_update_body_must_be_a_json_object(client, content):
    response = client.put("/api/user/assistant/101", content=content,
                          headers={"Content-Type": "application/json"})
    assert response.status_code == 400 and response.json()["message"]


# -- the rules, without HTTP --------------------------------------------------------------


@pytest.fixture
def data() -> SandboxData:
    return demo_data()


def errors_for(data: SandboxData, assistant_id: int, body: dict) -> dict:
    return validate_update(body, data.assistants[assistant_id], data)


@pytest.mark.parametrize("name, value, message", [
    ("assistant_name", "  ", "The assistant name field is required."),
    ("language", "Klingon", "The selected language is invalid."),
    ("calls_direction", "both", "The selected calls direction is invalid."),
    ("timezone", "Mars/Olympus", "The timezone must be a valid timezone."),
    ("re_engagement_interval", 6.5, "The re engagement interval must be an integer."),
    ("max_call_duration", 1800, "The max call duration must be between 20 and 1200."),
    ("record_call", "yes", "The record call field must be true or false."),
    ("llm_temperature", None, "The llm temperature must be a number."),
    ("webhook_url", "ftp://example.com", "The webhook url must be a valid URL."),
    ("variables", ["a"], "The variables must be an object of names and values."),
])
def test_single_field_rules(data, name, value, message):
    assert errors_for(data, 101, {name: value}) == {name: [message]}


def test_variable_values_may_be_any_json(data):
    # Stored records hold them, and nothing documents that an update refuses them.
    assert errors_for(data, 101, {"variables": {"n": 1, "on": True, "address": {"city": "Bonn"}}}) == {}


def test_laravel_loose_types_pass(data):
    body = {"who_speaks_first": "Customer", "record_call": 1, "speech_speed": "0.7",
            "max_silence_duration": "45", "variables": []}
    assert errors_for(data, 101, body) == {}


def test_voice_must_match_the_resulting_engine_type(data):
    assert errors_for(data, 101, {"engine_type": "multimodal"}) == {
        "voice_id": ["The selected voice is not available for the multimodal engine type."]
    }
    assert errors_for(data, 101, {"engine_type": "multimodal", "voice_id": 601}) == {}


def test_webhook_url_is_required_when_the_webhook_is_active(data):
    expected = {
        "webhook_url": ["The webhook url field is required when is webhook active is true."]
    }
    assert errors_for(data, 109, {"is_webhook_active": True}) == expected
    assert errors_for(data, 101, {"webhook_url": None, "is_webhook_active": True}) == expected
    assert errors_for(data, 101, {"webhook_url": None}) == {}


def test_inbound_assistants_cannot_take_caller_ids_or_taken_numbers(data):
    [caller_id] = errors_for(data, 101, {"phone_number_id": 2116})["phone_number_id"]
    assert "Caller ID" in caller_id
    [taken] = errors_for(data, 101, {"phone_number_id": 2102})["phone_number_id"]
    assert "already assigned" in taken
    assert errors_for(data, 103, {"calls_direction": "receive"})["phone_number_id"]
    assert errors_for(data, 109, {"phone_number_id": 2116}) == {}  # outbound may use one
    assert errors_for(data, 101, {"phone_number_id": 31337}) == {
        "phone_number_id": ["The selected phone number id is invalid."]
    }


def test_min_interrupt_words_is_required_when_used(data):
    assert errors_for(data, 102, {"use_min_interrupt_words": True}) == {
        "min_interrupt_words": [
            "The min interrupt words field is required when use min interrupt words is true."
        ]
    }
    assert errors_for(data, 102, {"use_min_interrupt_words": True, "min_interrupt_words": 0}) == {}


# -- rate limit -------------------------------------------------------------------------


def test_rate_limit_answers_429_with_retry_after():
    with Sandbox(rate_limit=RateLimit(per_minute=10, per_10s=3)) as sb, \
            httpx.Client(base_url=sb.base_url, headers=AUTH) as c:
        remaining = [c.get("/api/user/assistants/models").headers["X-RateLimit-Remaining"]
                     for _ in range(3)]
        limited = c.get("/api/user/assistants/models")
    assert remaining == ["2", "1", "0"]
    assert limited.status_code == 429
    assert limited.json() == {"message": "Too Many Attempts."}
    assert 1 <= int(limited.headers["Retry-After"]) <= 10
    assert int(limited.headers["X-RateLimit-Reset"]) > time.time()
    assert limited.headers["X-RateLimit-Limit"] == "10"


# -- faults, latency, the request log ------------------------------------------------------


def test_status_fault_replaces_the_answer_once(client, sandbox):
    sandbox.fail_next(1, Fault.status(500, {"message": "Assistant update failed"}))
    failed = client.put("/api/user/assistant/101", json={"assistant_name": "Lost"})
    assert (failed.status_code, failed.json()) == (500, {"message": "Assistant update failed"})
    assert sandbox.assistant(101)["name"] != "Lost"
    assert client.get("/api/user/assistants/models").status_code == 200


def test_status_fault_carries_headers(client, sandbox):
    sandbox.fail_next(1, Fault.status(429, headers={"Retry-After": "7"}))
    response = client.get(LIST)
    assert response.status_code == 429 and response.headers["Retry-After"] == "7"
    assert response.json() == {"message": "Too Many Attempts."}


def test_fault_with_a_path_waits_for_a_matching_request(client, sandbox):
    sandbox.fail_next(2, Fault.html(503), path="/voices")
    assert client.get("/api/user/assistants/models").status_code == 200
    for _ in range(2):
        response = client.get("/api/user/assistants/voices")
        assert response.status_code == 503
        assert response.headers["content-type"].startswith("text/html")
        assert "<center>nginx</center>" in response.text
    assert client.get("/api/user/assistants/voices").status_code == 200


def test_malformed_json_fault(client, sandbox):
    sandbox.fail_next(1, Fault.malformed_json())
    response = client.get(LIST)
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/json"
    with pytest.raises(json.JSONDecodeError):
        response.json()


def test_wrong_shape_fault(client, sandbox):
    sandbox.fail_next(1, Fault.body("not a list"))
    assert client.get("/api/user/assistants/languages").json() == "not a list"


def test_drop_fault_cuts_the_body_and_is_logged_as_0(client, sandbox):
    sandbox.fail_next(1, Fault.drop())
    with pytest.raises(httpx.RemoteProtocolError):
        client.get(LIST)
    assert sandbox.requests[-1].status == 0
    assert client.get(LIST).status_code == 200


def test_delay_fault_exceeds_the_client_timeout(sandbox):
    sandbox.fail_next(1, Fault.delay(0.5))
    with httpx.Client(base_url=sandbox.base_url, headers=AUTH, timeout=0.1) as c:
        with pytest.raises(httpx.ReadTimeout):
            c.get(LIST)
        assert c.get(LIST).status_code == 200


def test_latency_is_added_to_every_response(client, sandbox):
    sandbox.latency = 0.2
    started = time.perf_counter()
    client.get("/api/user/assistants/models")
    assert time.perf_counter() - started >= 0.2


def test_request_log_masks_the_key(client, sandbox):
    client.put("/api/user/assistant/101?trace=1", json={"speech_speed": 1})
    request = sandbox.requests[-1]
    assert (request.method, request.path) == ("PUT", "/api/user/assistant/101")
    assert request.query == {"trace": "1"}
    assert request.headers["authorization"] == "Bearer ***"
    assert DEMO_API_KEY not in repr(request)
    assert request.body == {"speech_speed": 1} and request.raw_body == b'{"speech_speed":1}'
    assert request.status == 200
    sandbox.clear_requests()
    assert sandbox.requests == []


def test_stop_refuses_even_kept_alive_connections(client, sandbox):
    assert client.get(LIST).status_code == 200  # leaves a pooled keep-alive connection
    sandbox.stop()
    with pytest.raises(httpx.ConnectError):
        client.get(LIST)
    sandbox.start()  # restarts on the same port
    assert client.get(LIST).status_code == 200


def test_containers_of_the_wrong_type_are_422_not_crashes(client, sandbox):
    response = client.put("/api/user/assistant/101", json={
        "post_call_schema": {"a": 1}, "end_call_tool": "x", "variables": "y",
    })
    assert response.status_code == 422
    assert set(response.json()["errors"]) == {"post_call_schema", "end_call_tool", "variables"}
    assert sandbox.errors == []


def test_serve_forever_reports_ready_and_stops_from_another_thread():
    sandbox = Sandbox(rate_limit=None)
    urls = []

    def ready(sb: Sandbox) -> None:
        urls.append(sb.base_url)
        threading.Thread(target=sb.stop).start()

    sandbox.serve_forever(ready)
    assert urls == [sandbox.base_url] and sandbox.port != 0


def test_the_sandbox_does_not_use_the_clients_field_catalogue():
    """The sandbox is an independent reading of the contract; sharing the catalogue
    would make client-versus-server validation tests compare a table with itself."""
    package = Path(voicedesk.sandbox.__file__).parent
    for source in package.glob("*.py"):
        for node in ast.walk(ast.parse(source.read_text())):
            if isinstance(node, ast.ImportFrom):
                names = [f"{node.module}.{alias.name}" for alias in node.names]
            elif isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            else:
                continue
            assert not any(name.startswith("voicedesk.fields") for name in names), source
