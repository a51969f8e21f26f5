"""The rules of single fields: category, health check, platform version, resources, deploy."""

from __future__ import annotations

import pytest

from domain.errors import ErrorCode
from domain.manifest.model import Category, DeployStrategy, manifest_from_document
from tests.unit.manifest.support import minimal, only_problem, validate


def test_every_category_is_accepted() -> None:
    for category in Category:
        assert validate(minimal(f"category: {category.value}")).category is category


def test_an_unknown_category_suggests_the_closest_one_and_lists_them_all() -> None:
    problem = only_problem(minimal("category: monitorng"))

    assert problem.path == ("machete", "category")
    assert 'did you mean "monitoring"?' in problem.detail
    assert "automation, devops, testing" in problem.detail


@pytest.mark.parametrize("path", ["/", "/health", "/api/v1/status?verbose=1", "/a-b_c.json"])
def test_health_check_paths_are_accepted(path: str) -> None:
    assert validate(minimal(f"health_check: '{path}'")).health_check == path


@pytest.mark.parametrize(
    "yaml_value",
    ["health", "//evil.example/x", '"/a b"', r'"/a\tb"', "/../etc", "/a/..", r"'/x\y'", "''"],
)
def test_health_check_paths_that_could_leave_the_tool_are_refused(yaml_value: str) -> None:
    problem = only_problem(minimal(f"health_check: {yaml_value}"))

    assert problem.path == ("machete", "health_check")


@pytest.mark.parametrize(
    "constraint", [">=1.0.0", "^1.0", "~1.0", "1.x", ">=1.0 <2.0", "*", "1.0.0", "1", ">=0.9, <1.1"]
)
def test_platform_constraints_the_platform_meets_are_accepted(constraint: str) -> None:
    manifest = validate(minimal(f'version: "{constraint}"'))

    assert manifest.platform_version == constraint


def test_an_unmet_platform_constraint_names_both_versions() -> None:
    problem = only_problem(minimal('version: ">=2.0.0"'))

    assert problem.code is ErrorCode.UNSUPPORTED_PLATFORM_VERSION
    assert (problem.path, problem.line) == (("machete", "version"), 4)
    assert ">=2.0.0" in problem.detail
    assert "1.0.0" in problem.detail


def test_the_same_constraint_passes_on_a_newer_platform() -> None:
    assert validate(minimal('version: ">=2.0.0"'), platform="2.1.0").platform_version == ">=2.0.0"


def test_a_malformed_platform_constraint_is_a_plain_manifest_problem() -> None:
    problem = only_problem(minimal('version: "newest please"'))

    assert problem.code is ErrorCode.MANIFEST_INVALID
    assert "not a version constraint" in problem.detail


@pytest.mark.parametrize(
    ("memory", "expected"),
    [
        ("512Mi", 512 * 1024**2),
        ("1Gi", 1024**3),
        ("256M", 256 * 1024**2),
        ("1G", 1024**3),
        ("67108864", 67108864),
        (67108864, 67108864),
    ],
)
def test_memory_amounts_become_bytes(memory: str | int, expected: int) -> None:
    manifest = validate(minimal(top=f"resources: {{memory: {memory}}}\n"))

    assert manifest.resources.memory_bytes == expected


@pytest.mark.parametrize(
    ("cpu", "expected"),
    [("500m", 500_000_000), ("0.5", 500_000_000), (1, 10**9), (2, 2 * 10**9), (0.25, 250_000_000)],
)
def test_cpu_amounts_become_nano_cpus(cpu: str | float, expected: int) -> None:
    manifest = validate(minimal(top=f"resources: {{cpu: {cpu}}}\n"))

    assert manifest.resources.nano_cpus == expected


@pytest.mark.parametrize(
    ("resources", "path"),
    [
        ("{memory: lots}", ("resources", "memory")),
        ("{memory: 1Pi}", ("resources", "memory")),
        ("{memory: 1Ki}", ("resources", "memory")),
        ("{memory: true}", ("resources", "memory")),
        ("{cpu: fast}", ("resources", "cpu")),
        ("{cpu: 0}", ("resources", "cpu")),
        ("{cpu: -1}", ("resources", "cpu")),
        ("{cpu: .nan}", ("resources", "cpu")),
        ("{cpu: 5000}", ("resources", "cpu")),
    ],
)
def test_resource_amounts_that_make_no_sense_are_refused(
    resources: str, path: tuple[str, ...]
) -> None:
    problem = only_problem(minimal(top=f"resources: {resources}\n"))

    assert problem.path == path


def test_a_tool_is_deployed_rolling_unless_it_asks_for_recreate() -> None:
    assert validate(minimal()).deploy is DeployStrategy.ROLLING
    assert validate(minimal("deploy: rolling")).deploy is DeployStrategy.ROLLING
    assert validate(minimal("deploy: recreate")).deploy is DeployStrategy.RECREATE


def test_an_unknown_deploy_strategy_names_both_and_suggests_the_closest() -> None:
    problem = only_problem(minimal("deploy: recreat"))

    assert (problem.path, problem.line) == (("machete", "deploy"), 4)
    assert 'did you mean "recreate"?' in problem.detail
    assert '"rolling"' in problem.detail and '"recreate"' in problem.detail


def test_the_deploy_strategy_survives_the_stored_document() -> None:
    manifest = validate(minimal("deploy: recreate"))
    assert manifest_from_document(manifest.to_document()).deploy is DeployStrategy.RECREATE
    older = manifest.to_document()
    del older["machete"]["deploy"]  # stored before the key existed
    assert manifest_from_document(older).deploy is DeployStrategy.ROLLING
