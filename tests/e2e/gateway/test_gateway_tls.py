"""`MACHETE_TLS=internal`: the gateway serves HTTPS from Caddy's local CA (offline), whose root
certificate the dashboard offers for download; HTTPS to a tool verifies against it."""

from __future__ import annotations

import ssl
from collections.abc import AsyncIterator

import httpx
import pytest

from infra.gateway.caddy.gateway import CaddyGateway
from infra.gateway.factory import build_gateway
from tests.e2e.gateway.servers import GatewayServer, gateway_server
from tests.e2e.gateway.world import GatewayWorld
from tests.e2e.server import GraphQLClient
from tests.e2e.tools import unique_name
from tests.fixtures.echo_tools import make_echo_tool_repo

pytestmark = [pytest.mark.timeout(300), pytest.mark.docker]

SYSTEM_GATEWAY = "{ system { gateway { mode url toolUrlExample rootCertificatePath } } }"


class TrustingGraphQLClient(GraphQLClient):
    def __init__(self, url: str, trusting: ssl.SSLContext) -> None:
        super().__init__(url)
        self._client = httpx.AsyncClient(timeout=30, verify=trusting)


@pytest.fixture(scope="module")
async def gateway(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[GatewayServer]:
    async with gateway_server(tmp_path_factory.mktemp("tls"), MACHETE_TLS="internal") as running:
        yield running


@pytest.fixture(scope="module")
async def local_root(gateway: GatewayServer) -> str:
    """The local CA's root, as the gateway's admin API has it (the test's trust anchor)."""
    adapter, _ = build_gateway(gateway.settings())
    assert isinstance(adapter, CaddyGateway)
    try:
        pem = await adapter.root_certificate()
    finally:
        await adapter.aclose()
    assert pem is not None
    return pem


@pytest.fixture(scope="module")
def trusting(local_root: str) -> ssl.SSLContext:
    return ssl.create_default_context(cadata=local_root)


@pytest.fixture(scope="module")
async def world(gateway: GatewayServer, trusting: ssl.SSLContext) -> AsyncIterator[GatewayWorld]:
    client = TrustingGraphQLClient(gateway.graphql_url, trusting)
    built = await GatewayWorld.create(gateway, client)
    try:
        yield built
    finally:
        built.remove_installed()
        await client.close()


@pytest.fixture(scope="module")
async def tool(world: GatewayWorld, tmp_path_factory: pytest.TempPathFactory) -> dict:
    name = unique_name("secure")
    repo = make_echo_tool_repo(tmp_path_factory.mktemp("secure"), name=name, content="secure")
    return await world.install_running(repo.url, name)


async def test_the_dashboard_offers_the_local_cas_root_for_download(
    gateway: GatewayServer, world: GatewayWorld, trusting: ssl.SSLContext, local_root: str
) -> None:
    system = (await world.admin.run(SYSTEM_GATEWAY, {}))["system"]["gateway"]
    assert system["url"] == f"https://localhost:{gateway.port}/"
    assert system["toolUrlExample"] == f"https://<tool>.localhost:{gateway.port}/"
    async with gateway.client(verify=trusting) as client:
        download = await client.get(system["rootCertificatePath"], headers={"Host": gateway.host()})
    assert download.status_code == 200
    assert download.text == local_root


async def test_https_to_a_tool_verifies_against_the_local_cas_root(
    gateway: GatewayServer, world: GatewayWorld, tool: dict, trusting: ssl.SSLContext
) -> None:
    assert tool["url"] == f"https://{tool['name']}.localhost:{gateway.port}/"
    host = gateway.host(tool["name"])
    async with httpx.AsyncClient(verify=trusting, timeout=30) as client:
        response = await client.get(
            f"https://127.0.0.1:{gateway.port}/cgi-bin/echo",
            headers={
                "Host": host,
                "Authorization": f"Bearer {world.members['VIEWER'].api_token}",
            },
            extensions={"sni_hostname": f"{tool['name']}.localhost"},
        )
        dashboard = await client.get(
            f"https://127.0.0.1:{gateway.port}/readyz",
            headers={"Host": gateway.host()},
            extensions={"sni_hostname": "localhost"},
        )
    assert response.status_code == 200
    assert response.json()["headers"]["x-forwarded-proto"] == "https"
    assert dashboard.json()["status"] == "ok"


async def test_a_certificate_from_elsewhere_is_not_trusted(
    gateway: GatewayServer, tool: dict
) -> None:
    host = gateway.host(tool["name"])
    async with httpx.AsyncClient(timeout=30) as client:  # the system's trust store only
        with pytest.raises(httpx.ConnectError, match="CERTIFICATE_VERIFY_FAILED"):
            await client.get(
                f"https://127.0.0.1:{gateway.port}/",
                headers={"Host": host},
                extensions={"sni_hostname": f"{tool['name']}.localhost"},
            )


async def test_a_browser_is_sent_to_the_https_sign_in(
    gateway: GatewayServer, tool: dict, trusting: ssl.SSLContext
) -> None:
    async with gateway.client(verify=trusting) as client:
        response = await client.get(
            "/", headers={"Host": gateway.host(tool["name"]), "Accept": "text/html"}
        )
    assert response.status_code == 302
    assert response.headers["location"].startswith(
        f"https://localhost:{gateway.port}/_machete/sign-in?return_to=https"
    )
    # Secure, behind the `__Host-` prefix: no sibling host can plant one of its own.
    state = response.headers["set-cookie"]
    assert state.startswith("__Host-machete_sign_in_state=")
    assert "Secure" in state and "Path=/" in state and "Domain" not in state
