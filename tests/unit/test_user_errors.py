"""Domain errors name fields in the domain's words; payloads name them as the input does."""

from __future__ import annotations

from domain.errors import DomainError, ErrorCode, ValidationFailed
from domain.manifest.problems import ManifestProblem
from graph.errors import UserError, user_errors


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
