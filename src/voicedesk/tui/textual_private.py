"""Every use of Textual's private API by the widgets, in one place (written for Textual 8.2).

Each exists because no public hook does its job; each says why, and which upstream
issue, if any, asks for a public way. `tests/test_textual_private.py` fails, naming what
changed, when a Textual upgrade removes or reshapes any of them: check that file first
after an upgrade.

(Outside the widgets, `tui/driver.py` overrides `LinuxDriver._sigcont_application` and
reads its `_must_signal_resume` and `_writer_thread`, and `tui/app.py` reads
`App._driver`; the canary test checks those too.)
"""

from __future__ import annotations

import asyncio

from textual.dom import DOMNode
from textual.geometry import Size
from textual.message_pump import MessagePump
from textual.scroll_view import ScrollView
from textual.widget import Widget
from textual.widgets import OptionList, TextArea
from textual.widgets.text_area import Document, DocumentBase, DocumentNavigator, WrappedDocument


class OwnVirtualSize(ScrollView):
    """A ScrollView whose virtual size only its own code sets (a table that draws its
    rows with the Line API and sets its virtual size when its rows change).

    The compositor offers the viewport as the virtual size on every layout; compared
    with that, every layout of the screen (each keystroke in an Input asks for one)
    would count as a change and repaint the scrollbar. No public hook lets a widget
    refuse the offered size (overriding `_size_updated` is the way). No upstream issue
    found.
    """

    def _size_updated(self, size: Size, virtual_size: Size, container_size: Size, layout: bool = True) -> bool:
        return super()._size_updated(size, self.virtual_size, container_size, layout)


def update_scrollbars(widget: Widget, virtual_size: Size) -> None:
    """Fit the scrollbars and the scroll offset to a virtual size set without a layout
    (`set_reactive`): assigning `virtual_size` asks for a layout of the screen, which a
    keystroke in a filter must not cost. `Widget._scroll_update` is the step Textual runs
    itself after a size change; there is no public one. Related: Textualize/textual#1616
    (scrollbars not following a programmatic change, fixed inside `_scroll_update`); no
    issue asking for a public way found."""
    widget._scroll_update(virtual_size)


def hovered_option(option_list: OptionList) -> int | None:
    """The index of the option under the mouse, for a list that draws its own rows
    (`render_line`) in OptionList's hover style. OptionList keeps it in the private
    reactive `_mouse_hovering_over` and offers no public accessor. No upstream issue
    found."""
    hovered: int | None = option_list._mouse_hovering_over
    return hovered


def pump_task(node: MessagePump) -> asyncio.Task[object] | None:
    """The task in which a message pump (app, screen, widget) processes its queue, or
    None before it starts: code running in that task cannot wait for that queue
    (`KeyOrder`). Textual keeps it as `_task` and offers no public accessor. No upstream
    issue found."""
    task: asyncio.Task[object] | None = getattr(node, "_task", None)
    return task


def being_removed(node: DOMNode) -> bool:
    """Whether a node is gone or on its way out. A worker that awaited (a page of the
    list, the lookups) must check this before it queries its screen: Textual removes a
    screen's widgets before the screen itself, so for a while the screen is attached and
    its children are not (a `NoMatches` at exit). `App._prune` marks the whole subtree
    with the private `_pruning` first; `is_attached` alone misses that window. No public
    flag and no upstream issue found."""
    return not node.is_attached or node._pruning or node._closing or node._closed


def share_lines(document: Document, lines: list[str]) -> None:
    """Make `document` read its lines from `lines` (a list kept by someone else, edited
    in place) and join them with "\\n": a Document keeps its text as the private
    `_lines` and `_newline`, and its constructor would copy the text instead. No upstream
    issue found."""
    document._lines = lines
    document._newline = "\n"


class OwnDocument(TextArea):
    """A TextArea whose document its subclass makes (`new_document`), for a document
    class of its own: TextArea makes its document in the private `_set_document` (for a
    new text, and again when the language changes), with no public hook for the class.
    This repeats what `_set_document` does after making it (Textual 8.2). No upstream
    issue found."""

    def new_document(self, text: str, language: str | None) -> DocumentBase:
        """The document for `text` (TextArea's arguments to `_set_document`)."""
        raise NotImplementedError

    def _set_document(self, text: str, language: str | None) -> None:
        document = self.new_document(text, language)
        self._highlight_query = None  # no syntax highlighting
        self.document = document
        self.wrapped_document = WrappedDocument(document, tab_width=self.indent_width)
        self.navigator = DocumentNavigator(self.wrapped_document)
        self._build_highlight_map()
        self.move_cursor((0, 0))
        self._rewrap_and_refresh_virtual_size()
