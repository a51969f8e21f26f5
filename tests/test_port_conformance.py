"""Every adapter and every fake against the port it stands for, checked by mypy (`make lint`).

The wiring (infra/adapters.py, tests/unit/tool_fakes.py: `Adapters` types every field as its
port) already passes most of them where a
port is expected; these lines keep the check when the wiring changes. Nothing here runs: a
class that drifts from its Protocol fails the type check, not a test.
"""

from __future__ import annotations

from domain.auth.throttle import FailureCounter
from domain.clock import Clock, SystemClock
from domain.ports import (
    AccessTokenCodec,
    ApiTokenRepository,
    AuditLog,
    BackgroundTasks,
    BuildLogRepository,
    BuildRepository,
    BuildSignals,
    ContainerEngine,
    DatabaseProbe,
    EventBus,
    Gateway,
    HealthCheckRepository,
    HealthProbe,
    ManifestLoader,
    PasswordHasher,
    PortProbe,
    RefreshTokenRepository,
    SecretCipher,
    SourceControl,
    ToolFiles,
    ToolRepository,
    ToolSecretRepository,
    UnitOfWork,
    UserRepository,
)
from domain.system import WorkerProbe
from infra.db.engine import SqlAlchemyDatabaseProbe
from infra.db.repositories.audit import SqlAlchemyAuditLog
from infra.db.repositories.builds import SqlAlchemyBuildLogRepository, SqlAlchemyBuildRepository
from infra.db.repositories.health import SqlAlchemyHealthCheckRepository
from infra.db.repositories.tokens import (
    SqlAlchemyApiTokenRepository,
    SqlAlchemyRefreshTokenRepository,
)
from infra.db.repositories.tools import SqlAlchemyToolRepository, SqlAlchemyToolSecretRepository
from infra.db.repositories.users import SqlAlchemyUserRepository
from infra.db.unit_of_work import SqlAlchemyUnitOfWork
from infra.docker.engine import DockerContainerEngine
from infra.events.choice import LiveEventBus
from infra.events.in_process import InProcessEventBus
from infra.events.postgres import PostgresEventBus
from infra.files.tool_files import LocalToolFiles
from infra.gateway.caddy.gateway import CaddyGateway
from infra.gateway.off import NoGateway
from infra.git.source_control import GitPythonSourceControl
from infra.health.http_probe import HttpxHealthProbe
from infra.manifest.loader import YamlManifestLoader
from infra.net.port_probe import SocketPortProbe
from infra.security.argon2_hasher import Argon2PasswordHasher
from infra.security.failure_counter import InMemoryFailureCounter
from infra.security.jwt_codec import PyJWTCodec
from infra.security.secret_cipher import FernetSecretCipher
from infra.worker.background import TaskSupervisor
from infra.worker.build_worker import BuildWorker
from infra.worker.link import WorkerLink
from tests.unit import fake_account_repositories as accounts
from tests.unit import fake_store, fakes, tool_fakes
from tests.unit import fake_tool_repositories as tool_store

# The adapters.
_clock: type[Clock] = SystemClock
_unit_of_work: type[UnitOfWork] = SqlAlchemyUnitOfWork
_users: type[UserRepository] = SqlAlchemyUserRepository
_refresh_tokens: type[RefreshTokenRepository] = SqlAlchemyRefreshTokenRepository
_api_tokens: type[ApiTokenRepository] = SqlAlchemyApiTokenRepository
_audit: type[AuditLog] = SqlAlchemyAuditLog
_tools: type[ToolRepository] = SqlAlchemyToolRepository
_tool_secrets: type[ToolSecretRepository] = SqlAlchemyToolSecretRepository
_builds: type[BuildRepository] = SqlAlchemyBuildRepository
_build_logs: type[BuildLogRepository] = SqlAlchemyBuildLogRepository
_health_checks: type[HealthCheckRepository] = SqlAlchemyHealthCheckRepository
_database: type[DatabaseProbe] = SqlAlchemyDatabaseProbe
_engine: type[ContainerEngine] = DockerContainerEngine
_source: type[SourceControl] = GitPythonSourceControl
_manifests: type[ManifestLoader] = YamlManifestLoader
_files: type[ToolFiles] = LocalToolFiles
_health: type[HealthProbe] = HttpxHealthProbe
_ports: type[PortProbe] = SocketPortProbe
_hasher: type[PasswordHasher] = Argon2PasswordHasher
_codec: type[AccessTokenCodec] = PyJWTCodec
_cipher: type[SecretCipher] = FernetSecretCipher
_failures: type[FailureCounter] = InMemoryFailureCounter
_in_process_bus: type[LiveEventBus] = InProcessEventBus
_postgres_bus: type[LiveEventBus] = PostgresEventBus
_background: type[BackgroundTasks] = TaskSupervisor
_signals: type[BuildSignals] = WorkerLink
_worker: type[WorkerProbe] = WorkerLink
_local_worker: type[WorkerProbe] = BuildWorker
_no_gateway: type[Gateway] = NoGateway
_caddy_gateway: type[Gateway] = CaddyGateway

# The fakes the unit tests use instead.
_fake_clock: type[Clock] = fakes.FakeClock
_fake_unit_of_work: type[UnitOfWork] = fake_store.FakeUnitOfWork
_fake_users: type[UserRepository] = accounts.FakeUserRepository
_fake_refresh_tokens: type[RefreshTokenRepository] = accounts.FakeRefreshTokenRepository
_fake_api_tokens: type[ApiTokenRepository] = accounts.FakeApiTokenRepository
_fake_audit: type[AuditLog] = accounts.FakeAuditLog
_fake_tools: type[ToolRepository] = tool_store.FakeToolRepository
_fake_tool_secrets: type[ToolSecretRepository] = tool_store.FakeToolSecretRepository
_fake_builds: type[BuildRepository] = tool_store.FakeBuildRepository
_fake_build_logs: type[BuildLogRepository] = tool_store.FakeBuildLogRepository
_fake_health_checks: type[HealthCheckRepository] = tool_store.FakeHealthCheckRepository
_fake_engine: type[ContainerEngine] = tool_fakes.FakeContainerEngine
_fake_source: type[SourceControl] = tool_fakes.FakeSourceControl
_fake_manifests: type[ManifestLoader] = tool_fakes.FakeManifestLoader
_fake_files: type[ToolFiles] = tool_fakes.FakeToolFiles
_fake_health: type[HealthProbe] = tool_fakes.FakeHealthProbe
_fake_ports: type[PortProbe] = tool_fakes.FakePortProbe
_fake_hasher: type[PasswordHasher] = fakes.FakePasswordHasher
_fake_cipher: type[SecretCipher] = tool_fakes.FakeSecretCipher
_fake_signals: type[BuildSignals] = tool_fakes.FakeSignals
_fake_background: type[BackgroundTasks] = tool_fakes.FakeBackground
_fake_database: type[DatabaseProbe] = tool_fakes.FakeDatabaseProbe
_fake_gateway: type[Gateway] = tool_fakes.FakeGateway
_event_bus: type[EventBus] = InProcessEventBus  # the unit tests' bus is the real one
