"""Users and tools behind a gateway server, made through its API (as a team would)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tests.e2e.conftest import ADMIN_PASSWORD, ADMIN_USERNAME, CREATE_USER, ROLE_PASSWORD, sign_in
from tests.e2e.gateway.servers import GatewayServer
from tests.e2e.server import GraphQLClient
from tests.e2e.tools import DockerView, ToolsApi, unique_name
from tests.fixtures.echo_tools import make_echo_tool_repo

CREATE_API_TOKEN = """mutation($name: String!) {
  createApiToken(input: {name: $name}) { token errors { code message } } }"""
SET_TOOL_ACCESS = """mutation($id: ID!, $access: ToolAccess!) {
  setToolAccess(input: {id: $id, toolAccess: $access}) {
    tool { id toolAccess } errors { code message } } }"""


@dataclass
class Member:
    username: str
    access_token: str
    api_token: str


class GatewayWorld:
    """The admin's API, and members of the team by role."""

    def __init__(self, gateway: GatewayServer, client: GraphQLClient, admin_token: str) -> None:
        self.gateway = gateway
        self.client = client
        self.admin = ToolsApi(client, admin_token)
        self.members: dict[str, Member] = {}
        self.installed: list[str] = []

    @classmethod
    async def create(cls, gateway: GatewayServer, client: GraphQLClient) -> GatewayWorld:
        admin = await sign_in(client, ADMIN_USERNAME, ADMIN_PASSWORD)
        world = cls(gateway, client, admin["accessToken"])
        for role in ("VIEWER", "MAINTAINER"):
            await world.add_member(role)
        return world

    async def add_member(self, role: str) -> Member:
        name = f"gw-{role.lower()}"
        created = await self.admin.run(
            CREATE_USER, {"u": name, "e": f"{name}@example.com", "p": ROLE_PASSWORD, "r": role}
        )
        assert created["createUser"]["errors"] == [], created
        session = await sign_in(self.client, name, ROLE_PASSWORD)
        token = await self.client.execute(
            CREATE_API_TOKEN, {"name": "script"}, session["accessToken"]
        )
        api_token = token["data"]["createApiToken"]["token"]
        self.members[role] = Member(name, session["accessToken"], api_token)
        return self.members[role]

    async def install_running(self, repo_url: str, name: str, **input: Any) -> dict[str, Any]:
        self.installed.append(name)
        payload = await self.admin.install(repoUrl=repo_url, name=name, **input)
        assert payload["errors"] == [], payload
        build = await self.admin.wait_for_build(payload["build"]["id"])
        assert build["status"] == "SUCCEEDED", await self.admin.log_text(build["id"])
        return await self.admin.wait_for_status(payload["tool"]["id"], {"RUNNING"})

    async def install_echo_tools(
        self, root: Path, prefix: str, levels: tuple[str, ...], says: str
    ) -> dict[str, dict[str, Any]]:
        """An echo tool per access level (running, set to that level), each answering
        `<level> <says>` on `/`."""
        installed = {}
        for level in levels:
            name = unique_name(f"{prefix}-{level.lower()}")
            repo = make_echo_tool_repo(root / name, name=name, content=f"{level} {says}")
            installed[level] = await self.install_running(repo.url, name)
            if level != "VIEWER":
                await self.set_access(installed[level]["id"], level)
        return installed

    def remove_installed(self) -> None:
        """Every container and image of the tools installed here (after the module)."""
        view = DockerView()
        try:
            for name in self.installed:
                view.remove_everything_of(name)
        finally:
            view.client.close()

    async def set_access(self, tool_id: str, access: str) -> None:
        result = await self.admin.run(SET_TOOL_ACCESS, {"id": tool_id, "access": access})
        assert result["setToolAccess"]["errors"] == [], result
