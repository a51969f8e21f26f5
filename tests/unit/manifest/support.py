"""Validate YAML text the way the loader does: the PyYAML adapter, then the domain rules."""

from __future__ import annotations

import textwrap

import pytest

from domain.errors import ValidationFailed
from domain.manifest.model import Manifest
from domain.manifest.problems import ManifestProblem
from domain.manifest.validation import validate_manifest
from infra.manifest.yaml_document import parse_document

PLATFORM = "1.0.0"

EXAMPLE = """\
name: my-tool
version: 1.0.0
description: What it does
author: Jane <jane@example.com>
license: MIT
machete:
  version: ">=1.0.0"
  category: automation
  port: 8080
  health_check: /health
  environment: [LOG_LEVEL=info, "GREETING=a=b"]
  volumes: ["./data:/app/data", "./config:/app/config:ro"]
  dependencies: []
ui: {icon: "🔧", color: "#ff6b35", routes: [{path: /, title: Dashboard}]}
resources: {memory: 512Mi, cpu: 500m}
permissions: {filesystem: {read_only: false}}
"""


def validate(text: str, platform: str = PLATFORM) -> Manifest:
    return validate_manifest(parse_document(textwrap.dedent(text)), platform)


def problems_of(text: str, platform: str = PLATFORM) -> list[ManifestProblem]:
    with pytest.raises(ValidationFailed) as caught:
        validate(text, platform)
    return manifest_problems(caught.value)


def manifest_problems(error: ValidationFailed) -> list[ManifestProblem]:
    """The error's problems, each checked to be a ManifestProblem."""
    problems = [problem for problem in error.problems if isinstance(problem, ManifestProblem)]
    assert len(problems) == len(error.problems), error.problems
    return problems


def minimal(machete: str = "", top: str = "") -> str:
    """A valid manifest with extra lines under `machete:` and at the top level."""
    body = "".join(f"  {line}\n" for line in textwrap.dedent(machete).splitlines())
    return f"name: a-tool\nmachete:\n  port: 8080\n{body}{textwrap.dedent(top)}"


def only_problem(text: str) -> ManifestProblem:
    problems = problems_of(text)
    assert len(problems) == 1, [problem.message for problem in problems]
    return problems[0]
