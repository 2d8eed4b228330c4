"""`voicedesk pull DIR [ID...]` through the real CLI against the sandbox, in both dialects,
and the pulled files read back by `diff ID FILE` / `apply ID FILE`."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from test_cli import LIST_PATH, MY_IDS, SECRET_KEY, assert_one_line_error, invoke, puts, wire_name
from voicedesk.account_files import read_file, read_folder
from voicedesk.fields import Dialect
from voicedesk.sandbox import Sandbox
from voicedesk.tools import KEPT, SECRET_FIELDS


@pytest.fixture
def sb(dialect: Dialect):
    with Sandbox(api_key=SECRET_KEY, rate_limit=None, dialect=dialect.value) as sandbox:
        yield sandbox


def snapshot(folder: Path) -> dict[str, tuple[bytes, int]]:
    """Every file of the folder: its bytes and its modification time (ns)."""
    return {path.name: (path.read_bytes(), path.stat().st_mtime_ns) for path in sorted(folder.iterdir())}


def list_reads(sb: Sandbox) -> int:
    return sum(1 for request in sb.requests if request.path == LIST_PATH)


def pulled(sb: Sandbox, folder: Path, *args: str):
    return invoke(sb.base_url, "pull", str(folder), *args)


def test_pull_all_one_file_each_as_show_json_prints(sb, dialect, tmp_path):
    folder = tmp_path / "account" / "new"  # created, parents too
    result = pulled(sb, folder)
    assert result.exit_code == 0, result.output
    files, problems = read_folder(folder)
    assert problems == []
    assert sorted(f.assistant_id or 0 for f in files) == MY_IDS
    pages = list_reads(sb)
    for item in files:
        assert item.path.name.startswith(f"{item.assistant_id}-") and item.path.name.isascii()
        assert item.dialect == dialect.value and item.host == sb.base_url.split("://")[1]
        shown = invoke(sb.base_url, "show", str(item.assistant_id), "--json")
        assert item.body == json.loads(shown.stdout)
    text = (folder / files[0].path.name).read_text(encoding="utf-8")
    assert "system_prompt: |" in text  # a prompt reads as text
    # One list read for the whole pull, not one per assistant (the show calls above read it too).
    assert pages == 1
    assert SECRET_KEY not in "".join(p.read_text(encoding="utf-8") for p in folder.iterdir())


def secrets_in(value) -> list[str]:
    if isinstance(value, dict):
        return [inner for key, inner in value.items() if key in SECRET_FIELDS and isinstance(inner, str)
                and inner] + [found for inner in value.values() for found in secrets_in(inner)]
    if isinstance(value, list):
        return [found for inner in value for found in secrets_in(inner)]
    return []


def test_secrets_are_never_written(sb, dialect, tmp_path):
    with sb.lock:  # one the catalogue does not know: it would go to read_only
        sb.data.assistants[101]["integration"] = {"calcom_api_key": "cal_live_SECRETsecret123", "slug": "x"}
    secrets = secrets_in(sb.data.assistants)
    # 2026 records hold the tools' secrets too.
    assert len(secrets) >= (2 if dialect is Dialect.D2026 else 1), secrets
    result = pulled(sb, tmp_path)
    assert result.exit_code == 0
    text = "\n".join(path.read_text(encoding="utf-8") for path in tmp_path.iterdir())
    assert KEPT in text
    for secret in secrets:
        assert secret not in text


def test_pull_some_and_twice_changes_no_byte(sb, tmp_path):
    result = pulled(sb, tmp_path, "101", "103", "101")
    assert result.exit_code == 0, result.output
    assert sorted(int(name.split("-")[0]) for name in os.listdir(tmp_path)) == [101, 103]
    before = snapshot(tmp_path)
    again = pulled(sb, tmp_path, "101", "103", "--json")
    assert again.exit_code == 0
    report = json.loads(again.stdout)
    assert report["written"] == [] and len(report["unchanged"]) == 2
    assert snapshot(tmp_path) == before  # no byte, no mtime
    everything = pulled(sb, tmp_path)
    assert everything.exit_code == 0
    assert snapshot(tmp_path).items() >= before.items()
    assert len(os.listdir(tmp_path)) == len(MY_IDS)


def test_an_unknown_id_writes_nothing(sb, tmp_path):
    result = pulled(sb, tmp_path, "101", "999")
    assert_one_line_error(result, "no assistant 999", "nothing was written")
    assert os.listdir(tmp_path) == []
    assert_one_line_error(pulled(sb, tmp_path, "abc"), "assistant id must be a whole number")


def test_a_rename_on_the_server_keeps_the_file_name(sb, dialect, tmp_path):
    assert pulled(sb, tmp_path, "101").exit_code == 0
    [path] = tmp_path.iterdir()
    with sb.lock:
        sb.data.assistants[101]["name"] = "Renamed Reception"
    result = pulled(sb, tmp_path, "101", "--json")
    assert result.exit_code == 0
    assert [row["path"] for row in json.loads(result.stdout)["written"]] == [str(path)]
    assert list(tmp_path.iterdir()) == [path]
    assert read_file(path).body[wire_name(dialect, "assistant_name")] == "Renamed Reception"


def test_an_edited_file_diffs_as_exactly_that_change_and_applies(sb, dialect, tmp_path):
    assert pulled(sb, tmp_path, "101").exit_code == 0
    [path] = tmp_path.iterdir()
    text = path.read_text(encoding="utf-8")
    prompt_line = next(line for line in text.splitlines() if line.startswith("    You are the receptionist"))
    path.write_text(text.replace(prompt_line, prompt_line + "\n    Speak slowly."), encoding="utf-8")
    result = invoke(sb.base_url, "diff", "101", str(path))
    assert result.exit_code == 1, result.output
    assert "1 change to" in result.stdout and "system_prompt" in result.stdout
    assert "Speak slowly." in result.stdout
    assert puts(sb) == []
    applied = invoke(sb.base_url, "apply", "101", str(path), "--yes")
    assert applied.exit_code == 0, applied.output
    [put] = puts(sb)
    assert isinstance(put.body, dict) and list(put.body) == ["system_prompt"]
    assert put.body["system_prompt"].endswith("before booking.\nSpeak slowly.")
    # In step again: the next pull rewrites the file (its digest) and then nothing differs.
    assert pulled(sb, tmp_path, "101").exit_code == 0
    assert invoke(sb.base_url, "diff", "101", str(path)).exit_code == 0


def test_edits_made_here_are_kept_unless_forced(sb, dialect, tmp_path):
    assert pulled(sb, tmp_path, "101").exit_code == 0
    [path] = tmp_path.iterdir()
    edited = path.read_text(encoding="utf-8").replace("speech_speed: 1.0", "speech_speed: 0.8")
    path.write_text(edited, encoding="utf-8")
    assert pulled(sb, tmp_path, "101").exit_code == 0
    assert path.read_text(encoding="utf-8") == edited  # the server did not change: nothing to bring
    with sb.lock:
        sb.data.assistants[101]["name"] = "Changed There"
    result = pulled(sb, tmp_path, "101")
    assert result.exit_code == 0 and "kept:" in result.stderr
    assert path.read_text(encoding="utf-8") == edited
    assert pulled(sb, tmp_path, "101", "--force").exit_code == 0
    assert read_file(path).body[wire_name(dialect, "assistant_name")] == "Changed There"
    assert "speech_speed: 0.8" not in path.read_text(encoding="utf-8")


def test_files_of_gone_assistants_are_reported_not_deleted(sb, tmp_path):
    assert pulled(sb, tmp_path).exit_code == 0
    with sb.lock:
        del sb.data.assistants[102]
    result = pulled(sb, tmp_path, "--json")
    assert result.exit_code == 0
    [gone] = json.loads(result.stdout)["gone"]
    assert gone["id"] == 102 and Path(gone["path"]).exists()
    human = pulled(sb, tmp_path)
    assert "the account has no assistant 102 any more" in human.stderr


def test_a_broken_file_blocks_only_its_assistant(sb, dialect, tmp_path):
    assert pulled(sb, tmp_path, "101", "102").exit_code == 0
    broken = next(tmp_path.glob("101-*.yaml"))
    broken.write_text("settings: [unfinished", encoding="utf-8")
    with sb.lock:
        sb.data.assistants[102]["name"] = "Renamed"
    result = pulled(sb, tmp_path, "101", "102")
    last = assert_one_line_error(result, str(broken), "not valid YAML")
    assert "Traceback" not in result.output and last
    assert broken.read_text(encoding="utf-8") == "settings: [unfinished"  # not overwritten
    assert sorted(os.listdir(tmp_path)) == sorted([broken.name, next(tmp_path.glob("102-*")).name])
    assert read_file(next(tmp_path.glob("102-*"))).body[wire_name(dialect, "assistant_name")] == "Renamed"


def test_a_folder_that_is_a_file_or_unwritable(sb, tmp_path):
    afile = tmp_path / "file"
    afile.write_text("x")
    assert_one_line_error(pulled(sb, afile), "is not a folder")
    assert_one_line_error(pulled(sb, afile / "sub"), "cannot create the folder")
    locked = tmp_path / "locked"
    locked.mkdir()
    locked.chmod(0o500)
    try:
        if os.access(locked, os.W_OK):
            pytest.skip("running as a user who may write anywhere")
        assert_one_line_error(pulled(sb, locked, "101"), "cannot be written")
    finally:
        locked.chmod(0o700)


@pytest.mark.parametrize("body_kind", ["yaml", "laid-out json", "bare json"])
def test_diff_takes_a_pulled_file_in_any_form(sb, dialect, tmp_path, body_kind):
    assert pulled(sb, tmp_path, "103").exit_code == 0
    [path] = tmp_path.iterdir()
    item = read_file(path)
    key = wire_name(dialect, "assistant_name")
    body = {**item.body, key: "Other name"}
    if body_kind == "yaml":
        path.write_text(path.read_text(encoding="utf-8").replace(f"  {key}: {item.body[key]}\n",
                                                                 f"  {key}: Other name\n"), encoding="utf-8")
        given = path
    else:
        given = tmp_path / "103.json"
        document = body if body_kind == "bare json" else {
            "voicedesk": {"assistant_id": 103}, "settings": body, "read_only": {}}
        given.write_text(json.dumps(document), encoding="utf-8")
    result = invoke(sb.base_url, "diff", "103", str(given))
    assert result.exit_code == 1, result.output
    assert "1 change to" in result.stdout and "Other name" in result.stdout


def test_diff_of_a_bad_yaml_file_is_one_line(sb, tmp_path):
    path = tmp_path / "101.yaml"
    path.write_text("voicedesk: {assistant_id: 101}\nsettings:\n  a: &x 1\n  b: *x\n", encoding="utf-8")
    assert_one_line_error(invoke(sb.base_url, "diff", "101", str(path)), str(path), "anchors and aliases")
    path.write_text("settings:\n  no_such_field: 1\n", encoding="utf-8")
    assert_one_line_error(invoke(sb.base_url, "diff", "101", str(path)), "no_such_field")
    assert puts(sb) == []
