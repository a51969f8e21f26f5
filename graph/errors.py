"""Typed errors for payloads, GraphQL errors for auth, and masking of everything unexpected."""

from __future__ import annotations

import logging

import strawberry
from graphql import GraphQLError
from strawberry.utils.str_converters import to_camel_case

from domain.errors import DomainError, ValidationFailed
from domain.errors import ErrorCode as DomainErrorCode
from domain.manifest.model import MANIFEST_FILE
from domain.manifest.problems import ManifestProblem

logger = logging.getLogger(__name__)

# The schema's enums are the domain's own, registered with Strawberry in place.
ErrorCode = DomainErrorCode
strawberry.enum(ErrorCode, name="ErrorCode")

UNAUTHENTICATED = "UNAUTHENTICATED"
FORBIDDEN = "FORBIDDEN"
PUBLIC_ERROR_CODES = frozenset(
    {UNAUTHENTICATED, FORBIDDEN, "NOT_FOUND", "BAD_USER_INPUT", "FEED_LAGGED"}
)


@strawberry.type(description="An expected failure of a mutation, safe to show to the user.")
class UserError:
    code: ErrorCode
    message: str
    field: list[str] | None = strawberry.field(
        default=None,
        description="Path to what is at fault: an input field (starting with `input`) or, "
        "for a manifest problem, its key path (starting with `machete.yml`).",
    )
    line: int | None = strawberry.field(
        default=None, description="For a manifest problem: the line in machete.yml."
    )


def user_errors(error: DomainError) -> list[UserError]:
    problems = error.problems if isinstance(error, ValidationFailed) else [error]
    return [user_error(problem) for problem in problems]


def user_error(problem: DomainError) -> UserError:
    if isinstance(problem, ManifestProblem):
        return UserError(
            code=problem.code,
            message=problem.message,
            field=[MANIFEST_FILE, *(str(part) for part in problem.path)],
            line=problem.line,
        )
    return UserError(
        code=problem.code,
        message=problem.message,
        field=["input", *input_path(problem.field)] if problem.field else None,
    )


def input_path(field: tuple[str, ...]) -> list[str]:
    """The domain names what is at fault in its words (`build_id`); the input says `buildId`,
    by the conversion Strawberry gives the schema's own names."""
    return [to_camel_case(part) for part in field]


def unauthenticated(message: str = "Authentication required.") -> GraphQLError:
    return GraphQLError(message, extensions={"code": UNAUTHENTICATED})


def forbidden(message: str = "You are not allowed to do this.") -> GraphQLError:
    return GraphQLError(message, extensions={"code": FORBIDDEN})


def bad_user_input(message: str) -> GraphQLError:
    return GraphQLError(message, extensions={"code": "BAD_USER_INPUT"})


def should_mask_error(error: GraphQLError) -> bool:
    """Mask what went wrong inside a resolver unless it is one of our public errors.

    Errors without a path come from parsing, validation or variable coercion: they describe
    the client's document and are safe to return.
    """
    if error.path is None:
        return False
    original = error.original_error
    if original is None:
        return False
    if isinstance(original, GraphQLError):
        return (original.extensions or {}).get("code") not in PUBLIC_ERROR_CODES
    logger.error("unexpected error in resolver at %s", error.path, exc_info=original)
    return True
