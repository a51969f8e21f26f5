"""The composition root: wires adapters into services for the app, the CLI and the tests."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy.ext.asyncio import AsyncEngine

from domain.auth.api_tokens import ApiTokenService
from domain.auth.authenticator import Authenticator
from domain.auth.sessions import SessionService
from domain.auth.throttle import SignInThrottle, ThrottlePolicy
from domain.clock import Clock, SystemClock
from domain.errors import DomainError
from domain.system import SystemService
from domain.users.service import UserService
from infra.db.engine import SqlAlchemyDatabaseProbe, create_engine, create_session_factory
from infra.db.migrate import is_at_head, upgrade_to_head_async
from infra.db.unit_of_work import SqlAlchemyUnitOfWork
from infra.docker.engine import DockerContainerEngine
from infra.git.source_control import GitPythonSourceControl
from infra.security.argon2_hasher import Argon2PasswordHasher
from infra.security.failure_counter import InMemoryFailureCounter
from infra.security.jwt_codec import PyJWTCodec
from infra.settings import Mode, Settings

logger = logging.getLogger(__name__)


class DatabaseNotMigrated(RuntimeError):
    pass


class InvalidAdminSettings(RuntimeError):
    pass


@dataclass
class Container:
    settings: Settings
    engine: AsyncEngine
    clock: Clock
    users: UserService
    sessions: SessionService
    api_tokens: ApiTokenService
    authenticator: Authenticator
    system: SystemService

    async def close(self) -> None:
        await self.engine.dispose()


def throttle_policy(settings: Settings) -> ThrottlePolicy:
    return ThrottlePolicy(
        max_failures_per_account=settings.sign_in_max_failures_per_account,
        max_failures_per_client=settings.sign_in_max_failures_per_client,
        max_failures_account_wide=settings.sign_in_max_failures_account_wide,
        window=timedelta(seconds=settings.sign_in_failure_window_seconds),
    )


def build_container(settings: Settings, clock: Clock | None = None) -> Container:
    clock = clock or SystemClock()
    settings.ensure_data_dir()
    engine = create_engine(settings.resolved_database_url)
    session_factory = create_session_factory(engine)

    def unit_of_work() -> SqlAlchemyUnitOfWork:
        return SqlAlchemyUnitOfWork(session_factory)

    hasher = Argon2PasswordHasher()
    codec = PyJWTCodec(
        secret_key=settings.resolved_secret_key(),
        issuer=settings.jwt_issuer,
        audience=settings.jwt_audience,
        ttl=timedelta(seconds=settings.access_token_ttl_seconds),
    )
    return Container(
        settings=settings,
        engine=engine,
        clock=clock,
        users=UserService(unit_of_work, hasher, clock),
        sessions=SessionService(
            unit_of_work,
            hasher,
            codec,
            clock,
            timedelta(seconds=settings.refresh_token_ttl_seconds),
            SignInThrottle(InMemoryFailureCounter(), throttle_policy(settings)),
        ),
        api_tokens=ApiTokenService(unit_of_work, clock),
        authenticator=Authenticator(unit_of_work, codec, clock),
        system=SystemService(
            settings.mode.value,
            SqlAlchemyDatabaseProbe(engine),
            DockerContainerEngine(),
            GitPythonSourceControl(),
            clock,
        ),
    )


async def prepare_database(container: Container) -> None:
    """Development migrates on start; production insists on an explicit `machete db upgrade`."""
    url = container.settings.resolved_database_url
    if container.settings.mode is Mode.DEVELOPMENT:
        await upgrade_to_head_async(url)
    elif not await is_at_head(container.engine, url):
        raise DatabaseNotMigrated(
            "The database schema is not up to date; run `machete db upgrade` first."
        )


async def create_admin_from_environment(container: Container) -> None:
    """Create the admin named by MACHETE_ADMIN_* when no active admin exists yet."""
    settings = container.settings
    if not settings.admin_username or settings.admin_password is None:
        return
    email = settings.admin_email or f"{settings.admin_username}@localhost"
    try:
        created = await container.users.ensure_admin(
            settings.admin_username, email, settings.admin_password.get_secret_value()
        )
    except DomainError as error:
        raise InvalidAdminSettings(
            f"MACHETE_ADMIN_* does not describe a valid admin: {error}"
        ) from None
    if created is not None:
        logger.info("created admin %r from the environment", created.username)
