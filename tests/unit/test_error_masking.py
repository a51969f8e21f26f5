"""Unexpected errors reach clients as "Unexpected error."; our public ones pass untouched."""

from __future__ import annotations

from graphql import GraphQLError

from graph.errors import forbidden, should_mask_error, unauthenticated


def located(original: Exception | None) -> GraphQLError:
    return GraphQLError("boom", path=["field"], original_error=original)


def test_an_internal_exception_is_masked() -> None:
    assert should_mask_error(located(RuntimeError("SELECT * FROM users; password=...")))


def test_auth_errors_are_not_masked() -> None:
    assert not should_mask_error(located(unauthenticated()))
    assert not should_mask_error(located(forbidden()))


def test_an_unknown_graphql_error_from_a_resolver_is_masked() -> None:
    assert should_mask_error(located(GraphQLError("internal detail")))


def test_document_errors_without_a_path_are_not_masked() -> None:
    assert not should_mask_error(GraphQLError("Cannot query field 'nope' on type 'Query'."))
