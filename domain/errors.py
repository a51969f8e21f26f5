"""Expected failures of use cases. Each carries a stable code that the API exposes as-is."""

from __future__ import annotations

from collections.abc import Sequence
from enum import StrEnum


class ErrorCode(StrEnum):
    INVALID_INPUT = "INVALID_INPUT"
    INVALID_CREDENTIALS = "INVALID_CREDENTIALS"
    INVALID_TOKEN = "INVALID_TOKEN"
    WEAK_PASSWORD = "WEAK_PASSWORD"
    USERNAME_TAKEN = "USERNAME_TAKEN"
    EMAIL_TAKEN = "EMAIL_TAKEN"
    NOT_FOUND = "NOT_FOUND"
    FORBIDDEN = "FORBIDDEN"
    LAST_ADMIN = "LAST_ADMIN"
    RATE_LIMITED = "RATE_LIMITED"
    CONFLICT = "CONFLICT"
    NAME_TAKEN = "NAME_TAKEN"
    # Source (git) problems.
    INVALID_REPO_URL = "INVALID_REPO_URL"
    INVALID_REF = "INVALID_REF"
    INVALID_SUBDIR = "INVALID_SUBDIR"
    REPOSITORY_UNREACHABLE = "REPOSITORY_UNREACHABLE"
    REF_NOT_FOUND = "REF_NOT_FOUND"
    SUBDIR_NOT_FOUND = "SUBDIR_NOT_FOUND"
    CLONE_TIMEOUT = "CLONE_TIMEOUT"
    REPOSITORY_TOO_LARGE = "REPOSITORY_TOO_LARGE"
    # Manifest problems.
    MANIFEST_MISSING = "MANIFEST_MISSING"
    DOCKERFILE_MISSING = "DOCKERFILE_MISSING"
    MANIFEST_INVALID = "MANIFEST_INVALID"
    UNSUPPORTED_PLATFORM_VERSION = "UNSUPPORTED_PLATFORM_VERSION"
    VOLUME_NOT_ALLOWED = "VOLUME_NOT_ALLOWED"
    # Engine and runtime problems.
    ENGINE_UNAVAILABLE = "ENGINE_UNAVAILABLE"
    IMAGE_BUILD_FAILED = "IMAGE_BUILD_FAILED"
    BUILD_TIMEOUT = "BUILD_TIMEOUT"
    CONTAINER_START_FAILED = "CONTAINER_START_FAILED"
    HEALTH_CHECK_FAILED = "HEALTH_CHECK_FAILED"
    NO_FREE_PORT = "NO_FREE_PORT"
    IMAGE_MISSING = "IMAGE_MISSING"
    INTERRUPTED = "INTERRUPTED"
    GATEWAY_UNAVAILABLE = "GATEWAY_UNAVAILABLE"
    FEED_LAGGED = "FEED_LAGGED"
    FEED_CLOSED = "FEED_CLOSED"
    INTERNAL_ERROR = "INTERNAL_ERROR"


class DomainError(Exception):
    """A failure the caller is expected to handle; the message is safe to show to users.

    `field` names what is at fault in the domain's own words (`build_id`, `expires_at`); the
    edge that took the input translates it into its own names.
    """

    code: ErrorCode = ErrorCode.INVALID_INPUT

    def __init__(
        self, message: str, *, code: ErrorCode | None = None, field: tuple[str, ...] = ()
    ) -> None:
        super().__init__(message)
        self.message = message
        if code is not None:
            self.code = code
        self.field = field


class ValidationFailed(DomainError):
    """One or more inputs are invalid; `problems` lists every one of them."""

    def __init__(self, problems: Sequence[DomainError]) -> None:
        super().__init__("; ".join(p.message for p in problems), code=problems[0].code)
        self.problems = problems


class NotFound(DomainError):
    code = ErrorCode.NOT_FOUND


class Forbidden(DomainError):
    code = ErrorCode.FORBIDDEN


class InvalidCredentials(DomainError):
    code = ErrorCode.INVALID_CREDENTIALS


class InvalidToken(DomainError):
    code = ErrorCode.INVALID_TOKEN


class Unauthenticated(Exception):
    """No valid credentials accompany a request that needs them (not a payload error)."""


class SourceError(DomainError):
    """Fetching the tool's source failed (unreachable, missing ref, timeout, too large, ...)."""


class ManifestError(DomainError):
    """The repository's `machete.yml` or `Dockerfile` is missing or invalid."""


class EngineError(DomainError):
    """The container engine refused or failed an operation."""


class FeedLagged(DomainError):
    """A live feed's subscriber stopped reading and was dropped; it may subscribe again."""

    code = ErrorCode.FEED_LAGGED


class FeedClosed(DomainError):
    """The event bus shut down (the server is stopping)."""

    code = ErrorCode.FEED_CLOSED
