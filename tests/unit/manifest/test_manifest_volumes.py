"""`machete.volumes`: relative host paths only, no Docker socket, no duplicate mount points."""

from __future__ import annotations

import pytest

from domain.errors import ErrorCode
from domain.manifest.model import Volume
from tests.unit.manifest.support import minimal, only_problem, problems_of, validate


@pytest.mark.parametrize(
    ("spec", "volume"),
    [
        ("./data:/app/data", Volume("./data", "/app/data")),
        ("data:/app/data", Volume("data", "/app/data")),
        ("./a/b:/srv/b:ro", Volume("./a/b", "/srv/b", read_only=True)),
        ("./cache:/cache:rw", Volume("./cache", "/cache", read_only=False)),
    ],
)
def test_relative_host_paths_are_accepted(spec: str, volume: Volume) -> None:
    assert validate(minimal(f'volumes: ["{spec}"]')).volumes == (volume,)


@pytest.mark.parametrize(
    "spec",
    [
        "/etc:/x",
        "/var/run/docker.sock:/x",
        "../up:/x",
        "./a/../../b:/x",
        "a/..:/x",
        ":/x",
        "./docker.sock:/x",
        "sub/Docker.Sock:/x",
        "~/secrets:/x",
    ],
)
def test_host_paths_that_could_leave_the_tools_directory_are_not_allowed(spec: str) -> None:
    problem = only_problem(minimal(f'volumes: ["{spec}"]'))

    assert problem.code is ErrorCode.VOLUME_NOT_ALLOWED
    assert (problem.path, problem.line) == (("machete", "volumes", 0), 4)


def test_an_absolute_host_path_is_refused_with_a_message_saying_why() -> None:
    problem = only_problem(minimal('volumes: ["/srv/data:/app/data"]'))

    assert problem.code is ErrorCode.VOLUME_NOT_ALLOWED
    assert "must be relative" in problem.detail


@pytest.mark.parametrize(
    "spec",
    [
        "./d:relative",
        "./d:/",
        "./d:/app/../etc",
        "./d:/var/run/docker.sock",
        "./d:/run/docker.sock",
        "./d:/run//docker.sock",
    ],
)
def test_container_paths_must_be_absolute_and_harmless(spec: str) -> None:
    problem = only_problem(minimal(f'volumes: ["{spec}"]'))

    assert problem.code is ErrorCode.VOLUME_NOT_ALLOWED


@pytest.mark.parametrize("spec", ["./d", "./d:/x:rx", "./d:/x:ro:extra", ""])
def test_malformed_volume_specs_are_refused(spec: str) -> None:
    problem = only_problem(minimal(f'volumes: ["{spec}"]'))

    assert problem.code is ErrorCode.MANIFEST_INVALID
    assert problem.path == ("machete", "volumes", 0)


def test_two_volumes_on_one_container_path_are_refused_at_the_second() -> None:
    problem = only_problem(minimal("volumes:\n  - ./a:/data\n  - ./b:/data/\n"))

    assert (problem.path, problem.line) == (("machete", "volumes", 1), 6)
    assert "line 5" in problem.detail


def test_every_bad_volume_is_reported_not_only_the_first() -> None:
    problems = problems_of(minimal('volumes: ["/a:/x", "../b:/y", "./ok:/z", 5]'))

    assert [problem.path[-1] for problem in problems] == [0, 1, 3]
