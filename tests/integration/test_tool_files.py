"""LocalToolFiles on the real filesystem: volumes stay inside the tool's own directory."""

from __future__ import annotations

from pathlib import Path

import pytest

from domain.errors import ErrorCode, ManifestError
from domain.manifest.model import Volume
from infra.files.tool_files import LocalToolFiles


@pytest.fixture
def tools_dir(tmp_path: Path) -> Path:
    return tmp_path / "tools"


@pytest.fixture
def outside(tmp_path: Path) -> Path:
    """A directory outside every tool's data directory, with a file worth protecting."""
    directory = tmp_path / "outside"
    directory.mkdir()
    (directory / "precious.txt").write_text("keep me")
    return directory


def all_paths(root: Path) -> set[Path]:
    return set(root.rglob("*")) if root.exists() else set()


def refusal_of(files: LocalToolFiles, tool: str, *volumes: Volume) -> ManifestError:
    with pytest.raises(ManifestError) as caught:
        files.mounts_for(tool, volumes)
    return caught.value


def test_volumes_become_directories_inside_the_tools_own_directory(tools_dir: Path) -> None:
    files = LocalToolFiles(tools_dir)
    mounts = files.mounts_for(
        "hello", (Volume("./data", "/app/data"), Volume("./config/nested", "/app/config", True))
    )

    root = (tools_dir / "hello").resolve()
    assert [mount.host_path for mount in mounts] == [root / "data", root / "config" / "nested"]
    assert [mount.container_path for mount in mounts] == ["/app/data", "/app/config"]
    assert all(mount.host_path.is_dir() for mount in mounts)
    assert (root / "data").stat().st_mode & 0o777 == 0o750


def test_a_read_only_volume_is_mounted_read_only(tools_dir: Path) -> None:
    mounts = LocalToolFiles(tools_dir).mounts_for(
        "hello", (Volume("data", "/d"), Volume("./config", "/c", read_only=True))
    )
    assert [mount.read_only for mount in mounts] == [False, True]


def test_asking_twice_reuses_the_existing_directories_and_their_content(tools_dir: Path) -> None:
    files = LocalToolFiles(tools_dir)
    (first,) = files.mounts_for("hello", (Volume("./data", "/d"),))
    (first.host_path / "state.db").write_text("kept")
    (second,) = files.mounts_for("hello", (Volume("./data", "/d"),))
    assert second.host_path == first.host_path
    assert (second.host_path / "state.db").read_text() == "kept"


@pytest.mark.parametrize(
    ("host_path", "reason"),
    [
        ("../../etc", "'..'"),
        ("./data/../../other-tool", "'..'"),
        ("/etc", "relative"),
        ("~/secrets", "relative"),
        ("./docker.sock", "Docker socket"),
        ("run/Docker.sock", "Docker socket"),
    ],
)
def test_a_volume_that_could_leave_the_tools_directory_is_refused_and_nothing_is_created(
    tools_dir: Path, host_path: str, reason: str
) -> None:
    files = LocalToolFiles(tools_dir)
    error = refusal_of(files, "hello", Volume("./fine", "/fine"), Volume(host_path, "/x"))

    assert error.code is ErrorCode.VOLUME_NOT_ALLOWED
    assert f"{host_path}:/x" in error.message
    assert reason in error.message
    assert all_paths(tools_dir) == set()


@pytest.mark.parametrize("host_path", ["./data", "./data/sub", "data/sub/deeper"])
def test_a_symlink_inside_the_tools_directory_pointing_outside_is_refused(
    tools_dir: Path, outside: Path, host_path: str
) -> None:
    root = tools_dir / "hello"
    root.mkdir(parents=True)
    (root / "data").symlink_to(outside)
    before = all_paths(tools_dir) | all_paths(outside)

    error = refusal_of(LocalToolFiles(tools_dir), "hello", Volume(host_path, "/x"))

    assert error.code is ErrorCode.VOLUME_NOT_ALLOWED
    assert "outside the tool's data directory" in error.message
    assert all_paths(tools_dir) | all_paths(outside) == before


def test_a_symlink_into_another_tools_directory_is_refused(tools_dir: Path) -> None:
    (tools_dir / "other").mkdir(parents=True)
    (tools_dir / "hello").mkdir()
    (tools_dir / "hello" / "data").symlink_to(tools_dir / "other")

    error = refusal_of(LocalToolFiles(tools_dir), "hello", Volume("./data", "/x"))
    assert error.code is ErrorCode.VOLUME_NOT_ALLOWED


def test_a_symlink_that_stays_inside_the_tools_directory_is_mounted_by_its_real_path(
    tools_dir: Path,
) -> None:
    root = tools_dir / "hello"
    (root / "real").mkdir(parents=True)
    (root / "alias").symlink_to(root / "real")

    (mount,) = LocalToolFiles(tools_dir).mounts_for("hello", (Volume("./alias", "/x"),))
    assert mount.host_path == (root / "real").resolve()


@pytest.mark.parametrize("tool_name", ["../escape", "Hello", "", "-dash", "a/b", "."])
def test_a_tool_name_that_is_not_a_slug_is_refused_everywhere(
    tools_dir: Path, tool_name: str
) -> None:
    files = LocalToolFiles(tools_dir)
    for call in (
        lambda: files.mounts_for(tool_name, (Volume("./data", "/d"),)),
        lambda: files.remove(tool_name),
        lambda: files.exists(tool_name),
    ):
        with pytest.raises(ManifestError) as caught:
            call()
        assert caught.value.code is ErrorCode.INVALID_INPUT
    assert all_paths(tools_dir.parent) == set()


def test_remove_deletes_the_directory_but_not_what_a_symlink_inside_points_to(
    tools_dir: Path, outside: Path
) -> None:
    files = LocalToolFiles(tools_dir)
    files.mounts_for("hello", (Volume("./data", "/d"),))
    (tools_dir / "hello" / "data" / "escape").symlink_to(outside)
    (tools_dir / "hello" / "data" / "escape-file").symlink_to(outside / "precious.txt")
    assert files.exists("hello")

    files.remove("hello")

    assert not (tools_dir / "hello").exists()
    assert not files.exists("hello")
    assert (outside / "precious.txt").read_text() == "keep me"


def test_removing_a_tool_whose_directory_is_itself_a_symlink_removes_only_the_link(
    tools_dir: Path, outside: Path
) -> None:
    tools_dir.mkdir()
    (tools_dir / "hello").symlink_to(outside)
    files = LocalToolFiles(tools_dir)
    assert not files.exists("hello")

    files.remove("hello")

    assert not (tools_dir / "hello").is_symlink()
    assert (outside / "precious.txt").read_text() == "keep me"


def test_removing_a_tool_without_a_directory_does_nothing(tools_dir: Path) -> None:
    files = LocalToolFiles(tools_dir)
    files.remove("never-installed")
    assert not files.exists("never-installed")
    assert not tools_dir.exists()


def test_a_file_where_a_volume_directory_belongs_is_refused_before_anything_is_created(
    tools_dir: Path,
) -> None:
    (tools_dir / "hello").mkdir(parents=True)
    (tools_dir / "hello" / "data").write_text("not a directory")

    error = refusal_of(
        LocalToolFiles(tools_dir), "hello", Volume("./first", "/f"), Volume("./data/sub", "/x")
    )

    assert error.code is ErrorCode.VOLUME_NOT_ALLOWED
    assert "./data/sub:/x" in error.message
    assert not (tools_dir / "hello" / "first").exists()


# Two containers of one tool at once (a switch): neither may be able to redirect the other.


def test_the_same_volumes_may_be_mounted_beside_a_running_container(tools_dir: Path) -> None:
    files = LocalToolFiles(tools_dir)
    volumes = (Volume("./data", "/d"), Volume("./config", "/c", read_only=True))
    running = files.mounts_for("hello", volumes)
    assert files.sharing_problem("hello", volumes, running) is None
    assert files.sharing_problem("hello", (Volume("./cache/new", "/n"),), running) is None


def test_a_volume_inside_a_running_containers_writable_volume_may_not_share(
    tools_dir: Path,
) -> None:
    files = LocalToolFiles(tools_dir)
    running = files.mounts_for("hello", (Volume("./data", "/d"),))
    problem = files.sharing_problem("hello", (Volume("./data/cache", "/c"),), running)
    assert problem is not None and "lies inside" in problem


def test_a_volume_reached_through_a_symlink_may_not_share(tools_dir: Path) -> None:
    files = LocalToolFiles(tools_dir)
    running = files.mounts_for("hello", (Volume("./data", "/d"),))
    root = (tools_dir / "hello").resolve()
    # Left by an earlier container that had the whole directory: it leads into ./data.
    (root / "shortcut").symlink_to(root / "data")
    problem = files.sharing_problem("hello", (Volume("./shortcut/cache", "/c"),), running)
    assert problem is not None and "symlink" in problem
    assert not (root / "data" / "cache").exists(), "nothing is created by the check"
