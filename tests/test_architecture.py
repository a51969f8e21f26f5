"""Dependencies point inward: `domain/` imports only the standard library and itself; `graph/`
reaches adapters only through the domain's ports; `infra/` serves `graph/` only from its entry
points."""

from __future__ import annotations

import ast
import sys
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
ALLOWED = set(sys.stdlib_module_names) | {"domain", "__future__"}
# The SDKs that only adapters in `infra/` may use: SQLAlchemy, docker-py and GitPython.
ADAPTER_SDKS = {"sqlalchemy", "docker", "git"}
SLICES = {"tools", "builds", "users", "auth", "system"}
SLICE_PRIVATE = {"inputs", "payloads"}
# The processes `infra/` starts: they may build the GraphQL app; nothing else in infra may.
INFRA_ENTRY_POINTS = {"infra/cli.py", "infra/worker_process.py"}


def imported_modules(path: Path, root: Path = ROOT) -> set[str]:
    """Every module `path` imports; for `from a import b`, both `a` and `a.b` (b may be one)."""
    tree = ast.parse(path.read_text(), filename=str(path))
    modules: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            modules.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            module = absolute_module(path, root, node)
            modules.add(module)
            modules.update(f"{module}.{alias.name}" for alias in node.names)
    return modules


def absolute_module(path: Path, root: Path, node: ast.ImportFrom) -> str:
    if node.level == 0:
        return node.module or ""
    # A relative import names a package counted from the importing file's own module.
    package = path.relative_to(root).with_suffix("").parts[: -node.level]
    return ".".join([*package, *([node.module] if node.module else [])])


def imports_under(root: Path, folder: str) -> Iterator[tuple[str, str]]:
    """(file, module) for every import of every Python file under `root/folder`."""
    for path in sorted((root / folder).rglob("*.py")):
        for module in imported_modules(path, root):
            yield path.relative_to(root).as_posix(), module


def adapter_sdks_in_graph(root: Path) -> set[str]:
    return {
        f"{file}: {module}"
        for file, module in imports_under(root, "graph")
        if module.split(".")[0] in ADAPTER_SDKS
    }


def other_slices_inputs_or_payloads(root: Path) -> set[str]:
    found = set()
    for file, module in imports_under(root, "graph"):
        own = file.split("/")[1] if file.count("/") >= 2 else None
        target = module.split(".")
        if (
            own in SLICES
            and len(target) >= 3
            and target[0] == "graph"
            and target[1] in SLICES - {own}
            and target[2] in SLICE_PRIVATE
        ):
            found.add(f"{file}: {module}")
    return found


def graph_in_infra_beyond_entry_points(root: Path) -> set[str]:
    return {
        f"{file}: {module}"
        for file, module in imports_under(root, "infra")
        if module.split(".")[0] == "graph" and file not in INFRA_ENTRY_POINTS
    }


def test_the_domain_imports_nothing_but_the_standard_library_and_itself() -> None:
    offenders = {
        f"{path.relative_to(ROOT)}: {module}"
        for path in (ROOT / "domain").rglob("*.py")
        for module in imported_modules(path)
        if module.split(".")[0] not in ALLOWED
    }
    assert offenders == set()


def test_the_guard_notices_a_forbidden_import(tmp_path: Path) -> None:
    sample = tmp_path / "sample.py"
    sample.write_text("import sqlalchemy\nfrom graph.app import x\nfrom infra import y\n")
    found = {m.split(".")[0] for m in imported_modules(sample)}
    assert found - ALLOWED == {"sqlalchemy", "graph", "infra"}


def test_graph_imports_no_sqlalchemy_docker_or_gitpython() -> None:
    assert adapter_sdks_in_graph(ROOT) == set()


def test_a_graph_slice_imports_no_other_slices_inputs_or_payloads() -> None:
    assert other_slices_inputs_or_payloads(ROOT) == set()


def test_infra_imports_graph_only_from_its_entry_points() -> None:
    assert graph_in_infra_beyond_entry_points(ROOT) == set()


def write(root: Path, file: str, source: str) -> None:
    (root / file).parent.mkdir(parents=True, exist_ok=True)
    (root / file).write_text(source)


def test_the_guards_notice_sdks_in_graph_and_slices_reaching_into_each_other(
    tmp_path: Path,
) -> None:
    write(
        tmp_path,
        "graph/tools/queries.py",
        "import docker\nfrom git import Repo\nfrom sqlalchemy.orm import Session\n"
        "from graph.users.inputs import CreateUserInput\nfrom graph.builds import payloads\n"
        "from ..auth import inputs\n"
        "from graph.builds.types import BuildType\nfrom graph.tools.inputs import ToolFilter\n",
    )
    write(tmp_path, "graph/schema.py", "from graph.tools.inputs import ToolFilter\n")
    assert adapter_sdks_in_graph(tmp_path) == {
        "graph/tools/queries.py: docker",
        "graph/tools/queries.py: git",
        "graph/tools/queries.py: git.Repo",
        "graph/tools/queries.py: sqlalchemy.orm",
        "graph/tools/queries.py: sqlalchemy.orm.Session",
    }
    assert other_slices_inputs_or_payloads(tmp_path) == {
        "graph/tools/queries.py: graph.users.inputs",
        "graph/tools/queries.py: graph.users.inputs.CreateUserInput",
        "graph/tools/queries.py: graph.builds.payloads",
        "graph/tools/queries.py: graph.auth.inputs",
    }


def test_the_guard_notices_infra_importing_graph_beyond_its_entry_points(tmp_path: Path) -> None:
    write(tmp_path, "infra/cli.py", "def serve():\n    from graph.app import create_app\n")
    write(tmp_path, "infra/db/engine.py", "from graph.context import GraphQLContext\n")
    assert graph_in_infra_beyond_entry_points(tmp_path) == {
        "infra/db/engine.py: graph.context",
        "infra/db/engine.py: graph.context.GraphQLContext",
    }
