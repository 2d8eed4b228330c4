"""Wanted values into an edit session: `FIELD=VALUE` assignments and update bodies
(a file's, named in either dialect). Headless: the CLI's one-assistant commands and
the many-assistant plans (`voicedesk.batch`) both come through here, so a value reads
the same wherever it is typed. A problem raises `AssignProblem`, one line; the session
may hold some of the values by then, so the caller discards it.
"""

from __future__ import annotations

from typing import Any

from voicedesk.session import EditSession


class AssignProblem(Exception):
    """One line saying what cannot be read, and where."""


def assign(session: EditSession, assignments: list[str]) -> None:
    """`FIELD=VALUE` texts as the session's edits."""
    from voicedesk.parsing import ParseError, parse_assignment

    try:
        for text in assignments:
            if text.partition("=")[0].strip() == "end_call_tool.description" and "tools" in session.fields:
                set_end_call_description(session, text.partition("=")[2])
                continue
            name, value = parse_assignment(text, session.fields, session.lookups, session.value)
            session.set(name, value)
    except ParseError as error:
        raise AssignProblem(str(error)) from None


def set_end_call_description(session: EditSession, description: str) -> None:
    """The seed's end_call_tool.description on a 2026 host: the end_call entry of the
    tools list (in place of an older record's bare "end_call", added when there is
    none); the list goes whole, the others unchanged."""
    tools = session.value("tools")
    if tools is None and "tools" in session.read_notes:
        raise AssignProblem("end_call_tool.description: the server's tools could not be read, so they "
                            "cannot be sent whole with this change.")
    tools = [dict(tool) if isinstance(tool, dict) else tool for tool in tools or []]
    index = next((i for i, tool in enumerate(tools) if tool == "end_call"
                  or (isinstance(tool, dict) and tool.get("type") == "end_call")), None)
    if index is None:
        tools.append({"type": "end_call", "description": description})
    elif isinstance(tools[index], dict):
        tools[index]["description"] = description
    else:
        tools[index] = {"type": "end_call", "description": description}
    session.set("tools", tools)


def check_names_and_types(body: dict[str, Any], where: str) -> None:
    """What can be known wrong before the host is asked (its dialect is not known yet):
    a key no dialect has, and a value of the wrong type for a key whose value needs no
    list to read. The rest waits for the session (`apply_body`)."""
    from voicedesk.fields import Dialect, Write, catalogue
    from voicedesk.model import TypeProblem, check_types
    from voicedesk.wire import UnknownKey, from_body

    problems: dict[str, str] = {}
    for dialect in Dialect:
        fields = catalogue(dialect)
        try:
            values = from_body({k: v for k, v in body.items()
                                if (found := fields.resolve(k)) is None or found[1] is Write.SAME}, fields)
            check_types(values, fields)
            return  # a body this dialect can read
        except UnknownKey as error:
            problems.setdefault("unknown", f"{where}: {error}.")
        except TypeProblem as problem:
            problems.setdefault("type", f"{where}: " + "; ".join(
                f"{fields[k].update_name if k in fields else k}: {v}" for k, v in problem.problems.items()) + ".")
    raise AssignProblem(problems.get("type") or problems["unknown"])


def apply_body(session: EditSession, body: dict[str, Any], where: str) -> None:
    """The body's fields, named in either dialect, as the session's edits."""
    from voicedesk.model import TypeProblem, check_types
    from voicedesk.wire import UnknownKey, WriteError, from_body

    end_call = None
    if "end_call_tool" in body and "end_call_tool.description" not in session.fields:
        # The seed's end call tool on a 2026 host: as `set end_call_tool.description=`.
        # (`check_names_and_types` let through only the seed's shape, {"description": ...}.)
        end_call = body.get("end_call_tool")
        if not isinstance(end_call, dict) or not isinstance(end_call.get("description"), str):
            raise AssignProblem(f"{where}: end_call_tool.description: on this host (dialect "
                                f"{session.fields.dialect.value}) it is the end_call entry of tools, and takes text.")
        body = {key: value for key, value in body.items() if key != "end_call_tool"}
    try:
        values = check_types(from_body(body, session.fields, session.lookups), session.fields)
    except UnknownKey as error:
        raise AssignProblem(f"{where}: {error} on this host (dialect {session.fields.dialect.value}). "
                            "See 'voicedesk fields'.") from None
    except WriteError as error:
        raise AssignProblem(f"{where}: {error}{'' if str(error).endswith('.') else '.'}") from None
    except TypeProblem as problem:
        raise AssignProblem(f"{where}: " + "; ".join(
            f"{session.fields[k].update_name if k in session.fields else k}: {v}"
            for k, v in problem.problems.items()) + ".") from None
    if "tools" in values:
        from voicedesk.tools import unmasked

        values["tools"], secret_problem = unmasked(values["tools"], session.value("tools"))
        if secret_problem:
            raise AssignProblem(f"{where}: tools: {secret_problem}.")
    for name, value in values.items():
        session.set(name, value)
    if end_call is not None:
        set_end_call_description(session, end_call["description"])
