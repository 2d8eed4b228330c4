"""The voicedesk application: one HTTP client, cached lookups, and the screen stack."""

from __future__ import annotations

import asyncio
import os
from collections.abc import Callable, Iterable, Sequence
from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable

from textual import events, work
from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.driver import Driver
from textual.filter import LineFilter
from textual.notifications import SeverityLevel
from textual.screen import Screen

from voicedesk import speed
from voicedesk.api import ApiClient
from voicedesk.display import for_terminal, plural, safe_text
from voicedesk.fields import Catalogue, Field
from voicedesk.lifeline import Lifeline
from voicedesk.pagehints import PageHints
from voicedesk.remote import FirstReads, LookupResult, load_lookups
from voicedesk.session import EditSession
from voicedesk.settings import Settings
from voicedesk.tui.driver import TerminalDriver
from voicedesk.tui.key_order import KeyOrder, settled
from voicedesk.tui.messages import ScreenComplete, ScreenReady
from voicedesk.tui.terminal_guard import TerminalGuard

if TYPE_CHECKING:
    from voicedesk.batch import Account
    from voicedesk.history import HistoryEntry
    from voicedesk.records import Lookups
    from voicedesk.session import Conflict
    from voicedesk.tui.editing.save_flow import SaveFlow
    from voicedesk.tui.screens.prompt import PromptOutcome
    from voicedesk.tui.screens.review import ReviewOutcome
    from voicedesk.tui.screens.tool import ToolOutcome

# A binding waits at most this long for the keys typed ahead of it (see `settle`).
SETTLE_AT_MOST = 2.0  # seconds


@runtime_checkable
class HoldsUnsyncedEdits(Protocol):
    """A screen that may show typing it has not yet handed to the session (and so to
    the draft): it hands typing over now and then rather than on every key."""

    def flush_edits(self) -> None:
        """Hand everything shown to the session now."""


@runtime_checkable
class HoldsUnsavedWork(Protocol):
    """A screen whose edits stay in a draft until they are sent (the editor): what the
    app asks before it quits or switches profile, and saves on a hang-up."""

    @property
    def unsaved(self) -> tuple[int, str] | None:
        """How many unsaved changes, to which assistant; None without any."""

    @property
    def fields(self) -> Catalogue:
        """The settings of its host's dialect (what the help explains)."""

    def write_draft_now(self) -> None:
        """Everything pending to disk at once; raises DraftError when the disk refuses."""

    def ask_before_quit(self) -> object:
        """Ask whether to save, discard or stay; the screen quits the app if so."""


# The bindings the config file's [keymap] may give other keys (the README lists them;
# tests/test_keymap.py checks every one is a binding's id).
KEYMAP_IDS = frozenset({
    "app.help", "app.quit",
    "editor.review", "editor.find", "editor.leave", "editor.revert_field", "editor.revert_all", "editor.undo",
    "editor.redo", "editor.next_group", "editor.previous_group", "editor.outside", "editor.copy_value",
    "editor.copy_id",
    "tools.add", "tools.edit", "tools.remove", "tools.move_up", "tools.move_down", "tools.undo", "tools.redo",
    "rows.add", "rows.delete", "rows.move_up", "rows.move_down", "slider.type_value", "search_select.open",
    "toggle_choice.toggle", "picker.mark", "picker.mark_all", "picker.change_marked",
    "bulk.review", "bulk.add_field", "bulk.remove_field", "bulk.leave", "bulk.send", "bulk.back",
    "picker.compare", "compare.copy_right", "compare.copy_left", "compare.take_back", "compare.all",
    "compare.review", "compare.leave",
})

# More specific than the stylesheet's rule for the titles, which is read after this.
PROFILE_TITLES = """
Screen #picker-title, Screen #editor-title, Screen #review-title, Screen #help-title,
Screen #history-title {{
    background: {color};
    color: auto 90%;
}}
"""


class VoicedeskApp(App[int]):
    CSS_PATH = "voicedesk.tcss"
    TITLE = "voicedesk"
    # Below 100 columns the editor folds its sidebar into a narrow strip.
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (100, "-wide")]
    BINDINGS = [
        Binding("f1", "help", "Help", priority=True, id="app.help"),
        Binding("ctrl+q", "quit", "Quit", priority=True, id="app.quit"),
    ]

    def __init__(
        self,
        settings: Settings,
        assistant_id: int | None = None,
        *,
        client: ApiClient | None = None,
        first_reads: FirstReads | None = None,
    ) -> None:
        """`first_reads`, when given, were started through `client` (then already open)
        before this app was even imported (see `voicedesk.cli`); else the app opens its
        client and starts them on mount."""
        self.settings = settings
        super().__init__()
        self._show_profile_colour(settings.color)
        self.initial_assistant_id = assistant_id
        self.client = client or ApiClient.for_settings(settings, PageHints())
        self._first_reads = first_reads
        self._lookups: asyncio.Task[LookupResult] | None = None
        self._terminal_guard = TerminalGuard()
        self._key_order = KeyOrder(self)
        self._startup_notices: list[str] = []  # said once the first screen is up
        self._take_preferences()

    def _take_preferences(self) -> None:
        """The theme chosen last time, and the config file's [keymap]."""
        from voicedesk import preferences
        from voicedesk.settings import SettingsError, read_config

        theme = preferences.theme()
        if theme in self.available_themes:
            self.theme = theme
        try:
            keymap = read_config().keymap
        except SettingsError as error:  # the connection settings did without it (the demo)
            self._startup_notices.append(f"Keys not remapped: {error}")
            return
        unknown = sorted(set(keymap) - KEYMAP_IDS)
        if unknown:
            self._startup_notices.append(
                f"The config file's [keymap] names no binding {', '.join(map(repr, unknown))}; "
                f"the ids are listed in the README (e.g. {', '.join(sorted(KEYMAP_IDS)[:3])}).")
        self.set_keymap({binding: keys for binding, keys in keymap.items() if binding in KEYMAP_IDS})

    def watch_theme(self, theme: str) -> None:
        from voicedesk import preferences

        try:
            preferences.remember_theme(theme)
        except OSError as error:
            self.notify(f"The theme is used now but could not be kept for next time: {error.strerror or error}.",
                        severity="warning")

    async def on_mount(self) -> None:
        for notice in self._startup_notices:
            self.notify(notice, title="Config file", severity="warning", timeout=10)
        speed.collector_off_until_ready()
        self.set_timer(speed.COLLECTOR_OFF_AT_MOST, speed.first_screen_ready)
        reads = self._first_reads
        if reads is None:
            await self.client.__aenter__()
            reads = FirstReads.start(self.client, self.initial_assistant_id)
        self._first_reads = None  # the first screen owns them now
        self._lookups = reads.lookups
        # The screens are imported where they are opened: only the first one is on the way
        # to the first frame (see voicedesk.speed).
        if self.initial_assistant_id is None:
            from voicedesk.tui.screens.picker import PickerScreen

            await self.push_screen(PickerScreen(first_page=reads.first_page))
        else:
            from voicedesk.tui.screens.editor import EditorScreen

            # The assistant and the lists are in flight while the editor is built.
            await self.push_screen(
                EditorScreen(self.initial_assistant_id, lookups=reads.lookups, reading=reads.assistant)
            )

    def on_screen_ready(self, _: ScreenReady) -> None:
        speed.first_screen_ready()

    def on_screen_complete(self, _: ScreenComplete) -> None:
        speed.freeze_what_is_loaded()

    async def on_event(self, event: events.Event) -> None:
        # Keys and pastes in the order they came, one command key at a time (KeyOrder).
        if isinstance(event, (events.Key, events.Paste)) and not event.is_forwarded:
            if not self._key_order.admit(event):
                return
            command = self._key_order.is_command(event)
            try:
                await super().on_event(event)
            finally:
                self._key_order.handled(event, command=command)
            return
        await super().on_event(event)

    def copy_to_clipboard(self, text: str) -> None:
        """Textual's OSC 52, then the same wrapped for tmux or GNU screen when one sits
        between the app and the terminal: every copy (a text field's ctrl+c too)."""
        super().copy_to_clipboard(text)
        from voicedesk.tui.clipboard import through

        extra = through(text, os.environ)
        if extra is not None and self._driver is not None:
            self._driver.write(extra)

    def get_driver_class(self) -> type[Driver]:
        return TerminalDriver

    def save_drafts_on_exit_signals(self) -> Lifeline:
        """Hold it while the app runs in the terminal. A dropped SSH link sends SIGHUP (or
        only closes the terminal), a shutdown SIGTERM, `kill -INT` SIGINT (in the TUI,
        ctrl+c is a key): write drafts, give the terminal back and end, even when the
        event loop is stuck (see `voicedesk.lifeline`). Everything `_save_drafts_and_exit`
        must do happens before it returns: the process ends right after."""
        return Lifeline(self._save_drafts_and_exit, self._give_back_terminal, self.call_later)

    def _give_back_terminal(self) -> None:
        if isinstance(self._driver, TerminalDriver):
            self._driver.give_back()

    def _save_drafts_and_exit(self) -> None:
        from voicedesk.drafts import DraftError

        self.flush_edits()
        for screen in self.screen_stack:
            if isinstance(screen, HoldsUnsavedWork):
                try:
                    screen.write_draft_now()
                except DraftError:
                    pass  # exiting anyway; the debounced copy on disk is at most a second old
        self.exit(0)

    async def on_unmount(self) -> None:
        await self.client.aclose()

    def get_line_filters(self) -> Sequence[LineFilter]:
        return [*super().get_line_filters(), self._terminal_guard]

    def notify(
        self,
        message: str,
        *,
        title: str = "",
        severity: SeverityLevel = "information",
        timeout: float | None = None,
        markup: bool = True,
    ) -> None:
        """Every notification is shown literally (never as markup) and safely: messages
        quote server text (names, error messages), whoever builds them. A screen that
        must not be covered holds them until it is gone (`held_notices`)."""
        held = getattr(self.screen, "held_notices", None)
        if isinstance(held, list):
            held.append({"message": message, "title": title, "severity": severity, "timeout": timeout})
            return
        super().notify(for_terminal(message), title=for_terminal(title), severity=severity,
                       timeout=timeout, markup=False)

    def on_descendant_focus(self, event: events.DescendantFocus) -> None:
        # A steady cursor: over SSH every blink is a repaint sent down the link.
        if hasattr(event.widget, "cursor_blink"):
            event.widget.cursor_blink = False

    def lookups(self, *, reload: bool = False) -> asyncio.Task[LookupResult]:
        """One shared load of the account's lists; screens await the same task."""
        failed = self._lookups is not None and self._lookups.done() and (
            self._lookups.cancelled() or self._lookups.exception() or self._lookups.result().failures
        )
        if self._lookups is None or reload or failed:
            self._lookups = asyncio.create_task(load_lookups(self.client))
        return self._lookups

    def _show_profile_colour(self, color: str | None) -> None:
        # The title bars in the profile's colour (text in a colour that reads on it), so
        # an operator sees at a glance which account is open. Added here, not as a
        # variable of the stylesheet: its widgets are used by apps without one.
        self.stylesheet.add_source(PROFILE_TITLES.format(color=color) if color else "", read_from=("profile", ""))

    def get_system_commands(self, screen: Screen[Any]) -> Iterable[SystemCommand]:
        commands = getattr(screen, "palette_commands", None)
        if commands is not None:
            yield from commands()
        yield SystemCommand("Switch profile", "Another host or account of config.toml (asks first about unsaved "
                                              "changes)", self.action_switch_profile)
        yield SystemCommand("Help", "The keys of this screen, and what every field means (F1)", self.action_help)
        for command in super().get_system_commands(screen):
            if command.callback == self.action_quit:  # not "as soon as possible": it asks
                command = SystemCommand("Quit", "Leave voicedesk (asks first with unsaved changes)", self.action_quit)
            yield command

    # --- navigation: every screen is opened here, and hands its result back ---------------
    # Screens never open each other: they call these (a worker's await gets the result) or
    # post messages up. Each screen is imported where it is opened (see voicedesk.speed).

    def open_assistant(self, assistant_id: int, record: dict[str, Any] | None = None) -> None:
        """The editor of an assistant (`record`: as the picker's list has it)."""
        from voicedesk.tui.screens.editor import EditorScreen

        self.push_screen(EditorScreen(assistant_id, record))

    def change_marked(self, account: Account, ids: list[int], done: Callable[[bool | None], None]) -> None:
        """One change across the assistants marked in the picker; `done(True)` once
        something was sent."""
        from voicedesk.tui.screens.bulk import BulkScreen

        self.push_screen(BulkScreen(account, ids), done)

    def compare(self, account: Account, ids: list[int], done: Callable[[bool | None], None]) -> None:
        """Two marked assistants side by side; `done(True)` once copies were sent."""
        from voicedesk.tui.screens.bulk import CompareScreen

        self.push_screen(CompareScreen(account, ids), done)

    def show_assistants(self) -> None:
        """From an editor back to the list: the picker under it, or a new one."""
        self.run_worker(self._back_to_assistants(), group="navigation", exclusive=True)

    async def _back_to_assistants(self) -> None:
        from voicedesk.tui.screens.picker import PickerScreen

        if len(self.screen_stack) > 2 and isinstance(self.screen_stack[-2], PickerScreen):
            await self.pop_screen()
        else:
            await self.switch_screen(PickerScreen())
        speed.collect_closed_screen()

    async def review(self, saving: SaveFlow) -> ReviewOutcome:
        """The review of an editor's changes, which sends them (`saving`) if asked to."""
        from voicedesk.tui.screens.review import ReviewScreen

        return await self.push_screen_wait(ReviewScreen(saving))

    async def find_field(self, fields: Catalogue) -> str | None:
        """The name of a field the user looked up, if any."""
        from voicedesk.tui.screens.finder import FinderScreen

        return await self.push_screen_wait(FinderScreen(fields))

    async def edit_text(self, field: Field, session: EditSession, keep: Callable[[str], None]) -> PromptOutcome:
        """A text field full screen; what is typed goes to `keep` (see PromptEditorScreen)."""
        from voicedesk.tui.screens.prompt import PromptEditorScreen

        return await self.push_screen_wait(PromptEditorScreen(field, session, keep))

    async def edit_tool(self, tool: Any, number: int, count: int, keep: Callable[[Any], None]) -> ToolOutcome:
        """Entry `number` of `count` of a tools list in a screen of its own; each edit of
        it goes to `keep`."""
        from voicedesk.tui.screens.tool import ToolScreen

        return await self.push_screen_wait(ToolScreen(tool, number, count, keep))

    async def resolve_conflicts(self, conflicts: list[Conflict], lookups: Lookups) -> set[str] | None:
        """The fields changed on both sides whose server value the user takes (the others
        keep theirs); None: back to editing."""
        from voicedesk.tui.screens.conflicts import THEIRS, ConflictScreen

        screen = ConflictScreen(conflicts, lookups)
        choices = await self.push_screen_wait(screen)
        for notice in screen.held_notices:  # said while it was open, shown now it is answered
            self.notify(**notice)  # type: ignore[arg-type]
        return None if choices is None else {name for name, choice in choices.items() if choice == THEIRS}

    def show_history(self, assistant_id: int, name: str, lookups: Lookups,
                     restore: Callable[[HistoryEntry], None]) -> None:
        """What voicedesk saved to an assistant (from the host as saves name it); a save
        whose earlier values the user restores goes to `restore`."""
        from voicedesk.tui.screens.history import HistoryScreen

        def chosen(entry: HistoryEntry | None) -> None:
            if entry is not None:
                restore(entry)

        self.push_screen(HistoryScreen(assistant_id, name, self.client.host, lookups), chosen)

    def action_help(self) -> None:
        """The keys of the screen on top (and, over an editor, what its fields mean)."""
        from voicedesk.tui.screens.help import HelpScreen, keys_here

        screen = self.screen
        if not isinstance(screen, HelpScreen):
            where = getattr(screen, "HELP_NAME", "this screen")
            fields = screen.fields if isinstance(screen, HoldsUnsavedWork) else None
            self.push_screen(HelpScreen(keys_here(screen), where, fields))

    @work(exclusive=True, group="profile")
    async def action_switch_profile(self) -> None:
        """Pick a profile of the config file and start over with its host and key, at its
        list of assistants; unsaved edits stay in their drafts (asked first)."""
        from voicedesk.settings import Given, SettingsError, read_config, resolve
        from voicedesk.tui.widgets.search_select import SearchSelectScreen

        try:
            profiles = read_config().profiles
        except SettingsError as error:
            self.notify(str(error), title="Profiles", severity="error", timeout=10)
            return
        if not profiles:
            self.notify("The config file has no profiles: voicedesk configure --profile NAME adds one.",
                        title="Profiles", timeout=6)
            return
        names = sorted(profiles)
        labels = [safe_text(f"{name}  {profiles[name].base_url or '(the top level host)'}"
                            f"{'  · read-only' if profiles[name].read_only else ''}"
                            f"{'  · in use' if name == self.settings.profile else ''}") for name in names]
        current = names.index(self.settings.profile) if self.settings.profile in names else None
        index = await self.push_screen_wait(SearchSelectScreen(labels, current, title="Switch profile"))
        if index is None or names[index] == self.settings.profile:
            return
        try:
            # The profile's own host, key and dialect: the flags this run began with chose
            # the profile being left.
            settings, _ = resolve(Given(profile=names[index]))
        except SettingsError as error:
            self.notify(str(error), title="Profile not switched", severity="error", timeout=10)
            return
        if await self._keep_unsaved_edits(names[index]):
            await self._use_settings(settings)

    def _unsaved_work(self) -> list[HoldsUnsavedWork]:
        return [screen for screen in self.screen_stack if isinstance(screen, HoldsUnsavedWork)]

    async def _keep_unsaved_edits(self, profile: str) -> bool:
        """Before the editors close: ask when they hold unsaved edits, and write their
        drafts now. False: stay (the user said so, or a draft could not be written)."""
        from voicedesk.drafts import DraftError
        from voicedesk.tui.screens.modals import Ask

        await self.settle()
        self.flush_edits()
        editors = self._unsaved_work()
        unsaved = [work for work in (editor.unsaved for editor in editors) if work is not None]
        if unsaved:
            count = sum(changes for changes, _ in unsaved)
            answer = await self.push_screen_wait(Ask(
                "Switch profile with unsaved changes?",
                f"{plural(count, 'unsaved change')} to {safe_text(unsaved[0][1])} "
                f"{'stay' if count != 1 else 'stays'} in the draft on this machine, offered when you open it "
                f"again under {self.settings.profile or 'these settings'}.",
                [("stay", "Keep editing", "primary"), ("switch", f"Switch to {safe_text(profile)}", "warning")],
            ))
            if answer != "switch":
                return False
        for editor in editors:
            try:
                editor.write_draft_now()
            except DraftError as error:
                self.notify(f"{error} The profile was not switched.", title="Draft not written", severity="error")
                return False
        return True

    async def _use_settings(self, settings: Settings) -> None:
        """Start over with other settings: a new client, new lists, the picker."""
        from voicedesk.tui.screens.picker import PickerScreen

        old = self.client
        client = ApiClient.for_settings(settings, PageHints())
        await client.__aenter__()
        self.settings, self.client, self._lookups = settings, client, None
        self._show_profile_colour(settings.color)
        self.refresh_css(animate=False)
        while len(self.screen_stack) > 1:  # Textual's own screen stays at the bottom
            await self.pop_screen()
        await self.push_screen(PickerScreen())
        speed.collect_closed_screen()
        await old.aclose()

    def flush_edits(self) -> None:
        """Every screen hands what it shows to the session."""
        for screen in self.screen_stack:
            if isinstance(screen, HoldsUnsyncedEdits):
                screen.flush_edits()

    async def settle(self) -> None:
        """Wait until the focused widget and its parents have handled everything queued
        for them: a binding that reads or acts on what the user typed awaits this first.

        Textual runs a priority binding as its key arrives, before the keys typed ahead
        of it (typing is not held, see `KeyOrder`) have reached the focused widget's
        session, and a binding that comes back up to the app runs before the messages
        those keys made the widgets post (a TextArea's `Changed`, which brings its text
        to the session). Keys that come after the binding wait meanwhile.
        """
        await settled(self, with_app=False, deadline=asyncio.get_running_loop().time() + SETTLE_AT_MOST)

    async def action_quit(self) -> None:
        """Every way to quit (ctrl+q, the palette's Quit): ask first when an editor holds
        unsaved changes, counting every key typed before."""
        await self.settle()
        self.flush_edits()
        unsaved = next((editor for editor in self._unsaved_work() if editor.unsaved), None)
        if unsaved is None:
            self.exit(0)
            return
        unsaved.ask_before_quit()
