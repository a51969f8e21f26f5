"""The PyYAML adapter: located nodes out, and only plain data in."""

from __future__ import annotations

import pytest

from domain.errors import ValidationFailed
from domain.manifest.document import Entry, Mapping, Scalar, Sequence
from infra.manifest.yaml_document import MAX_DOCUMENT_BYTES, parse_document
from tests.unit.manifest.support import manifest_problems


def problems(text: str) -> list[tuple[str, int | None]]:
    with pytest.raises(ValidationFailed) as caught:
        parse_document(text)
    return [(problem.detail, problem.line) for problem in manifest_problems(caught.value)]


def test_nodes_carry_their_lines_and_scalars_their_types() -> None:
    document = parse_document("# comment\nname: a\nlist:\n  - 1\n  - true\n  - ~\n  - 2024-01-01\n")

    assert document == Mapping(
        (
            Entry("name", 2, Scalar("a", "a", 2)),
            Entry(
                "list",
                3,
                Sequence(
                    (
                        Scalar(1, "1", 4),
                        Scalar(True, "true", 5),
                        Scalar(None, "~", 6),
                        Scalar("2024-01-01", "2024-01-01", 7),
                    ),
                    4,
                ),
            ),
        ),
        2,
    )


def test_duplicate_keys_are_kept_for_the_validator_to_report() -> None:
    document = parse_document("a: 1\na: 2\n")

    assert isinstance(document, Mapping)
    assert [entry.line for entry in document.entries] == [1, 2]


def test_a_syntax_error_is_one_problem_at_its_line() -> None:
    [(detail, line)] = problems("name: a\nmachete:\n  port: 1\n bad: [\n")

    assert detail.startswith("invalid YAML")
    assert line == 4


def test_a_syntax_error_message_does_not_quote_the_document() -> None:
    [(detail, _)] = problems("secret: 'unterminated\n")

    assert "unterminated" not in detail


def test_anchors_and_aliases_are_refused_each_as_a_problem() -> None:
    found = problems("base: &base {port: 1}\nother: *base\n")

    assert [line for _, line in found] == [1, 2]
    assert "anchors" in found[0][0]
    assert "aliases" in found[1][0]


def test_a_billion_laughs_document_is_refused_without_expanding() -> None:
    text = "a: &a [x, x]\nb: &b [*a, *a]\nc: &c [*b, *b]\nd: [*c, *c]\n"

    assert len(problems(text)) == 3 + 6


@pytest.mark.parametrize(
    "text",
    [
        "a: !!python/object/apply:os.system [ls]\n",
        "a: !custom x\n",
        "a: !!binary aGk=\n",
        "a: !!set {x: null}\n",
        "a: !!omap [x: 1]\n",
    ],
)
def test_custom_and_unsafe_tags_are_refused(text: str) -> None:
    [(detail, line)] = problems(text)

    assert "tag" in detail
    assert line == 1


def test_an_explicit_standard_tag_is_fine() -> None:
    assert parse_document("a: !!str 123\n") == Mapping((Entry("a", 1, Scalar("123", "123", 1)),), 1)


def test_a_document_over_the_size_cap_is_refused_before_parsing() -> None:
    text = "a: " + "x" * MAX_DOCUMENT_BYTES + "\n"

    [(detail, _)] = problems(text)
    assert "64 KiB" in detail


def test_deep_nesting_is_refused_instead_of_exhausting_the_stack() -> None:
    [(detail, _)] = problems("[" * 5000 + "]" * 5000)

    assert "nested deeper" in detail


def test_a_character_yaml_forbids_is_a_problem_with_its_line() -> None:
    assert problems("a: 1\nb: \x07\n") == [
        ("invalid YAML: the file contains a character YAML does not allow", 2)
    ]


def test_a_key_that_is_a_mapping_is_refused() -> None:
    [(detail, _)] = problems("? {a: 1}\n: x\n")

    assert "key must be plain text" in detail


def test_two_documents_in_one_file_are_refused() -> None:
    [(detail, line)] = problems("a: 1\n---\nb: 2\n")

    assert "single document" in detail
    assert line == 2


def test_an_empty_file_is_an_empty_scalar() -> None:
    assert parse_document("") == Scalar(None, "", 1)
