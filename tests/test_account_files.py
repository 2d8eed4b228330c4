"""The files of `voicedesk pull`: every value written reads back exactly, and a file that
is not what it should be is one FileProblem naming it, never a crash or a silent guess."""

from __future__ import annotations

import json
import math
import os
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from voicedesk.account_files import (
    MAX_BYTES,
    AssistantFile,
    FileProblem,
    PulledAssistant,
    file_text,
    read_file,
    read_folder,
    settings_digest,
    slug,
    write_folder,
)

# Every code point, surrogates and control characters included (a server's JSON can hold them).
ANY_CHAR = st.characters(codec=None, exclude_categories=())
# Texts dense in what YAML treats specially: line breaks of every kind, indentation, indicators.
TRICKY = st.text(alphabet=" \n\t\r\x85\u2028\u2029\ufeff\x00a#:-'\"|>&*!%@`{}[],?", max_size=20)
TEXTS = st.text(ANY_CHAR, max_size=200) | TRICKY | st.lists(TRICKY, max_size=5).map("\n".join)
JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | TEXTS,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(TEXTS, inner, max_size=4),
    max_leaves=20,
)


def written_and_read(tmp_path: Path, body: dict[str, Any], read_only: dict[str, Any] | None = None) -> AssistantFile:
    path = tmp_path / "101-x.yaml"
    path.write_bytes(file_text(101, "x", "app.example", "2026", body, read_only or {}).encode("utf-8", "surrogatepass"))
    return read_file(path)


def same(a: Any, b: Any) -> bool:
    """Equal, type for type (True is not 1, 1 is not 1.0), NaN equal to NaN."""
    if type(a) is not type(b):
        return False
    if isinstance(a, float):
        return a == b or (math.isnan(a) and math.isnan(b))
    if isinstance(a, list):
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b, strict=True))
    if isinstance(a, dict):
        return a.keys() == b.keys() and all(same(a[k], b[k]) for k in a)
    return bool(a == b)


text_cases = 0


@settings(max_examples=1000)
@given(text=TEXTS)
def test_every_text_reads_back_exactly(tmp_path_factory, text):
    global text_cases
    text_cases += 1
    tmp_path = tmp_path_factory.mktemp("t")
    body = {"system_prompt": text, "name": text, "variables": {text: text}, "tools": [{"description": text}]}
    read = written_and_read(tmp_path, body, {"note": text})
    assert read.body == body
    assert read.pulled == settings_digest(body)


def test_every_text_reads_back_exactly_count():
    print(f"texts written and read back: {text_cases} cases")
    assert text_cases > 50


value_cases = 0


@settings(max_examples=300)
@given(value=JSON_VALUES)
def test_every_value_reads_back_exactly(tmp_path_factory, value):
    global value_cases
    value_cases += 1
    read = written_and_read(tmp_path_factory.mktemp("v"), {"variables": value})
    assert same(read.body["variables"], value), (read.body, value)


def test_every_value_reads_back_exactly_count():
    print(f"JSON values written and read back: {value_cases} cases")
    assert value_cases > 50


@pytest.mark.parametrize("value", [
    123, "123", 1.0, "1.0", 0.1, 1e100, -0.0, True, "true", "yes", "no", "on", None, "null", "~", "",
    "2025-01-01", "1:20", "0o17", "1_000", ".nan", float("nan"), float("inf"), 10 ** 30,
    [1, "1", [], {}], {"a": {"b": [None, False]}}, " leading", "trailing ", "# comment", "- item",
])
def test_look_alike_values_keep_their_type(tmp_path, value):
    read = written_and_read(tmp_path, {"v": value})
    assert same(read.body["v"], value)


def test_a_prompt_is_a_block_scalar_and_reads_as_text(tmp_path):
    prompt = "You are Anna.\n\n- Book appointments.\n- Never give advice: none.\n"
    text = file_text(101, "x", "h", "2026", {"system_prompt": prompt, "name": "A"}, {})
    assert "  system_prompt: |\n    You are Anna.\n\n    - Book appointments.\n" in text
    # A line with trailing spaces cannot be a block scalar's exactly: quoted, still exact.
    assert written_and_read(tmp_path, {"system_prompt": "a  \nb"}).body == {"system_prompt": "a  \nb"}


def test_the_layout_header_and_sorted_settings():
    text = file_text(101, "Bright\nSmile \u202e", "app.example", "2025", {"b": 1, "a": 2}, {"id": 101})
    lines = text.splitlines()
    assert all(line.startswith("#") for line in lines[:4]), lines[:5]
    assert "voicedesk diff DIR" in text and "apply DIR" in text
    assert '"Bright\\u000aSmile \\u202e"' in lines[0]  # the name cannot end the comment or drive a terminal
    assert text.index("  a: 2") < text.index("  b: 1")
    assert text.index("voicedesk:") < text.index("settings:") < text.index("read_only:")


def test_slugs_are_short_ascii():
    assert slug("Bright Smile Dental – Reception") == "bright-smile-dental-reception"
    assert slug("Klinik Müller") == "klinik-muller"
    assert slug("サポート") == ""
    assert len(slug("x" * 500)) <= 40


BAD_FILES: list[tuple[str, bytes, str]] = [
    ("laughs.yaml", b'a: &a ["x","x"]\nb: &b [*a,*a]\nc: [*b,*b]\n', "anchors and aliases"),
    ("anchor.yaml", b"settings: &s {name: x}\n", "anchors and aliases"),
    ("list.yaml", b"- a\n- b\n", "not a list"),
    ("empty.yaml", b"", "it is empty"),
    ("scalar.yaml", b"hello\n", "not text"),
    ("id.yaml", b"voicedesk: {assistant_id: abc}\nsettings: {}\n", "voicedesk.assistant_id must be a whole number"),
    ("idf.yaml", b"voicedesk: {assistant_id: 1.5}\nsettings: {}\n", "voicedesk.assistant_id must be a whole number"),
    ("idb.yaml", b"voicedesk: {assistant_id: true}\nsettings: {}\n", "voicedesk.assistant_id must be a whole number"),
    ("ids.yaml", b"voicedesk: {assistant_id: '101'}\nsettings: {}\n", "voicedesk.assistant_id must be a whole number"),
    ("idn.yaml", b"voicedesk: {assistant_id: -1}\nsettings: {}\n", "voicedesk.assistant_id must be a whole number"),
    ("settings.yaml", b"voicedesk: {assistant_id: 101}\nsettings: [a]\n", "settings must be a mapping"),
    ("nosettings.yaml", b"voicedesk: {assistant_id: 101}\n", "has no settings"),
    ("typo.yaml", b"voicedesk: {assistant-id: 101}\nsettings: {}\n", "voicedesk.'assistant-id' is not known"),
    ("section.yaml", b"voicedesk: {}\nsettings: {}\nextra: 1\n", "has a section 'extra'"),
    ("dialect.yaml", b"voicedesk: {dialect: 2027}\nsettings: {}\n", "voicedesk.dialect must be one of"),
    ("utf8.yaml", b"settings:\n  name: \xff\n", "not UTF-8 text (byte 19"),
    ("syntax.yaml", b"settings:\n  name: x\n  speed: [1, 2\n", "not valid YAML at line"),
    ("twice.yaml", b"settings:\n  name: a\n  name: b\n", "'name' is given twice"),
    ("date.yaml", b"settings:\n  when: 2025-01-01\n", "settings.when: a date is not a value"),
    ("key.yaml", b"settings:\n  variables: {1: a}\n", "the key 1 must be text"),
    ("datekey.yaml", b"settings:\n  variables: {2025-01-01: a}\n", "the key 2025-01-01 must be text"),
    ("deep.yaml", b"settings:\n  v: " + b"[" * 5000 + b"]" * 5000 + b"\n", "nest"),
    ("set.yaml", b"settings:\n  v: !!set {a}\n", "a set is not a value"),
    ("python.yaml", b"settings:\n  v: !!python/object:os.system {}\n", "not valid YAML at line 2"),
    ("control.yaml", b"settings:\n  v: a\x01b\n", "not valid YAML"),
    ("bad.json", b"{\"a\": }", "is not JSON"),
    ("nan.json", b"{\"a\": NaN}", "is not JSON"),
    ("list.json", b"[1]", "not a list"),
]


@pytest.mark.parametrize(("name", "data", "fragment"), BAD_FILES, ids=[case[0] for case in BAD_FILES])
def test_a_bad_file_is_one_line_naming_it(tmp_path, name, data, fragment):
    path = tmp_path / name
    path.write_bytes(data)
    with pytest.raises(FileProblem) as caught:
        read_file(path)
    message = str(caught.value)
    assert message.startswith(f"{path}: "), message
    assert "\n" not in message
    assert fragment in message, message
    assert caught.value.path == path


def test_a_fifo_is_refused_not_waited_on(tmp_path):
    path = tmp_path / "101-pipe.yaml"
    os.mkfifo(path)
    with pytest.raises(FileProblem, match="is not a regular file"):
        read_file(path)


def test_a_dialect_written_without_quotes(tmp_path):
    path = tmp_path / "x.yaml"
    path.write_text("voicedesk: {assistant_id: 5, dialect: 2025}\nsettings: {}\n")
    assert read_file(path).dialect == "2025"


def test_a_file_past_the_limit_is_not_read(tmp_path):
    path = tmp_path / "101-big.yaml"
    with path.open("wb") as stream:
        stream.truncate(MAX_BYTES + 1)
    with pytest.raises(FileProblem, match="larger than 20 MB") as caught:
        read_file(path)
    assert caught.value.assistant_id == 101  # by its name: a pull does not write a second file for it


def test_json_files_bare_or_laid_out(tmp_path):
    body = {"name": "A", "speech_speed": 0.9}
    for name, expected in [("101.json", 101), ("101-reception.json", 101), ("template.json", None)]:
        (tmp_path / name).write_text(json.dumps(body))
        read = read_file(tmp_path / name)
        assert (read.assistant_id, read.body, read.host, read.dialect) == (expected, body, None, None)
    laid_out = {"voicedesk": {"assistant_id": 7, "host": "h", "dialect": "2025"}, "settings": body,
                "read_only": {"id": 7}}
    (tmp_path / "x.json").write_text(json.dumps(laid_out))
    read = read_file(tmp_path / "x.json")
    assert (read.assistant_id, read.host, read.dialect, read.body) == (7, "h", "2025", body)
    # A YAML file without an id is a template.
    (tmp_path / "t.yaml").write_text("voicedesk: {}\nsettings:\n  speech_speed: 0.9\n")
    assert read_file(tmp_path / "t.yaml").assistant_id is None


def test_a_folder_two_files_of_one_assistant_are_a_problem_for_both(tmp_path):
    for name in ("101-a.yaml", "101-b.yaml", "102.yaml"):
        (tmp_path / name).write_text(file_text(int(name[:3]), "n", "h", "2026", {"name": "n"}, {}))
    (tmp_path / ".101-a.yaml.swp.yaml").write_text("not: [read")  # hidden: an editor's, or a half-written one
    (tmp_path / "notes.txt").write_text("not read")
    (tmp_path / "bad.yaml").write_text("settings: [")
    files, problems = read_folder(tmp_path)
    assert [f.path.name for f in files] == ["102.yaml"]
    assert [p.path.name for p in problems] == ["101-a.yaml", "101-b.yaml", "bad.yaml"]
    assert [p.assistant_id for p in problems] == [101, 101, None]
    assert "assistant 101 is in 2 files (101-a.yaml, 101-b.yaml)" in str(problems[0])


def test_write_folder_keeps_edits_made_here_and_never_overwrites_a_stranger(tmp_path):
    one = PulledAssistant(101, "One", {"name": "One", "speech_speed": 1.0}, {"id": 101})
    report = write_folder(tmp_path, "h", "2026", [one], {101})
    [(key, path)] = report.written
    path.write_text(path.read_text().replace("speech_speed: 1.0", "speech_speed: 0.8"))
    edited = path.read_bytes()
    changed = PulledAssistant(101, "One", {"name": "One", "speech_speed": 1.1}, {"id": 101})
    report = write_folder(tmp_path, "h", "2026", [changed], {101})
    assert report.kept == [(101, path)] and path.read_bytes() == edited
    report = write_folder(tmp_path, "h", "2026", [changed], {101}, force=True)
    assert report.written == [(101, path)] and b"speech_speed: 1.1" in path.read_bytes()
    # A template named as assistant 102's file would be: left alone, 102 not written.
    (tmp_path / "102-two.yaml").write_text("voicedesk: {}\nsettings: {name: T}\n")
    two = PulledAssistant(102, "Two", {"name": "Two"}, {})
    report = write_folder(tmp_path, "h", "2026", [two], {101, 102})
    assert report.written == [] and [p.path.name for p in report.problems] == ["102-two.yaml"]
    assert (tmp_path / "102-two.yaml").read_text() == "voicedesk: {}\nsettings: {name: T}\n"
    assert report.gone == []
    assert write_folder(tmp_path, "h", "2026", [], {102}).gone == [(101, path)]
    assert path.exists()
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]  # no temporary file left
