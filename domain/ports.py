"""The ports the use cases depend on; adapters in `infra` implement them."""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable
from contextlib import AbstractAsyncContextManager
from datetime import datetime
from pathlib import Path
from types import TracebackType
from typing import Protocol, Self

from domain.audit.model import AuditEvent
from domain.auth.model import (
    AccessTokenClaims,
    ApiToken,
    IssuedAccessToken,
    RefreshToken,
    TokenFamily,
)
from domain.builds.model import Build, BuildStatus, LogLine
from domain.manifest.model import Manifest, Volume
from domain.runtime.model import (
    Checkout,
    ContainerSpec,
    ContainerState,
    HealthResult,
    ImageBuild,
    LogSink,
    Mount,
    NetworkMode,
    SourceSpec,
)
from domain.tools.model import HealthCheck, Tool, ToolSecret, ToolStatus
from domain.users.model import User

UserPageKey = tuple[datetime, uuid.UUID]
PageKey = tuple[datetime, uuid.UUID]


class UserRepository(Protocol):
    async def add(self, user: User) -> None: ...
    async def save(self, user: User) -> None: ...
    async def get(self, user_id: uuid.UUID) -> User | None: ...
    async def get_many(self, user_ids: list[uuid.UUID]) -> list[User]: ...
    async def get_by_username(self, username: str) -> User | None: ...
    async def get_by_email(self, email: str) -> User | None: ...
    async def page(self, limit: int, after: UserPageKey | None) -> list[User]: ...
    async def count_active_admins(self) -> int: ...


class RefreshTokenRepository(Protocol):
    async def add_family(self, family: TokenFamily) -> None: ...
    async def lock_family(self, family_id: uuid.UUID) -> TokenFamily | None:
        """Read the family, holding a row lock until the transaction ends (where supported)."""
        ...

    async def revoke_family(self, family_id: uuid.UUID, at: datetime) -> None: ...
    async def revoke_all_for_user(self, user_id: uuid.UUID, at: datetime) -> None: ...
    async def is_family_active(self, family_id: uuid.UUID) -> bool: ...
    async def add(self, token: RefreshToken) -> None: ...
    async def get_by_hash(self, token_hash: str) -> RefreshToken | None: ...
    async def spend(self, token_id: uuid.UUID, at: datetime) -> bool:
        """Mark the token used if it still is unused; False if it was not."""
        ...


class ApiTokenRepository(Protocol):
    async def add(self, token: ApiToken) -> None: ...
    async def save(self, token: ApiToken) -> None: ...
    async def get(self, token_id: uuid.UUID) -> ApiToken | None: ...
    async def get_by_hash(self, token_hash: str) -> ApiToken | None: ...
    async def list_for_user(self, user_id: uuid.UUID) -> list[ApiToken]: ...
    async def touch(self, token_id: uuid.UUID, at: datetime, not_since: datetime) -> None:
        """Set `last_used_at` unless it is already later than `not_since`."""
        ...


class ToolRepository(Protocol):
    async def add(self, tool: Tool) -> None:
        """Insert; a duplicate name or host port raises DomainError NAME_TAKEN / CONFLICT."""
        ...

    async def save(self, tool: Tool) -> None: ...
    async def delete(self, tool_id: uuid.UUID) -> None: ...
    async def get(self, tool_id: uuid.UUID) -> Tool | None: ...
    async def lock(self, tool_id: uuid.UUID) -> Tool | None:
        """Read the tool, holding a row lock until the transaction ends (where supported)."""
        ...

    async def get_by_name(self, name: str) -> Tool | None: ...
    async def get_many(self, tool_ids: list[uuid.UUID]) -> list[Tool]: ...
    async def page(
        self,
        limit: int,
        after: PageKey | None,
        status: ToolStatus | None = None,
        category: str | None = None,
        search: str | None = None,
    ) -> list[Tool]: ...
    async def used_host_ports(self) -> set[int]: ...
    async def running(self) -> list[Tool]:
        """Tools that should be running and have an image (for the health monitor)."""
        ...


class ToolSecretRepository(Protocol):
    async def put(self, secret: ToolSecret) -> None: ...
    async def delete(self, tool_id: uuid.UUID, name: str) -> bool: ...
    async def for_tool(self, tool_id: uuid.UUID) -> list[ToolSecret]: ...


class BuildRepository(Protocol):
    async def add(self, build: Build) -> None: ...
    async def save(self, build: Build) -> None: ...
    async def get(self, build_id: uuid.UUID) -> Build | None: ...
    async def lock(self, build_id: uuid.UUID) -> Build | None:
        """Read the build fresh, holding a row lock until the transaction ends."""
        ...

    async def request_cancel(self, build_id: uuid.UUID, at: datetime) -> None: ...
    async def get_many(self, build_ids: list[uuid.UUID]) -> list[Build]: ...
    async def get_by_idempotency_key(self, tool_id: uuid.UUID, key: str) -> Build | None: ...
    async def next_number(self, tool_id: uuid.UUID) -> int: ...
    async def active_for_tool(self, tool_id: uuid.UUID) -> list[Build]: ...
    async def latest_for_tools(self, tool_ids: list[uuid.UUID]) -> list[Build]: ...
    async def page(
        self,
        limit: int,
        after: PageKey | None,
        status: BuildStatus | None = None,
        tool_id: uuid.UUID | None = None,
    ) -> list[Build]:
        """Newest first."""
        ...

    async def claim_next(self, owner: str, now: datetime, lease_until: datetime) -> Build | None:
        """Take the oldest queued build under a lease (`SKIP LOCKED` where supported)."""
        ...

    async def renew_lease(self, build_id: uuid.UUID, owner: str, lease_until: datetime) -> bool:
        """Extend our lease; False when the build is no longer ours."""
        ...

    async def record_log_progress(
        self, build_id: uuid.UUID, line_count: int, log_bytes: int
    ) -> None: ...
    async def expired_leases(self, now: datetime) -> list[Build]: ...


class BuildLogRepository(Protocol):
    async def append(self, build_id: uuid.UUID, lines: list[LogLine]) -> None: ...
    async def read(self, build_id: uuid.UUID, after: int, limit: int) -> list[LogLine]: ...


class HealthCheckRepository(Protocol):
    async def add(self, check: HealthCheck) -> None: ...
    async def latest(self, tool_id: uuid.UUID, limit: int) -> list[HealthCheck]:
        """Newest first."""
        ...

    async def prune(self, tool_id: uuid.UUID, keep: int) -> None: ...


class AuditLog(Protocol):
    async def record(self, event: AuditEvent) -> None: ...


class UnitOfWork(Protocol):
    """One transaction: rolled back on exit unless `commit` was called."""

    users: UserRepository
    refresh_tokens: RefreshTokenRepository
    api_tokens: ApiTokenRepository
    audit: AuditLog
    tools: ToolRepository
    tool_secrets: ToolSecretRepository
    builds: BuildRepository
    build_logs: BuildLogRepository
    health_checks: HealthCheckRepository

    async def __aenter__(self) -> Self: ...
    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None: ...
    async def commit(self) -> None: ...


class UnitOfWorkFactory(Protocol):
    def __call__(self) -> UnitOfWork: ...


class PasswordHasher(Protocol):
    async def hash(self, password: str) -> str: ...
    async def verify(self, password_hash: str, password: str) -> bool: ...


class AccessTokenCodec(Protocol):
    def issue(
        self, user_id: uuid.UUID, session_id: uuid.UUID, now: datetime
    ) -> IssuedAccessToken: ...
    def decode(self, token: str) -> AccessTokenClaims:
        """Return the claims of a valid token; raise `InvalidToken` otherwise."""
        ...


class DatabaseProbe(Protocol):
    dialect: str

    async def is_reachable(self) -> bool: ...


class ContainerEngine(Protocol):
    """Images and containers. Every method raises `EngineError` (ENGINE_UNAVAILABLE when the
    engine cannot be reached); "missing" is never an error for stop/remove."""

    async def engine_version(self) -> str | None:
        """The engine's version, or None when the engine cannot be reached."""
        ...

    async def network_mode(self) -> NetworkMode:
        """The mode tools run in (the setting, with `auto` resolved against the engine)."""
        ...

    async def build_image(self, build: ImageBuild, on_line: LogSink) -> str:
        """Build and tag the image, streaming output line by line; return the image id.

        A failing step raises `EngineError(IMAGE_BUILD_FAILED)` naming the step's error.
        Cancelling the awaiting task aborts the build within seconds and removes every layer
        this build created before `CancelledError` propagates.
        """
        ...

    async def image_exists(self, tag: str) -> bool: ...
    async def run_container(self, spec: ContainerSpec) -> str:
        """Create and start the container (replacing one of the same name); return its id."""
        ...

    async def start_container(self, name: str) -> None: ...
    async def stop_container(self, name: str, timeout_seconds: int = 10) -> None: ...
    async def remove_container(self, name: str) -> None: ...
    async def container_state(self, name: str) -> ContainerState | None: ...
    async def remove_image(self, tag: str) -> None: ...
    async def remove_tool_images(self, tool_name: str) -> None:
        """Remove every image labelled as this tool's."""
        ...


class SourceControl(Protocol):
    async def client_version(self) -> str | None: ...

    def checkout(
        self, source: SourceSpec, on_line: LogSink
    ) -> AbstractAsyncContextManager[Checkout]:
        """Fetch the source into a fresh workspace that is removed when the context exits.

        Raises `SourceError` with REPOSITORY_UNREACHABLE, REF_NOT_FOUND, SUBDIR_NOT_FOUND,
        CLONE_TIMEOUT or REPOSITORY_TOO_LARGE; never echoes credentials from the URL.
        """
        ...


class ManifestLoader(Protocol):
    def load(self, directory: Path) -> Manifest:
        """Read and validate `machete.yml` next to a `Dockerfile` in `directory`.

        Raises `ManifestError` (MANIFEST_MISSING / DOCKERFILE_MISSING) or `ValidationFailed`
        whose problems are `ManifestProblem`s, every problem at once.
        """
        ...


class ToolFiles(Protocol):
    """Each tool's own data directory, where its manifest volumes live."""

    def mounts_for(self, tool_name: str, volumes: tuple[Volume, ...]) -> tuple[Mount, ...]:
        """Create the volumes' directories; refuse (ManifestError VOLUME_NOT_ALLOWED) any path
        that would leave the tool's directory, symlinks included."""
        ...

    def remove(self, tool_name: str) -> None: ...
    def exists(self, tool_name: str) -> bool: ...


class HealthProbe(Protocol):
    async def check(self, url: str, timeout_seconds: float) -> HealthResult: ...


class SecretCipher(Protocol):
    def encrypt(self, plaintext: str) -> bytes: ...
    def decrypt(self, ciphertext: bytes) -> str: ...


class PortProbe(Protocol):
    def is_free(self, port: int) -> bool:
        """True when nothing listens on this loopback port right now."""
        ...


class BuildSignals(Protocol):
    """How use cases reach the workers after a commit."""

    def build_queued(self) -> None: ...
    def cancel_requested(self, build_id: uuid.UUID) -> None: ...


class BackgroundTasks(Protocol):
    def spawn(self, name: str, work: Callable[[], Awaitable[None]]) -> None:
        """Run `work` outside the request; failures are logged, never raised to the caller."""
        ...
