"""The commands: the TUI, and list/show/set/diff/apply/history/fields/configure/
profiles/doctor/sandbox for scripts."""
from __future__ import annotations

import asyncio
import importlib
import json
import logging
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from voicedesk import __version__
from voicedesk.display import (
    format_value,
    recorded_diff_sides,
    safe_text,
    shorten,
)
from voicedesk.settings import (
    DEFAULT_TIMEOUT,
    DIALECTS,
    Given,
    Profile,
    Settings,
    SettingsError,
    StoredConfig,
    check_dialect,
    check_profile_name,
    make_settings,
    read_config,
    read_key_file,
    write_config,
)
from voicedesk.speed import collector_off_while_importing, preload_transport, switching_seldom
from voicedesk.textdiff import diff_lines

if TYPE_CHECKING:
    from voicedesk.api import ApiClient
    from voicedesk.remote import LookupResult
    from voicedesk.tui.app import VoicedeskApp

from voicedesk.cli.common import (
    EXIT_ERROR,
    EXIT_OK,
    Context,
    GlobalOptionsGroup,
    ProgressLine,
    as_typed,
    ask,
    assistant_id_arg,
    echo,
    echo_diff,
    echo_json,
    echo_plan,
    fail,
    is_terminal,
    prompt_line,
    run,
    start_log_file,
    unaskable,
    value_sizes,
)


@click.group(cls=GlobalOptionsGroup, invoke_without_command=True,
             context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--base-url", envvar="VOICEDESK_BASE_URL", metavar="URL",
              help="The API host, e.g. https://app.famulor.de (or VOICEDESK_BASE_URL).")
@click.option("--api-key", envvar="VOICEDESK_API_KEY", metavar="KEY", show_envvar=True,
              help="The account's API key (better: VOICEDESK_API_KEY). Never printed.")
@click.option("--api-key-file", metavar="PATH", type=click.Path(dir_okay=False),
              help="Read the API key from this file (mode 600).")
@click.option("--demo", is_flag=True,
              help="Start the embedded sandbox API and work against it.")
@click.option("--insecure", is_flag=True, help="Allow a plain http:// base URL to a non-loopback host.")
@click.option("--timeout", envvar="VOICEDESK_TIMEOUT", metavar="SECONDS",
              help=f"The longest one request may take, answer included (or VOICEDESK_TIMEOUT, or "
                   f"timeout in the config file; default {DEFAULT_TIMEOUT:g}).")
@click.option("--profile", "-P", envvar="VOICEDESK_PROFILE", metavar="NAME",
              help="Use the config file's [profiles.NAME] (or VOICEDESK_PROFILE; default: its "
                   "default_profile). The options above still win over its values.")
@click.option("--dialect", envvar="VOICEDESK_DIALECT", metavar="[" + "|".join(DIALECTS) + "]",
              help="The host's update contract (or VOICEDESK_DIALECT, or the profile's dialect; "
                   "default auto: detected).")
@click.option("--debug", is_flag=True, help="Log every request to stderr (the key shows as ***).")
@click.option("--log-file", envvar="VOICEDESK_LOG_FILE", metavar="PATH",
              help="Append every request, its status and time to this file (created 600; the key "
                   "shows as ***), also from the editor (or VOICEDESK_LOG_FILE).")
@click.version_option(__version__, prog_name="voicedesk")
@click.pass_context
def main(
    ctx: click.Context, base_url: str | None, api_key: str | None, api_key_file: str | None,
    demo: bool, insecure: bool, timeout: str | None, profile: str | None, dialect: str | None, debug: bool,
    log_file: str | None,
) -> None:
    """voicedesk: edit the AI phone assistants of your voice-agent account.

    Without a command, opens the assistant picker. The options above may also follow
    the command (voicedesk list --demo).
    """
    if debug:
        logging.basicConfig(level=logging.DEBUG, format="%(name)s: %(message)s", stream=sys.stderr)
        for noisy in ("httpx", "httpcore"):
            logging.getLogger(noisy).setLevel(logging.WARNING)
    given = Given(base_url, api_key, api_key_file, timeout, dialect, profile, insecure)
    ctx.obj = Context(given, demo, start_log_file(ctx, log_file) if log_file else None)
    ctx.call_on_close(ctx.obj.remember_listed)
    if ctx.invoked_subcommand is None:
        ctx.invoke(edit, assistant_id=None)


# --- reading ---------------------------------------------------------------------------


@main.command("list")
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of a table.")
@click.pass_obj
def list_command(obj: Context, as_json: bool) -> None:
    """List the account's assistants."""
    from voicedesk.remote import Stage, load_lookups

    async def work(client: ApiClient, progress: ProgressLine) -> tuple[list[dict[str, Any]], LookupResult]:
        read = 0

        def on_page(page: Any) -> None:
            nonlocal read
            read += 1
            progress(Stage.READING, f"Reading the list of assistants: page {read} of {page.last_page}")

        progress(Stage.READING, "Reading the list of assistants")
        records, found = await asyncio.gather(client.list_all(on_page=on_page), load_lookups(client))
        return records, found

    records, lookup_result = run(obj, work)
    lookups = lookup_result.lookups
    for name, error in lookup_result.failures.items():
        echo(f"warning: could not load {name}: {error.message}", err=True)
    rows = [_summary(record, lookups) for record in records]
    if as_json:
        echo_json(rows)
        return
    if not rows:
        echo("No assistants in this account.")
        return
    headers = ("ID", "NAME", "DIRECTION", "ENGINE", "PHONE", "STATUS")
    table = [
        (str(r["id"]), *(_cell(r[key]) for key in ("name", "direction", "engine")), _phone_cell(r),
         _cell(r["status"]))
        for r in rows
    ]
    widths = [max(len(h), *(len(row[i]) for row in table)) for i, h in enumerate(headers)]
    for row in (headers, *table):
        echo("  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip())


def _cell(text: str | None) -> str:
    """One line of a table cell, however long or odd the server's text."""
    return "-" if text is None else shorten(safe_text(text), 40)


def _phone_cell(row: dict[str, Any]) -> str:
    if row["phone_number"]:
        return _cell(row["phone_number"])
    # "-" only when there is no number; an id the lists could not name stays visible.
    return "-" if row["phone_number_id"] is None else _cell(f"#{row['phone_number_id']}")


def _summary(record: dict[str, Any], lookups: Any) -> dict[str, Any]:
    """A record's columns, each as the server stored it: JSON that needs no care to read
    (text or null; an id, or null), so anything else comes as its JSON text."""
    number_id = record.get("phone_number_id")
    number = lookups.phone_number(number_id)
    return {
        "id": record["id"],
        "name": _column_text(record.get("name")),
        "direction": _column_text(record.get("type")),
        "engine": _column_text(record.get("mode")),
        "phone_number_id": number_id if number_id is None or type(number_id) is int else _column_text(number_id),
        "phone_number": number.phone_number if number else None,
        "status": _column_text(record.get("status")),
    }


def _column_text(value: Any) -> str | None:
    if value is None or isinstance(value, str):
        return value
    # Compact, and NaN as the server wrote it: json.loads made it from that very text.
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def open_assistant(obj: Context, assistant_id: int, *, settle: bool = False) -> Any:
    """The assistant's session. `settle` (commands about to save): an earlier update of
    it whose answer was lost is settled by this fresh read (see remote.settle_unconfirmed)."""
    from voicedesk.history import History
    from voicedesk.remote import open_session, settle_unconfirmed

    async def work(client: Any, progress: Any) -> tuple[Any, Any, tuple[list[Any], str | None]]:
        session, lookup_result = await open_session(client, assistant_id, progress)
        earlier = settle_unconfirmed(History(), client.host, session) if settle else ([], None)
        return session, lookup_result, earlier

    session, lookup_result, (earlier, history_error) = run(obj, work)
    for name, error in lookup_result.failures.items():
        echo(f"warning: could not load {name}: {error.message}", err=True)
    decision = lookup_result.dialect
    if decision is not None and not decision.reason.startswith(("detected", "set by")):
        echo(f"warning: speaking {decision}.", err=True)
    _report_earlier(earlier)
    if history_error:
        echo(f"warning: {history_error}", err=True)
    return session


def _report_earlier(earlier: list[Any]) -> None:
    if earlier:
        names = ", ".join(change.field for change in earlier)
        echo(f"Saved earlier: the update whose answer was lost had reached the server ({names}); "
             "it is now recorded in the history.")


@main.command()
@click.argument("assistant_id")
@click.option("--json", "as_json", is_flag=True, help="Print the settings as an update body (input for apply).")
@click.option("--raw", is_flag=True, help="Print the server's record as it came.")
@click.pass_obj
def show(obj: Context, assistant_id: str, as_json: bool, raw: bool) -> None:
    """Show an assistant's settings, grouped as in the editor."""
    from voicedesk.wire import WriteError, to_body

    session = open_assistant(obj, assistant_id_arg(assistant_id))
    if raw:
        echo_json(session.record)
        return
    if as_json:
        # Every setting the server reported, in the host's body shape: `apply` takes it back.
        known = {name: value for name, value in session.baseline.items() if name not in session.unreported}
        try:
            echo_json(_masked(to_body(known, session.fields, session.lookups)))
        except WriteError as error:
            fail(str(error))
        return
    flags = session.flags()
    echo(f"{_capped(session.name, 80)}  (id {session.assistant_id}, {obj.settings.host}, "
         f"dialect {session.fields.dialect.value})")
    width = max(len(f.label) for f in session.fields)
    for group in session.fields.groups:
        echo(f"\n{group.value}")
        for field in session.fields.fields_in(group):
            value = ("not reported by the server" if field.name in session.unreported
                     else format_value(field.name, session.baseline[field.name], session.lookups))
            mark = "  ! " + _capped(flags[field.name], 300) \
                if field.name in flags and field.name not in session.unreported else ""
            echo(f"  {field.label.ljust(width)}  {value}{mark}")
    echo("\nRead-only")
    for key, value in session.read_only.items():
        text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
        echo(f"  {_capped(key, width).ljust(width)}  {_capped(text, 70)}")


def _capped(text: str, width: int) -> str:
    """At most about `width` characters of one value (a stored name may be 1 MB), saying
    how long the whole is; made safe to print."""
    if len(text) <= width:
        return safe_text(text)
    return f"{shorten(safe_text(text[:width]), width)} ({len(text):,} chars)"


@main.command("fields")
@click.option("--json", "as_json", is_flag=True, help="Print the catalogue as JSON.")
@click.pass_obj
def fields_command(obj: Context, as_json: bool) -> None:
    """List every field that set/apply accept on the host (its dialect), with its rules."""
    from voicedesk.fields import Write
    from voicedesk.model import expected_type

    # What a 2026 name takes where the setting's own name takes the edit values.
    host_values = {
        Write.LANGUAGE_ID: "a whole number (an id of the account's languages)",
        Write.MODEL_ID: "a whole number (an id of the account's models)",
        Write.DIRECTION: "one of inbound, outbound",
        Write.WAIT_FOR_CUSTOMER: "true or false",
    }
    fields, how = _listing_dialect(obj)
    if as_json:
        echo_json({"dialect": fields.dialect.value, "dialect_source": how,
                   "fields": [_field_json(field) for field in fields]})
        return
    echo(f"Dialect {fields.dialect.value} ({how}).")
    for group in fields.groups:
        echo(group.value)
        for field in fields.fields_in(group):
            values = [expected_type(field)]
            if field.choices:
                values.append("one of " + ", ".join(c.value for c in field.choices))
            rules = [field.range_text()] if field.ranged else []
            if field.max_length:
                rules.append(f"max {field.max_length} chars")
            if field.nullable:
                rules.append("null allowed")
            if not field.reported:
                rules.append("not reported by the list")
            if field.write in host_values:  # the host's name takes the host's values
                echo(f"  {field.update_name}: {'; '.join([host_values[field.write], *rules])} "
                     f"(also {field.name}: {'; '.join(values)})")
            else:
                other = "" if field.update_name == field.name else f" (also {field.name})"
                echo(f"  {field.update_name}: {'; '.join(values + rules)}{other}")
            echo(f"      {field.help}")


def _field_json(field: Any) -> dict[str, Any]:
    """A field of the catalogue as `fields --json` lists it."""
    return {
        "name": field.name,
        "update_name": field.update_name,
        "group": field.group.value,
        "kind": field.kind.value,
        "label": field.label,
        "choices": [choice.value for choice in field.choices],
        "minimum": field.minimum,
        "maximum": field.maximum,
        "unit": field.unit or None,
        "max_length": field.max_length,
        "nullable": field.nullable,
        "reported": field.reported,
        "lookup": field.lookup.value if field.lookup else None,
        "help": field.help,
    }


def _listing_dialect(obj: Context) -> tuple[Any, str]:
    """The catalogue `fields` lists: the dialect set, else the host's (asked), else,
    with no host configured, the platform's current one."""
    from voicedesk.fields import Dialect, catalogue
    from voicedesk.remote import detect_dialect, parse_dialect_choice

    try:
        settings = obj.resolve()
    except SettingsError:
        try:  # the dialect set needs no host
            pinned = parse_dialect_choice(obj.given.dialect or "auto")
        except ValueError as error:
            fail(str(error))
        if pinned is not None:
            return catalogue(pinned), "as set"
        return catalogue(Dialect.D2026), ("no host is configured: the platform's current one; "
                                          "--dialect 2025 lists the seed's")
    try:
        pinned = parse_dialect_choice(settings.dialect)
    except ValueError as error:
        fail(str(error))
    if pinned is not None:
        return catalogue(pinned), "as set"
    decision = run(obj, lambda client, progress: detect_dialect(client))
    return catalogue(decision.dialect), f"the host's: {decision.reason}"


# --- changing --------------------------------------------------------------------------


def refuse_problems(obj: Context, session: Any) -> None:
    _load_providers(obj, session)
    problems = session.validate()
    if problems:
        for name, message in problems.items():
            echo(f"error: {_named(session, name)}: {message}", err=True)
        fail(f"nothing was sent: fix the {len(problems)} problem{'s' if len(problems) != 1 else ''} above.")


def _load_providers(obj: Context, session: Any) -> None:
    """A 2026 host lists the speech and transcription providers per language: a provider
    being sent is checked against its language's list, loaded now."""
    from voicedesk.remote import load_providers

    if not any(session.is_dirty(f.name) for f in session.fields.fields if f.lookup and f.lookup.per_language):
        return
    language = session.value("language")
    failures = run(obj, lambda client, progress: load_providers(client, session.lookups, language))
    for name, error in failures.items():
        echo(f"warning: could not load the {name} of {safe_text(str(language))}: {error.message}", err=True)


def confirm_and_save(obj: Context, session: Any, dry_run: bool, yes: bool, force: bool) -> None:
    from voicedesk.history import History
    from voicedesk.remote import SaveConflict, SaveRefused, save

    echo_plan(session)
    refuse_problems(obj, session)
    if not session.dirty:
        return
    body = _body_of(session)
    if dry_run:
        echo("Dry run; the body would be:")
        echo_json(_masked(body))
        return
    if obj.settings.write_refusal:  # said before asking; remote.save refuses it too
        fail(obj.settings.write_refusal)
    if not yes and not ask("Send these changes?", otherwise="not sending without confirmation: pass --yes"):
        fail("cancelled; nothing was sent.")
    try:
        result = run(obj, lambda client, progress: save(
            client, session, force=force, history=History(), progress=progress))
    except SaveConflict as conflict:
        for item in conflict.conflicts:
            echo(
                f"conflict: {_named(session, item.field)}: loaded {_shown(session, item.field, item.base)}, "
                f"yours {_shown(session, item.field, item.mine)}, "
                f"on the server now {_shown(session, item.field, item.theirs)}",
                err=True,
            )
        names = ", ".join(_named(session, item.field) for item in conflict.conflicts)
        fail(f"{names} changed on the server meanwhile; nothing was sent. "
             "Look again, or pass --force to overwrite with your values.")
    except SaveRefused as refused:
        _report_adopted(session, refused.adopted)
        for name, message in refused.problems.items():
            echo(f"error: {_named(session, name)}: {message}", err=True)
        fail("after taking the server's newer values, the change breaks a rule; nothing was sent.")
    _report_adopted(session, result.adopted)
    _report_earlier(result.earlier)
    if not result.sent:
        echo("Nothing to send: the server already holds these values.")
        return
    if result.taken:
        echo(f"Saved {len(result.taken)} field{'s' if len(result.taken) != 1 else ''}.")
    if result.reread_error:
        echo(f"warning: the server answered 200, but reading it back failed, so what it took "
             f"is not proven: {result.reread_error.message}", err=True)
    if result.history_error:
        echo(f"warning: {result.history_error}", err=True)
    if result.not_taken:
        for change in result.not_taken:
            echo(
                f"error: {_named(session, change.field)}: the server answered 200 but holds "
                f"{_shown(session, change.field, change.after)}, not the "
                f"{_shown(session, change.field, change.before)} sent.",
                err=True,
            )
        names = ", ".join(_named(session, change.field) for change in result.not_taken)
        hint = (" None of the fields sent was taken: the host may speak the other dialect "
                "(see `voicedesk fields`)." if result.nothing_taken else "")
        fail(f"the server did not take {names}; those values are not saved.{hint}")


def _masked(body: dict[str, Any]) -> dict[str, Any]:
    """A body as it may be printed: the tools' secrets as tools.KEPT, which `apply`
    reads as "the stored one"."""
    from voicedesk.tools import masked

    return {**body, "tools": masked(body["tools"])} if "tools" in body else body


def _body_of(session: Any) -> dict[str, Any]:
    from voicedesk.wire import WriteError

    try:
        body: dict[str, Any] = session.body()
        return body
    except WriteError as error:
        fail(f"{error} Nothing was sent.")


def _named(session: Any, name: str) -> str:
    """A setting as the host's dialect names it (what its bodies and 422s say)."""
    return session.fields[name].update_name if name in session.fields else name


def _shown(session: Any, name: str, value: Any) -> str:
    return format_value(name, value, session.lookups, width=40)


def _report_adopted(session: Any, adopted: list[Any]) -> None:
    for change in adopted:
        echo(
            f"note: {change.field} changed on the server meanwhile "
            f"({_shown(session, change.field, change.before)} -> {_shown(session, change.field, change.after)}); "
            "kept, as you did not change it.",
            err=True,
        )


def assign_or_fail(session: Any, assignments: tuple[str, ...]) -> None:
    from voicedesk.assigning import AssignProblem, assign

    try:
        assign(session, [as_typed(text) for text in assignments])
    except AssignProblem as problem:
        fail(f"{problem} Nothing was sent.")


def body_from_file(path: str) -> dict[str, Any]:
    """The update body in FILE (or stdin), read before anything is asked of the host: a
    file of `pull` (YAML, or the same in JSON), or a JSON object of fields."""
    from voicedesk.account_files import FileProblem, from_document, read_file
    from voicedesk.parsing import load_json

    if path != "-" and Path(path).suffix.lower() in (".yaml", ".yml"):
        try:
            body = read_file(Path(path)).body
        except FileProblem as problem:
            fail(f"{problem}.")
        _check_names_and_types(body, path)
        return body
    try:
        if path != "-":
            data = Path(path).read_bytes()
        elif sys.stdin is None:  # started with stdin closed
            fail("there is no standard input to read (it is closed); give a file instead of -.")
        else:
            data = sys.stdin.buffer.read()
    except OSError as error:
        fail(f"cannot read {path}: {error.strerror}.")
    try:
        text = data.decode("utf-8-sig")  # JSON is UTF-8; editors on Windows add a BOM
    except UnicodeDecodeError as error:
        fail(f"{path} is not UTF-8 text, as JSON must be (byte {error.start + 1} cannot be read).")
    try:
        body = load_json(text)
    except ValueError as error:
        fail(f"{path} is not JSON: {error}.")
    if not isinstance(body, dict):
        fail(f"{path} must hold a JSON object of fields (the update body), not {type(body).__name__}.")
    try:
        body = from_document(body, Path(path)).body
    except FileProblem as problem:
        fail(f"{problem}.")
    _check_names_and_types(body, path)
    return body


def _check_names_and_types(body: dict[str, Any], path: str) -> None:
    from voicedesk.assigning import AssignProblem, check_names_and_types

    try:
        check_names_and_types(body, path)
    except AssignProblem as problem:
        fail(str(problem))


def apply_body_or_fail(session: Any, body: dict[str, Any], path: str) -> None:
    from voicedesk.assigning import AssignProblem, apply_body

    try:
        apply_body(session, body, path)
    except AssignProblem as problem:
        fail(str(problem))


@main.command("history")
@click.argument("assistant_id", required=False)
@click.option("--json", "as_json", is_flag=True, help="Print JSON lines as recorded.")
def history_command(assistant_id: str | None, as_json: bool) -> None:
    """What this machine's voicedesk saved, oldest first (all assistants, or one)."""
    from voicedesk.display import format_recorded
    from voicedesk.history import History, HistoryError
    from voicedesk.history import as_json as entry_json

    history = History()
    try:
        entries = history.entries(None if assistant_id is None else assistant_id_arg(assistant_id))
    except HistoryError as error:
        fail(str(error))
    if history.skipped:
        numbers = ", ".join(str(n) for n in history.skipped_lines[:5])
        more = f" and {history.skipped - 5} more" if history.skipped > 5 else ""
        if history.skipped == history.lines:
            fail(f"none of the {history.lines} lines of {history.path} could be read as a saved change.")
        lines = "lines" if history.skipped != 1 else "line"
        echo(f"warning: skipped {history.skipped} unreadable {lines} in {history.path} ({lines} {numbers}{more}).",
             err=True)
    if as_json:
        for entry in entries:
            echo(entry_json(entry))
        return
    if not entries:
        echo("No saves recorded yet.")
        return
    for entry in entries:
        echo(f"{entry.time:%Y-%m-%d %H:%M:%S} UTC  {safe_text(entry.host)}  #{entry.assistant_id} "
             f"{safe_text(entry.assistant_name)}")
        for change in entry.changes:
            sides = recorded_diff_sides(change.field, change.before, change.after)
            if sides is not None:  # a long value: its diff, the changed words marked
                echo(f"    {safe_text(change.field)}: {value_sizes(change.field, sides)}:")
                echo_diff(diff_lines(*sides), "      ")
                continue
            before = format_recorded(change.field, change.before, width=40)
            after = format_recorded(change.field, change.after, width=40)
            echo(f"    {safe_text(change.field)}: {before} -> {after}")


# --- running ---------------------------------------------------------------------------


@main.command()
@click.option("--profile", "-P", "profile_name", metavar="NAME",
              help="Write the config file's [profiles.NAME] (checking the key first), not its top level.")
@click.option("--yes", "-y", is_flag=True, help="Never ask: when the key check fails, save nothing.")
@click.pass_obj
def configure(obj: Context, profile_name: str | None, yes: bool) -> None:
    """Store the host (--base-url) and the API key in the config file (mode 600).

    The key comes from VOICEDESK_API_KEY, --api-key-file, or a hidden prompt. With
    --profile, the key is checked (GET /user/me) before the profile is saved, and a key
    from --api-key-file is stored as that file's path.
    """
    from voicedesk.settings import config_path

    given, path = obj.given, config_path()
    name = profile_name if profile_name is not None else given.profile
    host = given.base_url
    try:
        if name is not None:
            check_profile_name(name)
            existing = read_config(path).profiles.get(name)
            host = host or (existing.base_url if existing else None)
        if not host:
            host = prompt_line("API host (e.g. https://app.famulor.de)",
                               otherwise="give the host with --base-url or VOICEDESK_BASE_URL; nothing was saved")
        key, key_file = given.api_key, None
        if not key and given.api_key_file:
            key, _ = read_key_file(given.api_key_file)
            key_file = str(Path(given.api_key_file).expanduser().absolute())
        if not key:
            key = prompt_line("API key (not shown)", hidden=True,
                              otherwise="give the key with VOICEDESK_API_KEY or --api-key-file; nothing was saved")
        settings = make_settings(host, key, insecure=given.insecure)
        if name is None:
            saved = write_config(StoredConfig(settings.base_url, key.strip()), path)
            echo(f"Saved the host and the key to {saved} (readable by you only).")
            return
        dialect = check_dialect(given.dialect, "--dialect (or VOICEDESK_DIALECT)") if given.dialect else None
        _check_key(settings, yes)
        profile = Profile(name, settings.base_url, None if key_file else key.strip(), key_file, dialect)
        saved = write_config(StoredConfig(), path, profile=profile)
    except SettingsError as error:
        fail(str(error))
    except OSError as error:
        fail(f"cannot write the config file: {error.strerror}.")
    echo(f"Saved profile {name} ({settings.host}) to {saved} (readable by you only).")


def _check_key(settings: Settings, yes: bool) -> None:
    """Ask the host whose key it is; when that fails, save only if the user says so."""
    from voicedesk.api import ApiClient, ApiError

    async def ask_host() -> Any:
        async with ApiClient.for_settings(settings) as client:
            return await client.account()

    try:
        account = asyncio.run(ask_host())
    except ApiError as error:
        problem = f"the key check (GET /user/me) failed: {error.message}"
        if yes or unaskable():
            fail(f"{problem} Nothing was saved.")
        echo(f"warning: {problem}", err=True)
        if not ask("Save the profile anyway?"):
            fail("cancelled; nothing was saved.")
        return
    except KeyboardInterrupt:
        fail("cancelled; nothing was saved.")
    who = ", ".join(_cell(text) for text in (account.name, account.email) if text) or "an account without a name"
    echo(f"The key works: {who}.")


@main.command("profiles")
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of a table.")
@click.pass_obj
def profiles_command(obj: Context, as_json: bool) -> None:
    """List the config file's profiles (* marks the default); never their keys."""
    from voicedesk.settings import config_path

    path = config_path()
    try:
        config = read_config(path)
    except SettingsError as error:
        fail(str(error))
    rows = [
        _profile_row(name, profile, config, obj.given, default=name == config.default_profile)
        for name, profile in sorted(config.profiles.items())
    ]
    if config.base_url or config.api_key:  # the top level: the profile without a name
        rows.insert(0, _profile_row(None, None, config, obj.given, default=config.default_profile is None))
    if as_json:
        echo_json(rows)
        return
    if not rows:
        echo(f"No profiles in {path}; `voicedesk configure --profile NAME` adds one.")
        return
    headers = ("", "NAME", "HOST", "DIALECT", "READ-ONLY", "KEY")
    table = [
        ("*" if row["default"] else "", "-" if row["name"] is None else row["name"], _cell(row["base_url"]),
         row["dialect"], "yes" if row["read_only"] else "no", shorten(safe_text(row["key"] or "none"), 100))
        for row in rows
    ]
    widths = [max(len(h), *(len(row[i]) for row in table)) for i, h in enumerate(headers)]
    for row in (headers, *table):
        echo("  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip())


def _profile_row(
    name: str | None, profile: Profile | None, config: StoredConfig, given: Given, *, default: bool
) -> dict[str, Any]:
    """What a profile resolves to, from the config file (and, for the key, the flags and
    variables, which win): where the key comes from, never the key."""
    key: str | None
    if given.api_key:
        key = "env"
    elif given.api_key_file:
        key = f"file {given.api_key_file}"
    elif profile and profile.api_key:
        key = "config"
    elif profile and profile.api_key_file:
        key = f"file {profile.api_key_file}"
    else:
        key = "config" if config.api_key else None
    return {
        "name": name,
        "default": default,
        "base_url": (profile and profile.base_url) or config.base_url,
        "dialect": (profile and profile.dialect) or "auto",
        "read_only": bool(profile and profile.read_only),
        "color": profile and profile.color,
        "key": key,
    }


@main.command()
@click.option("--json", "as_json", is_flag=True, help="Print the checks as a JSON list.")
@click.pass_obj
def doctor(obj: Context, as_json: bool) -> None:
    """Check the config, the directories, the host, the key, the rate limit and the dialect.

    One line per check, ok, warn or FAIL first; exits 2 when a check fails.
    """
    from voicedesk.api import ApiClient, ApiError
    from voicedesk.doctor import FAIL, Check, local_checks, remote_checks

    checks = local_checks()
    try:
        client = ApiClient.for_settings(obj.resolve())
    except (SettingsError, ApiError) as error:  # ApiError: a key that cannot be sent
        checks.append(Check(FAIL, "settings", f"settings: {error}"))
    else:
        try:
            checks += asyncio.run(remote_checks(client))
        except KeyboardInterrupt:
            fail("stopped; doctor only reads, so nothing was changed.")
    if as_json:
        echo_json([{"check": check.name, "status": check.status, "message": check.text} for check in checks])
    else:
        for check in checks:
            echo(f"{check.status:<4}  {check.text}")
    sys.exit(EXIT_ERROR if any(check.status == FAIL for check in checks) else EXIT_OK)


@main.command()
@click.option("--port", type=click.IntRange(0, 65535), default=8765, show_default=True,
              help="Port on 127.0.0.1 (0 picks a free one).")
@click.option("--dialect", "sandbox_dialect", type=click.Choice(["2025", "2026"]), default="2026",
              show_default=True, help="The update contract it plays: the seed's (2025) or today's (2026).")
def sandbox(port: int, sandbox_dialect: str) -> None:
    """Run the embedded sandbox API in the foreground (Ctrl+C stops it)."""
    from voicedesk.sandbox import DEMO_API_KEY, Sandbox

    def ready(server: Sandbox) -> None:
        echo(f"Sandbox API on {server.base_url}, dialect {server.dialect}  (API key: {DEMO_API_KEY}, a demo key)")
        echo(f"Try: voicedesk --base-url {server.base_url} --api-key {DEMO_API_KEY} list")

    try:
        Sandbox(port=port, dialect=sandbox_dialect).serve_forever(ready=ready)
    except OSError as error:
        fail(f"cannot listen on 127.0.0.1:{port}: {error.strerror}. Try --port 0.")


@main.command()
@click.argument("assistant_id", required=False)
@click.pass_obj
def edit(obj: Context, assistant_id: str | None) -> None:
    """Open the editor (the picker first when no ID is given)."""
    opened = None if assistant_id is None else assistant_id_arg(assistant_id)
    with collector_off_while_importing():
        from voicedesk.api import ApiClient, ApiError

    settings = obj.settings
    try:
        client = ApiClient.for_settings(settings, obj.hints)
    except ApiError as error:  # a key that cannot be sent
        fail(error.message)
    _require_terminal()
    sys.exit(asyncio.run(_run_tui(settings, opened, client)))


def _require_terminal() -> None:
    """The editor reads keys from stdin and draws on stderr. Without a terminal (a script,
    a pipe) it cannot be used, and Textual would spin on the end of the input, writing
    escape codes into the pipe."""
    for name, stream in (("standard input", sys.stdin), ("standard output", sys.stdout),
                         ("standard error", sys.stderr)):
        if not is_terminal(stream):
            fail(f"the editor needs a terminal, and {name} is not one. Without a terminal, "
                 "use list, show, set, diff, apply, history or fields (voicedesk --help).")



async def _run_tui(settings: Settings, assistant_id: int | None, client: ApiClient) -> int:
    """The TUI, with the first screen's reads sent before Textual is loaded.

    Textual and the app's screens take 0.1-0.3 s to import. That runs on a thread
    while this loop connects and sends the reads, so over a real link their round trips
    (TCP, TLS, the requests) overlap the import instead of following it.
    """
    with collector_off_while_importing():
        from voicedesk.remote import FirstReads

        preload_transport()
    # On its thread from now on; the client waits for its CA bundle (https) meanwhile.
    importing = asyncio.get_running_loop().run_in_executor(None, _import_tui, assistant_id)
    async with client:
        first_reads = FirstReads.start(client, assistant_id)
        app_class = await importing
        app = app_class(settings, assistant_id, client=client, first_reads=first_reads)
        with app.save_drafts_on_exit_signals():
            await app.run_async()
    return app.return_code or 0


def _import_tui(assistant_id: int | None) -> type[VoicedeskApp]:
    """The app class, and the module of its first screen."""
    first_screen = "picker" if assistant_id is None else "editor"
    with switching_seldom(), collector_off_while_importing():
        from voicedesk.tui.app import VoicedeskApp

        importlib.import_module(f"voicedesk.tui.screens.{first_screen}")
    return VoicedeskApp

