"""`machete.environment`: KEY=VALUE lists and mappings."""

from __future__ import annotations

import pytest

from tests.unit.manifest.support import minimal, only_problem, validate


def test_a_list_splits_at_the_first_equals_sign_and_allows_empty_values() -> None:
    manifest = validate(minimal('environment: ["GREETING=a=b", EMPTY=, _UNDER_score1=x]'))

    assert manifest.environment == {"GREETING": "a=b", "EMPTY": "", "_UNDER_score1": "x"}


def test_a_mapping_keeps_the_values_as_written() -> None:
    manifest = validate(
        minimal(
            """\
            environment:
              LOG_LEVEL: info
              DEBUG: yes
              RATIO: 1.50
              WORKERS: 4
              EMPTY:
              QUOTED: "a: b"
            """
        )
    )

    assert manifest.environment == {
        "LOG_LEVEL": "info",
        "DEBUG": "yes",
        "RATIO": "1.50",
        "WORKERS": "4",
        "EMPTY": "",
        "QUOTED": "a: b",
    }


@pytest.mark.parametrize("entry", ["NO_EQUALS", "1ABC=x", "A-B=x", "=value", "A B=x"])
def test_list_entries_that_are_not_key_equals_value_are_refused(entry: str) -> None:
    problem = only_problem(minimal(f'environment: ["{entry}"]'))

    assert (problem.path, problem.line) == (("machete", "environment", 0), 4)


def test_a_mapping_with_a_bad_key_or_a_nested_value_is_refused() -> None:
    problems = [
        only_problem(minimal("environment: {1ABC: x}")),
        only_problem(minimal("environment: {A: [1, 2]}")),
    ]

    assert [problem.path for problem in problems] == [
        ("machete", "environment", "1ABC"),
        ("machete", "environment", "A"),
    ]


def test_a_key_set_twice_in_a_list_is_reported_at_the_second_entry() -> None:
    problem = only_problem(minimal("environment:\n  - A=1\n  - B=2\n  - A=3"))

    assert (problem.path, problem.line) == (("machete", "environment", 2), 7)
    assert "first at line 5" in problem.detail


@pytest.mark.parametrize("environment", ["[PORT=9000]", "{PORT: 9000}"])
def test_port_is_reserved_for_the_platform(environment: str) -> None:
    problem = only_problem(minimal(f"environment: {environment}"))

    assert "reserved" in problem.detail


def test_an_entry_that_is_not_text_is_refused() -> None:
    problem = only_problem(minimal("environment: [{A: 1}]"))

    assert problem.path == ("machete", "environment", 0)
    assert "expected a string, got a mapping" in problem.detail


def test_environment_must_be_a_list_or_a_mapping() -> None:
    problem = only_problem(minimal("environment: A=1"))

    assert problem.path == ("machete", "environment")
