"""The probes behind `system`: the real Docker engine, git and the database."""

from __future__ import annotations

import asyncio
import shutil
import subprocess
from pathlib import Path

import pytest

from infra.bootstrap import Application
from infra.docker.engine import DockerContainerEngine
from infra.git.source_control import GitPythonSourceControl
from tests.services import unavailable


def docker_cli_server_version() -> str | None:
    if shutil.which("docker") is None:
        return None
    result = subprocess.run(
        ["docker", "version", "--format", "{{.Server.Version}}"],
        capture_output=True,
        text=True,
        timeout=20,
        check=False,
    )
    return result.stdout.strip() if result.returncode == 0 else None


@pytest.mark.docker
def test_the_docker_probe_reports_the_engines_version() -> None:
    expected = docker_cli_server_version()
    if expected is None:
        unavailable("the Docker engine")
    assert asyncio.run(DockerContainerEngine().engine_version()) == expected


async def test_an_unreachable_docker_engine_is_reported_as_none(tmp_path: Path) -> None:
    engine = DockerContainerEngine(base_url=f"unix://{tmp_path}/no-such.sock")
    assert await engine.engine_version() is None


def test_the_git_probe_reports_the_installed_git() -> None:
    output = subprocess.run(["git", "--version"], capture_output=True, text=True, check=True)
    version = asyncio.run(GitPythonSourceControl().client_version())
    assert version is not None and version in output.stdout


async def test_system_info_reports_the_database_of_this_run(application: Application) -> None:
    info = await application.services.system.info()
    assert info.version == "1.0.0" and info.mode == "development"
    assert info.database.reachable
    assert info.database.dialect == application.database.dialect.name
    assert info.worker.concurrency == application.settings.worker_concurrency
    assert info.worker.running_builds == 0


async def test_system_info_reports_how_tools_are_networked(application: Application) -> None:
    info = await application.services.system.info()
    if not info.docker.reachable:
        unavailable("Docker")
    assert info.docker.network_mode == (await application.resources.docker.network_mode()).value
    assert info.docker.network_mode in {"bridge", "host"}
