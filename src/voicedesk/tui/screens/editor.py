"""The editor: the catalogue's groups as a sidebar, one form per group, built lazily."""

from __future__ import annotations

import asyncio
import contextlib
import time
from typing import TYPE_CHECKING, Any

from textual import on, work
from textual.app import ComposeResult, SystemCommand
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import ContentSwitcher, LoadingIndicator, Static

from voicedesk.api import ApiError, ValidationError
from voicedesk.display import format_value, safe_text
from voicedesk.drafts import Draft, DraftError, DraftSlot, DraftStore, DraftWriter, HeldDraft
from voicedesk.fields import GROUPS, SETTINGS, Catalogue, Dialect, Group, catalogue
from voicedesk.history import History
from voicedesk.remote import (
    Finding,
    LookupResult,
    Progress,
    SaveConflict,
    SaveRefused,
    SaveResult,
    Stage,
    load_providers,
    pages_read,
    session_for,
    save,
)
from voicedesk.session import Change, EditSession
from voicedesk.tui.form import FieldRow, RowHead
from voicedesk.tui.screens.modals import Ask
from voicedesk.tui.widgets import GroupList, KeyBar

if TYPE_CHECKING:
    from voicedesk.tui.app import VoicedeskApp

# After the editor is ready, the other groups' forms are built one by one while the
# user reads the first, so that a first visit costs what a revisit does.
BUILD_AHEAD_DELAY = 0.05  # seconds after ready: the first group is drawn by then
BUILD_AHEAD_GAP = 0.02  # between two groups: the keyboard is served in between

# Rows whose choices depend on another field's value.
_OPTIONS_DEPEND_ON = {"engine_type": "voice_id", "calls_direction": "phone_number_id"}


def _group_id(group: Group) -> str:
    return "group-" + group.name.lower()


def plural(count: int, noun: str) -> str:
    return f"{count} {noun}{'' if count == 1 else 's'}"


class EditorScreen(Screen[None]):
    app: VoicedeskApp

    # The colours its rows draw their bars and heads in (see FieldRow and RowHead).
    COMPONENT_CLASSES = FieldRow.BAR_CLASSES | RowHead.COLOUR_CLASSES

    BINDINGS = [
        Binding("ctrl+s", "review", "Review & save", priority=True),
        Binding("ctrl+f", "find", "Find field", priority=True),
        Binding("slash", "find", "Find field", show=False),
        # Not ctrl+z: in text that is the text's own undo, one step at a time.
        Binding("ctrl+o", "revert_field", "Revert field", priority=True),
        Binding("ctrl+r", "revert_all", "Revert all", priority=True),
        Binding("ctrl+pagedown", "next_group(1)", "Next group", show=False, priority=True),
        Binding("ctrl+pageup", "next_group(-1)", "Previous group", show=False, priority=True),
        Binding("escape", "leave", "Assistants"),
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
        self._saving: asyncio.Task[SaveResult] | None = None  # a save, until it ends
        self._save_stage = Stage.READING
        self.session: EditSession | None = None
        self.rows: dict[str, FieldRow] = {}
        # What the screen shows now, so a keystroke redraws only what changed.
        self._shown_state: dict[str, tuple[Any, ...]] = {}
        self._shown_status = ""
        self._marked_row: FieldRow | None = None  # the row that shows the focus
        self._redraw_on_resume: set[FieldRow] = set()  # edited while another screen was on top
        self.ready = False  # loaded, first group shown, taking input
        self._dialect_reason = ""  # how the session's dialect was decided
        self._builds: dict[Group, asyncio.Task[None]] = {}  # forms built or being built
        # The providers of the assistant's language, being loaded: rows offering them are
        # built after it ends (see `_load_providers`).
        self._providers: asyncio.Task[None] | None = None
        self.drafts = DraftStore()
        # This session's own draft and its debounced writer, from when the session exists.
        self._draft_slot: DraftSlot | None = None
        self._draft_writer: DraftWriter | None = None
        self._draft_timer: Timer | None = None  # armed only while a write is pending
        self._draft_problem: str | None = None  # the last write failure shown

    # --- layout ------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        yield Static(f"Assistant #{self.assistant_id}  ·  {self.app.settings.heading}", id="editor-title", markup=False)
        with Horizontal(id="editor-body"):
            # Disabled until the assistant is loaded (set here: toggled, it is restyled).
            yield GroupList([group.value for group in GROUPS], id="groups", disabled=True)
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
    def fields(self) -> Catalogue:
        """The host's settings: the session's dialect (the seed's until it is loaded)."""
        return self.session.fields if self.session is not None else catalogue()

    @property
    def groups(self) -> tuple[Group, ...]:
        return self.fields.groups

    def on_unmount(self) -> None:
        # Its callback holds this screen: subscribed, the app's signal would keep it alive.
        self.app.theme_changed_signal.unsubscribe(self)
        if self._draft_timer is not None:  # the app's: it would outlive this screen
            self._draft_timer.stop()
            self._draft_timer = None
        if self._draft_slot is not None:
            # Leaving within a second of an edit (edits that were reverted, say): the draft
            # follows it. A failure leaves the draft of a second ago, offered next time.
            with contextlib.suppress(DraftError):
                self.write_draft_now()
            self._draft_slot.close()
        if self.app.return_code is None:  # not quitting: this screen's widgets can go now
            self.app.collect_closed()

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
        try:
            await asyncio.wait({reads})  # Escape cancels the reads (see action_leave)
        finally:
            reads.cancel()  # a no-op unless this worker itself was cancelled
            self._loading = None
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
            self.app.started()
            return
        record = found[0] if found else self._record
        for name, failure in lookup_result.failures.items():
            self.notify(
                f"Could not load the {name}: {failure.message} Those fields take a typed id or name "
                "(unverified); 'Reload lists' in the palette (ctrl+p) tries again.",
                title="Lists not loaded", severity="warning", markup=False, timeout=8,
            )
        self._draft_slot = self.drafts.slot(self.app.settings.host, self.assistant_id)
        self._draft_writer = DraftWriter(self._draft_slot, debounce=1.0)
        self.session = session_for(self.assistant_id, record, lookup_result)
        self._providers = asyncio.create_task(self._load_providers())
        self._dialect_reason = lookup_result.dialect.reason if lookup_result.dialect else ""
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
        self.app.started()
        self.call_after_refresh(self._stop_loading_indicator)
        self.set_timer(BUILD_AHEAD_DELAY, self._build_ahead)
        await self._offer_draft()

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
        if self.session is None:
            self.query_one("#loading-message", Static).remove_class("-error")
            self.app.lookups(reload=True)
            self.load()

    def _show_title(self) -> None:
        assert self.session is not None
        title = (f"{safe_text(self.session.name)}  ·  #{self.assistant_id}  ·  {self.app.settings.heading}"
                 f"  ·  dialect {self.session.fields.dialect.value}")
        self.query_one("#editor-title", Static).update(title)

    # --- drafts ------------------------------------------------------------------------

    async def _offer_draft(self) -> None:
        """Take this session's draft lock, then offer the drafts that sessions which ended
        unsaved left (newest first), each against the server's values now. One can be
        restored; the others stay for a later session."""
        session, slot, host = self.session, self._draft_slot, self.app.settings.host
        assert session is not None and slot is not None
        try:
            slot.hold()
        except DraftError as problem:
            self._draft_warning(problem, "Drafts not kept")
        try:
            found = self.drafts.left_behind(host, self.assistant_id, own=slot)
        except DraftError as problem:
            self._draft_warning(problem, "Draft not restored")
            return
        for problem in found.problems:
            self._draft_warning(problem, "Draft not restored")
        if found.live:
            others = "Another voicedesk is" if found.live == 1 else f"{found.live} other voicedesk sessions are"
            self.notify(f"{others} editing this assistant right now. Each keeps its own draft; a save "
                        "here first reads the server again, so no change is overwritten unseen.",
                        title="Also open elsewhere", severity="warning", markup=False, timeout=10)
        try:
            for index, held in enumerate(found.drafts):
                answer = await self.app.push_screen_wait(self._draft_question(held, index, len(found.drafts)))
                if answer == "later":
                    held.release()
                elif answer == "discard":
                    try:
                        held.discard()
                    except DraftError as problem:
                        self._draft_warning(problem, "Draft not discarded")
                    else:
                        self.notify("Draft discarded.", timeout=3)
                else:  # Escape restores too: nothing is lost by accident
                    self._restore_draft(held)
                    kept = len(found.drafts) - index - 1
                    if kept:
                        self.notify(f"{plural(kept, 'older draft')} of this assistant kept: offered again "
                                    "when it is next opened.", markup=False, timeout=8)
                    return
        finally:
            found.release()  # those not decided (the editor closed meanwhile) stay on disk

    def _draft_question(self, held: HeldDraft, index: int, count: int) -> Ask:
        session = self.session
        assert session is not None
        draft = held.draft
        lines = []
        moved = draft.moved_on_server(session)
        for name, edit in draft.fields.items():
            line = (f"{SETTINGS[name].label}: {format_value(name, edit.value, session.lookups, width=40)}"
                    f"  (server: {format_value(name, session.baseline[name], session.lookups, width=40)}")
            lines.append(line + (", changed since the draft)" if name in moved else ")"))
        saved = f" from {draft.saved_at:%Y-%m-%d %H:%M} UTC" if draft.saved_at else ""
        several = (f"{count} drafts of this assistant were left unsaved; this is draft {index + 1} of "
                   f"{count}, newest first.\n\n" if count > 1 else "")
        that = "that was" if len(draft.fields) == 1 else "that were"
        return Ask(
            "Restore unsaved changes?",
            f"{several}A draft{saved} holds {plural(len(draft.fields), 'change')} {that} never sent:\n\n"
            + "\n".join(lines),
            [("restore", "Restore", "primary"), ("later", "Keep for later", "default"),
             ("discard", "Discard the draft", "error")],
        )

    def _restore_draft(self, held: HeldDraft) -> None:
        """Replay a left-behind draft; once this session's own draft holds its edits,
        the old file goes (until then it stays, so a failed write loses nothing)."""
        session, writer = self.session, self._draft_writer
        assert session is not None and writer is not None
        draft = held.draft
        try:
            moved = draft.apply_to(session)
        except ValueError as problem:  # kept on disk for an editor that can replay it
            held.release()
            self.notify(f"The draft was not restored: {problem}.", title="Draft kept",
                        severity="error", markup=False, timeout=12)
            return
        self.reload_rows()
        note = (f" Changed on the server since: {', '.join(SETTINGS[n].label for n in moved)}."
                if moved else "")
        self.notify(f"Restored {plural(len(draft.fields), 'change')}.{note}",
                    title="Draft restored", markup=False, timeout=8)
        self._note_edit()
        try:
            writer.flush()
            held.discard()
        except DraftError as problem:
            self._draft_warning(problem, "Draft kept where it was")

    def _draft_warning(self, problem: DraftError, title: str) -> None:
        self.notify(str(problem), title=title, severity="warning", markup=False, timeout=12)

    def _note_edit(self) -> None:
        """Every edit reaches the draft file within about a second: the first edit after a
        write arms a one-shot timer (an editor without pending edits wakes nobody)."""
        session, writer = self.session, self._draft_writer
        if session is None or writer is None:
            return
        host = self.app.settings.host
        writer.schedule(lambda: Draft.from_session(session, host), time.monotonic())
        self._arm_draft_timer()

    def _arm_draft_timer(self) -> None:
        wait = self._draft_writer.wait(time.monotonic()) if self._draft_writer else None
        if wait is not None and self._draft_timer is None:
            # The app's timer, not this screen's: a message handled here while another
            # screen covers this one (the prompt editor) makes Textual repaint all of
            # that screen, some 30 ms for a 200 KB prompt, once a second while typing.
            self._draft_timer = self.app.set_timer(wait, self._write_draft_if_due)

    def _write_draft_if_due(self) -> None:
        self._draft_timer = None
        assert self._draft_writer is not None
        try:
            if self._draft_writer.flush_if_due(time.monotonic()):
                self._draft_problem = None
        except DraftError as problem:
            if str(problem) != self._draft_problem:  # retried each second: said once
                self._draft_problem = str(problem)
                self.notify(str(problem), title="Draft not saved", severity="error", markup=False, timeout=8)
        self._arm_draft_timer()  # not due yet, or failed: try again when it is

    def write_draft_now(self) -> None:
        """On a hang-up or kill signal: whatever is pending goes to disk at once. Safe at
        any moment (before the editor has loaded there is nothing to write); raises
        DraftError when the disk refuses."""
        if self._draft_writer is not None:
            self._draft_writer.flush()

    def forget_draft(self) -> None:
        """The edits were sent or deliberately dropped: this session's draft goes (drafts
        of other sessions stay)."""
        if self._draft_writer is None or self._draft_slot is None:
            return
        self._draft_writer.cancel()
        if self._draft_timer is not None:
            self._draft_timer.stop()
            self._draft_timer = None
        try:
            self._draft_slot.discard()
        except DraftError as problem:
            self.notify(str(problem), severity="warning", markup=False, timeout=8)

    # --- groups ------------------------------------------------------------------------

    def _build(self, group: Group) -> asyncio.Task[None]:
        """The build of a group's rows: started once, awaited by whoever needs the form."""
        if group not in self._builds:
            self._builds[group] = asyncio.create_task(self._build_rows(group))
        return self._builds[group]

    async def _build_rows(self, group: Group) -> None:
        assert self.session is not None
        if not self.is_attached:
            return  # the editor was closed before a build ahead got to this group
        fields = self.fields.fields_in(group)
        if self._providers is not None and any(field.lookup and field.lookup.per_language for field in fields):
            await asyncio.wait({self._providers})  # their lists, or their typed-id fallback
        rows = [FieldRow(field, self.session, self._row_edited) for field in fields]
        # Not focusable: the focus goes to the fields. A focused form took the focus while
        # the editor loaded, and handing it to the first field restyled the whole form.
        form = VerticalScroll(*rows, id=_group_id(group), classes="group-form", can_focus=False)
        await self.query_one("#forms", ContentSwitcher).add_content(form)
        if not all(row.is_attached for row in rows):
            # Closed meanwhile (Escape, quit): its rows are being removed, and a row's
            # message (a stored value's flag) would be mounted on nothing.
            return
        for row in rows:
            self.rows[row.field.name] = row
        self.refresh_state()

    async def _build_ahead(self) -> None:
        if not self.is_attached:
            return
        group = next((g for g in self.groups if g not in self._builds), None)
        if group is None:
            self.app.keep_loaded()  # everything the editor needs is built
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
        if self.session is not None:  # follow the user moving through the sidebar
            await self.show_group(self.groups[event.index])

    async def action_next_group(self, offset: int) -> None:
        await self.app.settle()
        if self.session is None:
            return
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
        self._note_edit()
        if not self.is_active:  # a screen of its own edits it (the prompt): drawn on resume
            self._redraw_on_resume.add(row)
            return
        name = row.field.name
        if name == "engine_type" and self.fields.dialect is Dialect.D2026 and self.session is not None \
                and self.session.is_dirty(name):
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
        if session is None or not any(field.lookup and field.lookup.per_language for field in self.fields.fields):
            return
        language = session.value("language")
        failures = await load_providers(self.app.client, session.lookups, language)
        for name, failure in failures.items():
            self.notify(f"Could not load the {name} of {safe_text(str(language))}: {failure.message} Those "
                        "fields take a typed id (unverified).", title="Lists not loaded", severity="warning",
                        markup=False, timeout=8)
        if session is not self.session or not self.is_attached:
            return
        for field in self.fields.fields:
            if field.lookup and field.lookup.per_language and field.name in self.rows:
                self.rows[field.name].refresh_options()
        self.refresh_state()  # a provider the new language does not offer is flagged

    def on_screen_resume(self) -> None:
        rows, self._redraw_on_resume = self._redraw_on_resume, set()
        for row in rows:
            row.reload()
        if rows:
            self.refresh_state()

    def problems(self) -> dict[str, str]:
        """Everything that blocks saving: the rules, the server's 422, the controls' own."""
        assert self.session is not None
        found = self.session.validate()
        for name, row in self.rows.items():
            if row.control_problem:
                found.setdefault(name, row.control_problem)
        return found

    def refresh_state(self) -> None:
        """Bring marks, messages, counts and the status line up to date (cheaply)."""
        session = self.session
        if session is None:
            return
        problems = self.problems()
        flags = session.flags()
        dirty = set(session.dirty)
        for name, row in self.rows.items():
            state = (name in dirty, problems.get(name), flags.get(name), row.control.disabled)
            enabled_by = row.field.enabled_by
            state += (session.value(enabled_by) if enabled_by else None,)
            if self._shown_state.get(name) != state:
                self._shown_state[name] = state
                row.show_state(problems.get(name), flags.get(name))
        groups = self.query_one("#groups", GroupList)
        for index, group in enumerate(self.groups):
            names = [f.name for f in self.fields.fields_in(group)]
            count = sum(name in dirty for name in names)
            errors = sum(name in problems for name in names)
            label = group.value + (f"  ● {count}" if count else "") + ("  ✗" if errors else "")
            groups.set_label(index, label)
        status = plural(len(dirty), "unsaved change")
        if problems:
            status += f"  ·  {plural(len(problems), 'problem')} to fix"
        if dirty:
            status += "  ·  ctrl+s to review"
        if status != self._shown_status:
            self._shown_status = status
            # Coloured through its content, not a class: toggling a class restyles the line.
            text = Content.styled(status, "$text-warning") if dirty else status
            self.query_one("#status", Static).update(text, layout=False)  # one line: no layout

    def _mark_focused_row(self) -> None:
        row = self.focused_row()
        if row is not self._marked_row:
            if self._marked_row is not None:
                self._marked_row.show_focus(False)
            if row is not None:
                row.show_focus(True)
            self._marked_row = row

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
        self._shown_state.clear()
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
        if row is None or self.session is None:
            return
        if not self.session.is_dirty(row.field.name) and row.control_problem is None:
            self.notify(f"{row.field.label} is unchanged.", markup=False, timeout=2)
            return
        self.session.revert(row.field.name)
        self._note_edit()
        row.reload()
        self._refresh_dependents(row.field.name)
        self.refresh_state()
        self.notify(f"Reverted {row.field.label}.", markup=False, timeout=2)

    async def action_revert_all(self) -> None:
        await self.app.settle()
        self._ask_revert_all()

    @work(exclusive=True, group="ask")
    async def _ask_revert_all(self) -> None:
        if self.session is None or not self.session.dirty:
            self.notify("Nothing to revert.", timeout=2)
            return
        count = len(self.session.dirty)
        answer = await self.app.push_screen_wait(Ask(
            "Revert all changes?",
            f"This drops {plural(count, 'unsaved change')} to {safe_text(self.session.name)}.",
            [("revert", "Revert all", "error"), ("cancel", "Keep editing", "default")],
        ))
        if answer == "revert":
            self.session.revert_all()
            self._note_edit()
            self.reload_rows()
            self.notify(f"Reverted {plural(count, 'change')}.", timeout=3)

    async def action_review(self) -> None:
        await self.app.settle()
        if self.session is None:
            return
        if not self.session.dirty and not any(row.control_problem for row in self.rows.values()):
            self.notify("No changes to review.", timeout=2)
            return
        from voicedesk.tui.screens.review import ReviewScreen

        self.app.push_screen(ReviewScreen(self))

    async def action_find(self) -> None:
        await self.app.settle()
        if self.session is None:
            return
        from voicedesk.tui.screens.finder import FinderScreen

        def found(name: str | None) -> None:
            if name:
                self.run_worker(self.focus_field(name), group="focus")

        self.app.push_screen(FinderScreen(self.fields), found)

    async def action_leave(self) -> None:
        if self._loading is not None:
            self._loading.cancel()  # stop looking; the next Escape leaves
            return
        await self.app.settle()
        self._leave()

    @work(exclusive=True, group="ask")
    async def _leave(self) -> None:
        """Back to the assistants, asking first when that would lose edits."""
        if self.session is not None and self.session.dirty:
            answer = await self.app.push_screen_wait(Ask(
                "Leave with unsaved changes?",
                f"{plural(len(self.session.dirty), 'unsaved change')} to {safe_text(self.session.name)} "
                "will be lost.",
                [("stay", "Keep editing", "primary"), ("discard", "Discard and leave", "error")],
            ))
            if answer != "discard":
                return
            self.forget_draft()
        from voicedesk.tui.screens.picker import PickerScreen

        if len(self.app.screen_stack) > 2 and isinstance(self.app.screen_stack[-2], PickerScreen):
            self.app.pop_screen()
        else:
            self.app.switch_screen(PickerScreen())

    @work(exclusive=True, group="ask")
    async def ask_before_quit(self) -> None:
        assert self.session is not None
        answer = await self.app.push_screen_wait(Ask(
            "Quit with unsaved changes?",
            f"{plural(len(self.session.dirty), 'unsaved change')} to {safe_text(self.session.name)}.",
            [("save", "Save and quit", "primary"), ("discard", "Discard and quit", "error"),
             ("cancel", "Cancel", "default")],
        ))
        if answer == "discard":
            self.forget_draft()
            self.app.exit(0)
        elif answer == "save":
            if self.problems():
                self.notify("Fix the marked problems first; nothing was sent.", severity="error", timeout=5)
                await self.action_review()
            elif await self.save_changes():
                self.app.exit(0)

    # --- saving ------------------------------------------------------------------------

    def stop_saving(self) -> bool:
        """Stop a save still reading, before anything was sent; False once the update
        has gone out (it cannot be called back)."""
        if self._saving is None or self._save_stage is not Stage.READING:
            return False
        self._saving.cancel()
        return True

    async def _save_once(self, progress: Progress | None) -> SaveResult | None:
        """One save; None when stop_saving stopped it."""
        def follow(stage: Stage, text: str) -> None:
            self._save_stage = stage
            if progress is not None:
                progress(stage, text)

        self._save_stage = Stage.READING
        task = asyncio.create_task(save(self.app.client, self.session, history=History(), progress=follow))
        self._saving = task
        try:
            await asyncio.wait({task})
        finally:
            task.cancel()  # this worker was cancelled: the save goes with it (if still reading)
            self._saving = None
        return None if task.cancelled() else task.result()

    async def save_changes(self, progress: Progress | None = None) -> bool:
        """Send the changed fields; on failure the edits stay and the user may retry.
        `progress` hears what the save is doing (its reads can be long scans)."""
        session = self.session
        assert session is not None
        while True:
            try:
                result = await self._save_once(progress)
                if result is None:
                    self.notify("Stopped before anything was sent. Your edits are kept.",
                                title="Not saved", markup=False, timeout=5)
                    return False
            except SaveConflict as conflict:
                from voicedesk.tui.screens.conflicts import THEIRS, ConflictScreen

                self._after_rebase(conflict.adopted)
                choices = await self.app.push_screen_wait(ConflictScreen(conflict.conflicts, session.lookups))
                if choices is None:
                    return False
                for name, choice in choices.items():
                    if choice == THEIRS:
                        session.revert(name)
                self._note_edit()
                self.reload_rows()
                continue  # read again: someone may have changed more meanwhile
            except SaveRefused as refused:
                self._after_rebase(refused.adopted)
                self.notify(
                    "With the server's newer values adopted, your changes break a rule; the "
                    "fields are marked. Nothing was sent.",
                    title="Not saved", severity="error", markup=False, timeout=8,
                )
                return False
            except ValidationError:
                self.refresh_state()
                # What names a field is on it; everything else the server said is here.
                lines = ["The server rejected the change (422).", *session.server_notes]
                if session.server_errors:
                    labels = ", ".join(SETTINGS[name].label for name in session.server_errors)
                    lines.append(f"Marked on the fields: {labels}.")
                self.notify("\n".join([*lines, "Your edits are kept."]),
                            title="Not saved", severity="error", markup=False, timeout=12)
                return False
            except ApiError as error:
                answer = await self.app.push_screen_wait(Ask(
                    "Could not save",
                    f"{error.message}\n\nYour edits are kept.",
                    [("retry", "Retry", "primary"), ("cancel", "Back to editing", "default")],
                    error=True,
                ))
                if answer == "retry":
                    continue
                return False
            break
        if result.not_taken:
            self._note_edit()  # the values the server did not take stay in the draft
        else:
            self.forget_draft()
        self._after_rebase(result.adopted)
        if result.earlier:
            names = ", ".join(SETTINGS[change.field].label for change in result.earlier)
            self.notify(f"The save whose answer was lost had reached the server ({names}); it is now "
                        "recorded in the history.", title="Saved earlier", markup=False, timeout=8)
        if not result.sent:
            if not result.earlier:
                self.notify("Nothing to send: the server already holds your values.", timeout=4)
            if result.history_error:
                self.notify(result.history_error, severity="warning", markup=False, timeout=8)
            return True
        if result.taken:
            self.notify(f"Saved {plural(len(result.taken), 'field')} to {safe_text(session.name)}.",
                        title="Saved", markup=False, timeout=4)
        if result.not_taken:
            names = ", ".join(SETTINGS[c.field].label for c in result.not_taken)
            hint = (" None of the fields sent was taken: the host may speak the other dialect."
                    if result.nothing_taken else "")
            self.notify(f"{names}: the server answered 200 but did not take "
                        f"{'these values' if len(result.not_taken) > 1 else 'this value'}. "
                        f"Your values are kept as unsaved edits, marked on the fields.{hint}",
                        title="Not taken by the server", severity="error", markup=False, timeout=20)
        if result.reread_error:
            self.notify(f"Saved, but reading it back failed: {result.reread_error.message}",
                        severity="warning", markup=False, timeout=8)
        if result.history_error:
            self.notify(result.history_error, severity="warning", markup=False, timeout=8)
        return not result.not_taken

    def _after_rebase(self, adopted: list[Change]) -> None:
        """Show what a fresh read brought in on fields the user had not touched."""
        self.reload_rows()
        if adopted:
            names = ", ".join(SETTINGS[change.field].label for change in adopted)
            self.notify(f"Changed on the server meanwhile and taken over (you had not touched "
                        f"them): {names}.", title="Updated from the server", markup=False, timeout=8)

    # --- palette -----------------------------------------------------------------------

    def palette_commands(self) -> list[SystemCommand]:
        return [
            SystemCommand("Review and save", "See every change and the body to send (ctrl+s)", self.action_review),
            SystemCommand("Find field", "Jump to any field by label or name (ctrl+f, /)", self.action_find),
            SystemCommand("Revert field", "Undo all edits of the focused field (ctrl+o)", self.action_revert_field),
            SystemCommand("Revert all", "Drop every unsaved change, after asking (ctrl+r)", self.action_revert_all),
            SystemCommand("Reload lists", "Load voices, languages, models and numbers again", self.action_reload_lists),
            SystemCommand("Show history", "What voicedesk saved to this assistant from here", self.action_history),
            SystemCommand("Back to assistants", "Leave the editor (Escape)", self.action_leave),
        ] + [
            SystemCommand(f"Go to {group.value}", f"Show the {group.value} group", self._goto(group))
            for group in self.groups
        ]

    def action_history(self) -> None:
        if self.session is None:
            return
        from voicedesk.tui.screens.history import HistoryScreen

        # The host as the history records it (the client's, as saves name it).
        self.app.push_screen(HistoryScreen(
            self.assistant_id, self.session.name, self.app.client.host, self.session.lookups
        ))

    def _goto(self, group: Group):  # noqa: ANN202 - a palette callback
        async def go() -> None:
            await self.show_group(group)

        return go

    @work(exclusive=True, group="lists")
    async def action_reload_lists(self) -> None:
        if self.session is None:
            return
        result = await self.app.lookups(reload=True)
        self.session.set_lookups(result.lookups)
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
            self.rows = {n: r for n, r in self.rows.items() if SETTINGS[n].group is not group}
            del self._builds[group]
        self._shown_state.clear()
        await self.show_group(self.current_group or self.groups[0])
        self.set_timer(BUILD_AHEAD_DELAY, self._build_ahead)
