"""The config file's [keymap] gives bindings other keys (Textual's keymap, by binding
id); the theme chosen in the palette is kept for the next run."""

from __future__ import annotations

import importlib
import inspect
import os
import pkgutil
import re
from pathlib import Path

from textual.binding import Binding
from textual.dom import DOMNode

import voicedesk.tui
from tui_helpers import make_app, open_editor, wait_until
from voicedesk.sandbox import Sandbox
from voicedesk.tui.app import KEYMAP_IDS
from voicedesk.tui.screens.review import ReviewScreen

README = Path(__file__).parent.parent / "README.md"


def binding_ids() -> set[str]:
    found = set()
    for module_info in pkgutil.walk_packages(voicedesk.tui.__path__, "voicedesk.tui."):
        module = importlib.import_module(module_info.name)
        for _name, cls in inspect.getmembers(module, inspect.isclass):
            if issubclass(cls, DOMNode) and cls.__module__ == module.__name__:
                for binding in cls.__dict__.get("BINDINGS", []):
                    if isinstance(binding, Binding) and binding.id:
                        found.add(binding.id)
    return found


def test_every_binding_id_may_be_remapped_and_the_readme_lists_them_all() -> None:
    ids = binding_ids()
    assert ids == KEYMAP_IDS
    readme = README.read_text(encoding="utf-8")
    missing = [binding for binding in sorted(ids) if f"`{binding}`" not in readme]
    assert not missing, missing
    print(f"{len(ids)} binding ids")


def write_config(text: str) -> None:
    folder = Path(os.environ["VOICEDESK_CONFIG_DIR"])
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "config.toml").write_text(text, encoding="utf-8")


async def test_a_remapped_key_does_the_action_and_the_old_one_no_longer_does() -> None:
    write_config('[keymap]\n"editor.review" = "f9"\n"no.such" = "f10"\n')
    with Sandbox(rate_limit=None) as sandbox:
        app = make_app(sandbox, 101)
        async with app.run_test(size=(120, 36)) as pilot:
            editor = await open_editor(pilot)
            assert any("'no.such'" in str(n.message) for n in app._notifications), "an unknown id is said"
            await pilot.press("end", "x", "ctrl+s")
            await pilot.pause()
            assert app.screen is editor
            await pilot.press("f9")
            await wait_until(pilot, lambda: isinstance(app.screen, ReviewScreen))


async def test_a_keymap_that_is_not_keys_is_said_and_the_app_runs_with_its_own_keys() -> None:
    write_config('[keymap]\n"editor.review" = 5\n')
    with Sandbox(rate_limit=None) as sandbox:
        app = make_app(sandbox, 101)
        async with app.run_test(size=(120, 36)) as pilot:
            await open_editor(pilot)
            assert any("[keymap] must map binding ids to keys" in str(n.message) for n in app._notifications)
            await pilot.press("end", "x", "ctrl+s")
            await wait_until(pilot, lambda: isinstance(app.screen, ReviewScreen))


async def test_the_theme_chosen_is_used_again_on_the_next_run() -> None:
    with Sandbox(rate_limit=None) as sandbox:
        first = make_app(sandbox, 101)
        async with first.run_test(size=(80, 24)) as pilot:
            await open_editor(pilot)
            other = next(name for name in sorted(first.available_themes) if name != first.theme)
            first.theme = other
            await pilot.pause()
        second = make_app(sandbox, 101)
        assert second.theme == other
        stored = Path(os.environ["VOICEDESK_STATE_DIR"]) / "preferences.json"
        assert re.search(r'"theme": "[^"]+"', stored.read_text()) and oct(stored.stat().st_mode)[-3:] == "600"
