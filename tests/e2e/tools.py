"""Helpers for end-to-end tool tests: GraphQL documents, polling, and Docker inspection."""

from __future__ import annotations

import asyncio
import uuid
from pathlib import Path
from typing import Any

import docker
import httpx
from docker.errors import DockerException, NotFound

from tests.e2e.server import GraphQLClient, RunningServer
from tests.services import unavailable

BUILD_FIELDS = (
    "id number status trigger ref commitSha image failure { phase code message } "
    "queuedAt startedAt finishedAt"
)
TOOL_FIELDS = (
    "id name status desiredState url hostPort commitSha ref "
    f"currentBuild {{ id number }} latestBuild {{ {BUILD_FIELDS} }}"
)
ERRORS = "errors { code message field line }"
INSTALL = f"""
mutation($input: InstallToolInput!) {{
  installTool(input: $input) {{ tool {{ {TOOL_FIELDS} }} build {{ {BUILD_FIELDS} }} {ERRORS} }}
}}"""
TOOL = f"query($id: ID!) {{ tool(id: $id) {{ {TOOL_FIELDS} }} }}"
BUILD = f"query($id: ID!) {{ build(id: $id) {{ {BUILD_FIELDS} }} }}"
LOG_LINES = """
query($id: ID!, $after: Int!) {
  build(id: $id) { logLines(after: $after, first: 1000) { seq stream timestamp text } }
}"""
FINISHED = {"SUCCEEDED", "FAILED", "CANCELLED"}


def tool_mutation(name: str, input_type: str, selection: str = "") -> str:
    selection = selection or f"tool {{ {TOOL_FIELDS} }}"
    return f"mutation($input: {input_type}!) {{ {name}(input: $input) {{ {selection} {ERRORS} }} }}"


def unique_name(prefix: str = "t") -> str:
    return f"{prefix}-{uuid.uuid4().hex[:8]}"


class ToolsApi:
    """The calls the tests make, as one signed-in maintainer."""

    def __init__(self, client: GraphQLClient, token: str) -> None:
        self.client = client
        self.token = token

    async def run(self, document: str, variables: dict[str, Any]) -> dict[str, Any]:
        result = await self.client.execute(document, variables, self.token)
        assert "errors" not in result, result
        return result["data"]

    async def install(self, **input: Any) -> dict[str, Any]:
        return (await self.run(INSTALL, {"input": input}))["installTool"]

    async def mutate(self, mutation: str, input_type: str, **input: Any) -> dict[str, Any]:
        selection = ""
        if mutation in {"updateTool", "rebuildTool", "rollbackTool"}:
            selection = f"tool {{ {TOOL_FIELDS} }} build {{ {BUILD_FIELDS} }}"
        if mutation == "cancelBuild":
            selection = f"build {{ {BUILD_FIELDS} }}"
        document = tool_mutation(mutation, input_type, selection)
        return (await self.run(document, {"input": input}))[mutation]

    async def tool(self, tool_id: str) -> dict[str, Any] | None:
        return (await self.run(TOOL, {"id": tool_id}))["tool"]

    async def build(self, build_id: str) -> dict[str, Any]:
        return (await self.run(BUILD, {"id": build_id}))["build"]

    async def log_text(self, build_id: str) -> str:
        lines = (await self.run(LOG_LINES, {"id": build_id, "after": 0}))["build"]["logLines"]
        return "\n".join(line["text"] for line in lines)

    async def wait_for_log(self, build_id: str, text: str, within: float = 60) -> None:
        """Until the build's stored log contains `text` (e.g. a RUN step has started)."""
        deadline = asyncio.get_running_loop().time() + within
        while text not in await self.log_text(build_id):
            assert asyncio.get_running_loop().time() < deadline, f"no {text!r} in the log"
            await asyncio.sleep(0.2)

    async def wait_for_step(self, build_id: str, step: str, within: float = 60) -> None:
        """Until the build step whose instruction contains `step` has its container running."""
        deadline = asyncio.get_running_loop().time() + within
        while "Running in" not in (await self.log_text(build_id)).partition(step)[2]:
            assert asyncio.get_running_loop().time() < deadline, f"step {step!r} never ran"
            await asyncio.sleep(0.2)

    async def wait_for_build(self, build_id: str, within: float = 90) -> dict[str, Any]:
        deadline = asyncio.get_running_loop().time() + within
        while True:
            build = await self.build(build_id)
            if build["status"] in FINISHED:
                return build
            assert asyncio.get_running_loop().time() < deadline, f"build still {build}"
            await asyncio.sleep(0.2)

    async def wait_for_status(
        self, tool_id: str, wanted: set[str], within: float = 60
    ) -> dict[str, Any]:
        deadline = asyncio.get_running_loop().time() + within
        while True:
            tool = await self.tool(tool_id)
            assert tool is not None
            if tool["status"] in wanted:
                return tool
            assert asyncio.get_running_loop().time() < deadline, f"tool still {tool}"
            await asyncio.sleep(0.2)


def data_dir(server: RunningServer) -> Path:
    return Path(server.env["MACHETE_DATA_DIR"])


def workspaces(server: RunningServer) -> list[Path]:
    root = data_dir(server) / "workspaces"
    return list(root.iterdir()) if root.exists() else []


class DockerView:
    """What the engine holds for a tool, read with the Docker SDK (not through MACHETE)."""

    def __init__(self) -> None:
        try:
            self.client = docker.from_env(timeout=30)
            self.client.ping()
        except DockerException:
            unavailable("Docker")

    def containers(self, tool: str) -> list[Any]:
        """The tool's containers, inspected; one removed meanwhile (a switch retiring the old
        container, a cancel removing the new one) is not there any more."""
        listed = self.client.containers.list
        by_label = listed(all=True, sparse=True, filters={"label": f"machete.tool={tool}"})
        by_name = listed(all=True, sparse=True, filters={"name": f"machete-{tool}"})
        found = []
        for container_id in dict.fromkeys(str(c.id) for c in [*by_label, *by_name]):
            try:
                found.append(self.client.containers.get(container_id))
            except NotFound:
                continue
        return found

    def images(self, tool: str) -> list[Any]:
        """Images with the tool's label or under its name (`machete/<tool>:*`)."""
        by_label = self.client.images.list(all=True, filters={"label": f"machete.tool={tool}"})
        by_name = self.client.images.list(name=f"machete/{tool}")
        return list({i.id: i for i in [*by_label, *by_name]}.values())

    def engine_objects(self) -> set[str]:
        """Every container and every dangling image on the engine, to compare before/after."""
        # Sparse: no inspect per container, so one removed meanwhile (an old container retired
        # after a switch of another test) does not fail the listing.
        listed = self.client.containers.list(all=True, sparse=True)
        containers = {f"container:{c.id}" for c in listed}
        dangling = self.client.images.list(all=True, filters={"dangling": True})
        return containers | {f"image:{i.id}" for i in dangling}

    def remove_everything_of(self, tool: str) -> None:
        for container in self.containers(tool):
            container.remove(force=True)
        for image in self.images(tool):
            self.client.images.remove(image.id, force=True)


async def served(url: str) -> str:
    """The body of a 200 answer from a tool (loopback only)."""
    async with httpx.AsyncClient(timeout=5, trust_env=False) as client:
        response = await client.get(url)
    assert response.status_code == 200, response.text
    return response.text.strip()


async def refuses_connections(url: str) -> bool:
    async with httpx.AsyncClient(timeout=2, trust_env=False) as client:
        try:
            await client.get(url)
        except httpx.TransportError:
            return True
    return False
