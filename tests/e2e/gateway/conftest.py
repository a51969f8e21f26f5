"""Fixtures of the gateway's end-to-end tests: a gateway server per module, and its team."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from tests.e2e.gateway.servers import GatewayServer, gateway_server
from tests.e2e.gateway.world import GatewayWorld
from tests.e2e.server import GraphQLClient

__all__ = ["GatewayServer", "gateway_server"]


@pytest.fixture(scope="module")
async def gateway(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[GatewayServer]:
    async with gateway_server(tmp_path_factory.mktemp("gateway")) as running:
        yield running


@pytest.fixture(scope="module")
async def world(gateway: GatewayServer) -> AsyncIterator[GatewayWorld]:
    """The team of the module's gateway server; its tools are removed after the module."""
    client = GraphQLClient(gateway.graphql_url)
    built = await GatewayWorld.create(gateway, client)
    try:
        yield built
    finally:
        built.remove_installed()
        await client.close()


@pytest.fixture
async def gateway_graphql(gateway: GatewayServer) -> AsyncIterator[GraphQLClient]:
    client = GraphQLClient(gateway.graphql_url)
    yield client
    await client.close()
