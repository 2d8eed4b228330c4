"""Many assistants at once: a folder or a template applied, one change across many
(`set` with several ids, --where, --all), copy, compare, and revert a save.

Every command here runs one plan (`voicedesk.batch`): the list read once, the plan
printed whole and asked once, then the writes page by page within the rate limit, with
a progress bar on stderr and a summary. ctrl+c once stops cleanly after the assistant
under way; twice stops at once (saying what may have been saved).
"""

from __future__ import annotations

import asyncio
import signal
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn

import click

from voicedesk.cli.commands import (
    apply_body_or_fail,
    assign_or_fail,
    body_from_file,
    confirm_and_save,
    main,
    open_assistant,
    refuse_problems,
)
from voicedesk.cli.common import (
    EXIT_CHANGES,
    EXIT_ERROR,
    EXIT_OK,
    Context,
    as_typed,
    ask,
    assistant_id_arg,
    echo,
    echo_json,
    echo_plan,
    fail,
    is_terminal,
    status_line,
    unaskable,
)
from voicedesk.display import format_value, safe_text, shorten

if TYPE_CHECKING:
    from voicedesk.account_files import AssistantFile
    from voicedesk.api import ApiClient
    from voicedesk.batch import Account, Outcome, Planned, Wanted
    from voicedesk.session import EditSession

# Left out of `copy` unless named: what makes an assistant this one and not its source
# (its name, its number and the direction that number serves, where its calls are
# reported, where it is filed). Copying them would break the destination.
IDENTITY = ("assistant_name", "phone_number_id", "calls_direction", "webhook_url", "is_webhook_active",
            "folder_id", "label_ids")


@dataclass
class Options:
    dry_run: bool = False
    yes: bool = False
    force: bool = False
    as_json: bool = False
    diff_only: bool = False  # `diff`: the plan and its exit code, never a write


class Stop:
    """ctrl+c, as the batch's `stopping` asks it between assistants."""

    def __init__(self) -> None:
        self.asked = False

    def __call__(self) -> bool:
        return self.asked


class ProgressBar:
    """`[#####.....] 37 of 200 assistants · about 1 min 20 s left · Reception`, one line
    on stderr rewritten after each assistant; only on a terminal."""

    def __init__(self) -> None:
        self.live = is_terminal(sys.stderr)
        self.started = time.monotonic()
        self.shown = False

    def reading(self, read: int, pages: int) -> None:
        if self.live:
            self.shown = True
            status_line(f"Reading the assistants: page {read} of {pages}…")

    def step(self, done: int, total: int, outcome: Outcome) -> None:
        if not self.live:
            return
        self.shown = True
        width = 20
        filled = width * done // max(total, 1)
        elapsed = time.monotonic() - self.started
        left = elapsed / done * (total - done) if done else 0.0
        remaining = f" · about {_duration(left)} left" if done < total else ""
        status_line(f"[{'#' * filled}{'.' * (width - filled)}] {done} of {total} assistants{remaining}"
                    f" · {safe_text(outcome.name)}")

    def clear(self) -> None:
        if self.shown:
            status_line("")
            self.shown = False


def _duration(seconds: float) -> str:
    whole = round(seconds)
    return f"{whole // 60} min {whole % 60} s" if whole >= 60 else f"{whole} s"


def run_plan(obj: Context, wanted_from: Callable[[Account], list[Wanted]], ids: list[int] | None = None, *,
             options: Options) -> NoReturn:
    """Read the account, plan, show the plan, ask once, carry it out, sum it up, exit.
    `ids`: the only assistants the run needs, when known before reading (a few are then
    found on their remembered pages instead of reading the whole list)."""
    from voicedesk.api import ApiClient, ApiError
    from voicedesk.batch import carry_out, plan, read_account
    from voicedesk.history import History

    settings = obj.settings
    bar = ProgressBar()
    stop = Stop()
    state: dict[str, Any] = {"writing": False}

    async def work() -> int:
        loop = asyncio.get_running_loop()
        task = asyncio.current_task()
        assert task is not None

        def interrupted() -> None:
            if not state["writing"] or stop.asked:
                task.cancel()
                return
            stop.asked = True
            bar.clear()
            echo("Stopping after the assistant under way (ctrl+c again stops at once)…", err=True)

        loop.add_signal_handler(signal.SIGINT, interrupted)
        try:
            # One client for the reads and the writes: one rate gate paces them all.
            async with ApiClient.for_settings(settings, obj.hints) as client:
                account = await read_account(client, on_page=bar.reading, only=ids)
                bar.clear()
                _warn_lookups(account)
                planned = plan(account, wanted_from(account))
                code = _show_plan(planned, options)
                if code is not None:
                    return code
                if not _confirmed(planned, options, settings.write_refusal):
                    return EXIT_ERROR
                if not options.yes:
                    # The answer took a person's while: every page is read again before its writes.
                    account.read_at.clear()
                planned_json = [_plan_json(entry) for entry in planned]  # before the writes consume it
                state["writing"] = True
                bar.started = time.monotonic()
                outcomes = await carry_out(client, account, planned, force=options.force, history=History(),
                                           on_outcome=bar.step, stopping=stop)
                bar.clear()
                return _summary(planned_json, outcomes, options)
        finally:
            loop.remove_signal_handler(signal.SIGINT)

    try:
        code = asyncio.run(work())
    except ApiError as error:
        bar.clear()
        fail(f"{error.message} Nothing was sent." if not state["writing"] else error.message)
    except (asyncio.CancelledError, KeyboardInterrupt):
        bar.clear()
        if state["writing"]:
            fail("stopped at once: the update under way may have been saved. `voicedesk history` lists "
                 "what was; run the same command again to see what is left.")
        fail("stopped; nothing was sent.")
    sys.exit(code)


def _warn_lookups(account: Account) -> None:
    for name, error in account.lookup_result.failures.items():
        echo(f"warning: could not load {name}: {error.message}", err=True)


def _show_plan(planned: list[Planned], options: Options) -> int | None:
    """Print the plan; an exit code when the run ends here (problems, nothing to do,
    a dry run, a diff)."""
    problems = [entry for entry in planned if entry.problem]
    changing = [entry for entry in planned if entry.changes]
    if options.as_json:
        if problems or not changing or options.dry_run or options.diff_only:
            echo_json({"plan": [_plan_json(entry) for entry in planned], "outcomes": []})
    else:
        for problem, ids in _grouped(problems).items():
            echo(f"error: {_assistants(ids)}: {problem}", err=True)
        source = None
        for entry in changing:
            assert entry.session is not None
            if entry.source != source:  # said once for a run of assistants from the same source
                source = entry.source
                echo(f"From {safe_text(source)}:")
            echo_plan(entry.session)
        in_step = len(planned) - len(changing) - len(problems)
        count = sum(len(entry.changes) for entry in changing)
        echo(f"Plan: {count} change{'s' if count != 1 else ''} to {len(changing)} "
             f"assistant{'s' if len(changing) != 1 else ''}"
             f"{f'; {in_step} already as wanted' if in_step else ''}"
             f"{f'; {len(problems)} with problems' if problems else ''}.")
    if problems:
        if not options.as_json:
            echo(f"error: nothing was sent: fix the {len(problems)} problem{'s' if len(problems) != 1 else ''} "
                 "above.", err=True)
        return EXIT_ERROR
    if options.diff_only:
        return EXIT_CHANGES if changing else EXIT_OK
    if not changing:
        return EXIT_OK
    if options.dry_run:
        if not options.as_json:
            echo("Dry run; nothing was sent.")
        return EXIT_OK
    return None


def _grouped(problems: list[Planned]) -> dict[str, list[int]]:
    """The same problem once, with every assistant it stops (a --all run meets one many times)."""
    grouped: dict[str, list[int]] = {}
    for entry in problems:
        grouped.setdefault(entry.problem or "", []).append(entry.assistant_id)
    return grouped


def _assistants(ids: list[int]) -> str:
    if len(ids) == 1:
        return f"assistant {ids[0]}"
    shown = ", ".join(map(str, ids[:10]))
    return f"assistants {shown}{f' and {len(ids) - 10} more' if len(ids) > 10 else ''}"


def _plan_json(entry: Planned) -> dict[str, Any]:
    session = entry.session
    return {
        "assistant_id": entry.assistant_id,
        "name": entry.name,
        "source": entry.source,
        "problem": entry.problem,
        "changes": [_change_json(session, change.field, change.before, change.after)
                    for change in entry.changes] if session else [],
    }


def _change_json(session: EditSession, name: str, before: Any, after: Any) -> dict[str, Any]:
    from voicedesk.tools import masked

    def shown(value: Any) -> Any:
        return masked(value) if name == "tools" and isinstance(value, list) else value

    return {"field": session.fields[name].update_name if name in session.fields else name,
            "before": shown(before), "after": shown(after)}


def _confirmed(planned: list[Planned], options: Options, refusal: str | None) -> bool:
    if refusal:
        echo(f"error: {refusal}", err=True)
        return False
    if options.yes:
        return True
    reason = unaskable()
    if reason is not None:
        echo(f"error: not sending without confirmation: pass --yes ({reason}, so nothing can be asked).", err=True)
        return False
    count = sum(1 for entry in planned if entry.changes)
    if ask(f"Send these changes to {count} assistant{'s' if count != 1 else ''}?"):
        return True
    echo("error: cancelled; nothing was sent.", err=True)
    return False


def _summary(planned_json: list[dict[str, Any]], outcomes: list[Outcome], options: Options) -> int:
    from voicedesk.batch import Status

    failed = [outcome for outcome in outcomes if outcome.status not in (Status.SAVED, Status.UNCHANGED)]
    if options.as_json:
        echo_json({"plan": planned_json, "outcomes": [_outcome_json(outcome) for outcome in outcomes]})
        return EXIT_ERROR if failed else EXIT_OK
    for outcome in outcomes:
        if outcome.status is Status.SAVED and not outcome.detail:
            continue
        stream_err = outcome.status not in (Status.SAVED, Status.UNCHANGED)
        echo(f"{outcome.status.value}: {safe_text(shorten(outcome.name, 60))} (id {outcome.assistant_id}): "
             f"{outcome.detail}", err=stream_err)
    counts: dict[str, int] = {}
    for outcome in outcomes:
        counts[outcome.status.value] = counts.get(outcome.status.value, 0) + 1
    parts = [f"{count} {status}" for status, count in counts.items()]
    echo(f"Done: {', '.join(parts) or 'nothing to send'}.")
    return EXIT_ERROR if failed else EXIT_OK


def _outcome_json(outcome: Outcome) -> dict[str, Any]:
    result = outcome.result
    return {
        "assistant_id": outcome.assistant_id,
        "name": outcome.name,
        "status": outcome.status.value,
        "detail": outcome.detail,
        "sent": sorted(result.sent) if result else [],
        "not_taken": [change.field for change in result.not_taken] if result else [],
        "conflicts": [conflict.field for conflict in outcome.conflicts],
    }


# --- the commands ----------------------------------------------------------------------


_DRY_RUN = click.option("--dry-run", is_flag=True, help="Show the plan and the body; send nothing.")
_YES = click.option("--yes", "-y", is_flag=True, help="Send without asking.")
_FORCE = click.option("--force", is_flag=True, help="Overwrite fields someone else changed since loading.")
_JSON_PLAN = click.option("--json", "as_json", is_flag=True,
                          help="Print the plan and the outcomes as JSON (many assistants' form).")


@main.command("set")
@click.argument("arguments", nargs=-1, required=True, metavar="[ID...] FIELD=VALUE...")
@click.option("--where", "where", multiple=True, metavar="FIELD=VALUE",
              help="Every assistant whose FIELD holds VALUE (repeat: all must hold).")
@click.option("--all", "every", is_flag=True, help="Every assistant of the account.")
@_DRY_RUN
@_YES
@_FORCE
@_JSON_PLAN
@click.pass_obj
def set_command(obj: Context, arguments: tuple[str, ...], where: tuple[str, ...], every: bool,
                dry_run: bool, yes: bool, force: bool, as_json: bool) -> None:
    """Change fields: voicedesk set 101 speech_speed=0.9 record_call=on; several assistants
    at once: set 101 102 x=1, set --where llm_model=GPT-4o llm_model=GPT-4.1, set --all x=1."""
    ids, assignments = split_set_arguments(arguments)
    if len(ids) == 1 and not where and not every and not as_json and assignments:
        session = open_assistant(obj, assistant_id_arg(ids[0]), settle=not dry_run)
        assign_or_fail(session, tuple(assignments))
        confirm_and_save(obj, session, dry_run, yes, force)
        return
    set_many(obj, arguments, where, every, Options(dry_run, yes, force, as_json))


@main.command()
@click.argument("arguments", nargs=-1, required=True, metavar="ASSISTANT_ID FILE | DIR | FILE --to ID...")
@click.option("--to", "to", multiple=True, metavar="ID", help="Compare FILE, as a template, with these assistants.")
@_JSON_PLAN
@click.pass_obj
def diff(obj: Context, arguments: tuple[str, ...], to: tuple[str, ...], as_json: bool) -> None:
    """Compare FILE (an update body, partial allowed) with the assistant, or every file of
    DIR (from `voicedesk pull`) with its assistant. Exit 1 on changes."""
    if len(arguments) == 2 and not to and not as_json:
        assistant_id, file = arguments
        body = body_from_file(file)
        session = open_assistant(obj, assistant_id_arg(assistant_id))
        apply_body_or_fail(session, body, file)
        echo_plan(session)
        refuse_problems(obj, session)
        sys.exit(EXIT_CHANGES if session.dirty else EXIT_OK)
    run_plan(obj, *_files_of(arguments, to), options=Options(as_json=as_json, diff_only=True))


@main.command()
@click.argument("arguments", nargs=-1, required=True, metavar="ASSISTANT_ID FILE | DIR | FILE --to ID...")
@click.option("--to", "to", multiple=True, metavar="ID", help="Apply FILE, as a template, to these assistants.")
@_DRY_RUN
@_YES
@_FORCE
@_JSON_PLAN
@click.pass_obj
def apply(obj: Context, arguments: tuple[str, ...], to: tuple[str, ...], dry_run: bool, yes: bool, force: bool,
          as_json: bool) -> None:
    """Send the fields of FILE that differ from the assistant's; or of every file in DIR
    (from `voicedesk pull`) to its assistant; or of FILE to each --to assistant."""
    if len(arguments) == 2 and not to and not as_json:
        assistant_id, file = arguments
        body = body_from_file(file)
        session = open_assistant(obj, assistant_id_arg(assistant_id), settle=not dry_run)
        apply_body_or_fail(session, body, file)
        confirm_and_save(obj, session, dry_run, yes, force)
        return
    run_plan(obj, *_files_of(arguments, to), options=Options(dry_run, yes, force, as_json))


def _files_of(arguments: tuple[str, ...], to: tuple[str, ...]) -> tuple[Callable[[Account], list[Wanted]], list[int]]:
    """DIR, FILE --to ID..., or ASSISTANT_ID FILE (here: with --json)."""
    from voicedesk.account_files import AssistantFile

    if len(arguments) == 2 and not to:
        own_id = assistant_id_arg(arguments[0])
        if arguments[1] == "-":  # a JSON body on stdin, as `apply ID -` takes it
            return files_wanted([AssistantFile(Path("-"), own_id, None, None, body_from_file("-"))], to)
        return files_wanted(load_files(_existing(arguments[1])), to, own_id=own_id)
    if len(arguments) != 1:
        fail("give ASSISTANT_ID FILE, or one DIR, or FILE --to ID...")
    path = _existing(arguments[0])
    if to and path.is_dir():
        fail("--to takes a FILE (a template), not a folder.")
    return files_wanted(load_files(path), to)


def _existing(argument: str) -> Path:
    path = Path(as_typed(argument))
    if not path.exists():
        fail(f"{safe_text(str(path))} does not exist.")
    return path


# --- what each command wants -----------------------------------------------------------


def _assignments_wanted(ids: list[int], assignments: list[str], source: str) -> list[Wanted]:
    from voicedesk.assigning import assign
    from voicedesk.batch import Wanted

    return [Wanted(number, source, lambda session: assign(session, assignments)) for number in ids]


def _where(account: Account, conditions: list[str]) -> list[int]:
    """The ids of the assistants whose values meet every FIELD=VALUE condition."""
    from voicedesk.parsing import ParseError, parse_assignment
    from voicedesk.session import same_value

    chosen = []
    for number in account.records:
        session = account.session(number)
        try:
            wanted = [parse_assignment(condition, session.fields, session.lookups) for condition in conditions]
        except ParseError as error:
            fail(f"--where: {error}")
        if all(name not in session.unreported and same_value(name, session.value(name), value)
               for name, value in wanted):
            chosen.append(number)
    return chosen


def split_set_arguments(arguments: tuple[str, ...]) -> tuple[list[str], list[str]]:
    """`set`'s arguments as (ids, assignments): the ids come before the first FIELD=VALUE
    (`set abc x=1`: "abc" is a wrong id); with no "=" anywhere, the leading digits are
    the ids and the rest assignments typed wrong (`set 101 speech_speed`)."""
    first = next((index for index, text in enumerate(arguments) if "=" in text), None)
    if first is None:
        first = next((index for index, text in enumerate(arguments) if not (text.isascii() and text.isdigit())),
                     len(arguments))
    return list(arguments[:first]), list(arguments[first:])


def set_many(obj: Context, arguments: tuple[str, ...], where: tuple[str, ...], every: bool,
             options: Options) -> NoReturn:
    """`set ID... FIELD=VALUE...`, `set --where F=V FIELD=VALUE...`, `set --all ...`."""
    id_texts, typed = split_set_arguments(arguments)
    ids = [assistant_id_arg(text) for text in id_texts]
    assignments = [as_typed(text) for text in typed]
    if not assignments:
        fail("nothing to set: give FIELD=VALUE after the ids (e.g. speech_speed=0.9).")
    if every and (ids or where):
        fail("--all takes no ids and no --where: it means every assistant of the account.")
    if not ids and not where and not every:
        fail("which assistants? Give ids, --where FIELD=VALUE, or --all.")
    conditions = [as_typed(text) for text in where]

    def wanted(account: Account) -> list[Wanted]:
        chosen = list(ids)
        if where:
            chosen = [number for number in _where(account, conditions) if not ids or number in ids]
        elif every:
            chosen = list(account.records)
        if not chosen:
            echo("No assistant matches." if where else "No assistants.", err=True)
        return _assignments_wanted(chosen, assignments, "the command line")

    run_plan(obj, wanted, ids if not where and not every else None, options=options)


@main.command()
@click.argument("source")
@click.argument("destinations", nargs=-1, required=True, metavar="DST...")
@click.option("--only", "only", multiple=True, metavar="GROUP|FIELD,...",
              help="Copy only these fields or groups (identity fields too, when named).")
@click.option("--except", "leave_out", multiple=True, metavar="GROUP|FIELD,...", help="Leave these out.")
@click.option("--dry-run", is_flag=True, help="Show the plan; send nothing.")
@click.option("--yes", "-y", is_flag=True, help="Send without asking.")
@click.option("--force", is_flag=True, help="Overwrite fields someone else changed meanwhile.")
@click.option("--json", "as_json", is_flag=True, help="Print the plan and the outcomes as JSON.")
@click.pass_obj
def copy(obj: Context, source: str, destinations: tuple[str, ...], only: tuple[str, ...],
         leave_out: tuple[str, ...], dry_run: bool, yes: bool, force: bool, as_json: bool) -> None:
    """Copy SOURCE's settings to each DST: what differs, as a plan. Its name, phone
    number, direction, webhook and folder stay the destination's unless named in --only."""
    from voicedesk.batch import Wanted

    source_id = assistant_id_arg(source)
    targets = [assistant_id_arg(text) for text in destinations]
    if source_id in targets:
        fail(f"assistant {source_id} is both the source and a destination.")

    def wanted(account: Account) -> list[Wanted]:
        if source_id not in account.records:
            fail(f"assistant {source_id} is not in this account.")
        original = account.session(source_id)
        names = _chosen_fields(original, only, leave_out)
        values = {name: original.value(name) for name in names if name not in original.unreported}

        def fill(session: EditSession) -> None:
            for name, value in values.items():
                if name in session.fields:
                    session.set(name, value)

        return [Wanted(number, f"assistant {source_id}", fill) for number in targets]

    run_plan(obj, wanted, [source_id, *targets], options=Options(dry_run, yes, force, as_json))


def _chosen_fields(session: EditSession, only: tuple[str, ...], leave_out: tuple[str, ...]) -> list[str]:
    """The settings --only/--except name (a setting by either dialect's name, or a
    group by its title, case-insensitively); identity fields only when --only names them."""
    def names_of(texts: tuple[str, ...], option: str) -> set[str]:
        found: set[str] = set()
        groups = {group.value.lower(): group for group in session.fields.groups}
        for text in (part.strip() for item in texts for part in item.split(",") if part.strip()):
            if text.lower() in groups:
                found.update(field.name for field in session.fields.fields_in(groups[text.lower()]))
                continue
            resolved = session.fields.resolve(text)
            if resolved is None:
                known = ", ".join(sorted(group.value for group in session.fields.groups))
                fail(f"{option}: no setting or group named {shorten(safe_text(text), 40)!r} on this host "
                     f"(groups: {known}; settings: voicedesk fields).")
            found.add(resolved[0].name)
        return found

    every = [field.name for field in session.fields]
    if only:
        chosen = names_of(only, "--only")
        return [name for name in every if name in chosen and name not in names_of(leave_out, "--except")]
    left = names_of(leave_out, "--except") | set(IDENTITY)
    return [name for name in every if name not in left]


@main.command()
@click.argument("first")
@click.argument("second")
@click.option("--json", "as_json", is_flag=True, help="Print the differing fields as JSON.")
@click.pass_obj
def compare(obj: Context, first: str, second: str, as_json: bool) -> None:
    """Show the settings in which two assistants differ. Exit 1 when they differ."""
    from voicedesk.batch import read_account
    from voicedesk.session import same_value

    ids = [assistant_id_arg(first), assistant_id_arg(second)]

    async def work(client: ApiClient, progress: Any) -> Account:
        return await read_account(client, only=ids)

    from voicedesk.cli.common import run

    account = run(obj, work)
    for number in ids:
        if number not in account.records:
            fail(f"assistant {number} is not in this account.")
    one, two = (account.session(number) for number in ids)
    differing = [field.name for field in one.fields
                 if field.name not in one.unreported and field.name not in two.unreported
                 and not same_value(field.name, one.value(field.name), two.value(field.name))]
    if as_json:
        echo_json({"first": ids[0], "second": ids[1],
                   "differ": [_change_json(one, name, one.value(name), two.value(name)) for name in differing]})
    else:
        echo(f"{safe_text(shorten(one.name, 50))} (id {ids[0]})  vs  {safe_text(shorten(two.name, 50))} "
             f"(id {ids[1]}): {len(differing)} setting{'s' if len(differing) != 1 else ''} differ.")
        width = max((len(one.fields[name].update_name) for name in differing), default=0)
        for name in differing:
            echo(f"  {one.fields[name].update_name.ljust(width)}  "
                 f"{format_value(name, one.value(name), one.lookups, width=40)}  |  "
                 f"{format_value(name, two.value(name), two.lookups, width=40)}")
    sys.exit(EXIT_CHANGES if differing else EXIT_OK)


@main.command()
@click.argument("assistant_id")
@click.option("--last", "last", is_flag=True, help="The last save of it (the default).")
@click.option("--entry", "entry_number", type=int, metavar="N",
              help="The Nth save of it, as `voicedesk history ID` numbers them (1 is the oldest).")
@click.option("--at", "at", metavar="TIME", help="The last save at or before TIME (ISO 8601, e.g. 2026-12-03T14:00).")
@click.option("--dry-run", is_flag=True, help="Show the plan; send nothing.")
@click.option("--yes", "-y", is_flag=True, help="Send without asking.")
@click.option("--force", is_flag=True,
              help="Put the values back even where the server changed them after that save.")
@click.option("--json", "as_json", is_flag=True, help="Print the plan and the outcome as JSON.")
@click.pass_obj
def revert(obj: Context, assistant_id: str, last: bool, entry_number: int | None, at: str | None,
           dry_run: bool, yes: bool, force: bool, as_json: bool) -> None:
    """Put back the values from before a save (from this machine's history)."""
    from voicedesk.batch import Wanted
    from voicedesk.history import History, HistoryError

    number = assistant_id_arg(assistant_id)
    if sum(bool(choice) for choice in (last, entry_number is not None, at)) > 1:
        fail("give one of --last, --entry N and --at TIME.")
    try:
        entries = History().entries(number, host=obj.settings.host)
    except HistoryError as error:
        fail(str(error))
    if not entries:
        fail(f"this machine's history has no save of assistant {number} on {safe_text(obj.settings.host)}.")
    if entry_number is not None:
        if not 1 <= entry_number <= len(entries):
            fail(f"--entry {entry_number}: assistant {number} has saves 1 to {len(entries)} "
                 f"(voicedesk history {number}).")
        chosen = entries[entry_number - 1]
    elif at:
        moment = _moment(at)
        earlier = [entry for entry in entries if entry.time <= moment]
        if not earlier:
            fail(f"--at {safe_text(at)}: the first save of assistant {number} is later "
                 f"({entries[0].time.isoformat(timespec='seconds')}).")
        chosen = earlier[-1]
    else:
        chosen = entries[-1]
    if not as_json:
        echo(f"Reverting the save of {chosen.time.isoformat(timespec='seconds')} "
             f"({', '.join(change.field for change in chosen.changes)}).")

    def fill(session: EditSession) -> None:
        from voicedesk.assigning import AssignProblem
        from voicedesk.session import same_value

        moved = []
        for change in chosen.changes:
            if change.field not in session.fields:
                raise AssignProblem(f"{change.field}: this host (dialect {session.fields.dialect.value}) has no "
                                    "such setting; nothing of that save can be put back here.")
            now = session.value(change.field)
            if not force and change.field not in session.unreported and not same_value(change.field, now,
                                                                                       change.after):
                moved.append(f"{session.fields[change.field].update_name} (now "
                             f"{format_value(change.field, now, session.lookups, width=30)})")
            session.set(change.field, change.before)
        if moved:
            raise AssignProblem(f"changed on the server after that save: {', '.join(moved)}; putting it back "
                                "would overwrite that. Pass --force to do it anyway.")

    run_plan(obj, lambda account: [Wanted(number, f"the history ({chosen.time.isoformat(timespec='seconds')})",
                                          fill)], [number], options=Options(dry_run, yes, force, as_json))


def _moment(text: str) -> datetime:
    try:
        moment = datetime.fromisoformat(text.strip())
    except ValueError:
        fail(f"--at: {shorten(safe_text(text), 40)!r} is not a time such as 2026-12-03T14:00 or 2026-12-03.")
    # A time without a zone is the local time, as a person typing it means.
    return moment.astimezone(UTC) if moment.tzinfo else moment.astimezone().astimezone(UTC)


# --- files ---------------------------------------------------------------------------


def load_files(path: Path) -> list[AssistantFile]:
    """Every assistant file of DIR, or FILE: read and checked before the host is asked."""
    from voicedesk.account_files import FileProblem, read_file, read_folder
    from voicedesk.assigning import AssignProblem, check_names_and_types

    if path.is_dir():
        files, problems = read_folder(path)
        for problem in problems:
            echo(f"error: {problem}", err=True)
        if problems:
            fail(f"nothing was sent: fix the {len(problems)} file problem{'s' if len(problems) != 1 else ''} above.")
        if not files:
            fail(f"{safe_text(str(path))} holds no assistant files (.yaml, .yml, .json); `voicedesk pull` makes them.")
    else:
        try:
            files = [read_file(path)]
        except FileProblem as problem:
            fail(str(problem))
    for file in files:
        try:
            check_names_and_types(file.body, str(file.path))
        except AssignProblem as problem:
            fail(str(problem))
    return files


def files_wanted(files: list[AssistantFile], to: tuple[str, ...], own_id: int | None = None,
                 ) -> tuple[Callable[[Account], list[Wanted]], list[int]]:
    """The files' values for their own assistants (`own_id`: the one named on the
    command line instead) or, as a template, for the --to ids."""
    from voicedesk.batch import Wanted

    if own_id is not None:
        files = [replace(file, assistant_id=own_id) for file in files]
    targets = [assistant_id_arg(text) for text in to]
    untargeted = [file for file in files if file.assistant_id is None]
    if untargeted and not targets:
        fail(f"{safe_text(str(untargeted[0].path))} names no assistant: apply it as a template with --to ID...")

    def wanted(account: Account) -> list[Wanted]:
        result = []
        for file in files:
            if file.host and file.host != account.host:
                fail(f"{safe_text(str(file.path))} was pulled from {safe_text(file.host)}, not from "
                     f"{safe_text(account.host)}; use that host's profile (--profile), or apply it with --to.")
            ids: list[int] = targets or ([file.assistant_id] if file.assistant_id is not None else [])
            body = file.body
            if targets:
                body = _without_identity(file, targets)
            for number in ids:
                result.append(Wanted(number, str(file.path), _body_filler(body, str(file.path))))
        return result

    return wanted, targets or [file.assistant_id for file in files if file.assistant_id is not None]


def _without_identity(file: AssistantFile, targets: list[int]) -> dict[str, Any]:
    """A file applied to other assistants (--to) as a template: what identifies the
    assistant it holds (as `copy` leaves out) stays each target's own; said once."""
    from voicedesk.fields import Dialect, catalogue

    identity = {field.update_name for dialect in Dialect for field in catalogue(dialect) if field.name in IDENTITY}
    left_out = sorted(key for key in file.body if key in identity)
    if left_out:
        echo(f"note: {safe_text(str(file.path))}: {', '.join(left_out)} left out: they tell an assistant apart, "
             "so a template does not carry them (set them with `voicedesk set`).", err=True)
    return {key: value for key, value in file.body.items() if key not in identity}


def _body_filler(body: dict[str, Any], where: str) -> Callable[[EditSession], None]:
    from voicedesk.assigning import apply_body

    return lambda session: apply_body(session, body, where)
