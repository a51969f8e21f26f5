"""`schema.graphql` is exactly what `strawberry export-schema` prints for the code."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_the_committed_schema_matches_the_exported_schema() -> None:
    exported = subprocess.run(
        [str(Path(sys.executable).parent / "strawberry"), "export-schema", "graph.schema:schema"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    ).stdout
    committed = (ROOT / "schema.graphql").read_text()
    assert committed.strip() == exported.strip(), "run `make schema` and commit schema.graphql"


def test_the_app_serves_the_same_schema_as_the_exported_one() -> None:
    from graph.schema import build_schema, hardened_extensions, schema

    served = build_schema(
        hardened_extensions(max_depth=10, max_aliases=10, max_tokens=1000, introspection=False)
    )
    assert served.as_str() == schema.as_str()
