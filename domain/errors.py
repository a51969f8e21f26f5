"""Expected failures of use cases. Each carries a stable code that the API exposes as-is."""

from __future__ import annotations

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


class DomainError(Exception):
    """A failure the caller is expected to handle; the message is safe to show to users."""

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

    def __init__(self, problems: list[DomainError]) -> None:
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
