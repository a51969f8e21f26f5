"""Dependencies point inward: `domain/` imports only the standard library and itself."""

from __future__ import annotations

import ast
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
ALLOWED = set(sys.stdlib_module_names) | {"domain", "__future__"}


def imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(), filename=str(path))
    modules: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            modules.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            modules.add(node.module)
        elif isinstance(node, ast.ImportFrom) and node.level > 0:
            modules.add("domain")  # a relative import stays inside the package
    return modules


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
