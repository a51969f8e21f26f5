"""A real rolling switch: the build pipeline over the real Docker engine, database and git, with
no gateway (`MACHETE_GATEWAY=off`). The old container answers until the new one is healthy."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import docker
import httpx
import pytest

from domain.builds.model import BuildStatus, BuildTrigger
from domain.builds.pipeline import BuildControl
from domain.containers import PORT_LABEL, TOOL_LABEL, container_name
from domain.tools.commands import InstallTool, RequestBuild
from domain.tools.model import Tool
from domain.tools.status import ToolStatus
from domain.users.model import User
from infra.bootstrap import Application
from infra.settings import GatewaySetting, Settings
from tests.fixtures.repos import DOCKERFILE, make_tool_repo
from tests.integration.docker_helpers import (
    docker_client_or_unavailable,
    get_when_served,
    refused,
    removed_afterwards,
    unique_tool_name,
)

pytestmark = [pytest.mark.docker, pytest.mark.timeout(180)]
# Version two serves its page at once but hides its health file for a while.
SLOW_TO_HEALTH = DOCKERFILE.replace(
    'CMD ["sh", "-c", "exec httpd',
    'CMD ["sh", "-c", "mv /www/health /health.later; (sleep 2; mv /health.later /www/health) &'
    " exec httpd",
).format(extra="")
SAMPLE_SECONDS = 0.05


@pytest.fixture
def settings(settings: Settings) -> Settings:
    """The shared settings, without a gateway."""
    return settings.model_copy(
        update={"gateway": GatewaySetting.OFF, "health_check_timeout_seconds": 30}
    )


@pytest.fixture(scope="module")
def client() -> Iterator[docker.DockerClient]:
    docker_client = docker_client_or_unavailable()
    yield docker_client
    docker_client.close()


@dataclass
class Sample:
    stored_port: int
    answer: str  # the old port's page, or the transport error's name
    next_running: bool


async def build(application: Application, build_id: uuid.UUID) -> None:
    async with application.unit_of_work() as uow:
        now = application.clock.now()
        claimed = await uow.builds.claim_next("test-worker", now, now.replace(year=now.year + 1))
        assert claimed is not None and claimed.id == build_id
        await uow.commit()
    await application.services.pipeline.run(build_id, BuildControl())


async def stored(application: Application, tool_id: uuid.UUID) -> Tool:
    async with application.unit_of_work(read_only=True) as uow:
        tool = await uow.tools.get(tool_id)
    assert tool is not None
    return tool


async def page(http: httpx.AsyncClient, port: int) -> str:
    try:
        return (await http.get(f"http://127.0.0.1:{port}/index.html")).text.strip()
    except httpx.TransportError as error:
        return type(error).__name__


def running_names(client: docker.DockerClient, tool_name: str) -> set[str]:
    label = {"label": f"{TOOL_LABEL}={tool_name}"}
    return {c["Names"][0].lstrip("/") for c in client.api.containers(filters=label)}


async def test_an_update_switches_only_once_the_new_container_is_healthy(
    application: Application, client: docker.DockerClient, tmp_path: Path
) -> None:
    admin = await application.services.users.ensure_admin(
        "ada", "ada@example.com", "a passphrase long enough for the tests"
    )
    assert isinstance(admin, User)
    name = unique_tool_name("switch")
    repo = make_tool_repo(tmp_path, name=name, content="version one")
    with removed_afterwards(client, name):
        tool, first = await application.services.installer.install_tool(
            admin, InstallTool(repo.url, name=name)
        )
        await build(application, first.id)
        tool = await stored(application, tool.id)
        assert tool.status is ToolStatus.RUNNING
        old_port = tool.host_port
        assert (await get_when_served(f"http://127.0.0.1:{old_port}/health")).status_code == 200

        repo.commit({"Dockerfile": SLOW_TO_HEALTH, "www/index.html": "version two\n"}, "v2")
        _, update = await application.services.build_requests.request_build(
            admin, RequestBuild(tool.id), BuildTrigger.UPDATE
        )
        switching = asyncio.create_task(build(application, update.id))
        samples: list[Sample] = []
        async with httpx.AsyncClient(timeout=2.0) as http:
            while not switching.done():
                port = (await stored(application, tool.id)).host_port
                next_running = f"{container_name(name)}-next" in running_names(client, name)
                samples.append(Sample(port, await page(http, old_port), next_running))
                await asyncio.sleep(SAMPLE_SECONDS)
        await switching

        done = await stored(application, tool.id)
        assert (await stored_build_status(application, update.id)) is BuildStatus.SUCCEEDED
        assert (done.status, done.current_build_id) == (ToolStatus.RUNNING, update.id)
        new_port = done.host_port
        assert new_port != old_port
        before_switch = [sample for sample in samples if sample.stored_port == old_port]
        side_by_side = [sample for sample in before_switch if sample.next_running]
        assert len(side_by_side) >= 10, "the new container started long before it was healthy"
        assert {sample.answer for sample in before_switch} == {"version one"}
        async with httpx.AsyncClient(timeout=2.0) as http:
            assert await page(http, new_port) == "version two"
        assert await refused(f"http://127.0.0.1:{old_port}/index.html")
        assert running_names(client, name) == {container_name(name)}
        labels = client.api.inspect_container(container_name(name))["Config"]["Labels"]
        assert labels[PORT_LABEL] == str(new_port)


async def stored_build_status(application: Application, build_id: uuid.UUID) -> BuildStatus:
    async with application.unit_of_work(read_only=True) as uow:
        found = await uow.builds.get(build_id)
    assert found is not None
    return found.status
