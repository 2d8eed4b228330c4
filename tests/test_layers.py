"""The layers of design.md: the core is headless, and only api/ and sandbox/ talk HTTP."""

from __future__ import annotations

import ast
import re
import subprocess
import sys
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "src" / "voicedesk"


def imports_of(module: str) -> set[str]:
    code = f"import sys, {module}; print(' '.join(sys.modules))"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return set(done.stdout.split())


def test_the_core_runs_without_textual() -> None:
    for module in ("voicedesk.session", "voicedesk.remote", "voicedesk.drafts", "voicedesk.history",
                   "voicedesk.parsing", "voicedesk.display", "voicedesk.settings", "voicedesk.lifeline"):
        assert not any(name.split(".")[0] == "textual" for name in imports_of(module)), module


def test_only_api_and_sandbox_import_httpx() -> None:
    pattern = re.compile(r"^\s*(from|import) httpx", re.MULTILINE)
    offenders = [
        path.relative_to(PACKAGE).as_posix()
        for path in PACKAGE.rglob("*.py")
        if pattern.search(path.read_text(encoding="utf-8"))
        and path.relative_to(PACKAGE).parts[0] not in ("api", "sandbox")
    ]
    assert offenders == []


def test_the_editor_starts_without_pydantic_or_the_httpx_command_line() -> None:
    # Both cost a cold start tens of milliseconds; the editor's first screen needs neither
    # (pydantic checks typed values later, on demand; httpx's CLI is never run).
    loaded = imports_of("voicedesk.cli, voicedesk.api, voicedesk.tui.app, voicedesk.tui.screens.editor")
    assert "voicedesk.tui.screens.editor" in loaded
    assert not {name for name in loaded if name.split(".")[0] == "pydantic"}
    assert "rich.progress" not in loaded and "pygments" not in loaded  # what httpx._main brings


# --- imports between voicedesk's own modules, read from the source -------------------------


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def own_imports() -> dict[str, set[str]]:
    """Each module of voicedesk and the modules of voicedesk it imports, at the top or
    inside a function alike (only `if TYPE_CHECKING:` blocks, never run, are left out)."""
    modules = {module_name(path): path for path in PACKAGE.rglob("*.py")}

    def resolve(name: str) -> str | None:
        while name and name not in modules:
            name = name.rpartition(".")[0]
        return name or None

    graph: dict[str, set[str]] = {}
    for name, path in modules.items():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        skipped = {id(node) for block in ast.walk(tree)
                   if isinstance(block, ast.If) and "TYPE_CHECKING" in ast.unparse(block.test)
                   for node in ast.walk(block)}
        package = name if path.name == "__init__.py" else name.rpartition(".")[0]
        targets: set[str] = set()
        for node in ast.walk(tree):
            if id(node) in skipped:
                continue
            if isinstance(node, ast.Import):
                targets.update(alias.name for alias in node.names)
            elif isinstance(node, ast.ImportFrom):
                base = node.module or ""
                if node.level:
                    here = package.split(".")[: len(package.split(".")) - (node.level - 1)]
                    base = ".".join([*here, *([base] if base else [])])
                targets.add(base)
                targets.update(f"{base}.{alias.name}" for alias in node.names)
        graph[name] = {
            found for target in targets
            if (found := resolve(target)) and found != name and not name.startswith(found + ".")
        }
    return graph


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components of more than one module (Tarjan's algorithm)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        for other in graph[node]:
            if other not in index:
                visit(other)
                low[node] = min(low[node], low[other])
            elif other in stack:
                low[node] = min(low[node], index[other])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def test_no_import_cycles_counting_imports_inside_functions() -> None:
    graph = own_imports()
    print(f"{len(graph)} modules, {sum(map(len, graph.values()))} imports between them")
    assert "voicedesk.tui.screens.picker" in graph["voicedesk.tui.app"]  # imported inside a method
    assert cycles(graph) == []


def test_the_cycle_finder_finds_a_cycle_through_a_function_level_import() -> None:
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]


def test_screens_never_import_each_other_and_widgets_no_screen() -> None:
    # The app opens every screen (see VoicedeskApp's navigation); the question dialog
    # (screens.modals) is used by anyone.
    graph = own_imports()
    screens = {name for name in graph if name.startswith("voicedesk.tui.screens.")}
    dialogs = {"voicedesk.tui.screens.modals"}
    offenders = {
        name: sorted(graph[name] & (screens - dialogs))
        for name in graph
        if (name in screens or name.startswith(("voicedesk.tui.widgets", "voicedesk.tui.form",
                                                "voicedesk.tui.editing")))
        and graph[name] & (screens - dialogs)
    }
    assert offenders == {}
