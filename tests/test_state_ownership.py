"""Entities own their state: only `Tool` moves a tool's status (and only `Build` a build's),
and repositories, real or fake, persist what entities recorded without inventing events."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PRODUCTION = ("domain", "infra", "graph")
# The entities themselves, and the rows that copy an entity's fields into a table and back.
OWNERS = {"domain/tools/model.py", "domain/builds/model.py"}
ROWS = "infra/db/rows/"
REPOSITORIES = [
    *sorted((ROOT / "infra/db/repositories").glob("*.py")),
    *sorted((ROOT / "tests/unit").glob("fake_*repositories.py")),
]


def status_writes(tree: ast.AST) -> list[int]:
    """Lines that set a `status` attribute, or build or copy an entity with a given status."""
    lines = []
    for node in ast.walk(tree):
        targets: list[ast.expr] = []
        if isinstance(node, ast.Assign):
            targets = list(node.targets)
        elif isinstance(node, ast.AugAssign | ast.AnnAssign):
            targets = [node.target]
        for target in targets:
            elements = target.elts if isinstance(target, ast.Tuple) else [target]
            if any(is_status_of_another(element) for element in elements):
                lines.append(target.lineno)
        if isinstance(node, ast.Call) and sets_status(node):
            lines.append(node.lineno)
    return lines


def is_status_of_another(target: ast.expr) -> bool:
    """`x.status` for an object that is not the class's own (a git error's exit status is)."""
    if not isinstance(target, ast.Attribute) or target.attr != "status":
        return False
    return not (isinstance(target.value, ast.Name) and target.value.id == "self")


def sets_status(call: ast.Call) -> bool:
    """`replace(entity, status=...)`, `Tool(..., status=...)` or `setattr(x, "status", ...)`."""
    func = call.func
    name = func.id if isinstance(func, ast.Name) else getattr(func, "attr", "")
    if name == "setattr":
        return any(isinstance(a, ast.Constant) and a.value == "status" for a in call.args)
    named = any(keyword.arg == "status" for keyword in call.keywords)
    return named and name in {"replace", "Tool", "Build"}


def invented_events(path: Path) -> list[int]:
    """Lines that import event types: a repository that has them would make its own."""
    tree = ast.parse(path.read_text(), filename=str(path))
    return [
        node.lineno
        for node in ast.walk(tree)
        if (isinstance(node, ast.ImportFrom) and node.module == "domain.events")
        or (isinstance(node, ast.Import) and any(a.name == "domain.events" for a in node.names))
    ]


def test_no_module_but_the_entities_sets_a_status() -> None:
    offenders = [
        f"{relative}:{line}"
        for layer in PRODUCTION
        for path in sorted((ROOT / layer).rglob("*.py"))
        if (relative := str(path.relative_to(ROOT))) not in OWNERS and not relative.startswith(ROWS)
        for line in status_writes(ast.parse(path.read_text(), filename=relative))
    ]
    assert offenders == []


def test_the_status_guard_notices_every_way_of_setting_one() -> None:
    sample = ast.parse(
        "tool.status = ToolStatus.FAILED\n"
        "tool.desired_state, current.status = a, b\n"
        "dataclasses.replace(tool, status=ToolStatus.RUNNING)\n"
        "setattr(tool, 'status', ToolStatus.RUNNING)\n"
        "Tool('t', url, None, None, 1, now, now, status=ToolStatus.RUNNING)\n"
        "ContainerState(running=True, status='running')\n"
        "tool.start(now)\n"
        "if tool.status is ToolStatus.RUNNING: pass\n"
    )
    assert status_writes(sample) == [1, 2, 3, 4, 5]


def test_repositories_create_no_events() -> None:
    assert len(REPOSITORIES) >= 8, "the repositories moved: point this test at them"
    offenders = [
        f"{path.relative_to(ROOT)}:{line}"
        for path in REPOSITORIES
        for line in invented_events(path)
    ]
    assert offenders == []


def test_the_event_guard_notices_a_repository_that_makes_its_own(tmp_path: Path) -> None:
    sample = tmp_path / "repository.py"
    sample.write_text("import uuid\nfrom domain.events import ToolChanged\nimport domain.events\n")
    assert invented_events(sample) == [2, 3]
