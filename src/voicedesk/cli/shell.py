"""voicedesk in a shell: `completion` (the script a shell sources to complete commands,
options, assistant ids, field names and values) and `locate` (where every file is)."""
from __future__ import annotations

from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import click
from click.shell_completion import (
    BashComplete,
    CompletionItem,
    FishComplete,
    ShellComplete,
    ZshComplete,
    add_completion_class,
)

from voicedesk.cli.commands import main
from voicedesk.cli.common import Context, echo, echo_json

SHELLS = {"bash": BashComplete, "zsh": ZshComplete, "fish": FishComplete}
COMPLETE_VAR = "_VOICEDESK_COMPLETE"


@main.command()
@click.argument("shell", type=click.Choice(sorted(SHELLS)))
def completion(shell: str) -> None:
    """Print the shell's completion script. Load it in your shell's startup file:

    \b
    bash: eval "$(voicedesk completion bash)"    (in ~/.bashrc)
    zsh:  eval "$(voicedesk completion zsh)"     (in ~/.zshrc)
    fish: voicedesk completion fish | source     (in ~/.config/fish/config.fish)

    It completes commands, options, field names after `set ID`, a field's choices
    after FIELD=, and the assistant ids a command of the last hour saw in the list
    (completion never asks the host).
    """
    echo(SHELLS[shell](main, {}, "voicedesk", COMPLETE_VAR).source())


@main.command()
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of a table.")
@click.pass_obj
def locate(obj: Context, as_json: bool) -> None:
    """Where voicedesk keeps its files, and which of them exist
    (VOICEDESK_CONFIG_DIR and VOICEDESK_STATE_DIR move them)."""
    from voicedesk import known_dialects, known_ids, preferences
    from voicedesk.drafts import DraftStore
    from voicedesk.history import History
    from voicedesk.pagehints import PageHints
    from voicedesk.paths import state_dir
    from voicedesk.settings import config_path

    history = History()
    places: list[tuple[str, Path]] = [
        ("config", config_path()),
        ("state", state_dir()),
        ("drafts", DraftStore().directory),
        ("history", history.path),
        ("unconfirmed saves", history.unconfirmed_dir),
        ("page hints", PageHints().path),
        ("known dialects", known_dialects.file_path()),
        ("preferences", preferences.file_path()),
        ("assistant ids", known_ids.file_path()),
    ]
    if obj.log_file is not None:
        places.append(("log file", obj.log_file))
    if as_json:
        echo_json([{"what": what, "path": str(path.absolute()), "exists": path.exists()} for what, path in places])
        return
    width = max(len(what) for what, _ in places)
    for what, path in places:
        echo(f"{what.ljust(width)}  {path.absolute()}{'' if path.exists() else '  (not there yet)'}")


# -- completion -------------------------------------------------------------------------

class _AssistantIds(click.types.StringParamType):
    """Text, as before; completed from the ids a recent run saw in the list."""

    def shell_complete(self, ctx: click.Context, param: click.Parameter, incomplete: str) -> list[CompletionItem]:
        return _id_items(ctx, incomplete)


class _Assignments(click.types.StringParamType):
    """`set [ID...] FIELD=VALUE...`: assistant ids until the first FIELD=, then fields
    and their values, completed from the catalogue of the host's dialect."""

    def shell_complete(self, ctx: click.Context, param: click.Parameter, incomplete: str) -> list[CompletionItem]:
        if "=" in incomplete:  # zsh, fish: the whole word, FIELD=VAL
            name, _, value = incomplete.partition("=")
            return [CompletionItem(f"{name}={choice}") for choice in _values(ctx, name, value)]
        words = [str(word) for word in (ctx.params.get(param.name or "") or ())]
        # bash splits FIELD=VAL at "=": the field is an earlier word, the value this one.
        before = [word for word in words if word != "="]
        if before and "=" not in before[-1] and _field(ctx, before[-1]) is not None:
            return [CompletionItem(choice) for choice in _values(ctx, before[-1], incomplete)]
        fields = [CompletionItem(f"{name}=") for name in _field_names(ctx) if name.startswith(incomplete)]
        if all(word.isdigit() for word in words):
            return _id_items(ctx, incomplete) + fields
        return fields


# Which arguments complete what: by (command, argument), "*" for any command. Covers
# the single-assistant commands and those for many (set ID..., copy, compare, pull).
COMPLETERS: dict[tuple[str, str], type[click.types.StringParamType] | click.types.StringParamType] = {
    ("*", "assistant_id"): _AssistantIds,
    ("pull", "ids"): _AssistantIds,
    ("copy", "source"): _AssistantIds,
    ("copy", "destinations"): _AssistantIds,
    ("compare", "first"): _AssistantIds,
    ("compare", "second"): _AssistantIds,
    ("set", "arguments"): _Assignments,
}


def _attach(group: click.Group) -> None:
    """Give the commands' text arguments their completions (see COMPLETERS)."""
    for name, command in group.commands.items():
        for param in command.params:
            if not isinstance(param, click.Argument) or type(param.type) is not click.types.StringParamType:
                continue
            found = COMPLETERS.get((name, param.name or "")) or COMPLETERS.get(("*", param.name or ""))
            if found is not None:
                param.type = found() if isinstance(found, type) else found


def _id_items(ctx: click.Context, incomplete: str) -> list[CompletionItem]:
    return [CompletionItem(str(i)) for i in _cached_ids(ctx) if str(i).startswith(incomplete)]


def _completing(base: type[ShellComplete]) -> type[ShellComplete]:
    """The shell's completion, with the arguments' completions attached, and never a
    traceback: whatever goes wrong completes nothing."""

    class Completing(base):  # type: ignore[valid-type,misc]
        def get_completions(self, args: list[str], incomplete: str) -> list[CompletionItem]:
            try:
                if isinstance(self.cli, click.Group):
                    _attach(self.cli)
                found = list(super().get_completions(args, incomplete))
                return found + _global_options(self.cli, args, incomplete, {item.value for item in found})
            except Exception:  # noqa: BLE001 - a shell's tab key must never print a traceback
                return []

    Completing.__name__ = base.__name__
    return Completing


for _name, _base in SHELLS.items():
    add_completion_class(_completing(_base), _name)


def _global_options(
    cli: click.Command, args: list[str], incomplete: str, offered: set[str]
) -> list[CompletionItem]:
    """After a command, the group's own options too (they may follow it)."""
    if not incomplete.startswith("-") or "--" in args:
        return []
    names = [name for param in cli.params if isinstance(param, click.Option) and not param.hidden
             for name in param.opts if name.startswith("--")]
    return [CompletionItem(name) for name in names if name.startswith(incomplete) and name not in offered]


def _root_params(ctx: click.Context) -> dict[str, Any]:
    return ctx.find_root().params


def _host(ctx: click.Context) -> str | None:
    """The host the command line names, from the options, variables and config file (no
    request, no prompt); None when that does not say."""
    from voicedesk.cli.common import DEMO_LABEL
    from voicedesk.settings import Given, SettingsError, resolve

    params = _root_params(ctx)
    if params.get("demo"):
        return DEMO_LABEL
    given = Given(params.get("base_url"), params.get("api_key"), params.get("api_key_file"), params.get("timeout"),
                  params.get("dialect"), params.get("profile"), bool(params.get("insecure")))
    try:
        return resolve(given)[0].host
    except (SettingsError, OSError, ValueError):
        # No key, say: the host the command line names is enough to complete its ids.
        return urlsplit(given.base_url).netloc or None if given.base_url else None


def _cached_ids(ctx: click.Context) -> list[int]:
    from voicedesk import known_ids

    host = _host(ctx)
    return [] if host is None else known_ids.recalled(host)


def _dialects(ctx: click.Context) -> list[Any]:
    """The dialect the command line sets, else the one the host spoke last time, else both."""
    from voicedesk import known_dialects
    from voicedesk.fields import Dialect

    chosen = _root_params(ctx).get("dialect")
    if chosen in ("2025", "2026"):
        return [Dialect(chosen)]
    host = _host(ctx)
    known = known_dialects.recalled(host) if host else None
    return [known] if known else [Dialect.D2026, Dialect.D2025]


def _field_names(ctx: click.Context) -> list[str]:
    from voicedesk.fields import catalogue

    names: dict[str, None] = {}
    for dialect in _dialects(ctx):
        names.update(dict.fromkeys(field.update_name for field in catalogue(dialect)))
    return list(names)


def _field(ctx: click.Context, name: str) -> tuple[Any, Any] | None:
    from voicedesk.fields import catalogue

    for dialect in _dialects(ctx):
        found = catalogue(dialect).resolve(name)
        if found is not None:
            return found
    return None


def _values(ctx: click.Context, name: str, typed: str) -> list[str]:
    """The values FIELD takes from a fixed list, beginning with what is typed."""
    from voicedesk.fields import Kind, Lookup, Write

    found = _field(ctx, name)
    if found is None:
        return []
    field, shape = found
    if shape is Write.DIRECTION:
        values = ["inbound", "outbound"]
    elif shape is Write.WAIT_FOR_CUSTOMER or field.kind is Kind.BOOLEAN:
        values = ["true", "false"]
    elif field.kind is Kind.CHOICE:
        values = [choice.value for choice in field.choices]
    elif field.lookup is Lookup.TIMEZONES:
        import zoneinfo

        values = sorted(zoneinfo.available_timezones())
    else:
        values = []
    if field.nullable:
        values.append("null")
    return [value for value in values if value.startswith(typed)]
