"""What every command shares: the context of a run (settings, the demo), printing
(safe for any server or file text), failing with one line, the progress line, running
work with one HTTP client, and asking on a terminal.

Exit codes follow `terraform plan`: 0 done or nothing to do, 1 (diff) changes found,
2 error. Errors are one readable line on stderr, never a traceback.
"""
from __future__ import annotations

import asyncio
import os
import sys
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn, TypeVar

import click

from voicedesk.display import (
    diff_parts,
    diff_sides,
    for_terminal,
    format_before,
    format_value,
    plain_diff_line,
    safe_text,
    shorten,
    to_json,
)
from voicedesk.pagehints import PageHints
from voicedesk.settings import (
    DEFAULT_TIMEOUT,
    Given,
    Settings,
    SettingsError,
    check_dialect,
    make_settings,
    parse_timeout,
    resolve,
)
from voicedesk.textdiff import diff_lines

if TYPE_CHECKING:
    from voicedesk.remote import Stage

EXIT_OK, EXIT_CHANGES, EXIT_ERROR = 0, 1, 2
T = TypeVar("T")


class Context:
    """What every command needs: the settings, resolved lazily (some need none), and
    the pages where assistants were found (shared by every client of this process)."""

    def __init__(self, given: Given, demo: bool, log_file: Path | None = None) -> None:
        self.given, self.demo, self.log_file = given, demo, log_file
        self._settings: Settings | None = None
        self._hints: ListedHints | None = None

    @property
    def settings(self) -> Settings:
        try:
            return self.resolve()
        except SettingsError as error:
            fail(str(error))

    def resolve(self) -> Settings:
        """The settings, or SettingsError saying what is wrong with them."""
        if self._settings is None:
            self._settings = self._resolve()
        return self._settings

    @property
    def hints(self) -> PageHints:
        if self._hints is None:
            self._hints = ListedHints()
        return self._hints

    def remember_listed(self) -> None:
        """The ids this run saw in the list, kept for shell completion (`known_ids`)."""
        if self._hints is not None and self._hints.listed:
            from voicedesk import known_ids

            known_ids.remember(self._hints.listed)

    def _resolve(self) -> Settings:
        given = self.given
        if self.demo:
            timeout = parse_timeout(given.timeout, "--timeout (or VOICEDESK_TIMEOUT)") if given.timeout else None
            dialect = check_dialect(given.dialect, "--dialect (or VOICEDESK_DIALECT)") if given.dialect else "auto"
            return start_demo_sandbox(timeout or DEFAULT_TIMEOUT, dialect)
        settings, warnings = resolve(given)
        for warning in warnings:
            echo(f"warning: {warning}", err=True)
        return settings


class ListedHints(PageHints):
    """Page hints that also keep every assistant id this run saw in the list, by host."""

    def __init__(self) -> None:
        super().__init__()
        self.listed: dict[str, set[int]] = {}

    def saw(self, host: str, page: int, assistant_ids: list[int]) -> None:
        super().saw(host, page, assistant_ids)
        self.listed.setdefault(host, set()).update(assistant_ids)


DEMO_LABEL = "demo"


def start_demo_sandbox(timeout: float, dialect: str) -> Settings:
    from voicedesk.sandbox import DEMO_API_KEY, Sandbox

    # It plays the dialect asked for, else today's: what a user of the platform sees now.
    sandbox = Sandbox(dialect="2025" if dialect == "2025" else "2026").start()  # a daemon thread
    # Kept as "demo" (drafts, history): its data is the same every run, its port is not.
    settings = make_settings(sandbox.base_url, DEMO_API_KEY, timeout=timeout)
    return replace(settings, label=DEMO_LABEL, dialect=dialect)


Piece = tuple[str, dict[str, Any]]  # a part of a line and its click.style arguments


def echo(text: str | Sequence[Piece] = "", *, err: bool = False) -> None:
    """Every line the CLI prints goes through here. Server and file text cannot drive
    the terminal (control characters and bidi overrides are shown as symbols), and a
    terminal that cannot show a character gets a stand-in rather than a traceback.
    A line given in pieces is coloured where `colours` says so, plain elsewhere."""
    stream = sys.stderr if err else sys.stdout
    if isinstance(text, str):
        click.echo(_encodable(for_terminal(text), stream), file=stream)
        return
    colour = colours(stream)
    line = "".join(click.style(_encodable(for_terminal(part), stream), **style) if colour and style
                   else _encodable(for_terminal(part), stream) for part, style in text)
    click.echo(line, file=stream, color=colour)


def colours(stream: Any) -> bool:
    """Whether to colour what goes to `stream`: a terminal, not "dumb", and no NO_COLOR
    (https://no-color.org: set and not empty)."""
    return is_terminal(stream) and not os.environ.get("NO_COLOR") and os.environ.get("TERM") != "dumb"


_DIFF_COLOURS = {"+": "green", "-": "red", "@": "cyan"}


def echo_diff(lines: Sequence[Any], indent: str) -> None:
    """A long value's diff (textdiff.DiffLine): in colour on a terminal, the changed
    words in reverse video; else the changed words marked as git's --word-diff=plain
    does (`[-removed-]`, `{+added+}`)."""
    if not colours(sys.stdout):
        for line in lines:
            echo(indent + plain_diff_line(line))
        return
    for line in lines:
        style: dict[str, Any] = {"dim": True} if line.kind == "…" else {"fg": _DIFF_COLOURS.get(line.kind)}
        pieces: list[Piece] = [(indent + (line.kind if line.kind in "+- " else ""), style)]
        pieces += [(text, {**style, "reverse": True, "bold": True} if changed else style)
                   for text, changed in diff_parts(line)]
        echo(pieces)


def echo_json(value: Any) -> None:
    """JSON on stdout: readable where the terminal shows UTF-8, ASCII escapes where not
    (so the output stays valid JSON on any terminal)."""
    stream = sys.stdout
    text = to_json(value, ascii_only=not _is_utf8(stream))
    if _encodable(text, stream) != text:  # an unpaired surrogate from the server's JSON
        text = to_json(value, ascii_only=True)  # \ud800, as the server wrote it
    click.echo(text, file=stream)


def _is_utf8(stream: Any) -> bool:
    return (getattr(stream, "encoding", None) or "utf-8").lower().replace("-", "") == "utf8"


def _encodable(text: str, stream: Any) -> str:
    encoding = getattr(stream, "encoding", None) or "utf-8"
    try:
        text.encode(encoding)
    except UnicodeEncodeError:
        return text.encode(encoding, "backslashreplace").decode(encoding)
    except LookupError:
        pass  # an encoding Python does not know: leave it to the stream
    return text


def fail(message: str) -> NoReturn:
    echo(f"error: {message}", err=True)
    sys.exit(EXIT_ERROR)


# A status line appears once an operation has taken this long (seconds).
PROGRESS_AFTER = 0.5


class ProgressLine:
    """What a long operation is doing, as one line on stderr that each step rewrites:
    shown only on a terminal, and only once the operation has taken more than a
    moment. It also keeps the stage reached, which says what stopping there means."""

    def __init__(self) -> None:
        self.stage: Stage | None = None
        self._text = ""
        self._live = sys.stderr.isatty()
        self._timer: asyncio.TimerHandle | None = None
        self._shown = False

    def __call__(self, stage: Stage, text: str) -> None:
        self.stage, self._text = stage, text
        if self._shown:
            self._show()
        elif self._live and self._timer is None:
            self._timer = asyncio.get_running_loop().call_later(PROGRESS_AFTER, self._show)

    def _show(self) -> None:
        self._shown = True
        status_line(f"{self._text}…")

    def clear(self) -> None:
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None
        if self._shown:
            status_line("")
            self._shown = False


def status_line(text: str) -> None:
    """The one line a ProgressLine rewrites: stderr's current line, replaced (cut to the
    terminal's width: a wrapped line could not be rewritten)."""
    stream = sys.stderr
    try:
        width = os.get_terminal_size(stream.fileno()).columns or 80  # 0: not told
    except (OSError, ValueError):
        width = 80
    stream.write(f"\r{_encodable(shorten(for_terminal(text), width - 1), stream)}\x1b[K")
    stream.flush()


def run(obj: Context, work: Callable[[Any, ProgressLine], Awaitable[T]]) -> T:
    """Run `work(client, progress)` with one HTTP client. API errors become one line and
    exit 2; so does ctrl+c, saying whether a change may have been saved."""
    from voicedesk.api import ApiClient, ApiError, ValidationError

    settings, hints = obj.settings, obj.hints
    progress = ProgressLine()

    async def main() -> T:
        async with ApiClient.for_settings(settings, hints) as client:
            return await work(client, progress)

    try:
        try:
            return asyncio.run(main())
        finally:
            progress.clear()  # before anything else is printed
    except ValidationError as error:
        for name, messages in error.errors.items():
            for message in messages:
                echo(f"error: {name}: {message}" if name else f"error: {message}", err=True)
        said = f": {error.said}" if error.said else ""
        fail(f"the server rejected the change (422{said}); nothing was saved.")
    except ApiError as error:
        fail(error.message)
    except KeyboardInterrupt:
        fail(_STOPPED[progress.stage.value if progress.stage else "reading"])


# What ctrl+c at each stage (remote.Stage's values) means.
_STOPPED = {
    "reading": "stopped; nothing was sent.",
    "sending": "stopped after the change was sent: it may have been saved. "
               "`voicedesk show` tells what the server holds now.",
    "saved": "stopped while reading the assistant back; the change was saved.",
}


def assistant_id_arg(value: str) -> int:
    # ASCII only ("²" is a digit to Python, not to int()); 19 digits is the API's widest id.
    if not (value.isascii() and value.isdigit()) or len(value) > 19:
        fail(f"assistant id must be a whole number such as 101; got {shorten(value, 40)!r}.")
    return int(value)


def unaskable() -> str | None:
    """Why nothing can be asked (a script, a pipe, a redirect, where a question would hang
    or be lost), or None when it can. Standard error too: with a terminal on both other
    ends, Python's input() writes the question there."""
    for name, stream in (("standard input", sys.stdin), ("standard output", sys.stdout),
                         ("standard error", sys.stderr)):
        if not is_terminal(stream):
            return f"{name} is not a terminal"
    return None


def _can_ask(otherwise: str) -> None:
    if (reason := unaskable()) is not None:
        fail(f"{otherwise} ({reason}, so nothing can be asked).")


def prompt_line(question: str, *, otherwise: str, hidden: bool = False) -> str:
    """A line typed in answer; no answer (end of input, ctrl+c) saves nothing. Without a
    terminal to ask on, fails with `otherwise`: what to pass instead."""
    _can_ask(otherwise)
    try:
        return click.prompt(question, hide_input=hidden)
    except click.Abort:
        fail("cancelled; nothing was saved.")


def ask(question: str, *, otherwise: str = "pass --yes to go ahead without asking") -> bool:
    """A yes/no question on the terminal; no answer (end of input, ctrl+c) is a no.
    Without a terminal to ask on, fails with `otherwise`: what to pass instead."""
    _can_ask(otherwise)
    try:
        return click.confirm(question, default=False)
    except click.Abort:
        return False


def is_terminal(stream: Any) -> bool:
    try:
        return stream is not None and stream.isatty()
    except ValueError:  # closed
        return False


def echo_plan(session: Any) -> None:
    """The session's changes, field by field (a long value as its word diff)."""
    changes = session.changes()
    if not changes:
        echo("No changes.")
        return
    echo(f"{len(changes)} change{'s' if len(changes) != 1 else ''} to "
               f"{safe_text(session.name)} (id {session.assistant_id}):")
    names = {c.field: session.fields[c.field].update_name for c in changes}
    width = max(len(name) for name in names.values())
    for change in changes:
        sides = diff_sides(change.field, change.before, change.after)
        if sides is not None:  # a long value: its diff, the changed words marked
            echo(f"  {names[change.field].ljust(width)}  {value_sizes(change.field, sides)}:")
            echo_diff(diff_lines(*sides), "      ")
            continue
        before = format_before(change.field, change.before, session.unreported, session.lookups, width=40)
        after = format_value(change.field, change.after, session.lookups, width=40)
        echo(f"  {names[change.field].ljust(width)}  {before}  ->  {after}")


def value_sizes(name: str, sides: tuple[str, str]) -> str:
    """What a diff's header says of the two values: their lengths, for a text."""
    from voicedesk.fields import SETTINGS, Kind

    if SETTINGS[name].kind not in (Kind.TEXT, Kind.LONG_TEXT):
        return "changed"
    return f"{len(sides[0]):,} -> {len(sides[1]):,} characters"


def as_typed(argument: str) -> str:
    """An argument as typed. Python decodes argv by the locale; where that is not UTF-8
    (LC_ALL=C without UTF-8 mode), bytes it cannot read arrive as lone surrogates."""
    try:
        argument.encode("utf-8")
        return argument
    except UnicodeEncodeError:
        pass
    try:
        return os.fsencode(argument).decode("utf-8")
    except UnicodeError:
        fail(f"the argument {ascii(shorten(argument, 60))} is not UTF-8 text.")

class GlobalOptionsGroup(click.Group):
    """A group whose own options may also follow the command (`voicedesk list --demo`):
    they are moved before it. An option the command has itself (`sandbox --dialect`,
    `configure --profile`) stays the command's; nothing after `--` is moved."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        return super().parse_args(ctx, self._global_first(ctx, args))

    def _global_first(self, ctx: click.Context, args: list[str]) -> list[str]:
        mine = _option_arity(self.params)
        at = 0
        while at < len(args) and args[at] != "--":  # past the group's options, to the command
            taken = _taken(args, at, mine)
            if taken:
                at += taken
                continue
            if args[at].startswith("-"):
                return args  # not ours (--help, a typo): click says what it makes of it
            break
        if at >= len(args) or args[at] == "--":
            return args
        command = self.get_command(ctx, args[at])
        if command is None:
            return args  # click names the unknown command
        theirs = _option_arity(command.params)
        moved: list[str] = []
        kept = args[: at + 1]
        rest = at + 1
        while rest < len(args):
            if args[rest] == "--":
                kept += args[rest:]
                break
            taken = _taken(args, rest, theirs)
            if taken:
                kept += args[rest: rest + taken]
            elif (taken := _taken(args, rest, mine)) and rest + taken <= len(args):
                moved += args[rest: rest + taken]  # (without its value it stays, for click to refuse)
            else:
                taken = 1
                kept.append(args[rest])
            rest += taken
        return moved + kept


def _option_arity(params: list[click.Parameter]) -> dict[str, int]:
    """Each option name of `params` -> how many words it takes (1, or 2 with its value)."""
    names: dict[str, int] = {}
    for param in params:
        if isinstance(param, click.Option):
            words = 1 if param.is_flag or param.count else 1 + param.nargs
            names.update({name: words for name in param.opts})
            names.update({name: 1 for name in param.secondary_opts})
    return names


def _taken(args: list[str], at: int, names: dict[str, int]) -> int:
    """How many words at `at` are one of the options `names` (with its value), or 0."""
    word = args[at]
    if word in names:
        return names[word]
    name, equals, _ = word.partition("=")
    if equals and name.startswith("--") and names.get(name, 1) > 1:
        return 1  # --profile=p
    if len(word) > 2 and word[0] == "-" and word[1] != "-" and names.get(word[:2], 1) > 1:
        return 1  # -Pp
    return 0


def start_log_file(ctx: click.Context, path: str) -> Path:
    """Append every request (method, URL, status, time taken; the key as ***) to the file
    at `path`, created 0600 if missing, until `ctx` closes: `--debug`'s lines, kept where
    the TUI cannot hide them. A file that cannot be opened fails the run."""
    import logging
    import stat
    import time

    where = Path(path).expanduser()
    try:
        descriptor = os.open(where, os.O_WRONLY | os.O_APPEND | os.O_CREAT | os.O_NONBLOCK | os.O_CLOEXEC, 0o600)
    except OSError as error:
        fail(f"cannot open the log file {where}: {error.strerror}.")
    if not stat.S_ISREG(os.fstat(descriptor).st_mode):
        os.close(descriptor)
        fail(f"the log file {where} is not a regular file.")
    os.set_blocking(descriptor, True)
    handler = logging.StreamHandler(open(descriptor, "a", encoding="utf-8", errors="backslashreplace"))
    formatter = logging.Formatter("%(asctime)s.%(msecs)03dZ %(name)s: %(message)s", "%Y-%m-%dT%H:%M:%S")
    formatter.converter = time.gmtime
    handler.setFormatter(formatter)
    logger = logging.getLogger("voicedesk.api")
    level = logger.level
    logger.addHandler(handler)
    logger.setLevel(logging.DEBUG)

    def stop() -> None:
        logger.removeHandler(handler)
        logger.setLevel(level)
        handler.close()

    ctx.call_on_close(stop)
    return where.absolute()
