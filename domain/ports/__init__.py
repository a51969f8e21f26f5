"""The ports the use cases depend on; adapters in `infra` implement them."""

from domain.ports.accounts import (
    ApiTokenRepository,
    AuditLog,
    RefreshTokenRepository,
    UserRepository,
)
from domain.ports.containers import ContainerEngine, HealthProbe, PortProbe
from domain.ports.events import EventBus, EventSubscription
from domain.ports.gateway import Gateway, GatewayStatus
from domain.ports.security import AccessTokenCodec, PasswordHasher, SecretCipher
from domain.ports.sources import ManifestLoader, SourceControl
from domain.ports.storage import DatabaseProbe, ToolFiles
from domain.ports.tool_store import (
    BuildFilter,
    BuildLogRepository,
    BuildRepository,
    HealthCheckRepository,
    ToolFilter,
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
    "BuildFilter",
    "BuildLogRepository",
    "BuildRepository",
    "BuildSignals",
    "ContainerEngine",
    "DatabaseProbe",
    "EventBus",
    "EventSubscription",
    "Gateway",
    "GatewayStatus",
    "HealthCheckRepository",
    "HealthProbe",
    "ManifestLoader",
    "PasswordHasher",
    "PortProbe",
    "RefreshTokenRepository",
    "SecretCipher",
    "SourceControl",
    "ToolFiles",
    "ToolFilter",
    "ToolRepository",
    "ToolSecretRepository",
    "UnitOfWork",
    "UnitOfWorkFactory",
    "UserRepository",
]
