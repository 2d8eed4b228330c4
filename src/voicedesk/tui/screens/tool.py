"""One built-in tool in a screen of its own: its type's fields, each with its control,
required ones marked, each field's problem under it (`tools.field_problem`).

Every edit goes back to the tools list at once, and so to the form and the draft;
ctrl+z on the list undoes the whole visit. Only fields the user edits change: the
others, and fields voicedesk does not know, stay exactly as stored. The Cal.com key is
never shown: its box starts empty, and stays the stored key unless a new one is typed.
An entry of a type voicedesk does not know is shown as JSON, read only.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import Input, Static, Switch

from voicedesk.display import safe_text, shorten
from voicedesk.tools import SECRET_FIELDS, ToolField, field_problem, masked, spec_of
from voicedesk.tui.widgets import ExactInput, JsonValueEditor, KeyBar, OnOffSwitch, SearchSelect

if TYPE_CHECKING:
    from voicedesk.tui.app import VoicedeskApp

_NOT_SET = "not set"


_WORDS = {"calcom": "Cal.com", "api": "API", "id": "ID", "sip": "SIP"}


def _label(field: ToolField) -> str:
    words = [_WORDS.get(word, word) for word in field.name.split("_")]
    text = " ".join(words)
    text = text[0].upper() + text[1:]
    if field.minimum is not None and field.maximum is not None:
        text += f"  ({field.minimum}-{field.maximum})"
    elif field.max_length is not None:
        text += f"  (up to {field.max_length} characters)"
    return text + ("  * required" if field.required else "")


@dataclass(frozen=True)
class ToolOutcome:
    """How the tool screen was left; every edit was handed over by then (`keep`)."""

    review: bool  # ctrl+s: go on to the review


class ToolScreen(Screen[ToolOutcome]):
    """Entry `number` of `count` in the tools list; each edit of it goes to `keep`."""

    HELP_NAME = "a built-in tool"  # what F1 calls it

    app: VoicedeskApp

    BINDINGS = [
        Binding("escape", "done", "Back to the form"),
        Binding("ctrl+s", "review", "Review & save", priority=True),
        # Not ctrl+z: in a text field that is the text's own undo.
        Binding("ctrl+o", "revert", "Revert tool", priority=True),
    ]

    def __init__(self, tool: Any, number: int, count: int, keep: Callable[[Any], None]) -> None:
        super().__init__()
        self.number, self.count = number, count
        self._keep = keep
        self.tool: Any = copy.deepcopy(tool)
        self._stored = copy.deepcopy(tool)  # as it was when the screen opened
        self.spec = spec_of(self.tool)
        self._controls: dict[str, Widget] = {}
        self._messages: dict[str, Static] = {}
        self._control_problems: dict[str, str] = {}  # what only a control sees (JSON that does not parse)
        self._first: dict[str, Any] = {}  # what each control showed first (see on_mount)

    def compose(self) -> ComposeResult:
        self._controls, self._messages = {}, {}
        number, count = self.number, self.count
        if self.spec is None:
            what = "not a tool object" if not isinstance(self.tool, dict) else \
                f"{shorten(safe_text(str(self.tool.get('type'))), 40)}, a type voicedesk does not know"
        else:
            what = f"{self.spec.label} ({self.spec.type})"
        yield Static(f"Built-in tool {number} of {count}: {what}  ·  Escape returns to the form",
                     id="tool-title", markup=False)
        with VerticalScroll(id="tool-fields"):
            if self.spec is None:
                yield Static("Kept exactly as the server stored it, and sent back unchanged. In the list it "
                             "can be moved or removed.", classes="tool-note", markup=False)
                # A secret's name is known whatever the type: masked here too.
                yield JsonValueEditor(masked([self.tool])[0], id="tool-json", read_only=True)
            else:
                for field in self.spec.fields:
                    yield Static(_label(field), classes="tool-label", markup=False)
                    control = self._control(field)
                    self._controls[field.name] = control
                    yield control
                    message = Static("", classes="field-message -error", markup=False)
                    self._messages[field.name] = message
                    yield message
                known = {field.name for field in self.spec.fields} | {"type"}
                others = [safe_text(str(key)) for key in self.tool if key not in known]
                if others:
                    yield Static(f"Also stored on this tool, and sent back as it is: {', '.join(others)}.",
                                 classes="tool-note", markup=False)
        yield KeyBar()

    def _control(self, field: ToolField) -> Widget:
        value = self.tool.get(field.name)
        control_id = f"tool-{field.name}"
        if field.name in SECRET_FIELDS:
            # Never on screen: empty means "keep the stored one".
            kept = value not in (None, "")
            return ExactInput("", password=True, compact=True, id=control_id,
                              placeholder="kept: type a new key to replace it" if kept else "not set")
        if field.kind == "bool":
            return OnOffSwitch(bool(value), id=control_id)  # says On or Off in words
        if field.kind == "choice":
            return SearchSelect([(choice, choice) for choice in field.choices], value, id=control_id,
                                title=field.name, allow_none=_NOT_SET)
        if field.kind == "list":
            return JsonValueEditor(value, id=control_id, placeholder="not set (a JSON list)")
        text = "" if value is None else value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
        placeholder = f"{field.minimum}-{field.maximum}" if field.minimum is not None else (
            "an id" if field.kind == "id" else _NOT_SET)
        return ExactInput(text, compact=True, id=control_id, placeholder=placeholder,
                          type="integer" if field.kind in ("int", "id") else "text")

    def _shown(self, control: Widget) -> Any:
        """What a control shows now, to compare with what it showed first."""
        if isinstance(control, (ExactInput, JsonValueEditor)):
            return control.exact
        return control.value  # type: ignore[attr-defined]

    def on_mount(self) -> None:
        self._ready()

    def _ready(self) -> None:
        # A control showing what it showed first stands for the stored value, exactly
        # (a number stored in a text field stays a number, an id "7" stays "7").
        self._first = {name: self._shown(control) for name, control in self._controls.items()}
        self._show_problems()
        first = next(iter(self._controls.values()), None) or self.query_one("#tool-json")
        first.focus()
        for name, control in self._controls.items():
            if isinstance(control, (Switch, SearchSelect)):
                self.watch(control, "value", self._watcher(name), init=False)

    def _watcher(self, name: str) -> Callable[[Any], None]:
        return lambda value: self._edited(name, value)

    def _untouched(self, name: str) -> bool:
        return self._shown(self._controls[name]) == self._first.get(name)

    # --- editing ---------------------------------------------------------------------

    def _field(self, name: str) -> ToolField:
        assert self.spec is not None
        return next(field for field in self.spec.fields if field.name == name)

    @on(Input.Changed)
    def _typed(self, event: Input.Changed) -> None:
        event.stop()
        control = event.input
        assert isinstance(control, ExactInput) and control.id
        name = control.id.removeprefix("tool-")
        text = control.exact
        field = self._field(name)
        self._control_problems.pop(name, None)
        if name in SECRET_FIELDS:
            self._edited(name, text or None)
        elif field.kind in ("int", "id") and text.strip():
            # Not a number ("-"): kept as typed, and flagged by the tool's own rules.
            number = text.strip()
            self._edited(name, int(number) if number.lstrip("-").isdigit() and number.isascii() else text)
        else:
            self._edited(name, text or None)

    @on(JsonValueEditor.Edited)
    def _json_edited(self, event: JsonValueEditor.Edited) -> None:
        event.stop()
        assert event.editor.id
        name = event.editor.id.removeprefix("tool-")
        self._control_problems.pop(name, None)
        if event.problem is not None:
            self._control_problems[name] = f"is {event.problem}."
            self._show_problems()
            return
        self._edited(name, event.value)

    def _edited(self, name: str, value: Any) -> None:
        """A field's new value; None: not set (the key goes, unless it was stored empty).
        A control back to what it first showed gives the stored value back (the secret's
        empty box: the stored key)."""
        if name not in self._first:
            return  # a control's own first Changed, before the screen is mounted
        stored = self._stored.get(name)
        if self._untouched(name) or (value is None and name in self._stored and stored in (None, "")):
            if name in self._stored:
                self.tool[name] = stored
            else:
                self.tool.pop(name, None)
        elif value is None:
            self.tool.pop(name, None)
        else:
            self.tool[name] = value
        self._keep(self.tool)
        self._show_problems()

    def _show_problems(self) -> None:
        if self.spec is None:
            return
        for field in self.spec.fields:
            problem = self._control_problems.get(field.name) or field_problem(field, self.tool.get(field.name))
            message = self._messages[field.name]
            message.update(f"{field.name} {problem}" if problem else "")
            message.display = bool(problem)

    async def action_revert(self) -> None:
        """The tool as it was when the screen opened (ctrl+z on the list then undoes the
        whole visit as before)."""
        await self.app.settle()
        if self.tool == self._stored and not self._control_problems:
            self.notify("This tool is unchanged.", timeout=2)
            return
        self.tool = copy.deepcopy(self._stored)
        self._control_problems.clear()
        self._first = {}  # the new controls' first Changed are no edits
        self._keep(self.tool)
        await self.recompose()
        self._ready()
        self.notify("Reverted this tool.", timeout=2)

    # --- leaving ---------------------------------------------------------------------

    def _unfinished(self) -> bool:
        """Whether some text cannot be taken yet (JSON that does not parse): leaving would
        drop it, so the screen stays and says so."""
        for name, problem in self._control_problems.items():
            self.notify(f"{name} {problem} Fix it, or clear it, before leaving.", severity="warning",
                        markup=False, timeout=6)
            self._controls[name].focus()
            return True
        return False

    async def action_done(self) -> None:
        await self.app.settle()
        if self._unfinished():
            return
        self.dismiss(ToolOutcome(review=False))

    async def action_review(self) -> None:
        await self.app.settle()
        if self._unfinished():
            return
        self.dismiss(ToolOutcome(review=True))
