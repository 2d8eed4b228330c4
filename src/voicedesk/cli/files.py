"""`voicedesk pull DIR [ID...]`: the account's assistants as a folder of files."""
from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from voicedesk.cli.commands import main
from voicedesk.cli.common import (
    EXIT_ERROR,
    EXIT_OK,
    Context,
    ProgressLine,
    assistant_id_arg,
    echo,
    echo_json,
    fail,
    run,
)

if TYPE_CHECKING:
    from voicedesk.account_files import PulledAssistant, PullReport
    from voicedesk.api import ApiClient


@main.command()
@click.argument("folder", metavar="DIR")
@click.argument("ids", nargs=-1, metavar="[ID...]")
@click.option("--json", "as_json", is_flag=True, help="Print what was written as JSON.")
@click.option("--force", is_flag=True,
              help="Also rewrite files whose settings were edited here since they were pulled (the edits are lost).")
@click.pass_obj
def pull(obj: Context, folder: str, ids: tuple[str, ...], as_json: bool, force: bool) -> None:
    """Write the assistants (all, or those named) as YAML files into DIR, one per assistant.

    A file already holding an assistant is rewritten in place, and only when its text
    changes; one whose settings were edited here keeps them (see --force). Files of
    assistants the account no longer has are reported, never deleted. An ID the account
    does not have writes nothing.
    """
    from voicedesk.account_files import FileProblem, write_folder
    from voicedesk.remote import Stage

    wanted = list(dict.fromkeys(assistant_id_arg(text) for text in ids))
    where = Path(folder)
    if where.exists() and not where.is_dir():
        fail(f"{folder} is not a folder.")
    try:
        where.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        fail(f"cannot create the folder {folder}: {error.strerror or error}.")
    host = obj.settings.host

    async def work(client: ApiClient, progress: ProgressLine) -> tuple[list[int], PullReport | None, list[str]]:
        pulled, account_ids, dialect, unwritable = await _read_account(client, progress, wanted)
        missing = [key for key in wanted if key not in account_ids]
        if missing:
            return missing, None, unwritable

        def on_file(done: int, count: int) -> None:
            progress(Stage.READING, f"Writing the files: {done} of {count}")

        return [], write_folder(where, host, dialect, pulled, account_ids, force=force, on_file=on_file), unwritable

    try:
        missing, report, unwritable = run(obj, work)
    except FileProblem as problem:
        fail(f"{problem}; nothing more was written.")
    if report is None:
        names = ", ".join(str(key) for key in missing)
        fail(f"the account has no assistant {names}; nothing was written.")
    _tell(report, unwritable, as_json)
    sys.exit(EXIT_ERROR if report.problems or unwritable else EXIT_OK)


async def _read_account(
    client: ApiClient, progress: ProgressLine, wanted: list[int]
) -> tuple[list[PulledAssistant], set[int], str, list[str]]:
    """The list (read once) and the lookups (once); each wanted record as a body, and
    what keeps the others from being written."""
    from voicedesk.batch import read_account
    from voicedesk.remote import Stage, session_for
    from voicedesk.wire import WriteError

    def on_page(read: int, pages: int) -> None:
        progress(Stage.READING, f"Reading the list of assistants: page {read} of {pages}")

    progress(Stage.READING, "Reading the list of assistants")
    account = await read_account(client, on_page=on_page)  # the list once, the lookups alongside
    records = sorted(account.records.values(), key=lambda record: (account.page_of[record["id"]], record["id"]))
    lookup_result = account.lookup_result
    for name, error in lookup_result.failures.items():
        echo(f"warning: could not load {name}: {error.message}", err=True)
    decision = lookup_result.dialect
    if decision is not None and not decision.reason.startswith(("detected", "set by")):
        echo(f"warning: speaking {decision}.", err=True)
    account_ids = {record["id"] for record in records}
    chosen = set(wanted)
    pulled = []
    unwritable = []
    dialect = ""
    for record in records:
        if chosen and record["id"] not in chosen:
            continue
        session = session_for(record["id"], record, lookup_result)
        dialect = session.fields.dialect.value
        try:
            pulled.append(_pulled(session))
        except WriteError as error:
            unwritable.append(f"assistant {record['id']} was not written: {error}")
    return pulled, account_ids, dialect or (decision.dialect.value if decision else "2025"), unwritable


def _pulled(session: Any) -> PulledAssistant:
    """What `show ID --json` prints (every reported setting, secrets masked), and the rest."""
    from voicedesk.account_files import PulledAssistant, without_secrets
    from voicedesk.cli.commands import _masked
    from voicedesk.wire import to_body

    known = {name: value for name, value in session.baseline.items() if name not in session.unreported}
    return PulledAssistant(session.assistant_id, session.name,
                           _masked(to_body(known, session.fields, session.lookups)),
                           without_secrets(session.read_only))


def _tell(report: PullReport, unwritable: list[str], as_json: bool) -> None:
    if as_json:
        def rows(items: list[tuple[int, Path]]) -> list[dict[str, Any]]:
            return [{"id": key, "path": str(path)} for key, path in items]

        echo_json({"written": rows(report.written), "unchanged": rows(report.unchanged),
                   "kept": rows(report.kept), "gone": rows(report.gone),
                   "problems": [{"path": str(p.path), "id": p.assistant_id, "error": str(p)}
                                for p in report.problems],
                   "not_written": unwritable})
        return
    for key, path in report.kept:
        echo(f"kept: {path}: edited here since it was pulled, and assistant {key} on the server differs; "
             "apply or undo the edit first (or pull --force to overwrite it).", err=True)
    for key, path in report.gone:
        echo(f"note: {path}: the account has no assistant {key} any more; the file is left as it is.", err=True)
    for problem in report.problems:
        echo(f"error: {problem}", err=True)
    for message in unwritable:
        echo(f"error: {message}", err=True)
    echo(f"{_count(report.written, 'file')} written, {len(report.unchanged)} unchanged"
         + (f", {len(report.kept)} kept with edits" if report.kept else "") + ".")


def _count(items: list[Any], noun: str) -> str:
    return f"{len(items)} {noun}{'' if len(items) == 1 else 's'}"
