"""Many assistants at once, through the real CLI against a real sandbox: `set` with
several ids, --where and --all; `copy`, `compare` and `revert`; one plan, asked once,
the list read once, a failure on one assistant not stopping the others, conflicts
named, and every save proven by a read-back and kept in the history."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import time
from pathlib import Path

import pytest
import yaml

import voicedesk.cli.many
from test_cli import LIST_PATH, MY_IDS, SECRET_KEY, UPDATE_PREFIX, console_script, invoke, puts
from voicedesk.fields import Dialect
from voicedesk.sandbox import Fault, Sandbox


@pytest.fixture(autouse=True)
def private_state(tmp_path, monkeypatch):
    monkeypatch.setenv("VOICEDESK_STATE_DIR", str(tmp_path / "state"))
    monkeypatch.setenv("VOICEDESK_CONFIG_DIR", str(tmp_path / "config"))


@pytest.fixture(params=[Dialect.D2025, Dialect.D2026], ids=["2025", "2026"])
def sb(request):
    with Sandbox(api_key=SECRET_KEY, rate_limit=None, dialect=request.param.value) as sandbox:
        yield sandbox


def speeds(sb: Sandbox, ids: list[int]) -> dict[int, float]:
    # float(): a 2025 host keeps decimals as text ("0.8").
    return {number: float(sb.assistant(number)["speech_speed"]) for number in ids}


def list_reads(sb: Sandbox) -> int:
    return sum(1 for request in sb.requests if request.method == "GET" and request.path == LIST_PATH)


def test_set_several_ids_is_one_plan_read_once_and_each_save_proven(sb) -> None:
    result = invoke(sb.base_url, "set", "101", "102", "105", "speech_speed=0.8", "--yes")
    assert result.exit_code == 0, result.output
    assert speeds(sb, [101, 102, 105]) == {101: 0.8, 102: 0.8, 105: 0.8}
    assert speeds(sb, [103])[103] != 0.8  # only the ids given
    assert "Plan: 3 changes to 3 assistants." in result.stdout
    assert "Done: 3 saved." in result.stdout
    assert sorted(request.path for request in puts(sb)) == [f"{UPDATE_PREFIX}{n}" for n in (101, 102, 105)]
    assert all(request.body == {"speech_speed": request.body["speech_speed"]}  # type: ignore[index]
               for request in puts(sb))  # only what changed
    # The list once for the plan and once to prove the writes (14 assistants: one page each).
    assert list_reads(sb) == 2
    history = invoke(sb.base_url, "history", "--json")
    saved = [json.loads(line)["assistant_id"] for line in history.stdout.splitlines()]
    assert sorted(saved) == [101, 102, 105]


def test_where_chooses_by_value_and_all_takes_every_assistant(sb) -> None:
    inbound = [n for n in MY_IDS if sb.assistant(n)["type"] == "inbound"]
    result = invoke(sb.base_url, "set", "--where", "type=inbound", "record_call=on", "--dry-run", "--json")
    assert result.exit_code == 0, result.output
    plan = json.loads(result.stdout)["plan"]
    assert sorted(entry["assistant_id"] for entry in plan) == inbound
    assert puts(sb) == []
    every = invoke(sb.base_url, "set", "--all", "speech_speed=0.9", "--dry-run", "--json")
    assert sorted(entry["assistant_id"] for entry in json.loads(every.stdout)["plan"]) == MY_IDS
    none = invoke(sb.base_url, "set", "--where", "speech_speed=1.19", "speech_speed=0.9", "--yes")
    assert none.exit_code == 0 and "No assistant matches." in none.stderr
    assert puts(sb) == []


@pytest.mark.parametrize("args, fragment", [
    (["set", "101", "102", "nosuch=1", "--yes"], "assistants 101, 102: 'nosuch' is not a field"),
    (["set", "101", "102", "speech_speed=7", "--yes"], "assistants 101, 102: speech_speed"),
    (["set", "101", "999", "speech_speed=0.9", "--yes"], "assistant 999: assistant 999 is not in this account"),
    (["set", "--where", "nosuch=1", "speech_speed=0.9", "--yes"], "--where: 'nosuch'"),
    (["set", "--all", "101", "speech_speed=0.9", "--yes"], "--all takes no ids"),
    (["set", "speech_speed=0.9", "--yes"], "which assistants?"),
    (["set", "101", "102", "--yes"], "nothing to set"),
])
def test_a_problem_anywhere_in_the_plan_sends_nothing(sb, args, fragment) -> None:
    result = invoke(sb.base_url, *args)
    assert result.exit_code == 2, result.output
    assert fragment in result.stderr, result.stderr
    assert puts(sb) == []


def test_without_a_terminal_it_says_which_flag_to_pass(sb) -> None:
    result = invoke(sb.base_url, "set", "101", "102", "speech_speed=0.8")
    assert result.exit_code == 2
    assert "pass --yes" in result.stderr
    assert puts(sb) == []


def test_a_failure_on_one_assistant_does_not_stop_the_others(sb) -> None:
    sb.fail_next(1, Fault.status(500, {"message": "Assistant update failed"}), path=f"{UPDATE_PREFIX}102")
    result = invoke(sb.base_url, "set", "101", "102", "105", "speech_speed=0.8", "--yes", "--json")
    assert result.exit_code == 2, result.output
    outcomes = {entry["assistant_id"]: entry["status"] for entry in json.loads(result.stdout)["outcomes"]}
    assert outcomes == {101: "saved", 102: "failed", 105: "saved"}
    assert speeds(sb, [101, 105]) == {101: 0.8, 105: 0.8}
    assert speeds(sb, [102])[102] != 0.8


def test_a_change_made_while_the_plan_was_asked_is_a_named_conflict(sb, monkeypatch) -> None:
    # Someone edits 102's speed while the operator reads the plan: the pages are read
    # again after the answer, and 102 is not overwritten; 101 goes on.
    def answered_later(question: str) -> bool:
        sb.edit_assistant(102, speech_speed=1.1)
        return True

    monkeypatch.setattr(voicedesk.cli.many, "ask", answered_later)
    monkeypatch.setattr(voicedesk.cli.many, "unaskable", lambda: None)
    result = invoke(sb.base_url, "set", "101", "102", "speech_speed=0.8")
    assert result.exit_code == 2, result.output
    assert "conflict: Trattoria" in result.stderr and "speech_speed changed on the server" in result.stderr
    assert speeds(sb, [101, 102]) == {101: 0.8, 102: 1.1}
    assert list_reads(sb) == 3  # the plan, the re-read after the answer, the proof


def test_force_keeps_the_values_given_over_a_change_made_meanwhile(sb, monkeypatch) -> None:
    def answered_later(question: str) -> bool:
        sb.edit_assistant(102, speech_speed=1.1)
        return True

    monkeypatch.setattr(voicedesk.cli.many, "ask", answered_later)
    monkeypatch.setattr(voicedesk.cli.many, "unaskable", lambda: None)
    result = invoke(sb.base_url, "set", "101", "102", "speech_speed=0.8", "--force")
    assert result.exit_code == 0, result.output
    assert speeds(sb, [101, 102]) == {101: 0.8, 102: 0.8}


def test_a_value_the_server_does_not_take_is_reported_not_called_saved(sb) -> None:
    # The server answers 200 for 101 and keeps its old value: the read-back says so.
    before = speeds(sb, [101])
    sb.fail_next(1, Fault.body({"message": "Assistant updated successfully", "data": {"id": 101}}),
                 path=f"{UPDATE_PREFIX}101")
    result = invoke(sb.base_url, "set", "101", "102", "speech_speed=0.8", "--yes", "--json")
    outcomes = {entry["assistant_id"]: entry["status"] for entry in json.loads(result.stdout)["outcomes"]}
    assert outcomes == {101: "not taken", 102: "saved"}
    assert result.exit_code == 2
    assert speeds(sb, [101]) == before


def test_copy_leaves_identity_out_unless_named_and_compare_shows_what_differs(sb) -> None:
    source, target = sb.assistant(101), sb.assistant(102)
    # (101's stored schema breaks a 2026 naming rule: copied, it would be refused.)
    result = invoke(sb.base_url, "copy", "101", "102", "--except", "post_call_schema", "--yes", "--json")
    assert result.exit_code == 0, result.output
    copied = sb.assistant(102)
    for key in ("name", "phone_number_id", "type", "webhook_url"):
        assert copied[key] == target[key], key  # the destination's own
    assert float(copied["speech_speed"]) == float(source["speech_speed"])
    assert copied["system_prompt"] == source["system_prompt"]
    compared = invoke(sb.base_url, "compare", "101", "102", "--json")
    assert compared.exit_code == 1
    differing = {entry["field"] for entry in json.loads(compared.stdout)["differ"]}
    assert differing.isdisjoint({"speech_speed", "system_prompt", "voice_id", "llm_temperature"})
    assert {"phone_number_id"} <= differing
    same = invoke(sb.base_url, "compare", "101", "101")
    assert same.exit_code == 0 and "0 settings differ" in same.stdout


def test_copy_only_a_group_or_a_field(sb) -> None:
    sb.edit_assistant(101, speech_speed=0.75, llm_temperature=0.15)
    result = invoke(sb.base_url, "copy", "101", "103", "--only", "speech_speed", "--yes", "--json")
    assert result.exit_code == 0, result.output
    assert [sorted(put.body) for put in puts(sb)] == [["speech_speed"]]  # type: ignore[call-overload]
    assert speeds(sb, [103]) == {103: 0.75}
    assert float(sb.assistant(103)["llm_temperature"]) != 0.15
    bad = invoke(sb.base_url, "copy", "101", "103", "--only", "nosuch")
    assert bad.exit_code == 2 and "--only: no setting or group named 'nosuch'" in bad.stderr
    same = invoke(sb.base_url, "copy", "101", "101")
    assert same.exit_code == 2 and "both the source and a destination" in same.stderr


def test_revert_puts_back_a_save_and_refuses_over_a_later_change(sb) -> None:
    original = speeds(sb, [101])[101]
    assert invoke(sb.base_url, "set", "101", "speech_speed=0.8", "--yes").exit_code == 0
    result = invoke(sb.base_url, "revert", "101", "--yes")
    assert result.exit_code == 0, result.output
    assert speeds(sb, [101])[101] == original
    # A change made after the save (here, the revert itself is the later save of entry 1).
    again = invoke(sb.base_url, "revert", "101", "--entry", "1", "--yes")
    assert again.exit_code == 2 and "changed on the server after that save" in again.stderr
    forced = invoke(sb.base_url, "revert", "101", "--entry", "1", "--yes", "--force")
    assert forced.exit_code == 0 and speeds(sb, [101])[101] == original
    for args, fragment in [
        (["revert", "101", "--entry", "9"], "has saves 1 to"),
        (["revert", "101", "--at", "yesterday"], "is not a time"),
        (["revert", "101", "--at", "2000-01-01"], "the first save of assistant 101 is later"),
        (["revert", "110"], "has no save of assistant 110"),
        (["revert", "101", "--last", "--entry", "1"], "give one of"),
    ]:
        bad = invoke(sb.base_url, *args)
        assert bad.exit_code == 2 and fragment in bad.stderr, (args, bad.stderr)


def test_ctrl_c_stops_between_assistants_with_a_summary(tmp_path: Path) -> None:
    # A slow server: ctrl+c lands while the writes go on; the run stops after the
    # assistant under way and says what was done and what was not.
    with Sandbox(api_key=SECRET_KEY, rate_limit=None, latency=0.3) as sb:
        env = {**os.environ, "VOICEDESK_STATE_DIR": str(tmp_path / "s"), "VOICEDESK_CONFIG_DIR": str(tmp_path / "c"),
               "VOICEDESK_API_KEY": SECRET_KEY, "VOICEDESK_BASE_URL": sb.base_url}
        process = subprocess.Popen([console_script(), "set", "--all", "speech_speed=0.8", "--yes", "--json"],
                                   env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        deadline = time.monotonic() + 60
        while not puts(sb) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert puts(sb), "no write started"
        process.send_signal(signal.SIGINT)
        out, err = process.communicate(timeout=120)
    assert process.returncode == 2, err
    assert "Stopping after the assistant under way" in err
    outcomes = json.loads(out)["outcomes"]
    statuses = {entry["status"] for entry in outcomes}
    assert "not done" in statuses and "saved" in statuses, statuses
    saved = [entry["assistant_id"] for entry in outcomes if entry["status"] == "saved"]
    assert all(float(sb.assistant(n)["speech_speed"]) == 0.8 for n in saved)
    assert len(puts(sb)) == len(saved)  # nothing sent after the stop but what was under way


# --- a folder of files, and a file as a template -------------------------------------------


def pulled(sb: Sandbox, folder: Path) -> dict[int, Path]:
    result = invoke(sb.base_url, "pull", str(folder))
    assert result.exit_code == 0, result.output
    return {int(path.name.split("-")[0]): path for path in folder.glob("*.yaml")}


def edit_setting(path: Path, key: str, value: str) -> None:
    lines = path.read_text(encoding="utf-8").split("\n")
    index = next(i for i, line in enumerate(lines) if line.startswith(f"  {key}:"))
    lines[index] = f"  {key}: {value}"
    path.write_text("\n".join(lines), encoding="utf-8")


def test_a_folder_is_one_plan_and_apply_sends_only_the_files_that_differ(sb, tmp_path) -> None:
    files = pulled(sb, tmp_path / "acct")
    assert len(files) == len(MY_IDS)
    in_sync = invoke(sb.base_url, "diff", str(tmp_path / "acct"))
    assert in_sync.exit_code == 0 and f"{len(MY_IDS)} already as wanted" in in_sync.stdout
    edit_setting(files[101], "speech_speed", "0.75")
    edit_setting(files[105], "speech_speed", "0.8")
    sb.clear_requests()
    planned = invoke(sb.base_url, "diff", str(tmp_path / "acct"), "--json")
    assert planned.exit_code == 1
    changing = {entry["assistant_id"]: entry["changes"] for entry in json.loads(planned.stdout)["plan"]
                if entry["changes"]}
    assert sorted(changing) == [101, 105]
    assert [change["field"] for change in changing[101]] == ["speech_speed"]
    assert list_reads(sb) == 1 and puts(sb) == []  # a diff reads the list once and sends nothing
    applied = invoke(sb.base_url, "apply", str(tmp_path / "acct"), "--yes")
    assert applied.exit_code == 0, applied.output
    assert speeds(sb, [101, 105]) == {101: 0.75, 105: 0.8}
    assert sorted(put.path for put in puts(sb)) == [f"{UPDATE_PREFIX}101", f"{UPDATE_PREFIX}105"]
    again = invoke(sb.base_url, "diff", str(tmp_path / "acct"))
    assert again.exit_code == 0


def test_a_bad_file_anywhere_sends_nothing(sb, tmp_path) -> None:
    files = pulled(sb, tmp_path / "acct")
    edit_setting(files[101], "speech_speed", "0.75")
    edit_setting(files[102], "speech_speed", "fast")  # not a number
    result = invoke(sb.base_url, "apply", str(tmp_path / "acct"), "--yes")
    assert result.exit_code == 2
    assert "speech_speed" in result.stderr and puts(sb) == []
    (tmp_path / "acct" / "junk.yaml").write_text("settings: [unclosed", encoding="utf-8")
    broken = invoke(sb.base_url, "diff", str(tmp_path / "acct"))
    assert broken.exit_code == 2 and "junk.yaml" in broken.stderr


def test_files_pulled_from_another_host_are_refused(sb, tmp_path) -> None:
    files = pulled(sb, tmp_path / "acct")
    text = files[101].read_text(encoding="utf-8")
    files[101].write_text(text.replace(f"host: {sb.base_url.removeprefix('http://')}", "host: app.famulor.de"),
                          encoding="utf-8")
    result = invoke(sb.base_url, "apply", str(tmp_path / "acct"), "--yes")
    assert result.exit_code == 2 and "was pulled from app.famulor.de" in result.stderr
    assert puts(sb) == []


def test_a_file_as_a_template_leaves_the_identity_of_each_target_alone(sb, tmp_path) -> None:
    files = pulled(sb, tmp_path / "acct")
    edit_setting(files[101], "speech_speed", "0.75")
    if sb.dialect == "2026":
        # The whole file carries the tools with their secrets masked: on another assistant
        # there is no stored secret to keep, which is said, and nothing is sent.
        whole = invoke(sb.base_url, "apply", str(files[101]), "--to", "102", "--yes")
        assert whole.exit_code == 2 and "type the secret again" in whole.stderr and puts(sb) == []
    # A part of a pulled file: its block, and some settings, identity ones among them.
    document = yaml.safe_load(files[101].read_text(encoding="utf-8"))
    kept = {"speech_speed", "name", "assistant_name", "phone_number_id", "type", "calls_direction", "webhook_url"}
    document["settings"] = {key: value for key, value in document["settings"].items() if key in kept}
    part = tmp_path / "part.yaml"
    part.write_text(yaml.safe_dump(document), encoding="utf-8")
    targets = {number: sb.assistant(number) for number in (102, 105)}
    result = invoke(sb.base_url, "apply", str(part), "--to", "102", "--to", "105", "--yes", "--json")
    assert result.exit_code == 0, result.output
    assert "left out: they tell an assistant apart" in result.stderr
    for number, before in targets.items():
        after = sb.assistant(number)
        assert float(after["speech_speed"]) == 0.75
        for key in ("name", "phone_number_id", "type", "webhook_url"):
            assert after[key] == before[key], (number, key)
    assert [sorted(put.body) for put in puts(sb)] == [["speech_speed"], ["speech_speed"]]  # type: ignore[call-overload]
    template = tmp_path / "speed.json"
    template.write_text('{"speech_speed": 0.9}', encoding="utf-8")
    nameless = invoke(sb.base_url, "apply", str(template), "--yes")
    assert nameless.exit_code == 2 and "names no assistant" in nameless.stderr
    by_id = invoke(sb.base_url, "diff", str(template), "--to", "103")
    assert by_id.exit_code == 1 and "0.9 x" in by_id.stdout


def test_a_few_assistants_on_remembered_pages_are_read_there_not_the_whole_list(tmp_path) -> None:
    from voicedesk.sandbox import generated_data

    with Sandbox(generated_data(250, 10), api_key=SECRET_KEY, rate_limit=None) as sb:  # 3 pages
        first = invoke(sb.base_url, "set", "1001", "1250", "speech_speed=0.8", "--yes")
        assert first.exit_code == 0, first.output
        pages_read = [request.query for request in sb.requests if request.path == LIST_PATH]
        assert len(pages_read) == 3 + 2  # cold: the whole list, then each written page proven
        sb.clear_requests()
        again = invoke(sb.base_url, "set", "1001", "1250", "speech_speed=0.85", "--yes")
        assert again.exit_code == 0, again.output
        assert list_reads(sb) == 2 + 2  # pages 1 and 3 (remembered from the run before), then their proof
        assert speeds(sb, [1001, 1250]) == {1001: 0.85, 1250: 0.85}
        sb.clear_requests()
        unknown = invoke(sb.base_url, "set", "1001", "1002", "speech_speed=0.85", "--dry-run")
        assert unknown.exit_code == 0 and list_reads(sb) == 3  # 1002's page not known: the whole list
        sb.clear_requests()
        every = invoke(sb.base_url, "set", "--where", "speech_speed=0.85", "speech_speed=0.9", "--yes")
        assert every.exit_code == 0, every.output
        assert list_reads(sb) == 3 + 2  # --where needs every assistant: the whole list


def test_one_assistant_and_a_file_as_json_for_scripts(sb, tmp_path) -> None:
    body = tmp_path / "speed.json"
    body.write_text('{"speech_speed": 0.9}', encoding="utf-8")
    planned = invoke(sb.base_url, "diff", "101", str(body), "--json")
    assert planned.exit_code == 1
    [entry] = json.loads(planned.stdout)["plan"]
    assert entry["assistant_id"] == 101 and [c["field"] for c in entry["changes"]] == ["speech_speed"]
    from_stdin = invoke(sb.base_url, "apply", "101", "-", "--json", "--yes", input='{"speech_speed": 0.9}')
    assert from_stdin.exit_code == 0, from_stdin.output
    assert [o["status"] for o in json.loads(from_stdin.stdout)["outcomes"]] == ["saved"]
    assert speeds(sb, [101]) == {101: 0.9}
