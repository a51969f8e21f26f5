"""GitPythonSourceControl against real git, fixture repositories and loopback servers."""

from __future__ import annotations

import asyncio
import os
import socket
import stat
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from domain.builds.model import LogStream
from domain.checkouts import Checkout, SourceSpec
from domain.errors import ErrorCode, SourceError, ValidationFailed
from infra.git.redaction import scrub
from infra.git.source_control import GitPythonSourceControl
from tests.fixtures.repos import ToolRepo, busybox_available, git, make_tool_repo, tool_files
from tests.services import unavailable

PASSWORD = "s3cr3t-Passw0rd"


@pytest.fixture(autouse=True)
def _git_and_busybox() -> None:
    if not busybox_available():
        unavailable("git and /bin/busybox")


class Lines(list[tuple[LogStream, str]]):
    def __call__(self, stream: LogStream, line: str) -> None:
        self.append((stream, line))

    def text(self) -> str:
        return "\n".join(line for _, line in self)


@pytest.fixture
def workspaces(tmp_path: Path) -> Path:
    return tmp_path / "workspaces"


@pytest.fixture
def source_control(workspaces: Path) -> GitPythonSourceControl:
    return GitPythonSourceControl(workspaces, timeout_seconds=30)


@pytest.fixture
def repo(tmp_path: Path) -> ToolRepo:
    return make_tool_repo(tmp_path / "tool", content="version one")


@pytest.fixture
def silent_server() -> Iterator[int]:
    """A loopback port that accepts connections (the kernel's backlog) and never answers."""
    with socket.socket() as server:
        server.bind(("127.0.0.1", 0))
        server.listen(8)
        yield server.getsockname()[1]


@pytest.fixture
def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def entries(directory: Path) -> list[Path]:
    return list(directory.iterdir()) if directory.exists() else []


def is_empty(directory: Path) -> bool:
    return entries(directory) == []


def processes_mentioning(text: str) -> list[str]:
    found = []
    for entry in Path("/proc").iterdir():
        try:
            command = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode()
        except OSError:
            continue
        if entry.name.isdigit() and int(entry.name) != os.getpid() and text in command:
            found.append(command)
    return found


async def fetch(
    source_control: GitPythonSourceControl, source: SourceSpec, lines: Lines | None = None
) -> tuple[Checkout, str, set[str]]:
    """Check out, and read what the tool directory held while the workspace existed."""
    async with source_control.checkout(source, lines if lines is not None else Lines()) as out:
        index = (out.directory / "www" / "index.html").read_text().strip()
        listing = {path.name for path in out.directory.iterdir()}
    return out, index, listing


async def source_error(source_control: GitPythonSourceControl, source: SourceSpec) -> SourceError:
    with pytest.raises(SourceError) as raised:
        async with source_control.checkout(source, Lines()):
            pass
    return raised.value


async def test_the_default_branch_is_checked_out_and_its_commit_recorded(
    source_control: GitPythonSourceControl, repo: ToolRepo, workspaces: Path
) -> None:
    tip = repo.commit({"www/index.html": "version two\n"})
    lines = Lines()
    checkout, index, listing = await fetch(source_control, SourceSpec(repo.url), lines)
    assert (checkout.commit_sha, index) == (tip, "version two")
    assert {"Dockerfile", "machete.yml", "busybox", "www"} <= listing
    assert lines[0] == (LogStream.SYSTEM, f"Fetching {repo.url} (ref default branch)")
    assert lines[-1] == (LogStream.SYSTEM, f"Checked out {tip}")
    assert any(stream is LogStream.STDERR and "FETCH_HEAD" in line for stream, line in lines)
    assert is_empty(workspaces)


async def test_the_checkout_holds_no_git_metadata_that_could_carry_credentials(
    source_control: GitPythonSourceControl, repo: ToolRepo
) -> None:
    async with source_control.checkout(SourceSpec(repo.url), Lines()) as checkout:
        leftovers = [p for p in checkout.directory.rglob("*") if ".git" in p.parts]
        assert leftovers == []
        assert not (checkout.directory / ".git").exists()


async def test_the_workspace_is_private_and_removed_when_the_context_exits(
    source_control: GitPythonSourceControl, repo: ToolRepo, workspaces: Path
) -> None:
    async with source_control.checkout(SourceSpec(repo.url), Lines()) as checkout:
        [workspace] = entries(workspaces)
        assert checkout.directory.is_relative_to(workspace)
        assert stat.S_IMODE(workspace.stat().st_mode) == 0o700
    assert not workspace.exists()
    assert is_empty(workspaces)


async def test_a_named_branch_is_checked_out(
    source_control: GitPythonSourceControl, repo: ToolRepo, workspaces: Path
) -> None:
    git("checkout", "--quiet", "-b", "feature", cwd=repo.work)
    (repo.work / "www" / "index.html").write_text("feature work\n")
    git("commit", "--quiet", "-am", "feature", cwd=repo.work)
    git("push", "--quiet", str(repo.bare), "HEAD:refs/heads/feature", cwd=repo.work)
    feature_tip = git("rev-parse", "HEAD", cwd=repo.work)
    checkout, index, _ = await fetch(source_control, SourceSpec(repo.url, "feature"))
    assert (checkout.commit_sha, index) == (feature_tip, "feature work")
    assert is_empty(workspaces)


async def test_a_tag_is_checked_out_even_after_the_branch_moved_on(
    source_control: GitPythonSourceControl, repo: ToolRepo, workspaces: Path
) -> None:
    tagged = git("rev-parse", "HEAD", cwd=repo.work)
    repo.tag("v1.0.0")
    repo.commit({"www/index.html": "version two\n"})
    checkout, index, _ = await fetch(source_control, SourceSpec(repo.url, "v1.0.0"))
    assert (checkout.commit_sha, index) == (tagged, "version one")
    assert is_empty(workspaces)


async def test_an_exact_commit_that_is_not_the_branch_tip_is_checked_out(
    source_control: GitPythonSourceControl, repo: ToolRepo, workspaces: Path
) -> None:
    first = git("rev-parse", "HEAD", cwd=repo.work)
    tip = repo.commit({"www/index.html": "version two\n"})
    assert first != tip
    checkout, index, _ = await fetch(source_control, SourceSpec(repo.url, first))
    assert (checkout.commit_sha, index) == (first, "version one")
    assert is_empty(workspaces)


async def test_a_subdir_becomes_the_checkouts_directory(
    source_control: GitPythonSourceControl, tmp_path: Path, workspaces: Path
) -> None:
    repo = ToolRepo(tmp_path / "mono")
    files = {f"tools/hello/{name}": body for name, body in tool_files(content="nested").items()}
    sha = repo.commit({**files, "README.md": "a monorepo\n"})
    checkout, index, listing = await fetch(
        source_control, SourceSpec(repo.url, None, "tools/hello")
    )
    assert (checkout.commit_sha, index) == (sha, "nested")
    assert checkout.directory.parts[-2:] == ("tools", "hello")
    assert "machete.yml" in listing and "README.md" not in listing
    assert is_empty(workspaces)


@pytest.mark.parametrize("subdir", ["missing", "www/index.html", "escape", ".git"])
async def test_a_subdir_that_is_not_a_directory_inside_the_checkout_is_not_found(
    source_control: GitPythonSourceControl, repo: ToolRepo, workspaces: Path, subdir: str
) -> None:
    (repo.work / "escape").symlink_to(repo.work.parent)
    repo.commit({})
    error = await source_error(source_control, SourceSpec(repo.url, None, subdir))
    assert error.code is ErrorCode.SUBDIR_NOT_FOUND
    assert subdir in error.message
    assert is_empty(workspaces)


async def test_a_missing_ref_is_reported_as_not_found_by_name(
    source_control: GitPythonSourceControl, repo: ToolRepo, workspaces: Path
) -> None:
    for ref in ("no-such-branch", "0" * 40):
        error = await source_error(source_control, SourceSpec(repo.url, ref))
        assert error.code is ErrorCode.REF_NOT_FOUND
        assert ref in error.message
    assert is_empty(workspaces)


async def test_a_local_path_that_holds_no_repository_is_unreachable(
    source_control: GitPythonSourceControl, tmp_path: Path, workspaces: Path
) -> None:
    url = f"file://{tmp_path}/nothing-here.git"
    error = await source_error(source_control, SourceSpec(url))
    assert error.code is ErrorCode.REPOSITORY_UNREACHABLE
    assert url in error.message
    assert is_empty(workspaces)


async def test_a_closed_port_is_unreachable_and_the_password_never_shows(
    source_control: GitPythonSourceControl, closed_port: int, workspaces: Path
) -> None:
    url = f"https://deploy:{PASSWORD}@127.0.0.1:{closed_port}/x.git"
    lines = Lines()
    with pytest.raises(SourceError) as raised:
        async with source_control.checkout(SourceSpec(url), lines):
            pass
    assert raised.value.code is ErrorCode.REPOSITORY_UNREACHABLE
    assert f"https://127.0.0.1:{closed_port}/x.git" in raised.value.message
    assert PASSWORD not in raised.value.message and PASSWORD not in lines.text()
    assert "deploy" not in lines.text()
    assert any(stream is LogStream.STDERR for stream, _ in lines)
    assert is_empty(workspaces)


async def test_a_server_that_never_answers_times_out_and_git_is_killed(
    workspaces: Path, silent_server: int
) -> None:
    source_control = GitPythonSourceControl(workspaces, timeout_seconds=1.5)
    url = f"https://token:{PASSWORD}@127.0.0.1:{silent_server}/x.git"
    lines = Lines()
    started = time.monotonic()
    with pytest.raises(SourceError) as raised:
        async with source_control.checkout(SourceSpec(url, "main"), lines):
            pass
    assert time.monotonic() - started < 5
    assert raised.value.code is ErrorCode.CLONE_TIMEOUT
    assert PASSWORD not in raised.value.message and PASSWORD not in lines.text()
    assert processes_mentioning(f"127.0.0.1:{silent_server}") == []
    assert is_empty(workspaces)


async def test_a_repository_over_the_size_cap_is_refused(repo: ToolRepo, workspaces: Path) -> None:
    source_control = GitPythonSourceControl(workspaces, max_size_bytes=64 * 1024)
    error = await source_error(source_control, SourceSpec(repo.url))
    assert error.code is ErrorCode.REPOSITORY_TOO_LARGE
    assert is_empty(workspaces)


async def test_submodules_are_never_fetched(
    source_control: GitPythonSourceControl, tmp_path: Path, workspaces: Path
) -> None:
    library = make_tool_repo(tmp_path / "library", content="from the submodule")
    library_sha = git("rev-parse", "HEAD", cwd=library.work)
    repo = make_tool_repo(tmp_path / "tool")
    (repo.work / ".gitmodules").write_text(
        f'[submodule "lib"]\n\tpath = lib\n\turl = {library.url}\n'
    )
    git("add", ".gitmodules", cwd=repo.work)
    git("update-index", "--add", "--cacheinfo", f"160000,{library_sha},lib", cwd=repo.work)
    git("commit", "--quiet", "-m", "a submodule", cwd=repo.work)
    git("push", "--quiet", str(repo.bare), "HEAD:main", cwd=repo.work)
    assert git("ls-tree", "HEAD", "lib", cwd=repo.work).startswith("160000 commit")
    async with source_control.checkout(SourceSpec(repo.url), Lines()) as checkout:
        lib = checkout.directory / "lib"
        assert not lib.exists() or not any(lib.iterdir())
        found = [p for p in checkout.directory.rglob("index.html") if "lib" in p.parts]
    assert found == []
    assert is_empty(workspaces)


async def test_cancelling_a_checkout_kills_git_and_removes_the_workspace(
    workspaces: Path, silent_server: int
) -> None:
    source_control = GitPythonSourceControl(workspaces, timeout_seconds=60)
    entered = asyncio.Event()

    async def check_out() -> None:
        url = f"https://127.0.0.1:{silent_server}/x.git"
        async with source_control.checkout(SourceSpec(url), Lines()):
            entered.set()

    task = asyncio.create_task(check_out())
    for _ in range(200):  # up to 10 s for git to reach the server
        if processes_mentioning(f"127.0.0.1:{silent_server}"):
            break
        await asyncio.sleep(0.05)
    assert processes_mentioning(f"127.0.0.1:{silent_server}"), "git never started fetching"
    assert not is_empty(workspaces)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert not entered.is_set()
    assert processes_mentioning(f"127.0.0.1:{silent_server}") == []
    assert is_empty(workspaces)


async def test_the_workspace_is_removed_when_the_body_fails(
    source_control: GitPythonSourceControl, repo: ToolRepo, workspaces: Path
) -> None:
    with pytest.raises(RuntimeError, match="body failed"):
        async with source_control.checkout(SourceSpec(repo.url), Lines()):
            assert not is_empty(workspaces)
            raise RuntimeError("body failed")
    assert is_empty(workspaces)


async def test_a_hand_built_spec_with_an_option_as_ref_is_refused_before_git_runs(
    source_control: GitPythonSourceControl, repo: ToolRepo, workspaces: Path
) -> None:
    with pytest.raises(ValidationFailed) as raised:
        async with source_control.checkout(SourceSpec(repo.url, "--upload-pack=x"), Lines()):
            pass
    assert [problem.code for problem in raised.value.problems] == [ErrorCode.INVALID_REF]
    assert is_empty(workspaces)


@pytest.mark.parametrize(
    "said",
    [
        f"fatal: unable to access 'https://deploy:{PASSWORD}@127.0.0.1/x.git/': refused",
        f"remote: bad credentials {PASSWORD} for deploy",
        "remote: see https://other:hunter22@mirror.example/x",
    ],
)
def test_credentials_git_might_echo_are_scrubbed_from_its_lines(said: str) -> None:
    url = f"https://deploy:{PASSWORD}@127.0.0.1/x.git"
    scrubbed = scrub(said, url)
    assert PASSWORD not in scrubbed and "hunter22" not in scrubbed
    assert scrubbed.split()[0] == said.split()[0]
