from __future__ import annotations

from datetime import timedelta

import pytest

from domain.auth.api_tokens import ApiTokenService
from domain.auth.authenticator import Authenticator
from domain.auth.browser_binding import BrowserBinding
from domain.auth.sessions import SessionService
from domain.auth.throttle import SignInThrottle, ThrottlePolicy
from domain.users.commands import CreateUser
from domain.users.model import Role, User
from domain.users.service import UserService
from infra.security.failure_counter import InMemoryFailureCounter
from infra.security.jwt_codec import PyJWTCodec
from tests.unit.fakes import FakeClock, FakePasswordHasher, FakeUnitOfWork, Store

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
def users(store: Store, clock: FakeClock) -> UserService:
    return UserService(lambda **_: FakeUnitOfWork(store), FakePasswordHasher(), clock)


@pytest.fixture
def sessions(store: Store, clock: FakeClock, codec: PyJWTCodec) -> SessionService:
    throttle = SignInThrottle(
        InMemoryFailureCounter(),
        ThrottlePolicy(
            max_failures_per_account=3,
            max_failures_per_client=5,
            max_failures_account_wide=8,
            window=timedelta(minutes=15),
        ),
    )
    return SessionService(
        lambda **_: FakeUnitOfWork(store),
        FakePasswordHasher(),
        codec,
        clock,
        timedelta(days=30),
        throttle,
        BrowserBinding(b"unit-test-binding-key"),
    )


@pytest.fixture
def authenticator(store: Store, clock: FakeClock, codec: PyJWTCodec) -> Authenticator:
    return Authenticator(lambda **_: FakeUnitOfWork(store), codec, clock)


@pytest.fixture
def api_tokens(store: Store, clock: FakeClock) -> ApiTokenService:
    return ApiTokenService(lambda **_: FakeUnitOfWork(store), clock)


@pytest.fixture
async def admin(users: UserService) -> User:
    return await users.create_user(
        None, CreateUser("root", "root@example.com", PASSWORD, Role.ADMIN)
    )


@pytest.fixture
async def viewer(users: UserService, admin: User) -> User:
    return await users.create_user(admin, CreateUser("vera", "vera@example.com", PASSWORD))
