"""`YamlManifestLoader` against real directories: missing files, symlinks, bad bytes, success."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import pytest

from domain.errors import ErrorCode, ManifestError, ValidationFailed
from domain.manifest.model import Category
from domain.manifest.problems import ManifestProblem
from infra.manifest.loader import YamlManifestLoader
from tests.fixtures.repos import DOCKERFILE, MANIFEST

VALID_MANIFEST = MANIFEST.format(name="hello-tool", port=8080)


@pytest.fixture
def loader() -> YamlManifestLoader:
    return YamlManifestLoader("1.0.0")


def tool_directory(root: Path, **files: str | bytes) -> Path:
    for name, content in files.items():
        path = root / name
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content)
    return root


def test_a_valid_directory_loads_its_manifest(loader: YamlManifestLoader, tmp_path: Path) -> None:
    directory = tool_directory(
        tmp_path, **{"machete.yml": VALID_MANIFEST, "Dockerfile": DOCKERFILE}
    )

    manifest = loader.load(directory)

    assert (manifest.name, manifest.port, manifest.category) == (
        "hello-tool",
        8080,
        Category.TESTING,
    )
    assert manifest.environment == {"GREETING": "hello", "EQUATION": "a=b"}


def test_a_missing_manifest_is_refused_naming_machete_yml(
    loader: YamlManifestLoader, tmp_path: Path
) -> None:
    directory = tool_directory(tmp_path, Dockerfile=DOCKERFILE)

    with pytest.raises(ManifestError) as caught:
        loader.load(directory)

    assert caught.value.code is ErrorCode.MANIFEST_MISSING
    assert "machete.yml" in caught.value.message


def test_a_missing_dockerfile_is_refused_naming_the_dockerfile(
    loader: YamlManifestLoader, tmp_path: Path
) -> None:
    directory = tool_directory(tmp_path, **{"machete.yml": VALID_MANIFEST})

    with pytest.raises(ManifestError) as caught:
        loader.load(directory)

    assert caught.value.code is ErrorCode.DOCKERFILE_MISSING
    assert "Dockerfile" in caught.value.message


def test_when_both_files_are_missing_the_manifest_is_named(
    loader: YamlManifestLoader, tmp_path: Path
) -> None:
    with pytest.raises(ManifestError) as caught:
        loader.load(tmp_path)

    assert caught.value.code is ErrorCode.MANIFEST_MISSING


def test_files_are_checked_before_the_manifest_is_parsed(
    loader: YamlManifestLoader, tmp_path: Path
) -> None:
    directory = tool_directory(tmp_path, **{"machete.yml": "not: [valid"})

    with pytest.raises(ManifestError) as caught:
        loader.load(directory)

    assert caught.value.code is ErrorCode.DOCKERFILE_MISSING


def test_a_symlinked_manifest_is_refused_even_when_it_points_at_a_valid_file(
    loader: YamlManifestLoader, tmp_path: Path
) -> None:
    elsewhere = tmp_path / "elsewhere.yml"
    elsewhere.write_text(VALID_MANIFEST)
    directory = tmp_path / "tool"
    directory.mkdir()
    tool_directory(directory, Dockerfile=DOCKERFILE)
    (directory / "machete.yml").symlink_to(elsewhere)

    with pytest.raises(ManifestError) as caught:
        loader.load(directory)

    assert caught.value.code is ErrorCode.MANIFEST_INVALID
    assert "symbolic link" in caught.value.message


def test_a_symlinked_dockerfile_is_refused(loader: YamlManifestLoader, tmp_path: Path) -> None:
    directory = tool_directory(tmp_path, **{"machete.yml": VALID_MANIFEST})
    (directory / "Dockerfile").symlink_to("/etc/hostname")

    with pytest.raises(ManifestError) as caught:
        loader.load(directory)

    assert "Dockerfile" in caught.value.message
    assert "symbolic link" in caught.value.message


@pytest.mark.parametrize("make_manifest", [Path.mkdir, os.mkfifo], ids=["directory", "fifo"])
def test_a_manifest_that_is_not_a_regular_file_is_refused(
    loader: YamlManifestLoader, tmp_path: Path, make_manifest: Callable[[Path], object]
) -> None:
    directory = tool_directory(tmp_path, Dockerfile=DOCKERFILE)
    make_manifest(directory / "machete.yml")  # reading a FIFO would block forever

    with pytest.raises(ManifestError) as caught:
        loader.load(directory)

    assert caught.value.code is ErrorCode.MANIFEST_INVALID
    assert "regular file" in caught.value.message


def test_invalid_utf8_is_a_problem_at_its_line(loader: YamlManifestLoader, tmp_path: Path) -> None:
    files: dict[str, str | bytes] = {
        "machete.yml": b"name: a\nauthor: \xff\xfe\n",
        "Dockerfile": DOCKERFILE,
    }
    directory = tool_directory(tmp_path, **files)

    with pytest.raises(ValidationFailed) as caught:
        loader.load(directory)

    [problem] = caught.value.problems
    assert "UTF-8" in problem.message
    assert isinstance(problem, ManifestProblem) and problem.line == 2


def test_an_oversized_manifest_is_refused(loader: YamlManifestLoader, tmp_path: Path) -> None:
    huge = VALID_MANIFEST + "#" * (70 * 1024) + "\n"
    directory = tool_directory(tmp_path, **{"machete.yml": huge, "Dockerfile": DOCKERFILE})

    with pytest.raises(ValidationFailed) as caught:
        loader.load(directory)

    assert "64 KiB" in caught.value.message


def test_validation_problems_come_through_the_loader(
    loader: YamlManifestLoader, tmp_path: Path
) -> None:
    broken = VALID_MANIFEST.replace(">=1.0.0", ">=2.0.0")
    directory = tool_directory(tmp_path, **{"machete.yml": broken, "Dockerfile": DOCKERFILE})

    with pytest.raises(ValidationFailed) as caught:
        loader.load(directory)

    assert caught.value.code is ErrorCode.UNSUPPORTED_PLATFORM_VERSION


def test_a_byte_order_mark_is_tolerated(loader: YamlManifestLoader, tmp_path: Path) -> None:
    content = b"\xef\xbb\xbf" + VALID_MANIFEST.encode()
    files: dict[str, str | bytes] = {"machete.yml": content, "Dockerfile": DOCKERFILE}
    directory = tool_directory(tmp_path, **files)

    assert loader.load(directory).name == "hello-tool"


def test_a_loader_for_a_malformed_platform_version_cannot_be_built() -> None:
    with pytest.raises(ValueError):
        YamlManifestLoader("one point oh")
