from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest

from domain.auth.api_tokens import ApiTokenService
from domain.auth.authenticator import Authenticator
from domain.auth.sessions import SessionService
from domain.auth.throttle import ThrottlePolicy
from domain.users.commands import CreateUser
from domain.users.model import Role, User
from domain.users.service import UserService
from infra.security.jwt_codec import PyJWTCodec
from tests.unit.fake_store import Store
from tests.unit.fakes import FakeClock
from tests.unit.tool_fakes import ToolWorld

PASSWORD = "a-long-enough-passphrase"


@pytest.fixture
def store() -> Store:
    return Store()


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def codec() -> PyJWTCodec:
    return PyJWTCodec("k" * 48, "machete", "machete-api", timedelta(minutes=15))


@pytest.fixture
def world(tmp_path: Path, store: Store, clock: FakeClock, codec: PyJWTCodec) -> ToolWorld:
    """The fakes, and the services wired over them as `infra.bootstrap` wires the real ones."""
    throttle = ThrottlePolicy(
        max_failures_per_account=3,
        max_failures_per_client=5,
        max_failures_account_wide=8,
        window=timedelta(minutes=15),
    )
    return ToolWorld(tmp_path, store=store, clock=clock, codec=codec, throttle=throttle)


@pytest.fixture
def users(world: ToolWorld) -> UserService:
    return world.services().users


@pytest.fixture
def sessions(world: ToolWorld) -> SessionService:
    return world.services().sessions


@pytest.fixture
def authenticator(world: ToolWorld) -> Authenticator:
    return world.services().authenticator


@pytest.fixture
def api_tokens(world: ToolWorld) -> ApiTokenService:
    return world.services().api_tokens


@pytest.fixture
async def admin(users: UserService) -> User:
    return await users.create_user(
        None, CreateUser("root", "root@example.com", PASSWORD, Role.ADMIN)
    )


@pytest.fixture
async def viewer(users: UserService, admin: User) -> User:
    return await users.create_user(admin, CreateUser("vera", "vera@example.com", PASSWORD))
