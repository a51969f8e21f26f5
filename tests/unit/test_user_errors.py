"""Domain errors name fields in the domain's words; payloads name them as the input does."""

from __future__ import annotations

import uuid

import pytest

from domain.errors import DomainError, ErrorCode, NotFound, ValidationFailed
from domain.manifest.problems import ManifestProblem
from graph.errors import UserError, user_errors
from graph.mutation import key
from graph.node import to_global_id


def test_a_snake_case_domain_field_is_the_inputs_camel_case_field() -> None:
    error = DomainError(
        "Wrong password.", code=ErrorCode.INVALID_CREDENTIALS, field=("current_password",)
    )
    assert user_errors(error) == [
        UserError(
            code=ErrorCode.INVALID_CREDENTIALS,
            message="Wrong password.",
            field=["input", "currentPassword"],
        )
    ]


def test_every_problem_of_a_validation_failure_is_named_and_one_word_names_stay() -> None:
    failure = ValidationFailed(
        [
            DomainError("Bad URL.", field=("repo_url",)),
            DomainError("Bad name.", field=("name",)),
            DomainError("Volumes escape.", field=("machete", "volumes")),
            DomainError("Nothing in particular."),
        ]
    )
    assert [error.field for error in user_errors(failure)] == [
        ["input", "repoUrl"],
        ["input", "name"],
        ["input", "machete", "volumes"],
        None,
    ]


def test_a_manifest_problem_keeps_its_key_path_and_line() -> None:
    problem = ManifestProblem("unknown key", path=("machete", "health_check"), line=4)
    [error] = user_errors(problem)
    assert (error.field, error.line) == (["machete.yml", "machete", "health_check"], 4)


def test_a_global_id_of_another_type_is_not_found_under_the_named_field() -> None:
    tool_id = to_global_id("Tool", uuid.uuid4())
    with pytest.raises(NotFound) as caught:
        key(tool_id, "Build", "build_id")
    assert (caught.value.message, caught.value.field) == ("No build with this id.", ("build_id",))
    assert user_errors(caught.value)[0].field == ["input", "buildId"]
