"""The editor: the catalogue's groups as a sidebar, one form per group, built lazily.

The screen lays out and loads; once the assistant is loaded, its units do the rest (see
`voicedesk.tui.editing`): the draft keeper, the save flow, the state painter. Until then
the actions that need them are disabled (`check_action`), which the key bar shows.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from textual import on, work
from textual.app import ComposeResult, SystemCommand
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import Screen
from textual.widgets import ContentSwitcher, LoadingIndicator, Static

from voicedesk.api import ApiError
from voicedesk.display import plural, safe_text
from voicedesk.drafts import DraftStore
from voicedesk.fields import GROUPS, SETTINGS, Catalogue, Dialect, Group, Kind, catalogue
from voicedesk.remote import Finding, LookupResult, load_providers, pages_read, session_for
from voicedesk.session import EditSession, same_value
from voicedesk.tui.editing.draft_keeper import DraftKeeper
from voicedesk.tui.editing.questions import DISCARD, REVIEW_AND_SAVE, going_question, revert_all_question
from voicedesk.tui.editing.save_flow import SaveFlow
from voicedesk.tui.editing.state import StatePainter
from voicedesk.tui.form import FieldRow, RowHead, TextPreview
from voicedesk.tui.messages import ScreenComplete, ScreenReady
from voicedesk.tui.textual_private import being_removed
from voicedesk.tui.widgets import (
    ExactInput,
    ExactTextArea,
    GroupList,
    KeyBar,
    KeyValueEditor,
    PhraseEditor,
    SchemaEditor,
    ToolEditor,
)

if TYPE_CHECKING:
    from voicedesk.history import HistoryEntry
    from voicedesk.tui.app import VoicedeskApp

# After the editor is ready, the other groups' forms are built one by one while the
# user reads the first, so that a first visit costs what a revisit does.
BUILD_AHEAD_DELAY = 0.05  # seconds after ready: the first group is drawn by then
BUILD_AHEAD_GAP = 0.02  # between two groups: the keyboard is served in between

# Rows whose choices depend on another field's value.
_OPTIONS_DEPEND_ON = {"engine_type": "voice_id", "calls_direction": "phone_number_id"}

# The actions that work on the loaded assistant: disabled (and dimmed in the key bar)
# until it is.
_NEED_THE_ASSISTANT = frozenset({
    "review", "find", "revert_field", "revert_all", "next_group", "history", "reload_lists", "undo", "redo",
    "copy_value",
})


def _group_id(group: Group) -> str:
    return "group-" + group.name.lower()


def _is_typed(row: FieldRow) -> bool:
    """Whether the row's control is typed into (a text, a table's cells, the tools list,
    a text edited in its own screen): its edits are one step of the editor's undo for as
    long as the focus stays where it is. Every other control's edit is a step of its own."""
    return isinstance(row.control, (ExactInput, ExactTextArea, TextPreview, ToolEditor, KeyValueEditor,
                                    SchemaEditor, PhraseEditor))


@dataclass(frozen=True)
class Editing:
    """What exists once the assistant is loaded."""

    session: EditSession
    drafts: DraftKeeper
    saving: SaveFlow
    painter: StatePainter


class EditorScreen(Screen[None]):
    HELP_NAME = "the editor"  # what F1 calls it
    app: VoicedeskApp

    # The colours its rows draw their bars and heads in (see FieldRow and RowHead).
    COMPONENT_CLASSES = set(FieldRow.BAR_CLASSES | RowHead.COLOUR_CLASSES)

    # The key bar leaves out keys from the right when it is narrow: most important first.
    BINDINGS = [
        Binding("ctrl+s", "review", "Review & save", priority=True, id="editor.review"),
        Binding("ctrl+f", "find", "Find field", priority=True, id="editor.find"),
        Binding("slash", "find", "Find field", show=False),
        Binding("escape", "leave", "Assistants", id="editor.leave"),
        Binding("ctrl+o", "revert_field", "Revert field", priority=True, id="editor.revert_field"),
        Binding("ctrl+r", "revert_all", "Revert all", priority=True, id="editor.revert_all"),
        # Not priority: a text control's own undo goes first, and hands the key on when
        # it has nothing left (see voicedesk.journal).
        Binding("ctrl+z", "undo", "Undo", show=False, id="editor.undo"),
        Binding("ctrl+y,ctrl+shift+z", "redo", "Redo", show=False, id="editor.redo"),
        # F6 moves between panes in many programs and every terminal sends it; the
        # ctrl+page keys are lost by some (macOS Terminal, some SSH clients).
        Binding("f6,ctrl+pagedown", "next_group(1)", "Next group", show=False, priority=True,
                id="editor.next_group"),
        Binding("shift+f6,ctrl+pageup", "next_group(-1)", "Previous group", show=False, priority=True,
                id="editor.previous_group"),
        Binding("f4", "outside", "$EDITOR", id="editor.outside"),
        Binding("ctrl+g", "copy_value", "Copy value", show=False, id="editor.copy_value"),
        Binding("ctrl+t", "copy_id", "Copy id", show=False, id="editor.copy_id"),
        Binding("r", "retry_load", "Retry", show=False),
    ]

    def __init__(
        self,
        assistant_id: int,
        record: dict[str, Any] | None = None,
        lookups: asyncio.Task[LookupResult] | None = None,
        reading: Finding | None = None,
    ) -> None:
        super().__init__()
        self.assistant_id = assistant_id
        self._record = record  # from the picker's list, when opened from there
        # The lists and the assistant's read, requested before this screen was built: its
        # first load takes them as they come, failed or not (a retry asks again).
        self._early_lookups = lookups
        self._early_reading = reading
        self._loading: asyncio.Task[list[Any]] | None = None  # the reads of a load, until they end
        self._editing: Editing | None = None  # from when the assistant is loaded
        self.rows: dict[str, FieldRow] = {}
        self._marked_row: FieldRow | None = None  # the row that shows the focus
        self._redraw_on_resume: set[FieldRow] = set()  # edited while another screen was on top
        self.ready = False  # loaded, first group shown, taking input
        self._builds: dict[Group, asyncio.Task[None]] = {}  # forms built or being built
        # The providers of the assistant's language, being loaded: rows offering them are
        # built after it ends (see `_load_providers`).
        self._providers: asyncio.Task[None] | None = None
        self.drafts = DraftStore()

    # --- layout ------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        yield Static(f"Assistant #{self.assistant_id}  ·  {self.app.settings.heading}", id="editor-title", markup=False)
        with Horizontal(id="editor-body"):
            # Disabled until the assistant is loaded (set here: toggled, it is restyled).
            yield GroupList([group.value for group in GROUPS], hint="f6 next group", id="groups", disabled=True)
            # Each group's form joins the switcher when it is built: Textual restyles a new
            # screen's widgets twice more after mounting them (on its resume, and for the
            # width class on its first resize), so the fewer it holds then, the better.
            with ContentSwitcher(id="forms", initial="editor-loading"):
                with Vertical(id="editor-loading"):
                    yield LoadingIndicator()
                    yield Static(f"Loading assistant #{self.assistant_id}…", id="loading-message", markup=False)
        yield Static("", id="status", markup=False)
        yield KeyBar()

    def on_mount(self) -> None:
        # The rows draw their own focus marks (see FieldRow), in the frame of the move.
        self.watch(self, "focused", self._mark_focused_row, init=False)
        self.app.theme_changed_signal.subscribe(self, lambda _theme: self._repaint_bars())
        self.load()

    @property
    def loaded(self) -> bool:
        """Whether the assistant is loaded (and `session`, `editing` exist)."""
        return self._editing is not None

    @property
    def session(self) -> EditSession:
        """The assistant being edited, once it is loaded."""
        return self.editing.session

    @property
    def editing(self) -> Editing:
        """For what runs only once the assistant is loaded (see `check_action`)."""
        assert self._editing is not None, "the assistant is not loaded yet"
        return self._editing

    @property
    def fields(self) -> Catalogue:
        """The host's settings: the session's dialect (the seed's until it is loaded)."""
        return self._editing.session.fields if self._editing is not None else catalogue()

    @property
    def groups(self) -> tuple[Group, ...]:
        return self.fields.groups

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in _NEED_THE_ASSISTANT:
            return self._editing is not None or None
        if action == "retry_load":
            return self._editing is None and self._loading is None
        if action == "outside":  # long texts only: offered where the focus is on one
            row = self.focused_row()
            return self._editing is not None and row is not None and row.field.kind is Kind.LONG_TEXT
        return True

    def on_unmount(self) -> None:
        # Its callback holds this screen: subscribed, the app's signal would keep it alive.
        self.app.theme_changed_signal.unsubscribe(self)
        if self._editing is not None:
            self._editing.drafts.close()

    # --- loading -----------------------------------------------------------------------

    @work(exclusive=True, group="load")
    async def load(self) -> None:
        message = self.query_one("#loading-message", Static)
        message.update(f"Loading assistant #{self.assistant_id}…")
        if not self.query(LoadingIndicator):  # a retry
            await self.query_one("#editor-loading").mount(LoadingIndicator(), before=message)
        lookups, self._early_lookups = self._early_lookups or self.app.lookups(), None
        finding, self._early_reading = self._early_reading, None
        record_read = None
        if self._record is None:
            finding = finding or Finding(self.app.client, self.assistant_id)
            finding.on_page = self._show_pages_read
            record_read = finding.task

        async def read() -> list[Any]:
            # Shielded: the lists are the app's, shared with other screens; stopping this
            # load must not stop them.
            return await asyncio.gather(asyncio.shield(lookups), *filter(None, [record_read]))

        reads = self._loading = asyncio.create_task(read())
        self.refresh_bindings()
        try:
            await asyncio.wait({reads})  # Escape cancels the reads (see action_leave)
        finally:
            reads.cancel()  # a no-op unless this worker itself was cancelled
            self._loading = None
            self.refresh_bindings()
        if being_removed(self):  # the app closed while the reads were under way
            return
        problem = None
        if reads.cancelled():
            problem = f"Stopped loading assistant #{self.assistant_id}."
        else:
            try:
                lookup_result, *found = reads.result()
            except ApiError as error:
                problem = error.message
        if problem is not None:
            self._stop_loading_indicator()
            message.update(f"{problem}\n\nPress r to retry, Escape for the list of assistants.")
            message.set_class(not reads.cancelled(), "-error")
            self.post_message(ScreenReady())
            return
        record = found[0] if found else self._record
        assert record is not None  # read above when the picker gave none
        for name, failure in lookup_result.failures.items():
            self.notify(
                f"Could not load the {name}: {failure.message} Those fields take a typed id or name "
                "(unverified); 'Reload lists' in the palette (ctrl+p) tries again.",
                title="Lists not loaded", severity="warning", markup=False, timeout=8,
            )
        self._editing = self._units(session_for(self.assistant_id, record, lookup_result))
        self.refresh_bindings()
        self._providers = asyncio.create_task(self._load_providers())
        self._show_title()
        groups = self.query_one("#groups", GroupList)
        if self.groups != GROUPS:
            groups.set_labels(group.value for group in self.groups)
        groups.disabled = False
        groups.highlighted = 0
        await self.show_group(self.groups[0])
        self.refresh_state()
        first = next(iter(self.rows.values()))
        first.focus_control()
        self.ready = True
        self.post_message(ScreenReady())
        self.call_after_refresh(self._stop_loading_indicator)
        self.set_timer(BUILD_AHEAD_DELAY, self._build_ahead)
        await self.editing.drafts.offer_left_behind()

    def _units(self, session: EditSession) -> Editing:
        drafts = DraftKeeper(self.app, session, self.drafts, self.reload_rows)
        painter = StatePainter(session, session.fields, self.rows, self.problems,
                               self.query_one("#groups", GroupList), self.query_one("#status", Static))
        saving = SaveFlow(self.app, session, drafts, self.problems, self.reload_rows, self.refresh_state)
        return Editing(session, drafts, saving, painter)

    def _show_pages_read(self, read: int, pages: int) -> None:
        if read > 1:  # a scan: more than the first page (or the one that was remembered)
            doing = f"Looking for assistant #{self.assistant_id} in the list"
            self.query_one("#loading-message", Static).update(
                f"{pages_read(doing, read, pages)}…\n\nEscape stops."
            )

    def _stop_loading_indicator(self) -> None:
        # Hidden, it would still wake the app 16 times a second for as long as it exists.
        self.query(LoadingIndicator).remove()

    def action_retry_load(self) -> None:
        self.query_one("#loading-message", Static).remove_class("-error")
        self.app.lookups(reload=True)
        self.load()

    def _show_title(self) -> None:
        session = self.session
        title = (f"{safe_text(session.name)}  ·  #{self.assistant_id}  ·  {self.app.settings.heading}"
                 f"  ·  dialect {session.fields.dialect.value}")
        self.query_one("#editor-title", Static).update(title)

    # --- what the app asks of a screen with unsaved work (see tui.app.HoldsUnsavedWork) --

    @property
    def unsaved(self) -> tuple[int, str] | None:
        """How many unsaved changes, to which assistant; None without any."""
        if self._editing is None or not self._editing.session.dirty:
            return None
        return len(self._editing.session.dirty), self._editing.session.name

    def write_draft_now(self) -> None:
        """On a hang-up or kill signal: whatever is pending goes to disk at once. Safe at
        any moment (before the editor has loaded there is nothing to write); raises
        DraftError when the disk refuses."""
        if self._editing is not None:
            self._editing.drafts.write_now()

    @work(exclusive=True, group="ask")
    async def ask_before_quit(self) -> None:
        if await self._may_go("Quit"):
            self.app.exit(0)

    async def _may_go(self, going: str) -> bool:
        """Before quitting or leaving with unsaved changes (see `going_question`).
        "Review and save" goes through the review (nothing is sent unseen) and goes on
        only once it sent; "Discard" drops the draft."""
        answer = await self.app.push_screen_wait(going_question(self.session, going))
        if answer == DISCARD:
            self.editing.drafts.forget()
            return True
        if answer == REVIEW_AND_SAVE:
            outcome = await self.app.review(self.editing.saving)
            if outcome.go_to is not None:
                await self.focus_field(outcome.go_to)
            return outcome.sent and not self.session.dirty
        return False

    # --- groups ------------------------------------------------------------------------

    def _build(self, group: Group) -> asyncio.Task[None]:
        """The build of a group's rows: started once, awaited by whoever needs the form."""
        if group not in self._builds:
            self._builds[group] = asyncio.create_task(self._build_rows(group))
        return self._builds[group]

    async def _build_rows(self, group: Group) -> None:
        if being_removed(self):
            return  # the editor was closed before a build ahead got to this group
        fields = self.fields.fields_in(group)
        if self._providers is not None and any(field.lookup and field.lookup.per_language for field in fields):
            await asyncio.wait({self._providers})  # their lists, or their typed-id fallback
        rows = [FieldRow(field, self.session, self._row_edited) for field in fields]
        # Not focusable: the focus goes to the fields. A focused form took the focus while
        # the editor loaded, and handing it to the first field restyled the whole form.
        form = VerticalScroll(*rows, id=_group_id(group), classes="group-form", can_focus=False)
        await self.query_one("#forms", ContentSwitcher).add_content(form)
        if any(being_removed(row) for row in rows):
            # Closed meanwhile (Escape, quit): its rows are being removed, and a row's
            # message (a stored value's flag) would be mounted on nothing.
            return
        for row in rows:
            self.rows[row.field.name] = row
        self.refresh_state()

    async def _build_ahead(self) -> None:
        if being_removed(self):
            return
        group = next((g for g in self.groups if g not in self._builds), None)
        if group is None:
            self.post_message(ScreenComplete())  # everything the editor needs is built
            return
        await self._build(group)
        self.set_timer(BUILD_AHEAD_GAP, self._build_ahead)

    async def show_group(self, group: Group) -> None:
        """Switch to a group's form, building its rows if that has not happened yet."""
        await self._build(group)
        form = self.query_one(f"#{_group_id(group)}", VerticalScroll)
        self.query_one("#forms", ContentSwitcher).current = form.id
        self.query_one("#groups", GroupList).highlighted = self.groups.index(group)

    @property
    def current_group(self) -> Group | None:
        current = self.query_one("#forms", ContentSwitcher).current
        return next((g for g in self.groups if _group_id(g) == current), None)

    @on(GroupList.Selected, "#groups")
    async def _group_selected(self, event: GroupList.Selected) -> None:
        group = self.groups[event.index]
        await self.focus_field(self.fields.fields_in(group)[0].name)

    @on(GroupList.Highlighted, "#groups")
    async def _group_highlighted(self, event: GroupList.Highlighted) -> None:
        # Follow the user moving through the sidebar (enabled once the assistant is loaded).
        await self.show_group(self.groups[event.index])

    async def action_next_group(self, offset: int) -> None:
        await self.app.settle()
        index = self.groups.index(self.current_group or self.groups[0])
        group = self.groups[(index + offset) % len(self.groups)]
        await self.focus_field(self.fields.fields_in(group)[0].name)

    async def focus_field(self, name: str) -> None:
        """Show a field's group and put the focus on its control."""
        await self.show_group(SETTINGS[name].group)
        # At once, before the next layout hides the old form: a focused widget that is
        # hidden hands the focus on by itself, which restyles the screen once more.
        self.rows[name].focus_control()

    # --- state -------------------------------------------------------------------------

    def _row_edited(self, row: FieldRow) -> None:
        if not _is_typed(row):
            self.session.journal.seal()  # a slider step, a switch, a pick: a step of its own
        self.editing.drafts.note_edit()
        if not self.is_active:  # a screen of its own edits it (the prompt): drawn on resume
            self._redraw_on_resume.add(row)
            return
        name = row.field.name
        if name == "engine_type" and self.fields.dialect is Dialect.D2026 and self.session.is_dirty(name):
            self.notify("Changing the mode makes the server reset that mode's own settings (models, "
                        "speech and transcription providers) when it is saved.", title="Mode",
                        severity="warning", timeout=8)
        self._refresh_dependents(name)
        self.refresh_state()

    def _refresh_dependents(self, name: str) -> None:
        """Offer the choices that follow a field's new value."""
        dependent = _OPTIONS_DEPEND_ON.get(name)
        if dependent in self.rows:
            self.rows[dependent].refresh_options()
        if name == "language" and self._providers is not None:
            self._providers = asyncio.create_task(self._load_providers())

    async def _load_providers(self) -> None:
        """The providers the assistant's language offers (a 2026 host lists them per
        language), each language's asked once; the rows offering them are refreshed."""
        session = self.session
        if not any(field.lookup and field.lookup.per_language for field in self.fields.fields):
            return
        language = session.value("language")
        failures = await load_providers(self.app.client, session.lookups, language)
        for name, failure in failures.items():
            self.notify(f"Could not load the {name} of {safe_text(str(language))}: {failure.message} Those "
                        "fields take a typed id (unverified).", title="Lists not loaded", severity="warning",
                        markup=False, timeout=8)
        if being_removed(self):
            return
        for field in self.fields.fields:
            if field.lookup and field.lookup.per_language and field.name in self.rows:
                self.rows[field.name].refresh_options()
        self.refresh_state()  # a provider the new language does not offer is flagged

    def on_screen_resume(self) -> None:
        if self._editing is not None:
            self._editing.session.journal.seal()  # a visit of the prompt's screen is one step
        rows, self._redraw_on_resume = self._redraw_on_resume, set()
        for row in rows:
            row.reload()
        if rows:
            self.refresh_state()

    def problems(self) -> dict[str, str]:
        """Everything that blocks saving: the rules, the server's 422, the controls' own."""
        found = self.session.validate()
        for name, row in self.rows.items():
            if row.control_problem:
                found.setdefault(name, row.control_problem)
        return found

    def refresh_state(self) -> None:
        """Bring marks, messages, counts and the status line up to date (cheaply)."""
        self.editing.painter.refresh()

    def _mark_focused_row(self) -> None:
        if self._editing is not None:
            # Typing where the focus was is one step now (a cell's edit ended, a field left).
            self._editing.session.journal.seal()
        row = self.focused_row()
        if row is not self._marked_row:
            if self._marked_row is not None:
                self._marked_row.show_focus(False)
                self._forget_undo(self._marked_row)
            if row is not None:
                row.show_focus(True)
            self._marked_row = row

    @staticmethod
    def _forget_undo(row: FieldRow) -> None:
        """The focus left a row: what was typed there is a step of the editor's undo now,
        and the control's own undo history goes (it would replay that step)."""
        if isinstance(row.control, (ExactInput, ExactTextArea, ToolEditor)):
            row.control.forget_undo()

    def _repaint_bars(self) -> None:
        for row in self.rows.values():
            row.paint_bar()

    def reload_rows(self) -> None:
        """Show the session's values again (a draft taken, a revert, a rebase, a save)."""
        if self._providers is not None:  # the language may be another now (asked only if so)
            self._providers = asyncio.create_task(self._load_providers())
        for row in self.rows.values():
            row.refresh_options()
            row.reload()
        self.editing.painter.forget_shown()
        self._show_title()
        self.refresh_state()

    # --- actions -----------------------------------------------------------------------

    def focused_row(self) -> FieldRow | None:
        node = self.focused
        while node is not None and not isinstance(node, FieldRow):
            node = node.parent  # type: ignore[assignment]
        return node

    async def action_revert_field(self) -> None:
        await self.app.settle()
        row = self.focused_row()
        if row is None:
            return
        session = self.session
        if not session.is_dirty(row.field.name) and row.control_problem is None:
            self.notify(f"{row.field.label} is unchanged.", markup=False, timeout=2)
            return
        session.revert(row.field.name)
        self.editing.drafts.note_edit()
        row.reload()
        self._refresh_dependents(row.field.name)
        self.refresh_state()
        self.notify(f"Reverted {row.field.label}.", markup=False, timeout=2)

    async def action_outside(self) -> None:
        """The focused long text in the user's own editor ($VISUAL, $EDITOR)."""
        await self.app.settle()
        row = self.focused_row()
        if row is None:
            return
        from voicedesk.tui.external_editor import edit_outside

        edited = edit_outside(self.app, self.session.value(row.field.name) or "", row.field.name)
        if edited is None:
            return
        if isinstance(row.control, ExactTextArea):
            row.control.replace_all_exactly(edited)  # an edit of the text: its own undo takes it back
        else:
            row.take_text(edited)
            row.reload()

    async def action_copy_value(self) -> None:
        """The focused field's value to the clipboard: a text as it is, anything else as
        the JSON the body would carry."""
        await self.app.settle()
        row = self.focused_row()
        if row is None:
            self.notify("Put the focus on a field to copy its value.", timeout=3)
            return
        from voicedesk.display import to_json
        from voicedesk.tui.clipboard import copy

        value = self.session.value(row.field.name)
        copy(self.app, value if isinstance(value, str) else to_json(value), f"the {row.field.label}")

    def action_copy_id(self) -> None:
        from voicedesk.tui.clipboard import copy

        copy(self.app, str(self.assistant_id), "the assistant's id")

    async def action_undo(self) -> None:
        await self.app.settle()
        await self._step(self.session.undo(), "Undid", "Nothing to undo.")

    async def action_redo(self) -> None:
        await self.app.settle()
        await self._step(self.session.redo(), "Redid", "Nothing to redo.")

    async def _step(self, names: list[str], done: str, nothing: str) -> None:
        """Show the fields an undo or redo changed, and go to the first of them."""
        if not names:
            self.notify(nothing, timeout=2)
            return
        self.editing.drafts.note_edit()
        for name in names:
            if name in self.rows:
                self.rows[name].reload()
            self._refresh_dependents(name)
        self.refresh_state()
        if names[0] in self.rows and not self.rows[names[0]].control_has_focus:
            await self.focus_field(names[0])
        labels = [self.fields[name].label for name in names]
        more = f" and {plural(len(labels) - 1, 'more field')}" if len(labels) > 1 else ""
        self.notify(f"{done}: {labels[0]}{more}.", markup=False, timeout=2)

    async def action_revert_all(self) -> None:
        await self.app.settle()
        self._ask_revert_all()

    @work(exclusive=True, group="ask")
    async def _ask_revert_all(self) -> None:
        session = self.session
        if not session.dirty:
            self.notify("Nothing to revert.", timeout=2)
            return
        count = len(session.dirty)
        if await self.app.push_screen_wait(revert_all_question(session)) == "revert":
            session.revert_all()
            self.editing.drafts.note_edit()
            self.reload_rows()
            self.notify(f"Reverted {plural(count, 'change')}.", timeout=3)

    async def action_review(self) -> None:
        await self.app.settle()
        if not self.session.dirty and not any(row.control_problem for row in self.rows.values()):
            self.notify("No changes to review.", timeout=2)
            return
        self.run_worker(self._review(), group="review", exclusive=True)

    async def _review(self) -> None:
        """The review, and then what it decided (sent, back, or a field to go to)."""
        outcome = await self.app.review(self.editing.saving)
        if outcome.go_to is not None:
            await self.focus_field(outcome.go_to)

    async def on_review_wanted(self) -> None:
        # From a field edited in a screen of its own (the prompt, a tool): ctrl+s there.
        await self.run_action("review")

    async def action_find(self) -> None:
        await self.app.settle()
        self.run_worker(self._find(), group="focus")

    async def _find(self) -> None:
        name = await self.app.find_field(self.fields)
        if name:
            await self.focus_field(name)

    async def action_leave(self) -> None:
        if self._loading is not None:
            self._loading.cancel()  # stop looking; the next Escape leaves
            return
        await self.app.settle()
        self._leave()

    @work(exclusive=True, group="ask")
    async def _leave(self) -> None:
        """Back to the assistants, asking first when that would lose edits."""
        if self.unsaved and not await self._may_go("Leave"):
            return
        self.app.show_assistants()

    # --- palette -----------------------------------------------------------------------

    def palette_commands(self) -> list[SystemCommand]:
        commands = [
            SystemCommand("Review and save", "See every change and the body to send (ctrl+s)", self.action_review),
            SystemCommand("Find field", "Jump to any field by label or name (ctrl+f, /)", self.action_find),
            SystemCommand("Revert field", "Undo all edits of the focused field (ctrl+o)", self.action_revert_field),
            SystemCommand("Revert all", "Drop every unsaved change, after asking (ctrl+r)", self.action_revert_all),
            SystemCommand("Reload lists", "Load voices, languages, models and numbers again", self.action_reload_lists),
            SystemCommand("Show history", "What voicedesk saved to this assistant from here", self.action_history),
            SystemCommand("Copy the focused value", "To the clipboard, through the terminal (ctrl+g)",
                          self.action_copy_value),
            SystemCommand("Copy the assistant's id", f"#{self.assistant_id} to the clipboard (ctrl+t)",
                          self.action_copy_id),
        ]
        back = SystemCommand("Back to assistants", "Leave the editor (Escape)", self.action_leave)
        if self._editing is None:  # what works while it loads
            return [back]
        return [*commands, back] + [
            SystemCommand(f"Go to {group.value}", f"The {group.value} group, at its first field", self._goto(group))
            for group in self.groups
        ]

    def action_history(self) -> None:
        session = self.session
        # The host as the history records it (the client's, as saves name it).
        self.app.show_history(self.assistant_id, session.name, session.lookups, self.restore_save)

    def restore_save(self, entry: HistoryEntry) -> None:
        """A save's earlier values as edits (one undo step), to review and send as any
        edit: the review shows them, the save checks for conflicts and proves them."""
        session = self.session
        values = {change.field: change.before for change in entry.changes if change.field in session.fields}
        unknown = [change.field for change in entry.changes if change.field not in session.fields]
        # Changed on the server after that save: restoring overwrites that later change.
        moved = [self.fields[name].label for name, _ in values.items()
                 if name not in session.unreported and not same_value(
                     name, session.baseline[name],
                     next(change.after for change in entry.changes if change.field == name))]
        if values:
            session.set_many(values)
            self.editing.drafts.note_edit()
            self.reload_rows()
        when = f"{entry.time:%Y-%m-%d %H:%M} UTC"
        said = [f"Restored {plural(len(values), 'value')} from before the save of {when}; review (ctrl+s) "
                "sends them, ctrl+z takes them back." if values else f"Nothing of the save of {when} can be "
                "restored here."]
        if moved:
            said.append(f"Changed on the server since that save: {', '.join(moved)}; restoring overwrites that.")
        if unknown:
            said.append(f"Not settings of this host, left out: {safe_text(', '.join(unknown))}.")
        self.notify(" ".join(said), title="History", severity="warning" if moved or unknown else "information",
                    markup=False, timeout=10)

    def _goto(self, group: Group):  # noqa: ANN202 - a palette callback
        async def go() -> None:
            await self.focus_field(self.fields.fields_in(group)[0].name)

        return go

    @work(exclusive=True, group="lists")
    async def action_reload_lists(self) -> None:
        session = self.session
        result = await self.app.lookups(reload=True)
        if being_removed(self):
            return
        session.set_lookups(result.lookups)
        self._providers = asyncio.create_task(self._load_providers())  # new lists, none of them yet
        for name, failure in result.failures.items():
            self.notify(f"Could not load the {name}: {failure.message} Those fields still take a typed "
                        "id or name (unverified).", severity="warning", markup=False)
        if not result.failures:
            self.notify("Lists reloaded.", timeout=2)
        # Rows built with a typed-id fallback need their real control now.
        # (A build started meanwhile by the build-ahead already uses the new lists.)
        for group, build in list(self._builds.items()):
            await build
            await self.query_one(f"#{_group_id(group)}", VerticalScroll).remove()
            for name in [name for name in self.rows if SETTINGS[name].group is group]:
                del self.rows[name]  # in place: the painter holds this dict
            del self._builds[group]
        self.editing.painter.forget_shown()
        await self.show_group(self.current_group or self.groups[0])
        self.set_timer(BUILD_AHEAD_DELAY, self._build_ahead)
