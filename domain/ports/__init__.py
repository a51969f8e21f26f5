"""The ports the use cases depend on; adapters in `infra` implement them."""

from domain.ports.accounts import (
    ApiTokenRepository,
    AuditLog,
    RefreshTokenRepository,
    UserPageKey,
    UserRepository,
)
from domain.ports.events import EventBus, EventSubscription
from domain.ports.runtime import (
    ContainerEngine,
    DatabaseProbe,
    HealthProbe,
    ManifestLoader,
    PortProbe,
    SourceControl,
    ToolFiles,
)
from domain.ports.security import AccessTokenCodec, PasswordHasher, SecretCipher
from domain.ports.tool_store import (
    BuildLogRepository,
    BuildRepository,
    HealthCheckRepository,
    PageKey,
    ToolRepository,
    ToolSecretRepository,
)
from domain.ports.transactions import UnitOfWork, UnitOfWorkFactory
from domain.ports.work import BackgroundTasks, BuildSignals

__all__ = [
    "AccessTokenCodec",
    "ApiTokenRepository",
    "AuditLog",
    "BackgroundTasks",
    "BuildLogRepository",
    "BuildRepository",
    "BuildSignals",
    "ContainerEngine",
    "DatabaseProbe",
    "EventBus",
    "EventSubscription",
    "HealthCheckRepository",
    "HealthProbe",
    "ManifestLoader",
    "PageKey",
    "PasswordHasher",
    "PortProbe",
    "RefreshTokenRepository",
    "SecretCipher",
    "SourceControl",
    "ToolFiles",
    "ToolRepository",
    "ToolSecretRepository",
    "UnitOfWork",
    "UnitOfWorkFactory",
    "UserPageKey",
    "UserRepository",
]
