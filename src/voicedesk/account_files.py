"""An account as a folder of files (`voicedesk pull DIR`), and the reading of such files.

One YAML file per assistant, `<id>-<slug of its name>.yaml`:

    # a comment header: what this is, and which commands use it
    voicedesk:    which assistant, which host, which dialect; the digest of the settings
                  as pulled (how the next pull tells edits made here from the server's)
    settings:     the update body in the host's dialect (what `apply ID FILE` takes), keys sorted
    read_only:    what the record holds that no update changes; never sent

Long or multi-line texts are block scalars, so a prompt reads and diffs as text; PyYAML
itself quotes a text a block scalar cannot carry exactly (trailing spaces, tabs ...), and
a text with a character YAML reads as a line break or cannot hold raw (NEL, U+2028, CR,
control characters) is written double-quoted, escaped: every value reads back exactly.

Files are untrusted input: safe loading only, no anchors or aliases, no duplicate keys,
a size limit, and only what JSON can hold. A JSON file in today's `show --json` shape (a
bare body) is read too, its assistant from the file name's leading digits.
"""
from __future__ import annotations

import hashlib
import json
import os
import re
import unicodedata
from collections.abc import Callable, Collection
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from voicedesk.fields import Dialect
from voicedesk.parsing import load_json
from voicedesk.tools import KEPT, SECRET_FIELDS

MAX_BYTES = 20 * 1024 * 1024  # a file past this is refused unread
SUFFIXES = (".yaml", ".yml", ".json")
SECTIONS = ("voicedesk", "settings", "read_only")
_ABOUT = ("assistant_id", "host", "dialect", "pulled")
_ID_DIGITS = 19  # the API's widest id
# A text longer than this, or of several lines, is written as a block scalar.
_BLOCK_AFTER = 80
# Characters YAML reads as line breaks (NEL, U+2028, U+2029, CR), cannot hold raw (control
# characters, surrogates, U+FFFE/U+FFFF) or may drop (a BOM): such a text is written
# double-quoted, where PyYAML escapes them.
_ESCAPED = re.compile("[^\t\n\x20-\x7e\xa0-\u2027\u202a-\ud7ff\ue000-\ufefe\uff00-\ufffd\U00010000-\U0010ffff]")
_SLUG_LENGTH = 40


class FileProblem(Exception):
    """What is wrong with one file, as one line naming it. `assistant_id`: the assistant
    the file is known (or, by its name, thought) to hold, when that is known."""

    def __init__(self, path: Path, what: str, assistant_id: int | None = None) -> None:
        what = " ".join(what.split())  # one line, whatever a parser's message held
        super().__init__(f"{path}: {what}")
        self.path, self.assistant_id = path, assistant_id


@dataclass(frozen=True)
class AssistantFile:
    path: Path
    assistant_id: int | None  # None: a template, applied with `apply FILE --to ID...`
    host: str | None  # the host it was pulled from (None: not said, e.g. a JSON body)
    dialect: str | None  # "2025" / "2026" as pulled (None: not said)
    body: dict[str, Any]  # update-body names and values, as `apply ID FILE` takes a JSON body
    pulled: str | None = None  # the digest of the settings as pulled (None: not said)


# --- writing -----------------------------------------------------------------------


def settings_digest(body: dict[str, Any]) -> str:
    """A short digest of an update body, the same for equal bodies whatever their order."""
    text = json.dumps(body, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()[:16]


class _Dumper(yaml.SafeDumper):
    """The pure-Python dumper everywhere: the same bytes with or without libyaml."""


def _represent_text(dumper: yaml.SafeDumper, text: str) -> yaml.ScalarNode:
    if _ESCAPED.search(text):
        return dumper.represent_scalar("tag:yaml.org,2002:str", text, style='"')
    if "\n" in text or len(text) > _BLOCK_AFTER:
        # PyYAML falls back to a quoted scalar where a block one could not hold the text.
        return dumper.represent_scalar("tag:yaml.org,2002:str", text, style="|")
    return dumper.represent_str(text)


_Dumper.add_representer(str, _represent_text)


def _comment_safe(text: str, width: int = 60) -> str:
    """A text as it may stand in a comment: one line, nothing that could end the comment
    or drive a terminal."""
    text = "".join(c if c.isprintable() else f"\\u{ord(c):04x}" for c in text)
    return text if len(text) <= width else text[: width - 1] + "…"


def file_text(assistant_id: int, name: str, host: str, dialect: str, body: dict[str, Any],
              read_only: dict[str, Any]) -> str:
    """The YAML text of one assistant; the same text for the same arguments."""
    header = (
        f'# Assistant {assistant_id} "{_comment_safe(name)}" on {_comment_safe(host)}, dialect {dialect},\n'
        "# written by `voicedesk pull`. Edit `settings`; `voicedesk diff DIR` shows what differs from\n"
        "# the server, `voicedesk apply DIR` sends it. `read_only` is never sent. A secret shows as\n"
        '# "*** kept ***": left so, the stored one stays.\n'
    )
    document = {
        "voicedesk": {"assistant_id": assistant_id, "host": host, "dialect": dialect,
                      "pulled": settings_digest(body)},
        "settings": dict(sorted(body.items())),
        "read_only": read_only,
    }
    dumped = yaml.dump(document, Dumper=_Dumper, allow_unicode=True, sort_keys=False,
                       default_flow_style=False, width=float("inf"))
    return header + dumped


def slug(name: str) -> str:
    """An ASCII file-name part for a name: "Bright Smile – Reception" -> "bright-smile-reception"."""
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode("ascii")
    words = re.sub(r"[^a-z0-9]+", "-", ascii_name.lower()).strip("-")
    return words[:_SLUG_LENGTH].rstrip("-")


def without_secrets(value: Any) -> Any:
    """The value with every secret (a key of tools.SECRET_FIELDS, at any depth) as tools.KEPT:
    what the record holds beyond the settings goes to disk too, and no secret may."""
    if isinstance(value, dict):
        return {key: KEPT if key in SECRET_FIELDS and inner else without_secrets(inner)
                for key, inner in value.items()}
    if isinstance(value, list):
        return [without_secrets(inner) for inner in value]
    return value


@dataclass(frozen=True)
class PulledAssistant:
    assistant_id: int
    name: str
    body: dict[str, Any]  # the update body, secrets masked
    read_only: dict[str, Any]


@dataclass
class PullReport:
    written: list[tuple[int, Path]] = field(default_factory=list)
    unchanged: list[tuple[int, Path]] = field(default_factory=list)
    # Files edited here since they were pulled, whose settings differ from the server's:
    # left as they are (unless forced), so no edit is lost.
    kept: list[tuple[int, Path]] = field(default_factory=list)
    # Files of assistants the account no longer has: reported, never deleted.
    gone: list[tuple[int, Path]] = field(default_factory=list)
    # Files that could not be read: the assistants they may hold were not written.
    problems: list[FileProblem] = field(default_factory=list)


def write_folder(
    folder: Path, host: str, dialect: str, pulled: list[PulledAssistant], account_ids: Collection[int],
    *, force: bool = False, on_file: Callable[[int, int], None] | None = None,
) -> PullReport:
    """Write each assistant's file into `folder` (which exists): a file already holding
    that assistant is rewritten in place, whatever its name, and only when its text
    changes. `account_ids`: every assistant of the account, to tell which files are of
    assistants gone. Raises FileProblem when a file cannot be written."""
    found, problems = read_folder(folder)
    report = PullReport(problems=problems)
    where = {item.assistant_id: item for item in found if item.assistant_id is not None}
    doubtful = {problem.assistant_id for problem in problems if problem.assistant_id is not None}
    report.gone = [(item.assistant_id, item.path) for item in found
                   if item.assistant_id is not None and item.assistant_id not in account_ids]
    taken = {item.path for item in found} | {problem.path for problem in problems}
    for done, assistant in enumerate(pulled, 1):
        if on_file:
            on_file(done, len(pulled))
        key = assistant.assistant_id
        if key in doubtful:  # a file that may hold it cannot be read: writing another would leave two
            continue
        existing = where.get(key)
        text = file_text(key, assistant.name, host, dialect, assistant.body, assistant.read_only)
        if existing is None:
            words = slug(assistant.name)
            path = folder / (f"{key}-{words}.yaml" if words else f"{key}.yaml")
            if path in taken or path.exists():  # a template or another assistant's file by that name
                report.problems.append(FileProblem(path, f"holds no assistant {key}, so it is not "
                                                         f"overwritten; assistant {key} was not written", key))
                continue
        else:
            path = existing.path
            if not force and _edited_here(existing, assistant.body):
                report.kept.append((key, path))
                continue
        data = text.encode("utf-8", "surrogatepass")
        if existing is not None and _same_bytes(path, data):
            report.unchanged.append((key, path))
            continue
        _write_atomically(path, data)
        report.written.append((key, path))
    return report


def _edited_here(existing: AssistantFile, body: dict[str, Any]) -> bool:
    """Whether the file's settings were edited since they were pulled, to something the
    server does not hold (a file already in step with the server is not an edit to keep)."""
    mine = settings_digest(existing.body)
    return mine != existing.pulled and mine != settings_digest(body)


def _same_bytes(path: Path, data: bytes) -> bool:
    try:
        return path.stat().st_size == len(data) and path.read_bytes() == data
    except OSError:
        return False


def _write_atomically(path: Path, data: bytes) -> None:
    """Write the whole file or nothing: a temporary file beside it, then renamed over it.
    A rewritten file keeps its mode; a new one gets the umask's."""
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")  # dot: never read as an assistant's file
    try:
        mode = path.stat().st_mode & 0o777
    except OSError:
        mode = None
    try:
        descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
        try:
            with os.fdopen(descriptor, "wb") as stream:
                stream.write(data)
                stream.flush()
                os.fsync(stream.fileno())
            if mode is not None:
                os.chmod(temporary, mode)
            os.replace(temporary, path)
        except BaseException:
            temporary.unlink(missing_ok=True)
            raise
    except OSError as error:
        raise FileProblem(path, f"cannot be written: {error.strerror or error}") from None


# --- reading -----------------------------------------------------------------------


def _construct_mapping(
    constructor: yaml.constructor.SafeConstructor, node: yaml.MappingNode, deep: bool = False
) -> dict[Any, Any]:
    """A mapping, refusing a key given twice (PyYAML would keep the last, silently)."""
    mapping: dict[Any, Any] = yaml.constructor.SafeConstructor.construct_mapping(constructor, node, deep=deep)
    if len(mapping) != len(node.value):
        seen: set[Any] = set()
        for key_node, _ in node.value:
            key = constructor.construct_object(key_node, deep=True)
            if key in seen:
                raise yaml.MarkedYAMLError(problem=f"the key {_short(key)} is given twice",
                                           problem_mark=key_node.start_mark)
            seen.add(key)
    return mapping


class _Loader(yaml.SafeLoader):
    construct_mapping = _construct_mapping


class _FastLoader(getattr(yaml, "CSafeLoader", _Loader)):  # type: ignore[misc]
    """The same with libyaml's parser where it is installed: about ten times faster."""

    construct_mapping = _construct_mapping


# libyaml refuses an escaped lone surrogate ("\ud800"), which a server's text may hold and
# a pulled file then carries: such a file is read by the pure-Python parser.
_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F]|\\U0000[dD][89a-fA-F]")


def _short(value: Any) -> str:
    """A value as a message names it: text quoted, a number or a date as written."""
    try:
        text = repr(value) if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
    except (TypeError, ValueError):  # a date, a set: no JSON
        text = str(value)
    return text if len(text) <= 60 else text[:59] + "…"


def read_file(path: Path) -> AssistantFile:
    """An assistant's file: YAML (.yaml/.yml) or JSON (.json). Raises FileProblem."""
    guess = _id_in_name(path)
    if path.exists() and not path.is_file():  # a FIFO would block the read, a device never end
        raise FileProblem(path, "is not a regular file", guess)
    try:
        with path.open("rb") as stream:
            data = stream.read(MAX_BYTES + 1)
    except OSError as error:
        raise FileProblem(path, f"cannot be read: {error.strerror or error}", guess) from None
    if len(data) > MAX_BYTES:
        raise FileProblem(path, f"is larger than {MAX_BYTES // (1024 * 1024)} MB; not read", guess)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise FileProblem(path, f"is not UTF-8 text (byte {error.start + 1} cannot be read)", guess) from None
    if path.suffix.lower() == ".json":
        try:
            document = load_json(text)
        except ValueError as error:
            raise FileProblem(path, f"is not JSON: {error}", guess) from None
    else:
        document = _load_yaml(text, path, guess)
    return from_document(document, path)


def _load_yaml(text: str, path: Path, guess: int | None) -> Any:
    loader = _Loader if _SURROGATE_ESCAPE.search(text) else _FastLoader
    try:
        # Anchors and aliases first, on events: an alias is refused before anything is built.
        for event in yaml.parse(text, Loader=loader):
            if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None) is not None:
                line = event.start_mark.line + 1 if event.start_mark else "?"
                raise FileProblem(path, f"line {line}: YAML anchors and aliases (& and *) are not "
                                        "accepted; write each value out", guess)
        return yaml.load(text, Loader=loader)  # noqa: S506 - a safe loader
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        where = f" at line {mark.line + 1}" if mark else ""
        raise FileProblem(path, f"is not valid YAML{where}: {error.problem or error.context}", guess) from None
    except yaml.YAMLError as error:  # a character YAML cannot hold (ReaderError)
        raise FileProblem(path, f"is not valid YAML: {error}", guess) from None
    except RecursionError:
        raise FileProblem(path, "is nested too deeply", guess) from None


def from_document(document: Any, path: Path) -> AssistantFile:
    """What a loaded file says: the voicedesk/settings/read_only layout, or a bare update
    body (its assistant from the file name's leading digits, else a template)."""
    guess = _id_in_name(path)
    if not isinstance(document, dict):
        raise FileProblem(path, f"must hold a mapping of settings, not {_kind(document)}", guess)
    _check_json_like(document, path, guess)
    if not any(section in document for section in ("voicedesk", "settings")):
        return AssistantFile(path, guess, None, None, document)
    unknown = [key for key in document if key not in SECTIONS]
    if unknown:
        raise FileProblem(path, f"has a section {_short(unknown[0])}; the sections are "
                                f"{', '.join(SECTIONS)}", guess)
    about = document.get("voicedesk", {})
    if not isinstance(about, dict):
        raise FileProblem(path, f"voicedesk must be a mapping, not {_kind(about)}", guess)
    odd = [key for key in about if key not in _ABOUT]
    if odd:
        raise FileProblem(path, f"voicedesk.{_short(odd[0])} is not known; it holds {', '.join(_ABOUT)}", guess)
    assistant_id = about.get("assistant_id")
    if assistant_id is not None and (type(assistant_id) is not int or not 0 < assistant_id < 10 ** _ID_DIGITS):
        raise FileProblem(path, f"voicedesk.assistant_id must be a whole number such as 101, "
                                f"not {_short(assistant_id)}", guess)
    for key in ("host", "pulled"):
        if about.get(key) is not None and not isinstance(about[key], str):
            raise FileProblem(path, f"voicedesk.{key} must be text, not {_short(about[key])}", assistant_id)
    dialect = about.get("dialect")
    if type(dialect) is int:  # `dialect: 2026` without quotes means the same
        dialect = str(dialect)
    dialects = [d.value for d in Dialect]
    if dialect is not None and dialect not in dialects:
        raise FileProblem(path, f"voicedesk.dialect must be one of {', '.join(dialects)}, "
                                f"not {_short(dialect)}", assistant_id)
    if "settings" not in document:
        raise FileProblem(path, "has no settings section", assistant_id)
    body = document["settings"]
    if not isinstance(body, dict):
        raise FileProblem(path, f"settings must be a mapping of setting names to values, not {_kind(body)}",
                          assistant_id)
    return AssistantFile(path, assistant_id, about.get("host"), dialect, body, about.get("pulled"))


def _kind(value: Any) -> str:
    if value is None:
        return "nothing (it is empty)"
    return {str: "text", int: "a number", float: "a number", bool: "true/false", list: "a list"}.get(
        type(value), type(value).__name__)


def _check_json_like(value: Any, path: Path, guess: int | None) -> None:
    """Only what a JSON body can hold: YAML's dates, sets, binary and non-text keys are refused."""
    stack: list[tuple[Any, str]] = [(value, "")]
    while stack:
        item, where = stack.pop()
        if isinstance(item, dict):
            for key, inner in item.items():
                if not isinstance(key, str):
                    raise FileProblem(path, f"{where or 'the file'}: the key {_short(key)} must be text "
                                            "(put it in quotes)", guess)
                stack.append((inner, f"{where}.{key}" if where else key))
        elif isinstance(item, list):
            stack.extend((inner, f"{where}[{index}]") for index, inner in enumerate(item))
        elif item is not None and not isinstance(item, str | int | float):
            raise FileProblem(path, f"{where}: a {type(item).__name__} is not a value a setting takes "
                                    "(put it in quotes to make it text)", guess)


def _id_in_name(path: Path) -> int | None:
    """The id a file's name starts with (`101.json`, `101-reception.yaml`), else None."""
    digits = re.match(r"\d+", path.name)
    if digits is None or len(digits.group()) > _ID_DIGITS or int(digits.group()) == 0:
        return None
    return int(digits.group())


def read_folder(folder: Path) -> tuple[list[AssistantFile], list[FileProblem]]:
    """Every .yaml/.yml/.json file in `folder` (not below it; not hidden ones), sorted by
    path. Two files for the same assistant are a problem for both. Raises FileProblem
    when the folder cannot be listed."""
    try:
        paths = sorted(path for path in folder.iterdir()
                       if path.suffix.lower() in SUFFIXES and not path.name.startswith("."))
    except OSError as error:
        raise FileProblem(folder, f"cannot be read as a folder: {error.strerror or error}") from None
    files: list[AssistantFile] = []
    problems: list[FileProblem] = []
    for path in paths:
        try:
            files.append(read_file(path))
        except FileProblem as problem:
            problems.append(problem)
    by_id: dict[int, list[AssistantFile]] = {}
    for item in files:
        if item.assistant_id is not None:
            by_id.setdefault(item.assistant_id, []).append(item)
    twice = {item.path for group in by_id.values() if len(group) > 1 for item in group}
    for key, group in by_id.items():
        if len(group) > 1:
            names = ", ".join(item.path.name for item in group)
            problems += [FileProblem(item.path, f"assistant {key} is in {len(group)} files ({names}): keep one", key)
                         for item in group]
    problems.sort(key=lambda problem: str(problem.path))
    return [item for item in files if item.path not in twice], problems
