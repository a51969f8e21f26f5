"""Every mistake is reported at once, each with its key path and line."""

from __future__ import annotations

import pytest

from domain.errors import ErrorCode
from tests.unit.manifest.support import minimal, only_problem, problems_of


def test_three_mistakes_are_reported_together_each_at_its_own_line() -> None:
    problems = problems_of(
        """\
        name: My_Tool
        machete:
          port: 8080
          prot: 8081
          volumes:
            - ./data:/app/data
            - ../../etc:/x
        """
    )

    located = [(problem.path, problem.line) for problem in problems]
    assert located == [(("name",), 1), (("machete", "prot"), 4), (("machete", "volumes", 1), 7)]
    assert 'did you mean "port"?' in problems[1].message
    assert problems[2].code is ErrorCode.VOLUME_NOT_ALLOWED


def test_the_messages_name_the_file_the_line_and_the_key_path() -> None:
    problem = only_problem(minimal("helth_check: /health"))

    assert problem.message == (
        'machete.yml line 4, machete.helth_check: unknown key (did you mean "health_check"?)'
    )


def test_an_unknown_key_with_nothing_close_gets_no_suggestion() -> None:
    problem = only_problem(minimal(top="zzzzzz: 1\n"))

    assert problem.path == ("zzzzzz",)
    assert "did you mean" not in problem.message


@pytest.mark.parametrize(
    ("extra", "path"),
    [
        ("descripton: x\n", ("descripton",)),
        ("ui: {icn: x}\n", ("ui", "icn")),
        ("ui: {routes: [{path: /, titel: x}]}\n", ("ui", "routes", 0, "titel")),
        ("resources: {memroy: 1Gi}\n", ("resources", "memroy")),
        ("permissions: {filesytem: {}}\n", ("permissions", "filesytem")),
        (
            "permissions: {filesystem: {readonly: true}}\n",
            ("permissions", "filesystem", "readonly"),
        ),
    ],
)
def test_unknown_keys_are_refused_at_every_level(extra: str, path: tuple[str, ...]) -> None:
    problem = only_problem(minimal(top=extra))

    assert problem.path == path
    assert "did you mean" in problem.message


def test_a_missing_name_is_reported_at_the_line_of_the_top_level_mapping() -> None:
    problem = only_problem("# a comment first\nmachete:\n  port: 8080\n")

    assert (problem.path, problem.line) == (("name",), 2)
    assert 'required key "name" is missing' in problem.message


def test_a_missing_port_is_reported_at_the_line_of_the_machete_key() -> None:
    problem = only_problem("name: a-tool\nversion: '1'\nmachete:\n  category: testing\n")

    assert (problem.path, problem.line) == (("machete", "port"), 3)


def test_a_missing_machete_section_is_reported() -> None:
    problem = only_problem("name: a-tool\n")

    assert problem.path == ("machete",)


@pytest.mark.parametrize(
    ("text", "got"),
    [("- name: a\n", "a list"), ("just text\n", "text"), ("", "nothing (null)")],
)
def test_the_top_level_must_be_a_mapping(text: str, got: str) -> None:
    problem = only_problem(text)

    assert problem.path == ()
    assert problem.detail.endswith(f"not {got}")


@pytest.mark.parametrize(
    ("text", "path", "expected"),
    [
        ("name: [a]\nmachete: {port: 1}\n", ("name",), "expected a string, got a list"),
        (
            "name: a\nmachete: {port: '80'}\n",
            ("machete", "port"),
            "expected a whole number, got text",
        ),
        ("name: a\nmachete: {port: true}\n", ("machete", "port"), "got true/false"),
        ("name: a\nmachete: {port: 80.5}\n", ("machete", "port"), "got a number"),
        ("name: a\nmachete: [port]\n", ("machete",), "expected a mapping, got a list"),
        ("name: a\nmachete:\n", ("machete",), "expected a mapping, got nothing (null)"),
        (
            "name: a\nmachete: {port: 1, volumes: ./x:/y}\n",
            ("machete", "volumes"),
            "expected a list",
        ),
        (
            "name: a\nmachete: {port: 1, dependencies: [{a: 1}]}\n",
            ("machete", "dependencies", 0),
            "expected a string",
        ),
        (
            "name: a\nauthor: 5\nmachete: {port: 1}\n",
            ("author",),
            "expected a string, got a number",
        ),
        (
            "name: a\nmachete: {port: 1}\npermissions: {filesystem: {read_only: maybe}}\n",
            ("permissions", "filesystem", "read_only"),
            "expected true or false",
        ),
        (
            "name: a\nmachete: {port: 1}\nui: {routes: [3]}\n",
            ("ui", "routes", 0),
            "expected a mapping",
        ),
        (
            "name: a\nmachete: {port: 1}\nresources: {memory: [1]}\n",
            ("resources", "memory"),
            "expected a string or a number",
        ),
    ],
)
def test_wrong_types_are_named_with_the_type_expected(
    text: str, path: tuple[str | int, ...], expected: str
) -> None:
    problem = only_problem(text)

    assert problem.path == path
    assert expected in problem.detail


@pytest.mark.parametrize("name", ["my-tool", "a", "tool2", "a-b-c", "x" * 40])
def test_slug_names_are_accepted(name: str) -> None:
    from tests.unit.manifest.support import validate

    assert validate(f"name: {name}\nmachete: {{port: 1}}\n").name == name


@pytest.mark.parametrize(
    "name", ["My-Tool", "2tool", "-tool", "tool-", "my_tool", "my tool", "x" * 41, "'tööl'"]
)
def test_names_that_are_not_slugs_are_refused(name: str) -> None:
    problem = only_problem(f"name: {name}\nmachete: {{port: 1}}\n")

    assert (problem.path, problem.line) == (("name",), 1)


@pytest.mark.parametrize("port", [0, 65536, -1])
def test_ports_outside_1_to_65535_are_refused(port: int) -> None:
    problem = only_problem(f"name: a\nmachete: {{port: {port}}}\n")

    assert "not a port number" in problem.detail


def test_a_key_given_twice_is_reported_at_its_second_line() -> None:
    problem = only_problem("name: a\nmachete:\n  port: 1\n  port: 2\n")

    assert (problem.path, problem.line) == (("machete", "port"), 4)
    assert "first at line 3" in problem.detail


def test_problems_of_different_sections_all_arrive_sorted_by_line() -> None:
    problems = problems_of(
        """\
        name: a
        machete:
          port: 0
          category: nope
        resources: {memory: lots, cpu: -1}
        """
    )

    assert [problem.line for problem in problems] == [3, 4, 5, 5]
