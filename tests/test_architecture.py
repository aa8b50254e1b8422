"""The package layout is the pipeline: these tests keep it so.

load (meetingfile) -> model -> check -> plan -> render -> write, with the archive runner,
the importer and the commands on top. A module may import its own layer and the layers
below it, never one above, and the import graph has no cycles. The plan's `Document` is
all a renderer sees: no field of it is or holds the loaded `Meeting`.
"""

from __future__ import annotations

import ast
import dataclasses
import typing
from pathlib import Path

import pytest

from referatgen import model
from referatgen.plan import Document

PACKAGE = Path(__file__).resolve().parents[1] / "referatgen"

#: Layers, lowest first. A module belongs to the first prefix that matches it.
LAYERS: tuple[tuple[str, ...], ...] = (
    ("referatgen._version", "referatgen._resources", "referatgen.options",
     "referatgen.diagnostics", "referatgen.vocabulary", "referatgen.dates",
     "referatgen.commonmark", "referatgen.cpr"),
    ("referatgen.meetingfile",),
    ("referatgen.model", "referatgen.styles"),
    ("referatgen.check", "referatgen.dump", "referatgen.new_meeting"),
    ("referatgen.plan",),
    ("referatgen.render", "referatgen.render.pdf_tags", "referatgen.write",
     "referatgen._pdf_worker"),
    ("referatgen._api",),
    ("referatgen.archive", "referatgen.importer", "referatgen.serve"),
    ("referatgen.commands",),
    ("referatgen._cli", "referatgen.__main__", "referatgen"),
)

MAX_FUNCTION_LINES = 60


def module_name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


MODULES = {module_name(p): p for p in sorted(PACKAGE.rglob("*.py"))}


def layer(name: str) -> int:
    for index, prefixes in enumerate(LAYERS):
        if any(name == p or name.startswith(p + ".") for p in prefixes):
            return index
    raise AssertionError(f"{name} is in no layer: add it to LAYERS")


def imports(name: str) -> set[str]:
    """Every referatgen module `name` imports, at the top or inside a function."""
    path = MODULES[name]
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text("utf-8"))):
        if isinstance(node, ast.Import):
            found.update(a.name for a in node.names if a.name.startswith("referatgen"))
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                target = ".".join([*base, *([node.module] if node.module else [])])
            else:
                target = node.module or ""
            if not target.startswith("referatgen"):
                continue
            for alias in node.names:
                # `from . import x` names a module when x is one.
                sub = f"{target}.{alias.name}"
                found.add(sub if sub in MODULES else target)
    found.discard(name)
    return {m for m in found if m in MODULES}


GRAPH = {name: imports(name) for name in MODULES}


def test_every_module_is_in_a_layer() -> None:
    for name in MODULES:
        layer(name)


def test_imports_point_down_the_pipeline() -> None:
    upward = sorted(
        f"{name} (layer {layer(name)}) imports {target} (layer {layer(target)})"
        for name, targets in GRAPH.items() for target in targets
        if layer(target) > layer(name)
    )
    assert upward == []


def _cycle(graph: dict[str, set[str]]) -> list[str] | None:
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        stack.append(node)
        for target in sorted(graph[node]):
            if state.get(target) == 1:
                return [*stack[stack.index(target):], target]
            if target not in state and (found := visit(target)):
                return found
        stack.pop()
        state[node] = 2
        return None

    for node in sorted(graph):
        if node not in state and (found := visit(node)):
            return found
    return None


def test_no_import_cycles() -> None:
    assert _cycle(GRAPH) is None


def test_the_cycle_finder_finds_a_cycle() -> None:
    # The check above must be able to fail.
    assert _cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert _cycle({"a": {"b"}, "b": set()}) is None


def test_renderers_see_neither_the_model_nor_the_file() -> None:
    forbidden = ("referatgen.model", "referatgen.meetingfile", "referatgen.check",
                 "referatgen._api", "referatgen.archive")
    leaks = sorted(
        f"{name} imports {target}"
        for name, targets in GRAPH.items() if name.startswith("referatgen.render")
        for target in targets
        if any(target == f or target.startswith(f + ".") for f in forbidden)
    )
    assert leaks == []


def _model_classes() -> set[type]:
    # Text (Markdown with its source position) is the one model type the plan passes on:
    # renderers need the Markdown, and findings in it point into the file.
    return {obj for obj in vars(model).values()
            if isinstance(obj, type) and obj.__module__ == model.__name__
            and obj is not model.Text and obj is not model.Where}


def _types_in(hint: object) -> set[object]:
    out = {hint}
    for arg in typing.get_args(hint):
        out |= _types_in(arg)
    return out


def test_the_document_holds_nothing_of_the_loaded_meeting() -> None:
    forbidden = _model_classes()
    assert model.Meeting in forbidden and model.Item in forbidden
    seen: set[type] = set()
    todo: list[type] = [Document]
    while todo:
        cls = todo.pop()
        if cls in seen:
            continue
        seen.add(cls)
        for field_name, hint in typing.get_type_hints(cls).items():
            for found in _types_in(hint):
                assert found not in forbidden, f"{cls.__name__}.{field_name} holds {found}"
                if isinstance(found, type) and dataclasses.is_dataclass(found):
                    todo.append(found)
    assert len(seen) > 3  # Document, PlannedItem, PlannedBlock, PlannedBilag, Style, ...


def _long_functions() -> list[str]:
    out = []
    for name, path in MODULES.items():
        for node in ast.walk(ast.parse(path.read_text("utf-8"))):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                length = (node.end_lineno or node.lineno) - node.lineno + 1
                if length > MAX_FUNCTION_LINES:
                    out.append(f"{name}.{node.name}: {length} lines")
    return sorted(out)


def test_no_function_is_longer_than_sixty_lines() -> None:
    assert _long_functions() == []


@pytest.mark.parametrize("option", ["C901", "PLR0912", "PLR0913", "PLR0915"])
def test_complexity_rules_have_no_exceptions(option: str) -> None:
    """The limits in pyproject.toml hold everywhere: no noqa, no per-file ignore."""
    for name, path in MODULES.items():
        assert f"noqa: {option}" not in path.read_text("utf-8"), name
    pyproject = (PACKAGE.parent / "pyproject.toml").read_text("utf-8")
    assert "per-file-ignores" not in pyproject
    assert option in pyproject.split("[tool.ruff.lint]")[1].split("\n[")[0]


def test_commands_return_exit_codes_by_name() -> None:
    """Exit codes are `ExitCode` members, never bare numbers, in the command line."""
    found = []
    for name, path in MODULES.items():
        if not (name.startswith("referatgen.commands") or name == "referatgen._cli"):
            continue
        for node in ast.walk(ast.parse(path.read_text("utf-8"))):
            value = node.value if isinstance(node, ast.Return) else None
            if isinstance(value, ast.Constant) and isinstance(value.value, int):
                found.append(f"{name}:{node.lineno}")
            if isinstance(value, ast.IfExp) and any(
                    isinstance(v, ast.Constant) and isinstance(v.value, int)
                    for v in (value.body, value.orelse)):
                found.append(f"{name}:{node.lineno}")
    assert found == []
